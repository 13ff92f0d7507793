//! [`Deterministic`]: any platform, with virtual clocks and a seeded random source.

use super::clock::{VirtualClock, DEFAULT_REALTIME_START, DEFAULT_SEED, DEFAULT_TICK};
use super::random::SeededRandom;
use crate::abi::{
    Advice, ClockId, FdFlags, Filestat, Filetype, Result, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use crate::ctx::Exit;
use crate::platform::{Deadline, DirEntry, OpenOptions, Platform, PollFd};
use alloc::vec::Vec;
use spin::Mutex;

/// The clocks and seed of a [`Deterministic`] platform. The defaults are those of
/// `wasibox-mem`, so a guest reads the same clocks and random bytes on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeterministicConfig {
    /// Seed of the random source.
    pub seed: u64,
    /// Realtime clock at start, in nanoseconds since the Unix epoch.
    pub realtime_start: u64,
    /// Monotonic clock at start, in nanoseconds.
    pub monotonic_start: u64,
    /// Nanoseconds the clocks advance per reading (0: frozen).
    pub tick: u64,
}

impl Default for DeterministicConfig {
    fn default() -> Self {
        DeterministicConfig {
            seed: DEFAULT_SEED,
            realtime_start: DEFAULT_REALTIME_START,
            monotonic_start: 0,
            tick: DEFAULT_TICK,
        }
    }
}

/// A [`Platform`] that serves clocks from a [`VirtualClock`] and `random` from a
/// [`SeededRandom`], and passes everything else to `P`.
///
/// - Every clock reading returns the virtual time, then advances it by one tick. The
///   resolution of every clock is 1 ns (as `wasibox-mem` says).
/// - A `poll` with no fds (a sleep) advances the virtual clock to its deadline at once.
///   A `poll` with fds asks `P` for them, waiting as long on the host's monotonic clock
///   as the deadline is away on the virtual one; if nothing became ready, the virtual
///   clock then jumps to the deadline.
/// - `set_times` with "now" sets the virtual realtime, not the host's.
///
/// What the host's files hold (sizes, timestamps the host sets on writes, inode
/// numbers, the order of directory entries) still comes from `P`: for a world that is
/// deterministic all the way down, use `wasibox-mem`, or record the run once and replay
/// it ([`Recorder`](super::Recorder), [`Replayer`](super::Replayer)).
pub struct Deterministic<P: Platform> {
    inner: P,
    clock: Mutex<VirtualClock>,
    rng: Mutex<SeededRandom>,
}

impl<P: Platform> Deterministic<P> {
    /// Wrap `inner`.
    pub fn new(inner: P, config: DeterministicConfig) -> Self {
        Deterministic {
            inner,
            clock: Mutex::new(VirtualClock::new(config.realtime_start, config.monotonic_start, config.tick)),
            rng: Mutex::new(SeededRandom::new(config.seed)),
        }
    }

    /// The wrapped platform.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// The current value of `clock`, without advancing it.
    pub fn peek_clock(&self, clock: ClockId) -> u64 {
        self.clock.lock().peek(clock)
    }

    fn virtual_now(&self, t: SetTime) -> SetTime {
        match t {
            SetTime::Now => SetTime::At(self.peek_clock(ClockId::Realtime)),
            other => other,
        }
    }
}

impl<P: Platform> Platform for Deterministic<P> {
    type Handle = P::Handle;

