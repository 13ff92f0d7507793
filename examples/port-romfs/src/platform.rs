//! [`RomPlatform`]: the [`Platform`] implementation. The methods come in the trait's
//! order: descriptors and file I/O, directories, then clocks, random and poll.

use crate::board::{Board, Stream};
use crate::handle::{RomHandle, Target};
use crate::image::{inode_of, RomImage, RomKind, ROM_DEV};
use crate::random::SplitMix64;
use alloc::vec::Vec;
use wasibox_core::abi::{ClockId, Errno, FdFlags, Filestat, Filetype, SetTime, Whence};
use wasibox_core::platform::{Deadline, DirEntry, OpenOptions, PollFd};
use wasibox_core::{Platform, Result};

/// Largest offset a file may be moved to (Linux: `i64::MAX`).
const MAX_OFFSET: u64 = i64::MAX as u64;

/// Cookies of the listing: 0 starts it, [`AFTER_DOT`] resumes after `.`, [`AFTER_DOTDOT`]
/// after `..`; the entry at image index `i` resumes at `i + AFTER_DOTDOT + 1`. The image
/// never changes, so a cookie stays valid forever.
const AFTER_DOT: u64 = 1;
/// See [`AFTER_DOT`].
const AFTER_DOTDOT: u64 = 2;

/// How the platform is set up, besides its image and board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RomConfig {
    /// The realtime clock at tick 0, in nanoseconds since 1970 (the firmware's build
    /// time, say, until something sets the clock). Also every file's timestamp.
    pub epoch_ns: u64,
    /// Seed of the random source (see [`crate::random`]: not cryptographic).
    pub seed: u64,
}

/// A [`Platform`] over a [`RomImage`] and a [`Board`].
///
/// It is `!Sync` (the random state is a `Cell`): one guest runs on one thread, as on a
/// microcontroller.
pub struct RomPlatform<B: Board> {
    image: RomImage,
    board: B,
    config: RomConfig,
    /// The tick count when the platform was made: the CPU-time clocks start there.
    start_tick: u64,
    rng: SplitMix64,
}

impl<B: Board> RomPlatform<B> {
    /// A platform serving `image`, with `board`'s clock and console.
    pub fn new(image: RomImage, board: B, config: RomConfig) -> RomPlatform<B> {
        let start_tick = board.ticks();
        RomPlatform { image, board, config, start_tick, rng: SplitMix64::new(config.seed) }
    }

    /// The board.
    pub fn board(&self) -> &B {
        &self.board
    }

    /// A handle to the directory at `path` (`/`-separated, from the root of the image),
    /// for the host to preopen. `ENOENT` or `ENOTDIR` as `open` would answer.
    pub fn open_dir(&self, path: &str) -> Result<RomHandle> {
        let mut index = 0;
        for name in path.split('/').filter(|c| !c.is_empty()) {
            if !self.image.entry(index)?.is_dir() {
                return Err(Errno::NOTDIR);
            }
            index = self.image.lookup(index, name)?;
        }
        if !self.image.entry(index)?.is_dir() {
            return Err(Errno::NOTDIR);
        }
        Ok(RomHandle::new(Target::Entry(index), FdFlags::empty()))
    }

    /// A handle to a console stream, for the host to give the guest as stdio.
    pub fn console(&self, stream: Stream) -> RomHandle {
        RomHandle::new(Target::Console(stream), FdFlags::empty())
    }

    /// The image index of the directory `h`, or `ENOTDIR`.
    fn dir_index(&self, h: &RomHandle) -> Result<usize> {
        match h.target {
            Target::Entry(i) if self.image.entry(i)?.is_dir() => Ok(i),
            _ => Err(Errno::NOTDIR),
        }
    }

    /// Ticks since the platform was made, in nanoseconds.
    fn elapsed_ns(&self) -> u64 {
        let ticks = self.board.ticks().saturating_sub(self.start_tick);
        ticks.saturating_mul(self.board.tick_ns())
    }
}

/// The contents of the file at `index`, `EISDIR` for a directory.
fn file_data(image: &RomImage, index: usize) -> Result<&'static [u8]> {
    match image.entry(index)?.kind {
        RomKind::File(data) => Ok(data),
        RomKind::Dir => Err(Errno::ISDIR),
    }
}

