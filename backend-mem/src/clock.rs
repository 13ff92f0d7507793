//! Virtual clocks: one "elapsed" counter that moves only when the guest reads a clock
//! (by a fixed tick) or sleeps (straight to its deadline). Nothing here reads host time.

use crate::sync::AtomicU64;
use core::sync::atomic::Ordering;
use wasibox_core::abi::ClockId;

/// The clocks of one [`MemPlatform`](crate::MemPlatform).
#[derive(Debug)]
pub(crate) struct VirtualClock {
    elapsed: AtomicU64,
    tick: u64,
    realtime_start: u64,
    monotonic_start: u64,
}

impl VirtualClock {
    pub(crate) fn new(realtime_start: u64, monotonic_start: u64, tick: u64) -> Self {
        VirtualClock { elapsed: AtomicU64::new(0), tick, realtime_start, monotonic_start }
    }

    fn base(&self, id: ClockId) -> u64 {
        match id {
            ClockId::Realtime => self.realtime_start,
            ClockId::Monotonic => self.monotonic_start,
            ClockId::ProcessCputime | ClockId::ThreadCputime => 0,
        }
    }

    /// Nanoseconds elapsed since the platform was created.
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed.load(Ordering::SeqCst)
    }

    /// The value of `id` now, without advancing anything.
    pub(crate) fn peek(&self, id: ClockId) -> u64 {
        self.base(id).saturating_add(self.elapsed())
    }

    /// The value of `id` now; then advance all clocks by one tick.
    pub(crate) fn read_and_tick(&self, id: ClockId) -> u64 {
        let tick = self.tick;
        let before = match self
            .elapsed
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |e| Some(e.saturating_add(tick)))
        {
            Ok(v) | Err(v) => v,
        };
        self.base(id).saturating_add(before)
    }

    /// Advance all clocks so that `id` reads at least `at`.
    pub(crate) fn advance_to(&self, id: ClockId, at: u64) {
        let target = at.saturating_sub(self.base(id));
        self.elapsed.fetch_max(target, Ordering::SeqCst);
    }

    /// Advance all clocks by `ns`.
    pub(crate) fn advance_by(&self, ns: u64) {
        let _ = self.elapsed.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |e| Some(e.saturating_add(ns)));
    }
}
