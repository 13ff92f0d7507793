//! In-memory pipes for stdio: the host feeds a guest's stdin and drains its stdout/stderr.

use crate::sync::AtomicU64;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::Ordering;
use spin::Mutex;
use wasibox_core::abi::Errno;
use wasibox_core::Result;

/// A byte pipe shared between the host and guest handles ([`MemPlatform::pipe_handle`]).
///
/// Cloning a `MemPipe` gives another reference to the same pipe. The host writes into it
/// with [`push`](MemPipe::push) (stdin) and reads what the guest wrote with
/// [`take`](MemPipe::take) / [`contents`](MemPipe::contents) (stdout, stderr).
///
/// Once [`close_write`](MemPipe::close_write) is called, reading the drained pipe gives
/// end-of-file and guest writes fail with `EPIPE`.
///
/// [`MemPlatform::pipe_handle`]: crate::MemPlatform::pipe_handle
#[derive(Clone)]
pub struct MemPipe {
    pub(crate) shared: Arc<PipeShared>,
}

pub(crate) struct PipeShared {
    state: Mutex<PipeState>,
    /// Inode number, assigned from the first filesystem the pipe is attached to (0 = not
    /// yet), so that runs stay deterministic.
    ino: AtomicU64,
}

struct PipeState {
    buf: VecDeque<u8>,
    capacity: Option<usize>,
    write_closed: bool,
}

/// What a poll sees on a pipe.
pub(crate) struct PipeReadiness {
    pub(crate) available: usize,
    pub(crate) room: Option<usize>,
    pub(crate) closed: bool,
}

impl MemPipe {
    /// A new, empty, open pipe without a capacity limit.
    pub fn new() -> Self {
        Self::build(None)
    }

    /// A new, empty, open pipe that holds at most `capacity` bytes: guest writes beyond
    /// that are short, or `EAGAIN` when the pipe is full.
    pub fn with_capacity(capacity: usize) -> Self {
        Self::build(Some(capacity))
    }

    /// A pipe that already holds `data` and whose writing end is closed: a complete stdin.
    pub fn from_bytes(data: &[u8]) -> Self {
        let p = Self::new();
        p.push(data);
        p.close_write();
        p
    }

    fn build(capacity: Option<usize>) -> Self {
        MemPipe {
            shared: Arc::new(PipeShared {
                state: Mutex::new(PipeState { buf: VecDeque::new(), capacity, write_closed: false }),
                ino: AtomicU64::new(0),
            }),
        }
    }

    /// Append `data` for the guest to read; returns how many bytes fit (all of them unless
    /// the pipe has a capacity). Bytes pushed after [`close_write`](Self::close_write) are
    /// still accepted: the host may do as it likes.
    pub fn push(&self, data: &[u8]) -> usize {
        let mut st = self.shared.state.lock();
        let n = match st.capacity {
            Some(cap) => data.len().min(cap.saturating_sub(st.buf.len())),
            None => data.len(),
        };
        st.buf.extend(data.iter().take(n));
        n
    }

    /// Close the writing end: once drained, reads give end-of-file; guest writes give
    /// `EPIPE`.
    pub fn close_write(&self) {
        self.shared.state.lock().write_closed = true;
    }

    /// Whether [`close_write`](Self::close_write) was called.
    pub fn is_write_closed(&self) -> bool {
        self.shared.state.lock().write_closed
    }

    /// Remove and return everything buffered.
    pub fn take(&self) -> Vec<u8> {
        let mut st = self.shared.state.lock();
        let out: Vec<u8> = st.buf.drain(..).collect();
        out
    }

    /// A copy of everything buffered, leaving it in place.
    pub fn contents(&self) -> Vec<u8> {
        self.shared.state.lock().buf.iter().copied().collect()
    }

    /// Number of bytes buffered.
    pub fn len(&self) -> usize {
        self.shared.state.lock().buf.len()
    }

    /// Whether nothing is buffered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `self` and `other` are the same pipe.
    pub fn same_pipe(&self, other: &MemPipe) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    pub(crate) fn ino(&self) -> u64 {
        self.shared.ino.load(Ordering::SeqCst)
    }

    /// Give the pipe an inode number unless it has one.
    pub(crate) fn assign_ino(&self, ino: impl FnOnce() -> u64) {
        if self.ino() == 0 {
            let _ = self.shared.ino.compare_exchange(0, ino(), Ordering::SeqCst, Ordering::SeqCst);
        }
    }

    /// Guest read: `Ok(0)` at end-of-file, and also when the pipe is empty and the handle
    /// is blocking (nobody could fill it while we wait); `EAGAIN` when empty, open and
    /// non-blocking.
    pub(crate) fn read(&self, bufs: &mut [&mut [u8]], nonblock: bool) -> Result<usize> {
        let mut st = self.shared.state.lock();
        let wanted = bufs.iter().map(|b| b.len()).fold(0usize, usize::saturating_add);
        if wanted == 0 {
            return Ok(0);
        }
        if st.buf.is_empty() {
            return if st.write_closed || !nonblock { Ok(0) } else { Err(Errno::AGAIN) };
        }
        let mut done = 0usize;
        for buf in bufs.iter_mut() {
            for slot in buf.iter_mut() {
                match st.buf.pop_front() {
                    Some(b) => {
                        *slot = b;
                        done = done.saturating_add(1);
                    }
                    None => return Ok(done),
                }
            }
        }
        Ok(done)
    }

    /// Guest write: short when the capacity is reached, `EAGAIN` when full, `EPIPE` when
    /// closed. (A blocking writer on a full pipe also gets `EAGAIN`: nobody could drain it
    /// while we wait.)
    pub(crate) fn write(&self, bufs: &[&[u8]]) -> Result<usize> {
        let mut st = self.shared.state.lock();
        if st.write_closed {
            return Err(Errno::PIPE);
        }
        let wanted = bufs.iter().map(|b| b.len()).fold(0usize, usize::saturating_add);
        if wanted == 0 {
            return Ok(0);
        }
        let room = match st.capacity {
            Some(cap) => cap.saturating_sub(st.buf.len()),
            None => usize::MAX,
        };
        if room == 0 {
            return Err(Errno::AGAIN);
        }
        let mut left = room;
        let mut done = 0usize;
        for buf in bufs {
            let n = buf.len().min(left);
            st.buf.extend(buf.iter().take(n));
            done = done.saturating_add(n);
            left = left.saturating_sub(n);
            if left == 0 {
                break;
            }
        }
        Ok(done)
    }

    pub(crate) fn readiness(&self) -> PipeReadiness {
        let st = self.shared.state.lock();
        PipeReadiness {
            available: st.buf.len(),
            room: st.capacity.map(|c| c.saturating_sub(st.buf.len())),
            closed: st.write_closed,
        }
    }
}

impl Default for MemPipe {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemPipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.shared.state.lock();
        f.debug_struct("MemPipe")
            .field("buffered", &st.buf.len())
            .field("capacity", &st.capacity)
            .field("write_closed", &st.write_closed)
            .finish()
    }
}
