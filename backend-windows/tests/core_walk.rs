//! The core's sandboxed walk on top of this backend: guest paths of several components,
//! resolved one component at a time, with the Windows name rules applied to every
//! component (not only the last).
#![cfg(windows)]

mod common;
use common::*;
use wasibox_core::abi::{Errno, Version};
use wasibox_core::{call, Func, WasiBuilder, WasiCtx};
use wasibox_windows::{WindowsHandle, WindowsPlatform};

const PATH: u32 = 1024;
const OUT: u32 = 16;
const IOV: u32 = 32;
const DATA: u32 = 4096;
const CREAT: u64 = 1;
const DIRECTORY: u64 = 2;
/// fd_read | fd_write | fd_readdir | fd_filestat_get
const RIGHTS: u64 = (1 << 1) | (1 << 6) | (1 << 14) | (1 << 21);
/// fd_readdir | fd_filestat_get
const DIR_RIGHTS: u64 = (1 << 14) | (1 << 21);

struct Guest {
    ctx: WasiCtx<WindowsPlatform>,
    mem: Vec<u8>,
}

impl Guest {
    fn new(dir: WindowsHandle) -> Guest {
        let ctx = WasiBuilder::new(WindowsPlatform::new()).preopen("/sandbox", dir).build().unwrap();
        Guest { ctx, mem: vec![0u8; 65536] }
    }

    fn call(&mut self, f: Func, args: &[u64]) -> Errno {
        call(&mut self.ctx, &mut self.mem[..], Version::Preview1, f, args).unwrap()
    }

    fn put_path(&mut self, path: &str) -> (u64, u64) {
        self.mem[PATH as usize..PATH as usize + path.len()].copy_from_slice(path.as_bytes());
        (u64::from(PATH), path.len() as u64)
    }

    fn u32_at(&self, at: u32) -> u32 {
        u32::from_le_bytes(self.mem[at as usize..at as usize + 4].try_into().unwrap())
    }

    fn open(&mut self, path: &str, oflags: u64) -> Result<u32, Errno> {
        let (p, n) = self.put_path(path);
        // A directory is opened for listing only (write rights on one are EISDIR).
        let rights = if oflags & DIRECTORY != 0 { DIR_RIGHTS } else { RIGHTS };
        match self.call(Func::PathOpen, &[3, 0, p, n, oflags, rights, rights, 0, u64::from(OUT)]) {
            Errno::SUCCESS => Ok(self.u32_at(OUT)),
            e => Err(e),
        }
    }

    fn mkdir(&mut self, path: &str) -> Errno {
        let (p, n) = self.put_path(path);
        self.call(Func::PathCreateDirectory, &[3, p, n])
    }

    fn unlink(&mut self, path: &str) -> Errno {
        let (p, n) = self.put_path(path);
        self.call(Func::PathUnlinkFile, &[3, p, n])
    }

    fn stat_size(&mut self, path: &str) -> Result<u64, Errno> {
        let (p, n) = self.put_path(path);
        match self.call(Func::PathFilestatGet, &[3, 0, p, n, u64::from(DATA)]) {
            // filestat: dev, ino, filetype (u8 + pad), nlink, size, ...
            Errno::SUCCESS => {
                Ok(u64::from_le_bytes(self.mem[DATA as usize + 32..DATA as usize + 40].try_into().unwrap()))
            }
            e => Err(e),
        }
    }

    fn write(&mut self, fd: u32, data: &[u8]) -> Errno {
        self.mem[DATA as usize..DATA as usize + data.len()].copy_from_slice(data);
        self.mem[IOV as usize..IOV as usize + 4].copy_from_slice(&DATA.to_le_bytes());
        self.mem[IOV as usize + 4..IOV as usize + 8].copy_from_slice(&(data.len() as u32).to_le_bytes());
        self.call(Func::FdWrite, &[u64::from(fd), u64::from(IOV), 1, u64::from(OUT)])
    }

    fn readdir_names(&mut self, fd: u32) -> Vec<String> {
        let buf = DATA + 1024;
        let e = self.call(Func::FdReaddir, &[u64::from(fd), u64::from(buf), 8192, 0, u64::from(OUT)]);
        assert_eq!(e, Errno::SUCCESS);
        let used = self.u32_at(OUT) as usize;
        let mut names = Vec::new();
        let mut at = buf as usize;
        let end = at + used;
        // dirent: d_next u64, d_ino u64, d_namlen u32, d_type u8 (+3), then the name.
        while at + 24 <= end {
            let namlen = u32::from_le_bytes(self.mem[at + 16..at + 20].try_into().unwrap()) as usize;
            let name = &self.mem[at + 24..(at + 24 + namlen).min(end)];
            names.push(String::from_utf8_lossy(name).into_owned());
            at += 24 + namlen;
        }
        names.sort();
        names
    }
}

