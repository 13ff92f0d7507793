//! The ROM image: a flat table of directories and files compiled into the firmware.
//!
//! An entry's index in the table is its identity (its inode number is the index + 1), and
//! each entry names the directory that holds it by that directory's index. A table like
//! this is what a build script would generate from a directory of assets; written by
//! hand it looks like [`crate::demo::DEMO_IMAGE`].

use wasibox_core::abi::{Errno, Filestat, Filetype};
use wasibox_core::Result;

/// The device number every entry reports (`st_dev`): one device, the ROM.
pub const ROM_DEV: u64 = 0x0052_4f4d; // "ROM"

/// What `filestat` reports as a directory's size (as tmpfs and ext4 report one block).
pub const DIR_SIZE: u64 = 4096;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RomKind {
    /// A directory: its entries are those that name it as their parent.
    Dir,
    /// A regular file and its contents.
    File(&'static [u8]),
}

/// One entry of a ROM image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RomEntry {
    /// Index of the directory that holds the entry. The root (index 0) is its own parent.
    pub parent: usize,
    /// The entry's name in that directory (the root's is empty).
    pub name: &'static str,
    /// Directory or file.
    pub kind: RomKind,
}

impl RomEntry {
    /// The root directory: entry 0 of every image.
    pub const fn root() -> RomEntry {
        RomEntry { parent: 0, name: "", kind: RomKind::Dir }
    }

    /// A directory called `name` in the directory at index `parent`.
    pub const fn dir(parent: usize, name: &'static str) -> RomEntry {
        RomEntry { parent, name, kind: RomKind::Dir }
    }

    /// A file called `name` holding `data`, in the directory at index `parent`.
    pub const fn file(parent: usize, name: &'static str, data: &'static [u8]) -> RomEntry {
        RomEntry { parent, name, kind: RomKind::File(data) }
    }

    /// Whether the entry is a directory.
    pub fn is_dir(&self) -> bool {
        self.kind == RomKind::Dir
    }
}

/// Why a table is not a valid image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadImage {
    /// Entry 0 is missing or is not [`RomEntry::root`].
    NoRoot,
    /// The entry at this index names a parent that is not a directory listed before it.
    BadParent(usize),
    /// The entry at this index has a name that is not one path component (empty, `.`,
    /// `..`, or holding `/` or NUL).
    BadName(usize),
    /// The entry at this index has the name of an earlier entry of the same directory.
    Duplicate(usize),
}

/// A checked ROM image: every entry's parent is a directory listed before it, and every
/// name is one component, unique in its directory. The platform relies on this.
#[derive(Clone, Copy, Debug)]
pub struct RomImage {
    entries: &'static [RomEntry],
}

fn is_component(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.bytes().any(|b| b == b'/' || b == 0)
}

impl RomImage {
    /// Check `entries` (once, at boot).
    pub fn new(entries: &'static [RomEntry]) -> core::result::Result<RomImage, BadImage> {
        if entries.first() != Some(&RomEntry::root()) {
            return Err(BadImage::NoRoot);
        }
        for (i, e) in entries.iter().enumerate().skip(1) {
            if e.parent >= i || !entries.get(e.parent).is_some_and(RomEntry::is_dir) {
                return Err(BadImage::BadParent(i));
            }
            if !is_component(e.name) {
                return Err(BadImage::BadName(i));
            }
            let earlier = entries.iter().take(i).skip(1);
            if earlier.into_iter().any(|x| x.parent == e.parent && x.name == e.name) {
                return Err(BadImage::Duplicate(i));
            }
        }
        Ok(RomImage { entries })
    }

    /// The entry at `index`.
    pub fn entry(&self, index: usize) -> Result<&'static RomEntry> {
        self.entries.get(index).ok_or(Errno::BADF)
    }

    /// Number of entries (the root included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the image has no entries (never, for a checked image: the root is there).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The index of `name` in the directory at `dir`. `.` is the directory itself (the
    /// core never passes `..`). `ENOENT` if there is no such entry.
    pub fn lookup(&self, dir: usize, name: &str) -> Result<usize> {
        if name == "." {
            return Ok(dir);
        }
        let found = self.children_from(dir, 1).find(|(_, e)| e.name == name);
        found.map(|(i, _)| i).ok_or(Errno::NOENT)
    }

    /// The entries of the directory at `dir` whose index is `from` or more, in table order.
    pub fn children_from(&self, dir: usize, from: usize) -> impl Iterator<Item = (usize, &'static RomEntry)> {
        let entries: &'static [RomEntry] = self.entries;
        let from = from.max(1); // the root is not its own child
        entries.iter().enumerate().skip(from).filter(move |(_, e)| e.parent == dir)
    }

    /// `stat` of the entry at `index`. `time` is every timestamp: a ROM has no history.
    pub fn stat(&self, index: usize, time: u64) -> Result<Filestat> {
        let e = self.entry(index)?;
        let (filetype, size, nlink) = match e.kind {
            RomKind::File(data) => (Filetype::RegularFile, data.len() as u64, 1),
            // A directory is linked from its parent, from its own `.`, and from the `..`
            // of each subdirectory.
            RomKind::Dir => {
                let subdirs = self.children_from(index, 1).filter(|(_, c)| c.is_dir()).count();
                (Filetype::Directory, DIR_SIZE, 2u64.saturating_add(subdirs as u64))
            }
        };
        Ok(Filestat {
            dev: ROM_DEV,
            ino: inode_of(index),
            filetype,
            nlink,
            size,
            atim: time,
            mtim: time,
            ctim: time,
        })
    }
}

/// The inode number of the entry at `index` (never 0: some libcs skip inode 0 in listings).
pub fn inode_of(index: usize) -> u64 {
    (index as u64).saturating_add(1)
}
