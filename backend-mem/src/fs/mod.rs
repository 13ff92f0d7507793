//! [`MemFs`]: the in-memory filesystem, and its host-side helpers.

mod dir;
mod file_data;
#[cfg(feature = "std")]
mod host;
pub(crate) mod node;
pub(crate) mod ops;
pub(crate) mod walk;

pub use file_data::PAGE_SIZE;
pub use walk::MAX_SYMLINK_HOPS;

pub(crate) use dir::{Listed, COOKIE_AFTER_DOT, COOKIE_AFTER_DOTDOT};

use crate::config::{Limits, DEFAULT_REALTIME_START};
use crate::fault::Faults;
use crate::sync::AtomicU64;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::Ordering;
use dir::DirData;
use node::{Body, Kind, Node, NodeState};
use ops::{Name, NewBody};
use spin::Mutex;
use walk::Scope;
use wasibox_core::abi::{Errno, Filestat, Filetype, SetTime};
use wasibox_core::Result;

/// The device number every inode of every [`MemFs`] reports (`filestat.dev`).
pub const MEM_DEV: u64 = 0x006d_656d_6673; // "memfs"

/// Longest name of one directory entry, in bytes (`ENAMETOOLONG` beyond).
pub const MAX_NAME_LEN: usize = 255;

/// State shared by every inode of one filesystem.
pub(crate) struct FsShared {
    /// The namespace lock: held by every operation that reads or changes a directory.
    pub(crate) ns: Mutex<()>,
    limits: Limits,
    used_bytes: AtomicU64,
    used_inodes: AtomicU64,
    next_ino: AtomicU64,
    host_time: AtomicU64,
    pub(crate) faults: Faults,
}

impl FsShared {
    /// Reserve `n` bytes of storage; `false` if that would pass the limit.
    pub(crate) fn charge_bytes(&self, n: u64) -> bool {
        let max = self.limits.max_bytes;
        self.used_bytes
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                used.checked_add(n).filter(|&t| t <= max)
            })
            .is_ok()
    }

    /// Whether `n` more bytes would fit.
    pub(crate) fn bytes_available(&self, n: u64) -> bool {
        self.used_bytes.load(Ordering::SeqCst).checked_add(n).is_some_and(|t| t <= self.limits.max_bytes)
    }

    pub(crate) fn release_bytes(&self, n: u64) {
        let _ =
            self.used_bytes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| Some(u.saturating_sub(n)));
    }

    /// Reserve an inode and hand out its number; `ENOSPC` at the limit.
    pub(crate) fn alloc_inode(&self) -> Result<u64> {
        let max = self.limits.max_inodes;
        self.used_inodes
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                used.checked_add(1).filter(|&t| t <= max)
            })
            .map_err(|_| Errno::NOSPC)?;
        Ok(self.next_ino())
    }

    /// A fresh inode number that is not charged (for pipes).
    pub(crate) fn next_ino(&self) -> u64 {
        self.next_ino.fetch_add(1, Ordering::SeqCst)
    }

    pub(crate) fn release_inode(&self) {
        let _ =
            self.used_inodes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| Some(u.saturating_sub(1)));
    }
}

/// How much of its [`Limits`] a [`MemFs`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Bytes charged (file pages holding data, symlink targets).
    pub bytes: u64,
    /// Inodes alive.
    pub inodes: u64,
}

/// One entry of [`MemFs::list_dir`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// The name (any bytes but `/` and NUL).
    pub name: Vec<u8>,
    /// Inode number.
    pub ino: u64,
    /// Type, without following symlinks.
    pub filetype: Filetype,
}

