//! [`wasibox_ctx`]: one guest's WASI state, over one of the backends, and the guard that
//! keeps two calls from using it at once.

use crate::bytes::bytes_mut;
use crate::config::{wasibox_config, Backend};
use crate::guard::guard;
use crate::platform::{wasibox_platform, CPlatform};
use crate::status::{
    fail, WASIBOX_ERR_BUSY, WASIBOX_ERR_INVALID, WASIBOX_ERR_IO, WASIBOX_ERR_NULL, WASIBOX_ERR_PANIC,
    WASIBOX_ERR_UNSUPPORTED, WASIBOX_OK,
};
use std::cell::UnsafeCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use wasibox_core::{Platform, Version, WasiBuilder, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

/// The mem backend's context and the pipes its stdout and stderr go to.
pub(crate) struct MemState {
    pub(crate) ctx: WasiCtx<MemPlatform>,
    /// Captured stdout (index 0) and stderr (index 1).
    pipes: [MemPipe; 2],
    /// What was taken from a pipe but not yet copied out to the host.
    pending: [Vec<u8>; 2],
}

/// A context over one backend.
pub(crate) enum Inner {
    #[cfg(unix)]
    Posix(WasiCtx<wasibox_posix::PosixPlatform>),
    Mem(Box<MemState>),
    Custom(WasiCtx<CPlatform>),
}

/// One guest's WASI state: descriptors, args, env, rights, limits, and the platform
/// serving it. Opaque: make one with `wasibox_ctx_new` (or `_new_custom`), use it with
/// `wasibox_call`, free it with `wasibox_ctx_free`.
///
/// A context may move between threads, but serves one call at a time: a call made while
/// another is running on it (from another thread, or from inside a platform callback)
/// returns `WASIBOX_ERR_BUSY`.
pub struct wasibox_ctx {
    busy: AtomicBool,
    poisoned: AtomicBool,
    inner: UnsafeCell<Inner>,
}

/// Run `f` on the context behind `ctx`: null, poisoned and busy contexts are refused; a
/// panic poisons it.
///
/// # Safety
/// `ctx` is null or a live context from `wasibox_ctx_new*`.
pub(crate) unsafe fn with_ctx(ctx: *mut wasibox_ctx, f: impl FnOnce(&mut Inner) -> i32) -> i32 {
    // SAFETY: `ctx` is null (checked) or live; only the atomics are reached through this
    // shared reference until the busy flag is ours.
    let Some(shared) = (unsafe { ctx.as_ref() }) else {
        return fail(WASIBOX_ERR_NULL, "ctx is NULL");
    };
    if shared.poisoned.load(Ordering::Acquire) {
        return fail(WASIBOX_ERR_PANIC, "this context is poisoned by an earlier internal error");
    }
    if shared.busy.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        return fail(WASIBOX_ERR_BUSY, "this context is already in a call");
    }
    let status = guard(|| {
        // SAFETY: holding the busy flag makes this the only reference to `inner` until it
        // is released below.
        let inner = unsafe { &mut *shared.inner.get() };
        f(inner)
    });
    if status == WASIBOX_ERR_PANIC {
        shared.poisoned.store(true, Ordering::Release);
    }
    shared.busy.store(false, Ordering::Release);
    status
}

/// The host path a preopen names.
fn host_path(bytes: &[u8]) -> Result<PathBuf, i32> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(std::ffi::OsStr::from_bytes(bytes).into())
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(PathBuf::from)
            .map_err(|_| fail(crate::status::WASIBOX_ERR_UTF8, "a host path is not valid UTF-8"))
    }
}

/// The builder with everything that does not depend on the backend.
fn builder<P: Platform>(cfg: &wasibox_config, platform: P) -> WasiBuilder<P> {
    WasiBuilder::new(platform)
        .version(cfg.version)
        .args(&cfg.args)
        .envs(cfg.env.iter().map(|(k, v)| (k, v)))
        .rights_policy(cfg.policy)
        .limits(cfg.limits)
}

