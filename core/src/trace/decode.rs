//! Decoding a traced call for display: what each argument of each function is (a
//! descriptor, a path, a flag word, an out-pointer...), read from the raw arguments and
//! from guest memory after the call. Nothing here can fail: memory that cannot be read
//! shows as a bad pointer, a value outside its enumeration shows as its number.

use super::TraceEvent;
use crate::abi::{
    decode_subscription, filestat_size, get_u16, get_u32, get_u64, subscription_size, Errno, EventRwFlags,
    FdFlags, FstFlags, LookupFlags, OFlags, RiFlags, Rights, RoFlags, SdFlags, SubclockFlags, Subscription,
    Version, Whence, EVENT_SIZE, FDSTAT_SIZE, IOVEC_SIZE, PRESTAT_SIZE, SIGNAL_MAX,
};
use crate::dispatch::Func;
use crate::memory::{check_range, GuestMemory};
use alloc::sync::Arc;
use alloc::vec::Vec;
use bitflags::Flags as _;

/// Longest path (or other name) shown, in bytes; a longer one is cut and marked.
pub const MAX_PATH_SHOWN: usize = 512;
/// Most bytes of data shown for a read or a write.
pub const MAX_DATA_SHOWN: usize = 64;
/// Most items shown of a list (subscriptions, events, directory entries).
pub const MAX_ITEMS_SHOWN: usize = 16;

/// A call, decoded: its inputs, and what it wrote back when it succeeded.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Decoded {
    /// The input arguments in order. A pointer and its length (a path, an iovec array)
    /// are one field named after the pointer; out-pointers are not inputs (their raw
    /// values are in [`TraceEvent::args`]).
    pub args: Vec<Field>,
    /// The out-values, read after the call, when it succeeded: `nwritten`, the new fd of
    /// `path_open`, a `filestat`... named after their out-pointer (plus `data` for
    /// what a read read, `target` for `path_readlink`, `entries` for `fd_readdir`).
    pub results: Vec<Field>,
}

/// A named value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The witx name of the parameter (or of the structure field).
    pub name: &'static str,
    /// Its value.
    pub value: Value,
}

/// A decoded value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A descriptor, with the path it refers to when known.
    Fd {
        /// The number.
        fd: u32,
        /// The path (see [`crate::fd_table::FdEntry::display`]).
        path: Option<Arc<str>>,
    },
    /// A count, size, offset or time.
    Uint(u64),
    /// A signed quantity (`fd_seek`'s offset).
    Int(i64),
    /// A pointer into guest memory, shown as such.
    Ptr(u32),
    /// Bytes from guest memory (a path, data read or written); at most
    /// [`MAX_PATH_SHOWN`] or [`MAX_DATA_SHOWN`] of them, `truncated` if there were more.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// Whether more followed.
        truncated: bool,
    },
    /// A flag word.
    Flags {
        /// Which flags.
        kind: FlagKind,
        /// The raw bits.
        bits: u64,
    },
    /// A member of an enumeration (`SET`, `MONOTONIC`, `SIGTERM`, `REGULAR_FILE`).
    Name(&'static str),
    /// An errno (inside a structure: a `poll_oneoff` event's error).
    Errno(Errno),
    /// A number outside its enumeration (the call fails with `EINVAL`).
    Invalid(u64),
    /// A pointer to memory that could not be read (out of bounds).
    Fault(u32),
    /// A list; `more` if it was cut at [`MAX_ITEMS_SHOWN`].
    List {
        /// The items shown.
        items: Vec<Value>,
        /// Whether more followed.
        more: bool,
    },
    /// A structure.
    Struct(Vec<Field>),
}

/// Which flag word a [`Value::Flags`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlagKind {
    /// `rights`.
    Rights,
    /// `oflags`.
    OFlags,
    /// `fdflags`.
    FdFlags,
    /// `lookupflags`.
    LookupFlags,
    /// `fstflags`.
    FstFlags,
    /// `riflags`.
    RiFlags,
    /// `roflags`.
    RoFlags,
    /// `sdflags`.
    SdFlags,
    /// `subclockflags`.
    SubclockFlags,
    /// `eventrwflags`.
    EventRwFlags,
}

