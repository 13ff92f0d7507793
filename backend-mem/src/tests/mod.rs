//! Unit tests of the whole crate, through the `Platform` trait and the host helpers.

mod clock_random;
mod dirs;
mod files;
mod fs_host;
#[cfg(feature = "std")]
mod host_io;
mod limits;
mod open;
mod pipes;
mod readdir;
mod threads;

use crate::{MemConfig, MemHandle, MemPlatform};
use alloc::string::String;
use alloc::vec::Vec;
use wasibox_core::abi::{Errno, FdFlags, Filetype};
use wasibox_core::platform::{DirEntry, OpenOptions};
use wasibox_core::Platform;

pub(crate) fn plat() -> MemPlatform {
    MemPlatform::new(MemConfig::default())
}

pub(crate) fn root(p: &MemPlatform) -> MemHandle {
    p.open_dir("/").unwrap()
}

pub(crate) fn ro() -> OpenOptions {
    OpenOptions { read: true, ..OpenOptions::default() }
}

pub(crate) fn wo() -> OpenOptions {
    OpenOptions { write: true, ..OpenOptions::default() }
}

pub(crate) fn rw() -> OpenOptions {
    OpenOptions { read: true, write: true, ..OpenOptions::default() }
}

pub(crate) fn create() -> OpenOptions {
    OpenOptions { read: true, write: true, create: true, ..OpenOptions::default() }
}

pub(crate) fn dir_opts() -> OpenOptions {
    OpenOptions { read: true, directory: true, ..OpenOptions::default() }
}

pub(crate) fn with_flags(mut o: OpenOptions, f: FdFlags) -> OpenOptions {
    o.fdflags = f;
    o
}

pub(crate) fn write(p: &MemPlatform, h: &mut MemHandle, data: &[u8]) -> usize {
    p.write(h, &[data]).unwrap()
}

pub(crate) fn read_n(p: &MemPlatform, h: &mut MemHandle, n: usize) -> Vec<u8> {
    let mut buf = alloc::vec![0u8; n];
    let got = p.read(h, &mut [&mut buf[..]]).unwrap();
    buf.truncate(got);
    buf
}

/// Create `name` in `dir` with `data`.
pub(crate) fn mkfile(p: &MemPlatform, dir: &MemHandle, name: &str, data: &[u8]) {
    let mut h = p.open_at(dir, name, &create()).unwrap();
    assert_eq!(write(p, &mut h, data), data.len());
}

/// One readdir entry, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ent {
    pub(crate) name: String,
    pub(crate) next: u64,
    pub(crate) ino: u64,
    pub(crate) filetype: Filetype,
}

/// Up to `max` entries from `cookie`.
pub(crate) fn readdir_n(
    p: &MemPlatform,
    h: &mut MemHandle,
    cookie: u64,
    max: usize,
) -> Result<Vec<Ent>, Errno> {
    let mut out = Vec::new();
    p.readdir(h, cookie, &mut |e: &DirEntry<'_>| {
        out.push(Ent {
            name: String::from_utf8_lossy(e.name).into_owned(),
            next: e.next,
            ino: e.ino,
            filetype: e.filetype,
        });
        out.len() < max
    })?;
    Ok(out)
}

pub(crate) fn names(p: &MemPlatform, h: &mut MemHandle) -> Vec<String> {
    readdir_n(p, h, 0, usize::MAX).unwrap().into_iter().map(|e| e.name).collect()
}
