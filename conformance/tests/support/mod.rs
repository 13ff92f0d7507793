//! Shared by the hostile-guest tests (`attack.rs`, `sweep.rs`, `limits.rs`, `faults.rs`,
//! `concurrency.rs`): a "guest" that is nothing but a byte-slice memory and a
//! [`WasiCtx`] driven through the real dispatcher ([`wasibox_core::call`]), with typed
//! helpers for the calls the tests make. Each helper writes its arguments into the
//! guest memory at fixed places and decodes the results the way a guest would.
#![allow(dead_code)]

use wasibox_core::{call, Errno, Exit, Func, Platform, Version, WasiCtx};

/// Guest memory size.
pub const MEM_SIZE: usize = 64 * 1024;
/// Result slots.
pub const RES: u32 = 0;
pub const RES2: u32 = 8;
/// An iovec array (up to 8 entries).
pub const IOV: u32 = 64;
/// A filestat buffer.
pub const STAT: u32 = 192;
/// First path buffer (up to 8 KiB).
pub const PATH_A: u32 = 1024;
/// Second path buffer (up to 8 KiB).
pub const PATH_B: u32 = 9216;
/// Data buffer (to the end of memory).
pub const DATA: u32 = 17408;
pub const DATA_LEN: u32 = MEM_SIZE as u32 - DATA;

/// Rights a guest asks for when it only wants to read (a file or a directory).
pub const R_READ: u64 = (1 << 1) | (1 << 14);
/// Rights for reading and writing a file.
pub const R_RW: u64 = (1 << 1) | (1 << 6);

pub const FOLLOW: u32 = 1;
pub const O_CREAT: u32 = 1;
pub const O_DIRECTORY: u32 = 2;
pub const O_EXCL: u32 = 4;
pub const O_TRUNC: u32 = 8;

/// Object-safe view of a `WasiCtx<P>`, so tests can be written once for every backend.
pub trait Dispatch {
    fn dispatch(&mut self, mem: &mut [u8], version: Version, func: Func, args: &[u64])
        -> Result<Errno, Exit>;
    /// (fd, filetype if known) of every open descriptor, for invariant checks.
    fn fd_list(&self) -> Vec<u32>;
}

impl<P: Platform> Dispatch for WasiCtx<P> {
    fn dispatch(
        &mut self,
        mem: &mut [u8],
        version: Version,
        func: Func,
        args: &[u64],
    ) -> Result<Errno, Exit> {
        call(self, mem, version, func, args)
    }
    fn fd_list(&self) -> Vec<u32> {
        self.fds().iter().map(|(fd, _)| fd).collect()
    }
}

/// A stat result, as the guest decoded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub mtim: u64,
}

pub const FT_DIR: u8 = 3;
pub const FT_FILE: u8 = 4;
pub const FT_SYMLINK: u8 = 7;

/// A guest: memory plus a context behind the dispatcher.
pub struct Guest {
    pub ctx: Box<dyn Dispatch>,
    pub mem: Vec<u8>,
    pub version: Version,
}

impl Guest {
    pub fn new(ctx: Box<dyn Dispatch>) -> Guest {
        Guest { ctx, mem: vec![0; MEM_SIZE], version: Version::Preview1 }
    }

    /// Raw call.
    pub fn call(&mut self, func: Func, args: &[u64]) -> Errno {
        match self.ctx.dispatch(&mut self.mem, self.version, func, args) {
            Ok(e) => e,
            Err(exit) => panic!("{func:?} exited: {exit:?}"),
        }
    }

