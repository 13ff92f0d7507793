//! Shared code for the wasibox conformance guests: the raw preview1 imports
//! (`sys`), thin wrappers returning `Result<_, errno>`, and a tiny checker that
//! prints one line per check on stdout and every mismatch on stderr.

pub mod sys;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
pub use sys::*;

static FAILED: AtomicBool = AtomicBool::new(false);

/// Print a line on stdout (flushed at once so it interleaves with raw fd_writes).
pub fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn mismatch(label: &str, expected: &str, got: &str) {
    FAILED.store(true, Ordering::SeqCst);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "MISMATCH {label}: expected {expected}, got {got}");
}

/// Check an errno: prints `label: ok` or `label: ENOENT`.
pub fn ck(label: &str, got: i32, expected: i32) {
    say(&format!("{label}: {}", errno_name(got)));
    if got != expected {
        mismatch(label, &errno_name(expected), &errno_name(got));
    }
}

/// Check that an errno is one of several (prints the first expected one when it matches,
/// so that the output is the same whichever of them a backend gives).
pub fn ck_any(label: &str, got: i32, expected: &[i32]) {
    if expected.contains(&got) {
        say(&format!("{label}: {}", errno_name(expected[0])));
    } else {
        say(&format!("{label}: {}", errno_name(got)));
        let names: Vec<String> = expected.iter().map(|e| errno_name(*e)).collect();
        mismatch(label, &names.join("|"), &errno_name(got));
    }
}

/// Check a `Result`'s errno (Ok counts as 0).
pub fn ckr<T>(label: &str, got: &Result<T, i32>, expected: i32) {
    ck(label, err_of(got), expected);
}

pub fn err_of<T>(r: &Result<T, i32>) -> i32 {
    match r {
        Ok(_) => 0,
        Err(e) => *e,
    }
}

/// Check a value: prints `label = value`.
pub fn ckv<T: std::fmt::Debug + PartialEq>(label: &str, got: T, expected: T) {
    say(&format!("{label} = {got:?}"));
    if got != expected {
        mismatch(label, &format!("{expected:?}"), &format!("{got:?}"));
    }
}

/// Check a boolean property: prints `label: true`.
pub fn ckb(label: &str, got: bool) {
    ckv(label, got, true);
}

/// Unwrap a setup step; a failing setup is a mismatch and ends the case.
pub fn must<T>(label: &str, r: Result<T, i32>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            mismatch(label, "ok", &errno_name(e));
            finish();
        }
    }
}

pub fn failed() -> bool {
    FAILED.load(Ordering::SeqCst)
}

/// Exit 0 if every check matched, 1 otherwise.
pub fn finish() -> ! {
    let _ = std::io::stdout().flush();
    std::process::exit(if failed() { 1 } else { 0 })
}

// ---- pointers --------------------------------------------------------------------------------

pub fn ptr<T: ?Sized>(x: &T) -> u32 {
    x as *const T as *const u8 as usize as u32
}
pub fn mptr<T: ?Sized>(x: &mut T) -> u32 {
    x as *mut T as *mut u8 as usize as u32
}

/// Size of linear memory 0 in bytes.
pub fn mem_size() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