impl FlagKind {
    /// Call `f` with the name and bit of every flag this word defines, lowest bit first.
    pub fn for_each_flag(self, mut f: impl FnMut(&'static str, u64)) {
        macro_rules! each {
            ($t:ty) => {
                for flag in <$t>::FLAGS {
                    f(flag.name(), u64::from(flag.value().bits()))
                }
            };
        }
        match self {
            FlagKind::Rights => each!(Rights),
            FlagKind::OFlags => each!(OFlags),
            FlagKind::FdFlags => each!(FdFlags),
            FlagKind::LookupFlags => each!(LookupFlags),
            FlagKind::FstFlags => each!(FstFlags),
            FlagKind::RiFlags => each!(RiFlags),
            FlagKind::RoFlags => each!(RoFlags),
            FlagKind::SdFlags => each!(SdFlags),
            FlagKind::SubclockFlags => each!(SubclockFlags),
            FlagKind::EventRwFlags => each!(EventRwFlags),
        }
    }

    /// The names of the flags set in `bits`, lowest bit first.
    pub fn names(self, bits: u64) -> Vec<&'static str> {
        let mut names = Vec::new();
        self.for_each_flag(|name, bit| {
            if bits & bit != 0 {
                names.push(name);
            }
        });
        names
    }

    /// The bits of `bits` that name no flag.
    pub fn unknown(self, bits: u64) -> u64 {
        let mut known = 0;
        self.for_each_flag(|_, bit| known |= bit);
        bits & !known
    }
}

/// What one parameter of a function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A descriptor: shown with its path.
    Fd,
    /// A path (or symlink target) whose length is argument `len`.
    Path { len: u8 },
    /// A length shown as part of the field before it.
    Len,
    /// An iovec array of argument `count` entries; for a write, the data is shown.
    Iovs { count: u8, write: bool },
    /// A pointer shown as a pointer (a buffer the call fills and the trace does not read).
    Ptr,
    /// A number.
    Size,
    /// A signed number.
    Delta,
    /// A flag word.
    Flags(FlagKind),
    /// `whence`, numbered per version.
    Whence,
    /// `advice`.
    Advice,
    /// `clockid`.
    Clock,
    /// `signal`.
    Signal,
    /// `poll_oneoff`'s subscriptions, argument `count` of them.
    Subs { count: u8 },
    /// An out-pointer: read after a successful call.
    Out(Out),
}

/// What an out-pointer receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Out {
    /// A u32 (a count or size).
    U32,
    /// A u64 (a time or offset).
    U64,
    /// A new descriptor.
    Fd,
    /// An `fdstat`.
    Fdstat,
    /// A `filestat`.
    Filestat,
    /// A `prestat`.
    Prestat,
    /// The size read into the iovecs at argument `iovs` (`count` of them): shown with
    /// the data.
    Read { iovs: u8, count: u8 },
    /// The bytes `path_readlink` put in the buffer at argument `buf`.
    Readlink { buf: u8 },
    /// The bytes `fd_readdir` put in the buffer at argument `buf`: shown as names.
    Dirents { buf: u8 },
    /// A string written into this buffer, argument `len` bytes long.
    Name { len: u8 },
    /// `poll_oneoff`'s events; their number is at the pointer in argument `nevents`.
    Events { nevents: u8 },
    /// `roflags` (u16).
    RoFlags,
}

