//! `open_at`.

use super::*;
use alloc::string::String;

#[test]
fn create_then_open_existing() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"hello");
    let mut h = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(read_n(&p, &mut h, 10), b"hello");
    assert_eq!(p.filetype(&h), Ok(Filetype::RegularFile));
    // create without exclusive on an existing file opens it untouched.
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    assert_eq!(read_n(&p, &mut h, 10), b"hello");
}

#[test]
fn missing_is_enoent() {
    let p = plat();
    let r = root(&p);
    assert_eq!(p.open_at(&r, "nope", &ro()).unwrap_err(), Errno::NOENT);
    assert_eq!(p.open_at(&r, "nope", &dir_opts()).unwrap_err(), Errno::NOENT);
}

#[test]
fn exclusive_create() {
    let p = plat();
    let r = root(&p);
    let excl = OpenOptions { exclusive: true, ..create() };
    p.open_at(&r, "f", &excl).unwrap();
    assert_eq!(p.open_at(&r, "f", &excl).unwrap_err(), Errno::EXIST);
    p.symlink_at("dangling", &r, "l").unwrap();
    assert_eq!(p.open_at(&r, "l", &excl).unwrap_err(), Errno::EXIST);
    p.mkdir_at(&r, "d").unwrap();
    assert_eq!(p.open_at(&r, "d", &excl).unwrap_err(), Errno::EXIST);
    assert_eq!(p.open_at(&r, ".", &excl).unwrap_err(), Errno::EXIST);
}

#[test]
fn symlinks_are_never_followed() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "target", b"x");
    p.mkdir_at(&r, "dir").unwrap();
    p.symlink_at("target", &r, "l").unwrap();
    p.symlink_at("dir", &r, "ld").unwrap();
    assert_eq!(p.open_at(&r, "l", &ro()).unwrap_err(), Errno::LOOP);
    assert_eq!(p.open_at(&r, "l", &create()).unwrap_err(), Errno::LOOP);
    assert_eq!(p.open_at(&r, "ld", &ro()).unwrap_err(), Errno::LOOP);
    assert_eq!(p.open_at(&r, "l", &dir_opts()).unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.open_at(&r, "ld", &dir_opts()).unwrap_err(), Errno::NOTDIR);
}

#[test]
fn directory_flag_and_directories() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"");
    p.mkdir_at(&r, "d").unwrap();
    assert_eq!(p.open_at(&r, "f", &dir_opts()).unwrap_err(), Errno::NOTDIR);
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    assert!(d.is_dir());
    assert_eq!(p.filetype(&d), Ok(Filetype::Directory));
    // A directory can be opened without the directory flag, read-only.
    let d2 = p.open_at(&r, "d", &ro()).unwrap();
    assert!(d2.is_dir());
    assert_eq!(p.open_at(&r, "d", &wo()).unwrap_err(), Errno::ISDIR);
    assert_eq!(p.open_at(&r, "d", &rw()).unwrap_err(), Errno::ISDIR);
    let trunc = OpenOptions { truncate: true, ..ro() };
    assert_eq!(p.open_at(&r, "d", &trunc).unwrap_err(), Errno::ISDIR);
    // O_CREAT on an existing directory.
    assert_eq!(p.open_at(&r, "d", &create()).unwrap_err(), Errno::ISDIR);
    let create_ro = OpenOptions { create: true, read: true, ..OpenOptions::default() };
    assert_eq!(p.open_at(&r, "d", &create_ro).unwrap_err(), Errno::ISDIR);
    // O_CREAT | O_DIRECTORY: EINVAL (Linux >= 6.4).
    let cd = OpenOptions { create: true, directory: true, ..ro() };
    assert_eq!(p.open_at(&r, "new", &cd).unwrap_err(), Errno::INVAL);
    // "." is the directory itself.
    let dot = p.open_at(&d, ".", &dir_opts()).unwrap();
    assert_eq!(dot.ino(), d.ino());
    assert_eq!(p.open_at(&d, ".", &wo()).unwrap_err(), Errno::ISDIR);
}

#[test]
fn truncate_on_open() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"some data");
    let t = OpenOptions { truncate: true, ..wo() };
    let h = p.open_at(&r, "f", &t).unwrap();
    assert_eq!(p.filestat(&h).unwrap().size, 0);
    // Linux truncates even a read-only open with O_TRUNC.
    mkfile(&p, &r, "g", b"more");
    let t = OpenOptions { truncate: true, ..ro() };
    let h = p.open_at(&r, "g", &t).unwrap();
    assert_eq!(p.filestat(&h).unwrap().size, 0);
}

#[test]
fn dir_argument_must_be_a_directory() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"");
    let f = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(p.open_at(&f, "x", &ro()).unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.open_at(&f, "x", &create()).unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.stat_at(&f, "x", false).unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.mkdir_at(&f, "x").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.rmdir_at(&f, "x").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.unlink_at(&f, "x").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.readlink_at(&f, "x").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.symlink_at("t", &f, "x").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.rename_at(&f, "x", &r, "y").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.rename_at(&r, "f", &f, "y").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.link_at(&f, "x", &r, "y").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.link_at(&r, "f", &f, "y").unwrap_err(), Errno::NOTDIR);
    let now = wasibox_core::abi::SetTime::Now;
    assert_eq!(p.set_times_at(&f, "x", now, now, false).unwrap_err(), Errno::NOTDIR);
    let pipe = p.pipe_handle(crate::MemPipe::new(), true, false);
    assert_eq!(p.open_at(&pipe, "x", &ro()).unwrap_err(), Errno::NOTDIR);
}

