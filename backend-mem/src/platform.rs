//! [`MemPlatform`]: the [`Platform`] implementation over a [`MemFs`], stdio pipes,
//! virtual clocks and a seeded random source.

use crate::config::MemConfig;
use crate::fs::node::{stat_of, Kind, Node};
use crate::fs::ops::{self, Name, NewBody};
use crate::fs::walk::{self, Scope};
use crate::fs::{Listed, MemFs, COOKIE_AFTER_DOT, COOKIE_AFTER_DOTDOT, MEM_DEV};
use crate::handle::{MemHandle, Target};
use crate::pipe::MemPipe;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use spin::Mutex;
use wasibox_core::abi::{Advice, ClockId, Errno, FdFlags, Filestat, Filetype, SetTime, Whence};
use wasibox_core::platform::{Deadline, DirEntry, OpenOptions, PollFd};
use wasibox_core::replay::{SeededRandom, VirtualClock};
use wasibox_core::{Platform, Result};

/// Largest file offset and size (tmpfs: `MAX_LFS_FILESIZE`, i.e. `i64::MAX`).
const MAX_OFFSET: u64 = i64::MAX as u64;
/// Linux never moves more than this many bytes in one read or write (`MAX_RW_COUNT`).
const MAX_RW_COUNT: usize = 0x7fff_f000;
/// Entries copied out of a directory per lock acquisition while listing it.
const READDIR_BATCH: usize = 64;

/// A deterministic, in-memory [`Platform`].
///
/// Create one with [`MemPlatform::new`] (a fresh [`MemFs`]) or [`MemPlatform::with_fs`]
/// (share a filesystem between instances), make preopen handles with
/// [`open_dir`](MemPlatform::open_dir) and stdio handles with
/// [`pipe_handle`](MemPlatform::pipe_handle).
///
/// ## Behaviour, where Linux leaves a choice or cannot be copied
///
/// - **Timestamps** come from this platform's virtual realtime clock (read without
///   ticking). Writes and truncation set `mtim` and `ctim`; metadata changes (links,
///   renames, `set_times`) set `ctim`; creating or removing an entry sets the
///   directory's `mtim` and `ctim`. Reads and readdir never touch `atim` (as if mounted
///   `noatime`).
/// - **Directories** report size 4096 and `nlink` = 2 + number of
///   subdirectories (0 once removed), like tmpfs.
/// - **Pipes** (stdio) report filetype `Unknown` (what a FIFO is in WASI, as the posix backend reports a host pipe: `isatty` is false), size 0, `nlink` 1, timestamps
///   0; `set_times` on them is accepted and ignored. An empty pipe whose writing end is
///   open reads as end-of-file (0 bytes) in blocking mode, since nothing could fill it
///   while the guest waits; in `NONBLOCK` mode it is `EAGAIN`. Writing to a full pipe
///   (see [`MemPipe::with_capacity`]) is `EAGAIN` in both modes. `seek`/`pread`/`pwrite`
///   are `ESPIPE`, `sync` is `EINVAL`, as Linux.
/// - **Clocks** never read the host: see [`MemConfig`]. Resolution is reported as 1 ns.
/// - **`poll`** never blocks: files and directories are ready at once (read `nbytes` =
///   bytes from the offset to the end of a regular file), a pipe is readable when it
///   holds data or is closed (closed also sets `hangup`) and writable unless full. When
///   nothing is ready and there is a deadline, the clocks jump to the deadline and
///   `poll` returns; when nothing is ready and there is no deadline, `poll` returns with
///   nothing ready (waiting could only be forever).
/// - **`allocate`** checks that the holes in the range would fit in
///   [`Limits::max_bytes`](crate::Limits::max_bytes) (`ENOSPC` otherwise) and grows the
///   size, but does not reserve the pages: a later write into the range can still run
///   out of space. This keeps `allocate(0, 1 << 40)` from allocating a terabyte.
/// - **Opening with neither read nor write** gives a read-only handle, as `O_RDONLY`
///   (which is 0) does on Linux.
/// - **`stat_at`/`set_times_at` with `follow`** resolve a symlink chain relative to
///   `dir` and confined to it (an absolute target, or `..` above `dir`, is
///   `ENOTCAPABLE`), with at most 40 links (`ELOOP`). The core itself never asks to
///   follow.
/// - **`ftruncate` of a handle not open for writing** is `EINVAL`, as Linux (POSIX also
///   allows `EBADF`).
pub struct MemPlatform {
    fs: MemFs,
    clock: Mutex<VirtualClock>,
    rng: Mutex<SeededRandom>,
    config: MemConfig,
}

