//! The descriptor table: what each guest fd number refers to, its rights, and whether
//! it is a preopen. Numbers are handed out lowest-first (like POSIX), which keeps runs
//! reproducible; the table has a configurable size limit (`EMFILE` beyond it).

use crate::abi::{Errno, Fd, Filetype, Result, Rights};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// How rights are enforced; chosen by the host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RightsPolicy {
    /// Like wasmtime and wazero: only what the open mode implies is enforced (reading a
    /// write-only fd is `EBADF`), plus whatever the guest removed itself with
    /// `fd_fdstat_set_rights` (`ENOTCAPABLE`). Real programs open directories with empty
    /// rights and then use them; this policy runs them.
    #[default]
    Compat,
    /// The spec's rights, as uvwasi does: every call checks the fd's base rights and
    /// `path_open` may not ask for more than the directory's inheriting rights
    /// (`ENOTCAPABLE` otherwise).
    Enforce,
}

/// One open descriptor.
#[derive(Debug)]
pub struct FdEntry<H> {
    /// The backend's handle.
    pub handle: H,
    /// Base rights granted to this descriptor.
    pub base: Rights,
    /// Rights that descriptors opened through this one may have.
    pub inheriting: Rights,
    /// Type of the file, once known (computed lazily, cached).
    pub filetype: Option<Filetype>,
    /// Opened for reading.
    pub readable: bool,
    /// Opened for writing.
    pub writable: bool,
    /// The guest removed rights with `fd_fdstat_set_rights`: under `Compat`, enforce them.
    pub narrowed: bool,
    /// For a preopened directory: its guest path (`fd_prestat_dir_name`).
    pub preopen: Option<Box<str>>,
    /// The path this descriptor was opened at, for traces (`3</data>`): the guest path
    /// of a preopen, or the directory's path joined with the path given to `path_open`.
    /// Kept only while a tracer is installed (the preopens always have theirs), so that
    /// `path_open` pays nothing for it otherwise. Shared, so that a trace event takes it
    /// without allocating.
    pub display: Option<Arc<str>>,
}

impl<H> FdEntry<H> {
    /// A fresh entry with full rights for its kind, not a preopen.
    pub fn new(handle: H, base: Rights, inheriting: Rights, readable: bool, writable: bool) -> Self {
        FdEntry {
            handle,
            base,
            inheriting,
            filetype: None,
            readable,
            writable,
            narrowed: false,
            preopen: None,
            display: None,
        }
    }
}

/// The descriptor table.
#[derive(Debug)]
pub struct FdTable<H> {
    slots: Vec<Option<FdEntry<H>>>,
    open: usize,
    limit: usize,
}

impl<H> FdTable<H> {
    /// An empty table that holds at most `limit` descriptors.
    pub fn new(limit: usize) -> Self {
        FdTable { slots: Vec::new(), open: 0, limit }
    }

    /// Number of open descriptors.
    pub fn len(&self) -> usize {
        self.open
    }

    /// Whether no descriptor is open.
    pub fn is_empty(&self) -> bool {
        self.open == 0
    }

    /// The most descriptors this table holds.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Insert at the lowest free number. `EMFILE` when the table is full.
    pub fn insert(&mut self, entry: FdEntry<H>) -> Result<Fd> {
        if self.open >= self.limit {
            return Err(Errno::MFILE);
        }
        let idx = match self.slots.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        let fd = Fd::try_from(idx).map_err(|_| Errno::MFILE)?;
        if let Some(slot) = self.slots.get_mut(idx) {
            *slot = Some(entry);
        }
        self.open += 1;
        Ok(fd)
    }

    /// Insert at exactly `fd` (host set-up of stdio and preopens). Replaces what was there.
    pub fn insert_at(&mut self, fd: Fd, entry: FdEntry<H>) -> Result<Option<FdEntry<H>>> {
        let idx = fd as usize;
        if idx > (1 << 20) {
            return Err(Errno::MFILE);
        }
        if self.slots.len() <= idx {
            self.slots.resize_with(idx + 1, || None);
        }
        let slot = self.slots.get_mut(idx).ok_or(Errno::MFILE)?;
        let old = slot.replace(entry);
        if old.is_none() {
            self.open += 1;
        }
        Ok(old)
    }

    /// The entry for `fd`, or `EBADF`.
    #[inline]
    pub fn get(&self, fd: Fd) -> Result<&FdEntry<H>> {
        self.slots.get(fd as usize).and_then(Option::as_ref).ok_or(Errno::BADF)
    }

    /// The entry for `fd`, mutably, or `EBADF`.
    #[inline]
    pub fn get_mut(&mut self, fd: Fd) -> Result<&mut FdEntry<H>> {
        self.slots.get_mut(fd as usize).and_then(Option::as_mut).ok_or(Errno::BADF)
    }

    /// Take `fd` out of the table, or `EBADF`.
    pub fn remove(&mut self, fd: Fd) -> Result<FdEntry<H>> {
        let e = self.slots.get_mut(fd as usize).and_then(Option::take).ok_or(Errno::BADF)?;
        self.open -= 1;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(e)
    }

    /// `fd_renumber`: move `from` onto `to`, returning what `to` held. Both must be open.
    pub fn renumber(&mut self, from: Fd, to: Fd) -> Result<Option<FdEntry<H>>> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(None);
        }
        let entry = self.remove(from)?;
        let idx = to as usize;
        if self.slots.len() <= idx {
            self.slots.resize_with(idx + 1, || None);
        }
        let slot = self.slots.get_mut(idx).ok_or(Errno::BADF)?;
        let old = slot.replace(entry);
        if old.is_none() {
            self.open += 1;
        }
        Ok(old)
    }

    /// Iterate over `(fd, entry)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (Fd, &FdEntry<H>)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|e| (i as Fd, e)))
    }

    /// Two distinct entries at once, for calls that take two directory fds (rename, link).
    pub fn get_pair(&self, a: Fd, b: Fd) -> Result<(&FdEntry<H>, &FdEntry<H>)> {
        Ok((self.get(a)?, self.get(b)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: u32) -> FdEntry<u32> {
        FdEntry::new(n, Rights::all(), Rights::all(), true, true)
    }

    #[test]
    fn lowest_free_and_limit() {
        let mut t = FdTable::new(3);
        assert_eq!(t.insert(e(0)).unwrap(), 0);
        assert_eq!(t.insert(e(1)).unwrap(), 1);
        assert_eq!(t.insert(e(2)).unwrap(), 2);
        assert_eq!(t.insert(e(3)).unwrap_err(), Errno::MFILE);
        t.remove(1).unwrap();
        assert_eq!(t.insert(e(4)).unwrap(), 1);
        assert_eq!(t.get(1).unwrap().handle, 4);
        assert_eq!(t.get(7).unwrap_err(), Errno::BADF);
    }

    #[test]
    fn renumber_requires_both_open() {
        let mut t = FdTable::new(8);
        t.insert(e(10)).unwrap();
        t.insert(e(11)).unwrap();
        assert_eq!(t.renumber(0, 5).unwrap_err(), Errno::BADF);
        let old = t.renumber(0, 1).unwrap().unwrap();
        assert_eq!(old.handle, 11);
        assert_eq!(t.get(1).unwrap().handle, 10);
        assert!(t.get(0).is_err());
        assert_eq!(t.len(), 1);
    }
}
