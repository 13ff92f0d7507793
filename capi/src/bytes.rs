//! Turning C `(pointer, length)` pairs into Rust slices and strings, with the checks
//! that keep a bad pair from becoming undefined behaviour.

use crate::status::{fail, WASIBOX_ERR_INVALID, WASIBOX_ERR_NULL, WASIBOX_ERR_UTF8};

/// `len` bytes at `ptr` as a shared slice. A null `ptr` is accepted only with `len == 0`;
/// `len` past `isize::MAX` is `WASIBOX_ERR_INVALID` (no allocation can be that long).
///
/// # Safety
/// If `ptr` is not null, `ptr .. ptr + len` must be readable and not written by anyone
/// else for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], i32> {
    check(ptr.is_null(), len, what)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: `ptr` is not null (checked), `len` fits `isize` (checked), and the caller
    // promises the range is readable and unchanged for `'a`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// `len` bytes at `ptr` as a mutable slice, with the checks of [`bytes`].
///
/// # Safety
/// If `ptr` is not null, `ptr .. ptr + len` must be readable, writable and reached by
/// nothing else for `'a`.
pub(crate) unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize, what: &str) -> Result<&'a mut [u8], i32> {
    check(ptr.is_null(), len, what)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: `ptr` is not null (checked), `len` fits `isize` (checked), and the caller
    // promises the range is ours alone for `'a`.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// `len` bytes at `ptr` as UTF-8 text (`WASIBOX_ERR_UTF8` if they are not).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, i32> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(ptr, len, what) }?;
    std::str::from_utf8(b).map_err(|_| fail(WASIBOX_ERR_UTF8, format!("{what} is not valid UTF-8")))
}

fn check(null: bool, len: usize, what: &str) -> Result<(), i32> {
    if null && len != 0 {
        return Err(fail(WASIBOX_ERR_NULL, format!("{what} is NULL with a non-zero length")));
    }
    if isize::try_from(len).is_err() {
        return Err(fail(WASIBOX_ERR_INVALID, format!("{what} has a length past PTRDIFF_MAX")));
    }
    Ok(())
}
