//! The contents of a regular file: a size and a sparse map of 4 KiB pages. Holes (pages
//! never written, or written with zeros only) cost nothing, so `set_size(1 << 40)`
//! allocates nothing.
//!
//! Invariant: every byte of an allocated page at or past `size` is zero, so growing the
//! file again exposes zeros, never stale data.

use super::FsShared;
use alloc::boxed::Box;
use alloc::collections::{btree_map, BTreeMap};
use wasibox_core::abi::Errno;
use wasibox_core::Result;

/// Size of one page of file data, and the unit in which file data is charged against
/// [`Limits::max_bytes`](crate::Limits::max_bytes).
pub const PAGE_SIZE: usize = 4096;
const PAGE: u64 = PAGE_SIZE as u64;

type Page = Box<[u8; PAGE_SIZE]>;

fn new_page() -> Page {
    Box::new([0u8; PAGE_SIZE])
}

/// Split a file offset into (page index, offset in page).
fn split(pos: u64) -> (u64, usize) {
    // `pos % PAGE` < 4096 always fits a usize.
    (pos / PAGE, usize::try_from(pos % PAGE).unwrap_or(0))
}

#[derive(Default)]
pub(crate) struct FileData {
    size: u64,
    pages: BTreeMap<u64, Page>,
}

impl FileData {
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Bytes charged for this file's pages.
    pub(crate) fn charged_bytes(&self) -> u64 {
        u64::try_from(self.pages.len()).unwrap_or(u64::MAX).saturating_mul(PAGE)
    }

    #[cfg(feature = "std")]
    /// Indices of the pages that hold data, in order (for copying a file out).
    pub(crate) fn page_indices(&self) -> impl Iterator<Item = u64> + '_ {
        self.pages.keys().copied()
    }

    #[cfg(feature = "std")]
    /// Copy page `idx` (zeros for a hole) into `out`.
    pub(crate) fn copy_page(&self, idx: u64, out: &mut [u8; PAGE_SIZE]) {
        match self.pages.get(&idx) {
            Some(p) => out.copy_from_slice(&p[..]),
            None => out.fill(0),
        }
    }

    /// Read at most `limit` bytes from `pos` into `bufs` in order; stops at end of file.
    pub(crate) fn read_at(&self, pos: u64, bufs: &mut [&mut [u8]], limit: usize) -> usize {
        let mut done = 0usize;
        let mut at = pos;
        for buf in bufs.iter_mut() {
            let room = limit.saturating_sub(done);
            if room == 0 {
                break;
            }
            let short = buf.len() > room;
            let Some(buf) = buf.get_mut(..room.min(buf.len())) else { break };
            let n = self.read_one(at, buf);
            done = done.saturating_add(n);
            at = at.saturating_add(n as u64);
            if n < buf.len() || short {
                break;
            }
        }
        done
    }

    fn read_one(&self, pos: u64, buf: &mut [u8]) -> usize {
        if pos >= self.size {
            return 0;
        }
        let avail = self.size.saturating_sub(pos);
        let want = usize::try_from(avail).map_or(buf.len(), |a| a.min(buf.len()));
        let mut filled = 0usize;
        while filled < want {
            let (idx, off) = split(pos.saturating_add(filled as u64));
            let chunk = PAGE_SIZE.saturating_sub(off).min(want.saturating_sub(filled));
            let end = filled.saturating_add(chunk);
            let Some(dst) = buf.get_mut(filled..end) else { break };
            match self.pages.get(&idx).and_then(|p| p.get(off..off.saturating_add(chunk))) {
                Some(src) => dst.copy_from_slice(src),
                None => dst.fill(0),
            }
            filled = end;
        }
        filled
    }

    /// Write at most `limit` bytes of `bufs` in order at `pos`, growing the file. Chunks
    /// of zeros that land in a hole stay a hole. When the filesystem runs out of space
    /// part-way, the write is short (as on Linux); `ENOSPC` if nothing at all could be
    /// written. The caller has checked that `pos + limit` stays within the maximum file
    /// size.
    pub(crate) fn write_at(
        &mut self,
        pos: u64,
        bufs: &[&[u8]],
        limit: usize,
        fs: &FsShared,
    ) -> Result<usize> {
        let mut at = pos;
        let mut out_of_space = false;
        let mut left = limit;
        'outer: for buf in bufs {
            if left == 0 {
                break;
            }
            let Some(buf) = buf.get(..left.min(buf.len())) else { break };
            left = left.saturating_sub(buf.len());
            let mut taken = 0usize;
            while taken < buf.len() {
                let (idx, off) = split(at);
                let chunk = PAGE_SIZE.saturating_sub(off).min(buf.len().saturating_sub(taken));
                let end = taken.saturating_add(chunk);
                let Some(src) = buf.get(taken..end) else { break 'outer };
                let page = match self.pages.entry(idx) {
                    btree_map::Entry::Occupied(o) => o.into_mut(),
                    btree_map::Entry::Vacant(v) => {
                        if src.iter().all(|&b| b == 0) {
                            // Zeros into a hole: nothing to store.
                            taken = end;
                            at = at.saturating_add(chunk as u64);
                            continue;
                        }
                        if !fs.charge_bytes(PAGE) {
                            out_of_space = true;
                            break 'outer;
                        }
                        v.insert(new_page())
                    }
                };
                if let Some(dst) = page.get_mut(off..off.saturating_add(chunk)) {
                    dst.copy_from_slice(src);
                }
                taken = end;
                at = at.saturating_add(chunk as u64);
            }
        }
        let done = usize::try_from(at.saturating_sub(pos)).unwrap_or(usize::MAX);
        if done == 0 && out_of_space {
            return Err(Errno::NOSPC);
        }
        self.size = self.size.max(at);
        Ok(done)
    }

    /// Set the size: shrinking drops whole pages past the end and zeroes the tail of the
    /// last one; growing only moves the size (the new range is a hole).
    pub(crate) fn set_size(&mut self, new: u64, fs: &FsShared) {
        if new < self.size {
            let (idx, off) = split(new);
            let first_dead = if off == 0 { idx } else { idx.saturating_add(1) };
            let dead = self.pages.split_off(&first_dead);
            fs.release_bytes(u64::try_from(dead.len()).unwrap_or(u64::MAX).saturating_mul(PAGE));
            if off != 0 {
                if let Some(tail) = self.pages.get_mut(&idx).and_then(|p| p.get_mut(off..)) {
                    tail.fill(0);
                }
            }
        }
        self.size = new;
    }

    /// Number of pages in `start..end` (byte offsets) that are holes.
    pub(crate) fn holes_in(&self, start: u64, end: u64) -> u64 {
        if end <= start {
            return 0;
        }
        let first = start / PAGE;
        let last = end.saturating_sub(1) / PAGE;
        let total = last.saturating_sub(first).saturating_add(1);
        let present = u64::try_from(self.pages.range(first..=last).count()).unwrap_or(u64::MAX);
        total.saturating_sub(present)
    }

    /// Release the charge of every page (the file is going away).
    pub(crate) fn release_all(&mut self, fs: &FsShared) {
        fs.release_bytes(self.charged_bytes());
        self.pages.clear();
    }
}
