//! The replay log format, version 1. A log is:
//!
//! ```text
//! log     := magic version header record*
//! magic   := "WBXREPLY"                       8 bytes
//! version := u16 little-endian                 (FORMAT_VERSION)
//! header  := blob                              the RunSetup's values, in field order
//! record  := method:u8 inputs:blob outputs:blob
//! blob    := len:varint byte{len}              a sequence of tagged values
//! ```
//!
//! Values are tagged (see `codec.rs`): `U` unsigned varint, `I` zigzag varint, `Bytes`
//! and `Str` (length-prefixed), `Handle` (the id the recorder gave a handle: host
//! handles first, in the order they were adopted, then every handle an `open_at`,
//! `open_beneath` or `sock_accept` returned), `Errno`, `Digest` (8 bytes LE FNV-1a),
//! `Nothing`. A record's inputs are what the caller passed (for writes: the length and
//! the digest of the bytes); its outputs are what the platform answered (an `Errno`
//! alone for a failure; for reads, the bytes). The last record of a complete log is
//! `end`, whose outputs are how the run ended. Per method, see [`Method`].

use super::codec::{put_varint, Corrupt, Decoded, Decoder, Encoder, Value};
use crate::abi::Version;
use crate::ctx::Limits;
use crate::engine::{Outcome, RunError};
use crate::fd_table::RightsPolicy;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write as _;

/// The first 8 bytes of every log.
pub const MAGIC: [u8; 8] = *b"WBXREPLY";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;

