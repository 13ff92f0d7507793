//! Thin wrappers over the handle-relative NT file calls (`NtCreateFile` with a
//! `RootDirectory`, `NtQueryInformationFile`, `NtSetInformationFile`,
//! `NtQueryDirectoryFile`, `NtFsControlFile`). Every `unsafe` block of the crate that
//! talks to ntdll about files lives here, each with its reasoning; the rest of the crate
//! calls these safe functions.

use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle, RawHandle};
use std::ptr::{null, null_mut};
use windows_sys::Wdk::Foundation::OBJECT_ATTRIBUTES;
use windows_sys::Wdk::Storage::FileSystem as Fs;
use windows_sys::Win32::Foundation::{HANDLE, NTSTATUS, OBJ_CASE_INSENSITIVE, UNICODE_STRING};
use windows_sys::Win32::Storage::FileSystem::{FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE};
use windows_sys::Win32::System::IO::IO_STATUS_BLOCK;

/// The raw `HANDLE` of an owned handle.
pub(crate) fn raw(h: &impl AsRawHandle) -> HANDLE {
    h.as_raw_handle() as HANDLE
}

/// A name as UTF-16, for `UNICODE_STRING`s.
pub(crate) fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// What `NtCreateFile` should do; see [`create`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct CreateArgs {
    /// `DesiredAccess` (`SYNCHRONIZE` is always added).
    pub access: u32,
    /// `FILE_OPEN`, `FILE_CREATE`, `FILE_OPEN_IF`, ...
    pub disposition: u32,
    /// `CreateOptions` (`FILE_SYNCHRONOUS_IO_NONALERT` is always added).
    pub options: u32,
    /// `FileAttributes` for a new file.
    pub attributes: u32,
}

/// `NtCreateFile(root, name)`: open or create the single component `name` relative to the
/// directory (or, with an empty name, the object itself) that `root` refers to. Every open
/// shares read, write and delete, as POSIX opens do. Returns the handle and the
/// `IO_STATUS_BLOCK.Information` (`FILE_CREATED`, `FILE_OPENED`, ...).
pub(crate) fn create(root: HANDLE, name: &[u16], args: CreateArgs) -> Result<(OwnedHandle, usize), NTSTATUS> {
    let bytes =
        u16::try_from(name.len() * 2).map_err(|_| windows_sys::Win32::Foundation::STATUS_NAME_TOO_LONG)?;
    let us = UNICODE_STRING {
        Length: bytes,
        MaximumLength: bytes,
        Buffer: if name.is_empty() { null_mut() } else { name.as_ptr() as *mut u16 },
    };
    let oa = OBJECT_ATTRIBUTES {
        Length: size_of::<OBJECT_ATTRIBUTES>() as u32,
        RootDirectory: root,
        ObjectName: &us,
        Attributes: OBJ_CASE_INSENSITIVE,
        SecurityDescriptor: null(),
        SecurityQualityOfService: null(),
    };
    let mut handle: HANDLE = null_mut();
    let mut iosb = IO_STATUS_BLOCK::default();
    // SAFETY: every pointer refers to a live local (`handle`, `oa` and through it `us` and
    // `name`, `iosb`) that outlives the call; `name` is only read, for `us.Length` bytes,
    // which is its exact size. The call is synchronous (FILE_SYNCHRONOUS_IO_NONALERT), so
    // nothing is written to `iosb` after it returns. `root` is a handle the caller owns or
    // borrows for the duration of the call (or null).
    let status = unsafe {
        Fs::NtCreateFile(
            &mut handle,
            args.access | windows_sys::Win32::Storage::FileSystem::SYNCHRONIZE,
            &oa,
            &mut iosb,
            null(),
            args.attributes,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            args.disposition,
            args.options | Fs::FILE_SYNCHRONOUS_IO_NONALERT,
            null(),
            0,
        )
    };
    if status < 0 {
        return Err(status);
    }
    // SAFETY: on success NtCreateFile returned a fresh handle that nothing else owns.
    let owned = unsafe { OwnedHandle::from_raw_handle(handle as RawHandle) };
    Ok((owned, iosb.Information))
}

/// A fixed-size information structure that `NtQueryInformationFile` fills for a class.
///
/// # Safety
/// `CLASS` must be the information class whose output layout is exactly `Self`, and every
/// bit pattern must be a valid `Self` (plain integers, no references).
pub(crate) unsafe trait FileInfo: Copy + Default {
    /// The `FILE_INFORMATION_CLASS`.
    const CLASS: Fs::FILE_INFORMATION_CLASS;
}