    pub fn put(&mut self, at: u32, bytes: &[u8]) {
        self.mem[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
    }

    pub fn u32_at(&self, at: u32) -> u32 {
        u32::from_le_bytes(self.mem[at as usize..at as usize + 4].try_into().unwrap())
    }

    pub fn u64_at(&self, at: u32) -> u64 {
        u64::from_le_bytes(self.mem[at as usize..at as usize + 8].try_into().unwrap())
    }

    fn path_a(&mut self, p: &[u8]) -> (u64, u64) {
        assert!(p.len() <= 8192);
        self.put(PATH_A, p);
        (PATH_A as u64, p.len() as u64)
    }

    fn path_b(&mut self, p: &[u8]) -> (u64, u64) {
        assert!(p.len() <= 8192);
        self.put(PATH_B, p);
        (PATH_B as u64, p.len() as u64)
    }

    fn ok(e: Errno) -> Result<(), Errno> {
        if e == Errno::SUCCESS {
            Ok(())
        } else {
            Err(e)
        }
    }

    /// `path_open`; returns the new fd.
    pub fn open(
        &mut self,
        dirfd: u32,
        dirflags: u32,
        path: &[u8],
        oflags: u32,
        base: u64,
        fdflags: u32,
    ) -> Result<u32, Errno> {
        let (p, l) = self.path_a(path);
        let e = self.call(
            Func::PathOpen,
            &[dirfd as u64, dirflags as u64, p, l, oflags as u64, base, 0, fdflags as u64, RES as u64],
        );
        Self::ok(e).map(|()| self.u32_at(RES))
    }

    pub fn close(&mut self, fd: u32) -> Errno {
        self.call(Func::FdClose, &[fd as u64])
    }

    pub fn renumber(&mut self, from: u32, to: u32) -> Errno {
        self.call(Func::FdRenumber, &[from as u64, to as u64])
    }

    /// `fd_pread` at `offset` into the data buffer (at most `max` bytes).
    pub fn pread(&mut self, fd: u32, offset: u64, max: u32) -> Result<Vec<u8>, Errno> {
        let len = max.min(DATA_LEN);
        self.put(IOV, &DATA.to_le_bytes());
        self.put(IOV + 4, &len.to_le_bytes());
        let e = self.call(Func::FdPread, &[fd as u64, IOV as u64, 1, offset, RES as u64]);
        Self::ok(e)?;
        let n = self.u32_at(RES) as usize;
        Ok(self.mem[DATA as usize..DATA as usize + n].to_vec())
    }

    /// `fd_read` into the data buffer (at most `max` bytes).
    pub fn read(&mut self, fd: u32, max: u32) -> Result<Vec<u8>, Errno> {
        let len = max.min(DATA_LEN);
        self.put(IOV, &DATA.to_le_bytes());
        self.put(IOV + 4, &len.to_le_bytes());
        let e = self.call(Func::FdRead, &[fd as u64, IOV as u64, 1, RES as u64]);
        Self::ok(e)?;
        let n = self.u32_at(RES) as usize;
        Ok(self.mem[DATA as usize..DATA as usize + n].to_vec())
    }

    /// `fd_write` of `data` (copied to the data buffer); returns bytes written.
    pub fn write(&mut self, fd: u32, data: &[u8]) -> Result<u32, Errno> {
        assert!(data.len() <= DATA_LEN as usize);
        self.put(DATA, data);
        self.put(IOV, &DATA.to_le_bytes());
        self.put(IOV + 4, &(data.len() as u32).to_le_bytes());
        let e = self.call(Func::FdWrite, &[fd as u64, IOV as u64, 1, RES as u64]);
        Self::ok(e).map(|()| self.u32_at(RES))
    }

    pub fn pwrite(&mut self, fd: u32, data: &[u8], offset: u64) -> Result<u32, Errno> {
        assert!(data.len() <= DATA_LEN as usize);
        self.put(DATA, data);
        self.put(IOV, &DATA.to_le_bytes());
        self.put(IOV + 4, &(data.len() as u32).to_le_bytes());
        let e = self.call(Func::FdPwrite, &[fd as u64, IOV as u64, 1, offset, RES as u64]);
        Self::ok(e).map(|()| self.u32_at(RES))
    }

    pub fn seek(&mut self, fd: u32, offset: i64, whence: u32) -> Result<u64, Errno> {
        let e = self.call(Func::FdSeek, &[fd as u64, offset as u64, whence as u64, RES as u64]);
        Self::ok(e).map(|()| self.u64_at(RES))
    }

    fn decode_stat(&self) -> Stat {
        Stat {
            dev: self.u64_at(STAT),
            ino: self.u64_at(STAT + 8),
            filetype: self.mem[STAT as usize + 16],
            nlink: self.u64_at(STAT + 24),
            size: self.u64_at(STAT + 32),
            mtim: self.u64_at(STAT + 48),
        }
    }

    pub fn fstat(&mut self, fd: u32) -> Result<Stat, Errno> {
        let e = self.call(Func::FdFilestatGet, &[fd as u64, STAT as u64]);
        Self::ok(e).map(|()| self.decode_stat())
    }

    pub fn stat(&mut self, dirfd: u32, flags: u32, path: &[u8]) -> Result<Stat, Errno> {
        let (p, l) = self.path_a(path);
        let e = self.call(Func::PathFilestatGet, &[dirfd as u64, flags as u64, p, l, STAT as u64]);
        Self::ok(e).map(|()| self.decode_stat())
    }

    /// Every entry name of the directory `fd` (via `fd_readdir`, resuming by cookie).
    pub fn readdir(&mut self, fd: u32) -> Result<Vec<Vec<u8>>, Errno> {
        let mut names = Vec::new();
        let mut cookie = 0u64;
        loop {
            let e = self.call(Func::FdReaddir, &[fd as u64, DATA as u64, 4096, cookie, RES as u64]);
            Self::ok(e)?;
            let used = self.u32_at(RES) as usize;
            let buf = self.mem[DATA as usize..DATA as usize + used].to_vec();
            let mut off = 0;
            let mut complete = 0;
            while off + 24 <= buf.len() {
                let next = u64::from_le_bytes(buf[off..off + 8].try_into().unwrap());
                let namlen = u32::from_le_bytes(buf[off + 16..off + 20].try_into().unwrap()) as usize;
                if off + 24 + namlen > buf.len() {
                    break;
                }
                names.push(buf[off + 24..off + 24 + namlen].to_vec());
                cookie = next;
                complete += 1;
                off += 24 + namlen;
            }
            if used < 4096 {
                return Ok(names);
            }
            if complete == 0 {
                return Err(Errno::NOBUFS);
            }
            if names.len() > 1_000_000 {
                return Err(Errno::TOOBIG);
            }
        }
    }

    pub fn mkdir(&mut self, dirfd: u32, path: &[u8]) -> Errno {
        let (p, l) = self.path_a(path);
        self.call(Func::PathCreateDirectory, &[dirfd as u64, p, l])
    }

    pub fn rmdir(&mut self, dirfd: u32, path: &[u8]) -> Errno {
        let (p, l) = self.path_a(path);
        self.call(Func::PathRemoveDirectory, &[dirfd as u64, p, l])
    }

    pub fn unlink(&mut self, dirfd: u32, path: &[u8]) -> Errno {
        let (p, l) = self.path_a(path);
        self.call(Func::PathUnlinkFile, &[dirfd as u64, p, l])
    }

    pub fn symlink(&mut self, target: &[u8], dirfd: u32, path: &[u8]) -> Errno {
        let (t, tl) = self.path_a(target);
        let (p, l) = self.path_b(path);
        self.call(Func::PathSymlink, &[t, tl, dirfd as u64, p, l])
    }

    pub fn readlink(&mut self, dirfd: u32, path: &[u8]) -> Result<Vec<u8>, Errno> {
        let (p, l) = self.path_a(path);
        let e = self.call(Func::PathReadlink, &[dirfd as u64, p, l, DATA as u64, 4096, RES as u64]);
        Self::ok(e)?;
        let n = self.u32_at(RES) as usize;
        Ok(self.mem[DATA as usize..DATA as usize + n].to_vec())
    }

    pub fn rename(&mut self, fd: u32, old: &[u8], new_fd: u32, new: &[u8]) -> Errno {
        let (o, ol) = self.path_a(old);
        let (n, nl) = self.path_b(new);
        self.call(Func::PathRename, &[fd as u64, o, ol, new_fd as u64, n, nl])
    }

    pub fn link(&mut self, fd: u32, flags: u32, old: &[u8], new_fd: u32, new: &[u8]) -> Errno {
        let (o, ol) = self.path_a(old);
        let (n, nl) = self.path_b(new);
        self.call(Func::PathLink, &[fd as u64, flags as u64, o, ol, new_fd as u64, n, nl])
    }

    pub fn set_times(&mut self, fd: u32, flags: u32, path: &[u8], atim: u64, mtim: u64, fst: u32) -> Errno {
        let (p, l) = self.path_a(path);
        self.call(Func::PathFilestatSetTimes, &[fd as u64, flags as u64, p, l, atim, mtim, fst as u64])
    }

    pub fn set_size(&mut self, fd: u32, size: u64) -> Errno {
        self.call(Func::FdFilestatSetSize, &[fd as u64, size])
    }
}

/// The name of an errno for tables (`SUCCESS` → `ok`).
pub fn en(e: Errno) -> String {
    if e == Errno::SUCCESS {
        "ok".into()
    } else {
        format!("E{}", e.name().unwrap_or("?"))
    }
}

pub fn res_en<T>(r: &Result<T, Errno>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => en(*e),
    }
}
