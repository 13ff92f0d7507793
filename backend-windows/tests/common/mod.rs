//! Shared fixtures: a temporary directory preopened as a `WindowsHandle`, and the Wine
//! skip helper.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use wasibox_core::abi::FdFlags;
use wasibox_core::{OpenOptions, Platform};
use wasibox_windows::{WindowsHandle, WindowsPlatform};

/// A directory under the host's temp directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let p = std::env::temp_dir().join(format!(
            "wasibox-win-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos % 1_000_000_000
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Fixture {
    pub p: WindowsPlatform,
    pub dir: WindowsHandle,
    pub tmp: TempDir,
}

pub fn fixture() -> Fixture {
    let tmp = TempDir::new();
    let dir = WindowsHandle::open_dir(tmp.path()).unwrap();
    Fixture { p: WindowsPlatform::new(), dir, tmp }
}

/// Under Wine, print why the rest of a test is skipped and return `true`; on real Windows
/// always `false` (nothing is ever skipped there).
pub fn skip_under_wine(test: &str, reason: &str) -> bool {
    if wasibox_windows::running_under_wine() {
        println!("SKIPPED under Wine: {test}: {reason}");
        true
    } else {
        false
    }
}

pub fn ro() -> OpenOptions {
    OpenOptions { read: true, ..Default::default() }
}

pub fn wo() -> OpenOptions {
    OpenOptions { write: true, ..Default::default() }
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

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn open(&self, name: &str, o: OpenOptions) -> WindowsHandle {
        self.p.open_at(&self.dir, name, &o).unwrap()
    }

    pub fn write_all(&self, h: &mut WindowsHandle, data: &[u8]) {
        let n = self.p.write(h, &[data]).unwrap();
        assert_eq!(n, data.len());
    }

    pub fn read_to_vec(&self, h: &mut WindowsHandle, cap: usize) -> Vec<u8> {
        let mut buf = vec![0u8; cap];
        let n = self.p.read(h, &mut [&mut buf[..]]).unwrap();
        buf.truncate(n);
        buf
    }

    /// The names in the fixture directory, as the host lists them, sorted.
    pub fn host_names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// An anonymous pipe: (read end, write end).
pub fn pipe() -> (WindowsHandle, WindowsHandle) {
    use std::os::windows::io::{FromRawHandle, OwnedHandle};
    let (mut r, mut w) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: two live locals receive the new handles; no security attributes.
    let ok = unsafe { windows_sys::Win32::System::Pipes::CreatePipe(&mut r, &mut w, std::ptr::null(), 0) };
    assert_ne!(ok, 0);
    // SAFETY: fresh handles owned by nobody else.
    let (r, w) = unsafe { (OwnedHandle::from_raw_handle(r as _), OwnedHandle::from_raw_handle(w as _)) };
    (WindowsHandle::from_owned_handle(r).unwrap(), WindowsHandle::from_owned_handle(w).unwrap())
}
