//! The dispatch entry [`wasibox_call`] and the function table: ids, names, lookup.
//!
//! A function id is the function's index in the preview1 witx order (`Func::ALL`):
//! `WASIBOX_FUNC_ARGS_GET` is 0, `WASIBOX_FUNC_SOCK_SHUTDOWN` is 45. The same ids serve
//! both versions; the context's version decides the ABI.

use crate::bytes::{bytes_mut, text};
use crate::ctx::{wasibox_ctx, with_ctx, Inner};
use crate::guard::guard;
use crate::status::{
    fail, WASIBOX_ERR_INVALID, WASIBOX_ERR_NOT_FOUND, WASIBOX_ERR_NULL, WASIBOX_EXITED, WASIBOX_SIGNALED,
};
use std::ffi::{c_char, CString};
use std::sync::OnceLock;
use wasibox_core::{call, Exit, Func, Version};

/// Most parameters any WASI function takes (`path_open`: 9).
const MAX_PARAMS: usize = 9;

fn func_of(id: u32) -> Option<Func> {
    Func::ALL.get(usize::try_from(id).ok()?).copied()
}

/// Run WASI function `func` (a `WASIBOX_FUNC_*` id) for the guest.
///
/// - `args`/`nargs`: the raw wasm arguments, in order, each widened to 64 bits (an i32
///   zero- or sign-extended, only its low 32 bits are used). `nargs` must be the
///   function's parameter count (`wasibox_func_param_count`), else
///   `WASIBOX_ERR_INVALID`.
/// - `mem_base`/`mem_len`: the guest's whole linear memory at this moment. Contract: the
///   `mem_len` bytes at `mem_base` are readable and writable, and nothing else reads or
///   writes them until this call returns (no other thread, no overlap with `args`,
///   `exit_status` or `ctx`). `mem_base` may be NULL only when `mem_len` is 0. wasibox
///   checks every guest pointer against `mem_len` (a bad one is `EFAULT`/`EINVAL` for
///   the guest) and keeps no reference to the memory after returning; pass the current
///   base and length on every call, since a memory may move when it grows.
/// - `exit_status`: where the exit code (or signal) goes when the guest ends; may be NULL.
///
/// Returns the errno to hand back to the guest (0 or positive: the import's i32
/// result), or `WASIBOX_EXITED` (`proc_exit`: `*exit_status` = its code) or
/// `WASIBOX_SIGNALED` (`proc_raise` of a terminating signal: `*exit_status` = the
/// signal): the host must then stop running the guest (unwind out of the engine; the
/// import must not return into the guest). Negative `WASIBOX_ERR_*` for a misused API.
/// After the guest ended, every call answers the same ending again.
///
/// # Safety
/// `ctx` null or live; `args` null (only with `nargs == 0`) or readable for `nargs`
/// values and 8-byte aligned; the memory contract above; `exit_status` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasibox_call(
    ctx: *mut wasibox_ctx,
    func: u32,
    args: *const u64,
    nargs: usize,
    mem_base: *mut u8,
    mem_len: usize,
    exit_status: *mut u32,
) -> i32 {
    let run = |inner: &mut Inner| {
        let Some(f) = func_of(func) else {
            return fail(WASIBOX_ERR_INVALID, format!("unknown function id {func}"));
        };
        if nargs != f.params().len() {
            return fail(
                WASIBOX_ERR_INVALID,
                format!("{} takes {} arguments, {nargs} given", f.name(), f.params().len()),
            );
        }
        if nargs > 0 && args.is_null() {
            return fail(WASIBOX_ERR_NULL, "args is NULL");
        }
        if !args.is_aligned() {
            return fail(WASIBOX_ERR_INVALID, "args is not aligned to 8 bytes");
        }
        // Copied out before the memory slice exists, so that the two never alias.
        let mut raw = [0u64; MAX_PARAMS];
        for (i, slot) in raw.iter_mut().enumerate().take(nargs) {
            // SAFETY: `args` is non-null and aligned (checked) and readable for
            // `nargs` values per the contract; `i < nargs`.
            *slot = unsafe { args.add(i).read() };
        }
        let Some(raw) = raw.get(..nargs) else {
            return fail(WASIBOX_ERR_INVALID, "too many arguments");
        };
        let version = inner.version();
        // A guest that ended stays ended: nothing runs for it any more.
        let result = match inner.exit_status() {
            Some(exit) => Err(exit),
            None => {
                // SAFETY: the memory contract of this function.
                let mem = match unsafe { bytes_mut(mem_base, mem_len, "guest memory") } {
                    Ok(mem) => mem,
                    Err(status) => return status,
                };
                match inner {
                    #[cfg(unix)]
                    Inner::Posix(c) => call(c, mem, version, f, raw),
                    Inner::Mem(m) => call(&mut m.ctx, mem, version, f, raw),
                    Inner::Custom(c) => call(c, mem, version, f, raw),
                }
            }
        };
        let (status, value) = match result {
            Ok(errno) => return i32::from(errno.0),
            Err(Exit::Code(code)) => (WASIBOX_EXITED, code),
            Err(Exit::Signal(sig)) => (WASIBOX_SIGNALED, u32::from(sig)),
        };
        if !exit_status.is_null() {
            // SAFETY: not null (checked) and writable per the contract; the memory
            // slice is gone, so no reference aliases it.
            unsafe { exit_status.write(value) };
        }
        status
    };
    // SAFETY: forwarded contract on `ctx`.
    unsafe { with_ctx(ctx, run) }
}