/// An in-memory filesystem: a tree of inodes (regular files, directories, symlinks) with
/// hard links, three timestamps per inode, sparse files and capacity limits.
///
/// `MemFs` is a cheap handle: clones refer to the same filesystem, which is `Send +
/// Sync` and may be used by several [`MemPlatform`](crate::MemPlatform)s and threads at
/// once. Inodes live while a directory entry or an open handle refers to them; inode
/// numbers are never reused. The root directory has inode 1.
///
/// The host-side helpers take `/`-separated paths inside the filesystem (a leading `/`
/// is optional: every path starts at the root). They follow symlinks in every component
/// but the last unless said otherwise; absolute symlink targets restart at the root and
/// `..` stops there. Modifications made through them are stamped with the
/// [host time](MemFs::set_host_time), not with any platform's clock.
#[derive(Clone)]
pub struct MemFs {
    shared: Arc<FsShared>,
    root: Arc<Node>,
}

impl MemFs {
    /// An empty filesystem (just the root directory) with the given limits.
    pub fn new(limits: Limits) -> MemFs {
        let shared = Arc::new(FsShared {
            ns: Mutex::new(()),
            limits,
            used_bytes: AtomicU64::new(0),
            // The root is always there, even with `max_inodes` = 0.
            used_inodes: AtomicU64::new(1),
            next_ino: AtomicU64::new(2),
            host_time: AtomicU64::new(DEFAULT_REALTIME_START),
            faults: Faults::default(),
        });
        let body = Body::Dir(DirData::new(Weak::new()));
        let root = Node::new(&shared, 1, Kind::Dir, NodeState::new(body, DEFAULT_REALTIME_START));
        MemFs { shared, root }
    }

    pub(crate) fn root(&self) -> &Arc<Node> {
        &self.root
    }

    pub(crate) fn shared(&self) -> &Arc<FsShared> {
        &self.shared
    }

    /// The limits this filesystem was created with.
    pub fn limits(&self) -> Limits {
        self.shared.limits
    }

    /// What is in use now.
    pub fn usage(&self) -> Usage {
        Usage {
            bytes: self.shared.used_bytes.load(Ordering::SeqCst),
            inodes: self.shared.used_inodes.load(Ordering::SeqCst),
        }
    }

    /// Whether `self` and `other` are the same filesystem.
    pub fn same_fs(&self, other: &MemFs) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// The time (nanoseconds since the epoch) host-side helpers stamp changes with;
    /// [`DEFAULT_REALTIME_START`] unless set.
    pub fn host_time(&self) -> u64 {
        self.shared.host_time.load(Ordering::SeqCst)
    }

    /// Set the time host-side helpers stamp changes with.
    pub fn set_host_time(&self, ns: u64) {
        self.shared.host_time.store(ns, Ordering::SeqCst);
    }

    /// Make the call of the `Platform` method `op` (e.g. `"write"`, `"open_at"`; `"*"`
    /// for any) that comes after `after_n_calls` more calls fail with `errno`, once.
    /// Faults are counted per filesystem, across every platform using it.
    pub fn inject_fault(&self, op: &str, errno: Errno, after_n_calls: u64) {
        self.shared.faults.inject(op, errno, after_n_calls);
    }

    /// Make the read or write (`op`: `"read"`, `"pread"`, `"write"`, `"pwrite"`) that
    /// comes after `after_n_calls` more calls of it move at most `max_bytes` bytes, once: a
    /// short read or short write, as a pipe, a signal or a full disk may cause.
    pub fn inject_short(&self, op: &str, max_bytes: usize, after_n_calls: u64) {
        self.shared.faults.inject_short(op, max_bytes, after_n_calls);
    }

    /// Disarm every injected fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    // ----- path helpers ------------------------------------------------------------

    fn resolve(&self, path: &[u8], follow_last: bool) -> Result<Arc<Node>> {
        walk::resolve(&self.root, Scope::Host { root: &self.root }, path, follow_last)
    }

