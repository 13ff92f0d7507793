//! The fuzz targets' bodies (the files in `fuzz_targets/` are one line each), so they can
//! also be run on a corpus from a plain test.
//!
//! - [`dispatch`]: arbitrary sequences of (function, raw arguments) against the mem
//!   backend with a memory the fuzzer controls; after every call the descriptor table
//!   must be consistent, and at the end the filesystem must walk.
//! - [`path_resolution`]: a random tree of directories, files and symlinks (targets made
//!   of `..`, `.`, absolute prefixes, names) built identically on mem and posix, with a
//!   secret beside the sandbox; random paths opened and stat'ed on both: no resolution
//!   lands outside the preopen, and both backends give the same answer.
//! - [`differential`]: random operation sequences on mem and posix, compared call by
//!   call: same errno, same bytes.

#[path = "../../conformance/tests/support/mod.rs"]
pub mod support;

use support::*;
use wasibox_core::{Errno, Func, Limits, Version, WasiCtx};
use wasibox_mem::{MemConfig, MemFs, MemPipe, MemPlatform};
use wasibox_posix::{PosixHandle, PosixPlatform};

/// Reads the fuzzer's bytes; zeros once they run out.
pub struct Reader<'a>(pub &'a [u8]);

impl Reader<'_> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    pub fn u64(&mut self) -> u64 {
        (self.u32() as u64) | ((self.u32() as u64) << 32)
    }
    pub fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

// ----- (a) the dispatcher --------------------------------------------------------------

/// Check the descriptor table: every open fd answers `fd_fdstat_get`, within the limit.
fn check_fds(ctx: &mut dyn Dispatch, limit: usize) {
    let fds = ctx.fd_list();
    assert!(fds.len() <= limit, "{} fds open, limit {limit}", fds.len());
    let mut scratch = [0u8; 64];
    for fd in fds {
        let r = ctx.dispatch(&mut scratch, Version::Preview1, Func::FdFdstatGet, &[fd as u64, 8]);
        assert_eq!(r, Ok(Errno::SUCCESS), "fd {fd} in the table does not answer fdstat");
    }
}

pub fn dispatch(data: &[u8]) {
    let mut r = Reader(data);
    let limits = wasibox_mem::Limits { max_bytes: 1 << 20, max_inodes: 256 };
    let p = MemPlatform::new(MemConfig { limits, ..MemConfig::default() });
    let fs = p.fs().clone();
    fs.create_dir_all("/d/sub").unwrap();
    fs.write_file("/d/f", b"hello").unwrap();
    fs.symlink("f", "/d/link").unwrap();
    fs.symlink("..", "/d/up").unwrap();
    fs.write_file("/secret", b"TOP-SECRET").unwrap();
    let dir = p.open_dir("/d").unwrap();
    let inp = p.pipe_handle(MemPipe::from_bytes(b"stdin data"), true, false);
    let out = p.pipe_handle(MemPipe::with_capacity(4096), false, true);
    let max_fds = 32;
    let mut ctx = WasiCtx::builder(p)
        .arg("prog")
        .env("K", "V")
        .stdin(inp)
        .stdout(out)
        .preopen("/d", dir)
        .limits(Limits { max_fds, max_poll_subscriptions: 64, ..Limits::default() })
        .build()
        .unwrap();
    let size = 256 + r.u8() as usize * 64;
    let mut mem = vec![0u8; size + 16];
    let init = r.bytes(size.min(512)).to_vec();
    mem[..init.len()].copy_from_slice(&init);
    let mut steps = 0;
    while !r.is_empty() && steps < 64 {
        steps += 1;
        let op = r.u8();
        if op == 0xFF {
            // Write bytes into memory (paths, iovecs, subscriptions).
            let at = r.u16() as usize % size;
            let n = r.u8() as usize;
            let b = r.bytes(n).to_vec();
            let end = (at + b.len()).min(size);
            mem[at..end].copy_from_slice(&b[..end - at]);
            continue;
        }
        let func = Func::ALL[op as usize % Func::ALL.len()];
        let version = if op & 0x80 != 0 { Version::Unstable } else { Version::Preview1 };
        if func == Func::ProcExit {
            continue;
        }
        let args: Vec<u64> = func
            .params()
            .iter()
            .map(|t| {
                let v = match r.u8() % 8 {
                    0 => r.u8() as u64,
                    1 => (r.u8() % 8) as u64,
                    2 => (r.u16() as usize % size) as u64,
                    3 => (size - (r.u8() as usize % 16).min(size)) as u64,
                    4 => r.u32() as u64,
                    5 => r.u64(),
                    6 => 0,
                    _ => u32::MAX as u64,
                };
                match t {
                    wasibox_core::dispatch::ValType::I32 => v & 0xFFFF_FFFF,
                    wasibox_core::dispatch::ValType::I64 => v,
                }
            })
            .collect();
        let (m, guard) = mem.split_at_mut(size);
        match ctx.dispatch(m, version, func, &args) {
            Ok(e) => assert!(e.name().is_some(), "{func:?}: unknown errno {e:?}"),
            Err(_) => break,
        }
        assert!(guard.iter().all(|b| *b == 0), "{func:?} wrote past the memory");
        check_fds(&mut ctx, max_fds);
    }
    // The filesystem still walks, and nothing changed outside /d.
    fs.walk("/").unwrap();
    assert_eq!(fs.read_file("/secret").unwrap(), b"TOP-SECRET");
}

