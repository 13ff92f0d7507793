//! Clocks, sleeping, randomness and yielding.
//!
//! - realtime: `GetSystemTimePreciseAsFileTime` (100 ns units since 1601);
//! - monotonic: `QueryPerformanceCounter`, scaled by its frequency;
//! - process / thread CPU time: `GetProcessTimes` / `GetThreadTimes` (kernel + user);
//! - sleeping: a waitable timer (high-resolution where the host has them), relative, in
//!   100 ns units, repeated until the clock reaches the deadline;
//! - random: `BCryptGenRandom` with the system-preferred generator.

use crate::errno::last_error;
use crate::file::{filetime_now, nanos_from_filetime};
use std::cell::RefCell;
use std::os::windows::io::{FromRawHandle, OwnedHandle, RawHandle};
use std::sync::OnceLock;
use wasibox_core::abi::ClockId;
use wasibox_core::{Errno, Result};
use windows_sys::Win32::Foundation::FILETIME;
use windows_sys::Win32::System::Performance::{QueryPerformanceCounter, QueryPerformanceFrequency};
use windows_sys::Win32::System::Threading as T;

/// Ticks per second of `QueryPerformanceCounter` (never 0).
fn qpc_frequency() -> u64 {
    static FREQ: OnceLock<u64> = OnceLock::new();
    *FREQ.get_or_init(|| {
        let mut f = 0i64;
        // SAFETY: `f` is a live local the call writes.
        unsafe { QueryPerformanceFrequency(&mut f) };
        u64::try_from(f).ok().filter(|&f| f > 0).unwrap_or(1_000_000_000)
    })
}

fn ft(f: FILETIME) -> u64 {
    (u64::from(f.dwHighDateTime) << 32) | u64::from(f.dwLowDateTime)
}

/// The timer tick (the granularity of the CPU-time clocks), in nanoseconds.
fn tick_ns() -> u64 {
    let (mut adj, mut inc, mut disabled) = (0u32, 0u32, 0);
    // SAFETY: three live locals the call writes.
    let ok = unsafe {
        windows_sys::Win32::System::SystemInformation::GetSystemTimeAdjustment(
            &mut adj,
            &mut inc,
            &mut disabled,
        )
    };
    if ok == 0 || inc == 0 {
        15_625_000
    } else {
        u64::from(inc) * 100
    }
}

/// Resolution of `c` in nanoseconds (non-zero).
pub(crate) fn clock_res(c: ClockId) -> Result<u64> {
    Ok(match c {
        ClockId::Realtime => 100,
        ClockId::Monotonic => 1_000_000_000u64.div_ceil(qpc_frequency()).max(1),
        ClockId::ProcessCputime | ClockId::ThreadCputime => tick_ns(),
    })
}

/// Current value of `c` in nanoseconds.
pub(crate) fn clock_time(c: ClockId) -> Result<u64> {
    match c {
        ClockId::Realtime => Ok(nanos_from_filetime(filetime_now())),
        ClockId::Monotonic => {
            let mut t = 0i64;
            // SAFETY: `t` is a live local the call writes.
            unsafe { QueryPerformanceCounter(&mut t) };
            let ns = u128::from(u64::try_from(t).unwrap_or(0)) * 1_000_000_000 / u128::from(qpc_frequency());
            Ok(u64::try_from(ns).unwrap_or(u64::MAX))
        }
        ClockId::ProcessCputime | ClockId::ThreadCputime => {
            let (mut a, mut b, mut kernel, mut user) =
                (FILETIME::default(), FILETIME::default(), FILETIME::default(), FILETIME::default());
            // SAFETY: the pseudo-handles of the current process/thread need no closing; the
            // four FILETIMEs are live locals the call writes.
            let ok = unsafe {
                if c == ClockId::ProcessCputime {
                    T::GetProcessTimes(T::GetCurrentProcess(), &mut a, &mut b, &mut kernel, &mut user)
                } else {
                    T::GetThreadTimes(T::GetCurrentThread(), &mut a, &mut b, &mut kernel, &mut user)
                }
            };
            if ok == 0 {
                return Err(last_error());
            }
            Ok((ft(kernel) + ft(user)).saturating_mul(100))
        }
    }
}

thread_local! {
    /// This thread's waitable timer, made on first use.
    static TIMER: RefCell<Option<OwnedHandle>> = const { RefCell::new(None) };
}

fn new_timer() -> Option<OwnedHandle> {
    for flags in [T::CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, 0] {
        // SAFETY: no name and no security attributes are passed; the result is checked.
        let h = unsafe {
            T::CreateWaitableTimerExW(std::ptr::null(), std::ptr::null(), flags, T::TIMER_ALL_ACCESS)
        };
        if !h.is_null() {
            // SAFETY: a fresh handle that nothing else owns.
            return Some(unsafe { OwnedHandle::from_raw_handle(h as RawHandle) });
        }
    }
    None
}

/// Sleep for `ns` nanoseconds (at least; rounded up to 100 ns).
pub(crate) fn sleep_for(ns: u64) -> Result<()> {
    if ns == 0 {
        return Ok(());
    }
    let due = -i64::try_from(ns.div_ceil(100)).unwrap_or(i64::MAX);
    TIMER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = new_timer();
        }
        if let Some(timer) = slot.as_ref() {
            let raw = crate::nt::raw(timer);
            // SAFETY: `due` is a live local; no completion routine is passed.
            let set = unsafe { T::SetWaitableTimer(raw, &due, 0, None, std::ptr::null(), 0) };
            if set != 0 {
                // SAFETY: waits on a handle we own.
                let r = unsafe { T::WaitForSingleObject(raw, T::INFINITE) };
                if r == windows_sys::Win32::Foundation::WAIT_OBJECT_0 {
                    return Ok(());
                }
            }
        }
        // No timer: whole milliseconds.
        let ms = u32::try_from(ns.div_ceil(1_000_000)).unwrap_or(u32::MAX - 1);
        // SAFETY: Sleep has no memory arguments.
        unsafe { T::Sleep(ms) };
        Ok(())
    })
}

/// Sleep until `clock` reads `at`. A CPU-time clock does not advance while we sleep, so
/// for those the time left is slept once.
pub(crate) fn sleep_until(clock: ClockId, at: u64) -> Result<()> {
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

/// Fill `buf` from the system's preferred random generator.
pub(crate) fn random(buf: &mut [u8]) -> Result<()> {
    for chunk in buf.chunks_mut(u32::MAX as usize) {
        // SAFETY: `chunk` is live and writable for the length passed; no algorithm handle
        // is needed with BCRYPT_USE_SYSTEM_PREFERRED_RNG.
        let status = unsafe {
            windows_sys::Win32::Security::Cryptography::BCryptGenRandom(
                std::ptr::null_mut(),
                chunk.as_mut_ptr(),
                chunk.len() as u32,
                windows_sys::Win32::Security::Cryptography::BCRYPT_USE_SYSTEM_PREFERRED_RNG,
            )
        };
        if status < 0 {
            return Err(Errno::IO);
        }
    }
    Ok(())
}

/// `SwitchToThread` (or nothing, if no other thread is ready: still success).
pub(crate) fn sched_yield() -> Result<()> {
    // SAFETY: no arguments.
    unsafe { T::SwitchToThread() };
    Ok(())
}