// SAFETY: the class and the structure are paired as documented in ntifs.h, and the
// structure is plain-integer `repr(C)`.
unsafe impl FileInfo for Fs::FILE_BASIC_INFORMATION {
    const CLASS: Fs::FILE_INFORMATION_CLASS = Fs::FileBasicInformation;
}
// SAFETY: as above (`bool` fields are written by the kernel as 0 or 1 only).
unsafe impl FileInfo for Fs::FILE_STANDARD_INFORMATION {
    const CLASS: Fs::FILE_INFORMATION_CLASS = Fs::FileStandardInformation;
}
// SAFETY: as above.
unsafe impl FileInfo for windows_sys::Wdk::System::SystemServices::FILE_ATTRIBUTE_TAG_INFORMATION {
    const CLASS: Fs::FILE_INFORMATION_CLASS = Fs::FileAttributeTagInformation;
}
// SAFETY: as above.
unsafe impl FileInfo for Fs::FILE_ID_INFORMATION {
    const CLASS: Fs::FILE_INFORMATION_CLASS = Fs::FileIdInformation;
}
// SAFETY: as above.
unsafe impl FileInfo for Fs::FILE_INTERNAL_INFORMATION {
    const CLASS: Fs::FILE_INFORMATION_CLASS = Fs::FileInternalInformation;
}
// SAFETY: as above.
unsafe impl FileInfo for Fs::FILE_POSITION_INFORMATION {
    const CLASS: Fs::FILE_INFORMATION_CLASS = Fs::FilePositionInformation;
}

/// `NtQueryInformationFile` for a fixed-size class.
pub(crate) fn query<T: FileInfo>(h: HANDLE) -> Result<T, NTSTATUS> {
    let mut out = T::default();
    let mut iosb = IO_STATUS_BLOCK::default();
    // SAFETY: `out` is a live, writable `T` of the size we pass, and `T::CLASS` writes at
    // most that many bytes of a valid `T` (the trait's contract). The call is synchronous.
    let status = unsafe {
        Fs::NtQueryInformationFile(h, &mut iosb, (&mut out as *mut T).cast(), size_of::<T>() as u32, T::CLASS)
    };
    if status < 0 {
        Err(status)
    } else {
        Ok(out)
    }
}

/// `NtQueryInformationFile` for a class with a variable-size output, into `buf`; returns
/// the number of bytes written. `STATUS_BUFFER_OVERFLOW` is returned as an error.
pub(crate) fn query_bytes(
    h: HANDLE,
    class: Fs::FILE_INFORMATION_CLASS,
    buf: &mut [u64],
) -> Result<usize, NTSTATUS> {
    let mut iosb = IO_STATUS_BLOCK::default();
    let len = u32::try_from(buf.len() * 8).unwrap_or(!7);
    // SAFETY: `buf` is a live, writable, 8-byte aligned buffer of at least `len` bytes; the
    // kernel writes at most `len` bytes into it, and plain bytes are valid `u64`s.
    let status = unsafe { Fs::NtQueryInformationFile(h, &mut iosb, buf.as_mut_ptr().cast(), len, class) };
    if status < 0 || status == windows_sys::Win32::Foundation::STATUS_BUFFER_OVERFLOW {
        Err(status)
    } else {
        Ok(iosb.Information.min(len as usize))
    }
}

/// `NtSetInformationFile` with the bytes of `info` (a fixed-size structure).
pub(crate) fn set<T: Copy>(h: HANDLE, class: Fs::FILE_INFORMATION_CLASS, info: &T) -> Result<(), NTSTATUS> {
    let mut iosb = IO_STATUS_BLOCK::default();
    // SAFETY: `info` is a live `T` that the kernel only reads, for `size_of::<T>()` bytes.
    // Callers pass the structure that matches `class`.
    let status = unsafe {
        Fs::NtSetInformationFile(h, &mut iosb, (info as *const T).cast(), size_of::<T>() as u32, class)
    };
    if status < 0 {
        Err(status)
    } else {
        Ok(())
    }
}

/// `NtSetInformationFile` with a variable-size structure (rename, link) in `buf`, of
/// `len` bytes.
pub(crate) fn set_bytes(
    h: HANDLE,
    class: Fs::FILE_INFORMATION_CLASS,
    buf: &[u64],
    len: usize,
) -> Result<(), NTSTATUS> {
    let len = len.min(buf.len() * 8);
    let mut iosb = IO_STATUS_BLOCK::default();
    // SAFETY: `buf` is live and at least `len` bytes long; the kernel only reads it.
    let status = unsafe { Fs::NtSetInformationFile(h, &mut iosb, buf.as_ptr().cast(), len as u32, class) };
    if status < 0 {
        Err(status)
    } else {
        Ok(())
    }
}