#[test]
fn names() {
    let p = plat();
    let r = root(&p);
    let long: String = core::iter::repeat_n('a', 256).collect();
    let max: String = core::iter::repeat_n('a', 255).collect();
    assert_eq!(p.open_at(&r, &long, &create()).unwrap_err(), Errno::NAMETOOLONG);
    assert_eq!(p.open_at(&r, &long, &ro()).unwrap_err(), Errno::NAMETOOLONG);
    assert_eq!(p.mkdir_at(&r, &long).unwrap_err(), Errno::NAMETOOLONG);
    assert_eq!(p.stat_at(&r, &long, false).unwrap_err(), Errno::NAMETOOLONG);
    p.open_at(&r, &max, &create()).unwrap();
    assert_eq!(p.stat_at(&r, &max, false).unwrap().filetype, Filetype::RegularFile);
    // Odd but legal names.
    for n in ["with space", "ünïcödé", "\u{1}\u{7f}", "...", "-", "a\\b"] {
        p.open_at(&r, n, &create()).unwrap();
        assert_eq!(p.stat_at(&r, n, false).unwrap().filetype, Filetype::RegularFile);
    }
    // What the core never sends is refused anyway.
    assert_eq!(p.open_at(&r, "", &create()).unwrap_err(), Errno::NOENT);
    assert_eq!(p.open_at(&r, "..", &ro()).unwrap_err(), Errno::NOTCAPABLE);
    assert_eq!(p.open_at(&r, "a/b", &create()).unwrap_err(), Errno::INVAL);
    assert_eq!(p.open_at(&r, "a\0b", &create()).unwrap_err(), Errno::INVAL);
}

#[test]
fn fdflags_are_kept() {
    let p = plat();
    let r = root(&p);
    let all = FdFlags::APPEND | FdFlags::NONBLOCK | FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC;
    let mut h = p.open_at(&r, "f", &with_flags(create(), all)).unwrap();
    assert_eq!(p.fdflags(&h), Ok(all));
    // set_fdflags changes APPEND and NONBLOCK only, as fcntl(F_SETFL).
    p.set_fdflags(&mut h, FdFlags::empty()).unwrap();
    assert_eq!(p.fdflags(&h), Ok(FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC));
    p.set_fdflags(&mut h, FdFlags::APPEND | FdFlags::SYNC).unwrap();
    assert_eq!(p.fdflags(&h), Ok(FdFlags::APPEND | FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC));
}

#[test]
fn open_modes() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"abc");
    let mut h = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(p.write(&mut h, &[b"x"]).unwrap_err(), Errno::BADF);
    let mut h = p.open_at(&r, "f", &wo()).unwrap();
    let mut b = [0u8; 3];
    assert_eq!(p.read(&mut h, &mut [&mut b[..]]).unwrap_err(), Errno::BADF);
    // Neither read nor write: O_RDONLY.
    let mut h = p.open_at(&r, "f", &OpenOptions::default()).unwrap();
    assert!(h.is_readable() && !h.is_writable());
    assert_eq!(read_n(&p, &mut h, 3), b"abc");
}

#[test]
fn open_path_and_open_dir() {
    let p = plat();
    p.fs().create_dir_all("/a/b").unwrap();
    p.fs().write_file("/a/b/f", b"hi").unwrap();
    p.fs().symlink("/a", "/link").unwrap();
    let d = p.open_dir("/link/b").unwrap();
    assert!(d.is_dir());
    assert_eq!(p.open_dir("/a/b/f").unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.open_dir("/missing").unwrap_err(), Errno::NOENT);
    let mut f = p.open_path("/link/b/f", &ro()).unwrap();
    assert_eq!(read_n(&p, &mut f, 9), b"hi");
    let mut n = p.open_path("/a/new", &create()).unwrap();
    write(&p, &mut n, b"x");
    assert_eq!(p.fs().read_file("/a/new").unwrap(), b"x");
    assert!(p.open_path("/", &dir_opts()).unwrap().is_dir());
}

#[test]
fn creating_in_a_removed_directory() {
    let p = plat();
    let r = root(&p);
    p.mkdir_at(&r, "d").unwrap();
    let d = p.open_at(&r, "d", &dir_opts()).unwrap();
    p.rmdir_at(&r, "d").unwrap();
    assert_eq!(p.open_at(&d, "f", &create()).unwrap_err(), Errno::NOENT);
    assert_eq!(p.mkdir_at(&d, "x").unwrap_err(), Errno::NOENT);
    assert_eq!(p.symlink_at("t", &d, "x").unwrap_err(), Errno::NOENT);
    assert_eq!(p.open_at(&d, "f", &ro()).unwrap_err(), Errno::NOENT);
    assert_eq!(p.filestat(&d).unwrap().nlink, 0);
    assert_eq!(p.stat_at(&d, ".", false).unwrap().ino, d.ino());
    mkfile(&p, &r, "g", b"");
    assert_eq!(p.link_at(&r, "g", &d, "g").unwrap_err(), Errno::NOENT);
    assert_eq!(p.rename_at(&r, "g", &d, "g").unwrap_err(), Errno::NOENT);
}
