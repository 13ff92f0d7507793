//! Directory-relative calls, one path component each: `openat`, `fstatat`, `readlinkat`,
//! `mkdirat`, `unlinkat`, `renameat`, `linkat`, `symlinkat`, `utimensat`; and the Linux
//! `openat2(RESOLVE_BENEATH)` fast path for a whole relative path.

use crate::errno::cvt;
use crate::file::{filestat_of, oflags_of, timestamps_of};
use crate::handle::PosixHandle;
use rustix::fs::{AtFlags, Mode, OFlags};
use wasibox_core::abi::{Filestat, Filetype, SetTime};
use wasibox_core::{Errno, OpenOptions, Result};

/// Defence in depth: the core promises a single component (never empty, no `/`, no NUL,
/// never `..`). Should it ever break that promise, refuse rather than let the host resolve
/// a path: `ENOTCAPABLE` (`ENOENT` for an empty name, as the kernel would say).
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Errno::NOENT);
    }
    if name == ".." || name.bytes().any(|b| b == b'/' || b == 0) {
        return Err(Errno::NOTCAPABLE);
    }
    Ok(())
}

/// The `openat` flags for `opts`: always `O_NOFOLLOW | O_CLOEXEC | O_NOCTTY`.
fn open_flags(opts: &OpenOptions) -> Result<OFlags> {
    let mut f = OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY;
    f |= match (opts.read, opts.write) {
        (true, true) => OFlags::RDWR,
        (false, true) => OFlags::WRONLY,
        _ => OFlags::RDONLY,
    };
    if opts.directory {
        f |= OFlags::DIRECTORY;
    }
    if opts.create {
        f |= OFlags::CREATE;
    }
    if opts.exclusive {
        f |= OFlags::EXCL;
    }
    if opts.truncate {
        f |= OFlags::TRUNC;
    }
    Ok(f | oflags_of(opts.fdflags)?)
}

/// Whether `opts` would change the filesystem (refused through a read-only handle).
fn opts_write(opts: &OpenOptions) -> bool {
    opts.write || opts.create || opts.truncate
}

/// Wrap a freshly opened descriptor: its type when `O_DIRECTORY` proved it a directory
/// (otherwise fetched when first needed), and the read-only mark of the directory it
/// came from.
fn wrap(fd: rustix::fd::OwnedFd, dir: &PosixHandle, opts: &OpenOptions) -> Result<PosixHandle> {
    let filetype = opts.directory.then_some(Filetype::Directory);
    Ok(PosixHandle::opened(fd, filetype, dir.readonly, opts.fdflags))
}

/// `openat(dir, name, O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | ...)`, mode 0o666 (less the umask).
/// A symlink at `name` is `ELOOP` (`ENOTDIR` with `O_DIRECTORY`), from the kernel.
pub(crate) fn open_at(dir: &PosixHandle, name: &str, opts: &OpenOptions) -> Result<PosixHandle> {
    check_name(name)?;
    if opts_write(opts) {
        dir.check_writable()?;
    }
    let flags = open_flags(opts)?;
    let fd = cvt(rustix::fs::openat(&dir.fd, name, flags, Mode::from_raw_mode(0o666)))?;
    wrap(fd, dir, opts)
}

/// The Linux fast path: open the relative `path` (several components) in one
/// `openat2(dir, path, O_NOFOLLOW | ..., RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`. The
/// kernel refuses any escape from `dir` (`..` above it, absolute paths and symlinks,
/// `/proc` magic links). `None` means "use the core's component walk instead": the kernel
/// has no `openat2` (`ENOSYS`, or `EPERM` from a seccomp filter), the path tried to leave
/// `dir` (`EXDEV`: the walk decides what the guest sees), or a rename raced (`EAGAIN`).
/// Everywhere but Linux it is always `None`.
pub(crate) fn open_beneath(dir: &PosixHandle, path: &str, opts: &OpenOptions) -> Option<Result<PosixHandle>> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::ResolveFlags;
        use rustix::io::Errno as E;
        if path.bytes().any(|b| b == 0) {
            return Some(Err(Errno::INVAL));
        }
        if opts_write(opts) {
            if let Err(e) = dir.check_writable() {
                return Some(Err(e));
            }
        }
        let flags = match open_flags(opts) {
            Ok(f) => f,
            Err(e) => return Some(Err(e)),
        };
        let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
        // openat2 insists on a zero mode unless it may create.
        let mode = if opts.create { Mode::from_raw_mode(0o666) } else { Mode::empty() };
        match rustix::fs::openat2(&dir.fd, path, flags, mode, resolve) {
            Err(E::NOSYS | E::PERM | E::XDEV | E::AGAIN) => None,
            Err(e) => Some(Err(crate::errno::errno_from_rustix(e))),
            Ok(fd) => Some(wrap(fd, dir, opts)),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (dir, path, opts);
        None
    }
}

