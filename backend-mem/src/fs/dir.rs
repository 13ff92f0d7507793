//! Directory contents, with readdir cookies that survive concurrent modification.
//!
//! Every entry gets a sequence number when it is inserted, from a counter that only goes
//! up. Entries are kept ordered by that number, and a cookie is "the sequence number to
//! resume at": cookie 0 starts at `.`, 1 at `..`, and an entry with number `s` (at
//! least 3) hands out `s + 1`. Resuming at a cookie lists exactly the entries numbered
//! at or above it, so entries that existed throughout are never skipped nor repeated,
//! whatever is added or removed in between; entries added meanwhile show up at the end.

use super::node::{Kind, Node};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use hashbrown::HashMap;
use wasibox_core::abi::{Errno, Filetype};
use wasibox_core::Result;

/// The cookie after `.`.
pub(crate) const COOKIE_AFTER_DOT: u64 = 1;
/// The cookie after `..`.
pub(crate) const COOKIE_AFTER_DOTDOT: u64 = 2;
/// The first sequence number of a real entry.
const FIRST_SEQ: u64 = 3;

pub(crate) struct Entry {
    pub(crate) name: Box<[u8]>,
    pub(crate) node: Arc<Node>,
}

pub(crate) struct DirData {
    /// Entries by sequence number: the listing order.
    entries: BTreeMap<u64, Entry>,
    /// Sequence number by name.
    index: HashMap<Box<[u8]>, u64>,
    next_seq: u64,
    /// Number of subdirectories (for `nlink`).
    pub(crate) subdirs: u64,
    /// The parent directory; dangling for the root and for removed directories.
    pub(crate) parent: Weak<Node>,
    /// Set by `rmdir` (or by being replaced in a rename): lookups fail, nothing can be
    /// created inside, `nlink` is 0, readdir is `ENOENT`, as on Linux.
    pub(crate) removed: bool,
}

/// One entry as readdir reports it (an owned copy, so that no lock is held while the
/// caller's sink runs).
pub(crate) struct Listed {
    pub(crate) next: u64,
    pub(crate) ino: u64,
    pub(crate) filetype: Filetype,
    pub(crate) name: Box<[u8]>,
}

impl DirData {
    pub(crate) fn new(parent: Weak<Node>) -> Self {
        DirData {
            entries: BTreeMap::new(),
            index: HashMap::new(),
            next_seq: FIRST_SEQ,
            subdirs: 0,
            parent,
            removed: false,
        }
    }

    pub(crate) fn get(&self, name: &[u8]) -> Option<&Arc<Node>> {
        let seq = self.index.get(name)?;
        self.entries.get(seq).map(|e| &e.node)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Add `name`, which the caller has checked is absent.
    pub(crate) fn insert(&mut self, name: &[u8], node: Arc<Node>) -> Result<()> {
        let seq = self.next_seq;
        self.next_seq = seq.checked_add(1).ok_or(Errno::NOSPC)?;
        if node.kind == Kind::Dir {
            self.subdirs = self.subdirs.saturating_add(1);
        }
        let name: Box<[u8]> = Box::from(name);
        self.index.insert(name.clone(), seq);
        self.entries.insert(seq, Entry { name, node });
        Ok(())
    }

    pub(crate) fn remove(&mut self, name: &[u8]) -> Option<Arc<Node>> {
        let seq = self.index.remove(name)?;
        let entry = self.entries.remove(&seq)?;
        if entry.node.kind == Kind::Dir {
            self.subdirs = self.subdirs.saturating_sub(1);
        }
        Some(entry.node)
    }

    /// Up to `max` entries numbered at or above `cookie`.
    pub(crate) fn list_from(&self, cookie: u64, max: usize) -> Vec<Listed> {
        self.entries
            .range(cookie.max(FIRST_SEQ)..)
            .take(max)
            .map(|(&seq, e)| Listed {
                next: seq.saturating_add(1),
                ino: e.node.ino,
                filetype: e.node.kind.filetype(),
                name: e.name.clone(),
            })
            .collect()
    }

    /// All entries in listing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// Empty the directory, handing back its children (to drop them without recursion).
    pub(crate) fn take_children(&mut self) -> Vec<Arc<Node>> {
        self.index.clear();
        self.subdirs = 0;
        core::mem::take(&mut self.entries).into_values().map(|e| e.node).collect()
    }
}
