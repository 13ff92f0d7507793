//! The sandbox attack suite: escape techniques run through the real dispatcher against
//! every backend (mem and posix), each reported as blocked or escaped.
//!
//! The world of every technique is a fresh tree with `sandbox/` (the guest's only
//! preopen, fd 3) and, beside it, `outside/` (a secret file, a directory holding another
//! secret, a symlink) plus `top-SECRET` and, on mem, an `/etc/passwd` decoy (on posix
//! the host's real one is the target). A technique escapes when
//! - anything outside `sandbox/` changed afterwards (names, kinds, contents, link
//!   targets, sizes, mtimes), or
//! - a descriptor the guest obtained, or a `path_filestat_get`, names an inode outside
//!   the sandbox (by dev and ino), or
//! - a read through a guest descriptor returned secret bytes, or a readdir listed a
//!   name that only exists outside.
//!
//! Reading a planted symlink's *text* with `path_readlink` is allowed (it only returns
//! the target string) and counts as blocked when nothing else leaks.
//!
//! Run with `--nocapture` to see the table.
#![cfg(unix)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use support::*;
use wasibox_core::{Errno, WasiCtx};
use wasibox_mem::{MemConfig, MemFs, MemPlatform};
use wasibox_posix::{PosixHandle, PosixPlatform};

const SECRET: &[u8] = b"TOP-SECRET: the outside file's contents\n";
const SECRET2: &[u8] = b"TOP-SECRET deep in outside/subdir\n";
/// Bytes that must never come back from a read through a guest descriptor.
const MARKERS: &[&[u8]] = &[b"TOP-SECRET", b"root:x:0:0"];
/// Names that exist only outside the sandbox: a listing that shows one escaped.
const OUTSIDE_NAMES: &[&[u8]] = &[
    b"sandbox",
    b"outside",
    b"top-SECRET",
    b"deep-SECRET",
    b"link-in-outside",
    b"passwd",
    b"proc",
    b"etc",
    b"usr",
];

/// A backend with a sandbox and an outside.
trait World {
    fn label(&self) -> &'static str;
    /// A fresh guest whose fd 3 is the sandbox.
    fn guest(&self) -> Guest;
    /// A guest whose fd 3 is the parent of the sandbox: the control that shows the
    /// oracle sees a real escape.
    fn unsandboxed_guest(&self) -> Guest;
    /// How a host-absolute path to `outside/` is written (what an absolute symlink names).
    fn abs_outside(&self) -> String;
    /// Host-side helpers, `at` relative to the sandbox.
    fn plant_symlink(&self, target: &str, at: &str);
    fn plant_dir(&self, at: &str);
    fn plant_file(&self, at: &str, data: &[u8]);
    /// Everything outside the sandbox, for before/after comparison.
    fn snapshot(&self) -> BTreeMap<String, String>;
    /// (dev, ino) of everything outside the sandbox a guest must never get hold of.
    fn forbidden_inos(&self) -> BTreeSet<(u64, u64)>;
    /// A function flipping `sandbox/flip` between a directory (true) and a symlink to
    /// `target` (false), for the swap race.
    fn flipper(&self, target: String) -> Box<dyn FnMut(bool) + Send>;
}

// ----- mem -----------------------------------------------------------------------------

struct MemWorld {
    fs: MemFs,
}

impl MemWorld {
    fn new() -> MemWorld {
        let fs = MemFs::default();
        fs.create_dir_all("/sandbox/a/b").unwrap();
        fs.write_file("/sandbox/f", b"inside file\n").unwrap();
        fs.write_file("/sandbox/a/inner", b"inner file\n").unwrap();
        fs.create_dir_all("/outside/subdir").unwrap();
        fs.create_dir_all("/outside/empty-dir").unwrap();
        fs.write_file("/outside/SECRET-FILE", SECRET).unwrap();
        fs.write_file("/outside/subdir/deep-SECRET", SECRET2).unwrap();
        fs.symlink("SECRET-FILE", "/outside/link-in-outside").unwrap();
        fs.write_file("/top-SECRET", SECRET).unwrap();
        fs.create_dir_all("/etc").unwrap();
        fs.write_file("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh TOP-SECRET\n").unwrap();
        fs.create_dir_all("/proc/self").unwrap();
        fs.symlink("/", "/proc/self/root").unwrap();
        MemWorld { fs }
    }

    fn sb(at: &str) -> String {
        format!("/sandbox/{at}")
    }
}

