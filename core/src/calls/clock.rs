//! `clock_res_get`, `clock_time_get`, `random_get`, `sched_yield`.

use crate::abi::{ClockId, Result, Version};
use crate::ctx::WasiCtx;
use crate::memory::{check_range, GuestMemory, Mem};
use crate::platform::Platform;

impl<P: Platform> WasiCtx<P> {
    pub(crate) fn clock_res_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        id: u32,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        mem.check_writable(out, 8, 8)?;
        let res = self.platform.clock_res(ClockId::decode(id)?)?;
        mem.write_u64(out, res)
    }

    pub(crate) fn clock_time_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        id: u32,
        precision: u64,
        out: u32,
    ) -> Result<()> {
        let mut mem = Mem::new(mem);
        mem.check_writable(out, 8, 8)?;
        let t = self.platform.clock_time(ClockId::decode(id)?, precision)?;
        mem.write_u64(out, t)
    }

    pub(crate) fn random_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        buf: u32,
        len: u32,
    ) -> Result<()> {
        let (start, end) = check_range(mem.size(), buf, len, 1)?;
        if let Some(slice) = mem.as_mut_slice() {
            // Zero copy: the platform fills guest memory directly.
            let dst = slice.get_mut(start..end).ok_or(crate::Errno::FAULT)?;
            return self.platform.random(dst);
        }
        let mut chunk = [0u8; 256];
        let mut at = start;
        while at < end {
            let n = (end - at).min(chunk.len());
            let part = chunk.get_mut(..n).ok_or(crate::Errno::FAULT)?;
            self.platform.random(part)?;
            mem.write(at, part)?;
            at += n;
        }
        Ok(())
    }

    pub(crate) fn sched_yield<M: GuestMemory + ?Sized>(&mut self, _mem: &mut M, _v: Version) -> Result<()> {
        self.platform.sched_yield()
    }
}
