//! Reading, writing, seeking, attributes of regular files.

use super::*;
use crate::{DEFAULT_REALTIME_START, MEM_DEV};
use wasibox_core::abi::{Advice, ClockId, SetTime, Whence};

const MAX: u64 = i64::MAX as u64;

#[test]
fn read_write_offsets() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    assert_eq!(p.write(&mut h, &[b"hello ", b"", b"world"]).unwrap(), 11);
    assert_eq!(h.offset(), 11);
    assert_eq!(read_n(&p, &mut h, 5), b"");
    assert_eq!(p.seek(&mut h, 0, Whence::Set), Ok(0));
    let (mut a, mut b) = ([0u8; 3], [0u8; 4]);
    assert_eq!(p.read(&mut h, &mut [&mut a[..], &mut b[..]]).unwrap(), 7);
    assert_eq!((&a, &b), (b"hel", b"lo w"));
    assert_eq!(read_n(&p, &mut h, 100), b"orld");
    assert_eq!(read_n(&p, &mut h, 100), b"");
    // Zero-length transfers.
    assert_eq!(p.write(&mut h, &[]).unwrap(), 0);
    assert_eq!(p.read(&mut h, &mut []).unwrap(), 0);
}

#[test]
fn pread_pwrite_do_not_move_the_offset() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    write(&p, &mut h, b"0123456789");
    assert_eq!(p.pwrite(&mut h, &[b"ab"], 3).unwrap(), 2);
    assert_eq!(h.offset(), 10);
    let mut buf = [0u8; 4];
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], 2).unwrap(), 4);
    assert_eq!(&buf, b"2ab5");
    assert_eq!(h.offset(), 10);
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], 100).unwrap(), 0);
    // pwrite past the end leaves a hole of zeros.
    assert_eq!(p.pwrite(&mut h, &[b"Z"], 20).unwrap(), 1);
    assert_eq!(p.filestat(&h).unwrap().size, 21);
    let mut buf = [9u8; 11];
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], 10).unwrap(), 11);
    assert_eq!(&buf, b"\0\0\0\0\0\0\0\0\0\0Z");
}

#[test]
fn append_mode() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"abc");
    let mut h = p.open_at(&r, "f", &with_flags(rw(), FdFlags::APPEND)).unwrap();
    assert_eq!(h.offset(), 0);
    write(&p, &mut h, b"de");
    assert_eq!(h.offset(), 5);
    p.seek(&mut h, 0, Whence::Set).unwrap();
    write(&p, &mut h, b"f");
    assert_eq!(h.offset(), 6);
    // pwrite in append mode appends, ignoring the offset (Linux).
    assert_eq!(p.pwrite(&mut h, &[b"g"], 0).unwrap(), 1);
    assert_eq!(h.offset(), 6);
    assert_eq!(p.fs().read_file("/f").unwrap(), b"abcdefg");
    // Turning APPEND off with set_fdflags.
    p.set_fdflags(&mut h, FdFlags::empty()).unwrap();
    p.seek(&mut h, 0, Whence::Set).unwrap();
    write(&p, &mut h, b"X");
    assert_eq!(p.fs().read_file("/f").unwrap(), b"Xbcdefg");
}

#[test]
fn two_handles_two_offsets() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"abcdef");
    let mut a = p.open_at(&r, "f", &ro()).unwrap();
    let mut b = p.open_at(&r, "f", &rw()).unwrap();
    assert_eq!(read_n(&p, &mut a, 2), b"ab");
    assert_eq!(read_n(&p, &mut b, 3), b"abc");
    write(&p, &mut b, b"XY");
    assert_eq!(read_n(&p, &mut a, 10), b"cXYf");
}

