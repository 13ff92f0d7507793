//! # wasibox-posix
//!
//! The [`Platform`] of wasibox for POSIX hosts: Linux first, kept compiling for macOS and
//! FreeBSD. Every system call goes through [`rustix`]; the crate makes no `libc` calls of
//! its own and has no `unsafe` code.
//!
//! The core (`wasibox-core`) does the guest-memory decoding, the descriptor table, the
//! rights and the sandboxed path walk; this crate does what the core asks, one host call
//! per request where it can: `readv`/`writev` straight on guest memory, `openat` and
//! friends relative to a directory descriptor, `getdents` on a stream kept positioned in
//! the handle, `clock_gettime` through the vDSO.
//!
//! What it must **never** do:
//! - follow a symlink at the final component of a path: every `open_at` carries
//!   `O_NOFOLLOW`, every `*_at` call that can take it `AT_SYMLINK_NOFOLLOW` (unless the
//!   core asked to follow);
//! - resolve a path of several components itself: each `*_at` method takes one
//!   component, which it refuses if it contains `/` or is `..` (defence in depth). The only
//!   exception is the Linux fast path [`PosixPlatform::open_beneath`], where the kernel's
//!   `openat2(RESOLVE_BENEATH)` enforces the same sandbox;
//! - name a host path the embedder did not hand in (preopens are opened by the host with
//!   [`PosixHandle::open_dir`]);
//! - block forever where the guest asked not to, or return early where it did not (a
//!   stdout the host left non-blocking still delivers every byte of a guest's write).
//!
//! Optional [`Platform`] methods are all implemented. What this backend cannot do answers
//! with the errno the kernel gives (`ENOTSOCK` for socket calls on a file, `ESPIPE` for
//! seeking a pipe), or `ENOTSUP` where the host cannot do it at all (changing the sync
//! flags after open; `RSYNC` on hosts without `O_RSYNC`). Choices and deviations are
//! recorded in `RATIONALE.md` beside this crate.
//!
//! ## Example
//!
//! A host directory preopened as `/data`, and a call dispatched to it without an engine
//! (an engine's import does the same with the guest's memory):
//!
//! ```
//! use wasibox_core::{call, Errno, Func, Version, WasiCtx};
//! use wasibox_posix::{PosixHandle, PosixPlatform};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("a.txt"), "hello")?;
//! let mut ctx = WasiCtx::builder(PosixPlatform::new())
//!     .preopen("/data", PosixHandle::open_dir(dir.path())?)
//!     .build()?;
//! let mut memory = vec![0u8; 65536];
//! memory[100..105].copy_from_slice(b"a.txt");
//! // path_filestat_get(fd 3 = /data, SYMLINK_FOLLOW, "a.txt", filestat at 0)
//! let r = call(&mut ctx, &mut memory[..], Version::Preview1, Func::PathFilestatGet, &[3, 1, 100, 5, 0]);
//! assert_eq!(r, Ok(Errno::SUCCESS));
//! assert_eq!(memory[32..40], 5u64.to_le_bytes()); // filestat.size
//! // ".." never leaves the preopen.
//! memory[100..108].copy_from_slice(b"../a.txt");
//! let r = call(&mut ctx, &mut memory[..], Version::Preview1, Func::PathFilestatGet, &[3, 1, 100, 8, 0]);
//! assert_eq!(r, Ok(Errno::NOTCAPABLE));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg(unix)]

mod clock;
mod dir;
mod errno;
mod file;
mod handle;
mod poll;
mod readdir;
mod sock;

pub use errno::{errno_from_io_error, errno_from_rustix};
pub use handle::PosixHandle;

