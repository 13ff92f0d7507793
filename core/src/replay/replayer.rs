//! [`Replayer`]: a platform that serves every call from a recorded log, checking that
//! each call is the one the log holds, and never touches the host.

use super::codec::{Corrupt, Decoder, Encoder, Value};
use super::format::{decode_end, describe_labeled, next_record, same_end, Method, RunEnd, RunSetup};
use super::inputs;
use super::recorder::{poll_inputs, HandleId};
use crate::abi::{
    Advice, ClockId, Errno, FdFlags, Filestat, Filetype, Result, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use crate::ctx::Exit;
use crate::engine::{Outcome, RunError};
use crate::platform::{Deadline, DirEntry, OpenOptions, Platform, PollFd};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use spin::Mutex;

/// The signal a diverged replay ends the guest with (`SIGKILL`: nothing the guest can do).
const SIGKILL: u8 = 9;

/// A handle of a [`Replayer`]: only the id the log knows it by.
#[derive(Debug, PartialEq, Eq)]
pub struct ReplayHandle {
    id: u32,
}

impl ReplayHandle {
    /// The id of this handle in the log.
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl HandleId for ReplayHandle {
    fn handle_id(&self) -> u32 {
        self.id
    }
}

/// Where a replayed run first left the recording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// How many platform calls matched the recording before this point.
    pub call: u64,
    /// What the recording holds at this point.
    pub expected: String,
    /// What the replayed run did instead.
    pub actual: String,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "after {} matching calls, the recording has {}; the replayed run made {}",
            self.call, self.expected, self.actual
        )
    }
}

/// Why serving a call failed.
enum Failure {
    Corrupt(Corrupt),
    Diverged { expected: String, actual: String },
}

impl From<Corrupt> for Failure {
    fn from(c: Corrupt) -> Self {
        Failure::Corrupt(c)
    }
}

type Served<T> = core::result::Result<Result<T>, Failure>;

struct ReplayState {
    pos: usize,
    calls: u64,
    next_handle: u32,
    divergence: Option<Divergence>,
    scratch: Vec<u8>,
}

/// What replayed writes to a handle are shown on.
type Output = Box<dyn FnMut(&[u8]) + Send>;

/// A [`Platform`] that answers every call from a log written by a
/// [`Recorder`](super::Recorder), and touches nothing on the host.
///
/// Each call must be the next one in the log: the same method with the same inputs (the
/// same handle, name, offset, buffer size; for writes the same bytes, by digest). Then
/// the recorded answer is given back: the bytes a read returned, the stat, the clock
/// value, the random bytes, the poll outcome. At the first call that differs, the
/// replayer keeps a [`Divergence`], fails that call and every later one with
/// `ENOTRECOVERABLE`, and asks the core to end the guest (`exit_requested`).
///
/// Writes to handles given an [output](Self::set_output) (the recorded run's stdout and
/// stderr, say) are passed on, so a replay shows what the recorded run showed.
pub struct Replayer {
    log: Vec<u8>,
    setup: RunSetup,
    state: Mutex<ReplayState>,
    outputs: Mutex<Vec<(u32, Output)>>,
}

impl Replayer {
    /// Read a log. Fails if its magic, version or header is not valid; the records are
    /// checked as they are replayed.
    pub fn new(log: Vec<u8>) -> core::result::Result<Replayer, Corrupt> {
        let (setup, start) = RunSetup::decode(&log)?;
        let next_handle = setup.handles;
        Ok(Replayer {
            log,
            setup,
            state: Mutex::new(ReplayState {
                pos: start,
                calls: 0,
                next_handle,
                divergence: None,
                scratch: Vec::new(),
            }),
            outputs: Mutex::new(Vec::new()),
        })
    }

    /// The recorded run's setup (args, env, preopens, version, ...).
    pub fn setup(&self) -> &RunSetup {
        &self.setup
    }

    /// The handle for host handle `id` of the setup (stdio, preopens, sockets); `None`
    /// if the recording adopted no such handle.
    pub fn handle(&self, id: u32) -> Option<ReplayHandle> {
        (id < self.setup.handles).then_some(ReplayHandle { id })
    }