#[repr(C, align(8))]
pub struct Aligned<const N: usize>(pub [u8; N]);
impl<const N: usize> Aligned<N> {
    pub fn new() -> Self {
        Aligned([0; N])
    }
    pub fn p(&mut self) -> u32 {
        mptr(&mut self.0)
    }
    pub fn u8(&self, off: usize) -> u8 {
        self.0[off]
    }
    pub fn u16(&self, off: usize) -> u16 {
        u16::from_le_bytes(self.0[off..off + 2].try_into().unwrap())
    }
    pub fn u32(&self, off: usize) -> u32 {
        u32::from_le_bytes(self.0[off..off + 4].try_into().unwrap())
    }
    pub fn u64(&self, off: usize) -> u64 {
        u64::from_le_bytes(self.0[off..off + 8].try_into().unwrap())
    }
    pub fn set_u8(&mut self, off: usize, v: u8) {
        self.0[off] = v;
    }
    pub fn set_u16(&mut self, off: usize, v: u16) {
        self.0[off..off + 2].copy_from_slice(&v.to_le_bytes());
    }
    pub fn set_u32(&mut self, off: usize, v: u32) {
        self.0[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }
    pub fn set_u64(&mut self, off: usize, v: u64) {
        self.0[off..off + 8].copy_from_slice(&v.to_le_bytes());
    }
}

fn res(e: i32) -> Result<(), i32> {
    if e == 0 {
        Ok(())
    } else {
        Err(e)
    }
}

// ---- wrappers --------------------------------------------------------------------------------

pub fn path_open(
    dir: u32,
    lookup: u32,
    path: &str,
    oflags: u32,
    base: u64,
    inh: u64,
    fdflags: u32,
) -> Result<u32, i32> {
    path_open_b(dir, lookup, path.as_bytes(), oflags, base, inh, fdflags)
}

pub fn path_open_b(
    dir: u32,
    lookup: u32,
    path: &[u8],
    oflags: u32,
    base: u64,
    inh: u64,
    fdflags: u32,
) -> Result<u32, i32> {
    let mut fd: u32 = 0xdead;
    let e = unsafe {
        sys::path_open(dir, lookup, ptr(path), path.len() as u32, oflags, base, inh, fdflags, mptr(&mut fd))
    };
    res(e).map(|_| fd)
}

/// `rights` limited to what `dir` can hand out (its inheriting rights), as wasi-libc
/// does: runtimes that enforce rights refuse a request beyond them.
pub fn masked(dir: u32, rights: u64) -> u64 {
    match fdstat(dir) {
        Ok(st) => rights & st.inheriting,
        Err(_) => rights,
    }
}

/// Open for reading (following symlinks).
pub fn open_ro(dir: u32, path: &str) -> Result<u32, i32> {
    path_open(dir, LOOKUP_SYMLINK_FOLLOW, path, 0, masked(dir, RIGHTS_RO), masked(dir, RIGHTS_ALL), 0)
}
/// Open for reading and writing (following symlinks).
pub fn open_rw(dir: u32, path: &str) -> Result<u32, i32> {
    path_open(dir, LOOKUP_SYMLINK_FOLLOW, path, 0, masked(dir, RIGHTS_ALL), masked(dir, RIGHTS_ALL), 0)
}
/// Open for writing only (following symlinks).
pub fn open_wo(dir: u32, path: &str) -> Result<u32, i32> {
    path_open(dir, LOOKUP_SYMLINK_FOLLOW, path, 0, masked(dir, RIGHTS_WO), masked(dir, RIGHTS_ALL), 0)
}
/// Open a directory.
pub fn open_dir(dir: u32, path: &str) -> Result<u32, i32> {
    path_open(dir, LOOKUP_SYMLINK_FOLLOW, path, OFLAGS_DIRECTORY, masked(dir, RIGHTS_RO), masked(dir, RIGHTS_ALL), 0)
}
/// Create (or truncate) a file for reading and writing.
pub fn create(dir: u32, path: &str) -> Result<u32, i32> {
    path_open(dir, LOOKUP_SYMLINK_FOLLOW, path, OFLAGS_CREAT | OFLAGS_TRUNC, masked(dir, RIGHTS_ALL), masked(dir, RIGHTS_ALL), 0)
}

pub fn close(fd: u32) -> Result<(), i32> {
    res(unsafe { sys::fd_close(fd) })
}

pub fn write(fd: u32, data: &[u8]) -> Result<usize, i32> {
    let iov = [ptr(data), data.len() as u32];
    let mut n: u32 = 0;
    res(unsafe { sys::fd_write(fd, ptr(&iov), 1, mptr(&mut n)) }).map(|_| n as usize)
}

pub fn write_all(fd: u32, mut data: &[u8]) -> Result<(), i32> {
    while !data.is_empty() {
        let n = write(fd, data)?;
        if n == 0 {
            return Err(EIO);
        }
        data = &data[n..];
    }
    Ok(())
}

pub fn read(fd: u32, len: usize) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; len];
    let iov = [mptr(&mut buf[..]), len as u32];
    let mut n: u32 = 0;
    res(unsafe { sys::fd_read(fd, ptr(&iov), 1, mptr(&mut n)) })?;
    buf.truncate(n as usize);
    Ok(buf)
}

