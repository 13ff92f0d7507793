//! [`Board`]: the few things the firmware around the port provides. Everything else the
//! guest sees is computed from these.

/// One of the console's streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Input (fd 0).
    Stdin,
    /// Output (fd 1).
    Stdout,
    /// Diagnostics (fd 2).
    Stderr,
}

/// What the firmware provides: a tick counter, a way to wait on it, and a console.
///
/// On a microcontroller, `ticks` reads SysTick (or a timer), `wait_until` sleeps with
/// `wfi` until the timer interrupt, and `console_write` feeds a UART. In the tests it is
/// a counter the test moves and a `Vec<u8>` per stream.
pub trait Board {
    /// Nanoseconds per tick (1_000_000 for a 1 kHz tick). Must not be 0.
    fn tick_ns(&self) -> u64;
    /// The tick counter: never goes backwards; where it starts does not matter.
    fn ticks(&self) -> u64;
    /// Return once [`ticks`](Board::ticks) has reached `tick` (sleep, or spin).
    fn wait_until(&self, tick: u64);
    /// Write guest output to the console. Returns how many bytes were taken (a UART FIFO
    /// may take fewer than offered; 0 means "full, try again").
    fn console_write(&self, stream: Stream, bytes: &[u8]) -> usize;
    /// Read console input into `buf`; 0 is the end of the input. The default: no input.
    fn console_read(&self, buf: &mut [u8]) -> usize {
        let _ = buf;
        0
    }
}