#[test]
fn seek() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"0123456789");
    let mut h = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(p.seek(&mut h, 4, Whence::Set), Ok(4));
    assert_eq!(p.seek(&mut h, 2, Whence::Cur), Ok(6));
    assert_eq!(p.seek(&mut h, -1, Whence::Cur), Ok(5));
    assert_eq!(p.seek(&mut h, 0, Whence::Cur), Ok(5));
    assert_eq!(p.seek(&mut h, -3, Whence::End), Ok(7));
    assert_eq!(p.seek(&mut h, 5, Whence::End), Ok(15));
    assert_eq!(p.seek(&mut h, -1, Whence::Set), Err(Errno::INVAL));
    assert_eq!(p.seek(&mut h, -11, Whence::End), Err(Errno::INVAL));
    assert_eq!(p.seek(&mut h, -16, Whence::Cur), Err(Errno::INVAL));
    assert_eq!(h.offset(), 15, "a failed seek leaves the offset alone");
    assert_eq!(p.seek(&mut h, i64::MAX, Whence::Set), Ok(MAX));
    assert_eq!(p.seek(&mut h, 1, Whence::Cur), Err(Errno::INVAL));
    assert_eq!(p.seek(&mut h, i64::MAX, Whence::End), Err(Errno::INVAL));
    assert_eq!(p.seek(&mut h, i64::MIN, Whence::Cur), Err(Errno::INVAL));
    // Reading past the end after a seek: 0.
    p.seek(&mut h, 100, Whence::Set).unwrap();
    assert_eq!(read_n(&p, &mut h, 4), b"");
    // Directories: SET and CUR, not END.
    let mut d = p.open_dir("/").unwrap();
    assert_eq!(p.seek(&mut d, 3, Whence::Set), Ok(3));
    assert_eq!(p.seek(&mut d, 2, Whence::Cur), Ok(5));
    assert_eq!(p.seek(&mut d, 0, Whence::End), Err(Errno::INVAL));
    assert_eq!(p.seek(&mut d, -1, Whence::Set), Err(Errno::INVAL));
}

#[test]
fn huge_offsets() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], MAX + 1).unwrap_err(), Errno::INVAL);
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], u64::MAX).unwrap_err(), Errno::INVAL);
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], MAX - 1).unwrap_err(), Errno::INVAL);
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], MAX - 4).unwrap(), 0);
    assert_eq!(p.pwrite(&mut h, &[b"ab"], MAX + 1).unwrap_err(), Errno::INVAL);
    assert_eq!(p.pwrite(&mut h, &[b"ab"], MAX - 1).unwrap_err(), Errno::INVAL);
    assert_eq!(p.pwrite(&mut h, &[b"ab"], MAX - 2).unwrap(), 2);
    assert_eq!(p.filestat(&h).unwrap().size, MAX);
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..2]], MAX - 2).unwrap(), 2);
    assert_eq!(&buf[..2], b"ab");
    // The file is at the maximum size: appending is EFBIG.
    let mut a = p.open_at(&r, "f", &with_flags(wo(), FdFlags::APPEND)).unwrap();
    assert_eq!(p.write(&mut a, &[b"x"]).unwrap_err(), Errno::FBIG);
    // A write at an offset that would overflow.
    p.seek(&mut h, i64::MAX, Whence::Set).unwrap();
    assert_eq!(p.write(&mut h, &[b"x"]).unwrap_err(), Errno::INVAL);
    assert_eq!(p.read(&mut h, &mut [&mut buf[..]]).unwrap_err(), Errno::INVAL);
    // ... but only a page of data is stored.
    assert_eq!(p.fs().usage().bytes, crate::PAGE_SIZE as u64);
}

#[test]
fn append_short_write_at_the_size_limit() {
    let p = plat();
    let r = root(&p);
    let h = p.open_at(&r, "f", &create()).unwrap();
    p.set_size(&h, MAX - 2).unwrap();
    let mut a = p.open_at(&r, "f", &with_flags(wo(), FdFlags::APPEND)).unwrap();
    assert_eq!(p.write(&mut a, &[b"abcd"]).unwrap(), 2);
    assert_eq!(p.filestat(&h).unwrap().size, MAX);
}