/// Copy `data[offset..]` into `bufs`, in order; the number of bytes copied.
fn copy_out(data: &[u8], offset: u64, bufs: &mut [&mut [u8]]) -> usize {
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    let mut rest = data.get(start..).unwrap_or_default();
    let mut copied = 0usize;
    for buf in bufs.iter_mut() {
        let n = buf.len().min(rest.len());
        let (now, later) = rest.split_at(n);
        if let Some(dst) = buf.get_mut(..n) {
            dst.copy_from_slice(now);
        }
        rest = later;
        copied = copied.saturating_add(n);
    }
    copied
}

/// Whether a set-times call changes nothing: Linux then answers success before looking
/// at the file, even on a read-only filesystem.
fn no_times(atim: SetTime, mtim: SetTime) -> bool {
    atim == SetTime::Omit && mtim == SetTime::Omit
}

/// The `filestat` of a console stream: a character device, not in the image.
fn console_stat(image: &RomImage, stream: Stream) -> Filestat {
    let n = match stream {
        Stream::Stdin => 0,
        Stream::Stdout => 1,
        Stream::Stderr => 2,
    };
    Filestat {
        dev: ROM_DEV,
        ino: inode_of(image.len().saturating_add(n)),
        filetype: Filetype::CharacterDevice,
        nlink: 1,
        size: 0,
        atim: 0,
        mtim: 0,
        ctim: 0,
    }
}

impl<B: Board> Platform for RomPlatform<B> {
    type Handle = RomHandle;

    // ----- descriptors and file I/O -----------------------------------------------------

    fn filetype(&self, h: &RomHandle) -> Result<Filetype> {
        match h.target {
            Target::Entry(i) if self.image.entry(i)?.is_dir() => Ok(Filetype::Directory),
            Target::Entry(_) => Ok(Filetype::RegularFile),
            Target::Console(_) => Ok(Filetype::CharacterDevice),
        }
    }

    fn fdflags(&self, h: &RomHandle) -> Result<FdFlags> {
        Ok(h.flags)
    }

    fn set_fdflags(&self, h: &mut RomHandle, flags: FdFlags) -> Result<()> {
        // As fcntl(F_SETFL): APPEND and NONBLOCK change, the sync flags stay as opened.
        let changeable = FdFlags::APPEND | FdFlags::NONBLOCK;
        h.flags = h.flags.difference(changeable).union(flags.intersection(changeable));
        Ok(())
    }

    fn read(&self, h: &mut RomHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        match h.target {
            Target::Entry(i) => {
                let n = copy_out(file_data(&self.image, i)?, h.offset, bufs);
                h.offset = h.offset.saturating_add(n as u64);
                Ok(n)
            }
            Target::Console(Stream::Stdin) => {
                let mut total = 0usize;
                for buf in bufs.iter_mut() {
                    let n = self.board.console_read(buf).min(buf.len());
                    total = total.saturating_add(n);
                    if n < buf.len() {
                        break;
                    }
                }
                Ok(total)
            }
            // Output streams are not open for reading.
            Target::Console(_) => Err(Errno::BADF),
        }
    }

    fn pread(&self, h: &mut RomHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        match h.target {
            Target::Entry(i) => Ok(copy_out(file_data(&self.image, i)?, offset, bufs)),
            Target::Console(_) => Err(Errno::SPIPE),
        }
    }

    fn write(&self, h: &mut RomHandle, bufs: &[&[u8]]) -> Result<usize> {
        let stream = match h.target {
            Target::Console(s @ (Stream::Stdout | Stream::Stderr)) => s,
            // Nothing in the ROM can be opened for writing: such a handle is not open
            // for writing, and that is EBADF.
            _ => return Err(Errno::BADF),
        };
        let mut total = 0usize;
        for buf in bufs {
            let n = self.board.console_write(stream, buf).min(buf.len());
            total = total.saturating_add(n);
            if n < buf.len() {
                break;
            }
        }
        if total == 0 && bufs.iter().any(|b| !b.is_empty()) {
            // The console took nothing: a full FIFO.
            return Err(Errno::AGAIN);
        }
        Ok(total)
    }

    fn pwrite(&self, h: &mut RomHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        let _ = (bufs, offset);
        match h.target {
            Target::Console(_) => Err(Errno::SPIPE),
            Target::Entry(_) => Err(Errno::BADF),
        }
    }