impl MemPlatform {
    /// A platform over a fresh, empty [`MemFs`] with `config.limits`.
    pub fn new(config: MemConfig) -> Self {
        Self::with_fs(MemFs::new(config.limits), config)
    }

    /// A platform over an existing filesystem, which other platforms may share.
    /// `config.limits` is ignored (the filesystem has its own).
    pub fn with_fs(fs: MemFs, config: MemConfig) -> Self {
        MemPlatform {
            fs,
            clock: Mutex::new(VirtualClock::new(config.realtime_start, config.monotonic_start, config.tick)),
            rng: Mutex::new(SeededRandom::new(config.seed)),
            config,
        }
    }

    /// The filesystem.
    pub fn fs(&self) -> &MemFs {
        &self.fs
    }

    /// The configuration this platform was made with.
    pub fn config(&self) -> &MemConfig {
        &self.config
    }

    /// A handle to the directory at `path` in the filesystem (symlinks followed), to
    /// hand to the core as a preopen. `ENOENT`, `ENOTDIR` as `open` would.
    pub fn open_dir(&self, path: impl AsRef<[u8]>) -> Result<MemHandle> {
        let root = self.fs.root();
        let _ns = root.fs.ns.lock();
        let node = walk::resolve(root, Scope::Host { root }, path.as_ref(), true)?;
        ops::require_dir(&node)?;
        Ok(MemHandle::node(node, true, false, FdFlags::empty()))
    }

    /// Open the file or directory at `path` in the filesystem as
    /// [`open_at`](Platform::open_at) would open its last component in its parent
    /// (intermediate symlinks followed). For a host that wants to give a guest a file as
    /// stdio, say.
    pub fn open_path(&self, path: impl AsRef<[u8]>, opts: &OpenOptions) -> Result<MemHandle> {
        let path = path.as_ref();
        let mut comps = walk::components(path)?;
        let last = comps.pop().unwrap_or(b".");
        let parent_path = comps.join(&b'/');
        let parent = self.open_dir(parent_path)?;
        let name = core::str::from_utf8(last).map_err(|_| Errno::ILSEQ)?;
        self.open_at(&parent, name, opts)
    }

    /// A handle to `pipe` for stdio: `readable` for stdin, `writable` for stdout/stderr.
    pub fn pipe_handle(&self, pipe: MemPipe, readable: bool, writable: bool) -> MemHandle {
        let shared = Arc::clone(self.fs.shared());
        pipe.assign_ino(|| shared.next_ino());
        MemHandle { target: Target::Pipe(pipe), offset: 0, readable, writable, flags: FdFlags::empty() }
    }

    /// Move every clock forward by `ns` nanoseconds.
    pub fn advance_clock(&self, ns: u64) {
        self.clock.lock().advance_by(ns);
    }

    /// Nanoseconds of virtual time elapsed since the platform was created.
    pub fn elapsed(&self) -> u64 {
        self.clock.lock().elapsed()
    }

    /// The current value of `clock`, without advancing it.
    pub fn peek_clock(&self, clock: ClockId) -> u64 {
        self.clock.lock().peek(clock)
    }

    fn now(&self) -> u64 {
        self.clock.lock().peek(ClockId::Realtime)
    }

