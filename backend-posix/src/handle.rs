//! [`PosixHandle`]: an open host descriptor plus the little state the backend keeps beside
//! it, and the host-side constructors an embedder uses to make preopens and stdio.

use crate::readdir::DirStream;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{FileType, Mode, OFlags};
use std::io;
use std::path::Path;
use std::sync::OnceLock;
use wasibox_core::abi::{FdFlags, Filetype};

/// An open file, directory, pipe, socket or terminal of the host.
///
/// One handle is one open file description (offset and status flags are shared with
/// `dup`s of it, as on the host). Beside the `OwnedFd` it keeps:
/// - the file type (it cannot change): known when the handle is made for the host's
///   descriptors, sockets and directories opened with `O_DIRECTORY`; for a file the guest
///   opened, fetched with one `fstat` the first time something needs it, so that opening
///   a file costs the one `openat` it costs natively. A handle whose type is not known
///   yet is never a socket (`openat` cannot open one);
/// - whether the guest asked for `NONBLOCK`: a handle whose host descriptor is
///   non-blocking (a stdout the host left `O_NONBLOCK`) still behaves as blocking for a
///   guest that did not ask, by waiting with `poll` on `EAGAIN`;
/// - the sync flags asked for at open, so that `fd_fdstat_get` reports what was asked;
/// - for directories, an open directory stream kept positioned between `readdir` calls;
/// - whether the handle is *read-only*: made by [`PosixHandle::open_dir_readonly`] or opened
///   through such a handle. Every operation that would change the filesystem through it
///   fails with `EROFS`.
#[derive(Debug)]
pub struct PosixHandle {
    pub(crate) fd: OwnedFd,
    /// The file type, once known (see above).
    pub(crate) filetype: OnceLock<Filetype>,
    pub(crate) readonly: bool,
    /// The guest's wish for `NONBLOCK` (what `fdflags` reports).
    pub(crate) guest_nonblock: bool,
    /// Whether the host handed the descriptor in with `O_NONBLOCK` set: then the guest
    /// clearing its `NONBLOCK` leaves the kernel flag alone (the host shares it).
    pub(crate) host_nonblock: bool,
    /// The sync flags (`DSYNC`, `RSYNC`, `SYNC`) the guest opened with; `None` for a handle
    /// made by the host, whose sync flags are read from the kernel.
    pub(crate) sync_flags: Option<FdFlags>,
    /// The directory stream, created by the first `readdir`.
    pub(crate) dir: Option<Box<DirStream>>,
}

/// The WASI file type of a host file type (`S_IFIFO` has no WASI twin: `Unknown`, as
/// wasmtime reports it; a socket is `SocketStream` unless we can ask it its `SO_TYPE`).
pub(crate) fn filetype_of(ft: FileType) -> Filetype {
    match ft {
        FileType::RegularFile => Filetype::RegularFile,
        FileType::Directory => Filetype::Directory,
        FileType::Symlink => Filetype::SymbolicLink,
        FileType::CharacterDevice => Filetype::CharacterDevice,
        FileType::BlockDevice => Filetype::BlockDevice,
        FileType::Socket => Filetype::SocketStream,
        FileType::Fifo | FileType::Unknown => Filetype::Unknown,
    }
}

/// The file type of an open descriptor: `fstat`, and `SO_TYPE` for a socket.
pub(crate) fn filetype_of_fd(fd: BorrowedFd<'_>) -> rustix::io::Result<Filetype> {
    let st = rustix::fs::fstat(fd)?;
    let ft = filetype_of(FileType::from_raw_mode(st.st_mode as rustix::fs::RawMode));
    if ft == Filetype::SocketStream {
        if let Ok(rustix::net::SocketType::DGRAM) = rustix::net::sockopt::socket_type(fd) {
            return Ok(Filetype::SocketDgram);
        }
    }
    Ok(ft)
}

impl PosixHandle {
    /// A handle for a descriptor the backend just opened for the guest.
    /// `filetype` is `None` when not known yet (never for a socket).
    pub(crate) fn opened(
        fd: OwnedFd,
        filetype: Option<Filetype>,
        readonly: bool,
        fdflags: FdFlags,
    ) -> PosixHandle {
        let known = OnceLock::new();
        if let Some(t) = filetype {
            let _ = known.set(t);
        }
        PosixHandle {
            fd,
            filetype: known,
            readonly,
            guest_nonblock: fdflags.contains(FdFlags::NONBLOCK),
            host_nonblock: false,
            sync_flags: Some(fdflags & (FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC)),
            dir: None,
        }
    }