#[test]
fn directories_reject_data_io() {
    let p = plat();
    let mut d = root(&p);
    let mut buf = [0u8; 4];
    assert_eq!(p.read(&mut d, &mut [&mut buf[..]]).unwrap_err(), Errno::ISDIR);
    assert_eq!(p.pread(&mut d, &mut [&mut buf[..]], 0).unwrap_err(), Errno::ISDIR);
    assert_eq!(p.read(&mut d, &mut []).unwrap(), 0);
    assert_eq!(p.write(&mut d, &[b"x"]).unwrap_err(), Errno::BADF);
    assert_eq!(p.pwrite(&mut d, &[b"x"], 0).unwrap_err(), Errno::BADF);
    assert_eq!(p.set_size(&d, 0).unwrap_err(), Errno::INVAL);
    assert_eq!(p.allocate(&d, 0, 1).unwrap_err(), Errno::BADF);
    assert_eq!(p.sync(&d), Ok(()));
    assert_eq!(p.datasync(&d), Ok(()));
    assert_eq!(p.advise(&d, 0, 0, Advice::Normal), Ok(()));
}

#[test]
fn filestat_of_files_and_dirs() {
    let p = plat();
    let r = root(&p);
    let rs = p.filestat(&r).unwrap();
    assert_eq!((rs.ino, rs.dev, rs.filetype, rs.nlink, rs.size), (1, MEM_DEV, Filetype::Directory, 2, 4096));
    mkfile(&p, &r, "f", b"12345");
    let h = p.open_at(&r, "f", &ro()).unwrap();
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.filetype, st.nlink, st.size, st.dev), (Filetype::RegularFile, 1, 5, MEM_DEV));
    assert_ne!(st.ino, rs.ino);
    assert_eq!(p.stat_at(&r, "f", false).unwrap(), st);
    // nlink of a directory: 2 + subdirectories.
    p.mkdir_at(&r, "a").unwrap();
    p.mkdir_at(&r, "b").unwrap();
    assert_eq!(p.filestat(&r).unwrap().nlink, 4);
    let a = p.open_at(&r, "a", &dir_opts()).unwrap();
    p.mkdir_at(&a, "c").unwrap();
    assert_eq!(p.filestat(&a).unwrap().nlink, 3);
    p.rmdir_at(&r, "b").unwrap();
    assert_eq!(p.filestat(&r).unwrap().nlink, 3);
}

#[test]
fn inode_numbers_are_unique_and_not_reused() {
    let p = plat();
    let r = root(&p);
    let mut seen = alloc::vec::Vec::new();
    for i in 0..20 {
        let name = alloc::format!("f{i}");
        mkfile(&p, &r, &name, b"");
        let ino = p.stat_at(&r, &name, false).unwrap().ino;
        assert!(!seen.contains(&ino));
        seen.push(ino);
        if i % 2 == 0 {
            p.unlink_at(&r, &name).unwrap();
        }
    }
}

#[test]
fn set_size() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    write(&p, &mut h, &[7u8; 10_000]);
    p.set_size(&h, 5000).unwrap();
    assert_eq!(p.filestat(&h).unwrap().size, 5000);
    assert_eq!(p.fs().usage().bytes, 2 * 4096);
    // Growing again exposes zeros, not the old data.
    p.set_size(&h, 10_000).unwrap();
    let data = p.fs().read_file("/f").unwrap();
    assert!(data[..5000].iter().all(|&b| b == 7));
    assert!(data[5000..].iter().all(|&b| b == 0));
    p.set_size(&h, 0).unwrap();
    assert_eq!(p.fs().usage().bytes, 0);
    // Errors.
    assert_eq!(p.set_size(&h, MAX + 1).unwrap_err(), Errno::INVAL);
    let ro_h = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(p.set_size(&ro_h, 1).unwrap_err(), Errno::INVAL);
    // The offset is not moved by truncation.
    let mut h2 = p.open_at(&r, "f", &rw()).unwrap();
    write(&p, &mut h2, b"abc");
    p.set_size(&h2, 1).unwrap();
    assert_eq!(h2.offset(), 3);
    write(&p, &mut h2, b"d");
    assert_eq!(p.fs().read_file("/f").unwrap(), b"a\0\0d");
}

