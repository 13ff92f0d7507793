//! Call tracing: the strace of the guest. A [`Tracer`] installed on a context sees every
//! call it [wants](Tracer::wants) with its raw arguments, its result and how long it took
//! on the platform's monotonic clock, and can ask for the arguments decoded
//! ([`TraceEvent::decode`]: paths as text, flags by name, descriptors with the path they
//! refer to, out-values read back after the call) or formatted as one line of text
//! ([`TraceEvent::write_text`]) or JSON ([`TraceEvent::write_json`]).
//!
//! When no tracer is installed, the dispatcher tests one `Option` and takes the plain
//! path: no clock reads, no allocation, nothing remembered about descriptors. A traced
//! call goes through `traced_call`, kept out of line so that the inlined fast path of
//! each engine import stays as small as it was.

mod decode;
mod family;
mod format;

pub use decode::{Decoded, Field, FlagKind, Value, MAX_DATA_SHOWN, MAX_ITEMS_SHOWN, MAX_PATH_SHOWN};
pub use family::{Family, FilterError, TraceFilter};

use crate::abi::{ClockId, Errno, Fd, Result, Version};
use crate::ctx::{Exit, WasiCtx};
use crate::dispatch::{run, Func};
use crate::fd_table::FdTable;
use crate::memory::GuestMemory;
use crate::platform::Platform;
use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

/// One finished call.
#[derive(Clone, Copy)]
pub struct TraceEvent<'a> {
    /// Which function.
    pub func: Func,
    /// Which import module it came through.
    pub version: Version,
    /// Raw arguments as the guest passed them (i32s zero-extended).
    pub args: &'a [u64],
    /// The errno returned, or `None` if the call ended the guest (`proc_exit`, or
    /// `proc_raise` with a terminating signal; see [`TraceEvent::exit`]).
    pub errno: Option<Errno>,
    /// How the guest ended, when this call ended it.
    pub exit: Option<Exit>,
    /// Time spent in the call, in nanoseconds of the platform's monotonic clock.
    pub elapsed_ns: u64,
    /// The guest's memory after the call (read-only).
    memory: &'a dyn GuestMemory,
    /// The descriptor table after the call.
    fds: &'a dyn FdPaths,
    /// The paths of the call's descriptor arguments as they were before the call
    /// (`fd_close` and `fd_renumber` remove them).
    before: &'a FdsBefore,
}

impl fmt::Debug for TraceEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceEvent")
            .field("func", &self.func)
            .field("version", &self.version)
            .field("args", &self.args)
            .field("errno", &self.errno)
            .field("exit", &self.exit)
            .field("elapsed_ns", &self.elapsed_ns)
            .finish_non_exhaustive()
    }
}

impl<'a> TraceEvent<'a> {
    /// The guest's memory as it is after the call, to read what the call wrote.
    pub fn memory(&self) -> &'a dyn GuestMemory {
        self.memory
    }

    /// The path descriptor `fd` refers to now (after the call), when known: the guest
    /// path of a preopen, or the path a `path_open` made while tracing was on.
    pub fn fd_path(&self, fd: Fd) -> Option<&'a str> {
        self.fds.path_of(fd)
    }

    /// The arguments and out-values, decoded (allocates; see [`Decoded`]).
    pub fn decode(&self) -> Decoded {
        decode::decode(self)
    }

    /// Append the call as one line of text, strace-like, without a newline:
    /// `path_open(3</data>, SYMLINK_FOLLOW, "f.txt", CREAT|TRUNC, FD_WRITE, 0, 0) = 0
    /// [opened_fd=4</data/f.txt>] (1.2 µs)`.
    pub fn write_text(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        format::text(self, &self.decode(), out)
    }

    /// Append the call as one JSON object, without a newline: `func`, `module`, `raw`
    /// (the raw arguments), `args` (decoded inputs), `errno`, `errno_name`, `results`
    /// (decoded out-values, on success), `exit` (when the call ended the guest) and
    /// `duration_ns`.
    pub fn write_json(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        format::json(self, &self.decode(), out)
    }

    /// [`write_text`](Self::write_text) into a new string.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = self.write_text(&mut s);
        s
    }

    /// [`write_json`](Self::write_json) into a new string.
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        let _ = self.write_json(&mut s);
        s
    }
}

