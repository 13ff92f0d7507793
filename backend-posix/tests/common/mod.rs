//! Shared fixtures: a temporary directory preopened as a `PosixHandle`.
#![allow(dead_code)]

use wasibox_core::abi::FdFlags;
use wasibox_core::{OpenOptions, Platform};
use wasibox_posix::{PosixHandle, PosixPlatform};

pub struct Fixture {
    pub p: PosixPlatform,
    pub tmp: tempfile::TempDir,
    pub dir: PosixHandle,
}

pub fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = PosixHandle::open_dir(tmp.path()).unwrap();
    Fixture { p: PosixPlatform::new(), tmp, dir }
}

pub fn ro() -> OpenOptions {
    OpenOptions { read: true, ..Default::default() }
}

pub fn rw() -> OpenOptions {
    OpenOptions { read: true, write: true, ..Default::default() }
}

pub fn create() -> OpenOptions {
    OpenOptions { read: true, write: true, create: true, ..Default::default() }
}

pub fn dir_opts() -> OpenOptions {
    OpenOptions { read: true, directory: true, ..Default::default() }
}

pub fn with_flags(mut o: OpenOptions, f: FdFlags) -> OpenOptions {
    o.fdflags = f;
    o
}

impl Fixture {
    /// Create `name` with `data` through the host (not through the platform).
    pub fn host_file(&self, name: &str, data: &[u8]) {
        std::fs::write(self.tmp.path().join(name), data).unwrap();
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.tmp.path().join(name)
    }

    pub fn open(&self, name: &str, o: OpenOptions) -> PosixHandle {
        self.p.open_at(&self.dir, name, &o).unwrap()
    }

    pub fn write_all(&self, h: &mut PosixHandle, data: &[u8]) {
        let n = self.p.write(h, &[data]).unwrap();
        assert_eq!(n, data.len());
    }

    pub fn read_to_vec(&self, h: &mut PosixHandle, cap: usize) -> Vec<u8> {
        let mut buf = vec![0u8; cap];
        let n = self.p.read(h, &mut [&mut buf[..]]).unwrap();
        buf.truncate(n);
        buf
    }
}

/// A host pipe: (read end, write end).
pub fn pipe() -> (PosixHandle, PosixHandle) {
    let (r, w) = rustix::pipe::pipe().unwrap();
    (PosixHandle::from_owned_fd(r).unwrap(), PosixHandle::from_owned_fd(w).unwrap())
}
