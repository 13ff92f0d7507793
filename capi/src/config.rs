//! [`wasibox_config`]: what a context is made from (node:wasi's `new WASI({...})` options,
//! plus the choice of backend).

use crate::bytes::{bytes, text};
use crate::guard::guard;
#[cfg(not(unix))]
use crate::status::WASIBOX_ERR_UNSUPPORTED;
use crate::status::{fail, WASIBOX_ERR_INVALID, WASIBOX_ERR_NULL, WASIBOX_OK};
use std::ffi::c_char;
use wasibox_core::{Limits, RightsPolicy, Version};

/// Backend: the host's real filesystem, clocks and randomness (POSIX hosts only).
pub const WASIBOX_BACKEND_POSIX: u32 = 0;
/// Backend: a deterministic in-memory world; each preopen's host directory is copied in
/// when the context is made, stdin is the bytes given with
/// `wasibox_config_set_stdin_bytes`, stdout and stderr are captured
/// (`wasibox_ctx_take_output`).
pub const WASIBOX_BACKEND_MEM: u32 = 1;

/// WASI version: `wasi_snapshot_preview1` (the default).
pub const WASIBOX_VERSION_PREVIEW1: u32 = 0;
/// WASI version: `wasi_unstable` (preview0), with its own layouts and numbering.
pub const WASIBOX_VERSION_UNSTABLE: u32 = 1;

/// Rights policy: enforce what the open mode implies and what the guest narrowed itself
/// (the default, as wasmtime does).
pub const WASIBOX_RIGHTS_COMPAT: u32 = 0;
/// Rights policy: enforce every right of the spec (`ENOTCAPABLE`), as uvwasi does.
pub const WASIBOX_RIGHTS_ENFORCE: u32 = 1;

/// Preopen flag: read-only (every write through it fails with `EROFS`; posix backend and
/// custom platforms only).
pub const WASIBOX_PREOPEN_READONLY: u32 = 1;

/// Resource limits of one guest (see `wasibox_limits_default` for the defaults).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasibox_limits {
    /// Most open descriptors (`EMFILE` beyond).
    pub max_fds: usize,
    /// Longest path in bytes (`ENAMETOOLONG` at or beyond).
    pub max_path: usize,
    /// Most symlinks followed in one path resolution (`ELOOP` beyond).
    pub max_symlinks: u32,
    /// Most subscriptions in one `poll_oneoff` (`EINVAL` beyond).
    pub max_poll_subscriptions: u32,
}

impl From<Limits> for wasibox_limits {
    fn from(l: Limits) -> Self {
        wasibox_limits {
            max_fds: l.max_fds,
            max_path: l.max_path,
            max_symlinks: l.max_symlinks,
            max_poll_subscriptions: l.max_poll_subscriptions,
        }
    }
}

/// Which platform serves the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    #[cfg(unix)]
    Posix,
    Mem,
}

/// One directory to preopen.
#[derive(Clone, Debug)]
pub(crate) struct Preopen {
    /// The path the guest sees (`fd_prestat_dir_name`).
    pub(crate) guest: String,
    /// The host's path, as bytes (a file-system path on POSIX; for a custom platform,
    /// whatever its `open_preopen` understands).
    pub(crate) host: Vec<u8>,
    pub(crate) readonly: bool,
}

/// The options a context is made from. Opaque: make one with `wasibox_config_new`, set
/// what you need, pass it to `wasibox_ctx_new` (which copies what it needs: the config
/// may be freed or reused afterwards), free it with `wasibox_config_free`.
pub struct wasibox_config {
    pub(crate) backend: Backend,
    pub(crate) version: Version,
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<(Vec<u8>, Vec<u8>)>,
    pub(crate) preopens: Vec<Preopen>,
    /// Host descriptors for the guest's fds 0, 1, 2 (-1: none).
    pub(crate) stdio: [i32; 3],
    /// Mem backend: what stdin reads before end of file.
    pub(crate) stdin_bytes: Vec<u8>,
    pub(crate) seed: Option<u64>,
    pub(crate) policy: RightsPolicy,
    pub(crate) limits: Limits,
    pub(crate) mem_limits: wasibox_mem::Limits,
}

