//! Descriptor operations: flags, read/write (zero copy, straight on guest memory), seek,
//! sync, advise, allocate, stat, truncate, set times.

use crate::errno::{cvt, errno_from_rustix};
use crate::handle::PosixHandle;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{FileType, OFlags, SeekFrom, Timespec, Timestamps};
use rustix::io::{Errno as HostErrno, IoSlice, IoSliceMut};
use wasibox_core::abi::{Advice, FdFlags, Filestat, Filetype, SetTime, Whence};
use wasibox_core::{Errno, Result};

/// The largest number of iovecs one `readv`/`writev` takes (`IOV_MAX`/`UIO_MAXIOV` is 1024
/// on Linux, macOS and FreeBSD). More is a short read or write, which the ABI allows.
pub(crate) const IOV_MAX: usize = 1024;
/// Below this many iovecs the `IoSlice` array lives on the stack.
const IOV_STACK: usize = 8;

/// `O_DSYNC`. rustix's `linux_raw` backend defines `OFlags::DSYNC` as `O_SYNC` (which
/// includes the `O_DSYNC` bit), so on Linux we name the real bit ourselves; its value is
/// 0o10000 on every architecture listed here (mips, sparc, alpha and parisc differ).
#[cfg(all(
    any(target_os = "linux", target_os = "android"),
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv32",
        target_arch = "riscv64",
        target_arch = "powerpc",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64"
    )
))]
pub(crate) const O_DSYNC: OFlags = OFlags::from_bits_retain(0o10000);
#[cfg(not(all(
    any(target_os = "linux", target_os = "android"),
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv32",
        target_arch = "riscv64",
        target_arch = "powerpc",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64"
    )
)))]
pub(crate) const O_DSYNC: OFlags = OFlags::DSYNC;

/// The host open flags for the WASI descriptor flags `f`. `RSYNC` is `O_RSYNC` on Linux
/// (where it equals `O_SYNC`); hosts without `O_RSYNC` (macOS, FreeBSD) say `ENOTSUP`.
pub(crate) fn oflags_of(f: FdFlags) -> Result<OFlags> {
    let mut o = OFlags::empty();
    if f.contains(FdFlags::APPEND) {
        o |= OFlags::APPEND;
    }
    if f.contains(FdFlags::NONBLOCK) {
        o |= OFlags::NONBLOCK;
    }
    if f.contains(FdFlags::DSYNC) {
        o |= O_DSYNC;
    }
    if f.contains(FdFlags::SYNC) {
        o |= OFlags::SYNC;
    }
    if f.contains(FdFlags::RSYNC) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            o |= OFlags::RSYNC;
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        return Err(Errno::NOTSUP);
    }
    Ok(o)
}

/// `fd_fdstat_get`'s flags: `APPEND` from `F_GETFL`, `NONBLOCK` as the guest asked, and
/// the sync flags as the guest asked at open (the kernel cannot tell `RSYNC` from `SYNC`
/// on Linux), or, for a handle the host made, as `F_GETFL` says.
pub(crate) fn fdflags(h: &PosixHandle) -> Result<FdFlags> {
    let o = cvt(rustix::fs::fcntl_getfl(&h.fd))?;
    let mut f = FdFlags::empty();
    if o.contains(OFlags::APPEND) {
        f |= FdFlags::APPEND;
    }
    if h.guest_nonblock {
        f |= FdFlags::NONBLOCK;
    }
    match h.sync_flags {
        Some(s) => f |= s,
        None => {
            if o.contains(OFlags::SYNC) {
                f |= FdFlags::SYNC;
            } else if o.contains(O_DSYNC) {
                f |= FdFlags::DSYNC;
            }
        }
    }
    Ok(f)
}

/// `fd_fdstat_set_flags`: `APPEND` and `NONBLOCK` through `F_SETFL`. The sync flags cannot
/// change after open on Linux (`F_SETFL` ignores them): asking for a change is `ENOTSUP`;
/// passing the current ones back is fine. A descriptor the host left `O_NONBLOCK` stays so
/// in the kernel (the host shares it); the guest's wish is recorded and honoured.
pub(crate) fn set_fdflags(h: &mut PosixHandle, flags: FdFlags) -> Result<()> {
    let sync = FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC;
    let current = fdflags(h)?;
    if flags & sync != current & sync {
        return Err(Errno::NOTSUP);
    }
    let mut o = cvt(rustix::fs::fcntl_getfl(&h.fd))?;
    let before = o;
    o.set(OFlags::APPEND, flags.contains(FdFlags::APPEND));
    let want_nonblock = flags.contains(FdFlags::NONBLOCK);
    if want_nonblock {
        o |= OFlags::NONBLOCK;
    } else if !h.host_nonblock {
        // Blocking again. (An O_NONBLOCK the host set we leave alone: blocking is emulated.)
        o.remove(OFlags::NONBLOCK);
    }
    if o != before {
        // F_SETFL only looks at the status flags; pass back only those we may change.
        let settable = OFlags::APPEND | OFlags::NONBLOCK;
        cvt(rustix::fs::fcntl_setfl(&h.fd, o & settable))?;
    }
    h.guest_nonblock = want_nonblock;
    Ok(())
}

