//! Directory-relative calls, the read-only preopen, and the openat2 fast path.

mod common;
use common::*;
use wasibox_core::abi::{Filetype, SetTime};
use wasibox_core::{Errno, OpenOptions, Platform};
use wasibox_posix::PosixHandle;

#[test]
fn stat_at_follows_only_when_asked() {
    let f = fixture();
    f.host_file("file", b"12345");
    std::os::unix::fs::symlink("file", f.path("link")).unwrap();
    let st = f.p.stat_at(&f.dir, "link", false).unwrap();
    assert_eq!(st.filetype, Filetype::SymbolicLink);
    assert_eq!(st.size, 4);
    let st = f.p.stat_at(&f.dir, "link", true).unwrap();
    assert_eq!(st.filetype, Filetype::RegularFile);
    assert_eq!(st.size, 5);
    assert_eq!(f.p.stat_at(&f.dir, ".", false).unwrap().filetype, Filetype::Directory);
    assert_eq!(f.p.stat_at(&f.dir, "nope", false), Err(Errno::NOENT));
    std::os::unix::fs::symlink("nowhere", f.path("dangling")).unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "dangling", true), Err(Errno::NOENT));
    assert_eq!(f.p.stat_at(&f.dir, "dangling", false).unwrap().filetype, Filetype::SymbolicLink);
}

#[test]
fn readlink_returns_the_whole_target() {
    let f = fixture();
    f.p.symlink_at("some/target", &f.dir, "l").unwrap();
    assert_eq!(f.p.readlink_at(&f.dir, "l"), Ok(b"some/target".to_vec()));
    // A long target (longer than any first guess of a buffer size).
    let long = "x/".repeat(1500) + "end";
    f.p.symlink_at(&long, &f.dir, "long").unwrap();
    assert_eq!(f.p.readlink_at(&f.dir, "long"), Ok(long.into_bytes()));
    f.host_file("plain", b"");
    assert_eq!(f.p.readlink_at(&f.dir, "plain"), Err(Errno::INVAL));
    assert_eq!(f.p.readlink_at(&f.dir, "missing"), Err(Errno::NOENT));
    // Symlinks are stored as given, even absolute or escaping ones.
    f.p.symlink_at("/etc/passwd", &f.dir, "abs").unwrap();
    assert_eq!(f.p.readlink_at(&f.dir, "abs"), Ok(b"/etc/passwd".to_vec()));
    assert_eq!(f.p.symlink_at("x", &f.dir, "l"), Err(Errno::EXIST));
}

#[test]
fn mkdir_rmdir_unlink() {
    let f = fixture();
    f.p.mkdir_at(&f.dir, "d").unwrap();
    assert!(f.path("d").is_dir());
    assert_eq!(f.p.mkdir_at(&f.dir, "d"), Err(Errno::EXIST));
    assert_eq!(f.p.mkdir_at(&f.dir, "."), Err(Errno::EXIST));
    f.host_file("d/inner", b"");
    assert_eq!(f.p.rmdir_at(&f.dir, "d"), Err(Errno::NOTEMPTY));
    assert_eq!(f.p.unlink_at(&f.dir, "d"), Err(Errno::ISDIR));
    let d = f.open("d", dir_opts());
    assert_eq!(f.p.unlink_at(&d, "inner"), Ok(()));
    assert_eq!(f.p.unlink_at(&d, "inner"), Err(Errno::NOENT));
    assert_eq!(f.p.rmdir_at(&f.dir, "d"), Ok(()));
    assert_eq!(f.p.rmdir_at(&f.dir, "d"), Err(Errno::NOENT));
    f.host_file("file", b"");
    assert_eq!(f.p.rmdir_at(&f.dir, "file"), Err(Errno::NOTDIR));
    assert_eq!(f.p.mkdir_at(&f.dir, "file"), Err(Errno::EXIST));
    // unlink removes a symlink, not its target.
    std::os::unix::fs::symlink("file", f.path("l")).unwrap();
    f.p.unlink_at(&f.dir, "l").unwrap();
    assert!(f.path("file").exists());
    // Through a non-directory: ENOTDIR.
    let file = f.open("file", ro());
    assert_eq!(f.p.mkdir_at(&file, "x"), Err(Errno::NOTDIR));
}

