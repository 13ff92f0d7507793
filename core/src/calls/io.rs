//! Scatter/gather between guest memory and the platform, without allocating:
//! `fd_read`, `fd_pread`, `fd_write`, `fd_pwrite` and `sock_recv`/`sock_send` share this.
//!
//! Guest iovecs are decoded in fixed batches of [`IOV_BATCH`] and handed to the backend
//! as slices of guest memory (zero copy). Reads into *overlapping* iovecs cannot be
//! expressed as disjoint `&mut` slices; such a batch is processed one iovec at a time,
//! which gives the same bytes as a sequential `readv` would. A host memory that is not
//! contiguous goes through a small stack buffer instead.

use crate::abi::{Errno, Result};
use crate::memory::{
    any_overlap, check_iovec_array, decode_iovecs, with_mut_slices, with_slices, GuestMemory, IoVec, Mem,
    IOV_BATCH,
};

/// The most bytes one call moves: its count must fit the guest's `u32`.
const MAX_TRANSFER: u64 = u32::MAX as u64;

/// Bytes of the bounce buffer for memories that are not one slice.
const BOUNCE: usize = 4096;

/// Fill the guest iovecs at `iovs`/`iovs_len` by calling `read` with batches of buffers;
/// `read` gets the byte position (offset from the first byte of this call) and returns
/// how much it filled. Stops at the first short read. Returns the total.
pub(crate) fn read_into_iovecs<M: GuestMemory + ?Sized>(
    mem: &mut M,
    iovs: u32,
    iovs_len: u32,
    mut read: impl FnMut(&mut [&mut [u8]], u64) -> Result<usize>,
) -> Result<usize> {
    check_iovec_array(mem.size(), iovs, iovs_len)?;
    let mut batch = [IoVec { ptr: 0, len: 0 }; IOV_BATCH];
    let mut total: usize = 0;
    let mut first = 0u32;
    while first < iovs_len {
        let n = decode_iovecs(&Mem::new(&mut *mem), iovs, iovs_len, first, &mut batch)?;
        first += n as u32;
        let iovs = batch.get(..n).unwrap_or_default();
        let want: usize = iovs.iter().map(|v| v.len as usize).sum();
        if want == 0 {
            continue;
        }
        if (total as u64).saturating_add(want as u64) > MAX_TRANSFER {
            // The count must fit the guest's u32 result; Linux says EINVAL when the
            // lengths overflow ssize_t. Do what fits, then stop.
            if total == 0 {
                return Err(Errno::INVAL);
            }
            break;
        }
        let got = if mem.as_mut_slice().is_some() && !any_overlap(iovs) {
            let slice = mem.as_mut_slice().ok_or(Errno::FAULT)?;
            with_mut_slices(slice, iovs, |bufs| read(bufs, total as u64))??
        } else {
            read_one_by_one(mem, iovs, total as u64, &mut read)?
        };
        total = total.saturating_add(got);
        if got < want {
            break;
        }
    }
    Ok(total)
}

fn read_one_by_one<M: GuestMemory + ?Sized>(
    mem: &mut M,
    iovs: &[IoVec],
    base: u64,
    read: &mut impl FnMut(&mut [&mut [u8]], u64) -> Result<usize>,
) -> Result<usize> {
    let mut done = 0usize;
    for iov in iovs {
        let want = iov.len as usize;
        let got = if let Some(slice) = mem.as_mut_slice() {
            with_mut_slices(slice, core::slice::from_ref(iov), |bufs| read(bufs, base + done as u64))??
        } else {
            let mut bounce = [0u8; BOUNCE];
            let mut got = 0;
            while got < want {
                let n = (want - got).min(BOUNCE);
                let part = bounce.get_mut(..n).ok_or(Errno::FAULT)?;
                let r = read(&mut [part], base + (done + got) as u64)?;
                let filled = part.get(..r).ok_or(Errno::IO)?;
                mem.write(iov.ptr as usize + got, filled)?;
                got += r;
                if r < n {
                    break;
                }
            }
            got
        };
        done += got;
        if got < want {
            break;
        }
    }
    Ok(done)
}

/// Gather the guest ciovecs at `iovs`/`iovs_len` and pass them to `write` in batches;
/// `write` gets the byte position from the first byte of this call. Stops at the first
/// short write. Returns the total.
pub(crate) fn write_from_iovecs<M: GuestMemory + ?Sized>(
    mem: &mut M,
    iovs: u32,
    iovs_len: u32,
    mut write: impl FnMut(&[&[u8]], u64) -> Result<usize>,
) -> Result<usize> {
    check_iovec_array(mem.size(), iovs, iovs_len)?;
    let mut batch = [IoVec { ptr: 0, len: 0 }; IOV_BATCH];
    let mut total: usize = 0;
    let mut first = 0u32;
    while first < iovs_len {
        let n = decode_iovecs(&Mem::new(&mut *mem), iovs, iovs_len, first, &mut batch)?;
        first += n as u32;
        let iovs = batch.get(..n).unwrap_or_default();
        let want: usize = iovs.iter().map(|v| v.len as usize).sum();
        if want == 0 {
            continue;
        }
        if (total as u64).saturating_add(want as u64) > MAX_TRANSFER {
            // The count must fit the guest's u32 result; Linux says EINVAL when the
            // lengths overflow ssize_t. Do what fits, then stop.
            if total == 0 {
                return Err(Errno::INVAL);
            }
            break;
        }
        let got = match mem.as_slice() {
            Some(slice) => with_slices(slice, iovs, |bufs| write(bufs, total as u64))??,
            None => {
                let mut done = 0usize;
                'outer: for iov in iovs {
                    let mut off = 0usize;
                    while off < iov.len as usize {
                        let mut bounce = [0u8; BOUNCE];
                        let n = (iov.len as usize - off).min(BOUNCE);
                        let part = bounce.get_mut(..n).ok_or(Errno::FAULT)?;
                        mem.read(iov.ptr as usize + off, part)?;
                        let w = write(&[part], (total + done) as u64)?;
                        done += w;
                        off += w;
                        if w < n {
                            break 'outer;
                        }
                    }
                }
                done
            }
        };
        total = total.saturating_add(got);
        if got < want {
            break;
        }
    }
    Ok(total)
}

/// The first `want` bytes of a result count must fit the guest's `u32` size.
pub(crate) fn size_u32(n: usize) -> Result<u32> {
    u32::try_from(n).map_err(|_| Errno::OVERFLOW)
}
