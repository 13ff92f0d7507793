//! The virtual clock shared by every deterministic platform: one "elapsed" counter that
//! moves only when the guest reads a clock (by a fixed tick) or sleeps (straight to its
//! deadline). Nothing here reads host time. `wasibox-mem` and [`Deterministic`] both use
//! it, so a guest sees the same clock readings on either.
//!
//! [`Deterministic`]: super::Deterministic

use crate::abi::ClockId;

/// 2000-01-01T00:00:00Z, in nanoseconds since the Unix epoch: where a virtual realtime
/// clock starts unless configured otherwise.
pub const DEFAULT_REALTIME_START: u64 = 946_684_800 * 1_000_000_000;

/// How far virtual clocks move on every reading, unless configured otherwise: one
/// microsecond.
pub const DEFAULT_TICK: u64 = 1_000;

/// The default random seed.
pub const DEFAULT_SEED: u64 = 0x5eed_5eed_5eed_5eed;

/// All clocks of one deterministic world.
///
/// One "elapsed time" counter starts at 0: realtime reads `realtime_start + elapsed`,
/// monotonic reads `monotonic_start + elapsed`, and the two CPU-time clocks read
/// `elapsed`. Each reading returns the current value and then advances `elapsed` by
/// `tick` (0 freezes time), so two readings never return the same instant unless asked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualClock {
    elapsed: u64,
    tick: u64,
    realtime_start: u64,
    monotonic_start: u64,
}

impl VirtualClock {
    /// A clock at `realtime_start` / `monotonic_start` that moves `tick` ns per reading.
    pub const fn new(realtime_start: u64, monotonic_start: u64, tick: u64) -> Self {
        VirtualClock { elapsed: 0, tick, realtime_start, monotonic_start }
    }

    fn base(&self, id: ClockId) -> u64 {
        match id {
            ClockId::Realtime => self.realtime_start,
            ClockId::Monotonic => self.monotonic_start,
            ClockId::ProcessCputime | ClockId::ThreadCputime => 0,
        }
    }

    /// Nanoseconds elapsed since the clock was created.
    pub fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// The value of `id` now, without advancing anything.
    pub fn peek(&self, id: ClockId) -> u64 {
        self.base(id).saturating_add(self.elapsed)
    }

    /// The value of `id` now; then advance all clocks by one tick.
    pub fn read_and_tick(&mut self, id: ClockId) -> u64 {
        let now = self.peek(id);
        self.elapsed = self.elapsed.saturating_add(self.tick);
        now
    }

    /// Advance all clocks so that `id` reads at least `at` (a sleep that ends at once).
    pub fn advance_to(&mut self, id: ClockId, at: u64) {
        let target = at.saturating_sub(self.base(id));
        self.elapsed = self.elapsed.max(target);
    }

    /// Advance all clocks by `ns`.
    pub fn advance_by(&mut self, ns: u64) {
        self.elapsed = self.elapsed.saturating_add(ns);
    }
}

impl Default for VirtualClock {
    /// Realtime at [`DEFAULT_REALTIME_START`], monotonic at 0, [`DEFAULT_TICK`] per reading.
    fn default() -> Self {
        VirtualClock::new(DEFAULT_REALTIME_START, 0, DEFAULT_TICK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_tick_and_sleeps_jump() {
        let mut c = VirtualClock::default();
        assert_eq!(c.read_and_tick(ClockId::Realtime), DEFAULT_REALTIME_START);
        assert_eq!(c.read_and_tick(ClockId::Monotonic), DEFAULT_TICK);
        assert_eq!(c.peek(ClockId::ProcessCputime), 2 * DEFAULT_TICK);
        c.advance_to(ClockId::Monotonic, 5_000);
        assert_eq!(c.peek(ClockId::Monotonic), 5_000);
        c.advance_to(ClockId::Monotonic, 1);
        assert_eq!(c.elapsed(), 5_000, "time never goes back");
        c.advance_by(u64::MAX);
        assert_eq!(c.read_and_tick(ClockId::Realtime), u64::MAX, "saturates");
    }
}
