//! [`GuestMemory`]: the core's only view of a guest's linear memory, and the checked
//! accessors every call uses. A bad pointer gives `EFAULT` (out of bounds, or `ptr + len`
//! past 2^32) or `EINVAL` (misaligned where the ABI requires alignment), never a panic.

use crate::abi::{Errno, Result};

/// A guest's linear memory.
///
/// Engines hand out one contiguous `&mut [u8]`; that is the fast path (`as_slice`,
/// `as_mut_slice`). A host whose memory is not contiguous implements `read`/`write` only
/// and returns `None` from the slice methods: the core then copies through small
/// bounded buffers.
pub trait GuestMemory {
    /// Size of the memory in bytes.
    fn size(&self) -> usize;
    /// Copy `buf.len()` bytes from `offset`. `EFAULT` if out of bounds.
    fn read(&self, offset: usize, buf: &mut [u8]) -> Result<()>;
    /// Copy `data` to `offset`. `EFAULT` if out of bounds.
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<()>;
    /// The whole memory as one slice, if it is contiguous.
    fn as_slice(&self) -> Option<&[u8]> {
        None
    }
    /// The whole memory as one mutable slice, if it is contiguous.
    fn as_mut_slice(&mut self) -> Option<&mut [u8]> {
        None
    }
}

impl GuestMemory for [u8] {
    fn size(&self) -> usize {
        self.len()
    }
    fn read(&self, offset: usize, buf: &mut [u8]) -> Result<()> {
        let end = offset.checked_add(buf.len()).ok_or(Errno::FAULT)?;
        buf.copy_from_slice(self.get(offset..end).ok_or(Errno::FAULT)?);
        Ok(())
    }
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<()> {
        let end = offset.checked_add(data.len()).ok_or(Errno::FAULT)?;
        self.get_mut(offset..end).ok_or(Errno::FAULT)?.copy_from_slice(data);
        Ok(())
    }
    fn as_slice(&self) -> Option<&[u8]> {
        Some(self)
    }
    fn as_mut_slice(&mut self) -> Option<&mut [u8]> {
        Some(self)
    }
}

/// Check that `ptr..ptr+len` lies in a memory of `size` bytes (`EFAULT`) and that `ptr`
/// is a multiple of `align` (`EINVAL`). Guest pointers are 32-bit; a range that wraps past 2^32 is
/// `EFAULT` even when the host's `usize` could hold it.
#[inline]
pub fn check_range(size: usize, ptr: u32, len: u32, align: u32) -> Result<(usize, usize)> {
    // Out of bounds is the graver fault: it wins over misalignment.
    let end = u64::from(ptr) + u64::from(len);
    if end > (1u64 << 32) || end > size as u64 {
        return Err(Errno::FAULT);
    }
    if align > 1 && !ptr.is_multiple_of(align) {
        return Err(Errno::INVAL);
    }
    Ok((ptr as usize, end as usize))
}

/// Checked, typed access to guest memory for the syscall implementations.
pub(crate) struct Mem<'m, M: GuestMemory + ?Sized> {
    pub(crate) inner: &'m mut M,
}

impl<'m, M: GuestMemory + ?Sized> Mem<'m, M> {
    pub(crate) fn new(inner: &'m mut M) -> Self {
        Mem { inner }
    }

    /// Copy `N` bytes at `ptr` with alignment `align`.
    #[inline]
    pub(crate) fn read_array<const N: usize>(&self, ptr: u32, align: u32) -> Result<[u8; N]> {
        let (start, end) = check_range(self.inner.size(), ptr, N as u32, align)?;
        let mut out = [0u8; N];
        match self.inner.as_slice() {
            Some(s) => out.copy_from_slice(s.get(start..end).ok_or(Errno::FAULT)?),
            None => self.inner.read(start, &mut out)?,
        }
        Ok(out)
    }

