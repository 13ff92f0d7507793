//! [`WindowsHandle`]: an owned Windows `HANDLE` plus the state the backend keeps beside it,
//! and the host-side constructors an embedder uses to make preopens and stdio.

use crate::console::ConsoleState;
use crate::nt;
use crate::readdir::DirState;
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::{AsHandle, AsRawHandle, BorrowedHandle, OwnedHandle, RawHandle};
use std::path::Path;
use wasibox_core::abi::{FdFlags, Filetype};
use windows_sys::Wdk::System::SystemServices::FILE_ATTRIBUTE_TAG_INFORMATION;
use windows_sys::Win32::Storage::FileSystem as W;

/// What a handle refers to; decides which calls apply and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A regular file on a disk.
    File,
    /// A directory.
    Directory,
    /// An anonymous or named pipe (or anything else `GetFileType` calls a pipe).
    Pipe,
    /// A console input or output buffer.
    Console,
    /// Another character device (`NUL`, a serial port).
    Char,
    /// Anything else.
    Other,
}

/// An open file, directory, pipe or console of the host.
///
/// Beside the `HANDLE` it keeps:
/// - what it refers to (fetched once: it cannot change), and whether it was opened for
///   reading and for writing (Windows would answer `ERROR_ACCESS_DENIED` where POSIX says
///   `EBADF`);
/// - the file offset, for files the guest opened: every read and write is positional
///   (`OVERLAPPED` offsets) at an offset kept here, so `pread`/`pwrite` never move it and no
///   save-and-restore of the Windows file pointer is needed. Handles the host hands in
///   (stdio redirected to a file) share the Windows file pointer with the host instead, as
///   a POSIX descriptor shares its open file description;
/// - `APPEND`, emulated: a write in append mode goes to the end of file atomically
///   (`FILE_WRITE_TO_END_OF_FILE`), whatever the offset;
/// - the guest's `NONBLOCK` wish and the sync flags it opened with;
/// - for directories, the enumeration state of `fd_readdir` (see `readdir.rs`);
/// - for consoles, the UTF-8 ↔ UTF-16 state;
/// - whether the handle is *read-only*: made by [`WindowsHandle::open_dir_readonly`] or
///   opened through such a handle. Every operation that would change the filesystem
///   through it fails with `EROFS`.
#[derive(Debug)]
pub struct WindowsHandle {
    pub(crate) h: OwnedHandle,
    pub(crate) kind: Kind,
    pub(crate) readonly: bool,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
    pub(crate) append: bool,
    pub(crate) nonblock: bool,
    /// `DSYNC`/`RSYNC`/`SYNC` as opened (`FILE_WRITE_THROUGH` for the first and the last).
    pub(crate) sync_flags: FdFlags,
    /// Our own offset (files the guest opened), or `None`: the Windows file pointer.
    pub(crate) pos: Option<u64>,
    pub(crate) dir: Option<Box<DirState>>,
    pub(crate) console: Option<Box<ConsoleState>>,
}

impl Kind {
    pub(crate) fn filetype(self) -> Filetype {
        match self {
            Kind::File => Filetype::RegularFile,
            Kind::Directory => Filetype::Directory,
            Kind::Console | Kind::Char => Filetype::CharacterDevice,
            // A pipe has no WASI file type (as on POSIX hosts, where a FIFO is `Unknown`).
            Kind::Pipe | Kind::Other => Filetype::Unknown,
        }
    }
}

/// The kind of any handle: `GetFileType`, then the attributes of a disk file, or whether a
/// character device is a console.
pub(crate) fn kind_of(h: &OwnedHandle) -> io::Result<Kind> {
    let raw = nt::raw(h);
    // SAFETY: GetFileType only inspects the handle, which `h` keeps open.
    let t = unsafe { W::GetFileType(raw) };
    Ok(match t {
        W::FILE_TYPE_DISK => {
            let info = nt::query::<FILE_ATTRIBUTE_TAG_INFORMATION>(raw)
                .map_err(|s| io::Error::from_raw_os_error(ntstatus_to_win32(s) as i32))?;
            if info.FileAttributes & W::FILE_ATTRIBUTE_DIRECTORY != 0 {
                Kind::Directory
            } else {
                Kind::File
            }
        }
        W::FILE_TYPE_CHAR => {
            let mut mode = 0u32;
            // SAFETY: `mode` is a live local the call writes one u32 to.
            if unsafe { windows_sys::Win32::System::Console::GetConsoleMode(raw, &mut mode) } != 0 {
                Kind::Console
            } else {
                Kind::Char
            }
        }
        W::FILE_TYPE_PIPE => Kind::Pipe,
        _ => Kind::Other,
    })
}

fn ntstatus_to_win32(s: windows_sys::Win32::Foundation::NTSTATUS) -> u32 {
    // SAFETY: a pure table lookup by value.
    unsafe { windows_sys::Wdk::Storage::FileSystem::RtlNtStatusToDosErrorNoTeb(s) }
}

impl WindowsHandle {
    /// A handle for something the backend just opened for the guest.
    pub(crate) fn opened(
        h: OwnedHandle,
        kind: Kind,
        readonly: bool,
        read: bool,
        write: bool,
        fdflags: FdFlags,
    ) -> Self {
        WindowsHandle {
            h,
            kind,
            readonly,
            readable: read,
            writable: write,
            append: fdflags.contains(FdFlags::APPEND),
            nonblock: fdflags.contains(FdFlags::NONBLOCK),
            sync_flags: fdflags & (FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC),
            pos: if kind == Kind::File { Some(0) } else { None },
            dir: None,
            console: None,
        }
    }

