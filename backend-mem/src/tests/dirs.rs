//! Directory-relative calls: mkdir, rmdir, unlink, rename, link, symlink, readlink,
//! stat_at.

use super::*;
use alloc::string::String;

#[test]
fn mkdir() {
    let p = plat();
    let r = root(&p);
    p.mkdir_at(&r, "d").unwrap();
    assert_eq!(p.stat_at(&r, "d", false).unwrap().filetype, Filetype::Directory);
    assert_eq!(p.mkdir_at(&r, "d").unwrap_err(), Errno::EXIST);
    assert_eq!(p.mkdir_at(&r, ".").unwrap_err(), Errno::EXIST);
    mkfile(&p, &r, "f", b"");
    assert_eq!(p.mkdir_at(&r, "f").unwrap_err(), Errno::EXIST);
    p.symlink_at("nowhere", &r, "dangling").unwrap();
    assert_eq!(p.mkdir_at(&r, "dangling").unwrap_err(), Errno::EXIST);
}

#[test]
fn rmdir() {
    let p = plat();
    let r = root(&p);
    p.mkdir_at(&r, "d").unwrap();
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    mkfile(&p, &d, "f", b"");
    assert_eq!(p.rmdir_at(&r, "d").unwrap_err(), Errno::NOTEMPTY);
    assert_eq!(p.rmdir_at(&d, "f").unwrap_err(), Errno::NOTDIR);
    p.symlink_at("/", &r, "l").unwrap();
    assert_eq!(p.rmdir_at(&r, "l").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.rmdir_at(&r, "missing").unwrap_err(), Errno::NOENT);
    assert_eq!(p.rmdir_at(&r, ".").unwrap_err(), Errno::INVAL);
    p.unlink_at(&d, "f").unwrap();
    p.rmdir_at(&r, "d").unwrap();
    assert_eq!(p.stat_at(&r, "d", false).unwrap_err(), Errno::NOENT);
}

#[test]
fn unlink() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"x");
    p.mkdir_at(&r, "d").unwrap();
    p.symlink_at("d", &r, "l").unwrap();
    assert_eq!(p.unlink_at(&r, "d").unwrap_err(), Errno::ISDIR);
    assert_eq!(p.unlink_at(&r, ".").unwrap_err(), Errno::ISDIR);
    assert_eq!(p.unlink_at(&r, "missing").unwrap_err(), Errno::NOENT);
    p.unlink_at(&r, "l").unwrap();
    assert_eq!(p.stat_at(&r, "d", false).unwrap().filetype, Filetype::Directory, "the link, not its target");
    p.unlink_at(&r, "f").unwrap();
    assert_eq!(p.unlink_at(&r, "f").unwrap_err(), Errno::NOENT);
}

#[test]
fn symlink_and_readlink() {
    let p = plat();
    let r = root(&p);
    p.symlink_at("some/where/../odd", &r, "l").unwrap();
    assert_eq!(p.readlink_at(&r, "l").unwrap(), b"some/where/../odd");
    let st = p.stat_at(&r, "l", false).unwrap();
    assert_eq!((st.filetype, st.size, st.nlink), (Filetype::SymbolicLink, 17, 1));
    assert_eq!(p.symlink_at("x", &r, "l").unwrap_err(), Errno::EXIST);
    assert_eq!(p.symlink_at("x", &r, ".").unwrap_err(), Errno::EXIST);
    assert_eq!(p.symlink_at("", &r, "e").unwrap_err(), Errno::NOENT);
    let long: String = core::iter::repeat_n('x', 4096).collect();
    assert_eq!(p.symlink_at(&long, &r, "e").unwrap_err(), Errno::NAMETOOLONG);
    p.symlink_at(&long[..4095], &r, "e").unwrap();
    p.symlink_at("/absolute/ünï", &r, "abs").unwrap();
    assert_eq!(p.readlink_at(&r, "abs").unwrap(), "/absolute/ünï".as_bytes());
    mkfile(&p, &r, "f", b"");
    assert_eq!(p.readlink_at(&r, "f").unwrap_err(), Errno::INVAL);
    assert_eq!(p.readlink_at(&r, ".").unwrap_err(), Errno::INVAL);
    assert_eq!(p.readlink_at(&r, "missing").unwrap_err(), Errno::NOENT);
}