fn build<P: Platform>(b: WasiBuilder<P>) -> Result<WasiCtx<P>, i32> {
    b.build().map_err(|e| fail(WASIBOX_ERR_INVALID, format!("cannot set up WASI: errno {}", e.0)))
}

#[cfg(unix)]
fn new_posix(cfg: &wasibox_config) -> Result<Inner, i32> {
    use std::os::fd::BorrowedFd;
    use wasibox_posix::{PosixHandle, PosixPlatform};
    if !cfg.stdin_bytes.is_empty() {
        return Err(fail(
            WASIBOX_ERR_UNSUPPORTED,
            "stdin bytes are for the mem backend; posix reads a descriptor",
        ));
    }
    let mut b = builder(cfg, PosixPlatform::new());
    for (guest_fd, &fd) in cfg.stdio.iter().enumerate() {
        if fd < 0 {
            continue;
        }
        // SAFETY: `wasibox_config_set_stdio` documents that these descriptors are open
        // while `wasibox_ctx_new` runs; the borrow ends with the duplication below.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let h = PosixHandle::dup_from(borrowed).map_err(|e| {
            fail(WASIBOX_ERR_IO, format!("cannot duplicate descriptor {fd} for the guest: {e}"))
        })?;
        b = match guest_fd {
            0 => b.stdin(h),
            1 => b.stdout(h),
            _ => b.stderr(h),
        };
    }
    for p in &cfg.preopens {
        let path = host_path(&p.host)?;
        let opened =
            if p.readonly { PosixHandle::open_dir_readonly(&path) } else { PosixHandle::open_dir(&path) };
        let h = opened
            .map_err(|e| fail(WASIBOX_ERR_IO, format!("cannot open directory {}: {e}", path.display())))?;
        b = b.preopen(p.guest.clone(), h);
    }
    Ok(Inner::Posix(build(b)?))
}

fn new_mem(cfg: &wasibox_config) -> Result<Inner, i32> {
    let mut config = MemConfig { limits: cfg.mem_limits, ..MemConfig::default() };
    if let Some(seed) = cfg.seed {
        config.seed = seed;
    }
    let platform = MemPlatform::new(config);
    let mut dirs = Vec::new();
    for (i, p) in cfg.preopens.iter().enumerate() {
        if p.readonly {
            return Err(fail(WASIBOX_ERR_UNSUPPORTED, "the mem backend has no read-only preopens"));
        }
        let path = host_path(&p.host)?;
        let at = format!("/dirs/{i}");
        platform
            .fs()
            .load_host_dir(&path, &at)
            .map_err(|e| fail(WASIBOX_ERR_IO, format!("cannot copy directory {} in: {e}", path.display())))?;
        let h = platform
            .open_dir(&at)
            .map_err(|e| fail(WASIBOX_ERR_IO, format!("cannot open {at} in memory: errno {}", e.0)))?;
        dirs.push((p.guest.clone(), h));
    }
    let stdin = MemPipe::from_bytes(&cfg.stdin_bytes);
    stdin.close_write();
    let pipes = [MemPipe::new(), MemPipe::new()];
    let stdin = platform.pipe_handle(stdin, true, false);
    let stdout = platform.pipe_handle(pipes[0].clone(), false, true);
    let stderr = platform.pipe_handle(pipes[1].clone(), false, true);
    let mut b = builder(cfg, platform).stdin(stdin).stdout(stdout).stderr(stderr);
    for (guest, h) in dirs {
        b = b.preopen(guest, h);
    }
    let ctx = build(b)?;
    Ok(Inner::Mem(Box::new(MemState { ctx, pipes, pending: [Vec::new(), Vec::new()] })))
}