impl Default for wasibox_config {
    fn default() -> Self {
        wasibox_config {
            #[cfg(unix)]
            backend: Backend::Posix,
            #[cfg(not(unix))]
            backend: Backend::Mem,
            version: Version::Preview1,
            args: Vec::new(),
            env: Vec::new(),
            preopens: Vec::new(),
            stdio: [0, 1, 2],
            stdin_bytes: Vec::new(),
            seed: None,
            policy: RightsPolicy::Compat,
            limits: Limits::default(),
            mem_limits: wasibox_mem::Limits::default(),
        }
    }
}

/// Run `f` on the config behind `cfg`, under the panic guard.
fn with_config(cfg: *mut wasibox_config, f: impl FnOnce(&mut wasibox_config) -> Result<(), i32>) -> i32 {
    guard(|| {
        // SAFETY: the caller passes a pointer from `wasibox_config_new` that it has not
        // freed and does not use on another thread meanwhile, or null (checked).
        let Some(cfg) = (unsafe { cfg.as_mut() }) else {
            return fail(WASIBOX_ERR_NULL, "config is NULL");
        };
        match f(cfg) {
            Ok(()) => WASIBOX_OK,
            Err(status) => status,
        }
    })
}

/// A new configuration: posix backend (mem where there is no POSIX), preview1, no args,
/// no env, no preopens, stdio on the host's descriptors 0, 1 and 2, compat rights,
/// default limits. Free it with `wasibox_config_free`. Null only if memory ran out.
#[no_mangle]
pub extern "C" fn wasibox_config_new() -> *mut wasibox_config {
    std::panic::catch_unwind(|| Box::into_raw(Box::default())).unwrap_or(std::ptr::null_mut())
}

/// Free a configuration (null is allowed and does nothing). Contexts made from it are
/// not affected.
///
/// # Safety
/// `cfg` is null or came from `wasibox_config_new` and was not freed before.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_free(cfg: *mut wasibox_config) {
    if !cfg.is_null() {
        // SAFETY: per the contract, `cfg` is a live box from `wasibox_config_new`.
        let _ = std::panic::catch_unwind(|| drop(unsafe { Box::from_raw(cfg) }));
    }
}

/// Choose the backend: `WASIBOX_BACKEND_POSIX` or `WASIBOX_BACKEND_MEM`
/// (`WASIBOX_ERR_UNSUPPORTED` for posix on a host without it, `WASIBOX_ERR_INVALID` for
/// anything else). Ignored by `wasibox_ctx_new_custom`.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_backend(cfg: *mut wasibox_config, backend: u32) -> i32 {
    with_config(cfg, |cfg| {
        cfg.backend = match backend {
            #[cfg(unix)]
            WASIBOX_BACKEND_POSIX => Backend::Posix,
            #[cfg(not(unix))]
            WASIBOX_BACKEND_POSIX => {
                return Err(fail(WASIBOX_ERR_UNSUPPORTED, "no posix backend on this host"))
            }
            WASIBOX_BACKEND_MEM => Backend::Mem,
            _ => return Err(fail(WASIBOX_ERR_INVALID, format!("unknown backend {backend}"))),
        };
        Ok(())
    })
}

/// Choose the WASI version the guest imports: `WASIBOX_VERSION_PREVIEW1` (default) or
/// `WASIBOX_VERSION_UNSTABLE`. Every `wasibox_call` on the context decodes its
/// arguments with that version's ABI.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_version(cfg: *mut wasibox_config, version: u32) -> i32 {
    with_config(cfg, |cfg| {
        cfg.version = match version {
            WASIBOX_VERSION_PREVIEW1 => Version::Preview1,
            WASIBOX_VERSION_UNSTABLE => Version::Unstable,
            _ => return Err(fail(WASIBOX_ERR_INVALID, format!("unknown WASI version {version}"))),
        };
        Ok(())
    })
}