macro_rules! methods {
    ($($(#[$doc:meta])* $variant:ident = $tag:literal $name:literal ($($p:literal),*);)*) => {
        /// What a record is: a [`Platform`](crate::Platform) method, or the end of the run.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Method {
            $($(#[$doc])* $variant = $tag,)*
        }

        impl Method {
            /// The method whose tag is `tag`.
            pub fn from_tag(tag: u8) -> Option<Method> {
                match tag { $($tag => Some(Method::$variant),)* _ => None }
            }
            /// The method's name (the `Platform` method's).
            pub fn name(self) -> &'static str {
                match self { $(Method::$variant => $name,)* }
            }
            /// The names of the recorded inputs, in order.
            pub fn params(self) -> &'static [&'static str] {
                match self { $(Method::$variant => &[$($p),*],)* }
            }
        }
    };
}

methods! {
    /// The run ended; outputs: how (kind, then code or message).
    End = 0 "end" ();
    /// Outputs: filetype number.
    Filetype = 1 "filetype" ("h");
    /// Outputs: flag bits.
    Fdflags = 2 "fdflags" ("h");
    /// Outputs: result.
    SetFdflags = 3 "set_fdflags" ("h", "flags");
    /// Outputs: result.
    Close = 4 "close" ("h");
    /// Outputs: the bytes read.
    Read = 5 "read" ("h", "capacity");
    /// Outputs: the bytes read.
    Pread = 6 "pread" ("h", "capacity", "offset");
    /// Outputs: bytes written.
    Write = 7 "write" ("h", "len", "data");
    /// Outputs: bytes written.
    Pwrite = 8 "pwrite" ("h", "len", "data", "offset");
    /// Outputs: the new offset.
    Seek = 9 "seek" ("h", "offset", "whence");
    /// Outputs: result.
    Sync = 10 "sync" ("h");
    /// Outputs: result.
    Datasync = 11 "datasync" ("h");
    /// Outputs: result.
    Advise = 12 "advise" ("h", "offset", "len", "advice");
    /// Outputs: result.
    Allocate = 13 "allocate" ("h", "offset", "len");
    /// Outputs: the eight filestat fields.
    Filestat = 14 "filestat" ("h");
    /// Outputs: result.
    SetSize = 15 "set_size" ("h", "size");
    /// Outputs: result.
    SetTimes = 16 "set_times" ("h", "atim", "mtim");
    /// Outputs: the entries handed to the sink (count, then next, ino, filetype, name
    /// each), whether the sink stopped the listing, the result.
    Readdir = 17 "readdir" ("h", "cookie");
    /// Outputs: the new handle.
    OpenAt = 18 "open_at" ("dir", "name", "options", "fdflags");
    /// Outputs: nothing (the core walks), or the new handle.
    OpenBeneath = 19 "open_beneath" ("dir", "path", "options", "fdflags");
    /// Outputs: the eight filestat fields.
    StatAt = 20 "stat_at" ("dir", "name", "follow");
    /// Outputs: the target.
    ReadlinkAt = 21 "readlink_at" ("dir", "name");
    /// Outputs: result.
    MkdirAt = 22 "mkdir_at" ("dir", "name");
    /// Outputs: result.
    RmdirAt = 23 "rmdir_at" ("dir", "name");
    /// Outputs: result.
    UnlinkAt = 24 "unlink_at" ("dir", "name");
    /// Outputs: result.
    RenameAt = 25 "rename_at" ("old_dir", "old", "new_dir", "new");
    /// Outputs: result.
    LinkAt = 26 "link_at" ("old_dir", "old", "new_dir", "new");
    /// Outputs: result.
    SymlinkAt = 27 "symlink_at" ("target", "dir", "name");
    /// Outputs: result.
    SetTimesAt = 28 "set_times_at" ("dir", "name", "atim", "mtim", "follow");
    /// Outputs: the resolution.
    ClockRes = 29 "clock_res" ("clock");
    /// Outputs: the time.
    ClockTime = 30 "clock_time" ("clock", "precision");
    /// Outputs: the random bytes.
    Random = 31 "random" ("len");
    /// Outputs: result.
    SchedYield = 32 "sched_yield" ();
    /// Inputs: the deadline (clock and time, or none), then each fd (handle, write).
    /// Outputs: the result, then each fd's readiness (nbytes, errno or none) and hangup.
    Poll = 33 "poll" ("deadline_clock", "deadline_at");
    /// Outputs: the new handle.
    SockAccept = 34 "sock_accept" ("h", "flags");
    /// Outputs: the bytes received, the roflags.
    SockRecv = 35 "sock_recv" ("h", "capacity", "riflags");
    /// Outputs: bytes sent.
    SockSend = 36 "sock_send" ("h", "len", "data");
    /// Outputs: result.
    SockShutdown = 37 "sock_shutdown" ("h", "how");
}

/// `name(param: value, ...)` for a record's inputs, for reports. Values past the named
/// parameters (poll's fds) follow unnamed; a corrupt blob is described as such.
pub fn describe(method: Method, inputs: &[u8]) -> String {
    describe_labeled(method, inputs, None)
}

/// [`describe`], with the host handles of `setup` named (`handle 1 (stdout)`,
/// `handle 3 (/data)`).
pub fn describe_labeled(method: Method, inputs: &[u8], setup: Option<&RunSetup>) -> String {
    let mut out = String::new();
    out.push_str(method.name());
    out.push('(');
    let mut d = Decoder::new(inputs);
    let mut names = method.params().iter();
    let mut first = true;
    while !d.is_empty() {
        if !first {
            out.push_str(", ");
        }
        first = false;
        if let Some(n) = names.next() {
            out.push_str(n);
            out.push_str(": ");
        }
        match d.value() {
            Ok(v) => {
                let _ = write!(out, "{v}");
                if let (Value::Handle(id), Some(s)) = (v, setup) {
                    if let Some(label) = s.label(id) {
                        let _ = write!(out, " ({label})");
                    }
                }
            }
            Err(e) => {
                let _ = write!(out, "<corrupt: {e}>");
                break;
            }
        }
    }
    out.push(')');
    out
}

/// Everything a replay needs to rebuild the run: the header of a log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSetup {
    /// FNV-1a digest of the module's bytes (as the engine received them).
    pub module_digest: u64,
    /// Length of the module in bytes.
    pub module_len: u64,
    /// The WASI version the host chose (`None`: the module's imports decided).
    pub version: Option<Version>,
    /// The rights policy.
    pub policy: RightsPolicy,
    /// The limits.
    pub limits: Limits,
    /// The guest's arguments (the first is the program name).
    pub args: Vec<Vec<u8>>,
    /// The guest's environment, `NAME=value` each.
    pub env: Vec<Vec<u8>>,
    /// The handle ids of stdin, stdout and stderr.
    pub stdio: [Option<u32>; 3],
    /// Preopened directories: guest path and handle id, in descriptor order.
    pub preopens: Vec<(String, u32)>,
    /// Preopened sockets' handle ids, in descriptor order (after the directories).
    pub sockets: Vec<u32>,
    /// How many host handles were adopted (ids `0..handles`); the next handle the
    /// platform returns gets id `handles`.
    pub handles: u32,
    /// Free text about the recording host (tool, backend, options), for people.
    pub note: String,
}