fn new_custom(cfg: &wasibox_config, platform: CPlatform) -> Result<Inner, i32> {
    platform.check_required().map_err(|m| fail(WASIBOX_ERR_INVALID, m))?;
    let mut stdio = Vec::new();
    for (guest_fd, &fd) in (0u32..).zip(cfg.stdio.iter()) {
        if fd < 0 {
            continue;
        }
        match platform.open_stdio(guest_fd, fd) {
            None => break,
            Some(Ok(h)) => stdio.push((guest_fd, h)),
            Some(Err(e)) => {
                return Err(fail(WASIBOX_ERR_IO, format!("open_stdio({guest_fd}) failed: errno {}", e.0)))
            }
        }
    }
    let mut dirs = Vec::new();
    for p in &cfg.preopens {
        match platform.open_preopen(&p.host, p.readonly) {
            None => {
                return Err(fail(WASIBOX_ERR_UNSUPPORTED, "preopens configured, but open_preopen is NULL"))
            }
            Some(Ok(h)) => dirs.push((p.guest.clone(), h)),
            Some(Err(e)) => return Err(fail(WASIBOX_ERR_IO, format!("open_preopen failed: errno {}", e.0))),
        }
    }
    let mut b = builder(cfg, platform);
    for (guest_fd, h) in stdio {
        b = match guest_fd {
            0 => b.stdin(h),
            1 => b.stdout(h),
            _ => b.stderr(h),
        };
    }
    for (guest, h) in dirs {
        b = b.preopen(guest, h);
    }
    Ok(Inner::Custom(build(b)?))
}

/// Store a new context in `*out`.
///
/// # Safety
/// `cfg` null or live, `out` null or writable.
unsafe fn make(
    cfg: *const wasibox_config,
    out: *mut *mut wasibox_ctx,
    make: impl FnOnce(&wasibox_config) -> Result<Inner, i32>,
) -> i32 {
    guard(|| {
        if out.is_null() {
            return fail(WASIBOX_ERR_NULL, "out is NULL");
        }
        // SAFETY: `cfg` is null (checked) or a live config per the contract.
        let Some(cfg) = (unsafe { cfg.as_ref() }) else {
            return fail(WASIBOX_ERR_NULL, "config is NULL");
        };
        match make(cfg) {
            Ok(inner) => {
                let ctx = Box::new(wasibox_ctx {
                    busy: AtomicBool::new(false),
                    poisoned: AtomicBool::new(false),
                    inner: UnsafeCell::new(inner),
                });
                // SAFETY: `out` is not null (checked) and writable per the contract.
                unsafe { out.write(Box::into_raw(ctx)) };
                WASIBOX_OK
            }
            Err(status) => status,
        }
    })
}

/// Make a context from `cfg` over the backend it names, and store it in `*out` (left
/// untouched on failure). Host resources are acquired now: stdio descriptors duplicated,
/// preopened directories opened (posix) or copied into memory (mem).
///
/// # Safety
/// `cfg` is null or a live config not used on another thread meanwhile; `out` is null or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn wasibox_ctx_new(cfg: *const wasibox_config, out: *mut *mut wasibox_ctx) -> i32 {
    // SAFETY: forwarded contract.
    unsafe {
        make(cfg, out, |cfg| match cfg.backend {
            #[cfg(unix)]
            Backend::Posix => new_posix(cfg),
            Backend::Mem => new_mem(cfg),
        })
    }
}

/// Make a context served by the host's own platform `platform` (copied; its `user`
/// pointer must stay valid until the context's `release` callback, or until
/// `wasibox_ctx_free` returns when there is none). The config's backend and mem options
/// are ignored; stdio and preopens go through `open_stdio` and `open_preopen`. If this
/// fails (for any reason but a NULL `platform`), the handles already opened are closed
/// and `release` is called before it returns.
///
/// # Safety
/// `cfg` as for `wasibox_ctx_new`; `platform` is null or points to a readable table
/// whose callbacks follow the rules documented on `wasibox_platform`.
#[no_mangle]
pub unsafe extern "C" fn wasibox_ctx_new_custom(
    cfg: *const wasibox_config,
    platform: *const wasibox_platform,
    out: *mut *mut wasibox_ctx,
) -> i32 {
    // SAFETY: `platform` is null or readable per the contract; copied at once.
    let Some(table) = (unsafe { platform.as_ref() }).copied() else {
        return fail(WASIBOX_ERR_NULL, "platform is NULL");
    };
    // Wrapped before anything can fail, so that every failure below releases it.
    let platform = CPlatform::from_table(table);
    // SAFETY: forwarded contract.
    unsafe { make(cfg, out, move |cfg| new_custom(cfg, platform)) }
}

