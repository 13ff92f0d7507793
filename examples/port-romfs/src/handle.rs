//! [`RomHandle`]: what a guest descriptor holds on this platform.

use crate::board::Stream;
use wasibox_core::abi::FdFlags;

/// What a handle refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The ROM entry at this index (a file or a directory).
    Entry(usize),
    /// A console stream.
    Console(Stream),
}

/// One open file description: the entry, this opening's offset and its flags. Two
/// opens of the same file have two offsets, as on any OS.
#[derive(Debug)]
pub struct RomHandle {
    /// What it refers to.
    pub target: Target,
    /// The offset of the next `read` (files only).
    pub offset: u64,
    /// The descriptor flags it was opened with (`fd_fdstat_get` reports them).
    pub flags: FdFlags,
}

impl RomHandle {
    /// A handle on `target` at offset 0.
    pub fn new(target: Target, flags: FdFlags) -> RomHandle {
        RomHandle { target, offset: 0, flags }
    }
}