/// The kind of each parameter of `func`, in order (`kinds(f).len() == f.params().len()`).
pub(crate) fn kinds(func: Func) -> &'static [Kind] {
    use FlagKind as F;
    use Kind::*;
    const LOOKUP: Kind = Flags(F::LookupFlags);
    const RIGHTS: Kind = Flags(F::Rights);
    const FDFLAGS: Kind = Flags(F::FdFlags);
    const WRITE: Kind = Iovs { count: 2, write: true };
    const READ: Kind = Iovs { count: 2, write: false };
    const NREAD: Kind = Out(self::Out::Read { iovs: 1, count: 2 });
    match func {
        Func::ArgsGet | Func::EnvironGet => &[Ptr, Ptr],
        Func::ArgsSizesGet | Func::EnvironSizesGet => &[Out(self::Out::U32), Out(self::Out::U32)],
        Func::ClockResGet => &[Clock, Out(self::Out::U64)],
        Func::ClockTimeGet => &[Clock, Size, Out(self::Out::U64)],
        Func::FdAdvise => &[Fd, Size, Size, Advice],
        Func::FdAllocate => &[Fd, Size, Size],
        Func::FdClose | Func::FdDatasync | Func::FdSync => &[Fd],
        Func::FdFdstatGet => &[Fd, Out(self::Out::Fdstat)],
        Func::FdFdstatSetFlags => &[Fd, FDFLAGS],
        Func::FdFdstatSetRights => &[Fd, RIGHTS, RIGHTS],
        Func::FdFilestatGet => &[Fd, Out(self::Out::Filestat)],
        Func::FdFilestatSetSize => &[Fd, Size],
        Func::FdFilestatSetTimes => &[Fd, Size, Size, Flags(F::FstFlags)],
        Func::FdPread => &[Fd, READ, Len, Size, NREAD],
        Func::FdPrestatGet => &[Fd, Out(self::Out::Prestat)],
        Func::FdPrestatDirName => &[Fd, Out(self::Out::Name { len: 2 }), Size],
        Func::FdPwrite => &[Fd, WRITE, Len, Size, Out(self::Out::U32)],
        Func::FdRead => &[Fd, READ, Len, NREAD],
        Func::FdReaddir => &[Fd, Ptr, Size, Size, Out(self::Out::Dirents { buf: 1 })],
        Func::FdRenumber => &[Fd, Fd],
        Func::FdSeek => &[Fd, Delta, Whence, Out(self::Out::U64)],
        Func::FdTell => &[Fd, Out(self::Out::U64)],
        Func::FdWrite => &[Fd, WRITE, Len, Out(self::Out::U32)],
        Func::PathCreateDirectory | Func::PathRemoveDirectory | Func::PathUnlinkFile => {
            &[Fd, Path { len: 2 }, Len]
        }
        Func::PathFilestatGet => &[Fd, LOOKUP, Path { len: 3 }, Len, Out(self::Out::Filestat)],
        Func::PathFilestatSetTimes => &[Fd, LOOKUP, Path { len: 3 }, Len, Size, Size, Flags(F::FstFlags)],
        Func::PathLink => &[Fd, LOOKUP, Path { len: 3 }, Len, Fd, Path { len: 6 }, Len],
        Func::PathOpen => {
            &[Fd, LOOKUP, Path { len: 3 }, Len, Flags(F::OFlags), RIGHTS, RIGHTS, FDFLAGS, Out(self::Out::Fd)]
        }
        Func::PathReadlink => &[Fd, Path { len: 2 }, Len, Ptr, Size, Out(self::Out::Readlink { buf: 3 })],
        Func::PathRename => &[Fd, Path { len: 2 }, Len, Fd, Path { len: 5 }, Len],
        Func::PathSymlink => &[Path { len: 1 }, Len, Fd, Path { len: 4 }, Len],
        Func::PollOneoff => {
            &[Subs { count: 2 }, Out(self::Out::Events { nevents: 3 }), Size, Out(self::Out::U32)]
        }
        Func::ProcExit => &[Size],
        Func::ProcRaise => &[Signal],
        Func::SchedYield => &[],
        Func::RandomGet => &[Ptr, Size],
        Func::SockAccept => &[Fd, FDFLAGS, Out(self::Out::Fd)],
        Func::SockRecv => &[Fd, READ, Len, Flags(F::RiFlags), NREAD, Out(self::Out::RoFlags)],
        Func::SockSend => &[Fd, WRITE, Len, Size, Out(self::Out::U32)],
        Func::SockShutdown => &[Fd, Flags(F::SdFlags)],
    }
}