impl RunSetup {
    /// What host handle `id` is: `stdin`, `stdout`, `stderr`, a preopen's guest path,
    /// `socket`; `None` for a handle the guest opened.
    pub fn label(&self, id: u32) -> Option<&str> {
        let stdio = ["stdin", "stdout", "stderr"];
        if let Some(i) = self.stdio.iter().position(|s| *s == Some(id)) {
            return stdio.get(i).copied();
        }
        if let Some((guest, _)) = self.preopens.iter().find(|(_, h)| *h == id) {
            return Some(guest);
        }
        self.sockets.contains(&id).then_some("socket")
    }

    /// The log's first bytes: magic, version, this header.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::new();
        let mut e = Encoder { buf: &mut body };
        e.digest(self.module_digest);
        e.u(self.module_len);
        e.u(match self.version {
            None => 0,
            Some(Version::Preview1) => 1,
            Some(Version::Unstable) => 2,
        });
        e.u(match self.policy {
            RightsPolicy::Compat => 0,
            RightsPolicy::Enforce => 1,
        });
        e.u(self.limits.max_fds as u64);
        e.u(self.limits.max_path as u64);
        e.u(u64::from(self.limits.max_symlinks));
        e.u(u64::from(self.limits.max_poll_subscriptions));
        e.u(self.args.len() as u64);
        for a in &self.args {
            e.str(a);
        }
        e.u(self.env.len() as u64);
        for v in &self.env {
            e.str(v);
        }
        for s in self.stdio {
            match s {
                Some(id) => e.handle(id),
                None => e.nothing(),
            }
        }
        e.u(self.preopens.len() as u64);
        for (guest, id) in &self.preopens {
            e.str(guest.as_bytes());
            e.handle(*id);
        }
        e.u(self.sockets.len() as u64);
        for id in &self.sockets {
            e.handle(*id);
        }
        e.u(u64::from(self.handles));
        e.str(self.note.as_bytes());
        let mut out = Vec::with_capacity(body.len() + 16);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        put_varint(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
        out
    }

    /// Parse a log's magic, version and header; returns the setup and where the records
    /// start.
    pub fn decode(log: &[u8]) -> Decoded<(RunSetup, usize)> {
        let mut d = Decoder::new(log);
        if d.take(8).ok() != Some(&MAGIC[..]) {
            return Err(Corrupt { at: 0, what: "not a wasibox replay log (bad magic)" });
        }
        let v = d.take(2)?;
        let version = u16::from_le_bytes([v.first().copied().unwrap_or(0), v.get(1).copied().unwrap_or(0)]);
        if version != FORMAT_VERSION {
            return Err(Corrupt { at: 8, what: "unsupported log format version" });
        }
        let body = d.blob()?;
        let start = d.pos();
        let offset = |c: Corrupt| Corrupt { at: c.at + (start - body.len()), what: c.what };
        let setup = Self::decode_body(body).map_err(offset)?;
        Ok((setup, start))
    }