fn at_flags(follow: bool) -> AtFlags {
    if follow {
        AtFlags::empty()
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    }
}

/// `fstatat(dir, name, follow ? 0 : AT_SYMLINK_NOFOLLOW)`.
pub(crate) fn stat_at(dir: &PosixHandle, name: &str, follow: bool) -> Result<Filestat> {
    check_name(name)?;
    let st = cvt(rustix::fs::statat(&dir.fd, name, at_flags(follow)))?;
    Ok(filestat_of(&st, None))
}

/// `readlinkat`, growing the buffer until the whole target fits. `EINVAL` if not a symlink.
pub(crate) fn readlink_at(dir: &PosixHandle, name: &str) -> Result<Vec<u8>> {
    check_name(name)?;
    Ok(cvt(rustix::fs::readlinkat(&dir.fd, name, Vec::new()))?.into_bytes())
}

/// `mkdirat(dir, name, 0o777)` (less the umask).
pub(crate) fn mkdir_at(dir: &PosixHandle, name: &str) -> Result<()> {
    check_name(name)?;
    dir.check_writable()?;
    cvt(rustix::fs::mkdirat(&dir.fd, name, Mode::from_raw_mode(0o777)))
}

/// `unlinkat(dir, name, AT_REMOVEDIR)`.
pub(crate) fn rmdir_at(dir: &PosixHandle, name: &str) -> Result<()> {
    check_name(name)?;
    dir.check_writable()?;
    cvt(rustix::fs::unlinkat(&dir.fd, name, AtFlags::REMOVEDIR))
}

/// `unlinkat(dir, name, 0)`. A directory is whatever the kernel says (`EISDIR` on Linux,
/// `EPERM` by POSIX).
pub(crate) fn unlink_at(dir: &PosixHandle, name: &str) -> Result<()> {
    check_name(name)?;
    dir.check_writable()?;
    cvt(rustix::fs::unlinkat(&dir.fd, name, AtFlags::empty()))
}

/// `renameat`.
pub(crate) fn rename_at(old_dir: &PosixHandle, old: &str, new_dir: &PosixHandle, new: &str) -> Result<()> {
    check_name(old)?;
    check_name(new)?;
    old_dir.check_writable()?;
    new_dir.check_writable()?;
    cvt(rustix::fs::renameat(&old_dir.fd, old, &new_dir.fd, new))
}

/// `linkat(old_dir, old, new_dir, new, 0)`: a symlink at `old` is linked, not followed.
pub(crate) fn link_at(old_dir: &PosixHandle, old: &str, new_dir: &PosixHandle, new: &str) -> Result<()> {
    check_name(old)?;
    check_name(new)?;
    old_dir.check_writable()?;
    new_dir.check_writable()?;
    cvt(rustix::fs::linkat(&old_dir.fd, old, &new_dir.fd, new, AtFlags::empty()))
}

/// `symlinkat(target, dir, name)`; `target` is stored as given (the core checks nothing
/// about it: it is resolved, inside the sandbox, only when followed).
pub(crate) fn symlink_at(target: &str, dir: &PosixHandle, name: &str) -> Result<()> {
    check_name(name)?;
    dir.check_writable()?;
    cvt(rustix::fs::symlinkat(target, &dir.fd, name))
}

/// `utimensat(dir, name, times, follow ? 0 : AT_SYMLINK_NOFOLLOW)`.
pub(crate) fn set_times_at(
    dir: &PosixHandle,
    name: &str,
    atim: SetTime,
    mtim: SetTime,
    follow: bool,
) -> Result<()> {
    check_name(name)?;
    dir.check_writable()?;
    cvt(rustix::fs::utimensat(&dir.fd, name, &timestamps_of(atim, mtim), at_flags(follow)))
}