/// Decode `ev` (see [`TraceEvent::decode`]).
pub(crate) fn decode(ev: &TraceEvent<'_>) -> Decoded {
    let reader = Reader { mem: ev.memory };
    let arg = |i: u8| ev.args.get(usize::from(i)).copied().unwrap_or(0);
    // Every argument of every function is an i32 or i64; a u32 view of an i32 is exact
    // (they arrive zero-extended).
    let arg32 = |i: u8| arg(i) as u32;
    let names = ev.func.param_names();
    let succeeded = ev.errno == Some(Errno::SUCCESS);
    let mut out = Decoded::default();
    let mut fds_seen = 0;
    for (i, (kind, name)) in kinds(ev.func).iter().zip(names).enumerate() {
        let raw = ev.args.get(i).copied().unwrap_or(0);
        let raw32 = raw as u32;
        let value = match *kind {
            Kind::Fd => {
                fds_seen += 1;
                Value::Fd { fd: raw32, path: ev.before.get(fds_seen - 1) }
            }
            Kind::Path { len } => reader.bytes(raw32, arg32(len), MAX_PATH_SHOWN),
            Kind::Len => continue,
            Kind::Iovs { count, write } => reader.iovecs(raw32, arg32(count), write),
            Kind::Ptr => Value::Ptr(raw32),
            Kind::Size => Value::Uint(raw),
            Kind::Delta => Value::Int(raw as i64),
            Kind::Flags(kind) => Value::Flags { kind, bits: raw },
            Kind::Whence => match Whence::decode(raw32, ev.version) {
                Ok(Whence::Set) => Value::Name("SET"),
                Ok(Whence::Cur) => Value::Name("CUR"),
                Ok(Whence::End) => Value::Name("END"),
                Err(_) => Value::Invalid(raw),
            },
            Kind::Advice => name_or_number(ADVICE, raw),
            Kind::Clock => name_or_number(CLOCKS, raw),
            Kind::Signal => name_or_number(SIGNALS, raw),
            Kind::Subs { count } => reader.subscriptions(ev, raw32, arg32(count)),
            Kind::Out(o) => {
                if succeeded {
                    results(ev, &reader, o, name, raw32, &arg32, &mut out.results);
                }
                continue;
            }
        };
        out.args.push(Field { name, value });
    }
    out
}

/// Decode what out-pointer `name` (at `ptr`) received, into `results`.
fn results(
    ev: &TraceEvent<'_>,
    reader: &Reader<'_>,
    kind: Out,
    name: &'static str,
    ptr: u32,
    arg32: &dyn Fn(u8) -> u32,
    results: &mut Vec<Field>,
) {
    let mut push = |name: &'static str, value: Value| results.push(Field { name, value });
    match kind {
        Out::U32 => push(name, reader.u32(ptr).map_or(Value::Fault(ptr), |v| Value::Uint(v.into()))),
        Out::U64 => push(name, reader.u64(ptr).map_or(Value::Fault(ptr), Value::Uint)),
        Out::RoFlags => push(
            name,
            reader
                .u16(ptr)
                .map_or(Value::Fault(ptr), |v| Value::Flags { kind: FlagKind::RoFlags, bits: v.into() }),
        ),
        Out::Fd => push(
            name,
            reader.u32(ptr).map_or(Value::Fault(ptr), |fd| Value::Fd { fd, path: ev.fds.shared_path_of(fd) }),
        ),
        Out::Fdstat => push(name, reader.fdstat(ptr)),
        Out::Filestat => push(name, reader.filestat(ptr, ev.version)),
        Out::Prestat => push(name, reader.prestat(ptr)),
        Out::Name { len } => push(name, reader.bytes(ptr, arg32(len), MAX_PATH_SHOWN)),
        Out::Read { iovs, count } => match reader.u32(ptr) {
            Some(n) => {
                push(name, Value::Uint(n.into()));
                push("data", reader.gather(arg32(iovs), arg32(count), u64::from(n)));
            }
            None => push(name, Value::Fault(ptr)),
        },
        Out::Readlink { buf } => match reader.u32(ptr) {
            Some(n) => {
                push(name, Value::Uint(n.into()));
                push("target", reader.bytes(arg32(buf), n, MAX_PATH_SHOWN));
            }
            None => push(name, Value::Fault(ptr)),
        },
        Out::Dirents { buf } => match reader.u32(ptr) {
            Some(n) => {
                push(name, Value::Uint(n.into()));
                push("entries", reader.dirents(arg32(buf), n));
            }
            None => push(name, Value::Fault(ptr)),
        },
        Out::Events { nevents } => {
            let n = reader.u32(arg32(nevents)).unwrap_or(0);
            push(name, reader.events(ptr, n));
        }
    }
}