    fn decode_body(body: &[u8]) -> Decoded<RunSetup> {
        let mut d = Decoder::new(body);
        let mut s = RunSetup { module_digest: d.digest()?, module_len: d.u()?, ..RunSetup::default() };
        s.version = match d.u()? {
            0 => None,
            1 => Some(Version::Preview1),
            2 => Some(Version::Unstable),
            _ => return Err(d.corrupt("unknown WASI version")),
        };
        s.policy = match d.u()? {
            0 => RightsPolicy::Compat,
            1 => RightsPolicy::Enforce,
            _ => return Err(d.corrupt("unknown rights policy")),
        };
        s.limits = Limits {
            max_fds: d.u_as()?,
            max_path: d.u_as()?,
            max_symlinks: d.u_as()?,
            max_poll_subscriptions: d.u_as()?,
        };
        // Lists grow one decoded item at a time: a corrupt count cannot make us allocate.
        for _ in 0..d.u()? {
            s.args.push(d.str()?.to_vec());
        }
        for _ in 0..d.u()? {
            s.env.push(d.str()?.to_vec());
        }
        for slot in s.stdio.iter_mut() {
            *slot = d.opt_handle()?;
        }
        for _ in 0..d.u()? {
            let guest = utf8(&d, d.clone().str()?)?;
            d.str()?;
            s.preopens.push((guest, d.handle()?));
        }
        for _ in 0..d.u()? {
            s.sockets.push(d.handle()?);
        }
        s.handles = d.u_as()?;
        s.note = utf8(&d, d.clone().str()?)?;
        d.str()?;
        d.end()?;
        let in_range = |id: &u32| *id < s.handles;
        let ids_ok = s.stdio.iter().flatten().all(in_range)
            && s.preopens.iter().map(|(_, id)| id).all(in_range)
            && s.sockets.iter().all(in_range);
        if !ids_ok {
            return Err(d.corrupt("a host handle id is not below the adopted count"));
        }
        Ok(s)
    }
}

fn utf8(d: &Decoder<'_>, b: &[u8]) -> Decoded<String> {
    core::str::from_utf8(b).map(ToString::to_string).map_err(|_| d.corrupt("name is not UTF-8"))
}

/// How a run ended, as the log's `end` record stores it.
pub type RunEnd = core::result::Result<Outcome, RunError>;

pub(crate) fn encode_end(e: &mut Encoder<'_>, end: &RunEnd) {
    let (kind, msg) = match end {
        Ok(Outcome::Exit(c)) => {
            e.u(0);
            e.u(u64::from(*c));
            return;
        }
        Ok(Outcome::Signal(s)) => {
            e.u(1);
            e.u(u64::from(*s));
            return;
        }
        Err(RunError::Compile(m)) => (2, m),
        Err(RunError::Link(m)) => (3, m),
        Err(RunError::Start(m)) => (4, m),
        Err(RunError::Trap(m)) => (5, m),
    };
    e.u(kind);
    e.str(msg.as_bytes());
}

pub(crate) fn decode_end(d: &mut Decoder<'_>) -> Decoded<RunEnd> {
    let kind = d.u()?;
    let end = match kind {
        0 => Ok(Outcome::Exit(d.u_as()?)),
        1 => Ok(Outcome::Signal(d.u_as()?)),
        2..=5 => {
            let m = String::from_utf8_lossy(d.str()?).into_owned();
            Err(match kind {
                2 => RunError::Compile(m),
                3 => RunError::Link(m),
                4 => RunError::Start(m),
                _ => RunError::Trap(m),
            })
        }
        _ => return Err(d.corrupt("unknown end kind")),
    };
    d.end()?;
    Ok(end)
}

/// Whether two endings are the same for a replay: the same exit status or signal, or
/// the same kind of failure (messages differ between engines, so they are not compared).
pub fn same_end(a: &RunEnd, b: &RunEnd) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => core::mem::discriminant(x) == core::mem::discriminant(y),
        _ => false,
    }
}

/// One record, borrowed from the log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawRecord<'a> {
    pub(crate) method: Method,
    pub(crate) inputs: &'a [u8],
    pub(crate) outputs: &'a [u8],
}

/// Read the record at `d`.
pub(crate) fn next_record<'a>(d: &mut Decoder<'a>) -> Decoded<RawRecord<'a>> {
    let tag = d.byte()?;
    let method = Method::from_tag(tag).ok_or(d.corrupt("unknown record method"))?;
    let inputs = d.blob()?;
    let outputs = d.blob()?;
    Ok(RawRecord { method, inputs, outputs })
}

/// Append a record.
pub(crate) fn put_record(buf: &mut Vec<u8>, method: Method, inputs: &[u8], outputs: &[u8]) {
    buf.push(method as u8);
    put_varint(buf, inputs.len() as u64);
    buf.extend_from_slice(inputs);
    put_varint(buf, outputs.len() as u64);
    buf.extend_from_slice(outputs);
}