// ----- iovecs ----------------------------------------------------------------------------

/// Call `f` with `bufs` as `IoSliceMut`s (at most [`IOV_MAX`]), on the stack when few.
pub(crate) fn with_iov_mut<R>(bufs: &mut [&mut [u8]], f: impl FnOnce(&mut [IoSliceMut<'_>]) -> R) -> R {
    let n = bufs.len().min(IOV_MAX);
    if n <= IOV_STACK {
        let mut arr: [IoSliceMut<'_>; IOV_STACK] = core::array::from_fn(|_| IoSliceMut::new(&mut []));
        for (slot, b) in arr.iter_mut().zip(bufs.iter_mut()) {
            *slot = IoSliceMut::new(b);
        }
        f(&mut arr[..n])
    } else {
        let mut v: Vec<IoSliceMut<'_>> = bufs.iter_mut().take(n).map(|b| IoSliceMut::new(b)).collect();
        f(&mut v)
    }
}

/// Call `f` with `bufs` as `IoSlice`s (at most [`IOV_MAX`]), on the stack when few.
pub(crate) fn with_iov<R>(bufs: &[&[u8]], f: impl FnOnce(&mut [IoSlice<'_>]) -> R) -> R {
    let n = bufs.len().min(IOV_MAX);
    if n <= IOV_STACK {
        let mut arr = [IoSlice::new(&[]); IOV_STACK];
        for (slot, b) in arr.iter_mut().zip(bufs.iter()) {
            *slot = IoSlice::new(b);
        }
        f(&mut arr[..n])
    } else {
        let mut v: Vec<IoSlice<'_>> = bufs.iter().take(n).map(|b| IoSlice::new(b)).collect();
        f(&mut v)
    }
}

// One buffer (the usual case) goes to read/write/pread/pwrite: the vectored calls cost
// the kernel an iovec import on top, measurably so for small transfers.

fn readv(fd: impl AsFd, iov: &mut [IoSliceMut<'_>]) -> rustix::io::Result<usize> {
    match iov {
        [one] => rustix::io::read(fd, &mut **one),
        _ => rustix::io::readv(fd, iov),
    }
}

fn preadv(fd: impl AsFd, iov: &mut [IoSliceMut<'_>], offset: u64) -> rustix::io::Result<usize> {
    match iov {
        [one] => rustix::io::pread(fd, &mut **one, offset),
        _ => rustix::io::preadv(fd, iov, offset),
    }
}

fn writev(fd: impl AsFd, iov: &[IoSlice<'_>]) -> rustix::io::Result<usize> {
    match iov {
        [one] => rustix::io::write(fd, one),
        _ => rustix::io::writev(fd, iov),
    }
}

fn pwritev(fd: impl AsFd, iov: &[IoSlice<'_>], offset: u64) -> rustix::io::Result<usize> {
    match iov {
        [one] => rustix::io::pwrite(fd, one, offset),
        _ => rustix::io::pwritev(fd, iov, offset),
    }
}

/// Wait (forever) until `fd` is readable or writable: `poll`, retried on `EINTR`. Used to
/// give blocking behaviour on a descriptor the host left non-blocking.
pub(crate) fn wait_ready(fd: BorrowedFd<'_>, write: bool) -> Result<()> {
    use rustix::event::{PollFd, PollFlags};
    let events = if write { PollFlags::OUT } else { PollFlags::IN };
    let mut p = [PollFd::new(&fd, events)];
    loop {
        match rustix::event::poll(&mut p, None) {
            Ok(_) => return Ok(()),
            Err(HostErrno::INTR) => continue,
            Err(e) => return Err(errno_from_rustix(e)),
        }
    }
}

/// Run the I/O `op`; on `EAGAIN` from a descriptor the guest did not ask to be
/// non-blocking, wait for readiness and try again.
pub(crate) fn blocking<T>(
    h: &PosixHandle,
    write: bool,
    mut op: impl FnMut() -> rustix::io::Result<T>,
) -> Result<T> {
    loop {
        match op() {
            Err(HostErrno::AGAIN) if !h.guest_nonblock => wait_ready(h.fd.as_fd(), write)?,
            Err(HostErrno::INTR) => continue,
            r => return cvt(r),
        }
    }
}

fn is_socket(h: &PosixHandle) -> bool {
    // A socket's type is always known (a handle of unknown type came from openat).
    matches!(h.known_type(), Some(Filetype::SocketStream | Filetype::SocketDgram))
}

// ----- read / write -----------------------------------------------------------------------

/// `readv` at the current offset.
pub(crate) fn read(h: &mut PosixHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
    // Known directories answer here; the kernel says EISDIR for the others.
    if h.known_type() == Some(Filetype::Directory) {
        return Err(Errno::ISDIR);
    }
    let h = &*h;
    with_iov_mut(bufs, |iov| blocking(h, false, || readv(&h.fd, iov)))
}

/// `preadv` at `offset`.
pub(crate) fn pread(h: &mut PosixHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
    // Known directories answer here; the kernel says EISDIR for the others.
    if h.known_type() == Some(Filetype::Directory) {
        return Err(Errno::ISDIR);
    }
    let h = &*h;
    with_iov_mut(bufs, |iov| blocking(h, false, || preadv(&h.fd, iov, offset)))
}

/// `writev` at the current offset (or the end, with `O_APPEND`); `sendmsg(MSG_NOSIGNAL)`
/// on a socket, so that a closed peer is `EPIPE`, never `SIGPIPE`.
///
/// When the guest did not ask for `NONBLOCK` but the host descriptor is non-blocking
/// (stdout inherited that way), this waits on `EAGAIN` and keeps writing after a short
/// write, so every byte is delivered as a blocking write would.
pub(crate) fn write(h: &mut PosixHandle, bufs: &[&[u8]]) -> Result<usize> {
    let h = &*h;
    if is_socket(h) {
        return crate::sock::send(h, bufs);
    }
    with_iov(bufs, |iov| {
        let total: usize = iov.iter().map(|s| s.len()).sum();
        let mut iov: &mut [IoSlice<'_>] = iov;
        let mut done = 0usize;
        loop {
            match writev(&h.fd, iov) {
                Ok(n) => {
                    done += n;
                    if done >= total || n == 0 || h.guest_nonblock {
                        return Ok(done);
                    }
                    // A short write: keep going only if we are emulating a blocking write on
                    // a descriptor that is in fact non-blocking.
                    let host_nonblock =
                        rustix::fs::fcntl_getfl(&h.fd).map(|o| o.contains(OFlags::NONBLOCK)).unwrap_or(false);
                    if !host_nonblock {
                        return Ok(done);
                    }
                    IoSlice::advance_slices(&mut iov, n);
                }
                Err(HostErrno::AGAIN) if !h.guest_nonblock => {
                    if let Err(e) = wait_ready(h.fd.as_fd(), true) {
                        return if done > 0 { Ok(done) } else { Err(e) };
                    }
                }
                Err(HostErrno::INTR) if done == 0 => continue,
                Err(_) if done > 0 => return Ok(done),
                Err(e) => return Err(errno_from_rustix(e)),
            }
        }
    })
}

/// `pwritev` at `offset` (on Linux an `O_APPEND` descriptor appends anyway: the kernel's
/// behaviour, kept).
pub(crate) fn pwrite(h: &mut PosixHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
    let h = &*h;
    with_iov(bufs, |iov| blocking(h, true, || pwritev(&h.fd, iov, offset)))
}

/// `lseek`. A negative absolute offset is `EINVAL`; pipes and sockets say `ESPIPE`.
pub(crate) fn seek(h: &mut PosixHandle, offset: i64, whence: Whence) -> Result<u64> {
    let pos = match whence {
        Whence::Set => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
        Whence::Cur => SeekFrom::Current(offset),
        Whence::End => SeekFrom::End(offset),
    };
    cvt(rustix::fs::seek(&h.fd, pos))
}

/// `fsync`.
pub(crate) fn sync(h: &PosixHandle) -> Result<()> {
    cvt(rustix::fs::fsync(&h.fd))
}

/// `fdatasync` (`fsync` on Apple hosts, which have no `fdatasync`).
pub(crate) fn datasync(h: &PosixHandle) -> Result<()> {
    #[cfg(not(target_vendor = "apple"))]
    return cvt(rustix::fs::fdatasync(&h.fd));
    #[cfg(target_vendor = "apple")]
    return cvt(rustix::fs::fsync(&h.fd));
}

/// `posix_fadvise` (a no-op success on Apple hosts, which have none). `len` 0 means "to
/// the end of the file", as in POSIX.
pub(crate) fn advise(h: &PosixHandle, offset: u64, len: u64, advice: Advice) -> Result<()> {
    #[cfg(not(target_vendor = "apple"))]
    {
        use rustix::fs::Advice as A;
        let a = match advice {
            Advice::Normal => A::Normal,
            Advice::Sequential => A::Sequential,
            Advice::Random => A::Random,
            Advice::WillNeed => A::WillNeed,
            Advice::DontNeed => A::DontNeed,
            Advice::NoReuse => A::NoReuse,
        };
        match rustix::fs::fadvise(&h.fd, offset, core::num::NonZeroU64::new(len), a) {
            // Advice is only advice: a descriptor that cannot take it (a pipe) is fine.
            Err(HostErrno::SPIPE) => Ok(()),
            r => cvt(r),
        }
    }
    #[cfg(target_vendor = "apple")]
    {
        let _ = (h, offset, len, advice);
        Ok(())
    }
}

/// Grow the file with `ftruncate` so that it covers `offset + len` (never shrinks).
fn extend_to(h: &PosixHandle, offset: u64, len: u64) -> Result<()> {
    let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
    let st = cvt(rustix::fs::fstat(&h.fd))?;
    if end > u64::try_from(st.st_size).unwrap_or(0) {
        cvt(rustix::fs::ftruncate(&h.fd, end))?;
    }
    Ok(())
}

/// `posix_fallocate`: `fallocate(fd, 0, offset, len)` on Linux and FreeBSD. Where the
/// filesystem says `EOPNOTSUPP` (tmpfs of old kernels, NFSv3, ZFS on FreeBSD), fall back to
/// growing the file with `ftruncate` if `offset + len` is past its end: the size the guest
/// sees is right, though the blocks are not reserved. On Apple hosts (whose `fallocate`
/// truncates) only that fallback is used.
pub(crate) fn allocate(h: &PosixHandle, offset: u64, len: u64) -> Result<()> {
    h.check_writable()?;
    #[cfg(not(target_vendor = "apple"))]
    {
        match rustix::fs::fallocate(&h.fd, rustix::fs::FallocateFlags::empty(), offset, len) {
            Err(HostErrno::OPNOTSUPP) => extend_to(h, offset, len),
            r => cvt(r),
        }
    }
    #[cfg(target_vendor = "apple")]
    {
        if len == 0 {
            return Err(Errno::INVAL);
        }
        extend_to(h, offset, len)
    }
}

// ----- stat -------------------------------------------------------------------------------

/// Nanoseconds since the epoch of a `(seconds, nanoseconds)` pair, saturated to the
/// range of a WASI timestamp (before 1970 is 0).
pub(crate) fn timestamp(sec: i64, nsec: i64) -> u64 {
    let t = i128::from(sec) * 1_000_000_000 + i128::from(nsec);
    u64::try_from(t.max(0)).unwrap_or(u64::MAX)
}

/// A `Filestat` from a host `stat`; `filetype` overrides the type from `st_mode` when given
/// (a socket's `SO_TYPE`).
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)] // field types vary by host
pub(crate) fn filestat_of(st: &rustix::fs::Stat, filetype: Option<Filetype>) -> Filestat {
    let ft = filetype.unwrap_or_else(|| {
        crate::handle::filetype_of(FileType::from_raw_mode(st.st_mode as rustix::fs::RawMode))
    });
    Filestat {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        filetype: ft,
        nlink: st.st_nlink as u64,
        size: u64::try_from(st.st_size as i64).unwrap_or(0),
        atim: timestamp(st.st_atime as i64, st.st_atime_nsec as i64),
        mtim: timestamp(st.st_mtime as i64, st.st_mtime_nsec as i64),
        ctim: timestamp(st.st_ctime as i64, st.st_ctime_nsec as i64),
    }
}

/// `fstat`.
pub(crate) fn filestat(h: &PosixHandle) -> Result<Filestat> {
    let st = cvt(rustix::fs::fstat(&h.fd))?;
    let ft = h.known_type().filter(|t| matches!(t, Filetype::SocketDgram | Filetype::SocketStream));
    Ok(filestat_of(&st, ft))
}

/// `ftruncate`.
pub(crate) fn set_size(h: &PosixHandle, size: u64) -> Result<()> {
    h.check_writable()?;
    cvt(rustix::fs::ftruncate(&h.fd, size))
}

/// A `Timespec` for `utimensat`/`futimens` (`UTIME_OMIT`, `UTIME_NOW`, or a time).
pub(crate) fn timespec_of(t: SetTime) -> Timespec {
    match t {
        SetTime::Omit => Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_OMIT },
        SetTime::Now => Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
        SetTime::At(ns) => Timespec {
            // u64::MAX / 1e9 < i64::MAX: both fit.
            tv_sec: (ns / 1_000_000_000) as rustix::fs::Secs,
            tv_nsec: (ns % 1_000_000_000) as rustix::fs::Nsecs,
        },
    }
}

/// The `Timestamps` for a `(atim, mtim)` pair.
pub(crate) fn timestamps_of(atim: SetTime, mtim: SetTime) -> Timestamps {
    Timestamps { last_access: timespec_of(atim), last_modification: timespec_of(mtim) }
}

/// `futimens`.
pub(crate) fn set_times(h: &PosixHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
    h.check_writable()?;
    cvt(rustix::fs::futimens(&h.fd, &timestamps_of(atim, mtim)))
}