// ----- (b) path resolution and (c) differential: mem and posix side by side ------------

const SECRET: &[u8] = b"TOP-SECRET outside the sandbox";
const NAMES: &[&str] = &["a", "b", "l", "m"];

/// A sandbox on mem and one on posix, each with `outside/secret` beside it.
pub struct Pair {
    pub mem: Guest,
    pub posix: Guest,
    pub fs: MemFs,
    pub tmp: tempfile::TempDir,
    outside_inos: Vec<(u64, u64)>,
}

impl Pair {
    pub fn new() -> Pair {
        let p = MemPlatform::new(MemConfig::default());
        let fs = p.fs().clone();
        fs.create_dir_all("/s").unwrap();
        fs.create_dir_all("/outside").unwrap();
        fs.write_file("/outside/secret", SECRET).unwrap();
        let dir = p.open_dir("/s").unwrap();
        let mem = Guest::new(Box::new(WasiCtx::builder(p).preopen("/s", dir).build().unwrap()));
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("s")).unwrap();
        std::fs::create_dir(tmp.path().join("outside")).unwrap();
        std::fs::write(tmp.path().join("outside/secret"), SECRET).unwrap();
        let dir = PosixHandle::open_dir(&tmp.path().join("s")).unwrap();
        let posix =
            Guest::new(Box::new(WasiCtx::builder(PosixPlatform::new()).preopen("/s", dir).build().unwrap()));
        let mut outside_inos = Vec::new();
        {
            use std::os::unix::fs::MetadataExt;
            for p in [tmp.path().to_path_buf(), tmp.path().join("outside"), tmp.path().join("outside/secret")]
            {
                let md = std::fs::metadata(&p).unwrap();
                outside_inos.push((md.dev(), md.ino()));
            }
            for p in ["/", "/outside", "/outside/secret"] {
                let st = fs.metadata(p).unwrap();
                outside_inos.push((st.dev, st.ino));
            }
        }
        Pair { mem, posix, fs, tmp, outside_inos }
    }

    /// The mem and posix spelling of an absolute symlink target to outside.
    fn abs_outside(&self, posix: bool) -> String {
        if posix {
            self.tmp.path().join("outside").to_string_lossy().into_owned()
        } else {
            "/outside".into()
        }
    }

    /// Build one random tree entry on both (host side). Returns false if the two hosts
    /// disagree on creating it (the input is then not interesting).
    pub fn plant(&self, r: &mut Reader<'_>) -> bool {
        let depth = r.u8() % 3;
        let mut rel = String::new();
        for _ in 0..depth {
            rel.push_str(NAMES[r.u8() as usize % NAMES.len()]);
            rel.push('/');
        }
        rel.push_str(NAMES[r.u8() as usize % NAMES.len()]);
        let kind = r.u8() % 3;
        let (target_mem, target_posix) = self.random_target(r);
        // The host helpers follow symlinks in intermediate components: plant only below
        // real directories, or the harness itself would write outside.
        let mut prefix = self.tmp.path().join("s");
        let comps: Vec<&str> = rel.split('/').collect();
        for c in &comps[..comps.len() - 1] {
            prefix.push(c);
            match std::fs::symlink_metadata(&prefix) {
                Ok(md) if md.is_dir() => {}
                _ => return true,
            }
        }
        let m = match kind {
            0 => self.fs.create_dir(format!("/s/{rel}")).is_ok(),
            1 => self.fs.write_file(format!("/s/{rel}"), b"inside").is_ok(),
            _ => self.fs.symlink(&target_mem, format!("/s/{rel}")).is_ok(),
        };
        let host = self.tmp.path().join("s").join(&rel);
        let p = match kind {
            0 => std::fs::create_dir(&host).is_ok(),
            1 => {
                // Do not write through a symlink on the host either.
                std::fs::symlink_metadata(&host).is_err() && std::fs::write(&host, b"inside").is_ok()
            }
            _ => std::os::unix::fs::symlink(&target_posix, &host).is_ok(),
        };
        m == p
    }

    /// A symlink target or path: names, `.`, `..`, sometimes absolute (to outside).
    fn random_target(&self, r: &mut Reader<'_>) -> (String, String) {
        let n = 1 + r.u8() % 5;
        let mut comps = Vec::new();
        for _ in 0..n {
            comps.push(match r.u8() % 9 {
                0..=3 => NAMES[r.u8() as usize % NAMES.len()],
                4 => "..",
                5 => ".",
                6 => "outside",
                7 => "secret",
                _ => "",
            });
        }
        let body = comps.join("/");
        match r.u8() % 6 {
            0 => (format!("/{body}"), format!("/{body}")),
            1 => {
                (format!("{}/{body}", self.abs_outside(false)), format!("{}/{body}", self.abs_outside(true)))
            }
            _ => (body.clone(), body),
        }
    }

    /// A random guest path (never absolute to the host: the guest cannot know it).
    pub fn random_path(&self, r: &mut Reader<'_>) -> String {
        let (p, _) = self.random_target(r);
        if p.is_empty() {
            ".".into()
        } else {
            p
        }
    }

    /// Probe what a descriptor reaches: never outside, never the secret.
    fn check_fd(&self, g: &mut Guest, fd: u32, posix: bool, what: &str) -> (u8, u64, Vec<u8>) {
        let st = g.fstat(fd).unwrap();
        if posix {
            assert!(!self.outside_inos.contains(&(st.dev, st.ino)), "{what}: posix fd reaches outside");
        } else {
            assert!(!self.outside_inos.contains(&(st.dev, st.ino)), "{what}: mem fd reaches outside");
        }
        let data = g.pread(fd, 0, 256).unwrap_or_default();
        assert!(!data.windows(10).any(|w| w == b"TOP-SECRET"), "{what}: read the secret");
        (st.filetype, if st.filetype == FT_DIR { 0 } else { st.size }, data)
    }

    /// Open `path` on both and compare.
    pub fn open_both(
        &mut self,
        flags: u32,
        path: &str,
        oflags: u32,
        rights: u64,
    ) -> (Option<u32>, Option<u32>) {
        let a = self.mem.open(3, flags, path.as_bytes(), oflags, rights, 0);
        let b = self.posix.open(3, flags, path.as_bytes(), oflags, rights, 0);
        assert_eq!(
            a.is_ok(),
            b.is_ok(),
            "open {path:?} flags {flags} oflags {oflags}: mem {a:?} posix {b:?}"
        );
        if let (Err(x), Err(y)) = (a, b) {
            assert_eq!(x, y, "open {path:?} flags {flags} oflags {oflags}: errno");
        }
        match (a, b) {
            (Ok(x), Ok(y)) => {
                assert_eq!(x, y, "fd numbers");
                let mut mem = std::mem::replace(&mut self.mem, Guest::new(Box::new(Nothing)));
                let ma = self.check_fd(&mut mem, x, false, path);
                self.mem = mem;
                let mut posix = std::mem::replace(&mut self.posix, Guest::new(Box::new(Nothing)));
                let pb = self.check_fd(&mut posix, y, true, path);
                self.posix = posix;
                assert_eq!(ma, pb, "open {path:?}: what was opened");
                (Some(x), Some(y))
            }
            _ => (None, None),
        }
    }

    pub fn stat_both(&mut self, flags: u32, path: &str) {
        let a = self.mem.stat(3, flags, path.as_bytes());
        let b = self.posix.stat(3, flags, path.as_bytes());
        match (a, b) {
            (Ok(x), Ok(y)) => {
                assert!(!self.outside_inos.contains(&(x.dev, x.ino)), "stat {path:?} outside (mem)");
                assert!(!self.outside_inos.contains(&(y.dev, y.ino)), "stat {path:?} outside (posix)");
                assert_eq!(x.filetype, y.filetype, "stat {path:?}");
            }
            (x, y) => assert_eq!(x.err(), y.err(), "stat {path:?} flags {flags}"),
        }
    }

    pub fn close_both(&mut self, fd: u32) {
        assert_eq!(self.mem.close(fd), self.posix.close(fd));
    }
}

