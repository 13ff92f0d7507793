//! The [`Platform`] trait: everything the operating system (or an in-memory stand-in)
//! provides to the core. A port of wasibox to a new OS is one implementation of this trait.
//!
//! ## Contract
//!
//! - Every `*_at` method takes a directory handle and **one path component** `name`: never
//!   empty, never containing `/` or NUL, never `..`; it may be `.` (the directory itself).
//!   The core has already walked the path and resolved symlinks; a backend must not follow
//!   a symlink at `name` unless the method says so. This is what keeps every backend inside
//!   the sandbox: the component walk lives in the core (`path.rs`).
//! - Errors are WASI errnos, chosen as Linux would (`open_at` on a symlink without
//!   following: `ELOOP`, or `ENOTDIR` when a directory was asked for).
//! - Optional methods have a default that returns the errno the guest should see when the
//!   host cannot do the thing: `sock_*` → `ENOTSOCK`, `allocate` → `ENOTSUP`,
//!   `advise` → success (advice may be ignored), `sched_yield` → success, `close` → the
//!   handle is dropped, `open_beneath` → `None` (the core walks the path with `open_at`).
//! - Nothing a guest controls (offsets, lengths, cookies, names) may make a method panic.
//!
//! `docs/porting.md` is the guide to writing a port, with a complete example
//! (`examples/port-romfs`) and how to run the conformance suite against it.

use crate::abi::{
    Advice, ClockId, Errno, FdFlags, Filestat, Filetype, Result, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use alloc::vec::Vec;

/// How `open_at` should open `name`. The final component is never followed if a symlink.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Open for reading (files) / listing (directories).
    pub read: bool,
    /// Open for writing.
    pub write: bool,
    /// `O_CREAT`.
    pub create: bool,
    /// `O_EXCL` (only meaningful with `create`).
    pub exclusive: bool,
    /// `O_TRUNC`.
    pub truncate: bool,
    /// `O_DIRECTORY`: fail with `ENOTDIR` unless `name` is a directory.
    pub directory: bool,
    /// Descriptor flags to open with (`APPEND`, `NONBLOCK`, `DSYNC`, `RSYNC`, `SYNC`).
    pub fdflags: FdFlags,
}

/// One directory entry handed to a [`Platform::readdir`] sink.
#[derive(Clone, Copy, Debug)]
pub struct DirEntry<'a> {
    /// The cookie of the entry *after* this one (`dirent::d_next`).
    pub next: u64,
    /// Inode number.
    pub ino: u64,
    /// Type of the entry (without following symlinks).
    pub filetype: Filetype,
    /// The name, as bytes.
    pub name: &'a [u8],
}

/// One fd subscription of a `poll_oneoff` call.
#[derive(Debug)]
pub struct PollFd<'a, H> {
    /// The handle to wait on.
    pub handle: &'a H,
    /// `true` for write readiness, `false` for read readiness.
    pub write: bool,
    /// Set by the backend when the handle is ready: `Ok(nbytes)` (bytes available, or 0
    /// when unknown), or the error to report in the event.
    pub ready: Option<Result<u64>>,
    /// Set by the backend when the peer hung up.
    pub hangup: bool,
}

/// When [`Platform::poll`] must return even if nothing is ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The clock the deadline is measured on.
    pub clock: ClockId,
    /// Absolute time on `clock`, in nanoseconds.
    pub at: u64,
}

/// Everything the host provides. See the module documentation for the contract.
///
/// Handles are the backend's own type (an `OwnedFd`, a Windows `HANDLE`, an in-memory
/// node). One handle is one open file description: it carries its own offset and flags.
pub trait Platform {
    /// An open file, directory, pipe, socket or terminal.
    type Handle;

    // ----- descriptors --------------------------------------------------------------

