//! Fault injection: make the `n`-th next call of a named `Platform` method fail with a
//! chosen errno, to test how guests (and the core) cope with I/O errors.

use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use spin::Mutex;
use wasibox_core::abi::Errno;
use wasibox_core::Result;

struct Fault {
    op: String,
    errno: Errno,
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
        let mut list = self.list.lock();
        list.push(Fault { op: String::from(op), errno, skip: after_n_calls });
        self.armed.store(true, Ordering::SeqCst);
    }

    pub(crate) fn clear(&self) {
        let mut list = self.list.lock();
        list.clear();
        self.armed.store(false, Ordering::SeqCst);
    }

    /// Called at the top of every `Platform` method named `op`.
    pub(crate) fn check(&self, op: &str) -> Result<()> {
        if !self.armed.load(Ordering::Relaxed) {
            return Ok(());
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
            let errno = list.remove(i).errno;
            if list.is_empty() {
                self.armed.store(false, Ordering::SeqCst);
            }
            return Err(errno);
        }
        Ok(())
    }
}