    fn filetype(&self, h: &P::Handle) -> Result<Filetype> {
        self.inner.filetype(h)
    }
    fn fdflags(&self, h: &P::Handle) -> Result<FdFlags> {
        self.inner.fdflags(h)
    }
    fn set_fdflags(&self, h: &mut P::Handle, flags: FdFlags) -> Result<()> {
        self.inner.set_fdflags(h, flags)
    }
    fn close(&self, h: P::Handle) -> Result<()> {
        self.inner.close(h)
    }
    fn read(&self, h: &mut P::Handle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        self.inner.read(h, bufs)
    }
    fn pread(&self, h: &mut P::Handle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        self.inner.pread(h, bufs, offset)
    }
    fn write(&self, h: &mut P::Handle, bufs: &[&[u8]]) -> Result<usize> {
        self.inner.write(h, bufs)
    }
    fn pwrite(&self, h: &mut P::Handle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        self.inner.pwrite(h, bufs, offset)
    }
    fn seek(&self, h: &mut P::Handle, offset: i64, whence: Whence) -> Result<u64> {
        self.inner.seek(h, offset, whence)
    }
    fn sync(&self, h: &P::Handle) -> Result<()> {
        self.inner.sync(h)
    }
    fn datasync(&self, h: &P::Handle) -> Result<()> {
        self.inner.datasync(h)
    }
    fn advise(&self, h: &P::Handle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        self.inner.advise(h, offset, len, advice)
    }
    fn allocate(&self, h: &P::Handle, offset: u64, len: u64) -> Result<()> {
        self.inner.allocate(h, offset, len)
    }
    fn filestat(&self, h: &P::Handle) -> Result<Filestat> {
        self.inner.filestat(h)
    }
    fn set_size(&self, h: &P::Handle, size: u64) -> Result<()> {
        self.inner.set_size(h, size)
    }
    fn set_times(&self, h: &P::Handle, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.inner.set_times(h, self.virtual_now(atim), self.virtual_now(mtim))
    }
    fn readdir(
        &self,
        h: &mut P::Handle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        self.inner.readdir(h, cookie, sink)
    }
    fn open_at(&self, dir: &P::Handle, name: &str, opts: &OpenOptions) -> Result<P::Handle> {
        self.inner.open_at(dir, name, opts)
    }
    fn open_beneath(&self, dir: &P::Handle, path: &str, opts: &OpenOptions) -> Option<Result<P::Handle>> {
        self.inner.open_beneath(dir, path, opts)
    }
    fn stat_at(&self, dir: &P::Handle, name: &str, follow: bool) -> Result<Filestat> {
        self.inner.stat_at(dir, name, follow)
    }
    fn readlink_at(&self, dir: &P::Handle, name: &str) -> Result<Vec<u8>> {
        self.inner.readlink_at(dir, name)
    }
    fn mkdir_at(&self, dir: &P::Handle, name: &str) -> Result<()> {
        self.inner.mkdir_at(dir, name)
    }
    fn rmdir_at(&self, dir: &P::Handle, name: &str) -> Result<()> {
        self.inner.rmdir_at(dir, name)
    }
    fn unlink_at(&self, dir: &P::Handle, name: &str) -> Result<()> {
        self.inner.unlink_at(dir, name)
    }
    fn rename_at(&self, old_dir: &P::Handle, old: &str, new_dir: &P::Handle, new: &str) -> Result<()> {
        self.inner.rename_at(old_dir, old, new_dir, new)
    }
    fn link_at(&self, old_dir: &P::Handle, old: &str, new_dir: &P::Handle, new: &str) -> Result<()> {
        self.inner.link_at(old_dir, old, new_dir, new)
    }
    fn symlink_at(&self, target: &str, dir: &P::Handle, name: &str) -> Result<()> {
        self.inner.symlink_at(target, dir, name)
    }
    fn set_times_at(
        &self,
        dir: &P::Handle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        self.inner.set_times_at(dir, name, self.virtual_now(atim), self.virtual_now(mtim), follow)
    }

    fn clock_res(&self, _clock: ClockId) -> Result<u64> {
        Ok(1)
    }
    fn clock_time(&self, clock: ClockId, _precision: u64) -> Result<u64> {
        Ok(self.clock.lock().read_and_tick(clock))
    }
    fn random(&self, buf: &mut [u8]) -> Result<()> {
        self.rng.lock().fill(buf);
        Ok(())
    }
    fn sched_yield(&self) -> Result<()> {
        self.inner.sched_yield()
    }
    fn poll(&self, fds: &mut [PollFd<'_, P::Handle>], deadline: Option<Deadline>) -> Result<()> {
        if fds.is_empty() {
            if let Some(d) = deadline {
                self.clock.lock().advance_to(d.clock, d.at);
            }
            return Ok(());
        }
        let host_deadline = match deadline {
            None => None,
            Some(d) => {
                let remaining = d.at.saturating_sub(self.peek_clock(d.clock));
                let now = self.inner.clock_time(ClockId::Monotonic, 0)?;
                Some(Deadline { clock: ClockId::Monotonic, at: now.saturating_add(remaining) })
            }
        };
        self.inner.poll(fds, host_deadline)?;
        if let Some(d) = deadline {
            if fds.iter().all(|f| f.ready.is_none()) {
                self.clock.lock().advance_to(d.clock, d.at);
            }
        }
        Ok(())
    }

    fn sock_accept(&self, h: &P::Handle, flags: FdFlags) -> Result<P::Handle> {
        self.inner.sock_accept(h, flags)
    }
    fn sock_recv(
        &self,
        h: &mut P::Handle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        self.inner.sock_recv(h, bufs, flags)
    }
    fn sock_send(&self, h: &mut P::Handle, bufs: &[&[u8]]) -> Result<usize> {
        self.inner.sock_send(h, bufs)
    }
    fn sock_shutdown(&self, h: &P::Handle, how: SdFlags) -> Result<()> {
        self.inner.sock_shutdown(h, how)
    }
    fn exit_requested(&self) -> Option<Exit> {
        self.inner.exit_requested()
    }
}