/// Append one argument (the first one is the program name, `argv[0]`): `len` bytes at
/// `arg`, no NUL among them (`WASIBOX_ERR_INVALID`). Any bytes otherwise, as on POSIX.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile; `arg` is null
/// (only with `len == 0`) or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_push_arg(
    cfg: *mut wasibox_config,
    arg: *const c_char,
    len: usize,
) -> i32 {
    with_config(cfg, |cfg| {
        // SAFETY: forwarded contract.
        let arg = unsafe { bytes(arg.cast(), len, "arg") }?;
        if arg.contains(&0) {
            return Err(fail(WASIBOX_ERR_INVALID, "an argument holds a NUL byte"));
        }
        cfg.args.push(arg.to_vec());
        Ok(())
    })
}

/// Add the environment variable `key=value` (the guest inherits nothing else). The key
/// must be non-empty without `=` or NUL, the value without NUL (`WASIBOX_ERR_INVALID`).
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile; each of
/// `key`/`value` is null (only with a zero length) or points to that many readable bytes.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_push_env(
    cfg: *mut wasibox_config,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> i32 {
    with_config(cfg, |cfg| {
        // SAFETY: forwarded contract.
        let key = unsafe { bytes(key.cast(), key_len, "env key") }?;
        // SAFETY: forwarded contract.
        let value = unsafe { bytes(value.cast(), value_len, "env value") }?;
        if key.is_empty() || key.contains(&b'=') || key.contains(&0) || value.contains(&0) {
            return Err(fail(
                WASIBOX_ERR_INVALID,
                "an env key is empty or holds '=' or NUL, or its value holds NUL",
            ));
        }
        cfg.env.push((key.to_vec(), value.to_vec()));
        Ok(())
    })
}

/// Preopen a directory: the guest sees it at `guest_path` (UTF-8), as fd 3, 4, ... in
/// the order of these calls. `host_path` is the host directory (posix: opened when the
/// context is made; mem: its tree is copied in then; custom platform: handed to its
/// `open_preopen`). `flags`: 0 or `WASIBOX_PREOPEN_READONLY`.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile; each path
/// pointer is null (only with a zero length) or points to that many readable bytes.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_preopen(
    cfg: *mut wasibox_config,
    guest_path: *const c_char,
    guest_len: usize,
    host_path: *const c_char,
    host_len: usize,
    flags: u32,
) -> i32 {
    with_config(cfg, |cfg| {
        // SAFETY: forwarded contract.
        let guest = unsafe { text(guest_path.cast(), guest_len, "guest path") }?;
        // SAFETY: forwarded contract.
        let host = unsafe { bytes(host_path.cast(), host_len, "host path") }?;
        if guest.contains('\0') || host.contains(&0) || host.is_empty() {
            return Err(fail(WASIBOX_ERR_INVALID, "a preopen path is empty or holds a NUL byte"));
        }
        if flags & !WASIBOX_PREOPEN_READONLY != 0 {
            return Err(fail(WASIBOX_ERR_INVALID, format!("unknown preopen flags {flags:#x}")));
        }
        cfg.preopens.push(Preopen {
            guest: guest.to_string(),
            host: host.to_vec(),
            readonly: flags & WASIBOX_PREOPEN_READONLY != 0,
        });
        Ok(())
    })
}

/// The host descriptors that become the guest's fds 0, 1 and 2 (posix backend: each is
/// duplicated when the context is made, the host keeps its own; custom platform: handed
/// to its `open_stdio`). -1 leaves that guest fd closed; other negatives are
/// `WASIBOX_ERR_INVALID`. Default: 0, 1, 2. The mem backend ignores this.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile. The descriptors
/// must be open when `wasibox_ctx_new` runs.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_stdio(
    cfg: *mut wasibox_config,
    stdin_fd: i32,
    stdout_fd: i32,
    stderr_fd: i32,
) -> i32 {
    with_config(cfg, |cfg| {
        let fds = [stdin_fd, stdout_fd, stderr_fd];
        if fds.iter().any(|&fd| fd < -1) {
            return Err(fail(WASIBOX_ERR_INVALID, "a stdio descriptor is below -1"));
        }
        cfg.stdio = fds;
        Ok(())
    })
}

