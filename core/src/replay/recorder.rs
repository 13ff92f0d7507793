//! [`Recorder`]: a platform wrapper that logs every call with what the guest could
//! observe of its answer.

use super::codec::Encoder;
use super::format::{encode_end, put_record, Method, RunEnd, RunSetup};
use super::inputs;
use crate::abi::{
    Advice, ClockId, FdFlags, Filestat, Filetype, Result, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use crate::platform::{Deadline, DirEntry, OpenOptions, Platform, PollFd};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use spin::Mutex;

/// Where a [`Recorder`] writes its log.
pub trait LogSink: Send {
    /// Append `bytes` to the log.
    fn append(&mut self, bytes: &[u8]) -> core::result::Result<(), SinkError>;
    /// Make everything appended so far durable.
    fn flush(&mut self) -> core::result::Result<(), SinkError> {
        Ok(())
    }
}

/// A log sink failed (the message says why).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinkError(pub String);

impl core::fmt::Display for SinkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "std")]
impl<W: std::io::Write + Send> LogSink for W {
    fn append(&mut self, bytes: &[u8]) -> core::result::Result<(), SinkError> {
        self.write_all(bytes).map_err(|e| SinkError(alloc::format!("{e}")))
    }
    fn flush(&mut self) -> core::result::Result<(), SinkError> {
        std::io::Write::flush(self).map_err(|e| SinkError(alloc::format!("{e}")))
    }
}

#[cfg(not(feature = "std"))]
impl LogSink for Vec<u8> {
    fn append(&mut self, bytes: &[u8]) -> core::result::Result<(), SinkError> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// A handle of a [`Recorder`]: the inner platform's handle and the id the log knows it by.
#[derive(Debug)]
pub struct Recorded<H> {
    id: u32,
    inner: H,
}

impl<H> Recorded<H> {
    /// The id of this handle in the log.
    pub fn id(&self) -> u32 {
        self.id
    }
    /// The inner platform's handle.
    pub fn inner(&self) -> &H {
        &self.inner
    }
    /// The inner platform's handle, mutably.
    pub fn inner_mut(&mut self) -> &mut H {
        &mut self.inner
    }
}

/// Records appended before the header is written wait here; after it, records are
/// handed to the sink in chunks of about this many bytes.
const FLUSH_AT: usize = 64 * 1024;

struct RecordState {
    sink: Box<dyn LogSink>,
    pending: Vec<u8>,
    inputs: Vec<u8>,
    outputs: Vec<u8>,
    next_handle: u32,
    started: bool,
    ended: bool,
    calls: u64,
    error: Option<SinkError>,
}

impl RecordState {
    fn flush_pending(&mut self) {
        if !self.started || self.pending.is_empty() {
            return;
        }
        if self.error.is_none() {
            if let Err(e) = self.sink.append(&self.pending) {
                self.error = Some(e);
            }
        }
        self.pending.clear();
    }
}

/// A [`Platform`] that passes every call to `P` and appends to a log each call's inputs
/// (method, handle ids, names, offsets, sizes; for writes the length and a digest of the
/// bytes) and everything the guest could observe of its outcome (results, errnos, bytes
/// read, stats, clock values, random bytes, poll outcomes, directory entries, the ids of
/// handles opened). [`Replayer`](super::Replayer) serves a run from that log alone.
///
/// Use: [`adopt`](Self::adopt) each host handle (stdio, preopens, sockets) before the
/// run, then [`start`](Self::start) with the run's setup (it writes the header), run
/// the guest, then [`finish`](Self::finish) with how it ended.
///
/// A sink failure does not disturb the guest: it is kept and returned by `finish`.
pub struct Recorder<P: Platform> {
    inner: P,
    state: Mutex<RecordState>,
}

impl<P: Platform> Recorder<P> {
    /// Record the calls made to `inner` into `sink`.
    pub fn new(inner: P, sink: impl LogSink + 'static) -> Self {
        Recorder {
            inner,
            state: Mutex::new(RecordState {
                sink: Box::new(sink),
                pending: Vec::new(),
                inputs: Vec::new(),
                outputs: Vec::new(),
                next_handle: 0,
                started: false,
                ended: false,
                calls: 0,
                error: None,
            }),
        }
    }