/// Receives every call of a guest.
pub trait Tracer: Send {
    /// Called after each call that [`wants`](Tracer::wants) accepted.
    fn trace(&mut self, event: &TraceEvent<'_>);

    /// Whether to trace calls of `func` at all, asked before the call: a call that is
    /// not wanted is neither timed nor recorded. Every call by default.
    fn wants(&self, func: Func) -> bool {
        let _ = func;
        true
    }

    /// The time, in nanoseconds on a clock of the tracer's choosing, to time calls with.
    /// `None` (the default): the platform's monotonic clock. A tracer that must not
    /// touch the guest's world returns its own: reading the platform's clock is an input
    /// of the run, which moves a virtual clock and lands in a recording.
    fn now(&mut self) -> Option<u64> {
        None
    }
}

impl<F: FnMut(&TraceEvent<'_>) + Send> Tracer for F {
    fn trace(&mut self, event: &TraceEvent<'_>) {
        self(event)
    }
}

/// A tracer that only sees the calls its [`TraceFilter`] holds.
#[derive(Clone, Debug)]
pub struct Filtered<T> {
    /// Which calls reach `tracer`.
    pub filter: TraceFilter,
    /// The tracer that receives them.
    pub tracer: T,
}

impl<T: Tracer> Tracer for Filtered<T> {
    fn trace(&mut self, event: &TraceEvent<'_>) {
        self.tracer.trace(event)
    }
    fn wants(&self, func: Func) -> bool {
        self.filter.contains(func) && self.tracer.wants(func)
    }
    fn now(&mut self) -> Option<u64> {
        self.tracer.now()
    }
}

/// The descriptor table as a trace sees it, without its handle type.
trait FdPaths {
    fn path_of(&self, fd: Fd) -> Option<&str>;
    fn shared_path_of(&self, fd: Fd) -> Option<Arc<str>>;
}

impl<H> FdPaths for FdTable<H> {
    fn path_of(&self, fd: Fd) -> Option<&str> {
        self.get(fd).ok().and_then(|e| e.display.as_deref())
    }
    fn shared_path_of(&self, fd: Fd) -> Option<Arc<str>> {
        self.get(fd).ok().and_then(|e| e.display.clone())
    }
}

/// Most descriptor arguments one call takes (`path_link`, `path_rename`).
const MAX_FD_ARGS: usize = 2;

/// The paths of a call's descriptor arguments, in argument order, taken before the call.
struct FdsBefore([Option<Arc<str>>; MAX_FD_ARGS]);

impl FdsBefore {
    fn capture(fds: &dyn FdPaths, func: Func, args: &[u64]) -> FdsBefore {
        let mut paths: [Option<Arc<str>>; MAX_FD_ARGS] = Default::default();
        let fd_args = decode::kinds(func)
            .iter()
            .zip(args)
            .filter(|(k, _)| matches!(k, decode::Kind::Fd))
            .map(|(_, raw)| *raw);
        for (slot, raw) in paths.iter_mut().zip(fd_args) {
            *slot = u32::try_from(raw).ok().and_then(|fd| fds.shared_path_of(fd));
        }
        FdsBefore(paths)
    }

    fn get(&self, nth: usize) -> Option<Arc<str>> {
        self.0.get(nth).cloned().flatten()
    }
}

/// The guest memory behind a shared reference, as a sized value (so that a `?Sized`
/// memory becomes a `&dyn GuestMemory`). Read-only: a trace never writes.
struct ReadOnly<'a, M: ?Sized>(&'a M);

impl<M: GuestMemory + ?Sized> GuestMemory for ReadOnly<'_, M> {
    fn size(&self) -> usize {
        self.0.size()
    }
    fn read(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        self.0.read(offset, buf)
    }
    fn write(&mut self, _offset: usize, _data: &[u8]) -> Result<()> {
        Err(Errno::FAULT)
    }
    fn as_slice(&self) -> Option<&[u8]> {
        self.0.as_slice()
    }
}

/// [`crate::call`] with a tracer installed: ask it whether it wants `func`, note the
/// paths of the descriptor arguments, time the call, and hand it the event.
#[cold]
#[inline(never)]
pub(crate) fn traced_call<P: Platform, M: GuestMemory + ?Sized>(
    ctx: &mut WasiCtx<P>,
    mem: &mut M,
    version: Version,
    func: Func,
    args: &[u64],
) -> core::result::Result<Errno, Exit> {
    if ctx.tracer.as_ref().is_some_and(|t| t.wants(func)) {
        let before = FdsBefore::capture(&ctx.fds, func, args);
        let start = now(ctx);
        let errno = run(ctx, mem, version, func, args);
        let end = now(ctx);
        if let Some(tracer) = ctx.tracer.as_mut() {
            tracer.trace(&TraceEvent {
                func,
                version,
                args,
                errno: if ctx.exit.is_some() { None } else { Some(errno) },
                exit: ctx.exit,
                elapsed_ns: end.saturating_sub(start),
                memory: &ReadOnly(&*mem),
                fds: &ctx.fds,
                before: &before,
            });
        }
        finish(ctx, errno)
    } else {
        let errno = run(ctx, mem, version, func, args);
        finish(ctx, errno)
    }
}

/// The tracer's clock, or else the platform's monotonic clock.
fn now<P: Platform>(ctx: &mut WasiCtx<P>) -> u64 {
    match ctx.tracer.as_mut().and_then(|t| t.now()) {
        Some(t) => t,
        None => ctx.platform.clock_time(ClockId::Monotonic, 0).unwrap_or(0),
    }
}

fn finish<P: Platform>(ctx: &WasiCtx<P>, errno: Errno) -> core::result::Result<Errno, Exit> {
    match ctx.exit {
        Some(exit) => Err(exit),
        None => Ok(errno),
    }
}

/// The display path of what `path_open` opened: `dir` joined with `path` as the guest
/// gave it (a leading `./` dropped; `.` alone is `dir` itself). Not resolved: a
/// symlink or `..` in `path` stays as written, like strace shows what was asked.
pub(crate) fn join_display(dir: &str, path: &str) -> Arc<str> {
    let mut rest = path;
    while let Some(r) = rest.strip_prefix("./") {
        rest = r.trim_start_matches('/');
    }
    if rest.is_empty() || rest == "." {
        return Arc::from(dir);
    }
    let mut s = String::with_capacity(dir.len() + 1 + rest.len());
    s.push_str(dir);
    if !dir.ends_with('/') {
        s.push('/');
    }
    s.push_str(rest);
    Arc::from(s)
}

#[cfg(test)]
mod tests;