    /// The directory that holds the last component of `path`, and that component.
    /// `Ok(None)` for the root itself.
    fn parent_and_name<'p>(&self, path: &'p [u8]) -> Result<Option<(Arc<Node>, &'p [u8])>> {
        let mut comps = walk::components(path)?;
        let Some(last) = comps.pop() else { return Ok(None) };
        if last == b"." || last == b".." {
            return Err(Errno::INVAL);
        }
        if last.len() > MAX_NAME_LEN {
            return Err(Errno::NAMETOOLONG);
        }
        let parent_path = comps.join(&b'/');
        let parent = self.resolve(&parent_path, true)?;
        ops::require_dir(&parent)?;
        Ok(Some((parent, last)))
    }

    // ----- host-side helpers ----------------------------------------------------------

    /// Create the directory `path` (`EEXIST` if anything is there; its parent must
    /// exist).
    pub fn create_dir(&self, path: impl AsRef<[u8]>) -> Result<()> {
        let _ns = self.shared.ns.lock();
        let (parent, name) = self.parent_and_name(path.as_ref())?.ok_or(Errno::EXIST)?;
        ops::create(&parent, Name::Entry(name), NewBody::Dir, self.host_time()).map(drop)
    }

    /// Create `path` and every missing directory above it; existing directories (or
    /// symlinks to directories) are fine.
    pub fn create_dir_all(&self, path: impl AsRef<[u8]>) -> Result<()> {
        let _ns = self.shared.ns.lock();
        let now = self.host_time();
        let mut cur = Arc::clone(&self.root);
        for comp in walk::components(path.as_ref())? {
            cur = match comp {
                b"." => cur,
                b".." => walk::resolve(&cur, Scope::Host { root: &self.root }, b"..", true)?,
                name => match walk::child(&cur, name)? {
                    Some(n) if n.kind == Kind::Symlink => {
                        walk::resolve(&cur, Scope::Host { root: &self.root }, name, true)?
                    }
                    Some(n) => n,
                    None => ops::create(&cur, Name::Entry(name), NewBody::Dir, now)?,
                },
            };
            ops::require_dir(&cur)?;
        }
        Ok(())
    }

    /// Create or replace the contents of the file `path` (following a symlink there).
    pub fn write_file(&self, path: impl AsRef<[u8]>, data: &[u8]) -> Result<()> {
        let node = {
            let _ns = self.shared.ns.lock();
            let path = path.as_ref();
            match self.resolve(path, true) {
                Ok(n) => n,
                Err(Errno::NOENT) => {
                    let (parent, name) = self.parent_and_name(path)?.ok_or(Errno::ISDIR)?;
                    match ops::lookup(&parent, Name::Entry(name))? {
                        // A dangling symlink: its target is not created.
                        Some(_) => return Err(Errno::NOENT),
                        None => ops::create(&parent, Name::Entry(name), NewBody::File, self.host_time())?,
                    }
                }
                Err(e) => return Err(e),
            }
        };
        if node.is_dir() {
            return Err(Errno::ISDIR);
        }
        let now = self.host_time();
        let mut st = node.state.lock();
        let f = st.file_mut().ok_or(Errno::INVAL)?;
        f.set_size(0, &self.shared);
        if data.len() as u64 > i64::MAX as u64 {
            return Err(Errno::FBIG);
        }
        let n = f.write_at(0, &[data], data.len(), &self.shared)?;
        st.touch_modified(now);
        if n < data.len() {
            return Err(Errno::NOSPC);
        }
        Ok(())
    }

    /// The whole contents of the file `path` (following symlinks), read into memory at
    /// once (`ENOMEM` if a sparse file is too large for that).
    pub fn read_file(&self, path: impl AsRef<[u8]>) -> Result<Vec<u8>> {
        let node = {
            let _ns = self.shared.ns.lock();
            self.resolve(path.as_ref(), true)?
        };
        let st = node.state.lock();
        let f = match &st.body {
            Body::File(f) => f,
            Body::Dir(_) => return Err(Errno::ISDIR),
            Body::Symlink(_) => return Err(Errno::LOOP),
        };
        let len = usize::try_from(f.size()).map_err(|_| Errno::FBIG)?;
        let mut out = Vec::new();
        out.try_reserve_exact(len).map_err(|_| Errno::NOMEM)?;
        out.resize(len, 0);
        let n = f.read_at(0, &mut [&mut out[..]], len);
        out.truncate(n);
        Ok(out)
    }

    /// Set the size of the file `path` (following symlinks); growing makes a hole.
    pub fn set_size(&self, path: impl AsRef<[u8]>, size: u64) -> Result<()> {
        let node = {
            let _ns = self.shared.ns.lock();
            self.resolve(path.as_ref(), true)?
        };
        if size > i64::MAX as u64 {
            return Err(Errno::INVAL);
        }
        let mut st = node.state.lock();
        st.file_mut().ok_or(Errno::ISDIR)?.set_size(size, &self.shared);
        st.touch_modified(self.host_time());
        Ok(())
    }

    /// Create the symlink `path` pointing at `target` (stored as given).
    pub fn symlink(&self, target: impl AsRef<[u8]>, path: impl AsRef<[u8]>) -> Result<()> {
        let target = target.as_ref();
        ops::check_symlink_target(target)?;
        let _ns = self.shared.ns.lock();
        let (parent, name) = self.parent_and_name(path.as_ref())?.ok_or(Errno::EXIST)?;
        ops::create(&parent, Name::Entry(name), NewBody::Symlink(target), self.host_time()).map(drop)
    }

    /// Make `new` another name of `existing` (not following a symlink at `existing`).
    pub fn hard_link(&self, existing: impl AsRef<[u8]>, new: impl AsRef<[u8]>) -> Result<()> {
        let _ns = self.shared.ns.lock();
        let (odir, oname) = self.parent_and_name(existing.as_ref())?.ok_or(Errno::PERM)?;
        let (ndir, nname) = self.parent_and_name(new.as_ref())?.ok_or(Errno::EXIST)?;
        ops::link(&odir, Name::Entry(oname), &ndir, Name::Entry(nname), self.host_time())
    }

    /// Rename `from` to `to`, with `rename(2)` semantics.
    pub fn rename(&self, from: impl AsRef<[u8]>, to: impl AsRef<[u8]>) -> Result<()> {
        let _ns = self.shared.ns.lock();
        let (odir, oname) = self.parent_and_name(from.as_ref())?.ok_or(Errno::BUSY)?;
        let (ndir, nname) = self.parent_and_name(to.as_ref())?.ok_or(Errno::BUSY)?;
        ops::rename(&odir, Name::Entry(oname), &ndir, Name::Entry(nname), self.host_time())
    }

    /// The target of the symlink `path`.
    pub fn read_link(&self, path: impl AsRef<[u8]>) -> Result<Vec<u8>> {
        let node = {
            let _ns = self.shared.ns.lock();
            self.resolve(path.as_ref(), false)?
        };
        let st = node.state.lock();
        st.symlink_target().map(Vec::from).ok_or(Errno::INVAL)
    }

    /// `stat(path)`: attributes, following symlinks.
    pub fn metadata(&self, path: impl AsRef<[u8]>) -> Result<Filestat> {
        let _ns = self.shared.ns.lock();
        Ok(self.resolve(path.as_ref(), true)?.stat())
    }

    /// `lstat(path)`: attributes, not following a symlink at the last component.
    pub fn symlink_metadata(&self, path: impl AsRef<[u8]>) -> Result<Filestat> {
        let _ns = self.shared.ns.lock();
        Ok(self.resolve(path.as_ref(), false)?.stat())
    }

    /// Whether anything (a dangling symlink included) is at `path`.
    pub fn exists(&self, path: impl AsRef<[u8]>) -> bool {
        self.symlink_metadata(path).is_ok()
    }

    /// Set the access and/or modification time of `path` (following symlinks); `None`
    /// leaves one alone.
    pub fn set_times(&self, path: impl AsRef<[u8]>, atim: Option<u64>, mtim: Option<u64>) -> Result<()> {
        let node = {
            let _ns = self.shared.ns.lock();
            self.resolve(path.as_ref(), true)?
        };
        let conv = |t: Option<u64>| t.map_or(SetTime::Omit, SetTime::At);
        ops::set_times(&node, conv(atim), conv(mtim), self.host_time());
        Ok(())
    }

    /// The entries of the directory `path` (following symlinks), without `.` and `..`,
    /// in readdir order (creation order).
    pub fn list_dir(&self, path: impl AsRef<[u8]>) -> Result<Vec<ListEntry>> {
        let _ns = self.shared.ns.lock();
        let dir = self.resolve(path.as_ref(), true)?;
        let st = dir.state.lock();
        let d = st.dir().ok_or(Errno::NOTDIR)?;
        Ok(d.iter()
            .map(|e| ListEntry {
                name: Vec::from(&e.name[..]),
                ino: e.node.ino,
                filetype: e.node.kind.filetype(),
            })
            .collect())
    }

    /// Remove the file, symlink or empty directory `path` (not following a symlink
    /// there).
    pub fn remove(&self, path: impl AsRef<[u8]>) -> Result<()> {
        let _ns = self.shared.ns.lock();
        let (parent, name) = self.parent_and_name(path.as_ref())?.ok_or(Errno::BUSY)?;
        let node = ops::lookup_existing(&parent, Name::Entry(name))?;
        if node.is_dir() {
            ops::rmdir(&parent, Name::Entry(name), self.host_time())
        } else {
            ops::unlink(&parent, Name::Entry(name), self.host_time())
        }
    }

    /// Remove `path` and, if it is a directory, everything below it (never following
    /// symlinks).
    pub fn remove_all(&self, path: impl AsRef<[u8]>) -> Result<()> {
        let _ns = self.shared.ns.lock();
        let now = self.host_time();
        let (parent, name) = self.parent_and_name(path.as_ref())?.ok_or(Errno::BUSY)?;
        ops::remove_tree(&parent, name, now)
    }

    /// Every inode under `path` (following a symlink at `path` itself only), depth
    /// first, children in name order, each as its path relative to `path` and its
    /// attributes; `path` itself is not included. For comparing end states.
    pub fn walk(&self, path: impl AsRef<[u8]>) -> Result<Vec<(Vec<u8>, Filestat)>> {
        let _ns = self.shared.ns.lock();
        let start = self.resolve(path.as_ref(), true)?;
        ops::require_dir(&start)?;
        let mut out = Vec::new();
        let mut stack = sorted_children(&start, &[]);
        stack.reverse();
        while let Some((p, node)) = stack.pop() {
            out.push((p.clone(), node.stat()));
            if node.is_dir() {
                stack.extend(sorted_children(&node, &p).into_iter().rev());
            }
        }
        Ok(out)
    }
}

/// The entries of `dir` sorted by name, with their paths under `prefix`.
fn sorted_children(dir: &Node, prefix: &[u8]) -> Vec<(Vec<u8>, Arc<Node>)> {
    let st = dir.state.lock();
    let Some(d) = st.dir() else { return Vec::new() };
    let mut kids: Vec<(Vec<u8>, Arc<Node>)> = d
        .iter()
        .map(|e| {
            let mut p = Vec::from(prefix);
            if !p.is_empty() {
                p.push(b'/');
            }
            p.extend_from_slice(&e.name);
            (p, Arc::clone(&e.node))
        })
        .collect();
    kids.sort_by(|a, b| a.0.cmp(&b.0));
    kids
}

impl Default for MemFs {
    fn default() -> Self {
        MemFs::new(Limits::default())
    }
}

impl fmt::Debug for MemFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemFs").field("limits", &self.limits()).field("usage", &self.usage()).finish()
    }
}