#[test]
fn stat_at_follow() {
    let p = plat();
    let r = root(&p);
    p.mkdir_at(&r, "d").unwrap();
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    mkfile(&p, &d, "f", b"12345");
    p.mkdir_at(&d, "sub").unwrap();
    p.symlink_at("f", &d, "l1").unwrap();
    p.symlink_at("l1", &d, "l2").unwrap();
    p.symlink_at("sub/../f", &d, "l3").unwrap();
    p.symlink_at("../d/f", &d, "up").unwrap();
    p.symlink_at("/d/f", &d, "abs").unwrap();
    p.symlink_at("missing", &d, "dangling").unwrap();
    p.symlink_at("loop", &d, "loop").unwrap();
    let f = p.stat_at(&d, "f", false).unwrap();
    assert_eq!(p.stat_at(&d, "l1", true).unwrap(), f);
    assert_eq!(p.stat_at(&d, "l2", true).unwrap(), f);
    assert_eq!(p.stat_at(&d, "l3", true).unwrap(), f);
    assert_eq!(p.stat_at(&d, "l2", false).unwrap().filetype, Filetype::SymbolicLink);
    assert_eq!(p.stat_at(&d, "up", true).unwrap_err(), Errno::NOTCAPABLE);
    assert_eq!(p.stat_at(&d, "abs", true).unwrap_err(), Errno::NOTCAPABLE);
    assert_eq!(p.stat_at(&d, "dangling", true).unwrap_err(), Errno::NOENT);
    assert_eq!(p.stat_at(&d, "loop", true).unwrap_err(), Errno::LOOP);
    assert_eq!(p.stat_at(&d, ".", true).unwrap().ino, d.ino());
    assert_eq!(p.stat_at(&d, "missing", true).unwrap_err(), Errno::NOENT);
}

#[test]
fn hard_links() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"abc");
    p.mkdir_at(&r, "d").unwrap();
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    p.link_at(&r, "f", &d, "g").unwrap();
    let a = p.stat_at(&r, "f", false).unwrap();
    let b = p.stat_at(&d, "g", false).unwrap();
    assert_eq!(a.ino, b.ino);
    assert_eq!(a.nlink, 2);
    let mut h = p.open_at(&d, "g", &rw()).unwrap();
    p.seek(&mut h, 0, wasibox_core::abi::Whence::End).unwrap();
    write(&p, &mut h, b"def");
    assert_eq!(p.fs().read_file("/f").unwrap(), b"abcdef");
    p.unlink_at(&r, "f").unwrap();
    assert_eq!(p.stat_at(&d, "g", false).unwrap().nlink, 1);
    // Errors.
    assert_eq!(p.link_at(&r, "missing", &r, "x").unwrap_err(), Errno::NOENT);
    assert_eq!(p.link_at(&d, "g", &r, "d").unwrap_err(), Errno::EXIST);
    assert_eq!(p.link_at(&d, "g", &r, ".").unwrap_err(), Errno::EXIST);
    assert_eq!(p.link_at(&r, "d", &r, "d2").unwrap_err(), Errno::PERM);
    assert_eq!(p.link_at(&r, ".", &r, "d2").unwrap_err(), Errno::PERM);
    assert_eq!(p.link_at(&r, "d", &r, "d").unwrap_err(), Errno::EXIST, "EEXIST before EPERM");
    // A symlink is linked itself, not followed.
    p.symlink_at("d/g", &r, "sl").unwrap();
    p.link_at(&r, "sl", &r, "sl2").unwrap();
    let s = p.stat_at(&r, "sl2", false).unwrap();
    assert_eq!((s.filetype, s.nlink), (Filetype::SymbolicLink, 2));
    // Across filesystems.
    let other = plat();
    let or = root(&other);
    assert_eq!(p.link_at(&d, "g", &or, "x").unwrap_err(), Errno::XDEV);
}

#[test]
fn rename_files() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "a", b"A");
    mkfile(&p, &r, "b", b"B");
    let ino_a = p.stat_at(&r, "a", false).unwrap().ino;
    let mut held = p.open_at(&r, "b", &ro()).unwrap();
    p.rename_at(&r, "a", &r, "b").unwrap();
    assert_eq!(p.stat_at(&r, "a", false).unwrap_err(), Errno::NOENT);
    assert_eq!(p.stat_at(&r, "b", false).unwrap().ino, ino_a);
    assert_eq!(p.fs().read_file("/b").unwrap(), b"A");
    // The replaced file lives on in its handle, with no links.
    assert_eq!(read_n(&p, &mut held, 9), b"B");
    assert_eq!(p.filestat(&held).unwrap().nlink, 0);
    // Into another directory.
    p.mkdir_at(&r, "d").unwrap();
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    p.rename_at(&r, "b", &d, "c").unwrap();
    assert_eq!(p.fs().read_file("/d/c").unwrap(), b"A");
    // Rename onto itself, and between two hard links: no-ops.
    p.rename_at(&d, "c", &d, "c").unwrap();
    p.link_at(&d, "c", &r, "c2").unwrap();
    p.rename_at(&d, "c", &r, "c2").unwrap();
    assert!(p.stat_at(&d, "c", false).is_ok(), "hard links: nothing happens");
    assert_eq!(p.stat_at(&r, "c2", false).unwrap().nlink, 2);
    // Symlinks are renamed, not followed.
    p.symlink_at("d", &r, "l").unwrap();
    p.rename_at(&r, "l", &r, "l2").unwrap();
    assert_eq!(p.readlink_at(&r, "l2").unwrap(), b"d");
}