#[test]
fn rename_and_link() {
    let f = fixture();
    f.host_file("a", b"A");
    f.host_file("b", b"B");
    std::fs::create_dir(f.path("sub")).unwrap();
    let sub = f.open("sub", dir_opts());
    f.p.rename_at(&f.dir, "a", &sub, "a2").unwrap();
    assert_eq!(std::fs::read(f.path("sub/a2")).unwrap(), b"A");
    // Replaces a file atomically.
    f.p.rename_at(&sub, "a2", &f.dir, "b").unwrap();
    assert_eq!(std::fs::read(f.path("b")).unwrap(), b"A");
    assert_eq!(f.p.rename_at(&f.dir, "missing", &f.dir, "x"), Err(Errno::NOENT));
    std::fs::create_dir(f.path("full")).unwrap();
    f.host_file("full/x", b"");
    std::fs::create_dir(f.path("empty")).unwrap();
    assert_eq!(f.p.rename_at(&f.dir, "empty", &f.dir, "full"), Err(Errno::NOTEMPTY));
    assert_eq!(f.p.rename_at(&f.dir, "b", &f.dir, "full"), Err(Errno::ISDIR));
    assert_eq!(f.p.rename_at(&f.dir, "full", &f.dir, "b"), Err(Errno::NOTDIR));

    f.p.link_at(&f.dir, "b", &sub, "hard").unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "b", false).unwrap().nlink, 2);
    assert_eq!(f.p.link_at(&f.dir, "b", &sub, "hard"), Err(Errno::EXIST));
    assert_eq!(f.p.link_at(&f.dir, "missing", &sub, "x"), Err(Errno::NOENT));
    // linkat without following links the symlink itself.
    std::os::unix::fs::symlink("b", f.path("sl")).unwrap();
    f.p.link_at(&f.dir, "sl", &f.dir, "sl2").unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "sl2", false).unwrap().filetype, Filetype::SymbolicLink);
}

#[test]
fn set_times_at_on_the_link_or_its_target() {
    let f = fixture();
    f.host_file("target", b"");
    std::os::unix::fs::symlink("target", f.path("link")).unwrap();
    let t = 1_234_567_890_000_000_007u64;
    f.p.set_times_at(&f.dir, "link", SetTime::At(t), SetTime::At(t), false).unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "link", false).unwrap().mtim, t);
    assert_ne!(f.p.stat_at(&f.dir, "target", false).unwrap().mtim, t);
    let u = 1_000_000_000_000_000_001u64;
    f.p.set_times_at(&f.dir, "link", SetTime::Omit, SetTime::At(u), true).unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "target", false).unwrap().mtim, u);
    assert_eq!(f.p.set_times_at(&f.dir, "missing", SetTime::Now, SetTime::Now, false), Err(Errno::NOENT));
}

#[test]
fn names_must_be_one_component() {
    let f = fixture();
    assert_eq!(f.p.mkdir_at(&f.dir, "a/b"), Err(Errno::NOTCAPABLE));
    assert_eq!(f.p.stat_at(&f.dir, "..", false), Err(Errno::NOTCAPABLE));
    assert_eq!(f.p.unlink_at(&f.dir, ""), Err(Errno::NOENT));
    assert_eq!(f.p.readlink_at(&f.dir, "x\0y"), Err(Errno::NOTCAPABLE));
    assert_eq!(f.p.rename_at(&f.dir, "a", &f.dir, "../a"), Err(Errno::NOTCAPABLE));
}