    /// The wrapped platform.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Give a host handle (stdio, a preopened directory or socket) an id; name that id
    /// in the [`RunSetup`] passed to [`start`](Self::start).
    pub fn adopt(&self, h: P::Handle) -> Recorded<P::Handle> {
        let mut st = self.state.lock();
        let id = st.next_handle;
        st.next_handle = st.next_handle.wrapping_add(1);
        Recorded { id, inner: h }
    }

    /// Write the log's header: `setup`, with `handles` set to the number adopted so far.
    pub fn start(&self, setup: &RunSetup) -> core::result::Result<(), SinkError> {
        let mut st = self.state.lock();
        let header = RunSetup { handles: st.next_handle, ..setup.clone() }.encode();
        if let Err(e) = st.sink.append(&header) {
            st.error.get_or_insert(e);
        }
        st.started = true;
        st.flush_pending();
        st.error.clone().map_or(Ok(()), Err)
    }

    /// Append the `end` record, hand everything to the sink and flush it. Calls made
    /// afterwards are passed through unrecorded. Returns the first sink error, if any.
    pub fn finish(&self, end: &RunEnd) -> core::result::Result<(), SinkError> {
        let mut st = self.state.lock();
        if !st.ended {
            let mut out = Vec::new();
            encode_end(&mut Encoder { buf: &mut out }, end);
            put_record(&mut st.pending, Method::End, &[], &out);
            st.ended = true;
        }
        st.started = true;
        st.flush_pending();
        if st.error.is_none() {
            if let Err(e) = st.sink.flush() {
                st.error = Some(e);
            }
        }
        st.error.clone().map_or(Ok(()), Err)
    }

    /// How many calls have been recorded.
    pub fn calls(&self) -> u64 {
        self.state.lock().calls
    }

