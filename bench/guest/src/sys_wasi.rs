//! The wasm side: raw `wasi_snapshot_preview1` imports, one call per guest operation
//! (opening a file costs `fd_fdstat_get` on the directory and `path_open`, as in
//! wasi-libc's `openat`).

use std::time::Instant;

pub type Fd = u32;
pub const STDOUT: Fd = 1;

#[repr(C)]
struct Ciovec {
    buf: *const u8,
    len: usize,
}

#[repr(C)]
struct Iovec {
    buf: *mut u8,
    len: usize,
}

#[repr(C, align(8))]
struct Filestat([u64; 8]);

#[repr(C, align(8))]
struct Fdstat {
    filetype: u8,
    flags: u16,
    base: u64,
    inheriting: u64,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn args_sizes_get(argc: *mut u32, argv_buf_size: *mut u32) -> i32;
    fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> i32;
    fn fd_write(fd: u32, iovs: *const Ciovec, iovs_len: u32, nwritten: *mut u32) -> i32;
    fn fd_read(fd: u32, iovs: *const Iovec, iovs_len: u32, nread: *mut u32) -> i32;
    fn fd_pwrite(fd: u32, iovs: *const Ciovec, iovs_len: u32, offset: u64, nwritten: *mut u32) -> i32;
    fn fd_seek(fd: u32, offset: i64, whence: u32, newoffset: *mut u64) -> i32;
    fn fd_filestat_get(fd: u32, buf: *mut Filestat) -> i32;
    fn fd_fdstat_get(fd: u32, buf: *mut Fdstat) -> i32;
    fn path_filestat_get(fd: u32, flags: u32, path: *const u8, path_len: usize, buf: *mut Filestat) -> i32;
    fn path_open(
        fd: u32,
        dirflags: u32,
        path: *const u8,
        path_len: usize,
        oflags: u32,
        base: u64,
        inheriting: u64,
        fdflags: u32,
        opened: *mut u32,
    ) -> i32;
    fn fd_close(fd: u32) -> i32;
    fn fd_readdir(fd: u32, buf: *mut u8, buf_len: usize, cookie: u64, bufused: *mut u32) -> i32;
    fn random_get(buf: *mut u8, len: usize) -> i32;
    fn poll_oneoff(subs: *const u8, events: *mut u8, n: u32, nevents: *mut u32) -> i32;
}

const ERRNO_BADF: i32 = 8;
const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const CLOCK_MONOTONIC: u32 = 1;
const RIGHT_FD_DATASYNC: u64 = 1 << 0;
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;
const RIGHT_FD_ALLOCATE: u64 = 1 << 8;
const RIGHT_FD_READDIR: u64 = 1 << 14;
const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;

fn ok(e: i32, what: &str) {
    if e != 0 {
        super::die(&format!("{what}: errno {e}"));
    }
}

/// The first preopen.
pub fn work_dir(_native: Option<&str>) -> Fd {
    3
}

#[inline(always)]
pub fn args_sizes() -> (u32, u32) {
    let (mut a, mut b) = (0, 0);
    unsafe { ok(args_sizes_get(&mut a, &mut b), "args_sizes_get") };
    (a, b)
}

#[inline(always)]
pub fn clock_now() -> u64 {
    let mut t = 0;
    unsafe { ok(clock_time_get(CLOCK_MONOTONIC, 1, &mut t), "clock_time_get") };
    t
}

#[inline(always)]
pub fn write(fd: Fd, data: &[u8]) -> usize {
    let iov = Ciovec { buf: data.as_ptr(), len: data.len() };
    let mut n = 0;
    unsafe { ok(fd_write(fd, &iov, 1, &mut n), "fd_write") };
    n as usize
}

#[inline(always)]
pub fn pwrite(fd: Fd, data: &[u8], offset: u64) -> usize {
    let iov = Ciovec { buf: data.as_ptr(), len: data.len() };
    let mut n = 0;
    unsafe { ok(fd_pwrite(fd, &iov, 1, offset, &mut n), "fd_pwrite") };
    n as usize
}

#[inline(always)]
pub fn read(fd: Fd, buf: &mut [u8]) -> usize {
    let iov = Iovec { buf: buf.as_mut_ptr(), len: buf.len() };
    let mut n = 0;
    unsafe { ok(fd_read(fd, &iov, 1, &mut n), "fd_read") };
    n as usize
}

#[inline(always)]
pub fn seek_set(fd: Fd, offset: u64) -> u64 {
    let mut pos = 0;
    unsafe { ok(fd_seek(fd, offset as i64, 0, &mut pos), "fd_seek") };
    pos
}

