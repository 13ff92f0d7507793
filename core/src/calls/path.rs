//! `path_*` calls. Every path goes through [`Walk`], the sandboxed component walk.

use super::{applicable_rights, u16_arg};
use crate::abi::{
    encode_filestat, filestat_size, Errno, FdFlags, Filestat, Filetype, LookupFlags, OFlags, Result, Rights,
    SetTime, Version,
};
use crate::ctx::WasiCtx;
use crate::fd_table::{FdEntry, RightsPolicy};
use crate::memory::{GuestMemory, Mem};
use crate::path::Walk;
use crate::platform::{OpenOptions, Platform};
use alloc::vec::Vec;

fn lookup_flags(raw: u32) -> Result<LookupFlags> {
    LookupFlags::from_bits(raw).ok_or(Errno::INVAL)
}

/// Rights that ask for a descriptor open for writing (as wasi-libc and Rust's std ask).
const WRITE_MODE: Rights = Rights::FD_WRITE
    .union(Rights::FD_DATASYNC)
    .union(Rights::FD_ALLOCATE)
    .union(Rights::FD_FILESTAT_SET_SIZE);
/// Rights that ask for a descriptor open for reading.
const READ_MODE: Rights = Rights::FD_READ.union(Rights::FD_READDIR);

/// Whether `path` may go to [`Platform::open_beneath`]: several components, none of them
/// `..`, the last one a name (not `.`), no trailing `/`, and the kernel's limit of 40
/// symlinks no higher than ours (a host limit below 40 must be the walk's to enforce).
fn beneath_ok(path: &str, max_symlinks: u32) -> bool {
    max_symlinks >= crate::path::MAX_SYMLINKS
        && path.contains('/')
        && !path.ends_with('/')
        && !path.ends_with("/.")
        && path.split('/').all(|c| c != "..")
}

impl<P: Platform> WasiCtx<P> {
    /// Stat the final component of `walk`, following symlinks there if `follow`.
    fn stat_final(&self, walk: &mut Walk<'_, P>, follow: bool) -> Result<Filestat> {
        loop {
            let st = self.platform.stat_at(walk.dir(), walk.name(), false)?;
            if st.filetype == Filetype::SymbolicLink && (follow || walk.trailing_slash()) {
                walk.expand()?;
                continue;
            }
            if walk.trailing_slash() && st.filetype != Filetype::Directory {
                return Err(Errno::NOTDIR);
            }
            return Ok(st);
        }
    }

