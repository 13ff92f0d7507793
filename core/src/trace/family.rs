//! Function families (the files of `calls/`: args, clock, fd, path, poll, proc, random,
//! sock) and [`TraceFilter`], the set of functions a tracer wants.

use crate::dispatch::Func;
use alloc::string::String;
use core::fmt;

/// A family of WASI functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// `args_*` and `environ_*`.
    Args,
    /// `clock_*`.
    Clock,
    /// `fd_*`.
    Fd,
    /// `path_*`.
    Path,
    /// `poll_oneoff`.
    Poll,
    /// `proc_exit`, `proc_raise`, `sched_yield`.
    Proc,
    /// `random_get`.
    Random,
    /// `sock_*`.
    Sock,
}

impl Family {
    /// Every family.
    pub const ALL: &'static [Family] = &[
        Family::Args,
        Family::Clock,
        Family::Fd,
        Family::Path,
        Family::Poll,
        Family::Proc,
        Family::Random,
        Family::Sock,
    ];

    /// The family's name in a filter (`"fd"`).
    pub const fn name(self) -> &'static str {
        match self {
            Family::Args => "args",
            Family::Clock => "clock",
            Family::Fd => "fd",
            Family::Path => "path",
            Family::Poll => "poll",
            Family::Proc => "proc",
            Family::Random => "random",
            Family::Sock => "sock",
        }
    }

    /// The family called `name`; `env`/`environ` are `args`, `sched` is `proc`.
    pub fn from_name(name: &str) -> Option<Family> {
        Some(match name {
            "args" | "env" | "environ" => Family::Args,
            "clock" => Family::Clock,
            "fd" => Family::Fd,
            "path" => Family::Path,
            "poll" => Family::Poll,
            "proc" | "sched" => Family::Proc,
            "random" => Family::Random,
            "sock" => Family::Sock,
            _ => return None,
        })
    }
}

impl Func {
    /// The family this function belongs to.
    pub const fn family(self) -> Family {
        match self {
            Func::ArgsGet | Func::ArgsSizesGet | Func::EnvironGet | Func::EnvironSizesGet => Family::Args,
            Func::ClockResGet | Func::ClockTimeGet => Family::Clock,
            Func::FdAdvise
            | Func::FdAllocate
            | Func::FdClose
            | Func::FdDatasync
            | Func::FdFdstatGet
            | Func::FdFdstatSetFlags
            | Func::FdFdstatSetRights
            | Func::FdFilestatGet
            | Func::FdFilestatSetSize
            | Func::FdFilestatSetTimes
            | Func::FdPread
            | Func::FdPrestatGet
            | Func::FdPrestatDirName
            | Func::FdPwrite
            | Func::FdRead
            | Func::FdReaddir
            | Func::FdRenumber
            | Func::FdSeek
            | Func::FdSync
            | Func::FdTell
            | Func::FdWrite => Family::Fd,
            Func::PathCreateDirectory
            | Func::PathFilestatGet
            | Func::PathFilestatSetTimes
            | Func::PathLink
            | Func::PathOpen
            | Func::PathReadlink
            | Func::PathRemoveDirectory
            | Func::PathRename
            | Func::PathSymlink
            | Func::PathUnlinkFile => Family::Path,
            Func::PollOneoff => Family::Poll,
            Func::ProcExit | Func::ProcRaise | Func::SchedYield => Family::Proc,
            Func::RandomGet => Family::Random,
            Func::SockAccept | Func::SockRecv | Func::SockSend | Func::SockShutdown => Family::Sock,
        }
    }

    /// The function's position in [`Func::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// A set of functions to trace: whole families and single functions.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceFilter {
    /// Bit `f.index()` set: `f` is in the set (46 functions fit in a u64).
    mask: u64,
}

impl TraceFilter {
    /// Every function.
    pub const ALL: TraceFilter = TraceFilter { mask: u64::MAX };
    /// No function.
    pub const NONE: TraceFilter = TraceFilter { mask: 0 };

    /// The functions of `family`.
    pub fn family(family: Family) -> TraceFilter {
        let mask = Func::ALL.iter().filter(|f| f.family() == family).fold(0, |m, f| m | bit(*f));
        TraceFilter { mask }
    }

    /// `func` alone.
    pub fn func(func: Func) -> TraceFilter {
        TraceFilter { mask: bit(func) }
    }

    /// Both sets.
    pub const fn union(self, other: TraceFilter) -> TraceFilter {
        TraceFilter { mask: self.mask | other.mask }
    }

    /// Whether `func` is in the set.
    #[inline]
    pub const fn contains(self, func: Func) -> bool {
        self.mask & bit(func) != 0
    }

    /// Parse a comma-separated list of family names (`fd`, `path`, `args` or `env`,
    /// `clock`, `poll`, `proc`, `random`, `sock`), function names (`fd_write`) and `all`.
    /// Spaces around items are ignored; an empty list or an unknown name is an error.
    pub fn parse(spec: &str) -> Result<TraceFilter, FilterError> {
        let mut filter = TraceFilter::NONE;
        for item in spec.split(',').map(str::trim) {
            filter = filter.union(match item {
                "" => return Err(FilterError::Empty),
                "all" => TraceFilter::ALL,
                name => match (Family::from_name(name), Func::from_name(name)) {
                    (Some(family), _) => TraceFilter::family(family),
                    (None, Some(func)) => TraceFilter::func(func),
                    (None, None) => return Err(FilterError::Unknown(String::from(name))),
                },
            });
        }
        Ok(filter)
    }
}

impl Default for TraceFilter {
    fn default() -> Self {
        TraceFilter::ALL
    }
}

impl fmt::Debug for TraceFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(Func::ALL.iter().filter(|func| self.contains(**func)).map(|func| func.name()))
            .finish()
    }
}

const fn bit(func: Func) -> u64 {
    1u64 << func.index()
}

/// Why a filter did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterError {
    /// An empty item (`"fd,,path"`, or nothing at all).
    Empty,
    /// A name that is neither a family nor a function.
    Unknown(String),
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterError::Empty => f.write_str("empty item in the trace filter")?,
            FilterError::Unknown(name) => {
                write!(f, "unknown function or family \"{name}\" in the trace filter")?
            }
        }
        f.write_str(" (families: all")?;
        for family in Family::ALL {
            write!(f, ", {}", family.name())?;
        }
        f.write_str("; or a function name such as fd_write)")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FilterError {}
