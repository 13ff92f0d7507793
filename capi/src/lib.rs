//! # wasibox-capi
//!
//! The C API of wasibox: a static library (`libwasibox_capi.a`), a shared library
//! (`libwasibox_capi.so`) and a header (`capi/include/wasibox.h`) for C hosts that bring
//! their own wasm engine (wasm2c output, WAMR, wasm3, a hand-written interpreter).
//!
//! A host builds a [`wasibox_config`] (backend, WASI version, args, env, preopens,
//! stdio, rights policy, limits), makes a [`wasibox_ctx`] from it, and routes every WASI
//! import of its engine to one entry point, [`wasibox_call`], with the function id, the
//! raw wasm arguments and the base and length of the guest's linear memory. A host may
//! also serve the guest from its own operating-system layer: a [`wasibox_platform`]
//! table of C function pointers, wrapped as a [`wasibox_core::Platform`].
//!
//! ## What this crate must never do
//!
//! - let a Rust panic cross into C: every entry point runs under `catch_unwind` and
//!   answers [`WASIBOX_ERR_PANIC`] instead (the context is then poisoned);
//! - trust a pointer or length from C beyond its documented contract: a null pointer, a
//!   length past `isize::MAX`, an unknown enum value, invalid UTF-8 where text is
//!   required, or a NUL byte inside an argument give an error status, never undefined
//!   behaviour;
//! - touch guest memory outside `mem_base .. mem_base + mem_len`, or keep a reference to
//!   it after [`wasibox_call`] returns.
//!
//! The header is generated from this crate by `cbindgen` and committed; the test
//! `tests/header.rs` regenerates it and fails when the committed one is stale
//! (`WASIBOX_BLESS=1 cargo test -p wasibox-capi --test header` rewrites it).
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// The exported types are named as C spells them.
#![allow(non_camel_case_types)]

mod bytes;
mod call;
mod config;
mod ctx;
mod guard;
mod platform;
mod status;

pub use call::{
    wasibox_call, wasibox_func_count, wasibox_func_lookup, wasibox_func_name, wasibox_func_param_count,
};
pub use config::{
    wasibox_config, wasibox_config_free, wasibox_config_new, wasibox_config_preopen, wasibox_config_push_arg,
    wasibox_config_push_env, wasibox_config_set_backend, wasibox_config_set_limits,
    wasibox_config_set_mem_limits, wasibox_config_set_rights_policy, wasibox_config_set_seed,
    wasibox_config_set_stdin_bytes, wasibox_config_set_stdio, wasibox_config_set_version, wasibox_limits,
    wasibox_limits_default, WASIBOX_BACKEND_MEM, WASIBOX_BACKEND_POSIX, WASIBOX_PREOPEN_READONLY,
    WASIBOX_RIGHTS_COMPAT, WASIBOX_RIGHTS_ENFORCE, WASIBOX_VERSION_PREVIEW1, WASIBOX_VERSION_UNSTABLE,
};
pub use ctx::{
    wasibox_ctx, wasibox_ctx_free, wasibox_ctx_new, wasibox_ctx_new_custom, wasibox_ctx_take_output,
};
pub use platform::{
    wasibox_ciovec, wasibox_deadline, wasibox_dirent, wasibox_dirent_sink, wasibox_filestat, wasibox_iovec,
    wasibox_open_options, wasibox_platform, wasibox_pollfd, wasibox_settime, WASIBOX_SETTIME_AT,
    WASIBOX_SETTIME_NOW, WASIBOX_SETTIME_OMIT,
};
pub use status::{
    wasibox_last_error, wasibox_status_name, WASIBOX_ERR_BUSY, WASIBOX_ERR_INVALID, WASIBOX_ERR_IO,
    WASIBOX_ERR_NOT_FOUND, WASIBOX_ERR_NULL, WASIBOX_ERR_PANIC, WASIBOX_ERR_UNSUPPORTED, WASIBOX_ERR_UTF8,
    WASIBOX_EXITED, WASIBOX_OK, WASIBOX_SIGNALED,
};