/// A signal by name (`SIGTERM`).
pub(super) fn signal(sig: u8) -> Value {
    name_or_number(SIGNALS, sig.into())
}

fn name_or_number(table: &[&'static str], raw: u64) -> Value {
    usize::try_from(raw).ok().and_then(|i| table.get(i)).map_or(Value::Invalid(raw), |n| Value::Name(n))
}

const ADVICE: &[&str] = &["NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"];
const CLOCKS: &[&str] = &["REALTIME", "MONOTONIC", "PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID"];
const FILETYPES: &[&str] = &[
    "UNKNOWN",
    "BLOCK_DEVICE",
    "CHARACTER_DEVICE",
    "DIRECTORY",
    "REGULAR_FILE",
    "SOCKET_DGRAM",
    "SOCKET_STREAM",
    "SYMBOLIC_LINK",
];
const EVENT_TYPES: &[&str] = &["CLOCK", "FD_READ", "FD_WRITE"];
/// The witx's `signal` enumeration, in order (0 is "no signal").
const SIGNALS: &[&str] = &[
    "0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGPOLL",
    "SIGPWR",
    "SIGSYS",
];
const _: () = assert!(SIGNALS.len() == SIGNAL_MAX as usize + 1);

/// Checked reads of guest memory for display.
struct Reader<'a> {
    mem: &'a dyn GuestMemory,
}