#[test]
fn sparse_files_are_cheap() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    p.set_size(&h, 1 << 40).unwrap();
    assert_eq!(p.filestat(&h).unwrap().size, 1 << 40);
    assert_eq!(p.fs().usage().bytes, 0);
    // Seek far past the end and write.
    p.seek(&mut h, 1 << 50, Whence::Set).unwrap();
    write(&p, &mut h, b"end");
    assert_eq!(p.filestat(&h).unwrap().size, (1 << 50) + 3);
    assert_eq!(p.fs().usage().bytes, 4096);
    let mut buf = [1u8; 8];
    assert_eq!(p.pread(&mut h, &mut [&mut buf[..]], (1 << 50) - 5).unwrap(), 8);
    assert_eq!(&buf, b"\0\0\0\0\0end");
    // Writing zeros into a hole stores nothing.
    p.pwrite(&mut h, &[&[0u8; 10_000]], 1 << 30).unwrap();
    assert_eq!(p.fs().usage().bytes, 4096);
    // Shrinking frees.
    p.set_size(&h, 10).unwrap();
    assert_eq!(p.fs().usage().bytes, 0);
}

#[test]
fn writes_across_pages() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    let data: alloc::vec::Vec<u8> = (0..3 * 4096 + 17).map(|i| (i % 251) as u8 + 1).collect();
    let (a, b) = data.split_at(4095);
    assert_eq!(p.pwrite(&mut h, &[a, b], 100).unwrap(), data.len());
    let mut back = alloc::vec![0u8; data.len()];
    let (x, y) = back.split_at_mut(5000);
    assert_eq!(p.pread(&mut h, &mut [x, y], 100).unwrap(), data.len());
    assert_eq!(back, data);
    assert_eq!(p.fs().usage().bytes, 4 * 4096);
}

#[test]
fn unlinked_file_lives_while_open() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"data");
    let mut h = p.open_at(&r, "f", &rw()).unwrap();
    let before = p.fs().usage();
    p.unlink_at(&r, "f").unwrap();
    assert_eq!(p.stat_at(&r, "f", false).unwrap_err(), Errno::NOENT);
    assert_eq!(p.filestat(&h).unwrap().nlink, 0);
    assert_eq!(read_n(&p, &mut h, 10), b"data");
    write(&p, &mut h, b"more");
    assert_eq!(p.filestat(&h).unwrap().size, 8);
    assert_eq!(p.fs().usage(), before);
    drop(h);
    assert_eq!(p.fs().usage().inodes, before.inodes - 1);
    assert_eq!(p.fs().usage().bytes, 0);
}

#[test]
fn allocate() {
    let p = plat();
    let r = root(&p);
    let h = p.open_at(&r, "f", &create()).unwrap();
    p.allocate(&h, 100, 50).unwrap();
    assert_eq!(p.filestat(&h).unwrap().size, 150);
    p.allocate(&h, 0, 10).unwrap();
    assert_eq!(p.filestat(&h).unwrap().size, 150, "allocate never shrinks");
    assert_eq!(p.allocate(&h, 0, 0).unwrap_err(), Errno::INVAL);
    assert_eq!(p.allocate(&h, MAX + 1, 1).unwrap_err(), Errno::INVAL);
    assert_eq!(p.allocate(&h, 0, MAX + 1).unwrap_err(), Errno::INVAL);
    assert_eq!(p.allocate(&h, MAX, 1).unwrap_err(), Errno::FBIG);
    let ro_h = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(p.allocate(&ro_h, 0, 1).unwrap_err(), Errno::BADF);
    // More than the filesystem holds.
    assert_eq!(p.allocate(&h, 0, 1 << 40).unwrap_err(), Errno::NOSPC);
    assert_eq!(p.filestat(&h).unwrap().size, 150);
}