    fn read_unfaulted(&self, h: &mut MemHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        match &h.target {
            Target::Pipe(p) => {
                if !h.readable {
                    return Err(Errno::BADF);
                }
                p.read(bufs, h.flags.contains(FdFlags::NONBLOCK))
            }
            Target::Node(node) => {
                let n = self.read_node(node, h.offset, bufs, h.readable)?;
                h.offset = h.offset.saturating_add(n as u64);
                Ok(n)
            }
        }
    }

    fn pread_unfaulted(&self, h: &mut MemHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        if offset > MAX_OFFSET {
            return Err(Errno::INVAL);
        }
        match &h.target {
            Target::Pipe(_) => Err(Errno::SPIPE),
            Target::Node(node) => self.read_node(node, offset, bufs, h.readable),
        }
    }

    fn write_unfaulted(&self, h: &mut MemHandle, bufs: &[&[u8]]) -> Result<usize> {
        match &h.target {
            Target::Pipe(p) => {
                if !h.writable {
                    return Err(Errno::BADF);
                }
                p.write(bufs)
            }
            Target::Node(node) => {
                let (n, end) = self.write_node(h, node, h.offset, bufs)?;
                h.offset = end;
                Ok(n)
            }
        }
    }

    fn pwrite_unfaulted(&self, h: &mut MemHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        if offset > MAX_OFFSET {
            return Err(Errno::INVAL);
        }
        match &h.target {
            Target::Pipe(_) => Err(Errno::SPIPE),
            // In append mode Linux ignores `offset` and appends: so do we.
            Target::Node(node) => self.write_node(h, node, offset, bufs).map(|(n, _)| n),
        }
    }

    fn fault(&self, op: &str) -> Result<()> {
        self.fs.shared().faults.check(op).map(|_| ())
    }

    /// The fault check of a read or write: `Some(n)` cuts the transfer to `n` bytes.
    fn fault_io(&self, op: &str) -> Result<Option<usize>> {
        self.fs.shared().faults.check(op)
    }
}

impl Default for MemPlatform {
    fn default() -> Self {
        MemPlatform::new(MemConfig::default())
    }
}

impl fmt::Debug for MemPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemPlatform")
            .field("fs", &self.fs)
            .field("elapsed", &self.clock.lock().elapsed())
            .field("config", &self.config)
            .finish()
    }
}

// ----- helpers -----------------------------------------------------------------------

/// The directory a `*_at` call names, or `ENOTDIR`.
fn dir_of(h: &MemHandle) -> Result<&Arc<Node>> {
    match &h.target {
        Target::Node(n) if n.kind == Kind::Dir => Ok(n),
        _ => Err(Errno::NOTDIR),
    }
}

fn name_of(name: &str) -> Result<Name<'_>> {
    ops::parse_name(name.as_bytes())
}

/// Total length of `bufs`, capped as Linux caps one transfer.
fn count_of<B: AsRef<[u8]>>(bufs: &[B]) -> usize {
    bufs.iter().map(|b| b.as_ref().len()).fold(0usize, usize::saturating_add).min(MAX_RW_COUNT)
}

fn count_of_mut(bufs: &[&mut [u8]]) -> usize {
    bufs.iter().map(|b| b.len()).fold(0usize, usize::saturating_add).min(MAX_RW_COUNT)
}

/// Linux's `rw_verify_area`: the transfer `pos..pos+count` must stay within `i64`.
fn verify_area(pos: u64, count: usize) -> Result<()> {
    match pos.checked_add(count as u64) {
        Some(end) if pos <= MAX_OFFSET && end <= MAX_OFFSET => Ok(()),
        _ => Err(Errno::INVAL),
    }
}

/// The `filestat` of a stdio pipe.
fn pipe_stat(p: &MemPipe) -> Filestat {
    Filestat {
        dev: MEM_DEV,
        ino: p.ino(),
        filetype: Filetype::Unknown,
        nlink: 1,
        size: 0,
        atim: 0,
        mtim: 0,
        ctim: 0,
    }
}