    /// Write `data` at `ptr` with alignment `align`.
    #[inline]
    pub(crate) fn write_bytes(&mut self, ptr: u32, data: &[u8], align: u32) -> Result<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::FAULT)?;
        let (start, end) = check_range(self.inner.size(), ptr, len, align)?;
        match self.inner.as_mut_slice() {
            Some(s) => s.get_mut(start..end).ok_or(Errno::FAULT)?.copy_from_slice(data),
            None => self.inner.write(start, data)?,
        }
        Ok(())
    }

    #[inline]
    pub(crate) fn write_u32(&mut self, ptr: u32, v: u32) -> Result<()> {
        self.write_bytes(ptr, &v.to_le_bytes(), 4)
    }

    #[inline]
    pub(crate) fn write_u64(&mut self, ptr: u32, v: u64) -> Result<()> {
        self.write_bytes(ptr, &v.to_le_bytes(), 8)
    }

    #[inline]
    pub(crate) fn write_u16(&mut self, ptr: u32, v: u16) -> Result<()> {
        self.write_bytes(ptr, &v.to_le_bytes(), 2)
    }

    /// Check that `ptr..ptr+len` is writable with alignment `align` without writing.
    #[inline]
    pub(crate) fn check_writable(&self, ptr: u32, len: u32, align: u32) -> Result<()> {
        check_range(self.inner.size(), ptr, len, align).map(|_| ())
    }

    /// Copy `len` bytes at `ptr` into `out` (cleared first). Allocates `len` bytes, which
    /// guest memory bounds.
    pub(crate) fn read_vec(&self, ptr: u32, len: u32, out: &mut alloc::vec::Vec<u8>) -> Result<()> {
        let (start, end) = check_range(self.inner.size(), ptr, len, 1)?;
        out.clear();
        match self.inner.as_slice() {
            Some(s) => out.extend_from_slice(s.get(start..end).ok_or(Errno::FAULT)?),
            None => {
                out.resize(end - start, 0);
                self.inner.read(start, out)?;
            }
        }
        Ok(())
    }
}

/// A guest-supplied `(buf, buf_len)` pair, already decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IoVec {
    pub(crate) ptr: u32,
    pub(crate) len: u32,
}

/// How many iovecs are handed to the backend in one call. `IOV_MAX` is 1024 on Linux;
/// we keep a fixed stack batch so that no call allocates, and loop over longer lists.
pub(crate) const IOV_BATCH: usize = 16;

/// Decode up to `IOV_BATCH` iovecs starting at index `first` of the array at `iovs_ptr`.
/// Every element is bounds-checked against memory. Returns how many were decoded.
pub(crate) fn decode_iovecs<M: GuestMemory + ?Sized>(
    mem: &Mem<'_, M>,
    iovs_ptr: u32,
    iovs_len: u32,
    first: u32,
    out: &mut [IoVec; IOV_BATCH],
) -> Result<usize> {
    let size = mem.inner.size();
    let mut n = 0;
    let mut i = first;
    while i < iovs_len && n < IOV_BATCH {
        let at = iovs_ptr.checked_add(i.checked_mul(8).ok_or(Errno::FAULT)?).ok_or(Errno::FAULT)?;
        let raw = mem.read_array::<8>(at, 4)?;
        let ptr = u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]);
        let len = u32::from_le_bytes([raw[4], raw[5], raw[6], raw[7]]);
        check_range(size, ptr, len, 1)?;
        if let Some(slot) = out.get_mut(n) {
            *slot = IoVec { ptr, len };
        }
        n += 1;
        i += 1;
    }
    Ok(n)
}

/// Check that the whole iovec array at `iovs_ptr` (`iovs_len` entries) lies in memory
/// with 4-byte alignment.
pub(crate) fn check_iovec_array(size: usize, iovs_ptr: u32, iovs_len: u32) -> Result<()> {
    let bytes = iovs_len.checked_mul(8).ok_or(Errno::FAULT)?;
    check_range(size, iovs_ptr, bytes, 4).map(|_| ())
}