#[test]
fn read_only_preopen_refuses_every_write() {
    let f = fixture();
    f.host_file("file", b"content");
    std::fs::create_dir(f.path("sub")).unwrap();
    f.host_file("sub/inner", b"");
    let ro_dir = PosixHandle::open_dir_readonly(f.tmp.path()).unwrap();
    assert!(ro_dir.is_readonly());
    let p = &f.p;
    // Reads work.
    let mut h = p.open_at(&ro_dir, "file", &ro()).unwrap();
    assert!(h.is_readonly());
    assert_eq!(f.read_to_vec(&mut h, 100), b"content");
    assert_eq!(p.stat_at(&ro_dir, "file", false).unwrap().size, 7);
    // Writes do not.
    let rofs = Err(Errno::ROFS);
    assert_eq!(p.open_at(&ro_dir, "file", &rw()).map(|_| ()), rofs);
    assert_eq!(p.open_at(&ro_dir, "new", &create()).map(|_| ()), rofs);
    assert_eq!(p.open_at(&ro_dir, "file", &OpenOptions { truncate: true, ..ro() }).map(|_| ()), rofs);
    assert_eq!(p.mkdir_at(&ro_dir, "d"), rofs);
    assert_eq!(p.rmdir_at(&ro_dir, "sub"), rofs);
    assert_eq!(p.unlink_at(&ro_dir, "file"), rofs);
    assert_eq!(p.rename_at(&ro_dir, "file", &ro_dir, "file2"), rofs);
    assert_eq!(p.rename_at(&ro_dir, "file", &f.dir, "file2"), rofs);
    assert_eq!(p.rename_at(&f.dir, "file", &ro_dir, "file2"), rofs);
    assert_eq!(p.link_at(&ro_dir, "file", &ro_dir, "file2"), rofs);
    assert_eq!(p.symlink_at("file", &ro_dir, "sl"), rofs);
    assert_eq!(p.set_times_at(&ro_dir, "file", SetTime::Now, SetTime::Now, false), rofs);
    assert_eq!(p.set_times(&h, SetTime::Now, SetTime::Now), rofs);
    assert_eq!(p.set_size(&h, 0), rofs);
    assert_eq!(p.allocate(&h, 0, 100), rofs);
    assert_eq!(p.write(&mut h, &[b"x"]), Err(Errno::BADF));
    // ... and neither through a directory opened through it.
    let sub = p.open_at(&ro_dir, "sub", &dir_opts()).unwrap();
    assert!(sub.is_readonly());
    assert_eq!(p.unlink_at(&sub, "inner"), rofs);
    assert_eq!(p.mkdir_at(&sub, "x"), rofs);
    assert_eq!(p.open_beneath(&ro_dir, "sub/inner", &rw()).map(|r| r.map(|_| ())), Some(rofs));
    // Nothing changed.
    assert_eq!(std::fs::read(f.path("file")).unwrap(), b"content");
    assert!(f.path("sub/inner").exists());
    assert!(!f.path("new").exists());
    // The writable preopen of the same directory still writes.
    assert!(!f.dir.is_readonly());
    p.mkdir_at(&f.dir, "d").unwrap();
}

#[test]
fn open_dir_refuses_a_file() {
    let f = fixture();
    f.host_file("file", b"");
    assert!(PosixHandle::open_dir(&f.path("file")).is_err());
    assert!(PosixHandle::open_dir(&f.path("missing")).is_err());
}

#[cfg(target_os = "linux")]
#[test]
fn open_beneath_stays_beneath() {
    let f = fixture();
    std::fs::create_dir_all(f.path("a/b")).unwrap();
    f.host_file("a/b/file", b"deep");
    std::os::unix::fs::symlink("b", f.path("a/inner")).unwrap();
    std::os::unix::fs::symlink("../..", f.path("a/up")).unwrap();
    std::os::unix::fs::symlink("/etc", f.path("a/abs")).unwrap();
    std::os::unix::fs::symlink("file", f.path("a/b/flink")).unwrap();
    let p = &f.p;
    let open = |path: &str, o: OpenOptions| p.open_beneath(&f.dir, path, &o);
    let Some(r) = open("a/b/file", ro()) else {
        // No openat2 here (old kernel or a seccomp filter): nothing more to test.
        return;
    };
    let mut h = r.unwrap();
    assert_eq!(f.read_to_vec(&mut h, 10), b"deep");
    // Symlinks in the middle are followed, inside.
    let mut h = open("a/inner/file", ro()).unwrap().unwrap();
    assert_eq!(f.read_to_vec(&mut h, 10), b"deep");
    assert_eq!(p.filetype(&open("a/b", dir_opts()).unwrap().unwrap()), Ok(Filetype::Directory));
    assert!(open("a/b/../b/file", ro()).unwrap().is_ok());
    // Escapes go back to the component walk.
    assert!(open("../x", ro()).is_none());
    assert!(open("a/../../x", ro()).is_none());
    assert!(open("/etc/passwd", ro()).is_none());
    assert!(open("a/up/x", ro()).is_none());
    assert!(open("a/abs/passwd", ro()).is_none());
    // The final component is never followed; errors are the kernel's.
    assert_eq!(open("a/b/flink", ro()).unwrap().map(|_| ()), Err(Errno::LOOP));
    assert_eq!(open("a/b/missing", ro()).unwrap().map(|_| ()), Err(Errno::NOENT));
    assert_eq!(open("a/b/file/x", ro()).unwrap().map(|_| ()), Err(Errno::NOTDIR));
    // Creating works.
    let mut h = open("a/b/new", create()).unwrap().unwrap();
    f.write_all(&mut h, b"n");
    assert_eq!(std::fs::read(f.path("a/b/new")).unwrap(), b"n");
}