impl MemPlatform {
    fn read_node(&self, node: &Node, pos: u64, bufs: &mut [&mut [u8]], readable: bool) -> Result<usize> {
        if !readable {
            return Err(Errno::BADF);
        }
        let count = count_of_mut(bufs);
        if count == 0 {
            return Ok(0);
        }
        if node.kind == Kind::Dir {
            return Err(Errno::ISDIR);
        }
        verify_area(pos, count)?;
        let st = node.state.lock();
        Ok(st.file().map_or(0, |f| f.read_at(pos, bufs, count)))
    }

    /// Write at `pos` (or at the end in append mode); returns the bytes written and the
    /// offset after them.
    fn write_node(&self, h: &MemHandle, node: &Node, pos: u64, bufs: &[&[u8]]) -> Result<(usize, u64)> {
        if !h.writable {
            return Err(Errno::BADF);
        }
        let count = count_of(bufs);
        if count == 0 {
            return Ok((0, pos));
        }
        verify_area(pos, count)?;
        let mut st = node.state.lock();
        let size = st.size();
        let pos = if h.flags.contains(FdFlags::APPEND) { size } else { pos };
        if pos >= MAX_OFFSET {
            return Err(Errno::FBIG);
        }
        let limit = usize::try_from(MAX_OFFSET.saturating_sub(pos)).unwrap_or(usize::MAX).min(count);
        let f = st.file_mut().ok_or(Errno::BADF)?;
        let n = f.write_at(pos, bufs, limit, &node.fs)?;
        if n > 0 {
            st.touch_modified(self.now());
        }
        Ok((n, pos.saturating_add(n as u64)))
    }
}

impl Platform for MemPlatform {
    type Handle = MemHandle;

    fn filetype(&self, h: &MemHandle) -> Result<Filetype> {
        self.fault("filetype")?;
        Ok(match &h.target {
            Target::Node(n) => n.kind.filetype(),
            Target::Pipe(_) => Filetype::Unknown,
        })
    }

    fn fdflags(&self, h: &MemHandle) -> Result<FdFlags> {
        self.fault("fdflags")?;
        Ok(h.flags)
    }

    fn set_fdflags(&self, h: &mut MemHandle, flags: FdFlags) -> Result<()> {
        self.fault("set_fdflags")?;
        // Like fcntl(F_SETFL): APPEND and NONBLOCK change, the sync flags stay as opened.
        let changeable = FdFlags::APPEND | FdFlags::NONBLOCK;
        h.flags = h.flags.difference(changeable).union(flags.intersection(changeable));
        Ok(())
    }

    fn close(&self, h: MemHandle) -> Result<()> {
        self.fault("close")?;
        drop(h);
        Ok(())
    }

    fn read(&self, h: &mut MemHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        if let Some(limit) = self.fault_io("read")? {
            let mut short = crate::fault::shorten_mut(bufs, limit);
            return self.read_unfaulted(h, &mut short);
        }
        self.read_unfaulted(h, bufs)
    }

    fn pread(&self, h: &mut MemHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        if let Some(limit) = self.fault_io("pread")? {
            let mut short = crate::fault::shorten_mut(bufs, limit);
            return self.pread_unfaulted(h, &mut short, offset);
        }
        self.pread_unfaulted(h, bufs, offset)
    }

    fn write(&self, h: &mut MemHandle, bufs: &[&[u8]]) -> Result<usize> {
        if let Some(limit) = self.fault_io("write")? {
            let short = crate::fault::shorten(bufs, limit);
            return self.write_unfaulted(h, &short);
        }
        self.write_unfaulted(h, bufs)
    }

    fn pwrite(&self, h: &mut MemHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        if let Some(limit) = self.fault_io("pwrite")? {
            let short = crate::fault::shorten(bufs, limit);
            return self.pwrite_unfaulted(h, &short, offset);
        }
        self.pwrite_unfaulted(h, bufs, offset)
    }