impl World for MemWorld {
    fn label(&self) -> &'static str {
        "mem"
    }
    fn guest(&self) -> Guest {
        let p = MemPlatform::with_fs(self.fs.clone(), MemConfig::default());
        let dir = p.open_dir("/sandbox").unwrap();
        let ctx: WasiCtx<MemPlatform> = WasiCtx::builder(p).preopen("/sandbox", dir).build().unwrap();
        Guest::new(Box::new(ctx))
    }
    fn unsandboxed_guest(&self) -> Guest {
        let p = MemPlatform::with_fs(self.fs.clone(), MemConfig::default());
        let dir = p.open_dir("/").unwrap();
        let ctx: WasiCtx<MemPlatform> = WasiCtx::builder(p).preopen("/", dir).build().unwrap();
        Guest::new(Box::new(ctx))
    }
    fn abs_outside(&self) -> String {
        "/outside".into()
    }
    fn plant_symlink(&self, target: &str, at: &str) {
        self.fs.symlink(target, Self::sb(at)).unwrap();
    }
    fn plant_dir(&self, at: &str) {
        self.fs.create_dir_all(Self::sb(at)).unwrap();
    }
    fn plant_file(&self, at: &str, data: &[u8]) {
        self.fs.write_file(Self::sb(at), data).unwrap();
    }
    fn snapshot(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (path, st) in self.fs.walk("/").unwrap() {
            let p = String::from_utf8_lossy(&path).into_owned();
            if p == "sandbox" || p.starts_with("sandbox/") {
                continue;
            }
            let what = match st.filetype {
                wasibox_core::abi::Filetype::RegularFile => {
                    format!(
                        "file {:?}",
                        String::from_utf8_lossy(&self.fs.read_file(format!("/{p}")).unwrap())
                    )
                }
                wasibox_core::abi::Filetype::SymbolicLink => {
                    format!(
                        "link {:?}",
                        String::from_utf8_lossy(&self.fs.read_link(format!("/{p}")).unwrap())
                    )
                }
                t => format!("{t:?}"),
            };
            out.insert(
                p,
                format!("{what} ino={} nlink={} size={} mtim={}", st.ino, st.nlink, st.size, st.mtim),
            );
        }
        out
    }
    fn forbidden_inos(&self) -> BTreeSet<(u64, u64)> {
        let mut s = BTreeSet::new();
        let root = self.fs.metadata("/").unwrap();
        s.insert((root.dev, root.ino));
        for (path, st) in self.fs.walk("/").unwrap() {
            if path != b"sandbox" && !path.starts_with(b"sandbox/") {
                s.insert((st.dev, st.ino));
            }
        }
        s
    }
    fn flipper(&self, target: String) -> Box<dyn FnMut(bool) + Send> {
        let fs = self.fs.clone();
        Box::new(move |dir| {
            let _ = fs.remove_all("/sandbox/flip");
            if dir {
                let _ = fs.create_dir("/sandbox/flip");
                let _ = fs.write_file("/sandbox/flip/SECRET-FILE", b"decoy inside the sandbox\n");
            } else {
                let _ = fs.symlink(&target, "/sandbox/flip");
            }
        })
    }
}

// ----- posix ---------------------------------------------------------------------------

struct PosixWorld {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl PosixWorld {
    fn new() -> PosixWorld {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let w = |p: &str, d: &[u8]| std::fs::write(root.join(p), d).unwrap();
        std::fs::create_dir_all(root.join("sandbox/a/b")).unwrap();
        w("sandbox/f", b"inside file\n");
        w("sandbox/a/inner", b"inner file\n");
        std::fs::create_dir_all(root.join("outside/subdir")).unwrap();
        std::fs::create_dir_all(root.join("outside/empty-dir")).unwrap();
        w("outside/SECRET-FILE", SECRET);
        w("outside/subdir/deep-SECRET", SECRET2);
        std::os::unix::fs::symlink("SECRET-FILE", root.join("outside/link-in-outside")).unwrap();
        w("top-SECRET", SECRET);
        PosixWorld { _tmp: tmp, root }
    }

    fn sb(&self, at: &str) -> PathBuf {
        self.root.join("sandbox").join(at)
    }
}

fn walk_host(base: &Path, rel: &str, out: &mut BTreeMap<String, String>) {
    use std::os::unix::fs::MetadataExt;
    let mut names: Vec<_> =
        std::fs::read_dir(base.join(rel)).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    for n in names {
        let n = n.to_string_lossy().into_owned();
        let p = if rel.is_empty() { n.clone() } else { format!("{rel}/{n}") };
        if p == "sandbox" {
            continue;
        }
        let full = base.join(&p);
        let md = std::fs::symlink_metadata(&full).unwrap();
        let what = if md.file_type().is_symlink() {
            format!("link {:?}", std::fs::read_link(&full).unwrap())
        } else if md.is_dir() {
            "dir".to_string()
        } else {
            format!("file {:?}", String::from_utf8_lossy(&std::fs::read(&full).unwrap()))
        };
        out.insert(
            p.clone(),
            format!(
                "{what} ino={} nlink={} size={} mode={:o} mtime={}.{}",
                md.ino(),
                md.nlink(),
                md.size(),
                md.mode(),
                md.mtime(),
                md.mtime_nsec()
            ),
        );
        if md.is_dir() {
            walk_host(base, &p, out);
        }
    }
}

impl World for PosixWorld {
    fn label(&self) -> &'static str {
        "posix"
    }
    fn guest(&self) -> Guest {
        let dir = PosixHandle::open_dir(&self.root.join("sandbox")).unwrap();
        let ctx = WasiCtx::builder(PosixPlatform::new()).preopen("/sandbox", dir).build().unwrap();
        Guest::new(Box::new(ctx))
    }
    fn unsandboxed_guest(&self) -> Guest {
        let dir = PosixHandle::open_dir(&self.root).unwrap();
        let ctx = WasiCtx::builder(PosixPlatform::new()).preopen("/", dir).build().unwrap();
        Guest::new(Box::new(ctx))
    }
    fn abs_outside(&self) -> String {
        self.root.join("outside").to_string_lossy().into_owned()
    }
    fn plant_symlink(&self, target: &str, at: &str) {
        std::os::unix::fs::symlink(target, self.sb(at)).unwrap();
    }
    fn plant_dir(&self, at: &str) {
        std::fs::create_dir_all(self.sb(at)).unwrap();
    }
    fn plant_file(&self, at: &str, data: &[u8]) {
        std::fs::write(self.sb(at), data).unwrap();
    }
    fn snapshot(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        walk_host(&self.root, "", &mut out);
        // Host files a guest symlink could name.
        for p in ["/tmp/wasibox-attack-created", "/etc/wasibox-attack-created"] {
            out.insert(p.into(), format!("exists={}", Path::new(p).exists()));
        }
        out
    }
    fn forbidden_inos(&self) -> BTreeSet<(u64, u64)> {
        use std::os::unix::fs::MetadataExt;
        let mut s = BTreeSet::new();
        let mut add = |p: &Path| {
            if let Ok(md) = std::fs::symlink_metadata(p) {
                s.insert((md.dev(), md.ino()));
            }
        };
        add(Path::new("/"));
        add(Path::new("/etc"));
        add(Path::new("/etc/passwd"));
        add(Path::new("/proc"));
        add(&self.root);
        let mut all = BTreeMap::new();
        walk_host(&self.root, "", &mut all);
        for p in all.keys() {
            add(&self.root.join(p));
        }
        s
    }
    fn flipper(&self, target: String) -> Box<dyn FnMut(bool) + Send> {
        let flip = self.sb("flip");
        Box::new(move |dir| {
            match std::fs::symlink_metadata(&flip) {
                Ok(md) if md.is_dir() => {
                    let _ = std::fs::remove_dir_all(&flip);
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(&flip);
                }
                Err(_) => {}
            }
            if dir {
                if std::fs::create_dir(&flip).is_ok() {
                    let _ = std::fs::write(flip.join("SECRET-FILE"), b"decoy inside the sandbox\n");
                }
            } else {
                let _ = std::os::unix::fs::symlink(&target, &flip);
            }
        })
    }
}