#[test]
fn nested_paths_through_the_core() {
    let f = fixture();
    let mut g = Guest::new(WindowsHandle::open_dir(f.tmp.path()).unwrap());
    assert_eq!(g.mkdir("a"), Errno::SUCCESS);
    assert_eq!(g.mkdir("a/b"), Errno::SUCCESS);
    assert_eq!(g.mkdir("a/b/"), Errno::EXIST);
    let fd = g.open("a/b/c.txt", CREAT).unwrap();
    assert_eq!(g.write(fd, b"hi"), Errno::SUCCESS);
    assert_eq!(std::fs::read(f.path("a").join("b").join("c.txt")).unwrap(), b"hi");
    assert_eq!(g.stat_size("a/../a/./b/c.txt"), Ok(2));
    assert_eq!(g.stat_size("a/b/c.txt/"), Err(Errno::NOTDIR));
    assert_eq!(g.stat_size("a/b/missing"), Err(Errno::NOENT));
    assert_eq!(g.stat_size("a/b/c.txt/x"), Err(Errno::NOTDIR));
    let d = g.open("a/b", DIRECTORY).unwrap();
    assert_eq!(g.readdir_names(d), vec![".", "..", "c.txt"]);
    // Closed first: under Wine (no POSIX delete) an open file's name outlives the unlink.
    assert_eq!(g.call(Func::FdClose, &[u64::from(fd)]), Errno::SUCCESS);
    assert_eq!(g.unlink("a/b/c.txt"), Errno::SUCCESS);
    assert!(!f.path("a/b/c.txt").exists());
    assert_eq!(g.stat_size("a/b/c.txt"), Err(Errno::NOENT));
    // Escapes are the core's to refuse.
    assert_eq!(g.open("../outside", CREAT), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("a/../../outside", CREAT), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("/abs", 0), Err(Errno::NOTCAPABLE));
}

#[test]
fn name_rules_apply_to_every_component() {
    let f = fixture();
    std::fs::create_dir(f.path("a")).unwrap();
    let mut g = Guest::new(WindowsHandle::open_dir(f.tmp.path()).unwrap());
    for (path, want) in [
        ("CON/x", Errno::NOTCAPABLE),
        ("a/CON", Errno::NOTCAPABLE),
        ("a/lpt1.txt", Errno::NOTCAPABLE),
        ("a/nul/x", Errno::NOTCAPABLE),
        ("a/x:stream", Errno::INVAL),
        ("C:/x", Errno::INVAL),
        ("a\\..\\..\\x", Errno::INVAL),
        ("a./x", Errno::INVAL),
        ("a/x.", Errno::INVAL),
        ("a/x ", Errno::INVAL),
        ("a/x*", Errno::INVAL),
    ] {
        assert_eq!(g.open(path, CREAT), Err(want), "{path:?}");
        assert_eq!(g.mkdir(path), want, "mkdir {path:?}");
    }
    assert_eq!(f.host_names(), vec!["a"]);
    assert!(std::fs::read_dir(f.path("a")).unwrap().next().is_none(), "nothing created in a/");
}

#[test]
fn short_name_aliases_in_the_middle_of_a_path() {
    use std::os::windows::ffi::{OsStrExt, OsStringExt};
    let f = fixture();
    std::fs::create_dir(f.path("a long directory name")).unwrap();
    std::fs::write(f.path("a long directory name").join("inner"), b"x").unwrap();
    let full = f.path("a long directory name");
    let wide: Vec<u16> = full.as_os_str().encode_wide().chain([0]).collect();
    let mut buf = vec![0u16; 1024];
    // SAFETY: `wide` is NUL-terminated; `buf` is live and writable for the length passed.
    let n = unsafe {
        windows_sys::Win32::Storage::FileSystem::GetShortPathNameW(wide.as_ptr(), buf.as_mut_ptr(), 1024)
    };
    let short = std::path::PathBuf::from(std::ffi::OsString::from_wide(&buf[..n as usize]));
    let short = short.file_name().unwrap().to_string_lossy().into_owned();
    if n == 0 || short == "a long directory name" {
        println!("not tested: this volume gives no 8.3 short names");
        return;
    }
    let mut g = Guest::new(WindowsHandle::open_dir(f.tmp.path()).unwrap());
    assert_eq!(g.stat_size("a long directory name/inner"), Ok(1));
    assert_eq!(g.stat_size(&format!("{short}/inner")), Err(Errno::NOENT));
    assert_eq!(g.open(&format!("{short}/new"), CREAT), Err(Errno::NOENT));
    assert_eq!(std::fs::read_dir(f.path("a long directory name")).unwrap().count(), 1);
}
