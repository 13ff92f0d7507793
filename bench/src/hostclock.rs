//! [`HostClockMem`]: the in-memory backend with the host's clocks.
//!
//! `wasibox-mem`'s clocks are virtual (they tick once per read), so a guest that times
//! itself with `clock_time_get` would measure nothing real. For the benchmark the mem
//! backend gets the host's monotonic and realtime clocks; everything else (files,
//! directories, pipes, random, poll) is the mem backend's own, by plain delegation.

use std::time::{Instant, SystemTime, UNIX_EPOCH};
use wasibox_core::abi::{
    Advice, ClockId, FdFlags, Filestat, Filetype, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use wasibox_core::{Deadline, DirEntry, Errno, OpenOptions, Platform, PollFd, Result};
use wasibox_mem::{MemHandle, MemPlatform};

/// [`MemPlatform`] with host clocks.
pub struct HostClockMem {
    pub inner: MemPlatform,
    start: Instant,
}

impl HostClockMem {
    pub fn new(inner: MemPlatform) -> Self {
        HostClockMem { inner, start: Instant::now() }
    }
}

impl Platform for HostClockMem {
    type Handle = MemHandle;

    fn filetype(&self, h: &MemHandle) -> Result<Filetype> {
        self.inner.filetype(h)
    }
    fn fdflags(&self, h: &MemHandle) -> Result<FdFlags> {
        self.inner.fdflags(h)
    }
    fn set_fdflags(&self, h: &mut MemHandle, flags: FdFlags) -> Result<()> {
        self.inner.set_fdflags(h, flags)
    }
    fn close(&self, h: MemHandle) -> Result<()> {
        self.inner.close(h)
    }
    fn read(&self, h: &mut MemHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        self.inner.read(h, bufs)
    }
    fn pread(&self, h: &mut MemHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        self.inner.pread(h, bufs, offset)
    }
    fn write(&self, h: &mut MemHandle, bufs: &[&[u8]]) -> Result<usize> {
        self.inner.write(h, bufs)
    }
    fn pwrite(&self, h: &mut MemHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        self.inner.pwrite(h, bufs, offset)
    }
    fn seek(&self, h: &mut MemHandle, offset: i64, whence: Whence) -> Result<u64> {
        self.inner.seek(h, offset, whence)
    }
    fn sync(&self, h: &MemHandle) -> Result<()> {
        self.inner.sync(h)
    }
    fn datasync(&self, h: &MemHandle) -> Result<()> {
        self.inner.datasync(h)
    }
    fn advise(&self, h: &MemHandle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        self.inner.advise(h, offset, len, advice)
    }
    fn allocate(&self, h: &MemHandle, offset: u64, len: u64) -> Result<()> {
        self.inner.allocate(h, offset, len)
    }
    fn filestat(&self, h: &MemHandle) -> Result<Filestat> {
        self.inner.filestat(h)
    }
    fn set_size(&self, h: &MemHandle, size: u64) -> Result<()> {
        self.inner.set_size(h, size)
    }
    fn set_times(&self, h: &MemHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.inner.set_times(h, atim, mtim)
    }
    fn readdir(
        &self,
        h: &mut MemHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        self.inner.readdir(h, cookie, sink)
    }
    fn open_at(&self, dir: &MemHandle, name: &str, opts: &OpenOptions) -> Result<MemHandle> {
        self.inner.open_at(dir, name, opts)
    }
    fn stat_at(&self, dir: &MemHandle, name: &str, follow: bool) -> Result<Filestat> {
        self.inner.stat_at(dir, name, follow)
    }
    fn readlink_at(&self, dir: &MemHandle, name: &str) -> Result<Vec<u8>> {
        self.inner.readlink_at(dir, name)
    }
    fn mkdir_at(&self, dir: &MemHandle, name: &str) -> Result<()> {
        self.inner.mkdir_at(dir, name)
    }
    fn rmdir_at(&self, dir: &MemHandle, name: &str) -> Result<()> {
        self.inner.rmdir_at(dir, name)
    }
    fn unlink_at(&self, dir: &MemHandle, name: &str) -> Result<()> {
        self.inner.unlink_at(dir, name)
    }
    fn rename_at(&self, old_dir: &MemHandle, old: &str, new_dir: &MemHandle, new: &str) -> Result<()> {
        self.inner.rename_at(old_dir, old, new_dir, new)
    }
    fn link_at(&self, old_dir: &MemHandle, old: &str, new_dir: &MemHandle, new: &str) -> Result<()> {
        self.inner.link_at(old_dir, old, new_dir, new)
    }
    fn symlink_at(&self, target: &str, dir: &MemHandle, name: &str) -> Result<()> {
        self.inner.symlink_at(target, dir, name)
    }
    fn set_times_at(
        &self,
        dir: &MemHandle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        self.inner.set_times_at(dir, name, atim, mtim, follow)
    }

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        self.inner.clock_res(clock)
    }
    #[inline]
    fn clock_time(&self, clock: ClockId, _precision: u64) -> Result<u64> {
        match clock {
            ClockId::Realtime => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .map_err(|_| Errno::INVAL),
            _ => Ok(self.start.elapsed().as_nanos() as u64),
        }
    }
    fn random(&self, buf: &mut [u8]) -> Result<()> {
        self.inner.random(buf)
    }
    fn sched_yield(&self) -> Result<()> {
        self.inner.sched_yield()
    }
    fn poll(&self, fds: &mut [PollFd<'_, MemHandle>], deadline: Option<Deadline>) -> Result<()> {
        // The deadline is on the host's clock, which the mem backend does not know: with
        // no fd to wait for, sleep on the host until it passes.
        if fds.is_empty() {
            if let Some(d) = deadline {
                let now = self.clock_time(d.clock, 0)?;
                if d.at > now {
                    std::thread::sleep(std::time::Duration::from_nanos(d.at - now));
                }
            }
            return Ok(());
        }
        self.inner.poll(fds, deadline)
    }

    fn sock_accept(&self, h: &MemHandle, flags: FdFlags) -> Result<MemHandle> {
        self.inner.sock_accept(h, flags)
    }
    fn sock_recv(
        &self,
        h: &mut MemHandle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        self.inner.sock_recv(h, bufs, flags)
    }
    fn sock_send(&self, h: &mut MemHandle, bufs: &[&[u8]]) -> Result<usize> {
        self.inner.sock_send(h, bufs)
    }
    fn sock_shutdown(&self, h: &MemHandle, how: SdFlags) -> Result<()> {
        self.inner.sock_shutdown(h, how)
    }
}