// ----- one technique -------------------------------------------------------------------

/// What a technique sees and does.
struct Attack<'w> {
    w: &'w dyn World,
    g: Guest,
    forbidden: BTreeSet<(u64, u64)>,
    /// Evidence of an escape.
    leaks: Vec<String>,
    /// Errnos (or `ok`) of the calls made, for the table.
    answers: BTreeSet<String>,
}

impl Attack<'_> {
    fn out(&self) -> String {
        self.w.abs_outside()
    }

    fn note(&mut self, what: &str, r: String) {
        let _ = what;
        self.answers.insert(r);
    }

    /// Look at everything a descriptor gives access to.
    fn probe(&mut self, fd: u32, how: &str) {
        if let Ok(st) = self.g.fstat(fd) {
            if self.forbidden.contains(&(st.dev, st.ino)) {
                self.leaks.push(format!("{how}: fd {fd} is outside inode {}", st.ino));
            }
            if st.filetype == FT_DIR {
                if let Ok(names) = self.g.readdir(fd) {
                    for n in names {
                        if OUTSIDE_NAMES.contains(&&n[..]) {
                            self.leaks
                                .push(format!("{how}: readdir listed {:?}", String::from_utf8_lossy(&n)));
                        }
                    }
                }
            }
        }
        if let Ok(data) = self.g.pread(fd, 0, DATA_LEN) {
            self.check_bytes(how, &data);
        }
        if let Ok(data) = self.g.read(fd, DATA_LEN) {
            self.check_bytes(how, &data);
        }
    }

    fn check_bytes(&mut self, how: &str, data: &[u8]) {
        for m in MARKERS {
            if data.windows(m.len()).any(|w| w == *m) {
                self.leaks.push(format!("{how}: read secret bytes"));
            }
        }
    }

    /// `path_open` from the sandbox; probe and close what it gives.
    fn open(&mut self, dirflags: u32, path: impl AsRef<[u8]>, oflags: u32, base: u64) -> Option<u32> {
        self.open_at(3, dirflags, path, oflags, base)
    }

    fn open_at(
        &mut self,
        dirfd: u32,
        dirflags: u32,
        path: impl AsRef<[u8]>,
        oflags: u32,
        base: u64,
    ) -> Option<u32> {
        let path = path.as_ref();
        let r = self.g.open(dirfd, dirflags, path, oflags, base, 0);
        self.note("open", res_en(&r));
        let fd = r.ok()?;
        self.probe(fd, &format!("open {:?}", String::from_utf8_lossy(&path[..path.len().min(60)])));
        Some(fd)
    }

    /// Open, probe, close: read-only, with and without following.
    fn try_read(&mut self, path: impl AsRef<[u8]>) {
        let path = path.as_ref();
        for flags in [0, FOLLOW] {
            if let Some(fd) = self.open(flags, path, 0, R_READ) {
                self.g.close(fd);
            }
            if let Some(fd) = self.open(flags, path, O_DIRECTORY, R_READ) {
                self.g.close(fd);
            }
            self.stat(flags, path);
        }
    }

    fn stat(&mut self, flags: u32, path: impl AsRef<[u8]>) {
        let path = path.as_ref();
        let r = self.g.stat(3, flags, path);
        self.note("stat", res_en(&r));
        if let Ok(st) = r {
            if self.forbidden.contains(&(st.dev, st.ino)) {
                self.leaks.push(format!("stat {:?}: outside inode", String::from_utf8_lossy(path)));
            }
        }
    }

    /// Try to create a file at `path` (following or not) and write to it.
    fn try_create(&mut self, path: impl AsRef<[u8]>) {
        let path = path.as_ref();
        for flags in [0, FOLLOW] {
            for oflags in [O_CREAT, O_CREAT | O_EXCL, O_CREAT | O_TRUNC] {
                if let Some(fd) = self.open(flags, path, oflags, R_RW) {
                    let _ = self.g.write(fd, b"written by the guest");
                    self.g.close(fd);
                }
            }
        }
    }

    fn errno(&mut self, e: Errno) {
        self.answers.insert(en(e));
    }
}

