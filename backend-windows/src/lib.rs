//! # wasibox-windows
//!
//! The [`Platform`] of wasibox for Windows, through [`windows_sys`]: the same guests behave
//! on Windows as on Linux, within what Windows can express. Built and tested for
//! `x86_64-pc-windows-gnu`; its tests run under Wine on Linux (see `wine/runner.sh`). On
//! other hosts the crate is empty.
//!
//! The core (`wasibox-core`) does the guest-memory decoding, the descriptor table, the
//! rights and the sandboxed path walk; this crate does what the core asks, relative to
//! directory handles: `NtCreateFile` with `OBJECT_ATTRIBUTES.RootDirectory` and a single
//! component as the name, `NtSetInformationFile` with `FileRenameInformation` /
//! `FileLinkInformation` / `FileDispositionInformation`, `NtQueryDirectoryFile` for
//! `fd_readdir`, positional `ReadFile`/`WriteFile` on files, `PeekNamedPipe` for pipes,
//! `WriteConsoleW`/`ReadConsoleW` for consoles.
//!
//! What it must **never** do:
//! - resolve more than one path component: every `*_at` call passes exactly one name
//!   relative to a directory handle, never a path, and refuses `..`, `/` and `\`;
//! - follow a reparse point (symlink, junction) at the final component: every open
//!   carries `FILE_OPEN_REPARSE_POINT`, and a link found there is reported as Linux
//!   reports a symlink under `O_NOFOLLOW` (`ELOOP`, or `ENOTDIR` when a directory was asked
//!   for); following links is the core's job, inside the sandbox;
//! - accept a name Windows would read specially: device names (`CON`, `LPT1.txt`,
//!   `COM¹`), `:` (streams, drives), `\`, wildcard and control characters, trailing dots
//!   and spaces, 8.3 short names that alias another entry (see *Name rules* below
//!   and `RATIONALE.md`);
//! - name a host path the embedder did not hand in (preopens are opened by the host with
//!   [`WindowsHandle::open_dir`]).
//!
//! ## Name rules
//!
//! | component | errno |
//! | --- | --- |
//! | reserved device name in any spelling (`CON`, `nul.txt`, `COM¹`, `LPT1 .c`, `CONIN$`) | `ENOTCAPABLE` |
//! | contains `\`, `:`, `*`, `?`, `"`, `<`, `>`, `\|` or a control character | `EINVAL` |
//! | ends in `.` or space | `EINVAL` |
//! | 8.3 short name of an entry with another long name (`PROGRA~1`) | `ENOENT` |
//!
//! ## Optional methods and what Windows cannot do
//!
//! Sockets are not provided (the trait's defaults answer `ENOTSOCK`). Symlinks need
//! `SeCreateSymbolicLinkPrivilege`: without it `symlink_at` is `EPERM`; where the file
//! system has no reparse points (or under Wine) `ENOTSUP`. Changing the sync flags after
//! open is `ENOTSUP`. `stat_at`/`set_times_at` with `follow` at a link are `ENOTSUP` (the
//! core never asks). Choices and deviations are recorded in `RATIONALE.md` beside this
//! crate.
// On other hosts the crate is empty, so its links name nothing there.
#![cfg_attr(not(windows), allow(rustdoc::broken_intra_doc_links))]
#![cfg(windows)]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod clock;
mod console;
mod dir;
mod errno;
mod file;
mod handle;
mod names;
mod nt;
mod poll;
mod readdir;

pub use errno::{errno_from_io_error, errno_from_ntstatus, errno_from_win32};
pub use handle::WindowsHandle;

use wasibox_core::abi::{ClockId, FdFlags, Filestat, Filetype, SetTime, Whence};
use wasibox_core::{Deadline, DirEntry, OpenOptions, Platform, PollFd, Result};

/// Whether this process runs under Wine (ntdll exports `wine_get_version`). Tests use it
/// to skip what Wine cannot do (symlinks, POSIX-semantics delete and rename); the backend
/// itself behaves the same everywhere.
pub fn running_under_wine() -> bool {
    use std::sync::OnceLock;
    static WINE: OnceLock<bool> = OnceLock::new();
    *WINE.get_or_init(|| {
        use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
        let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
        // SAFETY: `ntdll` is a NUL-terminated UTF-16 string that outlives the call; ntdll is
        // loaded in every process, and the module handle is not released by us.
        let module = unsafe { GetModuleHandleW(ntdll.as_ptr()) };
        if module.is_null() {
            return false;
        }
        // SAFETY: `module` is a loaded module and the name a NUL-terminated ANSI string; we
        // only test the result for null, never call it.
        unsafe { GetProcAddress(module, c"wine_get_version".as_ptr().cast()) }.is_some()
    })
}

