//! The syscalls, one file per family. Each is a method on [`WasiCtx`] taking the guest
//! memory, the calling version and the raw (already width-decoded) wasm arguments.

// Each syscall takes the arguments the ABI gives it, however many that is.
#![allow(clippy::too_many_arguments)]

mod args_env;
mod clock;
mod fd;
mod io;
mod path;
mod poll;
mod proc;
mod sock;

use crate::abi::{Errno, Fd, Filetype, Result, Rights};
use crate::ctx::WasiCtx;
use crate::fd_table::{FdEntry, RightsPolicy};
use crate::memory::{GuestMemory, Mem};
use crate::platform::Platform;
use alloc::vec::Vec;

/// Rights that need the descriptor open for reading / writing under `Compat`.
const READ_RIGHTS: Rights = Rights::FD_READ.union(Rights::FD_READDIR);
const WRITE_RIGHTS: Rights = Rights::FD_WRITE
    .union(Rights::FD_DATASYNC)
    .union(Rights::FD_ALLOCATE)
    .union(Rights::FD_FILESTAT_SET_SIZE);

/// Rights that make sense for a descriptor of type `ft`.
pub(crate) fn applicable_rights(ft: Filetype) -> (Rights, Rights) {
    match ft {
        Filetype::Directory => (Rights::DIRECTORY_BASE, Rights::DIRECTORY_INHERITING),
        Filetype::RegularFile => (Rights::REGULAR_FILE_BASE, Rights::empty()),
        Filetype::SocketStream | Filetype::SocketDgram => (Rights::SOCKET_BASE, Rights::empty()),
        Filetype::CharacterDevice | Filetype::Unknown => {
            (Rights::STDIO_BASE.difference(Rights::FD_SEEK | Rights::FD_TELL), Rights::empty())
        }
        _ => (Rights::REGULAR_FILE_BASE, Rights::empty()),
    }
}

/// Narrow a requested width: a guest `u32` that must fit in `u16` (flags), else `EINVAL`.
pub(crate) fn u16_arg(v: u32) -> Result<u16> {
    u16::try_from(v).map_err(|_| Errno::INVAL)
}

/// Narrow a requested width: a guest `u32` that must fit in `u8`, else `EINVAL`.
pub(crate) fn u8_arg(v: u32) -> Result<u8> {
    u8::try_from(v).map_err(|_| Errno::INVAL)
}

impl<P: Platform> WasiCtx<P> {
    /// Look up `fd` and check that it has `need` under the rights policy (shared).
    #[inline]
    pub(crate) fn entry(&self, fd: Fd, need: Rights) -> Result<&FdEntry<P::Handle>> {
        let e = self.fds.get(fd)?;
        check_rights(self.policy, e, need)?;
        Ok(e)
    }

    /// The (cached) file type of `fd`.
    pub(crate) fn filetype_of(&mut self, fd: Fd) -> Result<Filetype> {
        let e = self.fds.get_mut(fd)?;
        match e.filetype {
            Some(t) => Ok(t),
            None => {
                let t = self.platform.filetype(&e.handle)?;
                e.filetype = Some(t);
                Ok(t)
            }
        }
    }

    /// The rights `fd` reports (and may narrow from): what it was granted, limited to
    /// what its type allows and, under `Compat`, to what its open mode allows.
    pub(crate) fn effective_rights(&mut self, fd: Fd) -> Result<(Rights, Rights)> {
        let ft = self.filetype_of(fd)?;
        let (app_base, app_inh) = applicable_rights(ft);
        let policy = self.policy;
        let e = self.fds.get(fd)?;
        let mut base = e.base & app_base;
        let mut inh = e.inheriting;
        if ft != Filetype::Directory {
            inh &= app_inh;
        }
        if policy == RightsPolicy::Compat {
            if !e.readable {
                base.remove(READ_RIGHTS);
            }
            if !e.writable {
                base.remove(WRITE_RIGHTS);
            }
        }
        Ok((base, inh))
    }

    /// Copy a guest path into `buf` and decode it.
    pub(crate) fn read_path<'b, M: GuestMemory + ?Sized>(
        &self,
        mem: &Mem<'_, M>,
        ptr: u32,
        len: u32,
        buf: &'b mut Vec<u8>,
    ) -> Result<&'b str> {
        if len as usize >= self.limits.max_path {
            // Still a bad pointer first: EFAULT beats ENAMETOOLONG.
            crate::memory::check_range(mem.inner.size(), ptr, len, 1)?;
            return Err(Errno::NAMETOOLONG);
        }
        mem.read_vec(ptr, len, buf)?;
        crate::path::decode_path(buf, self.limits.max_path)
    }
}

/// Check `need` against `e` under `policy`.
#[inline]
pub(crate) fn check_rights<H>(policy: RightsPolicy, e: &FdEntry<H>, need: Rights) -> Result<()> {
    match policy {
        RightsPolicy::Enforce => {
            if e.base.contains(need) {
                Ok(())
            } else {
                Err(Errno::NOTCAPABLE)
            }
        }
        RightsPolicy::Compat => {
            if need.intersects(READ_RIGHTS) && !e.readable {
                return Err(Errno::BADF);
            }
            if need.intersects(Rights::FD_WRITE) && !e.writable {
                return Err(Errno::BADF);
            }
            if e.narrowed && !e.base.contains(need) {
                return Err(Errno::NOTCAPABLE);
            }
            Ok(())
        }
    }
}