    /// Take ownership of a host descriptor of any kind (file, directory, pipe, socket,
    /// terminal). The guest sees it as blocking whatever its host `O_NONBLOCK` (see the
    /// type's docs); it is not read-only.
    pub fn from_owned_fd(fd: OwnedFd) -> io::Result<PosixHandle> {
        let filetype = filetype_of_fd(fd.as_fd())?;
        // Apple hosts have no MSG_NOSIGNAL: ask the socket itself never to raise SIGPIPE.
        #[cfg(target_vendor = "apple")]
        if matches!(filetype, Filetype::SocketStream | Filetype::SocketDgram) {
            let _ = rustix::net::sockopt::set_socket_nosigpipe(&fd, true);
        }
        let host_nonblock = rustix::fs::fcntl_getfl(&fd)?.contains(OFlags::NONBLOCK);
        Ok(PosixHandle {
            fd,
            filetype: OnceLock::from(filetype),
            readonly: false,
            guest_nonblock: false,
            host_nonblock,
            sync_flags: None,
            dir: None,
        })
    }

    /// A handle on a duplicate (`F_DUPFD_CLOEXEC`) of any descriptor the embedder hands in;
    /// the embedder keeps its own.
    pub fn dup_from(fd: impl AsFd) -> io::Result<PosixHandle> {
        PosixHandle::from_owned_fd(rustix::io::fcntl_dupfd_cloexec(fd, 3)?)
    }

    /// A handle on a duplicate (`F_DUPFD_CLOEXEC`) of the host's standard descriptor
    /// `fd` (0, 1 or 2; anything else is `EBADF`), for the guest's stdio. For any other
    /// descriptor use [`PosixHandle::dup_from`].
    pub fn stdio(fd: i32) -> io::Result<PosixHandle> {
        let borrowed = match fd {
            0 => rustix::stdio::stdin(),
            1 => rustix::stdio::stdout(),
            2 => rustix::stdio::stderr(),
            _ => return Err(rustix::io::Errno::BADF.into()),
        };
        PosixHandle::dup_from(borrowed)
    }

    /// Open the host directory `path` (`O_DIRECTORY | O_RDONLY | O_CLOEXEC`), for a
    /// preopen. `path` is the host's choice and is resolved as the host resolves paths
    /// (symlinks included); the guest can never name anything outside it.
    pub fn open_dir(path: &Path) -> io::Result<PosixHandle> {
        let fd = rustix::fs::open(path, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
        Ok(PosixHandle {
            fd,
            filetype: OnceLock::from(Filetype::Directory),
            readonly: false,
            guest_nonblock: false,
            host_nonblock: false,
            sync_flags: None,
            dir: None,
        })
    }

    /// Like [`PosixHandle::open_dir`], but read-only: opening for writing, creating or
    /// truncating, and `mkdir`/`rmdir`/`unlink`/`rename`/`link`/`symlink`/set-times/
    /// set-size/allocate through this handle or anything opened through it fail with
    /// `EROFS`, as a read-only mount would answer.
    pub fn open_dir_readonly(path: &Path) -> io::Result<PosixHandle> {
        let mut h = PosixHandle::open_dir(path)?;
        h.readonly = true;
        Ok(h)
    }

    /// Bind a TCP listener to `addr` and listen (for a preopened socket). Uses std's
    /// `TcpListener::bind` (`SO_REUSEADDR`, `bind`, `listen(128)`), close-on-exec.
    pub fn tcp_listener(addr: std::net::SocketAddr) -> io::Result<PosixHandle> {
        PosixHandle::from_tcp_listener(std::net::TcpListener::bind(addr)?)
    }

    /// Wrap a listening socket the embedder made. If it is non-blocking, the guest still
    /// sees a blocking `sock_accept` unless it sets `NONBLOCK` itself.
    pub fn from_tcp_listener(listener: std::net::TcpListener) -> io::Result<PosixHandle> {
        PosixHandle::from_owned_fd(OwnedFd::from(listener))
    }

    /// The WASI file type of this handle (`Unknown` if the host cannot say).
    pub fn filetype(&self) -> Filetype {
        self.file_type().unwrap_or(Filetype::Unknown)
    }

    /// The file type: known, or fetched now with `fstat` (once).
    pub(crate) fn file_type(&self) -> wasibox_core::Result<Filetype> {
        if let Some(t) = self.filetype.get() {
            return Ok(*t);
        }
        let t = crate::errno::cvt(filetype_of_fd(self.fd.as_fd()))?;
        Ok(*self.filetype.get_or_init(|| t))
    }

    /// The file type if it is known without a system call.
    #[inline]
    pub(crate) fn known_type(&self) -> Option<Filetype> {
        self.filetype.get().copied()
    }

    /// Whether the handle is read-only (see [`PosixHandle::open_dir_readonly`]).
    pub fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// Give the descriptor back to the host.
    pub fn into_owned_fd(self) -> OwnedFd {
        self.fd
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

impl AsFd for PosixHandle {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
