//! Descriptor operations on files the guest opened, and on host handles.
#![cfg(windows)]

mod common;
use common::*;
use wasibox_core::abi::{FdFlags, Filetype, SetTime, Whence};
use wasibox_core::{Errno, OpenOptions, Platform};
use wasibox_windows::WindowsHandle;

#[test]
fn create_write_read_seek() {
    let f = fixture();
    let mut h = f.open("a.txt", create());
    assert_eq!(f.p.filetype(&h), Ok(Filetype::RegularFile));
    f.write_all(&mut h, b"hello world");
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(11));
    assert_eq!(f.p.seek(&mut h, 0, Whence::Set), Ok(0));
    assert_eq!(f.read_to_vec(&mut h, 5), b"hello");
    assert_eq!(f.p.seek(&mut h, 1, Whence::Cur), Ok(6));
    assert_eq!(f.read_to_vec(&mut h, 100), b"world");
    assert_eq!(f.read_to_vec(&mut h, 100), b"", "end of file is a 0-byte read");
    assert_eq!(f.p.seek(&mut h, -5, Whence::End), Ok(6));
    assert_eq!(f.p.seek(&mut h, -7, Whence::Cur), Err(Errno::INVAL));
    assert_eq!(f.p.seek(&mut h, -1, Whence::Set), Err(Errno::INVAL));
    // Seeking past the end and writing leaves a hole of zeros.
    assert_eq!(f.p.seek(&mut h, 20, Whence::Set), Ok(20));
    f.write_all(&mut h, b"!");
    drop(h);
    let data = std::fs::read(f.path("a.txt")).unwrap();
    assert_eq!(&data[..11], b"hello world");
    assert_eq!(&data[11..20], &[0u8; 9]);
    assert_eq!(data[20], b'!');
}

#[test]
fn vectored_read_and_write() {
    let f = fixture();
    let mut h = f.open("v", create());
    let n = f.p.write(&mut h, &[b"ab", b"", b"cde", b"f"]).unwrap();
    assert_eq!(n, 6);
    f.p.seek(&mut h, 0, Whence::Set).unwrap();
    let (mut a, mut b, mut c) = ([0u8; 1], [0u8; 0], [0u8; 10]);
    let n = f.p.read(&mut h, &mut [&mut a[..], &mut b[..], &mut c[..]]).unwrap();
    assert_eq!(n, 6);
    assert_eq!(&a, b"a");
    assert_eq!(&c[..5], b"bcdef");
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(6));
}

#[test]
fn pread_pwrite_do_not_move_the_offset() {
    let f = fixture();
    f.host_file("p", b"0123456789");
    let mut h = f.open("p", rw());
    f.p.seek(&mut h, 3, Whence::Set).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(f.p.pread(&mut h, &mut [&mut buf[..]], 5), Ok(4));
    assert_eq!(&buf, b"5678");
    assert_eq!(f.p.pwrite(&mut h, &[b"AB"], 0), Ok(2));
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(3), "offset unchanged");
    assert_eq!(f.read_to_vec(&mut h, 2), b"34", "reads go on from the offset");
    // pread past the end: 0 bytes. pwrite past the end: extends.
    assert_eq!(f.p.pread(&mut h, &mut [&mut buf[..]], 100), Ok(0));
    assert_eq!(f.p.pwrite(&mut h, &[b"Z"], 12), Ok(1));
    assert_eq!(f.p.filestat(&h).unwrap().size, 13);
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(5));
    drop(h);
    assert_eq!(std::fs::read(f.path("p")).unwrap(), b"AB23456789\0\0Z");
}

#[test]
fn append_mode_writes_at_the_end() {
    let f = fixture();
    f.host_file("log", b"one\n");
    let mut h = f.open("log", with_flags(wo(), FdFlags::APPEND));
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::APPEND));
    f.p.seek(&mut h, 0, Whence::Set).unwrap();
    f.write_all(&mut h, b"two\n");
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(8), "after an append write the offset is the end");
    // Someone else appends meanwhile; our next write still lands at the (new) end.
    std::fs::OpenOptions::new().append(true).open(f.path("log")).unwrap();
    {
        use std::io::Write;
        let mut other = std::fs::OpenOptions::new().append(true).open(f.path("log")).unwrap();
        other.write_all(b"three\n").unwrap();
    }
    f.write_all(&mut h, b"four\n");
    // pwrite in append mode appends too (as Linux does).
    assert_eq!(f.p.pwrite(&mut h, &[b"five\n"], 0), Ok(5));
    // Turning APPEND off: writes go to the offset again.
    f.p.set_fdflags(&mut h, FdFlags::empty()).unwrap();
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::empty()));
    f.p.seek(&mut h, 0, Whence::Set).unwrap();
    f.write_all(&mut h, b"ONE");
    drop(h);
    assert_eq!(std::fs::read_to_string(f.path("log")).unwrap(), "ONE\ntwo\nthree\nfour\nfive\n");
}