impl Default for Pair {
    fn default() -> Self {
        Pair::new()
    }
}

/// A placeholder context while a guest is borrowed out.
struct Nothing;
impl Dispatch for Nothing {
    fn dispatch(
        &mut self,
        _: &mut [u8],
        _: Version,
        _: Func,
        _: &[u64],
    ) -> Result<Errno, wasibox_core::Exit> {
        Ok(Errno::NOSYS)
    }
    fn fd_list(&self) -> Vec<u32> {
        Vec::new()
    }
}

pub fn path_resolution(data: &[u8]) {
    let mut r = Reader(data);
    let mut pair = Pair::new();
    let entries = r.u8() % 12;
    for _ in 0..entries {
        if !pair.plant(&mut r) {
            return;
        }
    }
    let mut n = 0;
    while !r.is_empty() && n < 32 {
        n += 1;
        let path = pair.random_path(&mut r);
        let sel = r.u8();
        let flags = (sel & 1) as u32;
        let oflags = if sel & 2 != 0 { O_DIRECTORY } else { 0 };
        if let (Some(fd), _) = pair.open_both(flags, &path, oflags, R_READ) {
            pair.close_both(fd);
        }
        pair.stat_both(flags, &path);
    }
    // Nothing outside changed.
    assert_eq!(pair.fs.read_file("/outside/secret").unwrap(), SECRET);
    assert_eq!(std::fs::read(pair.tmp.path().join("outside/secret")).unwrap(), SECRET);
    assert_eq!(std::fs::read_dir(pair.tmp.path().join("outside")).unwrap().count(), 1);
    assert_eq!(pair.fs.list_dir("/outside").unwrap().len(), 1);
}

