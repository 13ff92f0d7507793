//! [`MemHandle`]: one open file description.

use crate::fs::node::{Kind, Node};
use crate::pipe::MemPipe;
use alloc::sync::Arc;
use core::fmt;
use wasibox_core::abi::FdFlags;

/// What a handle refers to.
pub(crate) enum Target {
    /// A file or directory of a [`MemFs`](crate::MemFs) (never a symlink).
    Node(Arc<Node>),
    /// A stdio pipe.
    Pipe(MemPipe),
}

/// One open file description of a [`MemPlatform`](crate::MemPlatform): what it refers
/// to (an inode of a [`MemFs`](crate::MemFs), or a [`MemPipe`]), its offset, whether it
/// was opened for reading and/or writing, and its `fdflags`.
///
/// A handle keeps its inode alive: a file unlinked while open stays readable and
/// writable through the handle until the handle is dropped.
pub struct MemHandle {
    pub(crate) target: Target,
    pub(crate) offset: u64,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
    pub(crate) flags: FdFlags,
}

impl MemHandle {
    pub(crate) fn node(node: Arc<Node>, readable: bool, writable: bool, flags: FdFlags) -> Self {
        MemHandle { target: Target::Node(node), offset: 0, readable, writable, flags }
    }

    /// The inode number of what this handle refers to.
    pub fn ino(&self) -> u64 {
        match &self.target {
            Target::Node(n) => n.ino,
            Target::Pipe(p) => p.ino(),
        }
    }

    /// Whether the handle refers to a directory.
    pub fn is_dir(&self) -> bool {
        matches!(&self.target, Target::Node(n) if n.kind == Kind::Dir)
    }

    /// The pipe this handle refers to, if it is a pipe handle.
    pub fn pipe(&self) -> Option<&MemPipe> {
        match &self.target {
            Target::Pipe(p) => Some(p),
            Target::Node(_) => None,
        }
    }

    /// The current offset (0 for pipes).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether the handle was opened for reading.
    pub fn is_readable(&self) -> bool {
        self.readable
    }

    /// Whether the handle was opened for writing.
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// The descriptor flags.
    pub fn fdflags(&self) -> FdFlags {
        self.flags
    }
}

impl fmt::Debug for MemHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.target {
            Target::Node(n) => match n.kind {
                Kind::File => "file",
                Kind::Dir => "dir",
                Kind::Symlink => "symlink",
            },
            Target::Pipe(_) => "pipe",
        };
        f.debug_struct("MemHandle")
            .field("kind", &what)
            .field("ino", &self.ino())
            .field("offset", &self.offset)
            .field("readable", &self.readable)
            .field("writable", &self.writable)
            .field("flags", &self.flags)
            .finish()
    }
}
