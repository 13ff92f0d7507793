//! Status codes of the C API, and the last error message of the calling thread.
//!
//! Every function that can fail returns an `int32_t` status: [`WASIBOX_OK`] (0) or one of
//! the negative `WASIBOX_ERR_*` codes. [`wasibox_call`](crate::wasibox_call) returns the
//! guest's errno (0 or positive) instead of `WASIBOX_OK`, and [`WASIBOX_EXITED`] or
//! [`WASIBOX_SIGNALED`] when the guest ended. A failing call also leaves a message for
//! [`wasibox_last_error`].

use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// Success.
pub const WASIBOX_OK: i32 = 0;
/// `wasibox_call`: the guest called `proc_exit`; `*exit_status` holds its code.
pub const WASIBOX_EXITED: i32 = -1;
/// `wasibox_call`: the guest raised a signal that terminates it (`proc_raise`);
/// `*exit_status` holds the signal number (a shell would report 128 + it).
pub const WASIBOX_SIGNALED: i32 = -2;
/// A pointer that must not be null was null.
pub const WASIBOX_ERR_NULL: i32 = -3;
/// An argument is out of range: an unknown enum value or function id, a length past
/// `PTRDIFF_MAX`, a NUL byte inside a string, the wrong number of arguments.
pub const WASIBOX_ERR_INVALID: i32 = -4;
/// Text that must be UTF-8 (a guest path, an import name) is not.
pub const WASIBOX_ERR_UTF8: i32 = -5;
/// The host could not do what the configuration asks (open a preopened directory,
/// duplicate a stdio descriptor); see `wasibox_last_error`.
pub const WASIBOX_ERR_IO: i32 = -6;
/// The option does not apply to the chosen backend (stdin bytes on posix, a read-only
/// preopen on mem, output capture on anything but mem).
pub const WASIBOX_ERR_UNSUPPORTED: i32 = -7;
/// A bug inside wasibox was caught before it could cross into C. A context that saw one
/// is poisoned: every later call on it answers this again.
pub const WASIBOX_ERR_PANIC: i32 = -8;
/// `wasibox_func_lookup`: no such import in that module.
pub const WASIBOX_ERR_NOT_FOUND: i32 = -9;
/// The context is in use: a call on it is running (on another thread, or a platform
/// callback re-entered the API with the same context).
pub const WASIBOX_ERR_BUSY: i32 = -10;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Record `message` as the calling thread's last error and return `status`.
pub(crate) fn fail(status: i32, message: impl Into<Vec<u8>>) -> i32 {
    let mut bytes = message.into();
    bytes.retain(|&b| b != 0);
    let text = CString::new(bytes).unwrap_or_default();
    LAST_ERROR.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = text;
        }
    });
    status
}

/// The message of the last failing call made on this thread (an empty string if none).
///
/// The pointer stays valid until the next failing call on the same thread; copy the
/// text to keep it. Never null.
#[no_mangle]
pub extern "C" fn wasibox_last_error() -> *const c_char {
    static EMPTY: &[u8; 1] = b"\0";
    LAST_ERROR
        .try_with(|cell| cell.try_borrow().map(|s| s.as_ptr()).unwrap_or(EMPTY.as_ptr().cast()))
        .unwrap_or(EMPTY.as_ptr().cast())
}

/// The name of a status code (`"WASIBOX_ERR_NULL"`), or `"WASIBOX_ERRNO"` for a
/// non-negative value (an errno of `wasibox_call`). A static string, never null.
#[no_mangle]
pub extern "C" fn wasibox_status_name(status: i32) -> *const c_char {
    let name: &'static [u8] = match status {
        s if s > 0 => b"WASIBOX_ERRNO\0",
        WASIBOX_OK => b"WASIBOX_OK\0",
        WASIBOX_EXITED => b"WASIBOX_EXITED\0",
        WASIBOX_SIGNALED => b"WASIBOX_SIGNALED\0",
        WASIBOX_ERR_NULL => b"WASIBOX_ERR_NULL\0",
        WASIBOX_ERR_INVALID => b"WASIBOX_ERR_INVALID\0",
        WASIBOX_ERR_UTF8 => b"WASIBOX_ERR_UTF8\0",
        WASIBOX_ERR_IO => b"WASIBOX_ERR_IO\0",
        WASIBOX_ERR_UNSUPPORTED => b"WASIBOX_ERR_UNSUPPORTED\0",
        WASIBOX_ERR_PANIC => b"WASIBOX_ERR_PANIC\0",
        WASIBOX_ERR_NOT_FOUND => b"WASIBOX_ERR_NOT_FOUND\0",
        WASIBOX_ERR_BUSY => b"WASIBOX_ERR_BUSY\0",
        _ => b"WASIBOX_ERR_UNKNOWN\0",
    };
    name.as_ptr().cast()
}
