//! Keeping Rust panics out of C.

use crate::status::{fail, WASIBOX_ERR_PANIC};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Run `body`, turning a panic into [`WASIBOX_ERR_PANIC`]. Every `extern "C"` entry point
/// that does more than return a constant goes through here: unwinding into a C caller
/// would abort the host at best.
///
/// `AssertUnwindSafe` is right here: what a panic may leave half-updated is a context,
/// and the caller of a context-taking entry point poisons it on `WASIBOX_ERR_PANIC`.
pub(crate) fn guard(body: impl FnOnce() -> i32) -> i32 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(status) => status,
        Err(_) => fail(WASIBOX_ERR_PANIC, "internal error in wasibox (a panic was caught)"),
    }
}