type Technique = fn(&mut Attack<'_>);

/// `(name, setup-and-attack)`: every technique runs in a fresh world.
fn techniques() -> Vec<(&'static str, Technique)> {
    vec![
        ("`..` as the whole path", |a| a.try_read("..")),
        ("`../outside/SECRET-FILE`", |a| a.try_read("../outside/SECRET-FILE")),
        ("`..` chain to /etc/passwd", |a| a.try_read("../../../../../../../../../../etc/passwd")),
        ("200 x `../` then outside", |a| a.try_read(format!("{}outside/SECRET-FILE", "../".repeat(200)))),
        ("`a/../../outside`", |a| a.try_read("a/../../outside/SECRET-FILE")),
        ("`a/b/../../../outside`", |a| a.try_read("a/b/../../../outside/SECRET-FILE")),
        ("`missing/../../outside`", |a| a.try_read("missing/../../outside/SECRET-FILE")),
        ("`f/../../outside` (file as dir)", |a| a.try_read("f/../../outside/SECRET-FILE")),
        ("`./.././outside`", |a| a.try_read("./.././outside/SECRET-FILE")),
        ("absolute `/etc/passwd`", |a| a.try_read("/etc/passwd")),
        ("absolute host path of outside", |a| {
            let p = format!("{}/SECRET-FILE", a.out());
            a.try_read(p);
        }),
        ("`//outside` (double slash)", |a| a.try_read("//outside/SECRET-FILE")),
        ("host symlink -> /proc/self/root", |a| {
            a.w.plant_symlink("/proc/self/root", "procroot");
            let p = format!("procroot{}/SECRET-FILE", a.out());
            a.try_read(p);
            a.try_read("procroot/etc/passwd");
        }),
        ("host abs symlink -> outside dir", |a| {
            a.w.plant_symlink(&a.out(), "absdir");
            a.try_read("absdir/SECRET-FILE");
            a.try_read("absdir");
            a.try_read("absdir/");
        }),
        ("host abs symlink -> secret file", |a| {
            a.w.plant_symlink(&format!("{}/SECRET-FILE", a.out()), "abssecret");
            a.try_read("abssecret");
        }),
        ("host rel symlink -> ../outside", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.try_read("reldir/SECRET-FILE");
            a.try_read("reldir/subdir/deep-SECRET");
            a.try_read("reldir/");
        }),
        ("host rel symlink -> secret file", |a| {
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            a.try_read("relsecret");
        }),
        ("host symlink deep in tree -> ../../../outside", |a| {
            a.w.plant_symlink("../../../outside", "a/b/up");
            a.try_read("a/b/up/SECRET-FILE");
        }),
        ("host symlink chain l1 -> l2 -> ../outside", |a| {
            a.w.plant_symlink("l2", "l1");
            a.w.plant_symlink("../outside", "l2");
            a.try_read("l1/SECRET-FILE");
            a.try_read("l1");
        }),
        ("host symlink -> `..` then outside", |a| {
            a.w.plant_symlink("..", "up");
            a.try_read("up/outside/SECRET-FILE");
            a.try_read("up");
        }),
        ("host symlink -> `a/../..`", |a| {
            a.w.plant_symlink("a/../..", "sneaky");
            a.try_read("sneaky/outside/SECRET-FILE");
        }),
        ("host symlink -> `/` (root)", |a| {
            a.w.plant_symlink("/", "slash");
            a.try_read("slash/etc/passwd");
            a.try_read("slash/../outside/SECRET-FILE");
            a.try_read("slash");
        }),
        ("guest symlink -> ../outside", |a| {
            let e = a.g.symlink(b"../outside", 3, b"g1");
            a.errno(e);
            a.try_read("g1/SECRET-FILE");
            a.try_read("g1");
        }),
        ("guest symlink -> /etc/passwd", |a| {
            let e = a.g.symlink(b"/etc/passwd", 3, b"g2");
            a.errno(e);
            a.try_read("g2");
        }),
        ("guest symlink -> absolute outside", |a| {
            let t = a.out();
            let e = a.g.symlink(t.as_bytes(), 3, b"g3");
            a.errno(e);
            a.try_read("g3/SECRET-FILE");
        }),
        ("guest symlink -> /proc/self/root/...", |a| {
            let t = format!("/proc/self/root{}/SECRET-FILE", a.out());
            let e = a.g.symlink(t.as_bytes(), 3, b"g4");
            a.errno(e);
            a.try_read("g4");
        }),
        ("guest symlink in subdir -> ../../outside", |a| {
            let e = a.g.symlink(b"../../outside", 3, b"a/g5");
            a.errno(e);
            a.try_read("a/g5/SECRET-FILE");
        }),
        ("guest symlink placed through `../`", |a| {
            let e = a.g.symlink(b"SECRET-FILE", 3, b"../outside/g6");
            a.errno(e);
            let e = a.g.symlink(b"x", 3, b"reldir/g6");
            a.errno(e);
        }),
        ("O_CREAT through dangling guest symlink", |a| {
            let e = a.g.symlink(b"../outside/created", 3, b"dangle");
            a.errno(e);
            a.try_create("dangle");
        }),
        ("O_CREAT through dangling host rel symlink", |a| {
            a.w.plant_symlink("../outside/created-rel", "dangle2");
            a.try_create("dangle2");
        }),
        ("O_CREAT through dangling host abs symlink", |a| {
            a.w.plant_symlink(&format!("{}/created-abs", a.out()), "dangle3");
            a.w.plant_symlink("/tmp/wasibox-attack-created", "dangle4");
            a.w.plant_symlink("/etc/wasibox-attack-created", "dangle5");
            a.try_create("dangle3");
            a.try_create("dangle4");
            a.try_create("dangle5");
        }),
        ("O_TRUNC / write through link to secret", |a| {
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            a.w.plant_symlink(&format!("{}/SECRET-FILE", a.out()), "abssecret");
            for p in ["relsecret", "abssecret"] {
                for flags in [0, FOLLOW] {
                    if let Some(fd) = a.open(flags, p, O_TRUNC, R_RW) {
                        let _ = a.g.write(fd, b"clobbered");
                        a.g.close(fd);
                    }
                    if let Some(fd) = a.open(flags, p, 0, R_RW) {
                        let _ = a.g.write(fd, b"clobbered");
                        a.g.set_size(fd, 0);
                        a.g.close(fd);
                    }
                }
            }
        }),
        ("create/mkdir through intermediate symlink", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink(&a.out(), "absdir");
            for d in ["reldir", "absdir"] {
                a.try_create(format!("{d}/newfile"));
                let e = a.g.mkdir(3, format!("{d}/newdir").as_bytes());
                a.errno(e);
                let e = a.g.symlink(b"x", 3, format!("{d}/newlink").as_bytes());
                a.errno(e);
            }
        }),
        ("trailing slashes on outside links", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink(&a.out(), "absdir");
            for p in ["reldir/", "reldir//", "absdir/", "reldir/./", "../", "..//", "a/../../"] {
                a.try_read(p);
                let e = a.g.mkdir(3, p.as_bytes());
                a.errno(e);
            }
        }),
        ("`.`/`..` as final components", |a| {
            a.w.plant_symlink("../outside", "reldir");
            for p in ["reldir/.", "reldir/..", "a/..", "a/b/../..", ".", "./.", "a/../.."] {
                a.try_read(p);
                let e = a.g.rmdir(3, p.as_bytes());
                a.errno(e);
                let e = a.g.unlink(3, p.as_bytes());
                a.errno(e);
            }
        }),
        ("NUL bytes in paths", |a| {
            for p in [
                &b"f\0../../outside/SECRET-FILE"[..],
                b"../outside/SECRET-FILE\0",
                b"\0",
                b"a\0/../../outside",
            ] {
                a.try_read(p);
                a.try_create(p);
                let e = a.g.symlink(p, 3, b"nul-link");
                a.errno(e);
            }
            let e = a.g.symlink(b"../outside", 3, b"ok\0name");
            a.errno(e);
        }),
        ("invalid UTF-8 and overlong `..`", |a| {
            for p in [
                &b"\xc0\xae\xc0\xae/outside/SECRET-FILE"[..],
                b"..\xff/outside",
                b"\xff\xfe",
                b"%2e%2e/outside",
            ] {
                a.try_read(p);
                a.try_create(p);
            }
        }),
        ("very long paths", |a| {
            // Within PATH_MAX, still `..` above the sandbox.
            a.try_read(format!("{}../outside/SECRET-FILE", "./".repeat(2000)));
            // Past PATH_MAX.
            a.try_read(format!("{}../outside/SECRET-FILE", "./".repeat(3000)));
            a.try_read(format!("{}outside/SECRET-FILE", "a/../".repeat(1500)));
            a.try_create("x/".repeat(4000));
        }),
        ("very long components", |a| {
            a.try_read("x".repeat(256));
            a.try_read(format!("{}/../../outside/SECRET-FILE", "y".repeat(300)));
            a.try_create("z".repeat(5000));
            let long_target = format!("{}/../../outside", "q".repeat(4100));
            let e = a.g.symlink(long_target.as_bytes(), 3, b"longlink");
            a.errno(e);
            a.try_read("longlink/SECRET-FILE");
        }),
        ("symlink loops", |a| {
            a.w.plant_symlink("loop2", "loop1");
            a.w.plant_symlink("loop1", "loop2");
            a.w.plant_symlink("self", "self");
            a.w.plant_symlink("./dirloop/../../outside", "dirloop");
            for p in ["loop1", "loop1/x", "self/x", "dirloop", "dirloop/SECRET-FILE"] {
                a.try_read(p);
                a.try_create(p);
            }
        }),
        ("41-link chain ending outside", |a| {
            for i in 0..41 {
                a.w.plant_symlink(&format!("c{}", i + 1), &format!("c{i}"));
            }
            a.w.plant_symlink("../outside", "c41");
            a.try_read("c0/SECRET-FILE");
            a.try_read("c30/SECRET-FILE");
            a.try_create("c35/new");
        }),
        ("fd_renumber a subdir onto the preopen", |a| {
            if let Some(fd) = a.open(0, "a", O_DIRECTORY, R_READ) {
                let e = a.g.renumber(fd, 3);
                a.errno(e);
                a.try_read("../outside/SECRET-FILE");
                a.try_read("../../outside/SECRET-FILE");
                a.try_read("..");
                a.try_create("../escape");
            }
        }),
        ("fd_renumber a file onto the preopen", |a| {
            if let Some(fd) = a.open(0, "f", 0, R_READ) {
                let e = a.g.renumber(fd, 3);
                a.errno(e);
                a.try_read("../outside/SECRET-FILE");
                a.try_read(".");
                a.try_create("new");
            }
        }),
        ("fd_renumber the preopen away and reuse", |a| {
            let e = a.g.renumber(3, 1);
            a.errno(e);
            for fd in [1u32, 3] {
                if let Some(n) = a.open_at(fd, 0, "../outside/SECRET-FILE", 0, R_READ) {
                    a.g.close(n);
                }
                if let Some(n) = a.open_at(fd, 0, "..", 0, R_READ) {
                    a.g.close(n);
                }
            }
            // A closed preopen number reused by a new open.
            a.g.close(1);
            let r = a.g.open(3, 0, b"a", 0, R_READ, 0);
            a.note("open", res_en(&r));
        }),
        ("open a subdir, then `..` from it", |a| {
            if let Some(fd) = a.open(0, "a/b", O_DIRECTORY, R_READ) {
                for p in
                    ["..", "../..", "../../..", "../../outside/SECRET-FILE", "../../../outside/SECRET-FILE"]
                {
                    if let Some(n) = a.open_at(fd, FOLLOW, p, 0, R_READ) {
                        a.g.close(n);
                    }
                }
            }
        }),
        ("rename outside targets into the sandbox", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink(&a.out(), "absdir");
            for src in [
                "../outside/SECRET-FILE",
                "reldir/SECRET-FILE",
                "absdir/SECRET-FILE",
                "../outside/subdir",
                "reldir/subdir",
                "../top-SECRET",
            ] {
                let e = a.g.rename(3, src.as_bytes(), 3, b"stolen");
                a.errno(e);
                a.try_read("stolen");
                a.try_read("stolen/deep-SECRET");
            }
        }),
        ("rename sandbox files to outside", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink(&a.out(), "absdir");
            for dst in [
                "../outside/planted",
                "reldir/planted",
                "absdir/planted",
                "../outside/SECRET-FILE",
                "reldir/SECRET-FILE",
                "../planted",
                "reldir/subdir",
                "reldir/empty-dir",
            ] {
                let e = a.g.rename(3, b"f", 3, dst.as_bytes());
                a.errno(e);
                let e = a.g.rename(3, b"a", 3, dst.as_bytes());
                a.errno(e);
            }
        }),
        ("rename a symlink over and through dirs", |a| {
            // Move a harmless link so that it resolves differently afterwards.
            a.w.plant_symlink("../outside", "a/up2");
            let e = a.g.rename(3, b"a/up2", 3, b"moved");
            a.errno(e);
            a.try_read("moved/SECRET-FILE");
            a.w.plant_symlink("../../outside", "deep");
            let e = a.g.rename(3, b"deep", 3, b"a/b/deep");
            a.errno(e);
            a.try_read("a/b/deep/SECRET-FILE");
        }),
        ("hard link outside targets into the sandbox", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            a.w.plant_symlink(&format!("{}/SECRET-FILE", a.out()), "abssecret");
            for (flags, src) in [
                (0, "../outside/SECRET-FILE"),
                (0, "reldir/SECRET-FILE"),
                (FOLLOW, "relsecret"),
                (FOLLOW, "abssecret"),
                (FOLLOW, "reldir/link-in-outside"),
                (0, "../top-SECRET"),
            ] {
                let e = a.g.link(3, flags, src.as_bytes(), 3, b"hard");
                a.errno(e);
                a.try_read("hard");
                a.g.unlink(3, b"hard");
            }
        }),
        ("hard link sandbox files to outside", |a| {
            a.w.plant_symlink("../outside", "reldir");
            for dst in ["../outside/hard", "reldir/hard", "reldir/subdir/hard", "../hard"] {
                let e = a.g.link(3, 0, b"f", 3, dst.as_bytes());
                a.errno(e);
            }
        }),
        ("hard link of a planted symlink, then follow", |a| {
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            let e = a.g.link(3, 0, b"relsecret", 3, b"a/hardlink-to-link");
            a.errno(e);
            // From a/, the same text `../outside` would still be above the sandbox.
            a.try_read("a/hardlink-to-link");
        }),
        ("readlink of planted links (text only)", |a| {
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            a.w.plant_symlink(&format!("{}/SECRET-FILE", a.out()), "abssecret");
            a.w.plant_symlink("../outside", "reldir");
            for p in ["relsecret", "abssecret", "reldir/link-in-outside", "../outside/link-in-outside"] {
                let r = a.g.readlink(3, p.as_bytes());
                a.note("readlink", res_en(&r));
                if let Ok(t) = r {
                    // The text of a link is fine; the secret file's contents are not.
                    a.check_bytes("readlink", &t);
                }
            }
        }),
        ("set_times through an outside link", |a| {
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            a.w.plant_symlink(&format!("{}/SECRET-FILE", a.out()), "abssecret");
            a.w.plant_symlink("../outside", "reldir");
            for p in [
                "relsecret",
                "abssecret",
                "reldir/SECRET-FILE",
                "reldir",
                "reldir/",
                "../outside/SECRET-FILE",
                "..",
            ] {
                for flags in [0, FOLLOW] {
                    // ATIM | MTIM, set to 0.
                    let e = a.g.set_times(3, flags, p.as_bytes(), 0, 0, 1 | 4);
                    a.errno(e);
                    // ATIM_NOW | MTIM_NOW.
                    let e = a.g.set_times(3, flags, p.as_bytes(), 0, 0, 2 | 8);
                    a.errno(e);
                }
            }
        }),
        ("unlink through links", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink(&a.out(), "absdir");
            for p in [
                "reldir/SECRET-FILE",
                "absdir/SECRET-FILE",
                "reldir/link-in-outside",
                "../outside/SECRET-FILE",
                "../top-SECRET",
                "reldir/subdir/deep-SECRET",
            ] {
                let e = a.g.unlink(3, p.as_bytes());
                a.errno(e);
            }
        }),
        ("rmdir through links", |a| {
            a.w.plant_symlink("../outside", "reldir");
            a.w.plant_symlink(&a.out(), "absdir");
            for p in [
                "reldir/empty-dir",
                "absdir/empty-dir",
                "../outside/empty-dir",
                "reldir",
                "reldir/",
                "absdir/",
            ] {
                let e = a.g.rmdir(3, p.as_bytes());
                a.errno(e);
            }
        }),
        ("path_filestat_get through links", |a| {
            a.w.plant_symlink("../outside/SECRET-FILE", "relsecret");
            a.w.plant_symlink(&format!("{}/SECRET-FILE", a.out()), "abssecret");
            a.w.plant_symlink("../outside", "reldir");
            for p in ["relsecret", "abssecret", "reldir", "reldir/", "reldir/SECRET-FILE", "..", "a/../.."] {
                a.stat(0, p);
                a.stat(FOLLOW, p);
            }
        }),
        ("host swaps a dir for a symlink between calls", |a| {
            // Open a subdirectory, then the host replaces it by a symlink to outside:
            // the guest's descriptor still names the old directory, and lookups
            // through the new link stay inside.
            let fd = a.open(0, "a", O_DIRECTORY, R_READ);
            a.w.plant_dir("moved-away");
            a.w.plant_symlink("../outside", "a2");
            if let Some(fd) = fd {
                for p in ["..", "../outside/SECRET-FILE", "b/../../outside"] {
                    if let Some(n) = a.open_at(fd, FOLLOW, p, 0, R_READ) {
                        a.g.close(n);
                    }
                }
            }
            a.try_read("a2/SECRET-FILE");
        }),
    ]
}

