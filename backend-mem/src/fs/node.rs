//! Inodes: what a directory entry or an open handle points at.

use super::dir::DirData;
use super::file_data::FileData;
use super::{FsShared, MEM_DEV};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::Mutex;
use wasibox_core::abi::{Filestat, Filetype};

/// Size reported for every directory (the differential runner ignores it; tmpfs reports
/// a number that depends on the entries).
pub(crate) const DIR_SIZE: u64 = 4096;

/// The three kinds of inode the filesystem stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Symlink,
}

impl Kind {
    pub(crate) fn filetype(self) -> Filetype {
        match self {
            Kind::File => Filetype::RegularFile,
            Kind::Dir => Filetype::Directory,
            Kind::Symlink => Filetype::SymbolicLink,
        }
    }
}

/// One inode. Shared by `Arc`: directory entries and open handles hold it, so an
/// unlinked file lives on while a handle refers to it.
pub(crate) struct Node {
    /// Inode number: unique within the filesystem and never reused.
    pub(crate) ino: u64,
    /// Never changes.
    pub(crate) kind: Kind,
    /// The filesystem this inode belongs to (its namespace lock and its accounting).
    pub(crate) fs: Arc<FsShared>,
    pub(crate) state: Mutex<NodeState>,
}

pub(crate) struct NodeState {
    /// Hard links to a file or symlink (directories compute theirs).
    pub(crate) nlink: u64,
    pub(crate) atim: u64,
    pub(crate) mtim: u64,
    pub(crate) ctim: u64,
    pub(crate) body: Body,
}

pub(crate) enum Body {
    File(FileData),
    Dir(DirData),
    Symlink(Box<[u8]>),
}

impl NodeState {
    pub(crate) fn new(body: Body, now: u64) -> Self {
        NodeState { nlink: 1, atim: now, mtim: now, ctim: now, body }
    }

    pub(crate) fn file(&self) -> Option<&FileData> {
        match &self.body {
            Body::File(f) => Some(f),
            _ => None,
        }
    }

    pub(crate) fn file_mut(&mut self) -> Option<&mut FileData> {
        match &mut self.body {
            Body::File(f) => Some(f),
            _ => None,
        }
    }

    pub(crate) fn dir(&self) -> Option<&DirData> {
        match &self.body {
            Body::Dir(d) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn dir_mut(&mut self) -> Option<&mut DirData> {
        match &mut self.body {
            Body::Dir(d) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn symlink_target(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Symlink(t) => Some(t),
            _ => None,
        }
    }

    /// Data changed: `mtim` and `ctim` = now.
    pub(crate) fn touch_modified(&mut self, now: u64) {
        self.mtim = now;
        self.ctim = now;
    }

    /// Link count as `stat` reports it: Linux tmpfs gives a directory 2 + its
    /// subdirectories, and 0 once removed.
    pub(crate) fn nlink(&self) -> u64 {
        match &self.body {
            Body::Dir(d) if d.removed => 0,
            Body::Dir(d) => d.subdirs.saturating_add(2),
            _ => self.nlink,
        }
    }

    pub(crate) fn size(&self) -> u64 {
        match &self.body {
            Body::File(f) => f.size(),
            Body::Dir(_) => DIR_SIZE,
            Body::Symlink(t) => t.len() as u64,
        }
    }
}

impl Node {
    pub(crate) fn new(fs: &Arc<FsShared>, ino: u64, kind: Kind, state: NodeState) -> Arc<Node> {
        Arc::new(Node { ino, kind, fs: Arc::clone(fs), state: Mutex::new(state) })
    }

    pub(crate) fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }

    pub(crate) fn stat(&self) -> Filestat {
        let st = self.state.lock();
        stat_of(self, &st)
    }

    pub(crate) fn same_fs(&self, other: &Node) -> bool {
        Arc::ptr_eq(&self.fs, &other.fs)
    }
}

/// The `filestat` of `node`, whose state the caller has locked.
pub(crate) fn stat_of(node: &Node, st: &NodeState) -> Filestat {
    Filestat {
        dev: MEM_DEV,
        ino: node.ino,
        filetype: node.kind.filetype(),
        nlink: st.nlink(),
        size: st.size(),
        atim: st.atim,
        mtim: st.mtim,
        ctim: st.ctim,
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let fs = Arc::clone(&self.fs);
        release_node(&fs, self.state.get_mut());
        // Tear a directory tree down with a worklist, not recursion: a guest may have
        // built a chain of directories deep enough to overflow the stack.
        let mut work: Vec<Arc<Node>> = match &mut self.state.get_mut().body {
            Body::Dir(d) => d.take_children(),
            _ => return,
        };
        while let Some(child) = work.pop() {
            if let Some(mut node) = Arc::into_inner(child) {
                if let Body::Dir(d) = &mut node.state.get_mut().body {
                    work.extend(d.take_children());
                }
                // `node` is dropped here, childless: no recursion.
            }
        }
    }
}

/// Give back what an inode was charged.
fn release_node(fs: &FsShared, st: &mut NodeState) {
    match &mut st.body {
        Body::File(f) => f.release_all(fs),
        Body::Symlink(t) => fs.release_bytes(t.len() as u64),
        Body::Dir(_) => {}
    }
    fs.release_inode();
}