/// The id of the import `name` of module `module` (`"wasi_snapshot_preview1"` or
/// `"wasi_unstable"`), both `len` bytes of UTF-8, or `WASIBOX_ERR_NOT_FOUND` (also for
/// `sock_accept` in `wasi_unstable`, which has none).
///
/// # Safety
/// Each pointer is null (only with a zero length) or readable for its length.
#[no_mangle]
pub unsafe extern "C" fn wasibox_func_lookup(
    module: *const c_char,
    module_len: usize,
    name: *const c_char,
    name_len: usize,
) -> i32 {
    guard(|| {
        // SAFETY: forwarded contract.
        let module = match unsafe { text(module.cast(), module_len, "module") } {
            Ok(m) => m,
            Err(status) => return status,
        };
        // SAFETY: forwarded contract.
        let name = match unsafe { text(name.cast(), name_len, "name") } {
            Ok(n) => n,
            Err(status) => return status,
        };
        let Some(version) = Version::from_module(module) else {
            return fail(WASIBOX_ERR_NOT_FOUND, format!("{module} is not a WASI module"));
        };
        match Func::from_name(name).filter(|f| f.available_in(version)) {
            Some(f) => {
                Func::ALL.iter().position(|&g| g == f).and_then(|i| i32::try_from(i).ok()).unwrap_or(-1)
            }
            None => fail(WASIBOX_ERR_NOT_FOUND, format!("{module} has no function {name}")),
        }
    })
}

/// How many functions there are (46; ids are 0 to this minus one).
#[no_mangle]
pub extern "C" fn wasibox_func_count() -> u32 {
    Func::ALL.len() as u32
}

/// The number of (wasm) parameters of function `func`, or `WASIBOX_ERR_INVALID`.
#[no_mangle]
pub extern "C" fn wasibox_func_param_count(func: u32) -> i32 {
    match func_of(func) {
        Some(f) => f.params().len() as i32,
        None => fail(WASIBOX_ERR_INVALID, format!("unknown function id {func}")),
    }
}

/// The import name of function `func` (`"fd_write"`), a static NUL-terminated string, or
/// NULL for an unknown id.
#[no_mangle]
pub extern "C" fn wasibox_func_name(func: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    let run = || {
        let names = NAMES
            .get_or_init(|| Func::ALL.iter().map(|f| CString::new(f.name()).unwrap_or_default()).collect());
        usize::try_from(func).ok().and_then(|i| names.get(i)).map_or(std::ptr::null(), |s| s.as_ptr())
    };
    std::panic::catch_unwind(run).unwrap_or(std::ptr::null())
}