/// The swap race: a host thread flips `sandbox/flip` between a real directory and a
/// symlink to outside while the guest opens, creates, stats, mkdirs and unlinks through
/// it in a loop.
fn swap_race(a: &mut Attack<'_>, target: String, rounds: u32) -> u64 {
    let mut flip = a.w.flipper(target);
    flip(true);
    let stop = Arc::new(AtomicBool::new(false));
    let flips = Arc::new(AtomicU64::new(0));
    let t = {
        let stop = Arc::clone(&stop);
        let flips = Arc::clone(&flips);
        std::thread::spawn(move || {
            let mut dir = false;
            while !stop.load(Ordering::Relaxed) {
                flip(dir);
                dir = !dir;
                flips.fetch_add(1, Ordering::Relaxed);
            }
            flip(true);
        })
    };
    for i in 0..rounds {
        for flags in [0, FOLLOW] {
            if let Some(fd) = a.open(flags, "flip/SECRET-FILE", 0, R_READ) {
                a.g.close(fd);
            }
        }
        if let Some(fd) = a.open(FOLLOW, "flip/subdir", O_DIRECTORY, R_READ) {
            a.g.close(fd);
        }
        if let Some(fd) = a.open(FOLLOW, "flip", O_DIRECTORY, R_READ) {
            a.g.close(fd);
        }
        if let Some(fd) = a.open(0, format!("flip/c{i}"), O_CREAT | O_EXCL, R_RW) {
            let _ = a.g.write(fd, b"raced");
            a.g.close(fd);
        }
        a.stat(FOLLOW, "flip/SECRET-FILE");
        let e = a.g.mkdir(3, format!("flip/d{i}").as_bytes());
        a.errno(e);
        let e = a.g.symlink(b"x", 3, format!("flip/s{i}").as_bytes());
        a.errno(e);
        let e = a.g.unlink(3, b"flip/link-in-outside");
        a.errno(e);
        let e = a.g.set_times(3, FOLLOW, b"flip/SECRET-FILE", 0, 0, 1 | 4);
        a.errno(e);
        let e = a.g.rename(3, b"flip/SECRET-FILE", 3, b"grabbed");
        a.errno(e);
        if e == Errno::SUCCESS {
            a.try_read("grabbed");
            a.g.unlink(3, b"grabbed");
        }
    }
    stop.store(true, Ordering::Relaxed);
    t.join().unwrap();
    flips.load(Ordering::Relaxed)
}