#[inline(always)]
pub fn fstat_size(fd: Fd) -> u64 {
    let mut st = Filestat([0; 8]);
    unsafe { ok(fd_filestat_get(fd, &mut st), "fd_filestat_get") };
    st.0[4]
}

/// A path as the calls take it (pointer and length).
pub type Path = &'static str;

pub fn path(s: &'static str) -> Path {
    s
}

#[inline(always)]
pub fn stat_size(dir: Fd, path: &Path) -> u64 {
    let mut st = Filestat([0; 8]);
    unsafe {
        ok(
            path_filestat_get(dir, LOOKUP_SYMLINK_FOLLOW, path.as_ptr(), path.len(), &mut st),
            "path_filestat_get",
        )
    };
    st.0[4]
}

/// wasi-libc's `openat`: ask the directory its inheriting rights, then `path_open`.
#[inline(always)]
fn open_with(dir: Fd, path: &Path, oflags: u32, write: bool) -> Fd {
    let mut st = Fdstat { filetype: 0, flags: 0, base: 0, inheriting: 0 };
    unsafe { ok(fd_fdstat_get(dir, &mut st), "fd_fdstat_get") };
    let mut max = !(RIGHT_FD_DATASYNC
        | RIGHT_FD_READ
        | RIGHT_FD_WRITE
        | RIGHT_FD_ALLOCATE
        | RIGHT_FD_READDIR
        | RIGHT_FD_FILESTAT_SET_SIZE);
    max |= if write {
        RIGHT_FD_DATASYNC | RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE
    } else {
        RIGHT_FD_READ | RIGHT_FD_READDIR
    };
    let mut fd = 0;
    let e = unsafe {
        path_open(
            dir,
            LOOKUP_SYMLINK_FOLLOW,
            path.as_ptr(),
            path.len(),
            oflags,
            max & st.inheriting,
            st.inheriting,
            0,
            &mut fd,
        )
    };
    ok(e, "path_open");
    fd
}

#[inline(always)]
pub fn open(dir: Fd, path: &Path, write: bool) -> Fd {
    open_with(dir, path, if write { OFLAGS_CREAT } else { 0 }, write)
}

#[inline(always)]
pub fn close(fd: Fd) {
    unsafe { ok(fd_close(fd), "fd_close") };
}

#[inline(always)]
pub fn close_bad() -> bool {
    unsafe { fd_close(999_999) == ERRNO_BADF }
}

#[inline(always)]
pub fn random(buf: &mut [u8]) {
    unsafe { ok(random_get(buf.as_mut_ptr(), buf.len()), "random_get") };
}

#[repr(C, align(8))]
struct Sub([u8; 48]);
#[repr(C, align(8))]
struct Event([u8; 32]);

/// One relative clock subscription with a zero timeout (wasi-libc's `poll(NULL, 0, 0)`).
#[inline(always)]
pub fn poll_zero() {
    let mut sub = Sub([0; 48]);
    sub.0[8] = 0; // eventtype clock
    sub.0[16..20].copy_from_slice(&CLOCK_MONOTONIC.to_le_bytes());
    let mut ev = Event([0; 32]);
    let mut n = 0;
    unsafe { ok(poll_oneoff(sub.0.as_ptr(), ev.0.as_mut_ptr(), 1, &mut n), "poll_oneoff") };
    std::hint::black_box(&ev);
}

/// Open `path` below `dir`, list it whole with `fd_readdir` (resuming at the last
/// complete entry's cookie), close it. Returns the entries seen and whether the listing
/// finished before `deadline`.
pub fn list_dir(dir: Fd, path: &Path, buf: &mut [u8], deadline: Instant) -> (u64, bool) {
    let d = open_with(dir, path, OFLAGS_DIRECTORY, false);
    let mut cookie = 0u64;
    let mut entries = 0u64;
    let mut done = true;
    loop {
        let mut used = 0u32;
        unsafe { ok(fd_readdir(d, buf.as_mut_ptr(), buf.len(), cookie, &mut used), "fd_readdir") };
        let used = used as usize;
        let mut off = 0;
        while off + 24 <= used {
            let next = u64::from_le_bytes(buf[off..off + 8].try_into().unwrap());
            let namlen = u32::from_le_bytes(buf[off + 16..off + 20].try_into().unwrap()) as usize;
            if off + 24 + namlen > used {
                break;
            }
            std::hint::black_box(buf[off + 24]);
            entries += 1;
            cookie = next;
            off += 24 + namlen;
        }
        if used < buf.len() {
            break;
        }
        if Instant::now() > deadline {
            done = false;
            break;
        }
    }
    close(d);
    (entries, done)
}
