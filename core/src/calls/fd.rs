//! `fd_*` calls.

use super::io::{read_into_iovecs, size_u32, write_from_iovecs};
use super::{check_rights, u16_arg, u8_arg};
use crate::abi::{
    encode_dirent, encode_fdstat, encode_filestat, filestat_size, Advice, Errno, FdFlags, Filetype, Result,
    Rights, SetTime, Version, Whence,
};
use crate::ctx::WasiCtx;
use crate::fd_table::RightsPolicy;
use crate::memory::{check_range, GuestMemory, Mem};
use crate::platform::{DirEntry, Platform};

/// Largest file offset or size (`off_t`).
const OFF_MAX: u64 = i64::MAX as u64;

impl<P: Platform> WasiCtx<P> {
    pub(crate) fn fd_advise<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        offset: u64,
        len: u64,
        advice: u32,
    ) -> Result<()> {
        let advice = Advice::decode(advice)?;
        self.entry(fd, Rights::FD_ADVISE)?;
        if offset > OFF_MAX || len > OFF_MAX {
            return Err(Errno::INVAL);
        }
        let e = self.fds.get(fd)?;
        self.platform.advise(&e.handle, offset, len, advice)
    }

    pub(crate) fn fd_allocate<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        offset: u64,
        len: u64,
    ) -> Result<()> {
        let e = self.entry(fd, Rights::FD_ALLOCATE)?;
        if !e.writable {
            return Err(Errno::BADF);
        }
        if len == 0 || offset > OFF_MAX || len > OFF_MAX {
            return Err(Errno::INVAL);
        }
        if offset.checked_add(len).is_none_or(|end| end > OFF_MAX) {
            return Err(Errno::FBIG);
        }
        match self.filetype_of(fd)? {
            Filetype::RegularFile => {}
            Filetype::Directory => return Err(Errno::BADF),
            _ => return Err(Errno::SPIPE),
        }
        let e = self.fds.get(fd)?;
        self.platform.allocate(&e.handle, offset, len)
    }

    pub(crate) fn fd_close<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
    ) -> Result<()> {
        let e = self.fds.remove(fd)?;
        self.platform.close(e.handle)
    }

    pub(crate) fn fd_datasync<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
    ) -> Result<()> {
        let policy = self.policy;
        let e = self.fds.get(fd)?;
        if policy == RightsPolicy::Enforce || e.narrowed {
            check_rights(policy, e, Rights::FD_DATASYNC)?;
        }
        self.platform.datasync(&e.handle)
    }

    pub(crate) fn fd_sync<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
    ) -> Result<()> {
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_SYNC)?;
        let e = &*e;
        self.platform.sync(&e.handle)
    }

    pub(crate) fn fd_fdstat_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let ft = self.filetype_of(fd)?;
        mem.check_writable(out, 24, 8)?;
        let (base, inh) = self.effective_rights(fd)?;
        let e = self.fds.get(fd)?;
        let flags =
            if ft == Filetype::Directory { FdFlags::empty() } else { self.platform.fdflags(&e.handle)? };
        mem.write_bytes(out, &encode_fdstat(ft, flags.bits(), base.bits(), inh.bits()), 8)
    }

    pub(crate) fn fd_fdstat_set_flags<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        flags: u32,
    ) -> Result<()> {
        let flags = FdFlags::from_bits(u16_arg(flags)?).ok_or(Errno::INVAL)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_FDSTAT_SET_FLAGS)?;
        let h = &mut e.handle;
        self.platform.set_fdflags(h, flags)
    }

    pub(crate) fn fd_fdstat_set_rights<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> Result<()> {
        let (cur_base, cur_inh) = self.effective_rights(fd)?;
        let base = Rights::from_bits(base).ok_or(Errno::NOTCAPABLE)?;
        let inheriting = Rights::from_bits(inheriting).ok_or(Errno::NOTCAPABLE)?;
        if !cur_base.contains(base) || !cur_inh.contains(inheriting) {
            return Err(Errno::NOTCAPABLE);
        }
        let e = self.fds.get_mut(fd)?;
        e.base = base;
        e.inheriting = inheriting;
        e.narrowed = true;
        Ok(())
    }

    pub(crate) fn fd_filestat_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        v: Version,
        fd: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        mem.check_writable(out, filestat_size(v), 8)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_FILESTAT_GET)?;
        let e = &*e;
        let st = self.platform.filestat(&e.handle)?;
        let (buf, n) = encode_filestat(&st, v);
        mem.write_bytes(out, buf.get(..n).unwrap_or_default(), 8)
    }

    pub(crate) fn fd_filestat_set_size<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        size: u64,
    ) -> Result<()> {
        let e = self.entry(fd, Rights::FD_FILESTAT_SET_SIZE)?;
        // ftruncate on a descriptor not open for writing, or not a regular file: EINVAL.
        if !e.writable {
            return Err(Errno::INVAL);
        }
        if size > OFF_MAX {
            return Err(Errno::INVAL);
        }
        match self.filetype_of(fd)? {
            Filetype::RegularFile => {}
            Filetype::Directory => return Err(Errno::INVAL),
            _ => return Err(Errno::INVAL),
        }
        let e = self.fds.get(fd)?;
        self.platform.set_size(&e.handle, size)
    }

    pub(crate) fn fd_filestat_set_times<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> Result<()> {
        let (a, m) = SetTime::decode_pair(atim, mtim, flags)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_FILESTAT_SET_TIMES)?;
        let e = &*e;
        self.platform.set_times(&e.handle, a, m)
    }

    pub(crate) fn fd_pread<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread: u32,
    ) -> Result<()> {
        Mem::new(mem).check_writable(nread, 4, 4)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_READ | Rights::FD_SEEK)?;
        if offset > OFF_MAX {
            return Err(Errno::INVAL);
        }
        let platform = &self.platform;
        let h = &mut e.handle;
        let n = read_into_iovecs(mem, iovs, iovs_len, |bufs, at| {
            platform.pread(h, bufs, offset.saturating_add(at))
        })?;
        Mem::new(mem).write_u32(nread, size_u32(n)?)
    }

    pub(crate) fn fd_pwrite<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten: u32,
    ) -> Result<()> {
        Mem::new(mem).check_writable(nwritten, 4, 4)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_WRITE | Rights::FD_SEEK)?;
        if offset > OFF_MAX {
            return Err(Errno::INVAL);
        }
        let platform = &self.platform;
        let h = &mut e.handle;
        let n = write_from_iovecs(mem, iovs, iovs_len, |bufs, at| {
            platform.pwrite(h, bufs, offset.saturating_add(at))
        })?;
        Mem::new(mem).write_u32(nwritten, size_u32(n)?)
    }

    pub(crate) fn fd_read<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> Result<()> {
        Mem::new(mem).check_writable(nread, 4, 4)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_READ)?;
        let platform = &self.platform;
        let h = &mut e.handle;
        let n = read_into_iovecs(mem, iovs, iovs_len, |bufs, _| platform.read(h, bufs))?;
        Mem::new(mem).write_u32(nread, size_u32(n)?)
    }

    pub(crate) fn fd_write<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> Result<()> {
        Mem::new(mem).check_writable(nwritten, 4, 4)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_WRITE)?;
        let platform = &self.platform;
        let h = &mut e.handle;
        let n = write_from_iovecs(mem, iovs, iovs_len, |bufs, _| platform.write(h, bufs))?;
        Mem::new(mem).write_u32(nwritten, size_u32(n)?)
    }

    pub(crate) fn fd_prestat_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let e = self.fds.get(fd)?;
        let name = e.preopen.as_deref().ok_or(Errno::BADF)?;
        let len = u32::try_from(name.len()).map_err(|_| Errno::OVERFLOW)?;
        let mut b = [0u8; 8];
        b[4..8].copy_from_slice(&len.to_le_bytes());
        mem.write_bytes(out, &b, 4)
    }

    pub(crate) fn fd_prestat_dir_name<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let e = self.fds.get(fd)?;
        let name = e.preopen.as_deref().ok_or(Errno::BADF)?;
        check_range(mem.inner.size(), path, path_len, 1)?;
        // A buffer shorter than the name is an error (wasmtime's answer), not a truncation.
        if (path_len as usize) < name.len() {
            return Err(Errno::NAMETOOLONG);
        }
        mem.write_bytes(path, name.as_bytes(), 1)
    }

    pub(crate) fn fd_readdir<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        mem.check_writable(bufused, 4, 4)?;
        check_range(mem.inner.size(), buf, buf_len, 1)?;
        if self.filetype_of(fd)? != Filetype::Directory {
            return Err(Errno::NOTDIR);
        }
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_READDIR)?;
        let mut used: u32 = 0;
        let mut failed: Option<Errno> = None;
        {
            let mut sink = |d: &DirEntry<'_>| -> bool {
                let Ok(namlen) = u32::try_from(d.name.len()) else { return true };
                let header = encode_dirent(d.next, d.ino, namlen, d.filetype);
                for part in [&header[..], d.name] {
                    let room = (buf_len - used) as usize;
                    let take = part.len().min(room);
                    if take > 0 {
                        if let Err(err) = mem.write_bytes(buf + used, part.get(..take).unwrap_or_default(), 1)
                        {
                            failed = Some(err);
                            return false;
                        }
                        used += take as u32;
                    }
                    if take < part.len() {
                        return false;
                    }
                }
                used < buf_len
            };
            if buf_len > 0 {
                self.platform.readdir(&mut e.handle, cookie, &mut sink)?;
            }
        }
        if let Some(err) = failed {
            return Err(err);
        }
        mem.write_u32(bufused, used)
    }

    pub(crate) fn fd_renumber<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        to: u32,
    ) -> Result<()> {
        if let Some(old) = self.fds.renumber(fd, to)? {
            let _ = self.platform.close(old.handle);
        }
        Ok(())
    }

    /// A directory has no file offset: `fd_seek`/`fd_tell` on one are `EBADF` (as in
    /// wasmtime; Linux's `lseek` would succeed, which the upstream wasi-testsuite's
    /// `directory_seek` and `dir_fd_op_failures` tests refuse).
    fn refuse_directory_seek(&mut self, fd: u32) -> Result<()> {
        if self.filetype_of(fd)? == Filetype::Directory {
            return Err(Errno::BADF);
        }
        Ok(())
    }

    pub(crate) fn fd_seek<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        v: Version,
        fd: u32,
        offset: u64,
        whence: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        mem.check_writable(out, 8, 8)?;
        let whence = Whence::decode(u32::from(u8_arg(whence)?), v)?;
        let offset = offset as i64;
        let need = if whence == Whence::Cur && offset == 0 { Rights::FD_TELL } else { Rights::FD_SEEK };
        self.refuse_directory_seek(fd)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, need)?;
        let pos = self.platform.seek(&mut e.handle, offset, whence)?;
        mem.write_u64(out, pos)
    }

    pub(crate) fn fd_tell<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        mem.check_writable(out, 8, 8)?;
        self.refuse_directory_seek(fd)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_TELL)?;
        let pos = self.platform.seek(&mut e.handle, 0, Whence::Cur)?;
        mem.write_u64(out, pos)
    }
}
