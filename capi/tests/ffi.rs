//! The C API called as a C host calls it: through the `extern "C"` functions, with raw
//! pointers and lengths, guest memory as a plain buffer, and a platform written as a
//! table of `extern "C"` callbacks. Hostile pointers, lengths, ids and callback answers
//! must give error codes or errnos, never a crash.

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr};
use std::ptr::{null, null_mut};
use wasibox_capi::*;

const ESUCCESS: i32 = 0;
const EBADF: i32 = 8;
const EFAULT: i32 = 21;
const EINVAL: i32 = 28;
const EIO: i32 = 29;
const ENOSYS: i32 = 52;
#[cfg(unix)]
const EROFS: i32 = 69;

fn id(name: &str) -> u32 {
    let module = "wasi_snapshot_preview1";
    // SAFETY: both strings are readable for their lengths.
    let id = unsafe {
        wasibox_func_lookup(module.as_ptr().cast(), module.len(), name.as_ptr().cast(), name.len())
    };
    u32::try_from(id).unwrap_or_else(|_| panic!("no function {name}: {id}"))
}

fn last_error() -> String {
    // SAFETY: never null, NUL-terminated, valid until the next failing call.
    unsafe { CStr::from_ptr(wasibox_last_error()) }.to_string_lossy().into_owned()
}

/// A guest memory with helpers to lay out arguments.
struct Guest {
    mem: Vec<u8>,
}

impl Guest {
    fn new() -> Self {
        Guest { mem: vec![0; 65536] }
    }
    fn put(&mut self, at: usize, data: &[u8]) {
        self.mem[at..at + data.len()].copy_from_slice(data);
    }
    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.mem[at..at + 4].try_into().unwrap())
    }
    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.mem[at..at + 8].try_into().unwrap())
    }
    /// An iovec at `at` naming `len` bytes at `buf`.
    fn iovec(&mut self, at: usize, buf: u32, len: u32) {
        self.put(at, &buf.to_le_bytes());
        self.put(at + 4, &len.to_le_bytes());
    }
    /// `wasibox_call` with this memory; returns (result, exit status).
    fn call(&mut self, ctx: *mut wasibox_ctx, func: &str, args: &[u64]) -> (i32, u32) {
        let mut status = u32::MAX;
        // SAFETY: `args` and the memory are readable/writable for their lengths and
        // nothing else touches them during the call.
        let r = unsafe {
            wasibox_call(
                ctx,
                id(func),
                args.as_ptr(),
                args.len(),
                self.mem.as_mut_ptr(),
                self.mem.len(),
                &mut status,
            )
        };
        (r, status)
    }
    /// `fd_write(fd, "text")` with the text at 1024 and the iovec at 512; the result and
    /// `nwritten`.
    fn write(&mut self, ctx: *mut wasibox_ctx, fd: u32, text: &[u8]) -> (i32, u32) {
        self.put(1024, text);
        self.iovec(512, 1024, text.len() as u32);
        let (r, _) = self.call(ctx, "fd_write", &[fd.into(), 512, 1, 600]);
        (r, self.u32_at(600))
    }
}

fn config(backend: u32) -> *mut wasibox_config {
    let cfg = wasibox_config_new();
    assert!(!cfg.is_null());
    // SAFETY: `cfg` is live.
    assert_eq!(unsafe { wasibox_config_set_backend(cfg, backend) }, WASIBOX_OK);
    cfg
}

fn push_arg(cfg: *mut wasibox_config, arg: &str) {
    // SAFETY: live config, readable string.
    assert_eq!(unsafe { wasibox_config_push_arg(cfg, arg.as_ptr().cast(), arg.len()) }, WASIBOX_OK);
}

fn new_ctx(cfg: *mut wasibox_config) -> *mut wasibox_ctx {
    let mut ctx = null_mut();
    // SAFETY: live config, writable out-pointer.
    let r = unsafe { wasibox_ctx_new(cfg, &mut ctx) };
    assert_eq!(r, WASIBOX_OK, "{}", last_error());
    // SAFETY: the config was from `wasibox_config_new`, freed once.
    unsafe { wasibox_config_free(cfg) };
    ctx
}

