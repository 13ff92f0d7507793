//! ABI types of `wasi_snapshot_preview1` and `wasi_unstable`: numbers, flag words and the
//! byte layouts of the structures the guest reads and writes. Everything that differs
//! between the two versions is decided here and nowhere else.

mod errno;
mod layout;

pub use errno::{Errno, Result};
pub use layout::*;

use bitflags::bitflags;

/// Which WASI import module a guest speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `wasi_snapshot_preview1`: 46 functions.
    Preview1,
    /// `wasi_unstable` (preview0): 45 functions, older layouts and numbering.
    Unstable,
}

impl Version {
    /// The import module name of this version.
    pub const fn module(self) -> &'static str {
        match self {
            Version::Preview1 => "wasi_snapshot_preview1",
            Version::Unstable => "wasi_unstable",
        }
    }
    /// The version whose import module is called `name`.
    pub fn from_module(name: &str) -> Option<Version> {
        match name {
            "wasi_snapshot_preview1" => Some(Version::Preview1),
            "wasi_unstable" => Some(Version::Unstable),
            _ => None,
        }
    }
}

/// A guest file descriptor number.
pub type Fd = u32;
/// A time in nanoseconds.
pub type Timestamp = u64;

bitflags! {
    /// Rights of a file descriptor (`rights`, u64). Same bits in both versions; bit 29
    /// (`SOCK_ACCEPT`) exists only in preview1.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Rights: u64 {
        /// `fd_datasync`.
        const FD_DATASYNC = 1 << 0;
        /// `fd_read` and `sock_recv`; `poll_oneoff` read readiness.
        const FD_READ = 1 << 1;
        /// `fd_seek` (implies `FD_TELL`).
        const FD_SEEK = 1 << 2;
        /// `fd_fdstat_set_flags`.
        const FD_FDSTAT_SET_FLAGS = 1 << 3;
        /// `fd_sync`.
        const FD_SYNC = 1 << 4;
        /// `fd_tell`, and `fd_seek` to the current position.
        const FD_TELL = 1 << 5;
        /// `fd_write` and `sock_send`; `poll_oneoff` write readiness.
        const FD_WRITE = 1 << 6;
        /// `fd_advise`.
        const FD_ADVISE = 1 << 7;
        /// `fd_allocate`.
        const FD_ALLOCATE = 1 << 8;
        /// `path_create_directory`.
        const PATH_CREATE_DIRECTORY = 1 << 9;
        /// `path_open` with `O_CREAT`.
        const PATH_CREATE_FILE = 1 << 10;
        /// `path_link` with this directory as the source.
        const PATH_LINK_SOURCE = 1 << 11;
        /// `path_link` with this directory as the target.
        const PATH_LINK_TARGET = 1 << 12;
        /// `path_open`.
        const PATH_OPEN = 1 << 13;
        /// `fd_readdir`.
        const FD_READDIR = 1 << 14;
        /// `path_readlink`.
        const PATH_READLINK = 1 << 15;
        /// `path_rename` with this directory as the source.
        const PATH_RENAME_SOURCE = 1 << 16;
        /// `path_rename` with this directory as the target.
        const PATH_RENAME_TARGET = 1 << 17;
        /// `path_filestat_get`.
        const PATH_FILESTAT_GET = 1 << 18;
        /// Changing a file's size through a path (`path_open` with `O_TRUNC`).
        const PATH_FILESTAT_SET_SIZE = 1 << 19;
        /// `path_filestat_set_times`.
        const PATH_FILESTAT_SET_TIMES = 1 << 20;
        /// `fd_filestat_get`.
        const FD_FILESTAT_GET = 1 << 21;
        /// `fd_filestat_set_size`.
        const FD_FILESTAT_SET_SIZE = 1 << 22;
        /// `fd_filestat_set_times`.
        const FD_FILESTAT_SET_TIMES = 1 << 23;
        /// `path_symlink`.
        const PATH_SYMLINK = 1 << 24;
        /// `path_remove_directory`.
        const PATH_REMOVE_DIRECTORY = 1 << 25;
        /// `path_unlink_file`.
        const PATH_UNLINK_FILE = 1 << 26;
        /// Being waited on by `poll_oneoff` (fd subscriptions).
        const POLL_FD_READWRITE = 1 << 27;
        /// `sock_shutdown`.
        const SOCK_SHUTDOWN = 1 << 28;
        /// `sock_accept` (preview1 only).
        const SOCK_ACCEPT = 1 << 29;
    }
}

