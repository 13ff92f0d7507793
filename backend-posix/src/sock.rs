//! Sockets: `accept4`, `recvmsg`, `sendmsg(MSG_NOSIGNAL)`, `shutdown`, on the sockets the
//! host preopened (and the connections accepted from them). On anything else the kernel
//! answers `ENOTSOCK`.

use crate::errno::cvt;
use crate::file::{blocking, with_iov, with_iov_mut};
use crate::handle::PosixHandle;
use rustix::fd::AsFd;
use rustix::net::{RecvAncillaryBuffer, RecvFlags, ReturnFlags, SendAncillaryBuffer, SendFlags, Shutdown};
use wasibox_core::abi::{FdFlags, RiFlags, RoFlags, SdFlags};
use wasibox_core::{Errno, Result};

/// Accept a connection (`accept4` with `SOCK_CLOEXEC`, and `SOCK_NONBLOCK` if `flags`
/// has `NONBLOCK`). On a listener the guest did not make non-blocking this blocks, even if
/// the host's listener is non-blocking.
pub(crate) fn accept(h: &PosixHandle, flags: FdFlags) -> Result<PosixHandle> {
    let nonblock = flags.contains(FdFlags::NONBLOCK);
    #[cfg(not(target_vendor = "apple"))]
    let fd = {
        let mut sf = rustix::net::SocketFlags::CLOEXEC;
        if nonblock {
            sf |= rustix::net::SocketFlags::NONBLOCK;
        }
        blocking(h, false, || rustix::net::accept_with(&h.fd, sf))?
    };
    #[cfg(target_vendor = "apple")]
    let fd = {
        // No accept4: set the flags afterwards; no MSG_NOSIGNAL: SO_NOSIGPIPE instead.
        let fd = blocking(h, false, || rustix::net::accept(&h.fd))?;
        cvt(rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC))?;
        cvt(rustix::io::ioctl_fionbio(&fd, nonblock))?;
        let _ = rustix::net::sockopt::set_socket_nosigpipe(&fd, true);
        fd
    };
    let filetype = cvt(crate::handle::filetype_of_fd(fd.as_fd()))?;
    let fdflags = if nonblock { FdFlags::NONBLOCK } else { FdFlags::empty() };
    Ok(PosixHandle::opened(fd, Some(filetype), h.readonly, fdflags))
}

/// `recvmsg` into `bufs` with `MSG_PEEK` / `MSG_WAITALL` as asked; `RECV_DATA_TRUNCATED`
/// when the kernel says `MSG_TRUNC` (a datagram longer than the buffers).
pub(crate) fn recv(h: &mut PosixHandle, bufs: &mut [&mut [u8]], flags: RiFlags) -> Result<(usize, RoFlags)> {
    let mut rf = RecvFlags::empty();
    if flags.contains(RiFlags::RECV_PEEK) {
        rf |= RecvFlags::PEEK;
    }
    if flags.contains(RiFlags::RECV_WAITALL) {
        rf |= RecvFlags::WAITALL;
    }
    let h = &*h;
    with_iov_mut(bufs, |iov| {
        let msg = blocking(h, false, || {
            let mut space: [core::mem::MaybeUninit<u8>; 0] = [];
            let mut control = RecvAncillaryBuffer::from(&mut space[..]);
            rustix::net::recvmsg(&h.fd, iov, &mut control, rf)
        })?;
        let mut ro = RoFlags::empty();
        if msg.flags.contains(ReturnFlags::TRUNC) {
            ro |= RoFlags::RECV_DATA_TRUNCATED;
        }
        let cap: usize = iov.iter().map(|b| b.len()).sum();
        Ok((msg.bytes.min(cap), ro))
    })
}

/// `sendmsg(MSG_NOSIGNAL)`: a closed peer is `EPIPE`, never `SIGPIPE`.
pub(crate) fn send(h: &PosixHandle, bufs: &[&[u8]]) -> Result<usize> {
    #[cfg(not(target_vendor = "apple"))]
    let sf = SendFlags::NOSIGNAL;
    #[cfg(target_vendor = "apple")]
    let sf = SendFlags::empty();
    with_iov(bufs, |iov| {
        blocking(h, true, || rustix::net::sendmsg(&h.fd, iov, &mut SendAncillaryBuffer::default(), sf))
    })
}

/// `shutdown`; empty `how` is `EINVAL`.
pub(crate) fn shutdown(h: &PosixHandle, how: SdFlags) -> Result<()> {
    let how = if how.contains(SdFlags::RD | SdFlags::WR) {
        Shutdown::Both
    } else if how.contains(SdFlags::RD) {
        Shutdown::Read
    } else if how.contains(SdFlags::WR) {
        Shutdown::Write
    } else {
        return Err(Errno::INVAL);
    };
    cvt(rustix::net::shutdown(&h.fd, how))
}