    pub(crate) fn path_create_directory<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let mut buf = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut buf)?;
        let e = self.entry(fd, Rights::PATH_CREATE_DIRECTORY)?;
        let walk = Walk::new(&self.platform, &e.handle, path, self.limits.max_symlinks)?;
        if walk.name() == "." {
            return Err(Errno::EXIST);
        }
        self.platform.mkdir_at(walk.dir(), walk.name())
    }

    pub(crate) fn path_filestat_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        v: Version,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let flags = lookup_flags(flags)?;
        let mut buf = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut buf)?;
        mem.check_writable(out, filestat_size(v), 8)?;
        let e = self.entry(fd, Rights::PATH_FILESTAT_GET)?;
        let mut walk = Walk::new(&self.platform, &e.handle, path, self.limits.max_symlinks)?;
        let st = self.stat_final(&mut walk, flags.contains(LookupFlags::SYMLINK_FOLLOW))?;
        let (b, n) = encode_filestat(&st, v);
        mem.write_bytes(out, b.get(..n).unwrap_or_default(), 8)
    }

    pub(crate) fn path_filestat_set_times<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let flags = lookup_flags(flags)?;
        let (a, m) = SetTime::decode_pair(atim, mtim, fst_flags)?;
        let mut buf = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut buf)?;
        let e = self.entry(fd, Rights::PATH_FILESTAT_SET_TIMES)?;
        let mut walk = Walk::new(&self.platform, &e.handle, path, self.limits.max_symlinks)?;
        if flags.contains(LookupFlags::SYMLINK_FOLLOW) || walk.trailing_slash() {
            walk.follow_final()?;
        }
        if walk.trailing_slash() {
            self.stat_final(&mut walk, true)?;
        }
        self.platform.set_times_at(walk.dir(), walk.name(), a, m, false)
    }

    pub(crate) fn path_link<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let flags = lookup_flags(old_flags)?;
        let mut ob = Vec::new();
        let mut nb = Vec::new();
        let old_path = self.read_path(&mem, old_path, old_path_len, &mut ob)?;
        let new_path = self.read_path(&mem, new_path, new_path_len, &mut nb)?;
        self.entry(old_fd, Rights::PATH_LINK_SOURCE)?;
        self.entry(new_fd, Rights::PATH_LINK_TARGET)?;
        let (oe, ne) = self.fds.get_pair(old_fd, new_fd)?;
        let max = self.limits.max_symlinks;
        let mut ow = Walk::new(&self.platform, &oe.handle, old_path, max)?;
        if flags.contains(LookupFlags::SYMLINK_FOLLOW) {
            ow.follow_final()?;
        }
        let nw = Walk::new(&self.platform, &ne.handle, new_path, max)?;
        if ow.name() == "." {
            return Err(Errno::PERM);
        }
        if ow.trailing_slash() {
            let st = self.stat_final(&mut ow, true)?;
            return Err(if st.filetype == Filetype::Directory { Errno::PERM } else { Errno::NOTDIR });
        }
        if nw.name() == "." {
            return Err(Errno::EXIST);
        }
        if nw.trailing_slash() {
            return match self.platform.stat_at(nw.dir(), nw.name(), false) {
                Ok(_) => Err(Errno::EXIST),
                Err(Errno::NOENT) => {
                    // Linux: linking a file to "new/" is ENOENT; a missing source wins.
                    self.platform.stat_at(ow.dir(), ow.name(), false)?;
                    Err(Errno::NOENT)
                }
                Err(e) => Err(e),
            };
        }
        self.platform.link_at(ow.dir(), ow.name(), nw.dir(), nw.name())
    }

    pub(crate) fn path_open<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        base: u64,
        inheriting: u64,
        fdflags: u32,
        opened_fd: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let dirflags = lookup_flags(dirflags)?;
        let oflags = OFlags::from_bits(u16_arg(oflags)?).ok_or(Errno::INVAL)?;
        let fdflags = FdFlags::from_bits(u16_arg(fdflags)?).ok_or(Errno::INVAL)?;
        let base = Rights::from_bits_truncate(base);
        let inheriting = Rights::from_bits_truncate(inheriting);
        let mut buf = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut buf)?;
        mem.check_writable(opened_fd, 4, 4)?;

        let mut need = Rights::PATH_OPEN;
        if oflags.contains(OFlags::CREAT) {
            need |= Rights::PATH_CREATE_FILE;
        }
        if oflags.contains(OFlags::TRUNC) {
            need |= Rights::PATH_FILESTAT_SET_SIZE;
        }
        let policy = self.policy;
        let max = self.limits.max_symlinks;
        let dir = self.entry(fd, need)?;
        if policy == RightsPolicy::Enforce
            && (!dir.inheriting.contains(base) || !dir.inheriting.contains(inheriting))
        {
            return Err(Errno::NOTCAPABLE);
        }
        if oflags.contains(OFlags::CREAT | OFlags::DIRECTORY) {
            return Err(Errno::INVAL);
        }
        // Asking for write rights on a directory is EISDIR, as open(O_RDWR) on Linux.
        let write = base.intersects(WRITE_MODE) || fdflags.contains(FdFlags::APPEND);
        let read = base.intersects(READ_MODE) || !write;
        let mut opts = OpenOptions {
            read,
            write,
            create: oflags.contains(OFlags::CREAT),
            exclusive: oflags.contains(OFlags::EXCL),
            truncate: oflags.contains(OFlags::TRUNC),
            directory: oflags.contains(OFlags::DIRECTORY),
            fdflags,
        };
        // The backend's one-call fast path (Linux openat2 with RESOLVE_BENEATH) when the
        // path is one it gives the walk's answer for; on ELOOP, ENOTDIR or EMLINK (a
        // symlink the walk may have to follow) the walk decides.
        let fast =
            if beneath_ok(path, max) { self.platform.open_beneath(&dir.handle, path, &opts) } else { None };
        let handle = match fast {
            Some(Ok(h)) => h,
            Some(Err(e)) if !matches!(e, Errno::LOOP | Errno::NOTDIR | Errno::MLINK) => return Err(e),
            _ => {
                let mut walk = Walk::new(&self.platform, &dir.handle, path, max)?;
                let follow = dirflags.contains(LookupFlags::SYMLINK_FOLLOW);
                if walk.trailing_slash() {
                    if opts.create {
                        return Err(Errno::ISDIR);
                    }
                    opts.directory = true;
                }
                if walk.name() == "." && opts.create {
                    return Err(if opts.exclusive { Errno::EXIST } else { Errno::ISDIR });
                }
                let handle = loop {
                    match self.platform.open_at(walk.dir(), walk.name(), &opts) {
                        Ok(h) => break h,
                        Err(err @ (Errno::LOOP | Errno::NOTDIR | Errno::MLINK))
                            if (follow || walk.trailing_slash()) && walk.name() != "." =>
                        {
                            // A symlink at the end: follow it, inside the sandbox.
                            match walk.expand() {
                                Ok(()) => {
                                    if walk.trailing_slash() {
                                        opts.directory = true;
                                    }
                                    continue;
                                }
                                Err(Errno::INVAL) => return Err(err),
                                Err(e) => return Err(e),
                            }
                        }
                        Err(e) => return Err(e),
                    }
                };
                drop(walk);
                handle
            }
        };
        let (grant_base, grant_inh) = match policy {
            RightsPolicy::Enforce => (base, inheriting),
            RightsPolicy::Compat => (Rights::all(), inheriting),
        };
        let mut entry = FdEntry::new(handle, grant_base, grant_inh, opts.read, opts.write);
        if opts.directory {
            entry.filetype = Some(Filetype::Directory);
        }
        if policy == RightsPolicy::Enforce {
            // Keep only rights that apply to what was opened (the spec allows that).
            let ft = match entry.filetype {
                Some(t) => t,
                None => self.platform.filetype(&entry.handle)?,
            };
            entry.filetype = Some(ft);
            let (app, app_inh) = applicable_rights(ft);
            entry.base &= app;
            if ft != Filetype::Directory {
                entry.inheriting &= app_inh;
            }
        }
        if self.tracer.is_some() {
            let dir = self.fds.get(fd).ok().and_then(|e| e.display.as_deref());
            entry.display = dir.map(|dir| crate::trace::join_display(dir, path));
        }
        let new_fd = self.fds.insert(entry)?;
        if let Err(e) = mem.write_u32(opened_fd, new_fd) {
            if let Ok(entry) = self.fds.remove(new_fd) {
                let _ = self.platform.close(entry.handle);
            }
            return Err(e);
        }
        Ok(())
    }

    pub(crate) fn path_readlink<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let mut pb = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut pb)?;
        crate::memory::check_range(mem.inner.size(), buf, buf_len, 1)?;
        mem.check_writable(bufused, 4, 4)?;
        let e = self.entry(fd, Rights::PATH_READLINK)?;
        let mut walk = Walk::new(&self.platform, &e.handle, path, self.limits.max_symlinks)?;
        if walk.trailing_slash() {
            // "link/" names what the link points to, which must be a directory, and a
            // directory is not a symlink.
            self.stat_final(&mut walk, true)?;
            return Err(Errno::INVAL);
        }
        if walk.name() == "." {
            return Err(Errno::INVAL);
        }
        let target = self.platform.readlink_at(walk.dir(), walk.name())?;
        // preview1: the target is truncated to the buffer.
        let n = target.len().min(buf_len as usize);
        mem.write_bytes(buf, target.get(..n).unwrap_or_default(), 1)?;
        mem.write_u32(bufused, n as u32)
    }

    pub(crate) fn path_remove_directory<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let mut buf = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut buf)?;
        let e = self.entry(fd, Rights::PATH_REMOVE_DIRECTORY)?;
        let walk = Walk::new(&self.platform, &e.handle, path, self.limits.max_symlinks)?;
        if walk.name() == "." {
            // Linux: rmdir("x/.") is EINVAL, rmdir("x/..") is ENOTEMPTY.
            return Err(if walk.ends_with_dotdot() { Errno::NOTEMPTY } else { Errno::INVAL });
        }
        self.platform.rmdir_at(walk.dir(), walk.name())
    }

    pub(crate) fn path_rename<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let mut ob = Vec::new();
        let mut nb = Vec::new();
        let old_path = self.read_path(&mem, old_path, old_path_len, &mut ob)?;
        let new_path = self.read_path(&mem, new_path, new_path_len, &mut nb)?;
        self.entry(fd, Rights::PATH_RENAME_SOURCE)?;
        self.entry(new_fd, Rights::PATH_RENAME_TARGET)?;
        let (oe, ne) = self.fds.get_pair(fd, new_fd)?;
        let max = self.limits.max_symlinks;
        let ow = Walk::new(&self.platform, &oe.handle, old_path, max)?;
        let nw = Walk::new(&self.platform, &ne.handle, new_path, max)?;
        if ow.name() == "." || nw.name() == "." {
            return Err(Errno::BUSY);
        }
        if ow.trailing_slash() || nw.trailing_slash() {
            // A trailing slash on either side: the source must be a directory.
            let st = self.platform.stat_at(ow.dir(), ow.name(), false)?;
            if st.filetype != Filetype::Directory {
                return Err(Errno::NOTDIR);
            }
        }
        self.platform.rename_at(ow.dir(), ow.name(), nw.dir(), nw.name())
    }

    pub(crate) fn path_symlink<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let mut tb = Vec::new();
        if old_path_len as usize >= self.limits.max_path {
            crate::memory::check_range(mem.inner.size(), old_path, old_path_len, 1)?;
            return Err(Errno::NAMETOOLONG);
        }
        mem.read_vec(old_path, old_path_len, &mut tb)?;
        if tb.contains(&0) {
            return Err(Errno::INVAL);
        }
        let target = core::str::from_utf8(&tb).map_err(|_| Errno::ILSEQ)?;
        if target.is_empty() {
            return Err(Errno::NOENT);
        }
        let mut nb = Vec::new();
        let new_path = self.read_path(&mem, new_path, new_path_len, &mut nb)?;
        let e = self.entry(fd, Rights::PATH_SYMLINK)?;
        // A new link may not point at an absolute path (wasmtime says EPERM too; the
        // upstream wasi-testsuite's symlink_create requires a refusal). Absolute links
        // that already exist in a preopen are still resolved inside it.
        if target.starts_with('/') {
            return Err(Errno::PERM);
        }
        let walk = Walk::new(&self.platform, &e.handle, new_path, self.limits.max_symlinks)?;
        if walk.name() == "." {
            return Err(Errno::EXIST);
        }
        if walk.trailing_slash() {
            return match self.platform.stat_at(walk.dir(), walk.name(), false) {
                Ok(_) => Err(Errno::EXIST),
                Err(Errno::NOENT) => Err(Errno::NOENT),
                Err(e) => Err(e),
            };
        }
        self.platform.symlink_at(target, walk.dir(), walk.name())
    }

    pub(crate) fn path_unlink_file<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<()> {
        let mem = Mem::new(mem);
        let mut buf = Vec::new();
        let path = self.read_path(&mem, path, path_len, &mut buf)?;
        let e = self.entry(fd, Rights::PATH_UNLINK_FILE)?;
        let walk = Walk::new(&self.platform, &e.handle, path, self.limits.max_symlinks)?;
        if walk.name() == "." {
            return Err(Errno::ISDIR);
        }
        if walk.trailing_slash() {
            // Linux judges "x/" on x itself: a directory is EISDIR, anything else
            // (a symlink to a directory included) ENOTDIR.
            let st = self.platform.stat_at(walk.dir(), walk.name(), false)?;
            return Err(if st.filetype == Filetype::Directory { Errno::ISDIR } else { Errno::NOTDIR });
        }
        self.platform.unlink_at(walk.dir(), walk.name())
    }
}
