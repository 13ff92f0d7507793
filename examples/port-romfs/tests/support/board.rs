//! [`TestBoard`]: the board of the tests (and of the conformance runner).

use std::cell::{Cell, RefCell};
use wasibox_example_romfs::{Board, Stream};

/// A board for tests: a 1 MHz timer that moves one tick each time it is read (so time
/// passes, deterministically), a sleep that jumps the timer, and a console made of
/// buffers.
#[derive(Debug, Default)]
pub struct TestBoard {
    /// The timer.
    pub now: Cell<u64>,
    /// What the console's input holds, and how much of it was read.
    pub input: (Vec<u8>, Cell<usize>),
    /// What the guest wrote to stdout.
    pub stdout: RefCell<Vec<u8>>,
    /// What the guest wrote to stderr.
    pub stderr: RefCell<Vec<u8>>,
}

impl TestBoard {
    /// A board whose console input is `input`.
    pub fn with_input(input: &[u8]) -> TestBoard {
        TestBoard { input: (input.to_vec(), Cell::new(0)), ..TestBoard::default() }
    }
}

impl Board for TestBoard {
    fn tick_ns(&self) -> u64 {
        1_000
    }
    fn ticks(&self) -> u64 {
        let t = self.now.get();
        self.now.set(t + 1);
        t
    }
    fn wait_until(&self, tick: u64) {
        self.now.set(self.now.get().max(tick));
    }
    fn console_write(&self, stream: Stream, bytes: &[u8]) -> usize {
        let out = if stream == Stream::Stderr { &self.stderr } else { &self.stdout };
        out.borrow_mut().extend_from_slice(bytes);
        bytes.len()
    }
    fn console_read(&self, buf: &mut [u8]) -> usize {
        let (data, pos) = &self.input;
        let rest = &data[pos.get().min(data.len())..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        pos.set(pos.get() + n);
        n
    }
}

/// 2024-01-01T00:00:00Z: when the test firmware was "built".
pub const EPOCH_NS: u64 = 1_704_067_200_000_000_000;