impl Rights {
    /// Rights that only make sense on a regular file (or other byte stream).
    pub const REGULAR_FILE_BASE: Rights = Rights::FD_DATASYNC
        .union(Rights::FD_READ)
        .union(Rights::FD_SEEK)
        .union(Rights::FD_FDSTAT_SET_FLAGS)
        .union(Rights::FD_SYNC)
        .union(Rights::FD_TELL)
        .union(Rights::FD_WRITE)
        .union(Rights::FD_ADVISE)
        .union(Rights::FD_ALLOCATE)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_SIZE)
        .union(Rights::FD_FILESTAT_SET_TIMES)
        .union(Rights::POLL_FD_READWRITE);
    /// Rights that make sense on a directory.
    pub const DIRECTORY_BASE: Rights = Rights::FD_FDSTAT_SET_FLAGS
        .union(Rights::FD_SYNC)
        .union(Rights::FD_ADVISE)
        .union(Rights::PATH_CREATE_DIRECTORY)
        .union(Rights::PATH_CREATE_FILE)
        .union(Rights::PATH_LINK_SOURCE)
        .union(Rights::PATH_LINK_TARGET)
        .union(Rights::PATH_OPEN)
        .union(Rights::FD_READDIR)
        .union(Rights::PATH_READLINK)
        .union(Rights::PATH_RENAME_SOURCE)
        .union(Rights::PATH_RENAME_TARGET)
        .union(Rights::PATH_FILESTAT_GET)
        .union(Rights::PATH_FILESTAT_SET_SIZE)
        .union(Rights::PATH_FILESTAT_SET_TIMES)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_TIMES)
        .union(Rights::PATH_SYMLINK)
        .union(Rights::PATH_REMOVE_DIRECTORY)
        .union(Rights::PATH_UNLINK_FILE)
        .union(Rights::FD_DATASYNC);
    /// What a directory passes on to what is opened through it.
    pub const DIRECTORY_INHERITING: Rights = Rights::DIRECTORY_BASE.union(Rights::REGULAR_FILE_BASE);
    /// Rights of a socket.
    pub const SOCKET_BASE: Rights = Rights::FD_READ
        .union(Rights::FD_WRITE)
        .union(Rights::FD_FDSTAT_SET_FLAGS)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::POLL_FD_READWRITE)
        .union(Rights::SOCK_SHUTDOWN)
        .union(Rights::SOCK_ACCEPT);
    /// Rights of a terminal or pipe used as stdio.
    pub const STDIO_BASE: Rights = Rights::FD_READ
        .union(Rights::FD_WRITE)
        .union(Rights::FD_FDSTAT_SET_FLAGS)
        .union(Rights::FD_FILESTAT_GET)
        .union(Rights::FD_FILESTAT_SET_SIZE)
        .union(Rights::FD_FILESTAT_SET_TIMES)
        .union(Rights::FD_DATASYNC)
        .union(Rights::FD_SYNC)
        .union(Rights::FD_ADVISE)
        .union(Rights::FD_ALLOCATE)
        .union(Rights::FD_SEEK)
        .union(Rights::FD_TELL)
        .union(Rights::POLL_FD_READWRITE);
}