    /// Append one record. `outputs` may allocate handle ids from the counter it is given.
    /// No foreign code runs while the lock is held: both closures only encode.
    fn log<R>(
        &self,
        method: Method,
        inputs: impl FnOnce(&mut Encoder<'_>),
        outputs: impl FnOnce(&mut Encoder<'_>, &mut u32) -> R,
    ) -> R {
        let mut guard = self.state.lock();
        let st = &mut *guard;
        st.inputs.clear();
        st.outputs.clear();
        inputs(&mut Encoder { buf: &mut st.inputs });
        let r = outputs(&mut Encoder { buf: &mut st.outputs }, &mut st.next_handle);
        if !st.ended {
            put_record(&mut st.pending, method, &st.inputs, &st.outputs);
            st.calls = st.calls.saturating_add(1);
            if st.pending.len() >= FLUSH_AT {
                st.flush_pending();
            }
        }
        r
    }

    fn log_unit(&self, method: Method, inputs: impl FnOnce(&mut Encoder<'_>), r: Result<()>) -> Result<()> {
        self.log(method, inputs, |e, _| e.unit(&r));
        r
    }

    fn log_u64(&self, method: Method, inputs: impl FnOnce(&mut Encoder<'_>), r: Result<u64>) -> Result<u64> {
        self.log(method, inputs, |e, _| match r {
            Ok(v) => e.u(v),
            Err(er) => e.errno(er),
        });
        r
    }

    fn log_stat(
        &self,
        method: Method,
        inputs: impl FnOnce(&mut Encoder<'_>),
        r: Result<Filestat>,
    ) -> Result<Filestat> {
        self.log(method, inputs, |e, _| match &r {
            Ok(s) => inputs::filestat(e, s),
            Err(er) => e.errno(*er),
        });
        r
    }

    fn log_open(
        &self,
        method: Method,
        inputs: impl FnOnce(&mut Encoder<'_>),
        r: Result<P::Handle>,
    ) -> Result<Recorded<P::Handle>> {
        self.log(method, inputs, |e, next| match r {
            Ok(h) => {
                let id = *next;
                *next = next.wrapping_add(1);
                e.handle(id);
                Ok(Recorded { id, inner: h })
            }
            Err(er) => {
                e.errno(er);
                Err(er)
            }
        })
    }

    fn log_read(
        &self,
        method: Method,
        inputs: impl FnOnce(&mut Encoder<'_>),
        bufs: &[&mut [u8]],
        r: Result<usize>,
    ) -> Result<usize> {
        self.log(method, inputs, |e, _| match r {
            Ok(n) => e.bytes_from(bufs, n),
            Err(er) => e.errno(er),
        });
        r
    }
}

impl<P: Platform> Platform for Recorder<P> {
    type Handle = Recorded<P::Handle>;

    fn filetype(&self, h: &Self::Handle) -> Result<Filetype> {
        let r = self.inner.filetype(&h.inner);
        self.log_u64(Method::Filetype, |e| e.handle(h.id), r.map(|t| t as u64))?;
        r
    }

    fn fdflags(&self, h: &Self::Handle) -> Result<FdFlags> {
        let r = self.inner.fdflags(&h.inner);
        self.log_u64(Method::Fdflags, |e| e.handle(h.id), r.map(|f| u64::from(f.bits())))?;
        r
    }

    fn set_fdflags(&self, h: &mut Self::Handle, flags: FdFlags) -> Result<()> {
        let r = self.inner.set_fdflags(&mut h.inner, flags);
        self.log_unit(
            Method::SetFdflags,
            |e| {
                e.handle(h.id);
                e.u(u64::from(flags.bits()));
            },
            r,
        )
    }

    fn close(&self, h: Self::Handle) -> Result<()> {
        let id = h.id;
        let r = self.inner.close(h.inner);
        self.log_unit(Method::Close, |e| e.handle(id), r)
    }

    fn read(&self, h: &mut Self::Handle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        let cap = inputs::capacity(bufs);
        let r = self.inner.read(&mut h.inner, bufs);
        self.log_read(
            Method::Read,
            |e| {
                e.handle(h.id);
                e.u(cap);
            },
            bufs,
            r,
        )
    }

    fn pread(&self, h: &mut Self::Handle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        let cap = inputs::capacity(bufs);
        let r = self.inner.pread(&mut h.inner, bufs, offset);
        self.log_read(
            Method::Pread,
            |e| {
                e.handle(h.id);
                e.u(cap);
                e.u(offset);
            },
            bufs,
            r,
        )
    }

    fn write(&self, h: &mut Self::Handle, bufs: &[&[u8]]) -> Result<usize> {
        let r = self.inner.write(&mut h.inner, bufs);
        let id = h.id;
        self.log_u64(
            Method::Write,
            |e| {
                e.handle(id);
                inputs::data(e, bufs);
            },
            r.map(|n| n as u64),
        )?;
        r
    }

    fn pwrite(&self, h: &mut Self::Handle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        let r = self.inner.pwrite(&mut h.inner, bufs, offset);
        let id = h.id;
        self.log_u64(
            Method::Pwrite,
            |e| {
                e.handle(id);
                inputs::data(e, bufs);
                e.u(offset);
            },
            r.map(|n| n as u64),
        )?;
        r
    }

    fn seek(&self, h: &mut Self::Handle, offset: i64, whence: Whence) -> Result<u64> {
        let r = self.inner.seek(&mut h.inner, offset, whence);
        self.log_u64(
            Method::Seek,
            |e| {
                e.handle(h.id);
                e.i(offset);
                inputs::whence(e, whence);
            },
            r,
        )
    }

    fn sync(&self, h: &Self::Handle) -> Result<()> {
        let r = self.inner.sync(&h.inner);
        self.log_unit(Method::Sync, |e| e.handle(h.id), r)
    }

    fn datasync(&self, h: &Self::Handle) -> Result<()> {
        let r = self.inner.datasync(&h.inner);
        self.log_unit(Method::Datasync, |e| e.handle(h.id), r)
    }

    fn advise(&self, h: &Self::Handle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        let r = self.inner.advise(&h.inner, offset, len, advice);
        self.log_unit(
            Method::Advise,
            |e| {
                e.handle(h.id);
                e.u(offset);
                e.u(len);
                inputs::advice(e, advice);
            },
            r,
        )
    }

    fn allocate(&self, h: &Self::Handle, offset: u64, len: u64) -> Result<()> {
        let r = self.inner.allocate(&h.inner, offset, len);
        self.log_unit(
            Method::Allocate,
            |e| {
                e.handle(h.id);
                e.u(offset);
                e.u(len);
            },
            r,
        )
    }

    fn filestat(&self, h: &Self::Handle) -> Result<Filestat> {
        let r = self.inner.filestat(&h.inner);
        self.log_stat(Method::Filestat, |e| e.handle(h.id), r)
    }

    fn set_size(&self, h: &Self::Handle, size: u64) -> Result<()> {
        let r = self.inner.set_size(&h.inner, size);
        self.log_unit(
            Method::SetSize,
            |e| {
                e.handle(h.id);
                e.u(size);
            },
            r,
        )
    }

    fn set_times(&self, h: &Self::Handle, atim: SetTime, mtim: SetTime) -> Result<()> {
        let r = self.inner.set_times(&h.inner, atim, mtim);
        self.log_unit(
            Method::SetTimes,
            |e| {
                e.handle(h.id);
                inputs::set_time(e, atim);
                inputs::set_time(e, mtim);
            },
            r,
        )
    }

    fn readdir(
        &self,
        h: &mut Self::Handle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        // Entries are kept until the call returns: the log's lock is never held while
        // the inner platform or the caller's sink runs.
        let mut seen: Vec<(u64, u64, Filetype, Vec<u8>)> = Vec::new();
        let mut stopped = false;
        let r = self.inner.readdir(&mut h.inner, cookie, &mut |entry| {
            let more = sink(entry);
            seen.push((entry.next, entry.ino, entry.filetype, entry.name.to_vec()));
            stopped = !more;
            more
        });
        self.log(
            Method::Readdir,
            |e| {
                e.handle(h.id);
                e.u(cookie);
            },
            |e, _| {
                e.u(seen.len() as u64);
                for (next, ino, ft, name) in &seen {
                    e.u(*next);
                    e.u(*ino);
                    e.u(*ft as u64);
                    e.str(name);
                }
                e.flag(stopped);
                e.unit(&r);
            },
        );
        r
    }

    fn open_at(&self, dir: &Self::Handle, name: &str, opts: &OpenOptions) -> Result<Self::Handle> {
        let r = self.inner.open_at(&dir.inner, name, opts);
        self.log_open(
            Method::OpenAt,
            |e| {
                e.handle(dir.id);
                e.str(name.as_bytes());
                inputs::open_options(e, opts);
            },
            r,
        )
    }

    fn open_beneath(
        &self,
        dir: &Self::Handle,
        path: &str,
        opts: &OpenOptions,
    ) -> Option<Result<Self::Handle>> {
        let r = self.inner.open_beneath(&dir.inner, path, opts);
        let inputs = |e: &mut Encoder<'_>| {
            e.handle(dir.id);
            e.str(path.as_bytes());
            inputs::open_options(e, opts);
        };
        match r {
            None => {
                self.log(Method::OpenBeneath, inputs, |e, _| e.nothing());
                None
            }
            Some(r) => Some(self.log_open(Method::OpenBeneath, inputs, r)),
        }
    }

    fn stat_at(&self, dir: &Self::Handle, name: &str, follow: bool) -> Result<Filestat> {
        let r = self.inner.stat_at(&dir.inner, name, follow);
        self.log_stat(
            Method::StatAt,
            |e| {
                e.handle(dir.id);
                e.str(name.as_bytes());
                e.flag(follow);
            },
            r,
        )
    }

    fn readlink_at(&self, dir: &Self::Handle, name: &str) -> Result<Vec<u8>> {
        let r = self.inner.readlink_at(&dir.inner, name);
        self.log(
            Method::ReadlinkAt,
            |e| {
                e.handle(dir.id);
                e.str(name.as_bytes());
            },
            |e, _| match &r {
                Ok(t) => e.bytes(t),
                Err(er) => e.errno(*er),
            },
        );
        r
    }

    fn mkdir_at(&self, dir: &Self::Handle, name: &str) -> Result<()> {
        let r = self.inner.mkdir_at(&dir.inner, name);
        self.log_unit(Method::MkdirAt, |e| dir_name(e, dir.id, name), r)
    }

    fn rmdir_at(&self, dir: &Self::Handle, name: &str) -> Result<()> {
        let r = self.inner.rmdir_at(&dir.inner, name);
        self.log_unit(Method::RmdirAt, |e| dir_name(e, dir.id, name), r)
    }

    fn unlink_at(&self, dir: &Self::Handle, name: &str) -> Result<()> {
        let r = self.inner.unlink_at(&dir.inner, name);
        self.log_unit(Method::UnlinkAt, |e| dir_name(e, dir.id, name), r)
    }

    fn rename_at(&self, old_dir: &Self::Handle, old: &str, new_dir: &Self::Handle, new: &str) -> Result<()> {
        let r = self.inner.rename_at(&old_dir.inner, old, &new_dir.inner, new);
        self.log_unit(
            Method::RenameAt,
            |e| {
                dir_name(e, old_dir.id, old);
                dir_name(e, new_dir.id, new);
            },
            r,
        )
    }

    fn link_at(&self, old_dir: &Self::Handle, old: &str, new_dir: &Self::Handle, new: &str) -> Result<()> {
        let r = self.inner.link_at(&old_dir.inner, old, &new_dir.inner, new);
        self.log_unit(
            Method::LinkAt,
            |e| {
                dir_name(e, old_dir.id, old);
                dir_name(e, new_dir.id, new);
            },
            r,
        )
    }

    fn symlink_at(&self, target: &str, dir: &Self::Handle, name: &str) -> Result<()> {
        let r = self.inner.symlink_at(target, &dir.inner, name);
        self.log_unit(
            Method::SymlinkAt,
            |e| {
                e.str(target.as_bytes());
                dir_name(e, dir.id, name);
            },
            r,
        )
    }

    fn set_times_at(
        &self,
        dir: &Self::Handle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        let r = self.inner.set_times_at(&dir.inner, name, atim, mtim, follow);
        self.log_unit(
            Method::SetTimesAt,
            |e| {
                dir_name(e, dir.id, name);
                inputs::set_time(e, atim);
                inputs::set_time(e, mtim);
                e.flag(follow);
            },
            r,
        )
    }

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        let r = self.inner.clock_res(clock);
        self.log_u64(Method::ClockRes, |e| inputs::clock(e, clock), r)
    }

    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64> {
        let r = self.inner.clock_time(clock, precision);
        self.log_u64(
            Method::ClockTime,
            |e| {
                inputs::clock(e, clock);
                e.u(precision);
            },
            r,
        )
    }

    fn random(&self, buf: &mut [u8]) -> Result<()> {
        let r = self.inner.random(buf);
        self.log(
            Method::Random,
            |e| e.u(buf.len() as u64),
            |e, _| match r {
                Ok(()) => e.bytes(buf),
                Err(er) => e.errno(er),
            },
        );
        r
    }

    fn sched_yield(&self) -> Result<()> {
        let r = self.inner.sched_yield();
        self.log_unit(Method::SchedYield, |_| {}, r)
    }

    fn poll(&self, fds: &mut [PollFd<'_, Self::Handle>], deadline: Option<Deadline>) -> Result<()> {
        let mut inner_fds: Vec<PollFd<'_, P::Handle>> = fds
            .iter()
            .map(|f| {
                let h: &Recorded<P::Handle> = f.handle;
                PollFd { handle: &h.inner, write: f.write, ready: f.ready, hangup: f.hangup }
            })
            .collect();
        let r = self.inner.poll(&mut inner_fds, deadline);
        for (outer, inner) in fds.iter_mut().zip(&inner_fds) {
            outer.ready = inner.ready;
            outer.hangup = inner.hangup;
        }
        drop(inner_fds);
        self.log(Method::Poll, |e| poll_inputs(e, fds, deadline), |e, _| poll_outputs(e, fds, &r));
        r
    }

    fn sock_accept(&self, h: &Self::Handle, flags: FdFlags) -> Result<Self::Handle> {
        let r = self.inner.sock_accept(&h.inner, flags);
        self.log_open(
            Method::SockAccept,
            |e| {
                e.handle(h.id);
                e.u(u64::from(flags.bits()));
            },
            r,
        )
    }

    fn sock_recv(
        &self,
        h: &mut Self::Handle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        let cap = inputs::capacity(bufs);
        let r = self.inner.sock_recv(&mut h.inner, bufs, flags);
        self.log(
            Method::SockRecv,
            |e| {
                e.handle(h.id);
                e.u(cap);
                e.u(u64::from(flags.bits()));
            },
            |e, _| match r {
                Ok((n, ro)) => {
                    e.bytes_from(bufs, n);
                    e.u(u64::from(ro.bits()));
                }
                Err(er) => e.errno(er),
            },
        );
        r
    }

    fn sock_send(&self, h: &mut Self::Handle, bufs: &[&[u8]]) -> Result<usize> {
        let r = self.inner.sock_send(&mut h.inner, bufs);
        let id = h.id;
        self.log_u64(
            Method::SockSend,
            |e| {
                e.handle(id);
                inputs::data(e, bufs);
            },
            r.map(|n| n as u64),
        )?;
        r
    }

    fn sock_shutdown(&self, h: &Self::Handle, how: SdFlags) -> Result<()> {
        let r = self.inner.sock_shutdown(&h.inner, how);
        self.log_unit(
            Method::SockShutdown,
            |e| {
                e.handle(h.id);
                e.u(u64::from(how.bits()));
            },
            r,
        )
    }

    fn exit_requested(&self) -> Option<crate::Exit> {
        self.inner.exit_requested()
    }
}

fn dir_name(e: &mut Encoder<'_>, dir: u32, name: &str) {
    e.handle(dir);
    e.str(name.as_bytes());
}

/// Poll's inputs: the deadline, then each fd's handle and direction.
pub(crate) fn poll_inputs<H>(e: &mut Encoder<'_>, fds: &[PollFd<'_, H>], deadline: Option<Deadline>)
where
    H: HandleId,
{
    match deadline {
        Some(d) => {
            inputs::clock(e, d.clock);
            e.u(d.at);
        }
        None => {
            e.nothing();
            e.nothing();
        }
    }
    for f in fds {
        e.handle(f.handle.handle_id());
        e.flag(f.write);
    }
}

fn poll_outputs<H>(e: &mut Encoder<'_>, fds: &[PollFd<'_, H>], r: &Result<()>) {
    if let Err(er) = r {
        e.errno(*er);
        return;
    }
    // The count first, so that a first fd's errno cannot be read as the call's.
    e.u(fds.len() as u64);
    for f in fds {
        match f.ready {
            None => e.nothing(),
            Some(Ok(n)) => e.u(n),
            Some(Err(er)) => e.errno(er),
        }
        e.flag(f.hangup);
    }
}

/// A handle that knows its id in the log.
pub(crate) trait HandleId {
    fn handle_id(&self) -> u32;
}

impl<H> HandleId for Recorded<H> {
    fn handle_id(&self) -> u32 {
        self.id
    }
}