    /// The type of what `h` refers to.
    fn filetype(&self, h: &Self::Handle) -> Result<Filetype>;
    /// The descriptor flags `h` is open with (`fd_fdstat_get`).
    fn fdflags(&self, h: &Self::Handle) -> Result<FdFlags>;
    /// Change `APPEND` / `NONBLOCK` (and the sync flags where the host can).
    fn set_fdflags(&self, h: &mut Self::Handle, flags: FdFlags) -> Result<()>;
    /// Release `h`. Errors are reported to the guest but the descriptor is gone anyway.
    fn close(&self, h: Self::Handle) -> Result<()> {
        drop(h);
        Ok(())
    }

    /// Read at the current offset into `bufs`, in order (`readv`).
    fn read(&self, h: &mut Self::Handle, bufs: &mut [&mut [u8]]) -> Result<usize>;
    /// Read at `offset` without moving the offset (`preadv`).
    fn pread(&self, h: &mut Self::Handle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize>;
    /// Write at the current offset, or at the end in append mode (`writev`).
    fn write(&self, h: &mut Self::Handle, bufs: &[&[u8]]) -> Result<usize>;
    /// Write at `offset` without moving the offset (`pwritev`).
    fn pwrite(&self, h: &mut Self::Handle, bufs: &[&[u8]], offset: u64) -> Result<usize>;
    /// Move the offset (`lseek`); `ESPIPE` on pipes, sockets and terminals.
    fn seek(&self, h: &mut Self::Handle, offset: i64, whence: Whence) -> Result<u64>;
    /// `fsync`.
    fn sync(&self, h: &Self::Handle) -> Result<()>;
    /// `fdatasync`.
    fn datasync(&self, h: &Self::Handle) -> Result<()>;
    /// `posix_fadvise`. Advice may be ignored.
    fn advise(&self, h: &Self::Handle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        let _ = (h, offset, len, advice);
        Ok(())
    }
    /// `posix_fallocate`: make sure `offset..offset+len` is allocated, growing the file.
    fn allocate(&self, h: &Self::Handle, offset: u64, len: u64) -> Result<()> {
        let _ = (h, offset, len);
        Err(Errno::NOTSUP)
    }
    /// `fstat`.
    fn filestat(&self, h: &Self::Handle) -> Result<Filestat>;
    /// `ftruncate`.
    fn set_size(&self, h: &Self::Handle, size: u64) -> Result<()>;
    /// `futimens`.
    fn set_times(&self, h: &Self::Handle, atim: SetTime, mtim: SetTime) -> Result<()>;
    /// List the directory `h` from `cookie` (0 = the start). Call `sink` for each entry in
    /// order, `.` and `..` included, until it returns `false` or the directory ends. Each
    /// entry's `next` is the cookie that resumes after it. Cookies must stay valid while
    /// the directory changes. A backend may keep a stream positioned in `h` so that
    /// resuming at the cookie it last returned costs nothing.
    fn readdir(
        &self,
        h: &mut Self::Handle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()>;

    // ----- directory-relative calls (one component each) ------------------------------

    /// `openat(dir, name, O_NOFOLLOW | ...)`.
    fn open_at(&self, dir: &Self::Handle, name: &str, opts: &OpenOptions) -> Result<Self::Handle>;
    /// Optional fast path for `path_open`: open `path` below `dir` in one host call.
    ///
    /// `path` has several components, none of them `..`, its last one a name (not `.`),
    /// no leading or trailing `/`. The answer must be exactly the one the core's component
    /// walk would reach with [`open_at`](Self::open_at) calls: every component resolved
    /// inside `dir`, symlinks on the way followed only while they stay inside it, the
    /// final component not followed, the same errno. Return `None` whenever that cannot
    /// be promised (a symlink or `..` that would leave `dir`, a host without such a call):
    /// the core then walks. The core also walks after `ELOOP`, `ENOTDIR` or `EMLINK`, so a
    /// symlink at the end (or one the host refused) is still the walk's to follow.
    ///
    /// The default is `None`. Linux's `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`
    /// gives these semantics (with `EXDEV` mapped to `None`).
    fn open_beneath(
        &self,
        dir: &Self::Handle,
        path: &str,
        opts: &OpenOptions,
    ) -> Option<Result<Self::Handle>> {
        let _ = (dir, path, opts);
        None
    }
    /// `fstatat(dir, name)`, following a symlink at `name` only if `follow`.
    fn stat_at(&self, dir: &Self::Handle, name: &str, follow: bool) -> Result<Filestat>;
    /// `readlinkat`: the whole target. `EINVAL` if `name` is not a symlink.
    fn readlink_at(&self, dir: &Self::Handle, name: &str) -> Result<Vec<u8>>;
    /// `mkdirat`.
    fn mkdir_at(&self, dir: &Self::Handle, name: &str) -> Result<()>;
    /// `unlinkat(dir, name, AT_REMOVEDIR)`.
    fn rmdir_at(&self, dir: &Self::Handle, name: &str) -> Result<()>;
    /// `unlinkat(dir, name, 0)`.
    fn unlink_at(&self, dir: &Self::Handle, name: &str) -> Result<()>;
    /// `renameat`, with POSIX semantics (atomically replaces a file, or an empty directory
    /// with a directory).
    fn rename_at(&self, old_dir: &Self::Handle, old: &str, new_dir: &Self::Handle, new: &str) -> Result<()>;
    /// `linkat` without following.
    fn link_at(&self, old_dir: &Self::Handle, old: &str, new_dir: &Self::Handle, new: &str) -> Result<()>;
    /// `symlinkat(target, dir, name)`. `target` is stored as given.
    fn symlink_at(&self, target: &str, dir: &Self::Handle, name: &str) -> Result<()>;
    /// `utimensat(dir, name, .., follow ? 0 : AT_SYMLINK_NOFOLLOW)`.
    fn set_times_at(
        &self,
        dir: &Self::Handle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()>;

    // ----- clocks, randomness, scheduling ------------------------------------------

    /// Resolution of `clock` in nanoseconds (non-zero).
    fn clock_res(&self, clock: ClockId) -> Result<u64>;
    /// Current value of `clock` in nanoseconds.
    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64>;
    /// Fill `buf` with random bytes.
    fn random(&self, buf: &mut [u8]) -> Result<()>;
    /// Give up the CPU.
    fn sched_yield(&self) -> Result<()> {
        Ok(())
    }
    /// Wait until one of `fds` is ready or `deadline` passes (`None`: wait for an fd only).
    /// Regular files are ready at once. With no fds, sleep until the deadline. Mark each
    /// ready fd's `ready`; return when at least one is ready or the deadline has passed.
    fn poll(&self, fds: &mut [PollFd<'_, Self::Handle>], deadline: Option<Deadline>) -> Result<()>;

    // ----- sockets (optional) ---------------------------------------------------------

    /// Accept a connection on the listening socket `h`.
    fn sock_accept(&self, h: &Self::Handle, flags: FdFlags) -> Result<Self::Handle> {
        let _ = (h, flags);
        Err(Errno::NOTSOCK)
    }
    /// Receive into `bufs`.
    fn sock_recv(
        &self,
        h: &mut Self::Handle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        let _ = (h, bufs, flags);
        Err(Errno::NOTSOCK)
    }
    /// Send from `bufs`.
    fn sock_send(&self, h: &mut Self::Handle, bufs: &[&[u8]]) -> Result<usize> {
        let _ = (h, bufs);
        Err(Errno::NOTSOCK)
    }
    /// Shut down one or both directions.
    fn sock_shutdown(&self, h: &Self::Handle, how: SdFlags) -> Result<()> {
        let _ = (h, how);
        Err(Errno::NOTSOCK)
    }

    // ----- the run itself ------------------------------------------------------------

    /// Whether the platform needs the guest ended now, and how. The core asks after every
    /// call and, on `Some`, ends the guest as if it had called `proc_exit`/`proc_raise`.
    /// A replay that has left its recording uses it (nothing it could answer would be
    /// true). The default is `None`.
    fn exit_requested(&self) -> Option<crate::ctx::Exit> {
        None
    }
}
