//! One table from Windows errors to WASI errnos: NTSTATUS codes (what the `Nt*` calls
//! return) and Win32 error codes (what `kernel32` calls leave in `GetLastError`).
//!
//! The choices follow Linux: the errno a Linux program would see for the same situation
//! (`ERROR_DIR_NOT_EMPTY` → `ENOTEMPTY`, `STATUS_FILE_IS_A_DIRECTORY` → `EISDIR`,
//! `ERROR_BROKEN_PIPE` on a write → `EPIPE`). Where Windows has a condition Linux does not
//! (sharing violations, delete-pending files), the nearest errno is chosen and marked
//! below. An NTSTATUS the table does not list goes through `RtlNtStatusToDosError` and then
//! the Win32 table; a Win32 error neither table knows is `EIO`.

use wasibox_core::Errno;
use windows_sys::Win32::Foundation as F;
use windows_sys::Win32::Foundation::{NTSTATUS, WIN32_ERROR};

macro_rules! table {
    ($fn_name:ident, $test_table:ident, $ty:ty, $fallback:expr, { $( $(#[$m:meta])* $code:ident => $wasi:ident, )* }) => {
        /// Map a Windows error code to the WASI errno the guest sees (see the module docs).
        pub fn $fn_name(code: $ty) -> Errno {
            match code {
                $( $(#[$m])* F::$code => Errno::$wasi, )*
                other => $fallback(other),
            }
        }

        /// The table itself, for tests: (code, its name, WASI errno).
        #[cfg(test)]
        pub(crate) const $test_table: &[($ty, &str, Errno)] = &[
            $( $(#[$m])* (F::$code, stringify!($code), Errno::$wasi), )*
        ];
    };
}

fn ntstatus_fallback(status: NTSTATUS) -> Errno {
    // SAFETY: RtlNtStatusToDosErrorNoTeb is a pure table lookup in ntdll that takes the
    // status by value and touches no memory of ours (nor the thread's last-error value).
    let code = unsafe { windows_sys::Wdk::Storage::FileSystem::RtlNtStatusToDosErrorNoTeb(status) };
    // ERROR_MR_MID_NOT_FOUND (317): ntdll knows no Win32 twin either.
    errno_from_win32(code)
}

fn win32_fallback(_code: WIN32_ERROR) -> Errno {
    Errno::IO
}

table!(errno_from_ntstatus, NTSTATUS_TABLE, NTSTATUS, ntstatus_fallback, {
    STATUS_OBJECT_NAME_NOT_FOUND => NOENT,
    STATUS_OBJECT_PATH_NOT_FOUND => NOENT,
    STATUS_NO_SUCH_FILE => NOENT,
    STATUS_NOT_FOUND => NOENT,
    // The entry was deleted but a handle keeps it alive: Linux would no longer see it.
    STATUS_DELETE_PENDING => NOENT,
    STATUS_FILE_DELETED => NOENT,
    STATUS_OBJECT_NAME_COLLISION => EXIST,
    STATUS_OBJECT_NAME_INVALID => INVAL,
    STATUS_OBJECT_PATH_SYNTAX_BAD => INVAL,
    // A path component that is not a directory (we only ever pass one component).
    STATUS_OBJECT_PATH_INVALID => NOTDIR,
    STATUS_NOT_A_DIRECTORY => NOTDIR,
    STATUS_FILE_IS_A_DIRECTORY => ISDIR,
    STATUS_DIRECTORY_NOT_EMPTY => NOTEMPTY,
    STATUS_ACCESS_DENIED => ACCES,
    // Deleting a read-only file; Linux has no such attribute (callers clear it first).
    STATUS_CANNOT_DELETE => ACCES,
    STATUS_PRIVILEGE_NOT_HELD => PERM,
    // Windows-only: another open refused to share. Linux never refuses; EBUSY is nearest.
    STATUS_SHARING_VIOLATION => BUSY,
    STATUS_FILE_LOCK_CONFLICT => BUSY,
    STATUS_LOCK_NOT_GRANTED => BUSY,
    STATUS_DISK_FULL => NOSPC,
    STATUS_QUOTA_EXCEEDED => DQUOT,
    STATUS_DISK_QUOTA_EXCEEDED => DQUOT,
    STATUS_FILE_TOO_LARGE => FBIG,
    STATUS_NO_MEMORY => NOMEM,
    STATUS_INSUFFICIENT_RESOURCES => NOMEM,
    STATUS_TOO_MANY_OPENED_FILES => MFILE,
    STATUS_INVALID_HANDLE => BADF,
    STATUS_OBJECT_TYPE_MISMATCH => BADF,
    STATUS_INVALID_PARAMETER => INVAL,
    STATUS_INVALID_DEVICE_REQUEST => NOTSUP,
    STATUS_NOT_IMPLEMENTED => NOSYS,
    STATUS_NOT_SUPPORTED => NOTSUP,
    STATUS_INVALID_INFO_CLASS => NOTSUP,
    STATUS_PIPE_BROKEN => PIPE,
    STATUS_PIPE_CLOSING => PIPE,
    STATUS_PIPE_DISCONNECTED => PIPE,
    STATUS_PIPE_EMPTY => AGAIN,
    STATUS_NOT_SAME_DEVICE => XDEV,
    STATUS_NAME_TOO_LONG => NAMETOOLONG,
    STATUS_STOPPED_ON_SYMLINK => LOOP,
    STATUS_REPARSE_POINT_NOT_RESOLVED => LOOP,
    STATUS_IO_REPARSE_TAG_NOT_HANDLED => LOOP,
    STATUS_DIRECTORY_IS_A_REPARSE_POINT => LOOP,
    STATUS_NOT_A_REPARSE_POINT => INVAL,
    STATUS_MEDIA_WRITE_PROTECTED => ROFS,
    STATUS_TOO_MANY_LINKS => MLINK,
    STATUS_CANCELLED => CANCELED,
    STATUS_IO_TIMEOUT => TIMEDOUT,
    STATUS_ACCESS_VIOLATION => FAULT,
    STATUS_DATATYPE_MISALIGNMENT => FAULT,
    STATUS_FILE_CORRUPT_ERROR => IO,
    STATUS_DEVICE_NOT_READY => IO,
    STATUS_UNRECOGNIZED_VOLUME => NODEV,
    STATUS_NO_MEDIA_IN_DEVICE => NODEV,
});

table!(errno_from_win32, WIN32_TABLE, WIN32_ERROR, win32_fallback, {
    ERROR_FILE_NOT_FOUND => NOENT,
    ERROR_PATH_NOT_FOUND => NOENT,
    ERROR_INVALID_DRIVE => NOENT,
    ERROR_BAD_NETPATH => NOENT,
    ERROR_BAD_NET_NAME => NOENT,
    ERROR_DELETE_PENDING => NOENT,
    ERROR_NO_MORE_FILES => NOENT,
    ERROR_FILE_EXISTS => EXIST,
    ERROR_ALREADY_EXISTS => EXIST,
    ERROR_INVALID_NAME => INVAL,
    ERROR_BAD_PATHNAME => INVAL,
    // "The directory name is invalid": a file where a directory was needed.
    ERROR_DIRECTORY => NOTDIR,
    ERROR_DIRECTORY_NOT_SUPPORTED => ISDIR,
    ERROR_DIR_NOT_EMPTY => NOTEMPTY,
    ERROR_ACCESS_DENIED => ACCES,
    ERROR_INVALID_ACCESS => ACCES,
    ERROR_CANT_ACCESS_FILE => ACCES,
    ERROR_PRIVILEGE_NOT_HELD => PERM,
    // Windows-only: another open refused to share; EBUSY is nearest (as libuv says).
    ERROR_SHARING_VIOLATION => BUSY,
    ERROR_LOCK_VIOLATION => BUSY,
    ERROR_BUSY => BUSY,
    ERROR_PATH_BUSY => BUSY,
    ERROR_CURRENT_DIRECTORY => BUSY,
    ERROR_DISK_FULL => NOSPC,
    ERROR_HANDLE_DISK_FULL => NOSPC,
    ERROR_DISK_QUOTA_EXCEEDED => DQUOT,
    ERROR_FILE_TOO_LARGE => FBIG,
    ERROR_NOT_ENOUGH_MEMORY => NOMEM,
    ERROR_OUTOFMEMORY => NOMEM,
    ERROR_NOT_ENOUGH_QUOTA => NOMEM,
    ERROR_TOO_MANY_OPEN_FILES => MFILE,
    ERROR_INVALID_HANDLE => BADF,
    ERROR_INVALID_PARAMETER => INVAL,
    ERROR_INVALID_DATA => INVAL,
    ERROR_NEGATIVE_SEEK => INVAL,
    ERROR_SEEK_ON_DEVICE => SPIPE,
    ERROR_INVALID_FUNCTION => NOTSUP,
    ERROR_NOT_SUPPORTED => NOTSUP,
    ERROR_CALL_NOT_IMPLEMENTED => NOSYS,
    ERROR_BROKEN_PIPE => PIPE,
    ERROR_NO_DATA => PIPE,
    ERROR_PIPE_NOT_CONNECTED => PIPE,
    ERROR_BAD_PIPE => PIPE,
    ERROR_PIPE_BUSY => BUSY,
    ERROR_NOT_SAME_DEVICE => XDEV,
    ERROR_FILENAME_EXCED_RANGE => NAMETOOLONG,
    ERROR_BUFFER_OVERFLOW => NAMETOOLONG,
    ERROR_CANT_RESOLVE_FILENAME => LOOP,
    ERROR_STOPPED_ON_SYMLINK => LOOP,
    ERROR_NOT_A_REPARSE_POINT => INVAL,
    ERROR_INVALID_REPARSE_DATA => INVAL,
    ERROR_REPARSE_TAG_INVALID => INVAL,
    ERROR_WRITE_PROTECT => ROFS,
    ERROR_TOO_MANY_LINKS => MLINK,
    ERROR_OPERATION_ABORTED => CANCELED,
    ERROR_SEM_TIMEOUT => TIMEDOUT,
    ERROR_TIMEOUT => TIMEDOUT,
    ERROR_NOACCESS => FAULT,
    ERROR_INVALID_USER_BUFFER => FAULT,
    ERROR_NO_UNICODE_TRANSLATION => ILSEQ,
    ERROR_ARITHMETIC_OVERFLOW => OVERFLOW,
    ERROR_IO_PENDING => AGAIN,
    ERROR_NOT_READY => IO,
    ERROR_CRC => IO,
    ERROR_GEN_FAILURE => IO,
    ERROR_UNRECOGNIZED_VOLUME => NODEV,
});

/// The WASI errno for the calling thread's `GetLastError()`.
pub(crate) fn last_error() -> Errno {
    // SAFETY: GetLastError only reads the calling thread's last-error value.
    errno_from_win32(unsafe { F::GetLastError() })
}

/// The WASI errno of an `std::io::Error` from a host-side call (raw OS errors through the
/// Win32 table; anything else `EIO`).
pub fn errno_from_io_error(e: &std::io::Error) -> Errno {
    match e.raw_os_error() {
        Some(code) => errno_from_win32(code as u32),
        None => Errno::IO,
    }
}

/// `Ok` for an NTSTATUS that is a success (or informational) code, else its errno.
pub(crate) fn nt(status: NTSTATUS) -> wasibox_core::Result<()> {
    if status >= 0 {
        Ok(())
    } else {
        Err(errno_from_ntstatus(status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntstatus_table_has_no_duplicates_and_maps_as_listed() {
        for (i, (code, name, wasi)) in NTSTATUS_TABLE.iter().enumerate() {
            assert_eq!(errno_from_ntstatus(*code), *wasi, "{name}");
            assert!(*code < 0, "{name} is not an error status");
            for (other, oname, _) in &NTSTATUS_TABLE[i + 1..] {
                assert_ne!(code, other, "{name} and {oname} are the same code");
            }
        }
    }

    #[test]
    fn win32_table_has_no_duplicates_and_maps_as_listed() {
        for (i, (code, name, wasi)) in WIN32_TABLE.iter().enumerate() {
            assert_eq!(errno_from_win32(*code), *wasi, "{name}");
            for (other, oname, _) in &WIN32_TABLE[i + 1..] {
                assert_ne!(code, other, "{name} and {oname} are the same code");
            }
        }
    }

    #[test]
    fn linux_compatible_choices() {
        assert_eq!(errno_from_ntstatus(F::STATUS_DIRECTORY_NOT_EMPTY), Errno::NOTEMPTY);
        assert_eq!(errno_from_ntstatus(F::STATUS_FILE_IS_A_DIRECTORY), Errno::ISDIR);
        assert_eq!(errno_from_ntstatus(F::STATUS_NOT_A_DIRECTORY), Errno::NOTDIR);
        assert_eq!(errno_from_ntstatus(F::STATUS_OBJECT_NAME_COLLISION), Errno::EXIST);
        assert_eq!(errno_from_win32(F::ERROR_DIR_NOT_EMPTY), Errno::NOTEMPTY);
        assert_eq!(errno_from_win32(F::ERROR_NO_DATA), Errno::PIPE);
        assert_eq!(errno_from_win32(F::ERROR_PRIVILEGE_NOT_HELD), Errno::PERM);
    }

    #[test]
    fn unknown_codes_fall_back() {
        // Not in our table, but ntdll knows its Win32 twin, which the Win32 table maps.
        assert_eq!(errno_from_ntstatus(F::STATUS_BAD_NETWORK_NAME), Errno::NOENT);
        // A made-up status: no Win32 twin, EIO.
        assert_eq!(errno_from_ntstatus(0xC0DE_0001_u32 as i32), Errno::IO);
        assert_eq!(errno_from_win32(0xFFFF_0000), Errno::IO);
        // Success codes are not errors.
        assert_eq!(nt(0), Ok(()));
        assert_eq!(nt(F::STATUS_PENDING), Ok(()));
        assert_eq!(nt(F::STATUS_ACCESS_DENIED), Err(Errno::ACCES));
    }

    #[test]
    fn io_errors() {
        let e = std::io::Error::from_raw_os_error(F::ERROR_FILE_NOT_FOUND as i32);
        assert_eq!(errno_from_io_error(&e), Errno::NOENT);
        assert_eq!(errno_from_io_error(&std::io::Error::other("x")), Errno::IO);
    }
}
