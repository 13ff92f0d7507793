//! The host-side helpers of `MemFs`, and sharing one filesystem between platforms.

use super::*;
use crate::{Limits, MemFs};

#[test]
fn helpers() {
    let fs = MemFs::new(Limits::default());
    fs.create_dir_all("/a/b/c").unwrap();
    fs.create_dir_all("a/b/c/").unwrap();
    assert_eq!(fs.create_dir("/a").unwrap_err(), Errno::EXIST);
    assert_eq!(fs.create_dir("/").unwrap_err(), Errno::EXIST);
    assert_eq!(fs.create_dir("/x/y").unwrap_err(), Errno::NOENT);
    fs.write_file("/a/b/f", b"one").unwrap();
    fs.write_file("/a/b/f", b"two!").unwrap();
    assert_eq!(fs.read_file("/a/b/f").unwrap(), b"two!");
    assert_eq!(fs.read_file("/a/./b/../b/f").unwrap(), b"two!");
    assert_eq!(fs.read_file("/../../a/b/f").unwrap(), b"two!", "`..` stops at the root");
    assert_eq!(fs.read_file("/a").unwrap_err(), Errno::ISDIR);
    assert_eq!(fs.read_file("/a/b/f/x").unwrap_err(), Errno::NOTDIR);
    assert_eq!(fs.write_file("/a", b"").unwrap_err(), Errno::ISDIR);
    fs.symlink("/a/b", "/ln").unwrap();
    fs.symlink("b/f", "/a/rel").unwrap();
    assert_eq!(fs.read_file("/ln/f").unwrap(), b"two!");
    assert_eq!(fs.read_file("/a/rel").unwrap(), b"two!");
    fs.write_file("/a/rel", b"via link").unwrap();
    assert_eq!(fs.read_file("/a/b/f").unwrap(), b"via link");
    assert_eq!(fs.read_link("/ln").unwrap(), b"/a/b");
    assert_eq!(fs.read_link("/a").unwrap_err(), Errno::INVAL);
    assert_eq!(fs.metadata("/ln").unwrap().filetype, Filetype::Directory);
    assert_eq!(fs.symlink_metadata("/ln").unwrap().filetype, Filetype::SymbolicLink);
    fs.hard_link("/a/b/f", "/hl").unwrap();
    assert_eq!(fs.metadata("/hl").unwrap().nlink, 2);
    let listed: alloc::vec::Vec<_> = fs.list_dir("/").unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(listed, [b"a".to_vec(), b"ln".to_vec(), b"hl".to_vec()]);
    fs.rename("/hl", "/a/hl2").unwrap();
    assert!(fs.exists("/a/hl2") && !fs.exists("/hl"));
    fs.set_times("/a/hl2", Some(11), Some(22)).unwrap();
    let st = fs.metadata("/a/b/f").unwrap();
    assert_eq!((st.atim, st.mtim), (11, 22));
    fs.set_size("/a/b/f", 3).unwrap();
    assert_eq!(fs.read_file("/a/b/f").unwrap(), b"via");
    assert_eq!(fs.remove("/a").unwrap_err(), Errno::NOTEMPTY);
    fs.remove("/ln").unwrap();
    assert!(fs.exists("/a/b"));
    fs.remove("/a/b/c").unwrap();
    fs.remove_all("/a").unwrap();
    assert_eq!(fs.list_dir("/").unwrap(), []);
    assert_eq!(fs.usage().inodes, 1);
    // Loops.
    fs.symlink("/l2", "/l1").unwrap();
    fs.symlink("/l1", "/l2").unwrap();
    assert_eq!(fs.read_file("/l1").unwrap_err(), Errno::LOOP);
    assert_eq!(fs.read_file("/bad\0name").unwrap_err(), Errno::INVAL);
}

#[test]
fn walk_lists_a_tree_in_name_order() {
    let fs = MemFs::default();
    fs.create_dir_all("/t/b/inner").unwrap();
    fs.write_file("/t/a", b"1").unwrap();
    fs.write_file("/t/b/inner/x", b"22").unwrap();
    fs.write_file("/t/c", b"333").unwrap();
    let w = fs.walk("/t").unwrap();
    let paths: alloc::vec::Vec<&[u8]> = w.iter().map(|(p, _)| p.as_slice()).collect();
    assert_eq!(paths, [&b"a"[..], b"b", b"b/inner", b"b/inner/x", b"c"]);
    assert_eq!(w[3].1.size, 2);
}

#[test]
fn host_time_stamps_host_changes() {
    let fs = MemFs::default();
    fs.set_host_time(1234);
    fs.write_file("/f", b"x").unwrap();
    let st = fs.metadata("/f").unwrap();
    assert_eq!((st.atim, st.mtim, st.ctim), (1234, 1234, 1234));
    assert_eq!(fs.host_time(), 1234);
}

#[test]
fn two_platforms_one_fs() {
    let fs = MemFs::default();
    let a = MemPlatform::with_fs(fs.clone(), MemConfig::default());
    let b = MemPlatform::with_fs(fs.clone(), MemConfig { realtime_start: 0, ..MemConfig::default() });
    assert!(a.fs().same_fs(b.fs()));
    let ra = root(&a);
    let rb = root(&b);
    mkfile(&a, &ra, "shared", b"from a");
    let mut h = b.open_at(&rb, "shared", &rw()).unwrap();
    assert_eq!(read_n(&b, &mut h, 10), b"from a");
    write(&b, &mut h, b" and b");
    assert_eq!(fs.read_file("/shared").unwrap(), b"from a and b");
    // b's clock stamped the write.
    assert!(b.filestat(&h).unwrap().mtim < crate::DEFAULT_REALTIME_START);
    // Handles of one platform work in the other (same filesystem).
    assert!(a.stat_at(&rb, "shared", false).is_ok());
    assert!(!fs.same_fs(&MemFs::default()));
}

#[test]
fn remove_all_with_open_handles_inside() {
    let p = plat();
    let fs = p.fs();
    fs.create_dir_all("/t/sub").unwrap();
    fs.write_file("/t/sub/f", b"still here").unwrap();
    fs.symlink("/t", "/t/sub/up").unwrap();
    let mut sub = p.open_dir("/t/sub").unwrap();
    let mut f = p.open_path("/t/sub/f", &ro()).unwrap();
    fs.remove_all("/t").unwrap();
    assert!(!fs.exists("/t"));
    assert_eq!(readdir_n(&p, &mut sub, 0, 10).unwrap_err(), Errno::NOENT);
    assert_eq!(p.open_at(&sub, "g", &create()).unwrap_err(), Errno::NOENT);
    assert_eq!(read_n(&p, &mut f, 20), b"still here");
    assert_eq!(p.filestat(&f).unwrap().nlink, 0);
    drop((sub, f));
    assert_eq!(fs.usage(), crate::Usage { bytes: 0, inodes: 1 });
    assert_eq!(fs.remove_all("/t").unwrap_err(), Errno::NOENT);
    assert_eq!(fs.remove_all("/").unwrap_err(), Errno::BUSY);
}