    fn seek(&self, h: &mut RomHandle, offset: i64, whence: Whence) -> Result<u64> {
        let Target::Entry(i) = h.target else { return Err(Errno::SPIPE) };
        let end = match self.image.entry(i)?.kind {
            RomKind::File(data) => Some(data.len() as u64),
            RomKind::Dir => None, // a directory's offset is a cookie: no end to seek from
        };
        let base = match (whence, end) {
            (Whence::Set, _) => 0,
            (Whence::Cur, _) => h.offset,
            (Whence::End, Some(len)) => len,
            (Whence::End, None) => return Err(Errno::INVAL),
        };
        let new = i128::from(base).saturating_add(i128::from(offset));
        let new = u64::try_from(new).ok().filter(|&n| n <= MAX_OFFSET).ok_or(Errno::INVAL)?;
        h.offset = new;
        Ok(new)
    }

    fn sync(&self, h: &RomHandle) -> Result<()> {
        match h.target {
            Target::Entry(_) => Ok(()), // nothing is ever dirty
            Target::Console(_) => Err(Errno::INVAL),
        }
    }

    fn datasync(&self, h: &RomHandle) -> Result<()> {
        self.sync(h)
    }

    fn filestat(&self, h: &RomHandle) -> Result<Filestat> {
        match h.target {
            Target::Entry(i) => self.image.stat(i, self.config.epoch_ns),
            Target::Console(s) => Ok(console_stat(&self.image, s)),
        }
    }

    fn set_size(&self, h: &RomHandle, size: u64) -> Result<()> {
        // ftruncate of a descriptor not open for writing (and none is) is EINVAL.
        let _ = (h, size);
        Err(Errno::INVAL)
    }

    fn set_times(&self, h: &RomHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        match h.target {
            _ if no_times(atim, mtim) => Ok(()),
            Target::Entry(_) => Err(Errno::ROFS),
            Target::Console(_) => Ok(()), // a console keeps no times: accepted, ignored
        }
    }

    fn readdir(
        &self,
        h: &mut RomHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        let dir = self.dir_index(h)?;
        let parent = self.image.entry(dir)?.parent;
        let dot =
            |next, index, name| DirEntry { next, ino: inode_of(index), filetype: Filetype::Directory, name };
        if cookie == 0 && !sink(&dot(AFTER_DOT, dir, b".")) {
            return Ok(());
        }
        if cookie <= AFTER_DOT && !sink(&dot(AFTER_DOTDOT, parent, b"..")) {
            return Ok(());
        }
        let from = usize::try_from(cookie.saturating_sub(AFTER_DOTDOT)).unwrap_or(usize::MAX);
        for (index, e) in self.image.children_from(dir, from) {
            let filetype = if e.is_dir() { Filetype::Directory } else { Filetype::RegularFile };
            let next = (index as u64).saturating_add(AFTER_DOTDOT + 1);
            if !sink(&DirEntry { next, ino: inode_of(index), filetype, name: e.name.as_bytes() }) {
                break;
            }
        }
        Ok(())
    }

    // ----- directories: one path component per call -------------------------------------

    fn open_at(&self, dir: &RomHandle, name: &str, opts: &OpenOptions) -> Result<RomHandle> {
        let index = match self.image.lookup(self.dir_index(dir)?, name) {
            Ok(i) => i,
            // Creating would need a writable filesystem.
            Err(Errno::NOENT) if opts.create => return Err(Errno::ROFS),
            Err(e) => return Err(e),
        };
        // The checks in the order Linux makes them on a read-only mount.
        let is_dir = self.image.entry(index)?.is_dir();
        if opts.create && opts.exclusive {
            return Err(Errno::EXIST);
        }
        if opts.create && is_dir {
            return Err(Errno::ISDIR);
        }
        if opts.directory && !is_dir {
            return Err(Errno::NOTDIR);
        }
        if is_dir && (opts.write || opts.truncate) {
            return Err(Errno::ISDIR);
        }
        if opts.write || opts.truncate {
            return Err(Errno::ROFS);
        }
        Ok(RomHandle::new(Target::Entry(index), opts.fdflags))
    }

    fn stat_at(&self, dir: &RomHandle, name: &str, follow: bool) -> Result<Filestat> {
        let _ = follow; // there are no symlinks to follow
        let index = self.image.lookup(self.dir_index(dir)?, name)?;
        self.image.stat(index, self.config.epoch_ns)
    }

