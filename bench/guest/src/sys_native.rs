//! The native side: the libc call a C program makes for each operation.

use std::ffi::CString;
use std::time::Instant;

pub type Fd = libc::c_int;
pub const STDOUT: Fd = 1;

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn ok(r: libc::c_long, what: &str) -> libc::c_long {
    if r < 0 {
        super::die(&format!("{what}: {}", std::io::Error::last_os_error()));
    }
    r
}

/// `open(--dir, O_DIRECTORY)`.
pub fn work_dir(native: Option<&str>) -> Fd {
    let p = cstr(native.unwrap_or_else(|| super::die("natively, --dir is required")));
    ok(unsafe { libc::open(p.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) } as _, "open")
        as Fd
}

static ARGC: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(7);

/// Natively the argument count is a value the program already holds.
#[inline(always)]
pub fn args_sizes() -> (u32, u32) {
    (ARGC.load(std::sync::atomic::Ordering::Relaxed), 0)
}

#[inline(always)]
pub fn clock_now() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[inline(always)]
pub fn write(fd: Fd, data: &[u8]) -> usize {
    ok(unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) } as _, "write") as usize
}

#[inline(always)]
pub fn pwrite(fd: Fd, data: &[u8], offset: u64) -> usize {
    ok(unsafe { libc::pwrite(fd, data.as_ptr().cast(), data.len(), offset as i64) } as _, "pwrite") as usize
}

#[inline(always)]
pub fn read(fd: Fd, buf: &mut [u8]) -> usize {
    ok(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) } as _, "read") as usize
}

#[inline(always)]
pub fn seek_set(fd: Fd, offset: u64) -> u64 {
    ok(unsafe { libc::lseek(fd, offset as i64, libc::SEEK_SET) } as _, "lseek") as u64
}

#[inline(always)]
pub fn fstat_size(fd: Fd) -> u64 {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    ok(unsafe { libc::fstat(fd, &mut st) } as _, "fstat");
    st.st_size as u64
}

/// A path as the calls take it: a NUL-terminated string, made once before timing.
pub type Path = CString;

pub fn path(s: &str) -> Path {
    cstr(s)
}

#[inline(always)]
pub fn stat_size(dir: Fd, path: &Path) -> u64 {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    ok(unsafe { libc::fstatat(dir, path.as_ptr(), &mut st, 0) } as _, "fstatat");
    st.st_size as u64
}

#[inline(always)]
fn open_with(dir: Fd, path: &Path, flags: libc::c_int) -> Fd {
    ok(unsafe { libc::openat(dir, path.as_ptr(), flags | libc::O_CLOEXEC, 0o666) } as _, "openat") as Fd
}

#[inline(always)]
pub fn open(dir: Fd, path: &Path, write: bool) -> Fd {
    open_with(dir, path, if write { libc::O_WRONLY | libc::O_CREAT } else { libc::O_RDONLY })
}

#[inline(always)]
pub fn close(fd: Fd) {
    ok(unsafe { libc::close(fd) } as _, "close");
}

#[inline(always)]
pub fn close_bad() -> bool {
    unsafe { libc::close(999_999) == -1 && *libc::__errno_location() == libc::EBADF }
}

#[inline(always)]
pub fn random(buf: &mut [u8]) {
    ok(unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) } as _, "getrandom");
}

/// `poll(NULL, 0, 0)`.
#[inline(always)]
pub fn poll_zero() {
    ok(unsafe { libc::poll(std::ptr::null_mut(), 0, 0) } as _, "poll");
}

/// `opendir` (through `openat` + `fdopendir`), `readdir` to the end, `closedir`.
pub fn list_dir(dir: Fd, path: &Path, _buf: &mut [u8], deadline: Instant) -> (u64, bool) {
    let fd = open_with(dir, path, libc::O_RDONLY | libc::O_DIRECTORY);
    let d = unsafe { libc::fdopendir(fd) };
    if d.is_null() {
        super::die("fdopendir failed");
    }
    let mut entries = 0u64;
    let mut done = true;
    loop {
        let e = unsafe { libc::readdir64(d) };
        if e.is_null() {
            break;
        }
        std::hint::black_box(unsafe { (*e).d_name[0] });
        entries += 1;
        if entries % 1024 == 0 && Instant::now() > deadline {
            done = false;
            break;
        }
    }
    unsafe { libc::closedir(d) };
    (entries, done)
}