#[test]
fn open_modes_and_errors() {
    let f = fixture();
    assert_eq!(f.p.open_at(&f.dir, "missing", &ro()).err(), Some(Errno::NOENT));
    f.host_file("x", b"data");
    assert_eq!(
        f.p.open_at(
            &f.dir,
            "x",
            &OpenOptions { create: true, exclusive: true, write: true, ..Default::default() }
        )
        .err(),
        Some(Errno::EXIST)
    );
    // Read-only handle: writing is EBADF; write-only: reading is EBADF.
    let mut r = f.open("x", ro());
    assert_eq!(f.p.write(&mut r, &[b"z"]), Err(Errno::BADF));
    let mut w = f.open("x", wo());
    let mut buf = [0u8; 4];
    assert_eq!(f.p.read(&mut w, &mut [&mut buf[..]]), Err(Errno::BADF));
    // O_TRUNC.
    drop((r, w));
    let h = f.open("x", OpenOptions { write: true, truncate: true, ..Default::default() });
    assert_eq!(f.p.filestat(&h).unwrap().size, 0);
    drop(h);
    // Directories: O_DIRECTORY on a file is ENOTDIR; write or create on a directory EISDIR.
    std::fs::create_dir(f.path("d")).unwrap();
    assert_eq!(f.p.open_at(&f.dir, "x", &dir_opts()).err(), Some(Errno::NOTDIR));
    assert_eq!(f.p.open_at(&f.dir, "d", &wo()).err(), Some(Errno::ISDIR));
    assert_eq!(f.p.open_at(&f.dir, "d", &create()).err(), Some(Errno::ISDIR));
    let mut d = f.open("d", ro());
    assert_eq!(f.p.filetype(&d), Ok(Filetype::Directory));
    assert_eq!(f.p.read(&mut d, &mut [&mut buf[..]]), Err(Errno::ISDIR));
    // "." is the directory itself.
    let me = f.open(".", dir_opts());
    assert_eq!(f.p.filetype(&me), Ok(Filetype::Directory));
    assert_eq!(f.p.filestat(&me).unwrap().ino, f.p.filestat(&f.dir).unwrap().ino);
    assert_eq!(f.p.open_at(&f.dir, ".", &create()).err(), Some(Errno::ISDIR));
    // Relative to a file: ENOTDIR.
    let file = f.open("x", ro());
    assert_eq!(f.p.open_at(&file, "y", &ro()).err(), Some(Errno::NOTDIR));
    assert_eq!(f.p.open_at(&file, ".", &ro()).err(), Some(Errno::NOTDIR));
}

#[test]
fn nested_directories_are_reached_one_component_at_a_time() {
    let f = fixture();
    f.p.mkdir_at(&f.dir, "a").unwrap();
    let a = f.open("a", dir_opts());
    f.p.mkdir_at(&a, "b").unwrap();
    let b = f.p.open_at(&a, "b", &dir_opts()).unwrap();
    let mut h = f.p.open_at(&b, "deep.txt", &create()).unwrap();
    f.write_all(&mut h, b"deep");
    drop(h);
    assert_eq!(std::fs::read(f.path("a").join("b").join("deep.txt")).unwrap(), b"deep");
}

#[test]
fn filestat_sizes_links_and_times() {
    let f = fixture();
    let before =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut h = f.open("s", create());
    f.write_all(&mut h, b"12345");
    let st = f.p.filestat(&h).unwrap();
    assert_eq!(st.filetype, Filetype::RegularFile);
    assert_eq!(st.size, 5);
    assert_eq!(st.nlink, 1);
    assert_ne!(st.ino, 0);
    // Times are WASI nanoseconds since 1970, near now (file systems round, so allow 10 s).
    for t in [st.atim, st.mtim, st.ctim] {
        assert!(t + 10_000_000_000 > before && t < before + 60_000_000_000, "{t} vs {before}");
    }
    let by_name = f.p.stat_at(&f.dir, "s", false).unwrap();
    assert_eq!((by_name.dev, by_name.ino, by_name.size), (st.dev, st.ino, 5));
    let d = f.p.filestat(&f.dir).unwrap();
    assert_eq!(d.filetype, Filetype::Directory);
    assert_eq!(d.dev, st.dev);
}

