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
        const FD_DATASYNC = 1 << 0;
        const FD_READ = 1 << 1;
        const FD_SEEK = 1 << 2;
        const FD_FDSTAT_SET_FLAGS = 1 << 3;
        const FD_SYNC = 1 << 4;
        const FD_TELL = 1 << 5;
        const FD_WRITE = 1 << 6;
        const FD_ADVISE = 1 << 7;
        const FD_ALLOCATE = 1 << 8;
        const PATH_CREATE_DIRECTORY = 1 << 9;
        const PATH_CREATE_FILE = 1 << 10;
        const PATH_LINK_SOURCE = 1 << 11;
        const PATH_LINK_TARGET = 1 << 12;
        const PATH_OPEN = 1 << 13;
        const FD_READDIR = 1 << 14;
        const PATH_READLINK = 1 << 15;
        const PATH_RENAME_SOURCE = 1 << 16;
        const PATH_RENAME_TARGET = 1 << 17;
        const PATH_FILESTAT_GET = 1 << 18;
        const PATH_FILESTAT_SET_SIZE = 1 << 19;
        const PATH_FILESTAT_SET_TIMES = 1 << 20;
        const FD_FILESTAT_GET = 1 << 21;
        const FD_FILESTAT_SET_SIZE = 1 << 22;
        const FD_FILESTAT_SET_TIMES = 1 << 23;
        const PATH_SYMLINK = 1 << 24;
        const PATH_REMOVE_DIRECTORY = 1 << 25;
        const PATH_UNLINK_FILE = 1 << 26;
        const POLL_FD_READWRITE = 1 << 27;
        const SOCK_SHUTDOWN = 1 << 28;
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
        const APPEND = 1 << 0;
        const DSYNC = 1 << 1;
        const NONBLOCK = 1 << 2;
        const RSYNC = 1 << 3;
        const SYNC = 1 << 4;
    }
}

bitflags! {
    /// `oflags` (u16), for `path_open`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct OFlags: u16 {
        const CREAT = 1 << 0;
        const DIRECTORY = 1 << 1;
        const EXCL = 1 << 2;
        const TRUNC = 1 << 3;
    }
}

bitflags! {
    /// `lookupflags` (u32).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct LookupFlags: u32 {
        const SYMLINK_FOLLOW = 1 << 0;
    }
}

bitflags! {
    /// `fstflags` (u16): which timestamps to set, and whether to "now".
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct FstFlags: u16 {
        const ATIM = 1 << 0;
        const ATIM_NOW = 1 << 1;
        const MTIM = 1 << 2;
        const MTIM_NOW = 1 << 3;
    }
}

bitflags! {
    /// `riflags` (u16), for `sock_recv`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct RiFlags: u16 {
        const RECV_PEEK = 1 << 0;
        const RECV_WAITALL = 1 << 1;
    }
}

bitflags! {
    /// `roflags` (u16), returned by `sock_recv`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct RoFlags: u16 {
        const RECV_DATA_TRUNCATED = 1 << 0;
    }
}

bitflags! {
    /// `sdflags` (u8), for `sock_shutdown`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct SdFlags: u8 {
        const RD = 1 << 0;
        const WR = 1 << 1;
    }
}

bitflags! {
    /// `subclockflags` (u16).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct SubclockFlags: u16 {
        const ABSTIME = 1 << 0;
    }
}

bitflags! {
    /// `eventrwflags` (u16).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct EventRwFlags: u16 {
        const HANGUP = 1 << 0;
    }
}

/// `filetype` (u8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Filetype {
    #[default]
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// `whence`, decoded. The numbering differs between versions: see [`Whence::decode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    Set,
    Cur,
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
    Normal = 0,
    Sequential = 1,
    Random = 2,
    WillNeed = 3,
    DontNeed = 4,
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
    Realtime = 0,
    Monotonic = 1,
    ProcessCputime = 2,
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
    Clock = 0,
    FdRead = 1,
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
    pub dev: u64,
    pub ino: u64,
    pub filetype: Filetype,
    pub nlink: u64,
    pub size: u64,
    pub atim: Timestamp,
    pub mtim: Timestamp,
    pub ctim: Timestamp,
}

/// Signals (`signal`, u8) 0..=30.
pub const SIGNAL_MAX: u8 = 30;