use wasibox_core::abi::{
    Advice, ClockId, FdFlags, Filestat, Filetype, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use wasibox_core::{Deadline, DirEntry, OpenOptions, Platform, PollFd, Result};

/// The POSIX host. Stateless: all state lives in the [`PosixHandle`]s.
#[derive(Clone, Copy, Debug, Default)]
pub struct PosixPlatform {
    _private: (),
}

impl PosixPlatform {
    /// The POSIX platform.
    pub fn new() -> PosixPlatform {
        PosixPlatform { _private: () }
    }

    /// Linux fast path for opening a relative path of several components in one call:
    /// `openat2(dir, path, O_NOFOLLOW | ..., RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`,
    /// with the same flags and read-only rule as [`Platform::open_at`].
    ///
    /// Returns `None` when the caller must fall back to the core's component walk: the
    /// kernel lacks `openat2` (`ENOSYS`, or `EPERM` from a seccomp filter), the path tried to
    /// leave `dir` (`EXDEV`: absolute path or symlink, `..` above `dir`; the walk decides the
    /// guest's answer), or a concurrent rename made the kernel give up (`EAGAIN`). Always
    /// `None` on hosts other than Linux.
    ///
    /// Like `openat`, a trailing `/` on `path` makes the kernel follow a final symlink;
    /// the core's walk strips or handles trailing slashes before calling this.
    pub fn open_beneath(
        &self,
        dir: &PosixHandle,
        path: &str,
        opts: &OpenOptions,
    ) -> Option<Result<PosixHandle>> {
        dir::open_beneath(dir, path, opts)
    }
}

impl Platform for PosixPlatform {
    type Handle = PosixHandle;

    fn filetype(&self, h: &PosixHandle) -> Result<Filetype> {
        h.file_type()
    }
    fn fdflags(&self, h: &PosixHandle) -> Result<FdFlags> {
        file::fdflags(h)
    }
    fn set_fdflags(&self, h: &mut PosixHandle, flags: FdFlags) -> Result<()> {
        file::set_fdflags(h, flags)
    }
    fn read(&self, h: &mut PosixHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        file::read(h, bufs)
    }
    fn pread(&self, h: &mut PosixHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        file::pread(h, bufs, offset)
    }
    fn write(&self, h: &mut PosixHandle, bufs: &[&[u8]]) -> Result<usize> {
        file::write(h, bufs)
    }
    fn pwrite(&self, h: &mut PosixHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        file::pwrite(h, bufs, offset)
    }
    fn seek(&self, h: &mut PosixHandle, offset: i64, whence: Whence) -> Result<u64> {
        file::seek(h, offset, whence)
    }
    fn sync(&self, h: &PosixHandle) -> Result<()> {
        file::sync(h)
    }
    fn datasync(&self, h: &PosixHandle) -> Result<()> {
        file::datasync(h)
    }
    fn advise(&self, h: &PosixHandle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        file::advise(h, offset, len, advice)
    }
    fn allocate(&self, h: &PosixHandle, offset: u64, len: u64) -> Result<()> {
        file::allocate(h, offset, len)
    }
    fn filestat(&self, h: &PosixHandle) -> Result<Filestat> {
        file::filestat(h)
    }
    fn set_size(&self, h: &PosixHandle, size: u64) -> Result<()> {
        file::set_size(h, size)
    }
    fn set_times(&self, h: &PosixHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        file::set_times(h, atim, mtim)
    }
    fn readdir(
        &self,
        h: &mut PosixHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        readdir::readdir(h, cookie, sink)
    }

    fn open_at(&self, dir: &PosixHandle, name: &str, opts: &OpenOptions) -> Result<PosixHandle> {
        dir::open_at(dir, name, opts)
    }
    fn open_beneath(&self, dir: &PosixHandle, path: &str, opts: &OpenOptions) -> Option<Result<PosixHandle>> {
        dir::open_beneath(dir, path, opts)
    }
    fn stat_at(&self, dir: &PosixHandle, name: &str, follow: bool) -> Result<Filestat> {
        dir::stat_at(dir, name, follow)
    }
    fn readlink_at(&self, dir: &PosixHandle, name: &str) -> Result<Vec<u8>> {
        dir::readlink_at(dir, name)
    }
    fn mkdir_at(&self, dir: &PosixHandle, name: &str) -> Result<()> {
        dir::mkdir_at(dir, name)
    }
    fn rmdir_at(&self, dir: &PosixHandle, name: &str) -> Result<()> {
        dir::rmdir_at(dir, name)
    }
    fn unlink_at(&self, dir: &PosixHandle, name: &str) -> Result<()> {
        dir::unlink_at(dir, name)
    }
    fn rename_at(&self, old_dir: &PosixHandle, old: &str, new_dir: &PosixHandle, new: &str) -> Result<()> {
        dir::rename_at(old_dir, old, new_dir, new)
    }
    fn link_at(&self, old_dir: &PosixHandle, old: &str, new_dir: &PosixHandle, new: &str) -> Result<()> {
        dir::link_at(old_dir, old, new_dir, new)
    }
    fn symlink_at(&self, target: &str, dir: &PosixHandle, name: &str) -> Result<()> {
        dir::symlink_at(target, dir, name)
    }
    fn set_times_at(
        &self,
        dir: &PosixHandle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        dir::set_times_at(dir, name, atim, mtim, follow)
    }

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        clock::clock_res(clock)
    }
    #[inline]
    fn clock_time(&self, clock: ClockId, _precision: u64) -> Result<u64> {
        clock::clock_time(clock)
    }
    fn random(&self, buf: &mut [u8]) -> Result<()> {
        clock::random(buf)
    }
    fn sched_yield(&self) -> Result<()> {
        clock::sched_yield()
    }
    fn poll(&self, fds: &mut [PollFd<'_, PosixHandle>], deadline: Option<Deadline>) -> Result<()> {
        poll::poll(fds, deadline)
    }

    fn sock_accept(&self, h: &PosixHandle, flags: FdFlags) -> Result<PosixHandle> {
        sock::accept(h, flags)
    }
    fn sock_recv(
        &self,
        h: &mut PosixHandle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        sock::recv(h, bufs, flags)
    }
    fn sock_send(&self, h: &mut PosixHandle, bufs: &[&[u8]]) -> Result<usize> {
        sock::send(h, bufs)
    }
    fn sock_shutdown(&self, h: &PosixHandle, how: SdFlags) -> Result<()> {
        sock::shutdown(h, how)
    }
}
