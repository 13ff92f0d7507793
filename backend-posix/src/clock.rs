//! Clocks, sleeping, randomness and yielding.

#[cfg(not(any(target_os = "linux", target_os = "android")))]
use crate::errno::cvt;
use crate::errno::errno_from_rustix;
use rustix::time::{ClockId as HostClock, Timespec};
use wasibox_core::abi::ClockId;
use wasibox_core::{Errno, Result};

/// The host clock of a WASI clock.
#[inline]
pub(crate) fn host_clock(c: ClockId) -> HostClock {
    match c {
        ClockId::Realtime => HostClock::Realtime,
        ClockId::Monotonic => HostClock::Monotonic,
        ClockId::ProcessCputime => HostClock::ProcessCPUTime,
        ClockId::ThreadCputime => HostClock::ThreadCPUTime,
    }
}

/// Nanoseconds of a `Timespec`, saturated to `0..=u64::MAX`.
#[inline]
#[allow(clippy::unnecessary_cast)] // the field types vary by host
pub(crate) fn nanos(t: Timespec) -> u64 {
    crate::file::timestamp(t.tv_sec as i64, t.tv_nsec as i64)
}

/// A `Timespec` of `ns` nanoseconds.
#[inline]
pub(crate) fn timespec(ns: u64) -> Timespec {
    // u64::MAX / 1e9 fits any tv_sec.
    Timespec {
        tv_sec: (ns / 1_000_000_000) as rustix::time::Secs,
        tv_nsec: (ns % 1_000_000_000) as rustix::time::Nsecs,
    }
}

/// `clock_getres`; never 0 (a host that says 0 gets 1 ns).
pub(crate) fn clock_res(c: ClockId) -> Result<u64> {
    Ok(nanos(rustix::time::clock_getres(host_clock(c))).max(1))
}

/// `clock_gettime`: one call, through the vDSO on Linux, no allocation.
#[inline]
pub(crate) fn clock_time(c: ClockId) -> Result<u64> {
    Ok(nanos(rustix::time::clock_gettime(host_clock(c))))
}

/// Sleep until `clock` reads `at`. `clock_nanosleep(TIMER_ABSTIME)` on the realtime and
/// monotonic clocks where the host has it (Linux, FreeBSD), retried on `EINTR`; else a
/// relative sleep of the time left, repeated until the clock gets there. A CPU-time clock
/// does not advance while we sleep, so for those the time left is slept once, on the
/// monotonic clock.
pub(crate) fn sleep_until(clock: ClockId, at: u64) -> Result<()> {
    // A deadline already past (a zero timeout) returns at once: clock_nanosleep would
    // still arm a timer and wait out the timer slack (about 50 µs on Linux).
    if clock_time(clock)? >= at {
        return Ok(());
    }
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    if matches!(clock, ClockId::Realtime | ClockId::Monotonic) {
        let ts = timespec(at);
        loop {
            match rustix::thread::clock_nanosleep_absolute(host_clock(clock), &ts) {
                Ok(()) => return Ok(()),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(errno_from_rustix(e)),
            }
        }
    }
    loop {
        let now = clock_time(clock)?;
        if now >= at {
            return Ok(());
        }
        sleep_for(at - now)?;
        if matches!(clock, ClockId::ProcessCputime | ClockId::ThreadCputime) {
            return Ok(());
        }
    }
}

/// Sleep for `ns` nanoseconds (`nanosleep`, resumed after `EINTR`).
pub(crate) fn sleep_for(ns: u64) -> Result<()> {
    use rustix::thread::NanosleepRelativeResult as R;
    let mut ts = timespec(ns);
    loop {
        match rustix::thread::nanosleep(&ts) {
            R::Ok => return Ok(()),
            R::Interrupted(left) => ts = left,
            R::Err(e) => return Err(errno_from_rustix(e)),
        }
    }
}

/// Fill `buf` from the kernel's CSPRNG: `getrandom(2)` on Linux, looping until full;
/// `/dev/urandom` elsewhere.
pub(crate) fn random(buf: &mut [u8]) -> Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut rest = buf;
        while !rest.is_empty() {
            match rustix::rand::getrandom(&mut *rest, rustix::rand::GetRandomFlags::empty()) {
                Ok(0) => return Err(Errno::IO),
                Ok(n) => rest = &mut rest[n..],
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(errno_from_rustix(e)),
            }
        }
        Ok(())
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        use rustix::fs::{Mode, OFlags};
        let fd = cvt(rustix::fs::open("/dev/urandom", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()))?;
        let mut rest = buf;
        while !rest.is_empty() {
            match rustix::io::read(&fd, &mut *rest) {
                Ok(0) => return Err(Errno::IO),
                Ok(n) => rest = &mut rest[n..],
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(errno_from_rustix(e)),
            }
        }
        Ok(())
    }
}

/// `sched_yield`.
pub(crate) fn sched_yield() -> Result<()> {
    rustix::thread::sched_yield();
    Ok(())
}