    fn readlink_at(&self, dir: &RomHandle, name: &str) -> Result<Vec<u8>> {
        self.image.lookup(self.dir_index(dir)?, name)?;
        Err(Errno::INVAL) // it exists, and it is not a symlink
    }

    fn mkdir_at(&self, dir: &RomHandle, name: &str) -> Result<()> {
        // Linux reports an existing name before the read-only filesystem.
        match self.image.lookup(self.dir_index(dir)?, name) {
            Ok(_) => Err(Errno::EXIST),
            Err(Errno::NOENT) => Err(Errno::ROFS),
            Err(e) => Err(e),
        }
    }

    fn rmdir_at(&self, dir: &RomHandle, name: &str) -> Result<()> {
        self.dir_index(dir)?;
        // Linux refuses `.` by its name, then the read-only filesystem before looking.
        Err(if name == "." { Errno::INVAL } else { Errno::ROFS })
    }

    fn unlink_at(&self, dir: &RomHandle, name: &str) -> Result<()> {
        self.dir_index(dir)?;
        Err(if name == "." { Errno::ISDIR } else { Errno::ROFS })
    }

    fn rename_at(&self, old_dir: &RomHandle, old: &str, new_dir: &RomHandle, new: &str) -> Result<()> {
        self.dir_index(old_dir)?;
        self.dir_index(new_dir)?;
        Err(if old == "." || new == "." { Errno::BUSY } else { Errno::ROFS })
    }

    fn link_at(&self, old_dir: &RomHandle, old: &str, new_dir: &RomHandle, new: &str) -> Result<()> {
        self.image.lookup(self.dir_index(old_dir)?, old)?;
        self.mkdir_at(new_dir, new) // the same answers as creating `new`
    }

    fn symlink_at(&self, target: &str, dir: &RomHandle, name: &str) -> Result<()> {
        let _ = target;
        self.mkdir_at(dir, name)
    }

    fn set_times_at(
        &self,
        dir: &RomHandle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        let _ = follow;
        if no_times(atim, mtim) {
            return Ok(());
        }
        self.image.lookup(self.dir_index(dir)?, name)?;
        Err(Errno::ROFS)
    }

    // ----- clocks, random, poll ---------------------------------------------------------

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        let _ = clock; // every clock counts the same ticks
        Ok(self.board.tick_ns().max(1))
    }

    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64> {
        let _ = precision;
        let ticks = self.board.ticks();
        Ok(match clock {
            ClockId::Realtime => {
                self.config.epoch_ns.saturating_add(ticks.saturating_mul(self.board.tick_ns()))
            }
            ClockId::Monotonic => ticks.saturating_mul(self.board.tick_ns()),
            // The guest is all that runs: its CPU time is the time since it started.
            ClockId::ProcessCputime | ClockId::ThreadCputime => self.elapsed_ns(),
        })
    }

    fn random(&self, buf: &mut [u8]) -> Result<()> {
        self.rng.fill(buf);
        Ok(())
    }

    fn poll(&self, fds: &mut [PollFd<'_, RomHandle>], deadline: Option<Deadline>) -> Result<()> {
        // Nothing here ever blocks: files and directories are ready, the console takes
        // output, and console input reads (perhaps as end of input) at once.
        for fd in fds.iter_mut() {
            let nbytes = match (fd.handle.target, fd.write) {
                (Target::Entry(i), false) => match self.image.entry(i)?.kind {
                    RomKind::File(data) => (data.len() as u64).saturating_sub(fd.handle.offset),
                    RomKind::Dir => 0,
                },
                _ => 0,
            };
            fd.ready = Some(Ok(nbytes));
        }
        if !fds.is_empty() {
            return Ok(());
        }
        // Only clocks: sleep on the tick counter until the deadline has passed.
        if let Some(Deadline { clock, at }) = deadline {
            let now = self.clock_time(clock, 0)?;
            let tick_ns = self.board.tick_ns().max(1);
            let wait_ticks = at.saturating_sub(now).div_ceil(tick_ns);
            self.board.wait_until(self.board.ticks().saturating_add(wait_ticks));
        }
        Ok(())
    }

    // Left to the trait's defaults (see the crate documentation for what the guest sees):
    // close, advise, allocate, open_beneath, sched_yield, sock_accept, sock_recv,
    // sock_send, sock_shutdown, exit_requested.
}