    /// Take ownership of a host handle of any kind (file, directory, pipe, console). A
    /// file keeps sharing the Windows file pointer with whoever else holds it (as stdio
    /// redirected to a file must); it is not read-only.
    pub fn from_owned_handle(h: OwnedHandle) -> io::Result<WindowsHandle> {
        let kind = kind_of(&h)?;
        Ok(WindowsHandle {
            h,
            kind,
            readonly: false,
            readable: true,
            writable: true,
            append: false,
            nonblock: false,
            sync_flags: FdFlags::empty(),
            pos: None,
            dir: None,
            console: if kind == Kind::Console { Some(Box::default()) } else { None },
        })
    }

    /// A handle on a duplicate (`DuplicateHandle`) of any handle the embedder hands in; the
    /// embedder keeps its own.
    pub fn dup_from(h: impl AsHandle) -> io::Result<WindowsHandle> {
        WindowsHandle::from_owned_handle(h.as_handle().try_clone_to_owned()?)
    }

    /// A handle on a duplicate (`DuplicateHandle`) of the process's standard handle `fd`
    /// (0 stdin, 1 stdout, 2 stderr, as `GetStdHandle` gives them; anything else is
    /// `ERROR_INVALID_HANDLE`), for the guest's stdio. Fails if the process has no such
    /// handle (a GUI process, or one started without it). For any other handle use
    /// [`WindowsHandle::dup_from`].
    pub fn stdio(fd: i32) -> io::Result<WindowsHandle> {
        use windows_sys::Win32::System::Console as C;
        let which = match fd {
            0 => C::STD_INPUT_HANDLE,
            1 => C::STD_OUTPUT_HANDLE,
            2 => C::STD_ERROR_HANDLE,
            _ => {
                return Err(io::Error::from_raw_os_error(
                    windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE as i32,
                ))
            }
        };
        // SAFETY: GetStdHandle only reads the process parameters.
        let raw = unsafe { C::GetStdHandle(which) };
        if raw.is_null() || raw == windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE {
            return Err(io::Error::from_raw_os_error(
                windows_sys::Win32::Foundation::ERROR_INVALID_HANDLE as i32,
            ));
        }
        // SAFETY: the process's standard handle stays open while we duplicate it (nothing in
        // this crate closes or replaces it); the borrow does not outlive this call.
        let borrowed = unsafe { BorrowedHandle::borrow_raw(raw as RawHandle) };
        WindowsHandle::dup_from(borrowed)
    }

    /// Open the host directory `path`, for a preopen (`CreateFileW` with
    /// `FILE_FLAG_BACKUP_SEMANTICS`, list/traverse/read-attributes access, sharing
    /// everything). `path` is the host's choice and is resolved as the host resolves paths
    /// (symlinks and junctions included); the guest can never name anything outside it.
    pub fn open_dir(path: &Path) -> io::Result<WindowsHandle> {
        let f = std::fs::OpenOptions::new()
            .access_mode(W::FILE_LIST_DIRECTORY | W::FILE_TRAVERSE | W::FILE_READ_ATTRIBUTES | W::SYNCHRONIZE)
            .share_mode(W::FILE_SHARE_READ | W::FILE_SHARE_WRITE | W::FILE_SHARE_DELETE)
            .custom_flags(W::FILE_FLAG_BACKUP_SEMANTICS)
            .open(path)?;
        let h = OwnedHandle::from(f);
        if kind_of(&h)? != Kind::Directory {
            return Err(io::Error::from_raw_os_error(windows_sys::Win32::Foundation::ERROR_DIRECTORY as i32));
        }
        Ok(WindowsHandle::opened(h, Kind::Directory, false, true, false, FdFlags::empty()))
    }

    /// Like [`WindowsHandle::open_dir`], but read-only: opening for writing, creating or
    /// truncating, and `mkdir`/`rmdir`/`unlink`/`rename`/`link`/`symlink`/set-times/
    /// set-size/allocate through this handle or anything opened through it fail with
    /// `EROFS`, as a read-only mount would answer.
    pub fn open_dir_readonly(path: &Path) -> io::Result<WindowsHandle> {
        let mut h = WindowsHandle::open_dir(path)?;
        h.readonly = true;
        Ok(h)
    }

    /// The WASI file type of this handle.
    pub fn filetype(&self) -> Filetype {
        self.kind.filetype()
    }

    /// Whether the handle is read-only (see [`WindowsHandle::open_dir_readonly`]).
    pub fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// Give the handle back to the host.
    pub fn into_owned_handle(self) -> OwnedHandle {
        self.h
    }

    /// The raw `HANDLE`.
    pub(crate) fn raw(&self) -> windows_sys::Win32::Foundation::HANDLE {
        nt::raw(&self.h)
    }

    /// `EROFS` if the handle is read-only.
    pub(crate) fn check_writable(&self) -> wasibox_core::Result<()> {
        if self.readonly {
            Err(wasibox_core::Errno::ROFS)
        } else {
            Ok(())
        }
    }
}

impl AsHandle for WindowsHandle {
    fn as_handle(&self) -> BorrowedHandle<'_> {
        self.h.as_handle()
    }
}

impl AsRawHandle for WindowsHandle {
    fn as_raw_handle(&self) -> RawHandle {
        self.h.as_raw_handle()
    }
}