    /// Pass the bytes replayed writes put to handle `id` on to `output`.
    pub fn set_output(&self, id: u32, output: impl FnMut(&[u8]) + Send + 'static) {
        self.outputs.lock().push((id, Box::new(output)));
    }

    /// How many calls have been served.
    pub fn calls(&self) -> u64 {
        self.state.lock().calls
    }

    /// The first divergence, if the run has left the recording.
    pub fn divergence(&self) -> Option<Divergence> {
        self.state.lock().divergence.clone()
    }

    /// Check the end of the run against the recording's: the log must hold no further
    /// call, and the run must have ended the same way (exit status or signal, or the
    /// same kind of failure). Returns the first divergence of the whole run, if any.
    pub fn finish(&self, end: &RunEnd) -> core::result::Result<(), Divergence> {
        let mut st = self.state.lock();
        if let Some(d) = &st.divergence {
            return Err(d.clone());
        }
        let actual = format!("no more calls, and ended with {}", show_end(end));
        let rest = self.log.get(st.pos..).unwrap_or_default();
        let mut d = Decoder::new(rest);
        let expected = match next_record(&mut d) {
            Err(_) if rest.is_empty() => String::from("no end record: the recording was cut short"),
            Err(c) => corrupt_text(c, st.pos),
            Ok(rec) if rec.method != Method::End => {
                format!("another call, {}", describe_labeled(rec.method, rec.inputs, Some(&self.setup)))
            }
            Ok(rec) => match decode_end(&mut Decoder::new(rec.outputs)) {
                Err(c) => corrupt_text(c, st.pos),
                Ok(_) if !d.is_empty() => {
                    corrupt_text(Corrupt { at: d.pos(), what: "bytes after the end record" }, st.pos)
                }
                Ok(recorded) if same_end(&recorded, end) => return Ok(()),
                Ok(recorded) => format!("the run ending with {}", show_end(&recorded)),
            },
        };
        let div = Divergence { call: st.calls, expected, actual };
        st.divergence = Some(div.clone());
        Err(div)
    }