struct Row {
    name: String,
    results: Vec<(String, bool, String)>,
}

fn run_one(w: &dyn World, f: &dyn Fn(&mut Attack<'_>)) -> (bool, String) {
    run_with(w, w.guest(), f)
}

fn run_with(w: &dyn World, g: Guest, f: &dyn Fn(&mut Attack<'_>)) -> (bool, String) {
    let before = w.snapshot();
    let mut a = Attack { w, g, forbidden: w.forbidden_inos(), leaks: Vec::new(), answers: BTreeSet::new() };
    f(&mut a);
    let after = w.snapshot();
    for (k, v) in &before {
        match after.get(k) {
            None => a.leaks.push(format!("outside changed: {k} removed")),
            Some(v2) if v2 != v => a.leaks.push(format!("outside changed: {k}: {v} -> {v2}")),
            _ => {}
        }
    }
    for k in after.keys() {
        if !before.contains_key(k) {
            a.leaks.push(format!("outside changed: {k} created"));
        }
    }
    let escaped = !a.leaks.is_empty();
    let detail =
        if escaped { a.leaks.join("; ") } else { a.answers.iter().cloned().collect::<Vec<_>>().join(",") };
    (escaped, detail)
}

fn worlds() -> Vec<Box<dyn Fn() -> Box<dyn World>>> {
    vec![
        Box::new(|| Box::new(MemWorld::new()) as Box<dyn World>),
        Box::new(|| Box::new(PosixWorld::new()) as Box<dyn World>),
    ]
}

#[test]
fn sandbox_attack_suite() {
    let race_rounds: u32 =
        std::env::var("WASIBOX_RACE_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1500);
    let mut rows: Vec<Row> = Vec::new();
    for (name, t) in techniques() {
        let mut row = Row { name: name.into(), results: Vec::new() };
        for make in worlds() {
            let w = make();
            let (escaped, detail) = run_one(&*w, &t);
            row.results.push((w.label().into(), escaped, detail));
        }
        rows.push(row);
    }
    // The swap race, with a relative and an absolute link target.
    for (label, abs) in [
        ("swap race: dir <-> symlink ../outside", false),
        ("swap race: dir <-> abs symlink to outside", true),
    ] {
        let mut row = Row { name: label.into(), results: Vec::new() };
        for make in worlds() {
            let w = make();
            let target = if abs { w.abs_outside() } else { "../outside".into() };
            let flips = std::cell::Cell::new(0);
            let (escaped, detail) =
                run_one(&*w, &|a: &mut Attack<'_>| flips.set(swap_race(a, target.clone(), race_rounds)));
            let detail = format!("{race_rounds} rounds x 12 calls, {} host flips; {detail}", flips.get());
            row.results.push((w.label().into(), escaped, detail));
        }
        rows.push(row);
    }

    println!("\n| # | technique | mem | posix | answers |");
    println!("|---|---|---|---|---|");
    let mut escapes = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let verdict = |b: bool| if b { "ESCAPED" } else { "blocked" };
        let answers = if r.results[0].2 == r.results[1].2 {
            r.results[0].2.clone()
        } else {
            format!("{} (posix: {})", r.results[0].2, r.results[1].2)
        };
        println!(
            "| {} | {} | {} | {} | {answers} |",
            i + 1,
            r.name,
            verdict(r.results[0].1),
            verdict(r.results[1].1)
        );
        for (label, escaped, detail) in &r.results {
            if *escaped {
                escapes.push(format!("{} on {label}: {detail}", r.name));
            }
        }
    }
    let runs: usize = rows.iter().map(|r| r.results.len()).sum();
    println!("\n{} techniques x 2 backends = {runs} runs; escapes: {}", rows.len(), escapes.len());
    assert!(rows.len() >= 40, "only {} techniques", rows.len());
    assert!(escapes.is_empty(), "escapes:\n{}", escapes.join("\n"));
}

/// The control: with the *parent* of the sandbox preopened, the same oracle must see
/// reads of the secret, outside inodes, outside names and changes outside. If it did
/// not, "0 escapes" above would mean nothing.
#[test]
fn the_oracle_sees_a_real_escape() {
    for make in worlds() {
        let w = make();
        let checks: Vec<(&str, Technique)> = vec![
            ("read", |a| a.try_read("outside/SECRET-FILE")),
            ("readdir", |a| a.try_read(".")),
            ("stat", |a| a.stat(0, "outside/subdir")),
            ("create", |a| a.try_create("outside/new")),
            ("unlink", |a| {
                let e = a.g.unlink(3, b"outside/link-in-outside");
                a.errno(e);
            }),
            ("set_times", |a| {
                let e = a.g.set_times(3, 0, b"outside/SECRET-FILE", 0, 0, 1 | 4);
                a.errno(e);
            }),
            ("host-planted file", |a| a.w.plant_file("../outside/planted-by-host", b"x")),
        ];
        for (name, t) in checks {
            let (escaped, detail) = run_with(&*w, w.unsandboxed_guest(), &t);
            assert!(escaped, "{} {name}: the oracle missed it ({detail})", w.label());
        }
    }
}
