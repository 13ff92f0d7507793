//! [`ChangeProbe`]: a transparent [`Platform`] wrapper that notes the first call by which
//! the guest tried to change the filesystem, whatever its answer.
//!
//! A case that never tries is one a read-only backend must pass as written; a case that
//! tries was blessed on a writable filesystem, where even its failures may differ (Linux
//! answers `unlink` of a missing file with `ENOENT`, on a read-only mount with `EROFS`).
//! The mem run of every case goes through the probe (see `exec::Observed::fs_change`).

use std::sync::{Arc, OnceLock};
use wasibox_core::abi::{
    Advice, ClockId, FdFlags, Filestat, Filetype, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use wasibox_core::platform::{Deadline, DirEntry, OpenOptions, PollFd};
use wasibox_core::{Platform, Result};

/// Wraps a platform; every call goes straight to it.
pub struct ChangeProbe<P> {
    inner: P,
    first: Arc<OnceLock<&'static str>>,
}

impl<P: Platform> ChangeProbe<P> {
    /// Wrap `inner`. The returned cell receives the name of the first changing call.
    pub fn new(inner: P) -> (ChangeProbe<P>, Arc<OnceLock<&'static str>>) {
        let first = Arc::new(OnceLock::new());
        (ChangeProbe { inner, first: Arc::clone(&first) }, first)
    }

    fn note(&self, call: &'static str) {
        let _ = self.first.set(call);
    }
}

/// Whether an open asks to change the filesystem (create, truncate, or write).
fn changes(opts: &OpenOptions) -> bool {
    opts.write || opts.create || opts.truncate
}

impl<P: Platform> Platform for ChangeProbe<P> {
    type Handle = P::Handle;

    fn filetype(&self, h: &Self::Handle) -> Result<Filetype> {
        self.inner.filetype(h)
    }
    fn fdflags(&self, h: &Self::Handle) -> Result<FdFlags> {
        self.inner.fdflags(h)
    }
    fn set_fdflags(&self, h: &mut Self::Handle, flags: FdFlags) -> Result<()> {
        self.inner.set_fdflags(h, flags)
    }
    fn close(&self, h: Self::Handle) -> Result<()> {
        self.inner.close(h)
    }
    // Writes need a descriptor opened for writing, which `open_at` already noted.
    fn read(&self, h: &mut Self::Handle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        self.inner.read(h, bufs)
    }
    fn pread(&self, h: &mut Self::Handle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        self.inner.pread(h, bufs, offset)
    }
    fn write(&self, h: &mut Self::Handle, bufs: &[&[u8]]) -> Result<usize> {
        self.inner.write(h, bufs)
    }
    fn pwrite(&self, h: &mut Self::Handle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        self.inner.pwrite(h, bufs, offset)
    }
    fn seek(&self, h: &mut Self::Handle, offset: i64, whence: Whence) -> Result<u64> {
        self.inner.seek(h, offset, whence)
    }
    fn sync(&self, h: &Self::Handle) -> Result<()> {
        self.inner.sync(h)
    }
    fn datasync(&self, h: &Self::Handle) -> Result<()> {
        self.inner.datasync(h)
    }
    fn advise(&self, h: &Self::Handle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        self.inner.advise(h, offset, len, advice)
    }
    fn allocate(&self, h: &Self::Handle, offset: u64, len: u64) -> Result<()> {
        self.note("allocate");
        self.inner.allocate(h, offset, len)
    }
    fn filestat(&self, h: &Self::Handle) -> Result<Filestat> {
        self.inner.filestat(h)
    }
    fn set_size(&self, h: &Self::Handle, size: u64) -> Result<()> {
        self.inner.set_size(h, size)
    }
    fn set_times(&self, h: &Self::Handle, atim: SetTime, mtim: SetTime) -> Result<()> {
        if (atim, mtim) != (SetTime::Omit, SetTime::Omit) {
            self.note("set_times");
        }
        self.inner.set_times(h, atim, mtim)
    }
    fn readdir(
        &self,
        h: &mut Self::Handle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        self.inner.readdir(h, cookie, sink)
    }
    fn open_at(&self, dir: &Self::Handle, name: &str, opts: &OpenOptions) -> Result<Self::Handle> {
        if changes(opts) {
            self.note("open_at (write, create or truncate)");
        }
        self.inner.open_at(dir, name, opts)
    }
    fn open_beneath(
        &self,
        dir: &Self::Handle,
        path: &str,
        opts: &OpenOptions,
    ) -> Option<Result<Self::Handle>> {
        let r = self.inner.open_beneath(dir, path, opts);
        if r.is_some() && changes(opts) {
            self.note("open_beneath (write, create or truncate)");
        }
        r
    }
    fn stat_at(&self, dir: &Self::Handle, name: &str, follow: bool) -> Result<Filestat> {
        self.inner.stat_at(dir, name, follow)
    }
    fn readlink_at(&self, dir: &Self::Handle, name: &str) -> Result<Vec<u8>> {
        self.inner.readlink_at(dir, name)
    }
    fn mkdir_at(&self, dir: &Self::Handle, name: &str) -> Result<()> {
        self.note("mkdir_at");
        self.inner.mkdir_at(dir, name)
    }
    fn rmdir_at(&self, dir: &Self::Handle, name: &str) -> Result<()> {
        self.note("rmdir_at");
        self.inner.rmdir_at(dir, name)
    }
    fn unlink_at(&self, dir: &Self::Handle, name: &str) -> Result<()> {
        self.note("unlink_at");
        self.inner.unlink_at(dir, name)
    }
    fn rename_at(&self, old_dir: &Self::Handle, old: &str, new_dir: &Self::Handle, new: &str) -> Result<()> {
        self.note("rename_at");
        self.inner.rename_at(old_dir, old, new_dir, new)
    }
    fn link_at(&self, old_dir: &Self::Handle, old: &str, new_dir: &Self::Handle, new: &str) -> Result<()> {
        self.note("link_at");
        self.inner.link_at(old_dir, old, new_dir, new)
    }
    fn symlink_at(&self, target: &str, dir: &Self::Handle, name: &str) -> Result<()> {
        self.note("symlink_at");
        self.inner.symlink_at(target, dir, name)
    }
    fn set_times_at(
        &self,
        dir: &Self::Handle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        if (atim, mtim) != (SetTime::Omit, SetTime::Omit) {
            self.note("set_times_at");
        }
        self.inner.set_times_at(dir, name, atim, mtim, follow)
    }
    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        self.inner.clock_res(clock)
    }
    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64> {
        self.inner.clock_time(clock, precision)
    }
    fn random(&self, buf: &mut [u8]) -> Result<()> {
        self.inner.random(buf)
    }
    fn sched_yield(&self) -> Result<()> {
        self.inner.sched_yield()
    }
    fn poll(&self, fds: &mut [PollFd<'_, Self::Handle>], deadline: Option<Deadline>) -> Result<()> {
        self.inner.poll(fds, deadline)
    }
    fn sock_accept(&self, h: &Self::Handle, flags: FdFlags) -> Result<Self::Handle> {
        self.inner.sock_accept(h, flags)
    }
    fn sock_recv(
        &self,
        h: &mut Self::Handle,
        bufs: &mut [&mut [u8]],
        flags: RiFlags,
    ) -> Result<(usize, RoFlags)> {
        self.inner.sock_recv(h, bufs, flags)
    }
    fn sock_send(&self, h: &mut Self::Handle, bufs: &[&[u8]]) -> Result<usize> {
        self.inner.sock_send(h, bufs)
    }
    fn sock_shutdown(&self, h: &Self::Handle, how: SdFlags) -> Result<()> {
        self.inner.sock_shutdown(h, how)
    }
    fn exit_requested(&self) -> Option<wasibox_core::Exit> {
        self.inner.exit_requested()
    }
}