/// The Windows host. Stateless: all state lives in the [`WindowsHandle`]s.
#[derive(Clone, Copy, Debug, Default)]
pub struct WindowsPlatform {
    _private: (),
}

impl WindowsPlatform {
    /// The Windows platform.
    pub fn new() -> WindowsPlatform {
        WindowsPlatform { _private: () }
    }
}

impl Platform for WindowsPlatform {
    type Handle = WindowsHandle;

    fn filetype(&self, h: &WindowsHandle) -> Result<Filetype> {
        Ok(h.filetype())
    }
    fn fdflags(&self, h: &WindowsHandle) -> Result<FdFlags> {
        file::fdflags(h)
    }
    fn set_fdflags(&self, h: &mut WindowsHandle, flags: FdFlags) -> Result<()> {
        file::set_fdflags(h, flags)
    }
    fn read(&self, h: &mut WindowsHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        file::read(h, bufs)
    }
    fn pread(&self, h: &mut WindowsHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        file::pread(h, bufs, offset)
    }
    fn write(&self, h: &mut WindowsHandle, bufs: &[&[u8]]) -> Result<usize> {
        file::write(h, bufs)
    }
    fn pwrite(&self, h: &mut WindowsHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        file::pwrite(h, bufs, offset)
    }
    fn seek(&self, h: &mut WindowsHandle, offset: i64, whence: Whence) -> Result<u64> {
        file::seek(h, offset, whence)
    }
    fn sync(&self, h: &WindowsHandle) -> Result<()> {
        file::sync(h)
    }
    fn datasync(&self, h: &WindowsHandle) -> Result<()> {
        file::sync(h)
    }
    fn allocate(&self, h: &WindowsHandle, offset: u64, len: u64) -> Result<()> {
        file::allocate(h, offset, len)
    }
    fn filestat(&self, h: &WindowsHandle) -> Result<Filestat> {
        file::filestat(h)
    }
    fn set_size(&self, h: &WindowsHandle, size: u64) -> Result<()> {
        file::set_size(h, size)
    }
    fn set_times(&self, h: &WindowsHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        file::set_times(h, atim, mtim)
    }
    fn readdir(
        &self,
        h: &mut WindowsHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        readdir::readdir(h, cookie, sink)
    }

    fn open_at(&self, dir: &WindowsHandle, name: &str, opts: &OpenOptions) -> Result<WindowsHandle> {
        dir::open_at(dir, name, opts)
    }
    fn stat_at(&self, dir: &WindowsHandle, name: &str, follow: bool) -> Result<Filestat> {
        dir::stat_at(dir, name, follow)
    }
    fn readlink_at(&self, dir: &WindowsHandle, name: &str) -> Result<Vec<u8>> {
        dir::readlink_at(dir, name)
    }
    fn mkdir_at(&self, dir: &WindowsHandle, name: &str) -> Result<()> {
        dir::mkdir_at(dir, name)
    }
    fn rmdir_at(&self, dir: &WindowsHandle, name: &str) -> Result<()> {
        dir::rmdir_at(dir, name)
    }
    fn unlink_at(&self, dir: &WindowsHandle, name: &str) -> Result<()> {
        dir::unlink_at(dir, name)
    }
    fn rename_at(
        &self,
        old_dir: &WindowsHandle,
        old: &str,
        new_dir: &WindowsHandle,
        new: &str,
    ) -> Result<()> {
        dir::rename_at(old_dir, old, new_dir, new)
    }
    fn link_at(&self, old_dir: &WindowsHandle, old: &str, new_dir: &WindowsHandle, new: &str) -> Result<()> {
        dir::link_at(old_dir, old, new_dir, new)
    }
    fn symlink_at(&self, target: &str, dir: &WindowsHandle, name: &str) -> Result<()> {
        dir::symlink_at(target, dir, name)
    }
    fn set_times_at(
        &self,
        dir: &WindowsHandle,
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
    fn clock_time(&self, clock: ClockId, _precision: u64) -> Result<u64> {
        clock::clock_time(clock)
    }
    fn random(&self, buf: &mut [u8]) -> Result<()> {
        clock::random(buf)
    }
    fn sched_yield(&self) -> Result<()> {
        clock::sched_yield()
    }
    fn poll(&self, fds: &mut [PollFd<'_, WindowsHandle>], deadline: Option<Deadline>) -> Result<()> {
        poll::poll(fds, deadline)
    }
}
