//! `load_host_dir` / `store_to_host` (feature `std`; not under Miri, which isolates the
//! host filesystem).

use super::*;
use crate::MemFs;
use std::fs;
use std::time::{Duration, UNIX_EPOCH};

fn mtime_ns(path: &std::path::Path) -> u64 {
    let t = fs::symlink_metadata(path).unwrap().modified().unwrap();
    t.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

#[test]
#[cfg_attr(miri, ignore)]
fn load_a_host_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path();
    fs::create_dir_all(h.join("sub/deeper")).unwrap();
    fs::write(h.join("a.txt"), b"alpha").unwrap();
    fs::write(h.join("sub/deeper/b.bin"), [0u8, 1, 2, 255]).unwrap();
    let big: alloc::vec::Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    fs::write(h.join("big"), &big).unwrap();
    let when = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(h.join("a.txt"))
        .unwrap()
        .set_times(fs::FileTimes::new().set_modified(when).set_accessed(when))
        .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("a.txt", h.join("link")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", h.join("abs")).unwrap();
        fs::hard_link(h.join("a.txt"), h.join("sub/hard")).unwrap();
    }
    let mfs = MemFs::default();
    mfs.load_host_dir(h, "/in").unwrap();
    assert_eq!(mfs.read_file("/in/a.txt").unwrap(), b"alpha");
    assert_eq!(mfs.read_file("/in/sub/deeper/b.bin").unwrap(), [0u8, 1, 2, 255]);
    assert_eq!(mfs.read_file("/in/big").unwrap(), big);
    assert_eq!(mfs.metadata("/in/a.txt").unwrap().mtim, 1_000_000_000 * 1_000_000_000);
    assert_eq!(mfs.metadata("/in/sub").unwrap().mtim, mtime_ns(&h.join("sub")));
    #[cfg(unix)]
    {
        assert_eq!(mfs.read_link("/in/link").unwrap(), b"a.txt");
        assert_eq!(mfs.read_link("/in/abs").unwrap(), b"/etc/passwd", "kept verbatim, never followed");
        let a = mfs.metadata("/in/a.txt").unwrap();
        let hl = mfs.metadata("/in/sub/hard").unwrap();
        assert_eq!((a.ino, a.nlink), (hl.ino, 2));
    }
    // Loading again replaces, and is deterministic.
    let again = MemFs::default();
    again.load_host_dir(h, "/in").unwrap();
    assert_eq!(
        again.walk("/").unwrap().iter().map(|(p, s)| (p.clone(), s.ino)).collect::<alloc::vec::Vec<_>>(),
        mfs.walk("/").unwrap().iter().map(|(p, s)| (p.clone(), s.ino)).collect::<alloc::vec::Vec<_>>()
    );
    mfs.load_host_dir(h, "/in").unwrap();
    assert_eq!(mfs.read_file("/in/a.txt").unwrap(), b"alpha");
}

#[test]
#[cfg_attr(miri, ignore)]
fn store_a_tree_to_the_host() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = plat();
    let mfs = p.fs();
    mfs.create_dir_all("/t/d/e").unwrap();
    mfs.write_file("/t/f", b"file").unwrap();
    mfs.write_file("/t/d/g", b"gee").unwrap();
    mfs.symlink("../f", "/t/d/up").unwrap();
    mfs.hard_link("/t/f", "/t/d/f2").unwrap();
    mfs.set_times("/t/f", Some(5_000_000_000), Some(7_000_000_000)).unwrap();
    // A sparse file.
    mfs.write_file("/t/sparse", b"").unwrap();
    mfs.set_size("/t/sparse", 1 << 20).unwrap();
    mfs.set_times("/t/d", None, Some(9_000_000_000)).unwrap();
    mfs.store_to_host("/t", &out).unwrap();
    assert_eq!(fs::read(out.join("f")).unwrap(), b"file");
    assert_eq!(fs::read(out.join("d/g")).unwrap(), b"gee");
    assert!(out.join("d/e").is_dir());
    assert_eq!(fs::metadata(out.join("sparse")).unwrap().len(), 1 << 20);
    assert_eq!(mtime_ns(&out.join("f")), 7_000_000_000);
    assert_eq!(mtime_ns(&out.join("d")), 9_000_000_000);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(fs::read_link(out.join("d/up")).unwrap(), std::path::Path::new("../f"));
        let a = fs::metadata(out.join("f")).unwrap();
        let b = fs::metadata(out.join("d/f2")).unwrap();
        assert_eq!(a.ino(), b.ino());
    }
    // Change the tree and store again: removed entries go, changed ones follow.
    mfs.remove_all("/t/d").unwrap();
    mfs.write_file("/t/f", b"changed").unwrap();
    mfs.create_dir("/t/d").unwrap();
    mfs.write_file("/t/g", b"new").unwrap();
    mfs.store_to_host("/t", &out).unwrap();
    assert_eq!(fs::read(out.join("f")).unwrap(), b"changed");
    assert_eq!(fs::read_dir(out.join("d")).unwrap().count(), 0);
    assert_eq!(fs::read(out.join("g")).unwrap(), b"new");
    assert!(!out.join("sparse").exists() || mfs.exists("/t/sparse"));
    // Round trip.
    let back = MemFs::default();
    back.load_host_dir(&out, "/").unwrap();
    assert_eq!(back.read_file("/f").unwrap(), b"changed");
    assert_eq!(back.read_file("/g").unwrap(), b"new");
}

#[test]
#[cfg(unix)]
#[cfg_attr(miri, ignore)]
fn store_never_follows_host_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let victim = tmp.path().join("victim");
    fs::create_dir_all(&out).unwrap();
    fs::create_dir_all(&victim).unwrap();
    fs::write(victim.join("precious"), b"keep me").unwrap();
    // The host tree has symlinks where the memfs has a file and a directory.
    std::os::unix::fs::symlink(victim.join("precious"), out.join("f")).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("d")).unwrap();
    let mfs = MemFs::default();
    mfs.create_dir_all("/t/d").unwrap();
    mfs.write_file("/t/f", b"overwrite?").unwrap();
    mfs.write_file("/t/d/precious", b"overwrite?").unwrap();
    mfs.store_to_host("/t", &out).unwrap();
    assert_eq!(fs::read(victim.join("precious")).unwrap(), b"keep me");
    assert!(!fs::symlink_metadata(out.join("f")).unwrap().file_type().is_symlink());
    assert!(fs::symlink_metadata(out.join("d")).unwrap().is_dir());
    assert_eq!(fs::read(out.join("d/precious")).unwrap(), b"overwrite?");
    // Deleting entries does not follow symlinks either.
    std::os::unix::fs::symlink(&victim, out.join("extra")).unwrap();
    mfs.store_to_host("/t", &out).unwrap();
    assert!(!out.join("extra").exists());
    assert_eq!(fs::read(victim.join("precious")).unwrap(), b"keep me");
}

#[test]
#[cfg_attr(miri, ignore)]
fn names_that_cannot_be_host_names_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mfs = MemFs::default();
    mfs.create_dir("/t").unwrap();
    // Fine on Unix (any bytes), refused on Windows (not UTF-8).
    mfs.write_file(b"/t/\xff".as_slice(), b"x").unwrap();
    let r = mfs.store_to_host("/t", tmp.path());
    if cfg!(unix) {
        r.unwrap();
    } else {
        assert!(r.is_err());
    }
}
