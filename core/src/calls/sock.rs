//! `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`: on sockets the host handed
//! the guest (preopened listeners and what they accept).

use super::io::{read_into_iovecs, size_u32, write_from_iovecs};
use super::{check_rights, u16_arg, u8_arg};
use crate::abi::{Errno, FdFlags, Filetype, Result, RiFlags, Rights, RoFlags, SdFlags, Version};
use crate::ctx::WasiCtx;
use crate::fd_table::{FdEntry, RightsPolicy};
use crate::memory::{GuestMemory, Mem};
use crate::platform::Platform;

impl<P: Platform> WasiCtx<P> {
    /// `ENOTSOCK` for a descriptor that is not a socket, before any rights check (the
    /// guest asked the wrong object, not without the right).
    fn require_socket(&mut self, fd: u32) -> Result<()> {
        match self.filetype_of(fd)? {
            Filetype::SocketStream | Filetype::SocketDgram => Ok(()),
            _ => Err(Errno::NOTSOCK),
        }
    }

    pub(crate) fn sock_accept<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        flags: u32,
        opened_fd: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        let flags = FdFlags::from_bits(u16_arg(flags)?).ok_or(Errno::INVAL)?;
        if !FdFlags::NONBLOCK.contains(flags) {
            return Err(Errno::INVAL);
        }
        mem.check_writable(opened_fd, 4, 4)?;
        self.require_socket(fd)?;
        let e = self.entry(fd, Rights::SOCK_ACCEPT)?;
        let h = self.platform.sock_accept(&e.handle, flags)?;
        let base = match self.policy {
            RightsPolicy::Enforce => Rights::SOCKET_BASE.difference(Rights::SOCK_ACCEPT),
            RightsPolicy::Compat => Rights::all(),
        };
        let mut entry = FdEntry::new(h, base, Rights::empty(), true, true);
        entry.filetype = Some(Filetype::SocketStream);
        let new_fd = self.fds.insert(entry)?;
        if let Err(err) = mem.write_u32(opened_fd, new_fd) {
            if let Ok(entry) = self.fds.remove(new_fd) {
                let _ = self.platform.close(entry.handle);
            }
            return Err(err);
        }
        Ok(())
    }

    pub(crate) fn sock_recv<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        ri_data: u32,
        ri_data_len: u32,
        ri_flags: u32,
        ro_datalen: u32,
        ro_flags: u32,
    ) -> Result<()> {
        let flags = RiFlags::from_bits(u16_arg(ri_flags)?).ok_or(Errno::INVAL)?;
        {
            let m = Mem::new(&mut *mem);
            m.check_writable(ro_datalen, 4, 4)?;
            m.check_writable(ro_flags, 2, 2)?;
        }
        self.require_socket(fd)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_READ)?;
        let platform = &self.platform;
        let h = &mut e.handle;
        let mut out_flags = RoFlags::empty();
        let n = read_into_iovecs(mem, ri_data, ri_data_len, |bufs, _| {
            let (n, f) = platform.sock_recv(h, bufs, flags)?;
            out_flags |= f;
            Ok(n)
        })?;
        let mut m = Mem::new(mem);
        m.write_u32(ro_datalen, size_u32(n)?)?;
        m.write_u16(ro_flags, out_flags.bits())
    }

    pub(crate) fn sock_send<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        fd: u32,
        si_data: u32,
        si_data_len: u32,
        si_flags: u32,
        so_datalen: u32,
    ) -> Result<()> {
        // No send flags are defined.
        if u16_arg(si_flags)? != 0 {
            return Err(Errno::INVAL);
        }
        Mem::new(&mut *mem).check_writable(so_datalen, 4, 4)?;
        self.require_socket(fd)?;
        let e = self.fds.get_mut(fd)?;
        check_rights(self.policy, e, Rights::FD_WRITE)?;
        let platform = &self.platform;
        let h = &mut e.handle;
        let n = write_from_iovecs(mem, si_data, si_data_len, |bufs, _| platform.sock_send(h, bufs))?;
        Mem::new(mem).write_u32(so_datalen, size_u32(n)?)
    }

    pub(crate) fn sock_shutdown<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        fd: u32,
        how: u32,
    ) -> Result<()> {
        let how = SdFlags::from_bits(u8_arg(how)?).ok_or(Errno::INVAL)?;
        if how.is_empty() {
            return Err(Errno::INVAL);
        }
        self.require_socket(fd)?;
        let e = self.entry(fd, Rights::SOCK_SHUTDOWN)?;
        self.platform.sock_shutdown(&e.handle, how)
    }
}