    /// Serve one call: compare its inputs with the next record's, then decode the
    /// record's outputs with `outputs` (which may allocate handle ids).
    fn serve<T>(
        &self,
        method: Method,
        inputs: impl FnOnce(&mut Encoder<'_>),
        outputs: impl FnOnce(&mut Decoder<'_>, &mut u32) -> Served<T>,
    ) -> Result<T> {
        let mut guard = self.state.lock();
        let st = &mut *guard;
        if st.divergence.is_some() {
            return Err(Errno::NOTRECOVERABLE);
        }
        st.scratch.clear();
        inputs(&mut Encoder { buf: &mut st.scratch });
        let actual = || describe_labeled(method, &st.scratch, Some(&self.setup));
        let rest = self.log.get(st.pos..).unwrap_or_default();
        let mut d = Decoder::new(rest);
        let failure = match next_record(&mut d) {
            Err(_) if rest.is_empty() => Failure::Diverged {
                expected: String::from("nothing more: the recording was cut short here"),
                actual: actual(),
            },
            Err(c) => Failure::Corrupt(c),
            Ok(rec) if rec.method == Method::End => Failure::Diverged {
                expected: String::from("the end of the run (the recorded guest made no more calls)"),
                actual: actual(),
            },
            Ok(rec) if rec.method != method || rec.inputs != st.scratch.as_slice() => Failure::Diverged {
                expected: describe_labeled(rec.method, rec.inputs, Some(&self.setup)),
                actual: actual(),
            },
            Ok(rec) => {
                let mut od = Decoder::new(rec.outputs);
                let served = outputs(&mut od, &mut st.next_handle).and_then(|r| {
                    od.end()?;
                    Ok(r)
                });
                match served {
                    Ok(r) => {
                        st.pos = st.pos.saturating_add(d.pos());
                        st.calls = st.calls.saturating_add(1);
                        return r;
                    }
                    Err(Failure::Corrupt(c)) => Failure::Corrupt(Corrupt { at: 0, what: c.what }),
                    Err(f) => f,
                }
            }
        };
        let (expected, actual) = match failure {
            Failure::Corrupt(c) => (corrupt_text(c, st.pos), actual()),
            Failure::Diverged { expected, actual } => (expected, actual),
        };
        st.divergence = Some(Divergence { call: st.calls, expected, actual });
        Err(Errno::NOTRECOVERABLE)
    }

    fn serve_unit(&self, method: Method, inputs: impl FnOnce(&mut Encoder<'_>)) -> Result<()> {
        self.serve(method, inputs, |d, _| Ok(d.unit()?))
    }

    fn serve_u64(&self, method: Method, inputs: impl FnOnce(&mut Encoder<'_>)) -> Result<u64> {
        self.serve(method, inputs, |d, _| {
            Ok(match d.errno()? {
                Some(e) => Err(e),
                None => Ok(d.u()?),
            })
        })
    }

    fn serve_stat(&self, method: Method, inputs: impl FnOnce(&mut Encoder<'_>)) -> Result<Filestat> {
        self.serve(method, inputs, |d, _| {
            if let Some(e) = d.errno()? {
                return Ok(Err(e));
            }
            Ok(Ok(Filestat {
                dev: d.u()?,
                ino: d.u()?,
                filetype: filetype(d)?,
                nlink: d.u()?,
                size: d.u()?,
                atim: d.u()?,
                mtim: d.u()?,
                ctim: d.u()?,
            }))
        })
    }

    fn serve_open(&self, method: Method, inputs: impl FnOnce(&mut Encoder<'_>)) -> Result<ReplayHandle> {
        self.serve(method, inputs, opened)
    }

    fn serve_written(
        &self,
        method: Method,
        id: u32,
        bufs: &[&[u8]],
        inputs: impl FnOnce(&mut Encoder<'_>),
    ) -> Result<usize> {
        let total: usize = bufs.iter().map(|b| b.len()).fold(0, usize::saturating_add);
        let n = self.serve(method, inputs, |d, _| {
            if let Some(e) = d.errno()? {
                return Ok(Err(e));
            }
            let n: usize = d.u_as()?;
            if n > total {
                return Err(d.corrupt("more bytes written than given").into());
            }
            Ok(Ok(n))
        })?;
        self.forward(id, bufs, n);
        Ok(n)
    }

    fn serve_read(
        &self,
        method: Method,
        bufs: &mut [&mut [u8]],
        inputs: impl FnOnce(&mut Encoder<'_>),
    ) -> Result<usize> {
        self.serve(method, inputs, |d, _| {
            if let Some(e) = d.errno()? {
                return Ok(Err(e));
            }
            let data = d.bytes()?;
            scatter(d, bufs, data)?;
            Ok(Ok(data.len()))
        })
    }

    /// Show the first `n` bytes of a replayed write on the handle's output, if it has one.
    fn forward(&self, id: u32, bufs: &[&[u8]], n: usize) {
        let mut outputs = self.outputs.lock();
        if let Some((_, out)) = outputs.iter_mut().find(|(h, _)| *h == id) {
            let mut left = n;
            for b in bufs {
                let part = b.get(..left.min(b.len())).unwrap_or_default();
                if !part.is_empty() {
                    out(part);
                }
                left -= part.len();
            }
        }
    }
}

impl fmt::Debug for Replayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replayer").field("setup", &self.setup).field("log_bytes", &self.log.len()).finish()
    }
}

fn corrupt_text(c: Corrupt, record_at: usize) -> String {
    format!("a corrupt record at byte {record_at} of the log ({})", c.what)
}

fn show_end(end: &RunEnd) -> String {
    match end {
        Ok(Outcome::Exit(c)) => format!("exit status {c}"),
        Ok(Outcome::Signal(s)) => format!("signal {s}"),
        Err(RunError::Trap(m)) => format!("a trap ({m})"),
        Err(e) => format!("an error ({e})"),
    }
}

fn filetype(d: &mut Decoder<'_>) -> core::result::Result<Filetype, Corrupt> {
    Ok(match d.u()? {
        0 => Filetype::Unknown,
        1 => Filetype::BlockDevice,
        2 => Filetype::CharacterDevice,
        3 => Filetype::Directory,
        4 => Filetype::RegularFile,
        5 => Filetype::SocketDgram,
        6 => Filetype::SocketStream,
        7 => Filetype::SymbolicLink,
        _ => return Err(d.corrupt("unknown filetype")),
    })
}

fn opened(d: &mut Decoder<'_>, next: &mut u32) -> Served<ReplayHandle> {
    match d.value()? {
        Value::Errno(e) => Ok(Err(e)),
        Value::Handle(id) if id == *next => {
            *next = next.wrapping_add(1);
            Ok(Ok(ReplayHandle { id }))
        }
        _ => Err(d.corrupt("expected the next handle id or an errno").into()),
    }
}

/// Copy `data` into `bufs` in order; more data than room is a corrupt log.
fn scatter(d: &Decoder<'_>, bufs: &mut [&mut [u8]], mut data: &[u8]) -> core::result::Result<(), Corrupt> {
    for b in bufs.iter_mut() {
        if data.is_empty() {
            break;
        }
        let n = b.len().min(data.len());
        let (head, tail) = data.split_at(n);
        if let Some(dst) = b.get_mut(..n) {
            dst.copy_from_slice(head);
        }
        data = tail;
    }
    if data.is_empty() {
        Ok(())
    } else {
        Err(d.corrupt("more bytes than the buffers hold"))
    }
}

fn dir_name(e: &mut Encoder<'_>, dir: u32, name: &str) {
    e.handle(dir);
    e.str(name.as_bytes());
}

impl Platform for Replayer {
    type Handle = ReplayHandle;

    fn filetype(&self, h: &ReplayHandle) -> Result<Filetype> {
        self.serve(
            Method::Filetype,
            |e| e.handle(h.id),
            |d, _| {
                Ok(match d.errno()? {
                    Some(e) => Err(e),
                    None => Ok(filetype(d)?),
                })
            },
        )
    }

    fn fdflags(&self, h: &ReplayHandle) -> Result<FdFlags> {
        let bits = self.serve_u64(Method::Fdflags, |e| e.handle(h.id))?;
        Ok(FdFlags::from_bits_retain(u16::try_from(bits).unwrap_or(u16::MAX)))
    }

    fn set_fdflags(&self, h: &mut ReplayHandle, flags: FdFlags) -> Result<()> {
        self.serve_unit(Method::SetFdflags, |e| {
            e.handle(h.id);
            e.u(u64::from(flags.bits()));
        })
    }

    fn close(&self, h: ReplayHandle) -> Result<()> {
        self.serve_unit(Method::Close, |e| e.handle(h.id))
    }

    fn read(&self, h: &mut ReplayHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        let cap = inputs::capacity(bufs);
        self.serve_read(Method::Read, bufs, |e| {
            e.handle(h.id);
            e.u(cap);
        })
    }

    fn pread(&self, h: &mut ReplayHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        let cap = inputs::capacity(bufs);
        self.serve_read(Method::Pread, bufs, |e| {
            e.handle(h.id);
            e.u(cap);
            e.u(offset);
        })
    }

    fn write(&self, h: &mut ReplayHandle, bufs: &[&[u8]]) -> Result<usize> {
        self.serve_written(Method::Write, h.id, bufs, |e| {
            e.handle(h.id);
            inputs::data(e, bufs);
        })
    }

    fn pwrite(&self, h: &mut ReplayHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        self.serve_written(Method::Pwrite, h.id, bufs, |e| {
            e.handle(h.id);
            inputs::data(e, bufs);
            e.u(offset);
        })
    }

    fn seek(&self, h: &mut ReplayHandle, offset: i64, whence: Whence) -> Result<u64> {
        self.serve_u64(Method::Seek, |e| {
            e.handle(h.id);
            e.i(offset);
            inputs::whence(e, whence);
        })
    }

    fn sync(&self, h: &ReplayHandle) -> Result<()> {
        self.serve_unit(Method::Sync, |e| e.handle(h.id))
    }

    fn datasync(&self, h: &ReplayHandle) -> Result<()> {
        self.serve_unit(Method::Datasync, |e| e.handle(h.id))
    }

    fn advise(&self, h: &ReplayHandle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        self.serve_unit(Method::Advise, |e| {
            e.handle(h.id);
            e.u(offset);
            e.u(len);
            inputs::advice(e, advice);
        })
    }

    fn allocate(&self, h: &ReplayHandle, offset: u64, len: u64) -> Result<()> {
        self.serve_unit(Method::Allocate, |e| {
            e.handle(h.id);
            e.u(offset);
            e.u(len);
        })
    }

    fn filestat(&self, h: &ReplayHandle) -> Result<Filestat> {
        self.serve_stat(Method::Filestat, |e| e.handle(h.id))
    }

    fn set_size(&self, h: &ReplayHandle, size: u64) -> Result<()> {
        self.serve_unit(Method::SetSize, |e| {
            e.handle(h.id);
            e.u(size);
        })
    }

    fn set_times(&self, h: &ReplayHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.serve_unit(Method::SetTimes, |e| {
            e.handle(h.id);
            inputs::set_time(e, atim);
            inputs::set_time(e, mtim);
        })
    }

    fn readdir(
        &self,
        h: &mut ReplayHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        self.serve(
            Method::Readdir,
            |e| {
                e.handle(h.id);
                e.u(cookie);
            },
            |d, _| {
                let count = d.u()?;
                let mut wants_more = true;
                for _ in 0..count {
                    let next = d.u()?;
                    let ino = d.u()?;
                    let filetype = filetype(d)?;
                    let name = d.str()?;
                    if wants_more {
                        wants_more = sink(&DirEntry { next, ino, filetype, name });
                    }
                }
                let stopped = d.flag()?;
                let r = d.unit()?;
                if wants_more && stopped {
                    return Err(Failure::Diverged {
                        expected: format!("a listing that stopped after {count} entries"),
                        actual: String::from("a readdir that wanted more entries"),
                    });
                }
                Ok(r)
            },
        )
    }

    fn open_at(&self, dir: &ReplayHandle, name: &str, opts: &OpenOptions) -> Result<ReplayHandle> {
        self.serve_open(Method::OpenAt, |e| {
            dir_name(e, dir.id, name);
            inputs::open_options(e, opts);
        })
    }

    fn open_beneath(
        &self,
        dir: &ReplayHandle,
        path: &str,
        opts: &OpenOptions,
    ) -> Option<Result<ReplayHandle>> {
        let r = self.serve(
            Method::OpenBeneath,
            |e| {
                dir_name(e, dir.id, path);
                inputs::open_options(e, opts);
            },
            |d, next| {
                if d.peek()? == Value::Nothing {
                    d.value()?;
                    return Ok(Ok(None));
                }
                Ok(opened(d, next)?.map(Some))
            },
        );
        match r {
            Ok(None) => None,
            Ok(Some(h)) => Some(Ok(h)),
            Err(e) => Some(Err(e)),
        }
    }

    fn stat_at(&self, dir: &ReplayHandle, name: &str, follow: bool) -> Result<Filestat> {
        self.serve_stat(Method::StatAt, |e| {
            dir_name(e, dir.id, name);
            e.flag(follow);
        })
    }

    fn readlink_at(&self, dir: &ReplayHandle, name: &str) -> Result<Vec<u8>> {
        self.serve(
            Method::ReadlinkAt,
            |e| dir_name(e, dir.id, name),
            |d, _| {
                Ok(match d.errno()? {
                    Some(e) => Err(e),
                    None => Ok(d.bytes()?.to_vec()),
                })
            },
        )
    }

    fn mkdir_at(&self, dir: &ReplayHandle, name: &str) -> Result<()> {
        self.serve_unit(Method::MkdirAt, |e| dir_name(e, dir.id, name))
    }

    fn rmdir_at(&self, dir: &ReplayHandle, name: &str) -> Result<()> {
        self.serve_unit(Method::RmdirAt, |e| dir_name(e, dir.id, name))
    }

    fn unlink_at(&self, dir: &ReplayHandle, name: &str) -> Result<()> {
        self.serve_unit(Method::UnlinkAt, |e| dir_name(e, dir.id, name))
    }

    fn rename_at(&self, old_dir: &ReplayHandle, old: &str, new_dir: &ReplayHandle, new: &str) -> Result<()> {
        self.serve_unit(Method::RenameAt, |e| {
            dir_name(e, old_dir.id, old);
            dir_name(e, new_dir.id, new);
        })
    }

    fn link_at(&self, old_dir: &ReplayHandle, old: &str, new_dir: &ReplayHandle, new: &str) -> Result<()> {
        self.serve_unit(Method::LinkAt, |e| {
            dir_name(e, old_dir.id, old);
            dir_name(e, new_dir.id, new);
        })
    }

    fn symlink_at(&self, target: &str, dir: &ReplayHandle, name: &str) -> Result<()> {
        self.serve_unit(Method::SymlinkAt, |e| {
            e.str(target.as_bytes());
            dir_name(e, dir.id, name);
        })
    }

    fn set_times_at(
        &self,
        dir: &ReplayHandle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        self.serve_unit(Method::SetTimesAt, |e| {
            dir_name(e, dir.id, name);
            inputs::set_time(e, atim);
            inputs::set_time(e, mtim);
            e.flag(follow);
        })
    }

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        self.serve_u64(Method::ClockRes, |e| inputs::clock(e, clock))
    }

    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64> {
        self.serve_u64(Method::ClockTime, |e| {
            inputs::clock(e, clock);
            e.u(precision);
        })
    }

    fn random(&self, buf: &mut [u8]) -> Result<()> {
        let len = buf.len() as u64;
        self.serve(
            Method::Random,
            |e| e.u(len),
            |d, _| {
                if let Some(e) = d.errno()? {
                    return Ok(Err(e));
                }
                let data = d.bytes()?;
                if data.len() != buf.len() {
                    return Err(d.corrupt("random bytes of the wrong length").into());
                }
                buf.copy_from_slice(data);
                Ok(Ok(()))
            },
        )
    }

    fn sched_yield(&self) -> Result<()> {
        self.serve_unit(Method::SchedYield, |_| {})
    }

    fn poll(&self, fds: &mut [PollFd<'_, ReplayHandle>], deadline: Option<Deadline>) -> Result<()> {
        // Encoded up front: the outputs below need the fds mutably.
        let mut encoded = Vec::new();
        poll_inputs(&mut Encoder { buf: &mut encoded }, fds, deadline);
        self.serve(
            Method::Poll,
            |e| e.buf.extend_from_slice(&encoded),
            |d, _| {
                if let Some(e) = d.errno()? {
                    return Ok(Err(e));
                }
                if d.u()? != fds.len() as u64 {
                    return Err(d.corrupt("poll outcome for a different number of fds").into());
                }
                for f in fds.iter_mut() {
                    f.ready = match d.value()? {
                        Value::Nothing => None,
                        Value::U(n) => Some(Ok(n)),
                        Value::Errno(e) => Some(Err(e)),
                        _ => return Err(d.corrupt("expected a poll readiness").into()),
                    };
                    f.hangup = d.flag()?;
                }
                Ok(Ok(()))
            },
        )
    }

    fn sock_accept(&self, h: &ReplayHandle, flags: FdFlags) -> Result<ReplayHandle> {
        self.serve_open(Method::SockAccept, |e| {
            e.handle(h.id);
            e.u(u64::from(flags.bits()));
        })
    }

    fn sock_recv(
        &self,
        h: &mut ReplayHandle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        let cap = inputs::capacity(bufs);
        self.serve(
            Method::SockRecv,
            |e| {
                e.handle(h.id);
                e.u(cap);
                e.u(u64::from(flags.bits()));
            },
            |d, _| {
                if let Some(e) = d.errno()? {
                    return Ok(Err(e));
                }
                let data = d.bytes()?;
                scatter(d, bufs, data)?;
                let ro = RoFlags::from_bits_retain(d.u_as()?);
                Ok(Ok((data.len(), ro)))
            },
        )
    }

    fn sock_send(&self, h: &mut ReplayHandle, bufs: &[&[u8]]) -> Result<usize> {
        self.serve_written(Method::SockSend, h.id, bufs, |e| {
            e.handle(h.id);
            inputs::data(e, bufs);
        })
    }

    fn sock_shutdown(&self, h: &ReplayHandle, how: SdFlags) -> Result<()> {
        self.serve_unit(Method::SockShutdown, |e| {
            e.handle(h.id);
            e.u(u64::from(how.bits()));
        })
    }

    fn exit_requested(&self) -> Option<Exit> {
        self.state.lock().divergence.as_ref().map(|_| Exit::Signal(SIGKILL))
    }
}