bitflags! {
    /// `fdflags` (u16).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct FdFlags: u16 {
        /// Every write goes to the end of the file.
        const APPEND = 1 << 0;
        /// Writes wait until the data is on stable storage (`O_DSYNC`).
        const DSYNC = 1 << 1;
        /// Calls that would block fail with `EAGAIN` instead.
        const NONBLOCK = 1 << 2;
        /// Reads wait for pending writes of the same data (`O_RSYNC`).
        const RSYNC = 1 << 3;
        /// Writes wait until data and metadata are on stable storage (`O_SYNC`).
        const SYNC = 1 << 4;
    }
}

bitflags! {
    /// `oflags` (u16), for `path_open`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct OFlags: u16 {
        /// Create the file if it does not exist.
        const CREAT = 1 << 0;
        /// Fail with `ENOTDIR` unless the path names a directory.
        const DIRECTORY = 1 << 1;
        /// With `CREAT`: fail with `EEXIST` if the path exists.
        const EXCL = 1 << 2;
        /// Truncate an existing regular file to size 0.
        const TRUNC = 1 << 3;
    }
}

bitflags! {
    /// `lookupflags` (u32).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct LookupFlags: u32 {
        /// Follow a symlink at the last component of the path.
        const SYMLINK_FOLLOW = 1 << 0;
    }
}

bitflags! {
    /// `fstflags` (u16): which timestamps to set, and whether to "now".
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct FstFlags: u16 {
        /// Set the access time to the given value.
        const ATIM = 1 << 0;
        /// Set the access time to the current time.
        const ATIM_NOW = 1 << 1;
        /// Set the modification time to the given value.
        const MTIM = 1 << 2;
        /// Set the modification time to the current time.
        const MTIM_NOW = 1 << 3;
    }
}

bitflags! {
    /// `riflags` (u16), for `sock_recv`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct RiFlags: u16 {
        /// Look at the data without removing it from the queue.
        const RECV_PEEK = 1 << 0;
        /// Wait until the whole buffer is filled (or the peer ends).
        const RECV_WAITALL = 1 << 1;
    }
}

bitflags! {
    /// `roflags` (u16), returned by `sock_recv`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct RoFlags: u16 {
        /// The message was longer than the buffers given.
        const RECV_DATA_TRUNCATED = 1 << 0;
    }
}

bitflags! {
    /// `sdflags` (u8), for `sock_shutdown`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct SdFlags: u8 {
        /// Shut down the receiving side.
        const RD = 1 << 0;
        /// Shut down the sending side.
        const WR = 1 << 1;
    }
}

bitflags! {
    /// `subclockflags` (u16).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct SubclockFlags: u16 {
        /// The timeout is an absolute time on the clock, not relative to now.
        const ABSTIME = 1 << 0;
    }
}

bitflags! {
    /// `eventrwflags` (u16).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct EventRwFlags: u16 {
        /// The peer has hung up.
        const HANGUP = 1 << 0;
    }
}

/// `filetype` (u8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Filetype {
    #[default]
    /// The type is unknown or not one of the others.
    Unknown = 0,
    /// A block device.
    BlockDevice = 1,
    /// A character device (a tty, `/dev/null`).
    CharacterDevice = 2,
    /// A directory.
    Directory = 3,
    /// A regular file.
    RegularFile = 4,
    /// A datagram socket.
    SocketDgram = 5,
    /// A stream socket.
    SocketStream = 6,
    /// A symbolic link.
    SymbolicLink = 7,
}

/// `whence`, decoded. The numbering differs between versions: see [`Whence::decode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    /// From the start of the file.
    Set,
    /// From the current offset.
    Cur,
    /// From the end of the file.
    End,
}

impl Whence {
    /// Decode a guest `whence`: preview1 numbers set=0, cur=1, end=2; `wasi_unstable`
    /// numbers cur=0, end=1, set=2.
    pub fn decode(raw: u32, version: Version) -> Result<Whence> {
        match (version, raw) {
            (Version::Preview1, 0) | (Version::Unstable, 2) => Ok(Whence::Set),
            (Version::Preview1, 1) | (Version::Unstable, 0) => Ok(Whence::Cur),
            (Version::Preview1, 2) | (Version::Unstable, 1) => Ok(Whence::End),
            _ => Err(Errno::INVAL),
        }
    }
}