pub fn read_to_end(fd: u32) -> Result<Vec<u8>, i32> {
    let mut out = Vec::new();
    loop {
        let chunk = read(fd, 4096)?;
        if chunk.is_empty() {
            return Ok(out);
        }
        out.extend_from_slice(&chunk);
    }
}

pub fn pread(fd: u32, len: usize, off: u64) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; len];
    let iov = [mptr(&mut buf[..]), len as u32];
    let mut n: u32 = 0;
    res(unsafe { sys::fd_pread(fd, ptr(&iov), 1, off, mptr(&mut n)) })?;
    buf.truncate(n as usize);
    Ok(buf)
}

pub fn pwrite(fd: u32, data: &[u8], off: u64) -> Result<usize, i32> {
    let iov = [ptr(data), data.len() as u32];
    let mut n: u32 = 0;
    res(unsafe { sys::fd_pwrite(fd, ptr(&iov), 1, off, mptr(&mut n)) }).map(|_| n as usize)
}

pub fn seek(fd: u32, off: i64, whence: u32) -> Result<u64, i32> {
    let mut n: u64 = 0;
    res(unsafe { sys::fd_seek(fd, off, whence, mptr(&mut n)) }).map(|_| n)
}

pub fn tell(fd: u32) -> Result<u64, i32> {
    let mut n: u64 = 0;
    res(unsafe { sys::fd_tell(fd, mptr(&mut n)) }).map(|_| n)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fdstat {
    pub filetype: u8,
    pub flags: u16,
    pub base: u64,
    pub inheriting: u64,
}

pub fn fdstat(fd: u32) -> Result<Fdstat, i32> {
    let mut b = Aligned::<24>::new();
    res(unsafe { sys::fd_fdstat_get(fd, b.p()) })?;
    Ok(Fdstat { filetype: b.u8(0), flags: b.u16(2), base: b.u64(8), inheriting: b.u64(16) })
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

fn decode_filestat(b: &Aligned<64>) -> Filestat {
    Filestat {
        dev: b.u64(0),
        ino: b.u64(8),
        filetype: b.u8(16),
        nlink: b.u64(24),
        size: b.u64(32),
        atim: b.u64(40),
        mtim: b.u64(48),
        ctim: b.u64(56),
    }
}

pub fn filestat(fd: u32) -> Result<Filestat, i32> {
    let mut b = Aligned::<64>::new();
    res(unsafe { sys::fd_filestat_get(fd, b.p()) })?;
    Ok(decode_filestat(&b))
}

pub fn path_filestat(dir: u32, flags: u32, path: &str) -> Result<Filestat, i32> {
    let mut b = Aligned::<64>::new();
    res(unsafe { sys::path_filestat_get(dir, flags, ptr(path.as_bytes()), path.len() as u32, b.p()) })?;
    Ok(decode_filestat(&b))
}

/// Stat following symlinks.
pub fn stat(dir: u32, path: &str) -> Result<Filestat, i32> {
    path_filestat(dir, LOOKUP_SYMLINK_FOLLOW, path)
}
/// Stat without following a final symlink.
pub fn lstat(dir: u32, path: &str) -> Result<Filestat, i32> {
    path_filestat(dir, 0, path)
}

pub fn mkdir(dir: u32, path: &str) -> Result<(), i32> {
    res(unsafe { sys::path_create_directory(dir, ptr(path.as_bytes()), path.len() as u32) })
}
pub fn rmdir(dir: u32, path: &str) -> Result<(), i32> {
    res(unsafe { sys::path_remove_directory(dir, ptr(path.as_bytes()), path.len() as u32) })
}
pub fn unlink(dir: u32, path: &str) -> Result<(), i32> {
    res(unsafe { sys::path_unlink_file(dir, ptr(path.as_bytes()), path.len() as u32) })
}
pub fn rename(d1: u32, p1: &str, d2: u32, p2: &str) -> Result<(), i32> {
    res(unsafe {
        sys::path_rename(d1, ptr(p1.as_bytes()), p1.len() as u32, d2, ptr(p2.as_bytes()), p2.len() as u32)
    })
}
pub fn link(d1: u32, flags: u32, p1: &str, d2: u32, p2: &str) -> Result<(), i32> {
    res(unsafe {
        sys::path_link(d1, flags, ptr(p1.as_bytes()), p1.len() as u32, d2, ptr(p2.as_bytes()), p2.len() as u32)
    })
}
pub fn symlink(target: &str, dir: u32, path: &str) -> Result<(), i32> {
    res(unsafe {
        sys::path_symlink(ptr(target.as_bytes()), target.len() as u32, dir, ptr(path.as_bytes()), path.len() as u32)
    })
}
/// Readlink into a buffer of `buf_len` bytes; returns the bytes the call reported as used.
pub fn readlink(dir: u32, path: &str, buf_len: usize) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; buf_len + 1];
    let mut used: u32 = 0xdead;
    res(unsafe {
        sys::path_readlink(dir, ptr(path.as_bytes()), path.len() as u32, mptr(&mut buf[..]), buf_len as u32, mptr(&mut used))
    })?;
    buf.truncate(used as usize);
    Ok(buf)
}

