//! `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`.

use crate::abi::{Errno, Result, Version};
use crate::ctx::{StringBlock, WasiCtx};
use crate::memory::{check_range, GuestMemory, Mem};
use crate::platform::Platform;

/// Write `block` as `argv`/`environ`: an array of pointers at `ptrs` and the strings at
/// `buf`. Both ranges are checked before anything is written.
fn write_block<M: GuestMemory + ?Sized>(block: &StringBlock, mem: &mut M, ptrs: u32, buf: u32) -> Result<()> {
    let mut mem = Mem::new(mem);
    let count = u32::try_from(block.starts.len()).map_err(|_| Errno::OVERFLOW)?;
    let bytes = u32::try_from(block.bytes.len()).map_err(|_| Errno::OVERFLOW)?;
    let size = mem.inner.size();
    check_range(size, ptrs, count.checked_mul(4).ok_or(Errno::FAULT)?, 4)?;
    check_range(size, buf, bytes, 1)?;
    mem.write_bytes(buf, &block.bytes, 1)?;
    for (i, start) in block.starts.iter().enumerate() {
        let at = ptrs.wrapping_add((i as u32).wrapping_mul(4));
        mem.write_u32(at, buf.wrapping_add(*start))?;
    }
    Ok(())
}

/// Write the count and total byte size of `block`.
fn write_sizes<M: GuestMemory + ?Sized>(
    block: &StringBlock,
    mem: &mut M,
    count: u32,
    size: u32,
) -> Result<()> {
    let mut mem = Mem::new(mem);
    mem.check_writable(count, 4, 4)?;
    mem.check_writable(size, 4, 4)?;
    mem.write_u32(count, u32::try_from(block.starts.len()).map_err(|_| Errno::OVERFLOW)?)?;
    mem.write_u32(size, u32::try_from(block.bytes.len()).map_err(|_| Errno::OVERFLOW)?)
}

impl<P: Platform> WasiCtx<P> {
    pub(crate) fn args_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        argv: u32,
        buf: u32,
    ) -> Result<()> {
        write_block(&self.args, mem, argv, buf)
    }

    pub(crate) fn args_sizes_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        argc: u32,
        size: u32,
    ) -> Result<()> {
        write_sizes(&self.args, mem, argc, size)
    }

    pub(crate) fn environ_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        environ: u32,
        buf: u32,
    ) -> Result<()> {
        write_block(&self.env, mem, environ, buf)
    }

    pub(crate) fn environ_sizes_get<M: GuestMemory + ?Sized>(
        &mut self,
        mem: &mut M,
        _v: Version,
        count: u32,
        size: u32,
    ) -> Result<()> {
        write_sizes(&self.env, mem, count, size)
    }
}