/// Build a `FILE_RENAME_INFORMATION` / `FILE_LINK_INFORMATION` (same layout) naming
/// `name` relative to `root`, with `flags` in the first field (`ReplaceIfExists` for the
/// classic classes, the flag word for the `Ex` ones). Returns the buffer and its length.
pub(crate) fn rename_info(flags: u32, root: HANDLE, name: &[u16]) -> (Vec<u64>, usize) {
    let head = std::mem::offset_of!(Fs::FILE_RENAME_INFORMATION, FileName);
    let len = head + name.len() * 2;
    let mut buf = vec![0u64; len.div_ceil(8) + 1];
    let root_at = std::mem::offset_of!(Fs::FILE_RENAME_INFORMATION, RootDirectory);
    let len_at = std::mem::offset_of!(Fs::FILE_RENAME_INFORMATION, FileNameLength);
    {
        let bytes = as_bytes_mut(&mut buf);
        bytes[0..4].copy_from_slice(&flags.to_ne_bytes());
        bytes[root_at..root_at + size_of::<usize>()].copy_from_slice(&(root as usize).to_ne_bytes());
        bytes[len_at..len_at + 4].copy_from_slice(&((name.len() * 2) as u32).to_ne_bytes());
        for (i, c) in name.iter().enumerate() {
            bytes[head + 2 * i..head + 2 * i + 2].copy_from_slice(&c.to_ne_bytes());
        }
    }
    (buf, len.max(size_of::<Fs::FILE_RENAME_INFORMATION>()))
}

/// The bytes of a `u64` buffer.
pub(crate) fn as_bytes(buf: &[u64]) -> &[u8] {
    // SAFETY: any initialized `u64` memory is valid as bytes, the length is exact, and the
    // returned slice borrows `buf` immutably for its whole lifetime.
    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len() * 8) }
}

/// The bytes of a `u64` buffer, writable.
pub(crate) fn as_bytes_mut(buf: &mut [u64]) -> &mut [u8] {
    // SAFETY: as in `as_bytes`; any byte pattern is a valid `u64`, and the borrow is unique.
    unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast(), buf.len() * 8) }
}

/// `NtQueryDirectoryFile(h, FileIdBothDirectoryInformation)` into `buf`. `Ok(0)` when the
/// enumeration has no more entries.
pub(crate) fn query_directory(h: HANDLE, buf: &mut [u64], restart: bool) -> Result<usize, NTSTATUS> {
    let mut iosb = IO_STATUS_BLOCK::default();
    let len = u32::try_from(buf.len() * 8).unwrap_or(!7);
    // SAFETY: `buf` is live, writable and 8-byte aligned (as the entries need) for `len`
    // bytes; no event, APC or file-name filter is passed; the handle is synchronous, so the
    // call has finished writing when it returns.
    let status = unsafe {
        Fs::NtQueryDirectoryFile(
            h,
            null_mut(),
            None,
            null(),
            &mut iosb,
            buf.as_mut_ptr().cast(),
            len,
            Fs::FileIdBothDirectoryInformation,
            false,
            null(),
            restart,
        )
    };
    match status {
        windows_sys::Win32::Foundation::STATUS_NO_MORE_FILES
        | windows_sys::Win32::Foundation::STATUS_NO_SUCH_FILE => Ok(0),
        s if s < 0 => Err(s),
        _ => Ok(iosb.Information.min(len as usize)),
    }
}

/// `NtFsControlFile(h, code, input, output)`: returns the bytes written to `output`.
pub(crate) fn fsctl(h: HANDLE, code: u32, input: &[u8], output: &mut [u64]) -> Result<usize, NTSTATUS> {
    let mut iosb = IO_STATUS_BLOCK::default();
    let out_len = u32::try_from(output.len() * 8).unwrap_or(!7);
    let in_len =
        u32::try_from(input.len()).map_err(|_| windows_sys::Win32::Foundation::STATUS_INVALID_PARAMETER)?;
    // SAFETY: `input` is live and only read for `in_len` bytes; `output` is live, writable
    // and aligned for `out_len` bytes; the handle is synchronous, so the call is complete
    // when it returns.
    let status = unsafe {
        Fs::NtFsControlFile(
            h,
            null_mut(),
            None,
            null(),
            &mut iosb,
            code,
            if input.is_empty() { null() } else { input.as_ptr().cast() },
            in_len,
            if output.is_empty() { null_mut() } else { output.as_mut_ptr().cast() },
            out_len,
        )
    };
    if status < 0 {
        Err(status)
    } else {
        Ok(iosb.Information.min(out_len as usize))
    }
}

/// Read a little-endian `u16` / `u32` / `i64` at `at` in `b` (`None` past the end).
pub(crate) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}
/// See [`u16_at`].
pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}
/// See [`u16_at`].
pub(crate) fn i64_at(b: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_ne_bytes(b.get(at..at.checked_add(8)?)?.try_into().ok()?))
}
/// `len` bytes at `at` in `b` as UTF-16 code units (`None` past the end or odd length).
pub(crate) fn utf16_at(b: &[u8], at: usize, len: usize) -> Option<Vec<u16>> {
    if len % 2 != 0 {
        return None;
    }
    let bytes = b.get(at..at.checked_add(len)?)?;
    Some(bytes.chunks_exact(2).map(|c| u16::from_ne_bytes([c[0], c[1]])).collect())
}