    fn seek(&self, h: &mut MemHandle, offset: i64, whence: Whence) -> Result<u64> {
        self.fault("seek")?;
        let node = match &h.target {
            Target::Pipe(_) => return Err(Errno::SPIPE),
            Target::Node(n) => n,
        };
        let cur = i128::from(h.offset);
        let off = i128::from(offset);
        let new = if node.kind == Kind::Dir {
            // tmpfs directories (dcache_dir_lseek): SET and CUR only.
            match whence {
                Whence::Set => off,
                Whence::Cur => cur.saturating_add(off),
                Whence::End => return Err(Errno::INVAL),
            }
        } else {
            match whence {
                Whence::Set => off,
                Whence::Cur if offset == 0 => return Ok(h.offset),
                Whence::Cur => cur.saturating_add(off),
                Whence::End => i128::from(node.state.lock().size()).saturating_add(off),
            }
        };
        let new = u64::try_from(new).ok().filter(|&n| n <= MAX_OFFSET).ok_or(Errno::INVAL)?;
        h.offset = new;
        Ok(new)
    }

    fn sync(&self, h: &MemHandle) -> Result<()> {
        self.fault("sync")?;
        match &h.target {
            Target::Node(_) => Ok(()),
            Target::Pipe(_) => Err(Errno::INVAL),
        }
    }

    fn datasync(&self, h: &MemHandle) -> Result<()> {
        self.fault("datasync")?;
        match &h.target {
            Target::Node(_) => Ok(()),
            Target::Pipe(_) => Err(Errno::INVAL),
        }
    }

    fn advise(&self, h: &MemHandle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        self.fault("advise")?;
        let _ = (offset, advice);
        match &h.target {
            Target::Pipe(_) => Err(Errno::SPIPE),
            Target::Node(_) if len > MAX_OFFSET => Err(Errno::INVAL),
            Target::Node(_) => Ok(()),
        }
    }

    fn allocate(&self, h: &MemHandle, offset: u64, len: u64) -> Result<()> {
        self.fault("allocate")?;
        if offset > MAX_OFFSET || len == 0 || len > MAX_OFFSET {
            return Err(Errno::INVAL);
        }
        if !h.writable {
            return Err(Errno::BADF);
        }
        let node = match &h.target {
            Target::Pipe(_) => return Err(Errno::SPIPE),
            Target::Node(n) if n.kind == Kind::Dir => return Err(Errno::ISDIR),
            Target::Node(n) if n.kind != Kind::File => return Err(Errno::NODEV),
            Target::Node(n) => n,
        };
        let end = offset.checked_add(len).filter(|&e| e <= MAX_OFFSET).ok_or(Errno::FBIG)?;
        let mut st = node.state.lock();
        let f = st.file_mut().ok_or(Errno::NODEV)?;
        let holes = f.holes_in(offset, end);
        if !node.fs.bytes_available(holes.saturating_mul(crate::PAGE_SIZE as u64)) {
            return Err(Errno::NOSPC);
        }
        if end > f.size() {
            f.set_size(end, &node.fs);
        }
        st.touch_modified(self.now());
        Ok(())
    }

    fn filestat(&self, h: &MemHandle) -> Result<Filestat> {
        self.fault("filestat")?;
        Ok(match &h.target {
            Target::Node(n) => n.stat(),
            Target::Pipe(p) => pipe_stat(p),
        })
    }

    fn set_size(&self, h: &MemHandle, size: u64) -> Result<()> {
        self.fault("set_size")?;
        if size > MAX_OFFSET {
            return Err(Errno::INVAL);
        }
        let node = match &h.target {
            Target::Node(n) if n.kind == Kind::File && h.writable => n,
            _ => return Err(Errno::INVAL),
        };
        let mut st = node.state.lock();
        st.file_mut().ok_or(Errno::INVAL)?.set_size(size, &node.fs);
        st.touch_modified(self.now());
        Ok(())
    }

    fn set_times(&self, h: &MemHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        self.fault("set_times")?;
        if let Target::Node(n) = &h.target {
            ops::set_times(n, atim, mtim, self.now());
        }
        Ok(())
    }

