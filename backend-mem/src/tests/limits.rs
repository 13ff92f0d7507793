//! Capacity limits and fault injection.

use super::*;
use crate::{Limits, MemFs, PAGE_SIZE};

fn small(max_bytes: u64, max_inodes: u64) -> MemPlatform {
    MemPlatform::new(MemConfig { limits: Limits { max_bytes, max_inodes }, ..MemConfig::default() })
}

#[test]
fn byte_limit() {
    let p = small(3 * PAGE_SIZE as u64, 100);
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    // A short write when the space runs out part-way, then ENOSPC.
    let big = alloc::vec![1u8; 5 * PAGE_SIZE];
    assert_eq!(p.write(&mut h, &[&big]).unwrap(), 3 * PAGE_SIZE);
    assert_eq!(p.write(&mut h, &[b"x"]).unwrap_err(), Errno::NOSPC);
    assert_eq!(p.filestat(&h).unwrap().size, 3 * PAGE_SIZE as u64);
    // Rewriting allocated pages needs no space.
    assert_eq!(p.pwrite(&mut h, &[b"yy"], 10).unwrap(), 2);
    // Holes need none either.
    p.set_size(&h, 1 << 30).unwrap();
    // Freeing gives the space back.
    p.set_size(&h, PAGE_SIZE as u64).unwrap();
    assert_eq!(p.fs().usage().bytes, PAGE_SIZE as u64);
    let mut g = p.open_at(&r, "g", &create()).unwrap();
    assert_eq!(p.write(&mut g, &[&big[..2 * PAGE_SIZE]]).unwrap(), 2 * PAGE_SIZE);
    p.unlink_at(&r, "g").unwrap();
    assert_eq!(p.fs().usage().bytes, 3 * PAGE_SIZE as u64, "still open");
    drop(g);
    assert_eq!(p.fs().usage().bytes, PAGE_SIZE as u64);
    // allocate checks the space.
    assert_eq!(p.allocate(&h, 0, 4 * PAGE_SIZE as u64).unwrap_err(), Errno::NOSPC);
    p.allocate(&h, 0, 3 * PAGE_SIZE as u64).unwrap();
}

#[test]
fn symlinks_cost_their_target() {
    let p = small(10, 100);
    let r = root(&p);
    p.symlink_at("0123456789", &r, "a").unwrap();
    assert_eq!(p.symlink_at("x", &r, "b").unwrap_err(), Errno::NOSPC);
    assert_eq!(p.fs().usage().inodes, 2, "the failed symlink's inode was given back");
    p.unlink_at(&r, "a").unwrap();
    p.symlink_at("x", &r, "b").unwrap();
}

#[test]
fn inode_limit() {
    let p = small(1 << 20, 3);
    let r = root(&p);
    assert_eq!(p.fs().usage().inodes, 1);
    p.mkdir_at(&r, "d").unwrap();
    mkfile(&p, &r, "f", b"");
    assert_eq!(p.mkdir_at(&r, "e").unwrap_err(), Errno::NOSPC);
    assert_eq!(p.open_at(&r, "g", &create()).unwrap_err(), Errno::NOSPC);
    assert_eq!(p.symlink_at("t", &r, "l").unwrap_err(), Errno::NOSPC);
    // Hard links cost no inode.
    p.link_at(&r, "f", &r, "f2").unwrap();
    p.rmdir_at(&r, "d").unwrap();
    p.mkdir_at(&r, "e").unwrap();
}

#[test]
fn whole_trees_are_released() {
    let fs = MemFs::new(Limits::default());
    let depth = if cfg!(miri) { 50 } else { 20_000 };
    let mut path = alloc::string::String::new();
    for _ in 0..depth {
        path.push_str("/d");
    }
    fs.create_dir_all(&path).unwrap();
    fs.write_file(alloc::format!("{path}/f"), b"x").unwrap();
    assert_eq!(fs.usage().inodes, depth + 2);
    fs.remove_all("/d").unwrap();
    assert_eq!(fs.usage(), crate::Usage { bytes: 0, inodes: 1 });
    // Dropping a deep tree with the filesystem does not overflow the stack either.
    fs.create_dir_all(&path).unwrap();
    drop(fs);
}

#[test]
fn fault_injection() {
    let p = plat();
    let r = root(&p);
    p.fs().inject_fault("write", Errno::IO, 1);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    assert_eq!(p.write(&mut h, &[b"a"]), Ok(1));
    assert_eq!(p.write(&mut h, &[b"b"]), Err(Errno::IO));
    assert_eq!(p.write(&mut h, &[b"c"]), Ok(1), "one-shot");
    p.fs().inject_fault("*", Errno::NOMEM, 0);
    assert_eq!(p.mkdir_at(&r, "d"), Err(Errno::NOMEM));
    assert_eq!(p.mkdir_at(&r, "d"), Ok(()));
    p.fs().inject_fault("open_at", Errno::ACCES, 0);
    p.fs().clear_faults();
    assert!(p.open_at(&r, "f", &ro()).is_ok());
}

#[test]
fn short_transfer_injection() {
    let p = plat();
    let r = root(&p);
    let mut h = p.open_at(&r, "f", &create()).unwrap();
    // The second write is cut to 3 bytes, across two buffers; the others are whole.
    p.fs().inject_short("write", 3, 1);
    assert_eq!(p.write(&mut h, &[b"ab"]), Ok(2));
    assert_eq!(p.write(&mut h, &[b"cd", b"ef"]), Ok(3));
    assert_eq!(p.write(&mut h, &[b"XY"]), Ok(2), "one-shot");
    assert_eq!(p.fs().read_file("/f").unwrap(), b"abcdeXY");
    // A short pread and a short read.
    p.fs().inject_short("pread", 1, 0);
    let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
    assert_eq!(p.pread(&mut h, &mut [&mut a[..], &mut b[..]], 0), Ok(1));
    assert_eq!(a, [b'a', 0]);
    p.fs().inject_short("read", 0, 0);
    assert_eq!(p.seek(&mut h, 0, wasibox_core::abi::Whence::Set), Ok(0));
    assert_eq!(p.read(&mut h, &mut [&mut a[..]]), Ok(0));
    assert_eq!(p.read(&mut h, &mut [&mut a[..]]), Ok(2));
    assert_eq!(&a, b"ab");
}