/// Whether any two non-empty iovecs overlap.
pub(crate) fn any_overlap(iovs: &[IoVec]) -> bool {
    for (i, a) in iovs.iter().enumerate() {
        if a.len == 0 {
            continue;
        }
        for b in iovs.iter().skip(i + 1) {
            if b.len == 0 {
                continue;
            }
            let (a0, a1) = (u64::from(a.ptr), u64::from(a.ptr) + u64::from(a.len));
            let (b0, b1) = (u64::from(b.ptr), u64::from(b.ptr) + u64::from(b.len));
            if a0 < b1 && b0 < a1 {
                return true;
            }
        }
    }
    false
}

/// Split `mem` into disjoint mutable slices for the (already checked, non-overlapping)
/// `iovs`, and hand them to `f`.
pub(crate) fn with_mut_slices<R>(
    mem: &mut [u8],
    iovs: &[IoVec],
    f: impl FnOnce(&mut [&mut [u8]]) -> R,
) -> Result<R> {
    let mut slots: [&mut [u8]; IOV_BATCH] = Default::default();
    let n = iovs.len().min(IOV_BATCH);
    let size = mem.len();
    let base = mem.as_mut_ptr();
    for (slot, iov) in slots.iter_mut().zip(iovs.iter()) {
        let (start, end) = check_range(size, iov.ptr, iov.len, 1)?;
        // SAFETY: `start..end` lies inside `mem` (checked just above), and the caller
        // guarantees through `any_overlap` that no two of `iovs` overlap, so these
        // mutable slices are disjoint. They are derived from one raw pointer to `mem`,
        // which stays exclusively borrowed for as long as they live (this function).
        *slot = unsafe { core::slice::from_raw_parts_mut(base.add(start), end - start) };
    }
    Ok(f(slots.get_mut(..n).unwrap_or_default()))
}

/// Shared slices for `iovs` (overlap is harmless for reads of guest memory).
pub(crate) fn with_slices<R>(mem: &[u8], iovs: &[IoVec], f: impl FnOnce(&[&[u8]]) -> R) -> Result<R> {
    let mut slots: [&[u8]; IOV_BATCH] = [&[]; IOV_BATCH];
    let n = iovs.len().min(IOV_BATCH);
    for (slot, iov) in slots.iter_mut().zip(iovs.iter()) {
        let (start, end) = check_range(mem.len(), iov.ptr, iov.len, 1)?;
        *slot = mem.get(start..end).ok_or(Errno::FAULT)?;
    }
    Ok(f(slots.get(..n).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_for_bounds_wrap_and_alignment() {
        assert_eq!(check_range(16, 0, 16, 1), Ok((0, 16)));
        assert_eq!(check_range(16, 1, 16, 1), Err(Errno::FAULT));
        assert_eq!(check_range(usize::MAX, u32::MAX, 2, 1), Err(Errno::FAULT));
        assert_eq!(check_range(16, 2, 4, 4), Err(Errno::INVAL));
        assert_eq!(check_range(16, 16, 0, 1), Ok((16, 16)));
        assert_eq!(check_range(16, 17, 0, 1), Err(Errno::FAULT));
    }

    #[test]
    fn overlap_detection() {
        let a = IoVec { ptr: 0, len: 4 };
        let b = IoVec { ptr: 3, len: 4 };
        let c = IoVec { ptr: 4, len: 4 };
        let z = IoVec { ptr: 1, len: 0 };
        assert!(any_overlap(&[a, b]));
        assert!(!any_overlap(&[a, c]));
        assert!(!any_overlap(&[a, z, c]));
    }

    #[test]
    fn disjoint_mut_slices_are_sound() {
        let mut mem = [0u8; 32];
        let iovs = [IoVec { ptr: 0, len: 4 }, IoVec { ptr: 8, len: 8 }];
        with_mut_slices(&mut mem, &iovs, |bufs| {
            bufs[0].fill(1);
            bufs[1].fill(2);
        })
        .unwrap();
        assert_eq!(&mem[..4], &[1; 4]);
        assert_eq!(&mem[8..16], &[2; 8]);
    }
}
