//! `poll_oneoff`: clock subscriptions (relative and absolute, on every clock) and fd
//! readiness, in one wait on the platform.

use super::check_rights;
use crate::abi::{
    decode_subscription, encode_event, subscription_size, ClockId, Errno, EventRwFlags, EventType, Result,
    Rights, SubclockFlags, Subscription, Version, EVENT_SIZE,
};
use crate::ctx::WasiCtx;
use crate::memory::{check_range, GuestMemory, Mem};
use crate::platform::{Deadline, Platform, PollFd};
use alloc::vec::Vec;

/// What became of one subscription.
#[derive(Clone, Copy)]
enum State {
    /// A clock that fires at `at` on `clock`.
    Clock { clock: ClockId, at: u64 },
    /// An fd subscription, waiting at index `slot` of the poll set.
    Fd { slot: usize },
    /// Finished before waiting, with this error.
    Failed(Errno),
}

impl<P: Platform> WasiCtx<P> {
    pub(crate) fn poll_oneoff<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        v: Version,
        subs_ptr: u32,
        events_ptr: u32,
        nsubs: u32,
        nevents_ptr: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        if nsubs == 0 {
            return Err(Errno::INVAL);
        }
        let ssize = subscription_size(v);
        let size = mem.inner.size();
        check_range(size, subs_ptr, nsubs.checked_mul(ssize).ok_or(Errno::FAULT)?, 8)?;
        check_range(size, events_ptr, nsubs.checked_mul(EVENT_SIZE).ok_or(Errno::FAULT)?, 8)?;
        mem.check_writable(nevents_ptr, 4, 4)?;
        if nsubs > self.limits.max_poll_subscriptions {
            return Err(Errno::INVAL);
        }

        let mut subs: Vec<(Subscription, State)> = Vec::with_capacity(nsubs as usize);
        let mut fds: Vec<PollFd<'_, P::Handle>> = Vec::new();
        let mut raw = [0u8; 56];
        let raw = raw.get_mut(..ssize as usize).ok_or(Errno::FAULT)?;
        let mut earliest: Option<(u64, Deadline)> = None;
        let mut failed_any = false;
        for i in 0..nsubs {
            let at = subs_ptr + i * ssize;
            let (start, _) = check_range(size, at, ssize, 8)?;
            match mem.inner.as_slice() {
                Some(s) => raw.copy_from_slice(s.get(start..start + ssize as usize).ok_or(Errno::FAULT)?),
                None => mem.inner.read(start, raw)?,
            }
            let sub = decode_subscription(raw, v)?;
            let state = match sub {
                Subscription::Clock { id, timeout, flags, .. } => {
                    // A clock id or flag word the ABI does not define makes the whole
                    // call EINVAL (as wasmtime answers), not an event.
                    let clock = ClockId::decode(id)?;
                    let flags = SubclockFlags::from_bits(flags).ok_or(Errno::INVAL)?;
                    match self.platform.clock_time(clock, 0) {
                        Ok(now) => {
                            let at = if flags.contains(SubclockFlags::ABSTIME) {
                                timeout
                            } else {
                                now.saturating_add(timeout)
                            };
                            let remaining = at.saturating_sub(now);
                            if earliest.is_none_or(|(r, _)| remaining < r) {
                                earliest = Some((remaining, Deadline { clock, at }));
                            }
                            State::Clock { clock, at }
                        }
                        Err(e) => State::Failed(e),
                    }
                }
                Subscription::FdRead { fd, .. } | Subscription::FdWrite { fd, .. } => {
                    let write = matches!(sub, Subscription::FdWrite { .. });
                    let need =
                        Rights::POLL_FD_READWRITE | if write { Rights::FD_WRITE } else { Rights::FD_READ };
                    match self.fds.get(fd) {
                        Ok(e) => match check_rights(self.policy, e, need) {
                            Ok(()) => {
                                fds.push(PollFd { handle: &e.handle, write, ready: None, hangup: false });
                                State::Fd { slot: fds.len() - 1 }
                            }
                            Err(err) => State::Failed(err),
                        },
                        Err(err) => State::Failed(err),
                    }
                }
            };
            if matches!(state, State::Failed(_)) {
                failed_any = true;
            }
            subs.push((sub, state));
        }

        let deadline = if failed_any {
            // Something is already done: look at the fds without waiting.
            let now = self.platform.clock_time(ClockId::Monotonic, 0)?;
            Some(Deadline { clock: ClockId::Monotonic, at: now })
        } else {
            earliest.map(|(_, d)| d)
        };
        if !fds.is_empty() || deadline.is_some() {
            self.platform.poll(&mut fds, deadline)?;
        }

        let mut n: u32 = 0;
        let mut fired_clock = false;
        let mut any_fd_ready = fds.iter().any(|f| f.ready.is_some());
        let mut put = |mem: &mut Mem<'_, M>, bytes: [u8; 32]| -> Result<()> {
            mem.write_bytes(events_ptr + n * EVENT_SIZE, &bytes, 8)?;
            n += 1;
            Ok(())
        };
        for (sub, state) in &subs {
            let (userdata, ty) = match *sub {
                Subscription::Clock { userdata, .. } => (userdata, EventType::Clock),
                Subscription::FdRead { userdata, .. } => (userdata, EventType::FdRead),
                Subscription::FdWrite { userdata, .. } => (userdata, EventType::FdWrite),
            };
            match *state {
                State::Failed(err) => put(&mut mem, encode_event(userdata, err, ty, 0, 0))?,
                State::Fd { slot } => {
                    if let Some(pfd) = fds.get(slot) {
                        let flags = if pfd.hangup { EventRwFlags::HANGUP.bits() } else { 0 };
                        match pfd.ready {
                            Some(Ok(nbytes)) => {
                                put(&mut mem, encode_event(userdata, Errno::SUCCESS, ty, nbytes, flags))?
                            }
                            Some(Err(err)) => put(&mut mem, encode_event(userdata, err, ty, 0, flags))?,
                            None => {}
                        }
                    }
                }
                State::Clock { clock, at } => {
                    let now = self.platform.clock_time(clock, 0)?;
                    if now >= at {
                        fired_clock = true;
                        put(&mut mem, encode_event(userdata, Errno::SUCCESS, ty, 0, 0))?;
                    }
                }
            }
        }
        any_fd_ready |= failed_any;
        if !fired_clock && !any_fd_ready {
            // The platform returned at the deadline but the clocks disagree by a hair:
            // the earliest clock subscription is the one that fired.
            if let Some((_, d)) = earliest {
                let first = subs.iter().find(
                    |(_, s)| matches!(s, State::Clock { clock, at } if *clock == d.clock && *at == d.at),
                );
                if let Some((Subscription::Clock { userdata, .. }, _)) = first {
                    put(&mut mem, encode_event(*userdata, Errno::SUCCESS, EventType::Clock, 0, 0))?;
                }
            }
        }
        drop(fds);
        mem.write_u32(nevents_ptr, n)
    }
}