pub fn differential(data: &[u8]) {
    let mut r = Reader(data);
    let mut pair = Pair::new();
    let mut n = 0;
    while !r.is_empty() && n < 48 {
        n += 1;
        let op = r.u8() % 12;
        let path = pair.random_path(&mut r);
        let path2 = pair.random_path(&mut r);
        let fd = 4 + (r.u8() % 4) as u32;
        let plen = (r.u8() % 32) as usize;
        let payload = r.bytes(plen).to_vec();
        let cmp = |what: &str, a: Errno, b: Errno| assert_eq!(a, b, "{what}");
        match op {
            0 => {
                let oflags = (r.u8() % 16) as u32;
                let _ = pair.open_both(r.u8() as u32 & 1, &path, oflags, R_RW);
            }
            1 => {
                let _ = pair.open_both(r.u8() as u32 & 1, &path, O_DIRECTORY, R_READ);
            }
            2 => {
                let a = pair.mem.write(fd, &payload);
                let b = pair.posix.write(fd, &payload);
                assert_eq!(a, b, "write fd {fd}");
            }
            3 => {
                let a = pair.mem.read(fd, 64);
                let b = pair.posix.read(fd, 64);
                assert_eq!(a, b, "read fd {fd}");
            }
            4 => {
                let off = r.u8() as i64 - 16;
                let wh = (r.u8() % 3) as u32;
                assert_eq!(pair.mem.seek(fd, off, wh), pair.posix.seek(fd, off, wh), "seek");
            }
            5 => cmp(
                &format!("mkdir {path:?}"),
                pair.mem.mkdir(3, path.as_bytes()),
                pair.posix.mkdir(3, path.as_bytes()),
            ),
            6 => cmp(
                &format!("rmdir {path:?}"),
                pair.mem.rmdir(3, path.as_bytes()),
                pair.posix.rmdir(3, path.as_bytes()),
            ),
            7 => cmp(
                &format!("unlink {path:?}"),
                pair.mem.unlink(3, path.as_bytes()),
                pair.posix.unlink(3, path.as_bytes()),
            ),
            8 => cmp(
                &format!("rename {path:?} {path2:?}"),
                pair.mem.rename(3, path.as_bytes(), 3, path2.as_bytes()),
                pair.posix.rename(3, path.as_bytes(), 3, path2.as_bytes()),
            ),
            9 => cmp(
                &format!("symlink {path2:?} {path:?}"),
                pair.mem.symlink(path2.as_bytes(), 3, path.as_bytes()),
                pair.posix.symlink(path2.as_bytes(), 3, path.as_bytes()),
            ),
            10 => {
                let a = pair.mem.readlink(3, path.as_bytes());
                let b = pair.posix.readlink(3, path.as_bytes());
                assert_eq!(a, b, "readlink {path:?}");
            }
            _ => {
                let f = r.u8() as u32 & 1;
                pair.stat_both(f, &path);
            }
        }
        let a = pair.mem.ctx.fd_list();
        let b = pair.posix.ctx.fd_list();
        assert_eq!(a, b, "fd tables");
    }
    assert_eq!(pair.fs.read_file("/outside/secret").unwrap(), SECRET);
    assert_eq!(std::fs::read(pair.tmp.path().join("outside/secret")).unwrap(), SECRET);
}