/// Mem backend: what the guest's stdin holds (then end of file). Default: nothing.
/// Setting it for the posix backend is `WASIBOX_ERR_UNSUPPORTED` at `wasibox_ctx_new`.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile; `data` is null
/// (only with `len == 0`) or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_stdin_bytes(
    cfg: *mut wasibox_config,
    data: *const u8,
    len: usize,
) -> i32 {
    with_config(cfg, |cfg| {
        // SAFETY: forwarded contract.
        cfg.stdin_bytes = unsafe { bytes(data, len, "stdin bytes") }?.to_vec();
        Ok(())
    })
}

/// Mem backend: the seed of the random source (same seed, same bytes).
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_seed(cfg: *mut wasibox_config, seed: u64) -> i32 {
    with_config(cfg, |cfg| {
        cfg.seed = Some(seed);
        Ok(())
    })
}

/// The rights policy: `WASIBOX_RIGHTS_COMPAT` (default) or `WASIBOX_RIGHTS_ENFORCE`.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_rights_policy(cfg: *mut wasibox_config, policy: u32) -> i32 {
    with_config(cfg, |cfg| {
        cfg.policy = match policy {
            WASIBOX_RIGHTS_COMPAT => RightsPolicy::Compat,
            WASIBOX_RIGHTS_ENFORCE => RightsPolicy::Enforce,
            _ => return Err(fail(WASIBOX_ERR_INVALID, format!("unknown rights policy {policy}"))),
        };
        Ok(())
    })
}

/// Fill `*out` with the default limits (to change some and pass to
/// `wasibox_config_set_limits`).
///
/// # Safety
/// `out` is null (`WASIBOX_ERR_NULL`) or points to a writable `wasibox_limits`.
#[no_mangle]
pub unsafe extern "C" fn wasibox_limits_default(out: *mut wasibox_limits) -> i32 {
    guard(|| {
        // SAFETY: `out` is null (checked) or writable per the contract.
        match unsafe { out.as_mut() } {
            Some(out) => {
                *out = Limits::default().into();
                WASIBOX_OK
            }
            None => fail(WASIBOX_ERR_NULL, "limits is NULL"),
        }
    })
}

/// Set the resource limits (copied). `max_fds` must be at least 3 and `max_path` at
/// least 1 (`WASIBOX_ERR_INVALID`).
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile; `limits` is null
/// or points to a readable `wasibox_limits`.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_limits(
    cfg: *mut wasibox_config,
    limits: *const wasibox_limits,
) -> i32 {
    with_config(cfg, |cfg| {
        // SAFETY: `limits` is null (checked) or readable per the contract.
        let l = unsafe { limits.as_ref() }.ok_or_else(|| fail(WASIBOX_ERR_NULL, "limits is NULL"))?;
        if l.max_fds < 3 || l.max_path == 0 {
            return Err(fail(WASIBOX_ERR_INVALID, "max_fds must be at least 3 and max_path at least 1"));
        }
        cfg.limits = Limits {
            max_fds: l.max_fds,
            max_path: l.max_path,
            max_symlinks: l.max_symlinks,
            max_poll_subscriptions: l.max_poll_subscriptions,
        };
        Ok(())
    })
}

/// Mem backend: the capacity of the in-memory filesystem (`ENOSPC` beyond): bytes of
/// file data and number of inodes. Default: 1 GiB and one million.
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile.
#[no_mangle]
pub unsafe extern "C" fn wasibox_config_set_mem_limits(
    cfg: *mut wasibox_config,
    max_bytes: u64,
    max_inodes: u64,
) -> i32 {
    with_config(cfg, |cfg| {
        cfg.mem_limits = wasibox_mem::Limits { max_bytes, max_inodes };
        Ok(())
    })
}