#[test]
fn set_size_and_allocate() {
    let f = fixture();
    let mut h = f.open("z", create());
    f.write_all(&mut h, b"abcdef");
    f.p.set_size(&h, 3).unwrap();
    assert_eq!(f.p.filestat(&h).unwrap().size, 3);
    f.p.set_size(&h, 10).unwrap();
    assert_eq!(f.p.filestat(&h).unwrap().size, 10);
    // allocate grows, never shrinks.
    f.p.allocate(&h, 0, 4).unwrap();
    assert_eq!(f.p.filestat(&h).unwrap().size, 10);
    f.p.allocate(&h, 8, 100).unwrap();
    assert_eq!(f.p.filestat(&h).unwrap().size, 108);
    assert_eq!(f.p.allocate(&h, 0, 0), Err(Errno::INVAL));
    assert_eq!(f.p.allocate(&h, u64::MAX, 2), Err(Errno::FBIG));
    drop(h);
    let data = std::fs::read(f.path("z")).unwrap();
    assert_eq!(data.len(), 108);
    assert_eq!(&data[..3], b"abc");
    assert!(data[3..].iter().all(|&b| b == 0));
    // Not open for writing: EINVAL for set_size (as Linux's ftruncate), EBADF for allocate.
    let r = f.open("z", ro());
    assert_eq!(f.p.set_size(&r, 0), Err(Errno::INVAL));
    assert_eq!(f.p.allocate(&r, 0, 1), Err(Errno::BADF));
    assert_eq!(f.p.set_size(&f.dir, 0), Err(Errno::INVAL));
}

#[test]
fn set_times_now_omit_and_exact() {
    let f = fixture();
    let h = f.open("t", create());
    let t1 = 1_600_000_000_123_456_700u64; // a multiple of 100 ns: kept exactly
    f.p.set_times(&h, SetTime::At(t1), SetTime::At(t1 + 1_000_000_000)).unwrap();
    let st = f.p.filestat(&h).unwrap();
    assert_eq!(st.atim, t1);
    assert_eq!(st.mtim, t1 + 1_000_000_000);
    // Omit leaves a time alone; Now sets it to about now.
    f.p.set_times(&h, SetTime::Omit, SetTime::Now).unwrap();
    let st2 = f.p.filestat(&h).unwrap();
    assert_eq!(st2.atim, t1);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    assert!(st2.mtim.abs_diff(now) < 10_000_000_000, "{} vs {now}", st2.mtim);
    // Below 100 ns: truncated.
    f.p.set_times(&h, SetTime::At(1_000_000_000_000_000_099), SetTime::Omit).unwrap();
    assert_eq!(f.p.filestat(&h).unwrap().atim, 1_000_000_000_000_000_000);
    // Through a read-only handle too (as futimens on Linux, for the owner).
    let r = f.open("t", ro());
    f.p.set_times(&r, SetTime::Omit, SetTime::At(t1)).unwrap();
    assert_eq!(f.p.filestat(&r).unwrap().mtim, t1);
    // And by name, and on a directory.
    f.p.set_times_at(&f.dir, "t", SetTime::At(t1), SetTime::Omit, false).unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "t", false).unwrap().atim, t1);
    f.p.mkdir_at(&f.dir, "d").unwrap();
    f.p.set_times_at(&f.dir, "d", SetTime::Omit, SetTime::At(t1), false).unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "d", false).unwrap().mtim, t1);
    f.p.set_times_at(&f.dir, ".", SetTime::Omit, SetTime::At(t1), false).unwrap();
    assert_eq!(f.p.filestat(&f.dir).unwrap().mtim, t1);
    assert_eq!(f.p.set_times_at(&f.dir, "nope", SetTime::Now, SetTime::Now, false), Err(Errno::NOENT));
}

#[test]
fn sync_and_fdflags() {
    let f = fixture();
    let mut h = f.open("s", with_flags(create(), FdFlags::DSYNC));
    f.write_all(&mut h, b"x");
    f.p.sync(&h).unwrap();
    f.p.datasync(&h).unwrap();
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::DSYNC));
    assert_eq!(f.p.set_fdflags(&mut h, FdFlags::empty()), Err(Errno::NOTSUP), "sync flags are fixed at open");
    f.p.set_fdflags(&mut h, FdFlags::DSYNC | FdFlags::NONBLOCK).unwrap();
    assert_eq!(f.p.fdflags(&h), Ok(FdFlags::DSYNC | FdFlags::NONBLOCK));
    // A read-only file and a directory: nothing to flush, success.
    let r = f.open("s", ro());
    f.p.sync(&r).unwrap();
    f.p.sync(&f.dir).unwrap();
}