/// Free a context: every descriptor the guest still holds is closed (for a custom
/// platform through `close`, then `release` is called). Null does nothing; so does a
/// context that is in a call (it is leaked rather than freed under the caller).
///
/// # Safety
/// `ctx` is null or came from `wasibox_ctx_new*` and was not freed before; no other
/// thread uses it meanwhile.
#[no_mangle]
pub unsafe extern "C" fn wasibox_ctx_free(ctx: *mut wasibox_ctx) {
    // SAFETY: `ctx` is null (checked by `as_ref`) or live per the contract.
    let Some(shared) = (unsafe { ctx.as_ref() }) else { return };
    if shared.busy.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        return;
    }
    // SAFETY: `ctx` came from `Box::into_raw` in `make`, is live and not in a call.
    let boxed = unsafe { Box::from_raw(ctx) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(boxed)));
}

/// Mem backend: copy out what the guest wrote to stdout (`fd` 1) or stderr (`fd` 2) and
/// has not been taken yet, at most `cap` bytes into `buf`; `*len` = bytes copied. With
/// `cap == 0`, nothing is copied and `*len` = bytes waiting. Other backends:
/// `WASIBOX_ERR_UNSUPPORTED` (their output goes to the host's descriptors).
///
/// # Safety
/// `ctx` null or live; `buf` null (only with `cap == 0`) or writable for `cap` bytes;
/// `len` null or writable.
#[no_mangle]
pub unsafe extern "C" fn wasibox_ctx_take_output(
    ctx: *mut wasibox_ctx,
    fd: u32,
    buf: *mut u8,
    cap: usize,
    len: *mut usize,
) -> i32 {
    let run = |inner: &mut Inner| {
        if len.is_null() {
            return fail(WASIBOX_ERR_NULL, "len is NULL");
        }
        // SAFETY: forwarded contract on `buf`.
        let out = match unsafe { bytes_mut(buf, cap, "buf") } {
            Ok(out) => out,
            Err(status) => return status,
        };
        let Inner::Mem(mem) = inner else {
            return fail(WASIBOX_ERR_UNSUPPORTED, "output is captured by the mem backend only");
        };
        let i = match fd {
            1 => 0,
            2 => 1,
            _ => return fail(WASIBOX_ERR_INVALID, "fd must be 1 (stdout) or 2 (stderr)"),
        };
        let (Some(pipe), Some(pending)) = (mem.pipes.get(i), mem.pending.get_mut(i)) else {
            return fail(WASIBOX_ERR_INVALID, "fd must be 1 (stdout) or 2 (stderr)");
        };
        pending.extend_from_slice(&pipe.take());
        let n = if cap == 0 {
            pending.len()
        } else {
            let n = cap.min(pending.len());
            for (dst, src) in out.iter_mut().zip(pending.drain(..n)) {
                *dst = src;
            }
            n
        };
        // SAFETY: `len` is not null (checked) and writable per the contract.
        unsafe { len.write(n) };
        WASIBOX_OK
    };
    // SAFETY: forwarded contract on `ctx`.
    unsafe { with_ctx(ctx, run) }
}

impl Inner {
    /// How the guest ended through WASI, if it did.
    pub(crate) fn exit_status(&self) -> Option<wasibox_core::Exit> {
        match self {
            #[cfg(unix)]
            Inner::Posix(c) => c.exit_status(),
            Inner::Mem(m) => m.ctx.exit_status(),
            Inner::Custom(c) => c.exit_status(),
        }
    }

    /// The WASI version the context serves.
    pub(crate) fn version(&self) -> Version {
        let v = match self {
            #[cfg(unix)]
            Inner::Posix(c) => c.version(),
            Inner::Mem(m) => m.ctx.version(),
            Inner::Custom(c) => c.version(),
        };
        v.unwrap_or(Version::Preview1)
    }
}
