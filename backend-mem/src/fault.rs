//! Fault injection: make the `n`-th next call of a named `Platform` method fail with a
//! chosen errno, or (for reads and writes) move fewer bytes than asked, to test how
//! guests (and the core) cope with I/O errors and short transfers.

use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use spin::Mutex;
use wasibox_core::abi::Errno;
use wasibox_core::Result;

/// What an armed fault does when it fires.
#[derive(Clone, Copy)]
enum Effect {
    /// The call fails with this errno.
    Fail(Errno),
    /// The call moves at most this many bytes (reads and writes; elsewhere no effect).
    Short(usize),
}

struct Fault {
    op: String,
    effect: Effect,
    skip: u64,
}

/// The armed faults of one filesystem.
#[derive(Default)]
pub(crate) struct Faults {
    armed: AtomicBool,
    list: Mutex<Vec<Fault>>,
}

impl Faults {
    pub(crate) fn inject(&self, op: &str, errno: Errno, after_n_calls: u64) {
        self.arm(op, Effect::Fail(errno), after_n_calls);
    }

    pub(crate) fn inject_short(&self, op: &str, max_bytes: usize, after_n_calls: u64) {
        self.arm(op, Effect::Short(max_bytes), after_n_calls);
    }

    fn arm(&self, op: &str, effect: Effect, after_n_calls: u64) {
        let mut list = self.list.lock();
        list.push(Fault { op: String::from(op), effect, skip: after_n_calls });
        self.armed.store(true, Ordering::SeqCst);
    }

    pub(crate) fn clear(&self) {
        let mut list = self.list.lock();
        list.clear();
        self.armed.store(false, Ordering::SeqCst);
    }

    /// Called at the top of every `Platform` method named `op`: `Err` for a failure,
    /// `Ok(Some(n))` for a transfer cut to `n` bytes.
    pub(crate) fn check(&self, op: &str) -> Result<Option<usize>> {
        if !self.armed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let mut list = self.list.lock();
        let mut fire = None;
        for (i, f) in list.iter_mut().enumerate() {
            if f.op == op || f.op == "*" {
                if fire.is_none() && f.skip == 0 {
                    fire = Some(i);
                } else {
                    f.skip = f.skip.saturating_sub(1);
                }
            }
        }
        if let Some(i) = fire {
            let effect = list.remove(i).effect;
            if list.is_empty() {
                self.armed.store(false, Ordering::SeqCst);
            }
            return match effect {
                Effect::Fail(errno) => Err(errno),
                Effect::Short(n) => Ok(Some(n)),
            };
        }
        Ok(None)
    }
}

/// The first `limit` bytes of `bufs`, as shorter buffers (for a short read).
pub(crate) fn shorten_mut<'a>(bufs: &'a mut [&mut [u8]], limit: usize) -> Vec<&'a mut [u8]> {
    let mut left = limit;
    let mut out = Vec::new();
    for b in bufs.iter_mut() {
        let n = b.len().min(left);
        if let Some(part) = b.get_mut(..n) {
            out.push(part);
        }
        left = left.saturating_sub(n);
    }
    out
}

/// The first `limit` bytes of `bufs` (for a short write).
pub(crate) fn shorten<'a>(bufs: &[&'a [u8]], limit: usize) -> Vec<&'a [u8]> {
    let mut left = limit;
    let mut out = Vec::new();
    for b in bufs {
        let n = b.len().min(left);
        if let Some(part) = b.get(..n) {
            out.push(part);
        }
        left = left.saturating_sub(n);
    }
    out
}
