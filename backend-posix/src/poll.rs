//! `poll_oneoff`: `poll(2)` on pipes, sockets and terminals; files are always ready; the
//! deadline becomes a timeout on its own clock.

use crate::clock::{clock_time, sleep_until, timespec};
use crate::errno::errno_from_rustix;
use crate::handle::PosixHandle;
use rustix::event::PollFlags;
use rustix::fs::SeekFrom;
use rustix::io::Errno as HostErrno;
use wasibox_core::abi::{ClockId, Filetype};
use wasibox_core::{Deadline, Errno, PollFd, Result};

/// The longest single `poll` timeout: one day (hosts whose `poll` takes milliseconds in a
/// C `int` refuse more than ~24.8 days; a longer wait is several polls).
const MAX_TIMEOUT_NS: u64 = 86_400 * 1_000_000_000;

/// Bytes readable from a regular file without blocking: size − offset (saturating).
fn file_nbytes(h: &PosixHandle) -> Result<u64> {
    let st = rustix::fs::fstat(&h.fd).map_err(errno_from_rustix)?;
    let pos = rustix::fs::seek(&h.fd, SeekFrom::Current(0)).map_err(errno_from_rustix)?;
    Ok(u64::try_from(st.st_size).unwrap_or(0).saturating_sub(pos))
}

/// What one `poll` result means for one subscription.
fn fill(p: &mut PollFd<'_, PosixHandle>, revents: PollFlags) {
    let h = p.handle;
    if revents.contains(PollFlags::NVAL) {
        p.ready = Some(Err(Errno::BADF));
        return;
    }
    if revents.contains(PollFlags::ERR) {
        // A socket says which error; a pipe whose reader is gone is EPIPE for a writer.
        let sock_err = match h.known_type().unwrap_or(Filetype::Unknown) {
            Filetype::SocketStream | Filetype::SocketDgram => {
                rustix::net::sockopt::socket_error(&h.fd).ok().and_then(|r| r.err()).map(errno_from_rustix)
            }
            _ => None,
        };
        let fallback = if p.write { Errno::PIPE } else { Errno::IO };
        p.ready = Some(Err(sock_err.unwrap_or(fallback)));
        if revents.contains(PollFlags::HUP) {
            p.hangup = true;
        }
        return;
    }
    if revents.contains(PollFlags::HUP) {
        p.hangup = true;
    }
    if revents.intersects(PollFlags::IN | PollFlags::OUT | PollFlags::HUP) {
        let nbytes = if p.write { 0 } else { rustix::io::ioctl_fionread(&h.fd).unwrap_or(0) };
        p.ready = Some(Ok(nbytes));
    }
}

/// Wait until one of `fds` is ready or the deadline passes. See the module docs.
pub(crate) fn poll(fds: &mut [PollFd<'_, PosixHandle>], deadline: Option<Deadline>) -> Result<()> {
    // Regular files and directories are ready at once and never go to poll(2).
    let mut any_ready = false;
    let mut polled: Vec<usize> = Vec::new();
    for (i, p) in fds.iter_mut().enumerate() {
        match p.handle.file_type().unwrap_or(Filetype::Unknown) {
            Filetype::RegularFile => {
                p.ready = Some(if p.write { Ok(0) } else { file_nbytes(p.handle) });
                any_ready = true;
            }
            Filetype::Directory => {
                p.ready = Some(Ok(0));
                any_ready = true;
            }
            _ => polled.push(i),
        }
    }
    if polled.is_empty() {
        if !any_ready {
            if let Some(d) = deadline {
                sleep_until(d.clock, d.at)?;
            }
        }
        return Ok(());
    }

    let handles: Vec<(&PosixHandle, bool)> = polled.iter().map(|&i| (fds[i].handle, fds[i].write)).collect();
    let mut pfds: Vec<rustix::event::PollFd<'_>> = handles
        .iter()
        .map(|(h, write)| rustix::event::PollFd::new(h, if *write { PollFlags::OUT } else { PollFlags::IN }))
        .collect();
    loop {
        // The timeout: none if something is ready already, else what is left of the deadline.
        let mut expired = any_ready;
        let timeout = if any_ready {
            Some(timespec(0))
        } else {
            match deadline {
                None => None,
                Some(d) => {
                    let left = d.at.saturating_sub(clock_time(d.clock)?);
                    expired = left <= MAX_TIMEOUT_NS;
                    Some(timespec(left.min(MAX_TIMEOUT_NS)))
                }
            }
        };
        let n = match rustix::event::poll(&mut pfds, timeout.as_ref()) {
            Ok(n) => n,
            Err(HostErrno::INTR) => continue,
            Err(e) => return Err(errno_from_rustix(e)),
        };
        if n > 0 {
            for (k, pfd) in pfds.iter().enumerate() {
                let revents = pfd.revents();
                if !revents.is_empty() {
                    fill(&mut fds[polled[k]], revents);
                }
            }
            return Ok(());
        }
        if expired {
            let Some(d) = deadline else { return Ok(()) };
            // A CPU-time clock does not move while we wait: one timeout is all we give it.
            // A realtime or monotonic poll that woke a little early goes round again.
            if any_ready
                || matches!(d.clock, ClockId::ProcessCputime | ClockId::ThreadCputime)
                || clock_time(d.clock)? >= d.at
            {
                return Ok(());
            }
        }
    }
}