#[test]
fn advise_and_sync() {
    let p = plat();
    let r = root(&p);
    let h = p.open_at(&r, "f", &create()).unwrap();
    for a in [
        Advice::Normal,
        Advice::Sequential,
        Advice::Random,
        Advice::WillNeed,
        Advice::DontNeed,
        Advice::NoReuse,
    ] {
        assert_eq!(p.advise(&h, 0, 100, a), Ok(()));
    }
    assert_eq!(p.advise(&h, u64::MAX, 0, Advice::Normal), Ok(()));
    assert_eq!(p.advise(&h, 0, MAX + 1, Advice::Normal), Err(Errno::INVAL));
    assert_eq!(p.sync(&h), Ok(()));
    assert_eq!(p.datasync(&h), Ok(()));
}

#[test]
fn timestamps() {
    let p = MemPlatform::new(MemConfig { tick: 0, ..MemConfig::default() });
    let r = root(&p);
    let t0 = DEFAULT_REALTIME_START;
    p.advance_clock(1000);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (t0 + 1000, t0 + 1000, t0 + 1000));
    let rst = p.filestat(&r).unwrap();
    assert_eq!((rst.mtim, rst.ctim), (t0 + 1000, t0 + 1000), "creating an entry touches the dir");
    p.advance_clock(1000);
    write(&p, &mut h, b"x");
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (t0 + 1000, t0 + 2000, t0 + 2000));
    // Reads do not touch atim (noatime).
    p.advance_clock(1000);
    p.seek(&mut h, 0, Whence::Set).unwrap();
    read_n(&p, &mut h, 1);
    assert_eq!(p.filestat(&h).unwrap().atim, t0 + 1000);
    // set_times: explicit, now, omit; ctim always now.
    p.set_times(&h, SetTime::At(5), SetTime::Omit).unwrap();
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (5, t0 + 2000, t0 + 3000));
    p.advance_clock(1000);
    p.set_times(&h, SetTime::Omit, SetTime::Now).unwrap();
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (5, t0 + 4000, t0 + 4000));
    // Both omitted: nothing changes, not even ctim.
    p.advance_clock(1000);
    p.set_times(&h, SetTime::Omit, SetTime::Omit).unwrap();
    assert_eq!(p.filestat(&h).unwrap().ctim, t0 + 4000);
    // Metadata changes: ctim only.
    p.link_at(&r, "f", &r, "g").unwrap();
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.mtim, st.ctim, st.nlink), (t0 + 4000, t0 + 5000, 2));
    p.advance_clock(1000);
    p.set_size(&h, 0).unwrap();
    let st = p.filestat(&h).unwrap();
    assert_eq!((st.mtim, st.ctim), (t0 + 6000, t0 + 6000));
    // The clock a timestamp comes from is the platform's realtime clock.
    assert_eq!(p.peek_clock(ClockId::Realtime), t0 + 6000);
}

#[test]
fn set_times_at() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"");
    p.symlink_at("f", &r, "l").unwrap();
    p.set_times_at(&r, "l", SetTime::At(1), SetTime::At(2), false).unwrap();
    let ls = p.stat_at(&r, "l", false).unwrap();
    assert_eq!((ls.atim, ls.mtim), (1, 2));
    assert_ne!(p.stat_at(&r, "f", false).unwrap().mtim, 2);
    p.set_times_at(&r, "l", SetTime::At(3), SetTime::At(4), true).unwrap();
    let fs = p.stat_at(&r, "f", false).unwrap();
    assert_eq!((fs.atim, fs.mtim), (3, 4));
    assert_eq!(p.stat_at(&r, "l", false).unwrap().mtim, 2);
    p.set_times_at(&r, ".", SetTime::At(7), SetTime::At(8), false).unwrap();
    assert_eq!(p.filestat(&r).unwrap().mtim, 8);
    assert_eq!(p.set_times_at(&r, "missing", SetTime::Now, SetTime::Omit, false).unwrap_err(), Errno::NOENT);
    // Both omitted: Linux does not even look the name up.
    assert_eq!(p.set_times_at(&r, "missing", SetTime::Omit, SetTime::Omit, false), Ok(()));
}