fn take_output(ctx: *mut wasibox_ctx, fd: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 3];
    loop {
        let mut n = 0;
        // SAFETY: live context, writable buffer and length.
        let r = unsafe { wasibox_ctx_take_output(ctx, fd, buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(r, WASIBOX_OK);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn config_rejects_hostile_input_with_status_codes() {
    // SAFETY (whole test): every pointer passed is null, dangling-but-never-read (lengths
    // the API must refuse first), or a live config / readable bytes.
    unsafe {
        assert_eq!(wasibox_config_set_backend(null_mut(), WASIBOX_BACKEND_MEM), WASIBOX_ERR_NULL);
        assert!(last_error().contains("NULL"), "{}", last_error());
        let cfg = config(WASIBOX_BACKEND_MEM);
        assert_eq!(wasibox_config_set_backend(cfg, 7), WASIBOX_ERR_INVALID);
        assert_eq!(wasibox_config_set_version(cfg, 2), WASIBOX_ERR_INVALID);
        assert_eq!(wasibox_config_set_rights_policy(cfg, 9), WASIBOX_ERR_INVALID);
        assert_eq!(wasibox_config_push_arg(cfg, null(), 5), WASIBOX_ERR_NULL);
        assert_eq!(wasibox_config_push_arg(cfg, null(), 0), WASIBOX_OK, "an empty argument is fine");
        let dangling = std::ptr::NonNull::<c_char>::dangling().as_ptr();
        assert_eq!(wasibox_config_push_arg(cfg, dangling, usize::MAX), WASIBOX_ERR_INVALID);
        assert_eq!(wasibox_config_push_arg(cfg, b"a\0b".as_ptr().cast(), 3), WASIBOX_ERR_INVALID);
        assert_eq!(
            wasibox_config_push_env(cfg, b"A=B".as_ptr().cast(), 3, b"v".as_ptr().cast(), 1),
            WASIBOX_ERR_INVALID
        );
        assert_eq!(wasibox_config_push_env(cfg, null(), 0, b"v".as_ptr().cast(), 1), WASIBOX_ERR_INVALID);
        let bad_utf8 = b"\xff\xfe";
        assert_eq!(
            wasibox_config_preopen(cfg, bad_utf8.as_ptr().cast(), 2, b"/tmp".as_ptr().cast(), 4, 0),
            WASIBOX_ERR_UTF8
        );
        assert_eq!(
            wasibox_config_preopen(cfg, b"d".as_ptr().cast(), 1, b"/tmp".as_ptr().cast(), 4, 0x80),
            WASIBOX_ERR_INVALID
        );
        assert_eq!(wasibox_config_set_stdio(cfg, -2, 1, 2), WASIBOX_ERR_INVALID);
        assert_eq!(wasibox_limits_default(null_mut()), WASIBOX_ERR_NULL);
        let mut limits =
            wasibox_limits { max_fds: 0, max_path: 0, max_symlinks: 0, max_poll_subscriptions: 0 };
        assert_eq!(wasibox_limits_default(&mut limits), WASIBOX_OK);
        assert_eq!(limits.max_fds, 1024);
        assert_eq!(wasibox_config_set_limits(cfg, null()), WASIBOX_ERR_NULL);
        let tiny = wasibox_limits { max_fds: 2, ..limits };
        assert_eq!(wasibox_config_set_limits(cfg, &tiny), WASIBOX_ERR_INVALID);
        // A preopen of a directory that does not exist fails when the context is made.
        let missing = b"/nonexistent/wasibox-capi-test";
        assert_eq!(
            wasibox_config_preopen(cfg, b"d".as_ptr().cast(), 1, missing.as_ptr().cast(), missing.len(), 0),
            WASIBOX_OK
        );
        let mut ctx = null_mut();
        assert_eq!(wasibox_ctx_new(cfg, &mut ctx), WASIBOX_ERR_IO);
        assert!(ctx.is_null());
        assert!(last_error().contains("nonexistent"), "{}", last_error());
        assert_eq!(wasibox_ctx_new(null(), &mut ctx), WASIBOX_ERR_NULL);
        assert_eq!(wasibox_ctx_new(cfg, null_mut()), WASIBOX_ERR_NULL);
        wasibox_config_free(cfg);
        wasibox_config_free(null_mut());
        wasibox_ctx_free(null_mut());
        let name = CStr::from_ptr(wasibox_status_name(WASIBOX_ERR_BUSY));
        assert_eq!(name.to_str(), Ok("WASIBOX_ERR_BUSY"));
    }
}

#[test]
fn function_ids_and_lookup() {
    assert_eq!(wasibox_func_count(), 46);
    for (i, f) in wasibox_core::Func::ALL.iter().enumerate() {
        assert_eq!(id(f.name()), i as u32);
        // SAFETY: a static string for a valid id.
        let name = unsafe { CStr::from_ptr(wasibox_func_name(i as u32)) };
        assert_eq!(name.to_str(), Ok(f.name()));
        assert_eq!(wasibox_func_param_count(i as u32), f.params().len() as i32);
    }
    assert!(wasibox_func_name(46).is_null());
    assert_eq!(wasibox_func_param_count(u32::MAX), WASIBOX_ERR_INVALID);
    let lookup = |m: &[u8], n: &[u8]| {
        // SAFETY: readable byte strings.
        unsafe { wasibox_func_lookup(m.as_ptr().cast(), m.len(), n.as_ptr().cast(), n.len()) }
    };
    assert_eq!(lookup(b"wasi_unstable", b"fd_seek"), id("fd_seek") as i32);
    assert_eq!(lookup(b"wasi_unstable", b"sock_accept"), WASIBOX_ERR_NOT_FOUND);
    assert_eq!(lookup(b"env", b"fd_write"), WASIBOX_ERR_NOT_FOUND);
    assert_eq!(lookup(b"wasi_snapshot_preview1", b"fd_writ"), WASIBOX_ERR_NOT_FOUND);
    assert_eq!(lookup(b"wasi_snapshot_preview1", b"fd_\xffwrite"), WASIBOX_ERR_UTF8);
    // SAFETY: null with a non-zero length must be refused before any read.
    assert_eq!(unsafe { wasibox_func_lookup(null(), 3, b"x".as_ptr().cast(), 1) }, WASIBOX_ERR_NULL);
}

#[test]
fn mem_backend_serves_a_guest_through_the_dispatch_entry() {
    let cfg = config(WASIBOX_BACKEND_MEM);
    push_arg(cfg, "prog");
    push_arg(cfg, "héllo");
    // SAFETY: live config, readable bytes.
    unsafe {
        assert_eq!(
            wasibox_config_push_env(cfg, b"K".as_ptr().cast(), 1, b"v".as_ptr().cast(), 1),
            WASIBOX_OK
        );
        assert_eq!(wasibox_config_set_seed(cfg, 7), WASIBOX_OK);
        assert_eq!(wasibox_config_set_stdin_bytes(cfg, b"input".as_ptr(), 5), WASIBOX_OK);
    }
    let ctx = new_ctx(cfg);
    let mut g = Guest::new();

    assert_eq!(g.call(ctx, "args_sizes_get", &[100, 104]).0, ESUCCESS);
    assert_eq!((g.u32_at(100), g.u32_at(104)), (2, 5 + "héllo".len() as u32 + 1));
    assert_eq!(g.call(ctx, "args_get", &[200, 300]).0, ESUCCESS);
    assert_eq!(&g.mem[300..305], b"prog\0");
    assert_eq!(g.call(ctx, "environ_get", &[200, 300]).0, ESUCCESS);
    assert_eq!(&g.mem[300..304], b"K=v\0");

    assert_eq!(g.write(ctx, 1, b"hello, "), (ESUCCESS, 7));
    assert_eq!(g.write(ctx, 1, b"world"), (ESUCCESS, 5));
    assert_eq!(g.write(ctx, 2, b"oops"), (ESUCCESS, 4));
    assert_eq!(take_output(ctx, 1), b"hello, world");
    assert_eq!(take_output(ctx, 2), b"oops");
    let mut waiting = 99;
    // SAFETY: live context; null buffer with cap 0; writable length.
    assert_eq!(unsafe { wasibox_ctx_take_output(ctx, 1, null_mut(), 0, &mut waiting) }, WASIBOX_OK);
    assert_eq!(waiting, 0);
    // SAFETY: as above, with bad fds and a null length.
    unsafe {
        assert_eq!(wasibox_ctx_take_output(ctx, 3, null_mut(), 0, &mut waiting), WASIBOX_ERR_INVALID);
        assert_eq!(wasibox_ctx_take_output(ctx, 1, null_mut(), 0, null_mut()), WASIBOX_ERR_NULL);
    }

    // stdin holds the configured bytes.
    g.iovec(512, 2048, 16);
    assert_eq!(g.call(ctx, "fd_read", &[0, 512, 1, 600]).0, ESUCCESS);
    assert_eq!(&g.mem[2048..2048 + g.u32_at(600) as usize], b"input");

    // The seeded random source is deterministic.
    assert_eq!(g.call(ctx, "random_get", &[4096, 32]).0, ESUCCESS);
    let first = g.mem[4096..4128].to_vec();
    assert_ne!(first, [0u8; 32]);

    // Bad guest pointers are the guest's EFAULT / EINVAL.
    assert_eq!(g.call(ctx, "random_get", &[65530, 32]).0, EFAULT);
    assert_eq!(g.call(ctx, "clock_time_get", &[1, 0, 65533]).0, EFAULT);
    assert_eq!(g.call(ctx, "clock_time_get", &[1, 0, 4097]).0, EINVAL);
    assert_eq!(g.call(ctx, "fd_write", &[99, 512, 1, 600]).0, EBADF);

    // proc_exit ends the guest; afterwards every call gives the same ending, doing nothing.
    assert_eq!(g.call(ctx, "proc_exit", &[1000]), (WASIBOX_EXITED, 1000));
    assert_eq!(g.write(ctx, 1, b"late").0, WASIBOX_EXITED);
    assert!(take_output(ctx, 1).is_empty());
    // SAFETY: the context was made by `wasibox_ctx_new` and is freed once.
    unsafe { wasibox_ctx_free(ctx) };

    // The same seed gives the same bytes in a fresh context.
    let cfg = config(WASIBOX_BACKEND_MEM);
    // SAFETY: live config.
    assert_eq!(unsafe { wasibox_config_set_seed(cfg, 7) }, WASIBOX_OK);
    let ctx = new_ctx(cfg);
    let mut g2 = Guest::new();
    assert_eq!(g2.call(ctx, "random_get", &[4096, 32]).0, ESUCCESS);
    assert_eq!(g2.mem[4096..4128], first[..]);
    // SAFETY: freed once.
    unsafe { wasibox_ctx_free(ctx) };
}

#[test]
fn dispatch_refuses_hostile_host_arguments() {
    let ctx = new_ctx(config(WASIBOX_BACKEND_MEM));
    let mut mem = vec![0u8; 1024];
    let args = [0u64, 16];
    let mut status = 0u32;
    // SAFETY (whole block): the pointers are null, or live, or come with lengths the API
    // must refuse before touching anything.
    unsafe {
        let call = |ctx, f, a: *const u64, n, m: *mut u8, len| wasibox_call(ctx, f, a, n, m, len, null_mut());
        let rand = id("random_get");
        assert_eq!(call(null_mut(), rand, args.as_ptr(), 2, mem.as_mut_ptr(), 1024), WASIBOX_ERR_NULL);
        assert_eq!(call(ctx, 46, args.as_ptr(), 2, mem.as_mut_ptr(), 1024), WASIBOX_ERR_INVALID);
        assert_eq!(call(ctx, u32::MAX, args.as_ptr(), 2, mem.as_mut_ptr(), 1024), WASIBOX_ERR_INVALID);
        assert_eq!(call(ctx, rand, args.as_ptr(), 1, mem.as_mut_ptr(), 1024), WASIBOX_ERR_INVALID);
        assert_eq!(call(ctx, rand, args.as_ptr(), usize::MAX, mem.as_mut_ptr(), 1024), WASIBOX_ERR_INVALID);
        assert_eq!(call(ctx, rand, null(), 2, mem.as_mut_ptr(), 1024), WASIBOX_ERR_NULL);
        let misaligned = (args.as_ptr() as *const u8).add(1) as *const u64;
        assert_eq!(call(ctx, rand, misaligned, 2, mem.as_mut_ptr(), 1024), WASIBOX_ERR_INVALID);
        assert_eq!(call(ctx, rand, args.as_ptr(), 2, null_mut(), 1024), WASIBOX_ERR_NULL);
        let dangling = std::ptr::NonNull::<u8>::dangling().as_ptr();
        assert_eq!(call(ctx, rand, args.as_ptr(), 2, dangling, usize::MAX), WASIBOX_ERR_INVALID);
        // An empty memory is a valid memory: every guest pointer is out of bounds.
        assert_eq!(call(ctx, rand, args.as_ptr(), 2, null_mut(), 0), EFAULT);
        // A zero-length range at the very end is fine.
        assert_eq!(call(ctx, rand, [1024u64, 0].as_ptr(), 2, mem.as_mut_ptr(), 1024), ESUCCESS);
        // i32 arguments use their low 32 bits only: a sign-extended pointer is still 0.
        let sign_extended = [0xffff_ffff_0000_0000u64, 8];
        assert_eq!(call(ctx, rand, sign_extended.as_ptr(), 2, mem.as_mut_ptr(), 1024), ESUCCESS);
        // sched_yield takes nothing: null args with nargs 0.
        assert_eq!(call(ctx, id("sched_yield"), null(), 0, null_mut(), 0), ESUCCESS);
        // A null exit status is allowed.
        let exit = [3u64];
        assert_eq!(call(ctx, id("proc_exit"), exit.as_ptr(), 1, null_mut(), 0), WASIBOX_EXITED);
        assert_eq!(
            wasibox_call(ctx, id("sched_yield"), null(), 0, null_mut(), 0, &mut status),
            WASIBOX_EXITED
        );
        assert_eq!(status, 3);
        wasibox_ctx_free(ctx);
    }
}

#[cfg(unix)]
#[test]
fn posix_backend_preopens_real_directories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.txt"), b"from the host").unwrap();
    let ro = tempfile::tempdir().unwrap();
    let cfg = config(WASIBOX_BACKEND_POSIX);
    let host = dir.path().to_str().unwrap();
    let ro_host = ro.path().to_str().unwrap();
    // SAFETY: live config, readable strings.
    unsafe {
        assert_eq!(wasibox_config_set_stdio(cfg, -1, -1, -1), WASIBOX_OK);
        assert_eq!(
            wasibox_config_preopen(cfg, b"data".as_ptr().cast(), 4, host.as_ptr().cast(), host.len(), 0),
            WASIBOX_OK
        );
        let flags = WASIBOX_PREOPEN_READONLY;
        assert_eq!(
            wasibox_config_preopen(
                cfg,
                b"ro".as_ptr().cast(),
                2,
                ro_host.as_ptr().cast(),
                ro_host.len(),
                flags
            ),
            WASIBOX_OK
        );
        // Output capture is the mem backend's.
        assert_eq!(wasibox_config_set_stdin_bytes(cfg, b"x".as_ptr(), 1), WASIBOX_OK);
        let mut ctx = null_mut();
        assert_eq!(wasibox_ctx_new(cfg, &mut ctx), WASIBOX_ERR_UNSUPPORTED);
        assert_eq!(wasibox_config_set_stdin_bytes(cfg, null(), 0), WASIBOX_OK);
    }
    let ctx = new_ctx(cfg);
    let mut g = Guest::new();
    // fd 3 is "data": its name, then a directory made and a file read through it.
    assert_eq!(g.call(ctx, "fd_prestat_dir_name", &[3, 100, 4]).0, ESUCCESS);
    assert_eq!(&g.mem[100..104], b"data");
    g.put(200, b"made");
    assert_eq!(g.call(ctx, "path_create_directory", &[3, 200, 4]).0, ESUCCESS);
    assert!(dir.path().join("made").is_dir());
    g.put(200, b"in.txt");
    let rights = (1u64 << 1) | (1 << 6);
    assert_eq!(g.call(ctx, "path_open", &[3, 0, 200, 6, 0, rights, 0, 0, 300]).0, ESUCCESS);
    let fd = g.u32_at(300);
    g.iovec(512, 2048, 64);
    assert_eq!(g.call(ctx, "fd_read", &[fd.into(), 512, 1, 600]).0, ESUCCESS);
    assert_eq!(&g.mem[2048..2048 + g.u32_at(600) as usize], b"from the host");
    // No stdio was configured: fd 1 is not open.
    assert_eq!(g.write(ctx, 1, b"x").0, EBADF);
    // fd 4 is read-only.
    g.put(200, b"made");
    assert_eq!(g.call(ctx, "path_create_directory", &[4, 200, 4]).0, EROFS);
    assert!(!ro.path().join("made").exists());
    // Output capture belongs to the mem backend.
    let mut n = 0;
    // SAFETY: live context, writable length.
    assert_eq!(unsafe { wasibox_ctx_take_output(ctx, 1, null_mut(), 0, &mut n) }, WASIBOX_ERR_UNSUPPORTED);
    // SAFETY: freed once.
    unsafe { wasibox_ctx_free(ctx) };
}

// ---- a platform written as C callbacks ---------------------------------------------------

/// What the callbacks see and record; `user` points to one of these.
#[derive(Default)]
struct World {
    /// Bytes written to the handle for stdout (handle 101).
    stdout: Vec<u8>,
    /// Handles closed, in order.
    closed: Vec<u64>,
    released: bool,
    /// Make `read` claim more bytes than it was given room for.
    lie_about_reads: bool,
    /// The context, for the re-entrancy test.
    ctx: Option<*mut wasibox_ctx>,
    /// What a re-entrant call answered.
    reentrant: Option<i32>,
    now: u64,
}

fn world<'a>(user: *mut c_void) -> &'a RefCell<World> {
    // SAFETY: every table below stores a live `RefCell<World>` as `user`, and the tests
    // keep it alive until after the context is freed.
    unsafe { &*(user as *const RefCell<World>) }
}

unsafe extern "C" fn cb_release(user: *mut c_void) {
    world(user).borrow_mut().released = true;
}
unsafe extern "C" fn cb_open_stdio(_user: *mut c_void, guest_fd: u32, _host_fd: i32, out: *mut u64) -> u16 {
    // SAFETY: wasibox passes a writable out-pointer.
    unsafe { *out = 100 + u64::from(guest_fd) };
    0
}
unsafe extern "C" fn cb_open_preopen(
    _user: *mut c_void,
    path: *const c_char,
    len: usize,
    _ro: u8,
    out: *mut u64,
) -> u16 {
    // SAFETY: wasibox passes `len` readable bytes and a writable out-pointer.
    let path = unsafe { std::slice::from_raw_parts(path.cast::<u8>(), len) };
    if path != b"/root" {
        return 44; // ENOENT
    }
    // SAFETY: as above.
    unsafe { *out = 200 };
    0
}
unsafe extern "C" fn cb_filetype(_user: *mut c_void, h: u64, out: *mut u8) -> u16 {
    let ft = match h {
        100..=102 => 2, // character device
        200 => 3,       // directory
        _ => 200,       // not a WASI filetype: must read as unknown
    };
    // SAFETY: writable out-pointer.
    unsafe { *out = ft };
    0
}
unsafe extern "C" fn cb_close(user: *mut c_void, h: u64) -> u16 {
    world(user).borrow_mut().closed.push(h);
    0
}
unsafe extern "C" fn cb_read(
    user: *mut c_void,
    _h: u64,
    iovs: *const wasibox_iovec,
    n: usize,
    nread: *mut usize,
) -> u16 {
    // SAFETY: wasibox passes `n` iovecs naming writable buffers, and a writable count.
    let iovs = unsafe { std::slice::from_raw_parts(iovs, n) };
    let mut total = 0;
    for iov in iovs {
        // SAFETY: each iovec names `len` writable bytes.
        unsafe { std::slice::from_raw_parts_mut(iov.buf, iov.len) }.fill(b'r');
        total += iov.len;
    }
    let lie = world(user).borrow().lie_about_reads;
    // SAFETY: writable count.
    unsafe { *nread = if lie { total + 1000 } else { total } };
    0
}
unsafe extern "C" fn cb_write(
    user: *mut c_void,
    h: u64,
    iovs: *const wasibox_ciovec,
    n: usize,
    nwritten: *mut usize,
) -> u16 {
    let w = world(user);
    let ctx = w.borrow().ctx;
    if let Some(ctx) = ctx {
        // Re-entering the API with the context that is calling us must be refused.
        // SAFETY: a live context; no memory passed.
        let r = unsafe { wasibox_call(ctx, id("sched_yield"), null(), 0, null_mut(), 0, null_mut()) };
        w.borrow_mut().reentrant = Some(r);
    }
    if h != 101 {
        return 8; // EBADF
    }
    // SAFETY: wasibox passes `n` readable iovecs and a writable count.
    let iovs = unsafe { std::slice::from_raw_parts(iovs, n) };
    let mut total = 0;
    for iov in iovs {
        // SAFETY: each names `len` readable bytes.
        w.borrow_mut().stdout.extend_from_slice(unsafe { std::slice::from_raw_parts(iov.buf, iov.len) });
        total += iov.len;
    }
    // SAFETY: writable count.
    unsafe { *nwritten = total };
    0
}
unsafe extern "C" fn cb_clock_time(user: *mut c_void, clock: u32, _precision: u64, out: *mut u64) -> u16 {
    if clock > 1 {
        return 58; // ENOTSUP
    }
    let mut w = world(user).borrow_mut();
    w.now += 1000;
    // SAFETY: writable out-pointer.
    unsafe { *out = w.now };
    0
}
unsafe extern "C" fn cb_random(_user: *mut c_void, buf: *mut u8, len: usize) -> u16 {
    // SAFETY: `len` writable bytes.
    unsafe { std::slice::from_raw_parts_mut(buf, len) }.fill(0xAB);
    0
}
unsafe extern "C" fn cb_readdir(
    _user: *mut c_void,
    h: u64,
    cookie: u64,
    sink: wasibox_dirent_sink,
    data: *mut c_void,
) -> u16 {
    if h != 200 {
        return 54; // ENOTDIR
    }
    let names: [&[u8]; 3] = [b".", b"..", b"only.txt"];
    for (i, name) in names.iter().enumerate().skip(cookie as usize) {
        let e = wasibox_dirent {
            next: i as u64 + 1,
            ino: 10 + i as u64,
            filetype: if i < 2 { 3 } else { 4 },
            name: name.as_ptr().cast(),
            name_len: name.len(),
        };
        // SAFETY: the sink and its data are valid during this call.
        if unsafe { sink(data, &e) } == 0 {
            break;
        }
    }
    // A hostile entry (a null name with a length) must stop the listing, not crash.
    let bad = wasibox_dirent { next: 99, ino: 1, filetype: 4, name: null(), name_len: 5 };
    // SAFETY: as above.
    let _ = unsafe { sink(data, &bad) };
    // SAFETY: a null entry too.
    let _ = unsafe { sink(data, null()) };
    0
}

fn table(user: &RefCell<World>) -> wasibox_platform {
    wasibox_platform {
        user: user as *const RefCell<World> as *mut c_void,
        release: Some(cb_release),
        open_stdio: Some(cb_open_stdio),
        open_preopen: Some(cb_open_preopen),
        filetype: Some(cb_filetype),
        fdflags: None,
        set_fdflags: None,
        close: Some(cb_close),
        read: Some(cb_read),
        pread: None,
        write: Some(cb_write),
        pwrite: None,
        seek: None,
        sync: None,
        datasync: None,
        advise: None,
        allocate: None,
        filestat: None,
        set_size: None,
        set_times: None,
        readdir: Some(cb_readdir),
        open_at: None,
        stat_at: None,
        readlink_at: None,
        mkdir_at: None,
        rmdir_at: None,
        unlink_at: None,
        rename_at: None,
        link_at: None,
        symlink_at: None,
        set_times_at: None,
        clock_res: None,
        clock_time: Some(cb_clock_time),
        random: Some(cb_random),
        sched_yield: None,
        poll: None,
        sock_accept: None,
        sock_recv: None,
        sock_send: None,
        sock_shutdown: None,
    }
}

fn custom_ctx(w: &RefCell<World>, t: &wasibox_platform, preopen: &[u8]) -> Result<*mut wasibox_ctx, i32> {
    let cfg = wasibox_config_new();
    let mut ctx = null_mut();
    // SAFETY: live config, readable strings, a table whose `user` outlives the context.
    let r = unsafe {
        assert_eq!(
            wasibox_config_preopen(cfg, b"/".as_ptr().cast(), 1, preopen.as_ptr().cast(), preopen.len(), 0),
            0
        );
        let r = wasibox_ctx_new_custom(cfg, t, &mut ctx);
        wasibox_config_free(cfg);
        r
    };
    let _ = w;
    if r == WASIBOX_OK {
        Ok(ctx)
    } else {
        Err(r)
    }
}

#[test]
fn a_platform_of_c_callbacks_serves_the_guest() {
    let w = RefCell::new(World::default());
    let ctx = custom_ctx(&w, &table(&w), b"/root").unwrap_or_else(|r| panic!("{r}: {}", last_error()));
    let mut g = Guest::new();

    // fd_write reaches the `write` callback with the guest's bytes.
    assert_eq!(g.write(ctx, 1, b"through C"), (ESUCCESS, 9));
    assert_eq!(w.borrow().stdout, b"through C");
    // The platform's errno reaches the guest.
    assert_eq!(g.write(ctx, 2, b"x").0, EBADF);
    // Clocks and randomness come from the callbacks.
    assert_eq!(g.call(ctx, "clock_time_get", &[1, 0, 800]).0, ESUCCESS);
    let t1 = g.u64_at(800);
    assert_eq!(g.call(ctx, "clock_time_get", &[1, 0, 800]).0, ESUCCESS);
    assert_eq!(g.u64_at(800), t1 + 1000);
    assert_eq!(g.call(ctx, "clock_time_get", &[2, 0, 800]).0, 58);
    assert_eq!(g.call(ctx, "random_get", &[900, 8]).0, ESUCCESS);
    assert_eq!(g.mem[900..908], [0xAB; 8]);
    // NULL optional callbacks: ENOSYS where the core has no default.
    assert_eq!(g.call(ctx, "clock_res_get", &[1, 800]).0, ENOSYS);
    assert_eq!(g.call(ctx, "fd_sync", &[1]).0, ENOSYS);
    assert_eq!(g.call(ctx, "sched_yield", &[]).0, ESUCCESS, "sched_yield defaults to success");
    // The preopen came from `open_preopen`, listed through `readdir` and the sink; the
    // hostile entries after the real ones were dropped.
    assert_eq!(g.call(ctx, "fd_prestat_dir_name", &[3, 100, 1]).0, ESUCCESS);
    assert_eq!(g.mem[100], b'/');
    assert_eq!(g.call(ctx, "fd_readdir", &[3, 4096, 1024, 0, 700]).0, ESUCCESS);
    let used = g.u32_at(700) as usize;
    assert_eq!(used, 3 * 24 + 1 + 2 + 8, "three entries: ., .., only.txt");
    assert_eq!(&g.mem[4096 + used - 8..4096 + used], b"only.txt");
    // A host that claims to have read more than it was given room for: EIO, not a crash.
    w.borrow_mut().lie_about_reads = true;
    g.iovec(512, 2048, 16);
    assert_eq!(g.call(ctx, "fd_read", &[0, 512, 1, 600]).0, EIO);
    w.borrow_mut().lie_about_reads = false;
    assert_eq!(g.call(ctx, "fd_read", &[0, 512, 1, 600]).0, ESUCCESS);
    assert_eq!(g.u32_at(600), 16);
    assert_eq!(g.mem[2048..2064], [b'r'; 16]);
    // A callback that re-enters the API with the same context is told it is busy.
    w.borrow_mut().ctx = Some(ctx);
    assert_eq!(g.write(ctx, 1, b"!").0, ESUCCESS);
    assert_eq!(w.borrow_mut().reentrant.take(), Some(WASIBOX_ERR_BUSY));
    w.borrow_mut().ctx = None;
    // fd_close closes through the callback; freeing closes the rest, then releases.
    assert_eq!(g.call(ctx, "fd_close", &[1]).0, ESUCCESS);
    assert_eq!(w.borrow().closed, [101]);
    assert!(!w.borrow().released);
    // SAFETY: freed once; `w` outlives it.
    unsafe { wasibox_ctx_free(ctx) };
    let mut closed = w.borrow().closed.clone();
    closed.sort_unstable();
    assert_eq!(closed, [100, 101, 102, 200]);
    assert!(w.borrow().released);
}

#[test]
fn a_c_platform_that_cannot_start_is_released() {
    // A required callback missing.
    let w = RefCell::new(World::default());
    let mut t = table(&w);
    t.random = None;
    assert_eq!(custom_ctx(&w, &t, b"/root").err(), Some(WASIBOX_ERR_INVALID));
    assert!(w.borrow().released);

    // A preopen the platform refuses: what was opened is closed, the table released.
    let w = RefCell::new(World::default());
    assert_eq!(custom_ctx(&w, &table(&w), b"/elsewhere").err(), Some(WASIBOX_ERR_IO));
    assert!(last_error().contains("errno 44"), "{}", last_error());
    let mut closed = w.borrow().closed.clone();
    closed.sort_unstable();
    assert_eq!(closed, [100, 101, 102]);
    assert!(w.borrow().released);

    // Preopens without `open_preopen`.
    let w = RefCell::new(World::default());
    let mut t = table(&w);
    t.open_preopen = None;
    assert_eq!(custom_ctx(&w, &t, b"/root").err(), Some(WASIBOX_ERR_UNSUPPORTED));
    assert!(w.borrow().released);

    // A null table.
    let mut ctx = null_mut();
    let cfg = wasibox_config_new();
    // SAFETY: live config, null table, writable out.
    unsafe {
        assert_eq!(wasibox_ctx_new_custom(cfg, null(), &mut ctx), WASIBOX_ERR_NULL);
        wasibox_config_free(cfg);
    }
}