    fn readdir(
        &self,
        h: &mut MemHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        self.fault("readdir")?;
        let dir = dir_of(h)?;
        let parent_ino = {
            let st = dir.state.lock();
            let d = st.dir().ok_or(Errno::NOTDIR)?;
            if d.removed {
                return Err(Errno::NOENT);
            }
            d.parent.upgrade().map_or(dir.ino, |p| p.ino)
        };
        let dot =
            |next, ino, name: &'static [u8]| DirEntry { next, ino, filetype: Filetype::Directory, name };
        if cookie == 0 && !sink(&dot(COOKIE_AFTER_DOT, dir.ino, b".")) {
            return Ok(());
        }
        if cookie <= COOKIE_AFTER_DOT && !sink(&dot(COOKIE_AFTER_DOTDOT, parent_ino, b"..")) {
            return Ok(());
        }
        let mut cookie = cookie;
        loop {
            // Copy a batch out so that no lock is held while the sink runs.
            let batch: Vec<Listed> = {
                let st = dir.state.lock();
                match st.dir() {
                    Some(d) if !d.removed => d.list_from(cookie, READDIR_BATCH),
                    _ => return Ok(()),
                }
            };
            for e in &batch {
                let entry = DirEntry { next: e.next, ino: e.ino, filetype: e.filetype, name: &e.name };
                if !sink(&entry) {
                    return Ok(());
                }
                cookie = e.next;
            }
            if batch.len() < READDIR_BATCH {
                return Ok(());
            }
        }
    }

    fn open_at(&self, dir: &MemHandle, name: &str, opts: &OpenOptions) -> Result<MemHandle> {
        self.fault("open_at")?;
        if opts.create && opts.directory {
            // Linux >= 6.4 refuses O_CREAT | O_DIRECTORY outright.
            return Err(Errno::INVAL);
        }
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        let now = self.now();
        let node = match ops::lookup(d, name)? {
            Some(node) => {
                if opts.create && opts.exclusive {
                    return Err(Errno::EXIST);
                }
                if opts.create && node.kind == Kind::Dir {
                    return Err(Errno::ISDIR);
                }
                if opts.directory && node.kind != Kind::Dir {
                    return Err(Errno::NOTDIR);
                }
                match node.kind {
                    Kind::Symlink => return Err(Errno::LOOP),
                    Kind::Dir if opts.write || opts.truncate => return Err(Errno::ISDIR),
                    Kind::Dir => {}
                    Kind::File => {
                        if opts.truncate {
                            let mut st = node.state.lock();
                            if let Some(f) = st.file_mut() {
                                f.set_size(0, &node.fs);
                            }
                            st.touch_modified(now);
                        }
                    }
                }
                node
            }
            None if opts.create => ops::create(d, name, NewBody::File, now)?,
            None => return Err(Errno::NOENT),
        };
        Ok(if node.kind == Kind::Dir {
            MemHandle::node(node, true, false, opts.fdflags)
        } else {
            MemHandle::node(node, opts.read || !opts.write, opts.write, opts.fdflags)
        })
    }

    fn stat_at(&self, dir: &MemHandle, name: &str, follow: bool) -> Result<Filestat> {
        self.fault("stat_at")?;
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        let mut node = ops::lookup_existing(d, name)?;
        if follow {
            node = ops::follow_confined(d, name, node)?;
        }
        let st = node.state.lock();
        Ok(stat_of(&node, &st))
    }

    fn readlink_at(&self, dir: &MemHandle, name: &str) -> Result<Vec<u8>> {
        self.fault("readlink_at")?;
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        let node = ops::lookup_existing(d, name)?;
        let st = node.state.lock();
        st.symlink_target().map(Vec::from).ok_or(Errno::INVAL)
    }

    fn mkdir_at(&self, dir: &MemHandle, name: &str) -> Result<()> {
        self.fault("mkdir_at")?;
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        ops::create(d, name, NewBody::Dir, self.now()).map(drop)
    }