#[test]
fn read_only_preopen_refuses_changes() {
    let f = fixture();
    f.host_file("f", b"data");
    std::fs::create_dir(f.path("d")).unwrap();
    let ro_dir = WindowsHandle::open_dir_readonly(f.tmp.path()).unwrap();
    assert!(ro_dir.is_readonly());
    let mut h = f.p.open_at(&ro_dir, "f", &ro()).unwrap();
    assert_eq!(f.read_to_vec(&mut h, 10), b"data");
    assert_eq!(f.p.set_size(&h, 0), Err(Errno::ROFS));
    assert_eq!(f.p.set_times(&h, SetTime::Now, SetTime::Now), Err(Errno::ROFS));
    assert_eq!(f.p.open_at(&ro_dir, "f", &rw()).err(), Some(Errno::ROFS));
    assert_eq!(f.p.open_at(&ro_dir, "new", &create()).err(), Some(Errno::ROFS));
    assert_eq!(f.p.mkdir_at(&ro_dir, "x"), Err(Errno::ROFS));
    assert_eq!(f.p.rmdir_at(&ro_dir, "d"), Err(Errno::ROFS));
    assert_eq!(f.p.unlink_at(&ro_dir, "f"), Err(Errno::ROFS));
    assert_eq!(f.p.rename_at(&ro_dir, "f", &ro_dir, "g"), Err(Errno::ROFS));
    assert_eq!(f.p.link_at(&ro_dir, "f", &ro_dir, "g"), Err(Errno::ROFS));
    assert_eq!(f.p.symlink_at("f", &ro_dir, "l"), Err(Errno::ROFS));
    assert_eq!(f.p.set_times_at(&ro_dir, "f", SetTime::Now, SetTime::Now, false), Err(Errno::ROFS));
    // What is opened through it is read-only too.
    let sub = f.p.open_at(&ro_dir, "d", &dir_opts()).unwrap();
    assert!(sub.is_readonly());
    assert_eq!(f.p.mkdir_at(&sub, "x"), Err(Errno::ROFS));
    assert_eq!(f.host_names(), vec!["d", "f"]);
}

#[test]
fn host_file_handles_share_the_windows_file_pointer() {
    use std::io::{Read, Seek, SeekFrom, Write};
    let f = fixture();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(f.path("out"))
        .unwrap();
    file.write_all(b"host:").unwrap();
    let mut h = WindowsHandle::dup_from(&file).unwrap();
    assert_eq!(f.p.filetype(&h), Ok(Filetype::RegularFile));
    f.write_all(&mut h, b"guest");
    // pwrite on a host handle restores the shared pointer.
    assert_eq!(f.p.pwrite(&mut h, &[b"H"], 0), Ok(1));
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(10));
    file.write_all(b"!").unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    let mut s = String::new();
    file.read_to_string(&mut s).unwrap();
    assert_eq!(s, "Host:guest!");
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(11), "one pointer, shared with the host");
    let mut buf = [0u8; 4];
    assert_eq!(f.p.pread(&mut h, &mut [&mut buf[..]], 5), Ok(4));
    assert_eq!(&buf, b"gues");
    assert_eq!(f.p.seek(&mut h, 0, Whence::Cur), Ok(11));
}

#[test]
fn close_advise_and_the_optional_socket_calls() {
    use wasibox_core::abi::{Advice, RiFlags, SdFlags};
    let f = fixture();
    let mut h = f.open("f", create());
    f.p.advise(&h, 0, 10, Advice::Sequential).unwrap();
    assert_eq!(f.p.sock_accept(&h, FdFlags::empty()).err(), Some(Errno::NOTSOCK));
    let mut buf = [0u8; 1];
    assert_eq!(f.p.sock_recv(&mut h, &mut [&mut buf[..]], RiFlags::empty()).err(), Some(Errno::NOTSOCK));
    assert_eq!(f.p.sock_send(&mut h, &[b"x"]).err(), Some(Errno::NOTSOCK));
    assert_eq!(f.p.sock_shutdown(&h, SdFlags::RD).err(), Some(Errno::NOTSOCK));
    f.p.close(h).unwrap();
    // Closed: the file can be deleted and its name reused at once, even without POSIX
    // delete semantics.
    f.p.unlink_at(&f.dir, "f").unwrap();
    f.open("f", OpenOptions { write: true, create: true, exclusive: true, ..Default::default() });
}

#[test]
fn directory_handles_take_times_and_stat() {
    let f = fixture();
    f.p.mkdir_at(&f.dir, "d").unwrap();
    let d = f.open("d", dir_opts());
    let t = 1_500_000_000_000_000_000u64;
    f.p.set_times(&d, SetTime::At(t), SetTime::At(t)).unwrap();
    let st = f.p.filestat(&d).unwrap();
    assert_eq!((st.atim, st.mtim, st.filetype, st.size), (t, t, Filetype::Directory, 0));
    assert_eq!(st.ino, f.p.stat_at(&f.dir, "d", false).unwrap().ino);
    // Seeking a directory is allowed (its offsets mean nothing), reading it is EISDIR.
    let mut d = d;
    assert_eq!(f.p.seek(&mut d, 0, Whence::Set), Ok(0));
}
