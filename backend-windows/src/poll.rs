//! `poll_oneoff`. Windows has no `poll` for files, anonymous pipes and consoles together,
//! so readiness is asked of each handle and, while none is ready, the backend sleeps in
//! short steps (1 ms, growing to 10 ms) until one is or the deadline passes:
//!
//! - regular files and directories are ready at once (read: the bytes left before the
//!   end of file);
//! - a pipe is readable when `PeekNamedPipe` sees bytes, or its writer is gone (then with
//!   `hangup`); writable always (a pipe cannot tell how much room it has);
//! - a console input is readable when a key press waits in it (or converted input is
//!   buffered); console output is always writable;
//! - other devices (`NUL`) are ready at once.
//!
//! With no handles, or none that can become ready later, it sleeps until the deadline
//! on a waitable timer (see `clock.rs`).

use crate::clock::{clock_time, sleep_for, sleep_until};
use crate::file::{file_pointer, pipe_available, size_of};
use crate::handle::{Kind, WindowsHandle};
use wasibox_core::abi::ClockId;
use wasibox_core::{Deadline, PollFd, Result};
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::System::Console as C;

/// Whether a console input buffer holds a key press (other events do not make a read
/// return).
fn console_key_waiting(h: HANDLE) -> bool {
    let mut records = [C::INPUT_RECORD::default(); 64];
    let mut n = 0u32;
    // SAFETY: `records` is a live local array of the length passed; `n` is a live local.
    let ok = unsafe { C::PeekConsoleInputW(h, records.as_mut_ptr(), records.len() as u32, &mut n) };
    if ok == 0 {
        return false;
    }
    records.iter().take(n as usize).any(|r| {
        // SAFETY: `KeyEvent` is the union member that EventType KEY_EVENT says is valid,
        // and every bit pattern of it is a valid KEY_EVENT_RECORD.
        r.EventType == C::KEY_EVENT as u16 && unsafe { r.Event.KeyEvent.bKeyDown } != 0
    })
}

/// Mark `p` if it is ready now; `true` if it is.
fn check(p: &mut PollFd<'_, WindowsHandle>) -> bool {
    let h = p.handle;
    let raw = h.raw();
    match h.kind {
        Kind::File => {
            p.ready = Some(if p.write {
                Ok(0)
            } else {
                let pos = match h.pos {
                    Some(p) => Ok(p),
                    None => file_pointer(raw),
                };
                pos.and_then(|pos| size_of(raw).map(|s| s.saturating_sub(pos)))
            });
        }
        Kind::Directory | Kind::Char | Kind::Other => p.ready = Some(Ok(0)),
        Kind::Pipe => {
            if p.write {
                p.ready = Some(Ok(0));
            } else {
                match pipe_available(raw) {
                    Ok((n, gone)) if n > 0 || gone => {
                        p.ready = Some(Ok(n));
                        p.hangup = gone;
                    }
                    Ok(_) => {}
                    Err(e) => p.ready = Some(Err(e)),
                }
            }
        }
        Kind::Console => {
            if p.write {
                p.ready = Some(Ok(0));
            } else {
                let buffered = h.console.as_deref().map_or(0, crate::console::buffered);
                if buffered > 0 {
                    p.ready = Some(Ok(buffered as u64));
                } else if console_key_waiting(raw) {
                    p.ready = Some(Ok(0));
                }
            }
        }
    }
    p.ready.is_some()
}

/// Wait until one of `fds` is ready or the deadline passes. See the module docs.
pub(crate) fn poll(fds: &mut [PollFd<'_, WindowsHandle>], deadline: Option<Deadline>) -> Result<()> {
    // A CPU-time deadline becomes a monotonic one: that clock does not move while we wait.
    let deadline = match deadline {
        Some(Deadline { clock: c @ (ClockId::ProcessCputime | ClockId::ThreadCputime), at }) => {
            let left = at.saturating_sub(clock_time(c)?);
            Some(Deadline {
                clock: ClockId::Monotonic,
                at: clock_time(ClockId::Monotonic)?.saturating_add(left),
            })
        }
        d => d,
    };
    if fds.is_empty() {
        if let Some(d) = deadline {
            sleep_until(d.clock, d.at)?;
        }
        return Ok(());
    }
    let mut step = 1_000_000u64;
    loop {
        let mut any = false;
        for p in fds.iter_mut() {
            any |= check(p);
        }
        if any {
            return Ok(());
        }
        let wait = match deadline {
            Some(d) => {
                let now = clock_time(d.clock)?;
                if now >= d.at {
                    return Ok(());
                }
                step.min(d.at - now)
            }
            None => step,
        };
        sleep_for(wait)?;
        step = (step * 2).min(10_000_000);
    }
}