    fn rmdir_at(&self, dir: &MemHandle, name: &str) -> Result<()> {
        self.fault("rmdir_at")?;
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        ops::rmdir(d, name, self.now())
    }

    fn unlink_at(&self, dir: &MemHandle, name: &str) -> Result<()> {
        self.fault("unlink_at")?;
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        ops::unlink(d, name, self.now())
    }

    fn rename_at(&self, old_dir: &MemHandle, old: &str, new_dir: &MemHandle, new: &str) -> Result<()> {
        self.fault("rename_at")?;
        let od = dir_of(old_dir)?;
        let nd = dir_of(new_dir)?;
        if !od.same_fs(nd) {
            return Err(Errno::XDEV);
        }
        let old = name_of(old)?;
        let new = name_of(new)?;
        let _ns = od.fs.ns.lock();
        ops::rename(od, old, nd, new, self.now())
    }

    fn link_at(&self, old_dir: &MemHandle, old: &str, new_dir: &MemHandle, new: &str) -> Result<()> {
        self.fault("link_at")?;
        let od = dir_of(old_dir)?;
        let nd = dir_of(new_dir)?;
        let old = name_of(old)?;
        let new = name_of(new)?;
        let _ns = od.fs.ns.lock();
        ops::link(od, old, nd, new, self.now())
    }

    fn symlink_at(&self, target: &str, dir: &MemHandle, name: &str) -> Result<()> {
        self.fault("symlink_at")?;
        ops::check_symlink_target(target.as_bytes())?;
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        ops::create(d, name, NewBody::Symlink(target.as_bytes()), self.now()).map(drop)
    }

    fn set_times_at(
        &self,
        dir: &MemHandle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        self.fault("set_times_at")?;
        if atim == SetTime::Omit && mtim == SetTime::Omit {
            // Linux returns before even looking at the path.
            return Ok(());
        }
        let d = dir_of(dir)?;
        let name = name_of(name)?;
        let _ns = d.fs.ns.lock();
        let mut node = ops::lookup_existing(d, name)?;
        if follow {
            node = ops::follow_confined(d, name, node)?;
        }
        ops::set_times(&node, atim, mtim, self.now());
        Ok(())
    }

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        self.fault("clock_res")?;
        let _ = clock;
        Ok(1)
    }

    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64> {
        self.fault("clock_time")?;
        let _ = precision;
        Ok(self.clock.lock().read_and_tick(clock))
    }

    fn random(&self, buf: &mut [u8]) -> Result<()> {
        self.fault("random")?;
        self.rng.lock().fill(buf);
        Ok(())
    }

    fn sched_yield(&self) -> Result<()> {
        self.fault("sched_yield")
    }

    fn poll(&self, fds: &mut [PollFd<'_, MemHandle>], deadline: Option<Deadline>) -> Result<()> {
        self.fault("poll")?;
        let mut any = false;
        for fd in fds.iter_mut() {
            match &fd.handle.target {
                Target::Node(node) => {
                    let nbytes = if !fd.write && node.kind == Kind::File {
                        node.state.lock().size().saturating_sub(fd.handle.offset)
                    } else {
                        0
                    };
                    fd.ready = Some(Ok(nbytes));
                    any = true;
                }
                Target::Pipe(p) => {
                    let r = p.readiness();
                    if fd.write {
                        if r.closed {
                            fd.ready = Some(Ok(0));
                            fd.hangup = true;
                            any = true;
                        } else if r.room != Some(0) {
                            fd.ready = Some(Ok(r.room.map_or(0, |n| n as u64)));
                            any = true;
                        }
                    } else if r.available > 0 {
                        fd.ready = Some(Ok(r.available as u64));
                        any = true;
                    } else if r.closed {
                        fd.ready = Some(Ok(0));
                        fd.hangup = true;
                        any = true;
                    }
                }
            }
        }
        if !any {
            if let Some(d) = deadline {
                self.clock.lock().advance_to(d.clock, d.at);
            }
        }
        Ok(())
    }
}