#[test]
fn rename_errors() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"");
    p.mkdir_at(&r, "d").unwrap();
    p.mkdir_at(&r, "e").unwrap();
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    mkfile(&p, &d, "x", b"");
    p.mkdir_at(&d, "sub").unwrap();
    let sub = p.open_at(&d, "sub", &dir_opts()).unwrap();
    assert_eq!(p.rename_at(&r, "missing", &r, "y").unwrap_err(), Errno::NOENT);
    assert_eq!(p.rename_at(&r, "f", &r, "d").unwrap_err(), Errno::ISDIR);
    assert_eq!(p.rename_at(&r, "e", &r, "f").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.rename_at(&r, "e", &r, "d").unwrap_err(), Errno::NOTEMPTY);
    assert_eq!(p.rename_at(&r, ".", &r, "y").unwrap_err(), Errno::BUSY);
    assert_eq!(p.rename_at(&r, "f", &r, ".").unwrap_err(), Errno::BUSY);
    // Into its own subtree.
    assert_eq!(p.rename_at(&r, "d", &d, "inside").unwrap_err(), Errno::INVAL);
    assert_eq!(p.rename_at(&r, "d", &sub, "deeper").unwrap_err(), Errno::INVAL);
    // Onto an ancestor of the source.
    assert_eq!(p.rename_at(&sub, ".", &r, "d").unwrap_err(), Errno::BUSY);
    p.mkdir_at(&sub, "s2").unwrap();
    assert_eq!(p.rename_at(&sub, "s2", &r, "d").unwrap_err(), Errno::NOTEMPTY);
    let other = plat();
    assert_eq!(p.rename_at(&r, "f", &root(&other), "f").unwrap_err(), Errno::XDEV);
    // Nothing moved.
    assert!(p.stat_at(&r, "f", false).is_ok());
    assert!(p.stat_at(&d, "sub", false).is_ok());
}

#[test]
fn rename_directories() {
    let p = plat();
    let r = root(&p);
    p.mkdir_at(&r, "a").unwrap();
    p.mkdir_at(&r, "b").unwrap();
    p.mkdir_at(&r, "empty").unwrap();
    let a = p.open_at(&r, "a", &dir_opts()).unwrap();
    mkfile(&p, &a, "f", b"in a");
    let held = p.open_at(&r, "empty", &dir_opts()).unwrap();
    // Over an empty directory.
    p.rename_at(&r, "a", &r, "empty").unwrap();
    assert_eq!(p.fs().read_file("/empty/f").unwrap(), b"in a");
    assert_eq!(p.filestat(&held).unwrap().nlink, 0);
    assert_eq!(p.filestat(&r).unwrap().nlink, 4);
    // Into another directory: nlink of both parents and `..` follow.
    let b = p.open_at(&r, "b", &dir_opts()).unwrap();
    p.rename_at(&r, "empty", &b, "moved").unwrap();
    assert_eq!(p.filestat(&r).unwrap().nlink, 3);
    assert_eq!(p.filestat(&b).unwrap().nlink, 3);
    let mut m = p.open_at(&b, "moved", &dir_opts()).unwrap();
    let ents = readdir_n(&p, &mut m, 0, 10).unwrap();
    assert_eq!(ents[1].name, "..");
    assert_eq!(ents[1].ino, b.ino());
    assert_eq!(p.fs().read_file("/b/moved/f").unwrap(), b"in a");
    // The handle opened before the move still works.
    mkfile(&p, &a, "g", b"");
    assert!(p.fs().exists("/b/moved/g"));
}

#[test]
fn dot_names() {
    let p = plat();
    let r = root(&p);
    let st = p.stat_at(&r, ".", false).unwrap();
    assert_eq!(st.ino, 1);
    assert_eq!(p.open_at(&r, ".", &dir_opts()).unwrap().ino(), 1);
}