pub fn set_times(fd: u32, atim: u64, mtim: u64, flags: u32) -> Result<(), i32> {
    res(unsafe { sys::fd_filestat_set_times(fd, atim, mtim, flags) })
}
pub fn path_set_times(dir: u32, lookup: u32, path: &str, atim: u64, mtim: u64, flags: u32) -> Result<(), i32> {
    res(unsafe {
        sys::path_filestat_set_times(dir, lookup, ptr(path.as_bytes()), path.len() as u32, atim, mtim, flags)
    })
}
pub fn set_size(fd: u32, size: u64) -> Result<(), i32> {
    res(unsafe { sys::fd_filestat_set_size(fd, size) })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dirent {
    pub next: u64,
    pub ino: u64,
    pub namlen: u32,
    pub typ: u8,
    pub name: Vec<u8>,
}

impl Dirent {
    pub fn name_str(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

/// One raw fd_readdir call: the buffer and how much of it was used.
pub fn readdir_raw(fd: u32, buf_len: usize, cookie: u64) -> Result<(Vec<u8>, usize), i32> {
    let mut buf = vec![0u8; buf_len + 8];
    let mut used: u32 = 0xdead_beef;
    res(unsafe { sys::fd_readdir(fd, mptr(&mut buf[..]), buf_len as u32, cookie, mptr(&mut used)) })?;
    Ok((buf, used as usize))
}

/// Decode the entries in `buf[..used]`; the last one may be cut short (its name
/// truncated, or only part of its header present: then it is not returned).
pub fn parse_dirents(buf: &[u8], used: usize) -> Vec<Dirent> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + 24 <= used {
        let h = &buf[off..off + 24];
        let next = u64::from_le_bytes(h[0..8].try_into().unwrap());
        let ino = u64::from_le_bytes(h[8..16].try_into().unwrap());
        let namlen = u32::from_le_bytes(h[16..20].try_into().unwrap());
        let typ = h[20];
        let end = (off + 24 + namlen as usize).min(used);
        out.push(Dirent { next, ino, namlen, typ, name: buf[off + 24..end].to_vec() });
        off += 24 + namlen as usize;
    }
    out
}

/// All entries of a directory, read with a buffer of `buf_len` bytes per call,
/// re-reading from the last complete entry's cookie when an entry was cut short.
pub fn readdir_all_with(fd: u32, buf_len: usize) -> Result<Vec<Dirent>, i32> {
    let mut out = Vec::new();
    let mut cookie = 0u64;
    for _ in 0..10_000 {
        let (buf, used) = readdir_raw(fd, buf_len, cookie)?;
        let ents = parse_dirents(&buf, used);
        let mut progressed = false;
        for e in ents {
            if e.name.len() == e.namlen as usize {
                cookie = e.next;
                out.push(e);
                progressed = true;
            }
        }
        if used < buf_len {
            return Ok(out);
        }
        if !progressed {
            return Err(ENOBUFS_GUEST);
        }
    }
    Err(ENOBUFS_GUEST)
}

/// Not a real errno: the guest's own "buffer too small to make progress".
pub const ENOBUFS_GUEST: i32 = 42;

pub fn readdir_all(fd: u32) -> Result<Vec<Dirent>, i32> {
    readdir_all_with(fd, 4096)
}

/// Sorted `name:type` list of a directory's entries (including `.` and `..`).
pub fn listing(fd: u32) -> Result<Vec<String>, i32> {
    let mut v: Vec<String> =
        readdir_all(fd)?.iter().map(|e| format!("{}:{}", e.name_str(), filetype_name(e.typ))).collect();
    v.sort();
    Ok(v)
}

/// Sorted names in a directory given by path (without `.` and `..`).
pub fn names(dir: u32, path: &str) -> Result<Vec<String>, i32> {
    let fd = open_dir(dir, path)?;
    let r = readdir_all(fd);
    let _ = close(fd);
    let mut v: Vec<String> = r?
        .iter()
        .map(|e| e.name_str())
        .filter(|n| n != "." && n != "..")
        .collect();
    v.sort();
    Ok(v)
}

/// Create a file with the given contents.
pub fn put(dir: u32, path: &str, data: &[u8]) -> Result<(), i32> {
    let fd = create(dir, path)?;
    let r = write_all(fd, data);
    close(fd)?;
    r
}

/// Whole contents of a file.
pub fn get(dir: u32, path: &str) -> Result<Vec<u8>, i32> {
    let fd = open_ro(dir, path)?;
    let r = read_to_end(fd);
    close(fd)?;
    r
}

pub fn get_s(dir: u32, path: &str) -> Result<String, i32> {
    get(dir, path).map(|v| String::from_utf8_lossy(&v).into_owned())
}

pub fn clock(id: u32) -> Result<u64, i32> {
    let mut t: u64 = 0;
    res(unsafe { sys::clock_time_get(id, 1, mptr(&mut t)) }).map(|_| t)
}

pub fn prestat_name(fd: u32) -> Result<String, i32> {
    let mut b = Aligned::<8>::new();
    res(unsafe { sys::fd_prestat_get(fd, b.p()) })?;
    let len = b.u32(4) as usize;
    let mut name = vec![0u8; len];
    res(unsafe { sys::fd_prestat_dir_name(fd, mptr(&mut name[..]), len as u32) })?;
    Ok(String::from_utf8_lossy(&name).into_owned())
}

/// `symlink(2)` through wasi-libc (std's `std::os::wasi::fs::symlink_path` is unstable).
pub fn std_symlink(target: &str, path: &str) -> std::io::Result<()> {
    extern "C" {
        fn symlink(target: *const core::ffi::c_char, path: *const core::ffi::c_char) -> core::ffi::c_int;
    }
    let t = std::ffi::CString::new(target).unwrap();
    let p = std::ffi::CString::new(path).unwrap();
    if unsafe { symlink(t.as_ptr(), p.as_ptr()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}