/// `advice` (u8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Advice {
    /// No particular access pattern.
    Normal = 0,
    /// Sequential access.
    Sequential = 1,
    /// Random access.
    Random = 2,
    /// The data will be needed soon.
    WillNeed = 3,
    /// The data will not be needed soon.
    DontNeed = 4,
    /// The data will be used once.
    NoReuse = 5,
}

impl Advice {
    /// Decode a guest advice value.
    pub fn decode(raw: u32) -> Result<Advice> {
        Ok(match raw {
            0 => Advice::Normal,
            1 => Advice::Sequential,
            2 => Advice::Random,
            3 => Advice::WillNeed,
            4 => Advice::DontNeed,
            5 => Advice::NoReuse,
            _ => return Err(Errno::INVAL),
        })
    }
}

/// `clockid` (u32).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum ClockId {
    /// Wall-clock time since the Unix epoch.
    Realtime = 0,
    /// A clock that never goes back, from an arbitrary start.
    Monotonic = 1,
    /// CPU time used by the process.
    ProcessCputime = 2,
    /// CPU time used by the thread.
    ThreadCputime = 3,
}

impl ClockId {
    /// Decode a guest clock id; unknown ids are `EINVAL`.
    pub fn decode(raw: u32) -> Result<ClockId> {
        Ok(match raw {
            0 => ClockId::Realtime,
            1 => ClockId::Monotonic,
            2 => ClockId::ProcessCputime,
            3 => ClockId::ThreadCputime,
            _ => return Err(Errno::INVAL),
        })
    }
}

/// `eventtype` (u8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EventType {
    /// A clock timeout expired.
    Clock = 0,
    /// A descriptor is ready to read.
    FdRead = 1,
    /// A descriptor is ready to write.
    FdWrite = 2,
}

/// What a `set_times` call should do with one timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetTime {
    /// Leave it alone.
    Omit,
    /// Set it to the current realtime clock.
    Now,
    /// Set it to this many nanoseconds since the epoch.
    At(Timestamp),
}

impl SetTime {
    /// Decode the pair of timestamps a `*_set_times` call names. Both `X` and `X_NOW` at
    /// once is `EINVAL`, as are undefined bits.
    pub fn decode_pair(atim: u64, mtim: u64, raw_flags: u32) -> Result<(SetTime, SetTime)> {
        let flags = u16::try_from(raw_flags).ok().and_then(FstFlags::from_bits).ok_or(Errno::INVAL)?;
        let one = |set: FstFlags, now: FstFlags, t: u64| -> Result<SetTime> {
            match (flags.contains(set), flags.contains(now)) {
                (true, true) => Err(Errno::INVAL),
                (true, false) => Ok(SetTime::At(t)),
                (false, true) => Ok(SetTime::Now),
                (false, false) => Ok(SetTime::Omit),
            }
        };
        Ok((one(FstFlags::ATIM, FstFlags::ATIM_NOW, atim)?, one(FstFlags::MTIM, FstFlags::MTIM_NOW, mtim)?))
    }
}

/// File attributes, as a backend reports them (`filestat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Filestat {
    /// Device the file is on.
    pub dev: u64,
    /// Inode number (unique on `dev`).
    pub ino: u64,
    /// File type.
    pub filetype: Filetype,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes (of the link text, for a symlink).
    pub size: u64,
    /// Last access time, ns since the epoch.
    pub atim: Timestamp,
    /// Last modification time, ns since the epoch.
    pub mtim: Timestamp,
    /// Last status change time, ns since the epoch.
    pub ctim: Timestamp,
}

/// Signals (`signal`, u8) 0..=30.
pub const SIGNAL_MAX: u8 = 30;