impl Reader<'_> {
    /// `len` bytes at `ptr`, or `None` if any of them is out of bounds.
    fn read(&self, ptr: u32, len: u32, out: &mut Vec<u8>) -> Option<()> {
        let (start, end) = check_range(self.mem.size(), ptr, len, 1).ok()?;
        out.resize(end - start, 0);
        self.mem.read(start, out).ok()
    }

    fn array<const N: usize>(&self, ptr: u32) -> Option<[u8; N]> {
        let (start, _) = check_range(self.mem.size(), ptr, N as u32, 1).ok()?;
        let mut b = [0u8; N];
        self.mem.read(start, &mut b).ok()?;
        Some(b)
    }

    fn u16(&self, ptr: u32) -> Option<u16> {
        self.array::<2>(ptr).map(u16::from_le_bytes)
    }

    fn u32(&self, ptr: u32) -> Option<u32> {
        self.array::<4>(ptr).map(u32::from_le_bytes)
    }

    fn u64(&self, ptr: u32) -> Option<u64> {
        self.array::<8>(ptr).map(u64::from_le_bytes)
    }

    /// The `len` bytes at `ptr`, at most `cap` of them.
    fn bytes(&self, ptr: u32, len: u32, cap: usize) -> Value {
        if check_range(self.mem.size(), ptr, len, 1).is_err() {
            return Value::Fault(ptr);
        }
        let shown = u32::try_from(cap).map_or(len, |cap| len.min(cap));
        let mut bytes = Vec::new();
        match self.read(ptr, shown, &mut bytes) {
            Some(()) => Value::Bytes { bytes, truncated: shown < len },
            None => Value::Fault(ptr),
        }
    }

    /// The iovec array at `ptr` (`count` entries) as `{iovecs, bytes[, data]}`.
    fn iovecs(&self, ptr: u32, count: u32, with_data: bool) -> Value {
        let Some(size) = count.checked_mul(IOVEC_SIZE) else { return Value::Fault(ptr) };
        if check_range(self.mem.size(), ptr, size, 1).is_err() {
            return Value::Fault(ptr);
        }
        let mut total = 0u64;
        for i in 0..count {
            if let Some(b) = self.array::<8>(ptr + i * IOVEC_SIZE) {
                total += u64::from(get_u32(&b, 4).unwrap_or(0));
            }
        }
        let mut fields = alloc::vec![
            Field { name: "iovecs", value: Value::Uint(count.into()) },
            Field { name: "bytes", value: Value::Uint(total) }
        ];
        if with_data {
            fields.push(Field { name: "data", value: self.gather(ptr, count, total) });
        }
        Value::Struct(fields)
    }

    /// The first `total` bytes the iovecs at `ptr` hold, at most [`MAX_DATA_SHOWN`].
    fn gather(&self, ptr: u32, count: u32, total: u64) -> Value {
        let mut bytes = Vec::new();
        let mut chunk = Vec::new();
        let want = total.min(MAX_DATA_SHOWN as u64) as usize;
        for i in 0..count {
            if bytes.len() >= want {
                break;
            }
            let Some(iov) = self.array::<8>(ptr.wrapping_add(i.wrapping_mul(IOVEC_SIZE))) else { break };
            let (base, len) = (get_u32(&iov, 0).unwrap_or(0), get_u32(&iov, 4).unwrap_or(0));
            let take = u32::try_from(want - bytes.len()).map_or(len, |room| len.min(room));
            if self.read(base, take, &mut chunk).is_none() {
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        let truncated = (bytes.len() as u64) < total;
        Value::Bytes { bytes, truncated }
    }

    fn fdstat(&self, ptr: u32) -> Value {
        let Some(b) = self.array::<{ FDSTAT_SIZE as usize }>(ptr) else { return Value::Fault(ptr) };
        Value::Struct(alloc::vec![
            Field { name: "filetype", value: name_or_number(FILETYPES, b[0].into()) },
            Field {
                name: "flags",
                value: Value::Flags { kind: FlagKind::FdFlags, bits: get_u16(&b, 2).unwrap_or(0).into() }
            },
            Field {
                name: "rights_base",
                value: Value::Flags { kind: FlagKind::Rights, bits: get_u64(&b, 8).unwrap_or(0) }
            },
            Field {
                name: "rights_inheriting",
                value: Value::Flags { kind: FlagKind::Rights, bits: get_u64(&b, 16).unwrap_or(0) },
            },
        ])
    }

    fn filestat(&self, ptr: u32, version: Version) -> Value {
        let Some(b) = self.array::<64>(ptr).or_else(|| {
            // A wasi_unstable filestat is 56 bytes: the last 8 may be past the end.
            let short = self.array::<56>(ptr)?;
            let mut b = [0u8; 64];
            b[..56].copy_from_slice(&short);
            Some(b)
        }) else {
            return Value::Fault(ptr);
        };
        let u64_at = |at: usize| Value::Uint(get_u64(&b, at).unwrap_or(0));
        let (nlink, rest) = match version {
            Version::Preview1 => (u64_at(24), 32),
            Version::Unstable => (Value::Uint(get_u32(&b, 20).unwrap_or(0).into()), 24),
        };
        debug_assert!(rest + 32 == filestat_size(version) as usize);
        Value::Struct(alloc::vec![
            Field { name: "filetype", value: name_or_number(FILETYPES, b[16].into()) },
            Field { name: "size", value: u64_at(rest) },
            Field { name: "dev", value: u64_at(0) },
            Field { name: "ino", value: u64_at(8) },
            Field { name: "nlink", value: nlink },
            Field { name: "atim", value: u64_at(rest + 8) },
            Field { name: "mtim", value: u64_at(rest + 16) },
            Field { name: "ctim", value: u64_at(rest + 24) },
        ])
    }

    fn prestat(&self, ptr: u32) -> Value {
        let Some(b) = self.array::<{ PRESTAT_SIZE as usize }>(ptr) else { return Value::Fault(ptr) };
        let tag = if b[0] == 0 { Value::Name("DIR") } else { Value::Invalid(b[0].into()) };
        Value::Struct(alloc::vec![
            Field { name: "tag", value: tag },
            Field { name: "pr_name_len", value: Value::Uint(get_u32(&b, 4).unwrap_or(0).into()) },
        ])
    }

    /// The names of the entries in the first `used` bytes of a `fd_readdir` buffer (the
    /// last one may be cut short, as the call allows).
    fn dirents(&self, ptr: u32, used: u32) -> Value {
        let mut buf = Vec::new();
        if self.read(ptr, used, &mut buf).is_none() {
            return Value::Fault(ptr);
        }
        let mut items = Vec::new();
        let mut at = 0usize;
        while let Some(header) = buf.get(at..at + 24) {
            if items.len() == MAX_ITEMS_SHOWN {
                return Value::List { items, more: true };
            }
            let namlen = get_u32(header, 16).unwrap_or(0) as usize;
            let start = at + 24;
            let end = start.saturating_add(namlen).min(buf.len());
            let name = buf.get(start..end).unwrap_or_default();
            items.push(Value::Bytes { bytes: name.to_vec(), truncated: end - start < namlen });
            at = start.saturating_add(namlen);
        }
        Value::List { items, more: false }
    }

    fn subscriptions(&self, ev: &TraceEvent<'_>, ptr: u32, count: u32) -> Value {
        let size = subscription_size(ev.version);
        let mut items = Vec::new();
        let mut raw = Vec::new();
        for i in 0..count {
            if items.len() == MAX_ITEMS_SHOWN {
                return Value::List { items, more: true };
            }
            let at = ptr.checked_add(i.saturating_mul(size));
            if at.and_then(|at| self.read(at, size, &mut raw)).is_none() {
                return if i == 0 { Value::Fault(ptr) } else { Value::List { items, more: true } };
            }
            let item = match decode_subscription(&raw, ev.version) {
                Ok(Subscription::Clock { userdata, id, timeout, precision, flags }) => alloc::vec![
                    Field { name: "userdata", value: Value::Uint(userdata) },
                    Field { name: "type", value: Value::Name("CLOCK") },
                    Field { name: "id", value: name_or_number(CLOCKS, id.into()) },
                    Field { name: "timeout", value: Value::Uint(timeout) },
                    Field { name: "precision", value: Value::Uint(precision) },
                    Field {
                        name: "flags",
                        value: Value::Flags { kind: FlagKind::SubclockFlags, bits: flags.into() }
                    },
                ],
                Ok(Subscription::FdRead { userdata, fd }) | Ok(Subscription::FdWrite { userdata, fd }) => {
                    let ty = if raw.get(8) == Some(&1) { "FD_READ" } else { "FD_WRITE" };
                    alloc::vec![
                        Field { name: "userdata", value: Value::Uint(userdata) },
                        Field { name: "type", value: Value::Name(ty) },
                        Field { name: "fd", value: Value::Fd { fd, path: ev.fds.shared_path_of(fd) } },
                    ]
                }
                Err(_) => alloc::vec![
                    Field { name: "userdata", value: Value::Uint(get_u64(&raw, 0).unwrap_or(0)) },
                    Field { name: "type", value: Value::Invalid(raw.get(8).copied().unwrap_or(0).into()) },
                ],
            };
            items.push(Value::Struct(item));
        }
        Value::List { items, more: false }
    }

    fn events(&self, ptr: u32, count: u32) -> Value {
        let mut items = Vec::new();
        for i in 0..count {
            if items.len() == MAX_ITEMS_SHOWN {
                return Value::List { items, more: true };
            }
            let Some(b) = ptr.checked_add(i.saturating_mul(EVENT_SIZE)).and_then(|at| self.array::<32>(at))
            else {
                return Value::Fault(ptr);
            };
            let ty = b[10];
            let mut fields = alloc::vec![
                Field { name: "userdata", value: Value::Uint(get_u64(&b, 0).unwrap_or(0)) },
                Field { name: "error", value: Value::Errno(Errno(get_u16(&b, 8).unwrap_or(0))) },
                Field { name: "type", value: name_or_number(EVENT_TYPES, ty.into()) },
            ];
            if ty != 0 {
                fields.push(Field { name: "nbytes", value: Value::Uint(get_u64(&b, 16).unwrap_or(0)) });
                fields.push(Field {
                    name: "flags",
                    value: Value::Flags {
                        kind: FlagKind::EventRwFlags,
                        bits: get_u16(&b, 24).unwrap_or(0).into(),
                    },
                });
            }
            items.push(Value::Struct(fields));
        }
        Value::List { items, more: false }
    }
}
