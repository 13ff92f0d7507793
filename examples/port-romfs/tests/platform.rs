//! The ROM platform through the `Platform` trait, call by call: the answers a guest's
//! calls end in, Linux's on a read-only mount.

#[path = "support/board.rs"]
#[allow(dead_code)] // `with_input` serves the conformance adapter
mod board;

use board::TestBoard;
use wasibox_core::abi::{Errno, Filetype, SetTime, Whence};
use wasibox_core::{OpenOptions, Platform};
use wasibox_example_romfs::demo::DEMO_IMAGE;
use wasibox_example_romfs::{BadImage, RomConfig, RomEntry, RomImage, RomPlatform, Stream};

fn platform() -> RomPlatform<TestBoard> {
    let image = RomImage::new(DEMO_IMAGE).unwrap();
    RomPlatform::new(image, TestBoard::default(), RomConfig { epoch_ns: 1_000, seed: 1 })
}

const READ: OpenOptions = OpenOptions {
    read: true,
    write: false,
    create: false,
    exclusive: false,
    truncate: false,
    directory: false,
    fdflags: wasibox_core::abi::FdFlags::empty(),
};

/// Every entry from `cookie` on: (name, next, filetype).
fn list(p: &RomPlatform<TestBoard>, dir: &str, cookie: u64, max: usize) -> Vec<(String, u64, Filetype)> {
    let mut h = p.open_dir(dir).unwrap();
    let mut out = Vec::new();
    p.readdir(&mut h, cookie, &mut |e| {
        out.push((String::from_utf8_lossy(e.name).into_owned(), e.next, e.filetype));
        out.len() < max
    })
    .unwrap();
    out
}

#[test]
fn readdir_lists_dot_dotdot_and_entries_and_resumes_at_any_cookie() {
    let p = platform();
    let all = list(&p, "etc", 0, usize::MAX);
    let names: Vec<&str> = all.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, [".", "..", "motd", "empty"]);
    assert_eq!(all[2].2, Filetype::RegularFile);
    assert_eq!(all[3].2, Filetype::Directory);
    // Resuming at each entry's cookie gives the rest of the listing.
    for (i, (_, next, _)) in all.iter().enumerate() {
        let rest: Vec<String> = list(&p, "etc", *next, usize::MAX).into_iter().map(|e| e.0).collect();
        let want: Vec<String> = all[i + 1..].iter().map(|e| e.0.clone()).collect();
        assert_eq!(rest, want, "after cookie {next}");
    }
    // A sink that stops after one entry gets one; a cookie past the end gets nothing.
    assert_eq!(list(&p, "etc", 0, 1).len(), 1);
    assert!(list(&p, "etc", u64::MAX, usize::MAX).is_empty());
    // `..` of a directory is its parent: the root's inode.
    let root_ino = p.filestat(&p.open_dir("/").unwrap()).unwrap().ino;
    let dotdot = p.open_dir("etc").unwrap();
    let mut ino = 0;
    let mut h = dotdot;
    p.readdir(&mut h, 1, &mut |e| {
        ino = e.ino;
        false
    })
    .unwrap();
    assert_eq!(ino, root_ino);
}

#[test]
fn stat_reports_inode_size_type_and_links() {
    let p = platform();
    let root = p.open_dir("/").unwrap();
    let file = p.stat_at(&root, "hello.txt", false).unwrap();
    assert_eq!((file.filetype, file.size, file.nlink), (Filetype::RegularFile, 20, 1));
    assert_eq!(file.mtim, 1_000, "timestamps are the epoch");
    let etc = p.stat_at(&root, "etc", true).unwrap();
    assert_eq!((etc.filetype, etc.nlink), (Filetype::Directory, 3), "etc has one subdirectory");
    assert_ne!(etc.ino, file.ino);
    assert_eq!(p.stat_at(&root, ".", false).unwrap().ino, p.filestat(&root).unwrap().ino);
    assert_eq!(p.stat_at(&root, "missing", false).unwrap_err(), Errno::NOENT);
    let h = p.open_at(&root, "hello.txt", &READ).unwrap();
    assert_eq!(p.stat_at(&h, "x", false).unwrap_err(), Errno::NOTDIR, "a file is no directory");
}

#[test]
fn open_at_answers_as_linux_on_a_read_only_mount() {
    let p = platform();
    let root = p.open_dir("/").unwrap();
    let dir = OpenOptions { directory: true, ..READ };
    let write = OpenOptions { write: true, ..READ };
    let create = OpenOptions { create: true, ..write };
    assert!(p.open_at(&root, "etc", &dir).is_ok());
    assert_eq!(p.open_at(&root, "hello.txt", &dir).unwrap_err(), Errno::NOTDIR);
    assert_eq!(p.open_at(&root, "missing", &READ).unwrap_err(), Errno::NOENT);
    assert_eq!(p.open_at(&root, "etc", &write).unwrap_err(), Errno::ISDIR);
    assert_eq!(p.open_at(&root, "hello.txt", &write).unwrap_err(), Errno::ROFS);
    assert_eq!(p.open_at(&root, "new", &create).unwrap_err(), Errno::ROFS);
    let excl = OpenOptions { exclusive: true, ..create };
    assert_eq!(p.open_at(&root, "hello.txt", &excl).unwrap_err(), Errno::EXIST);
    let trunc = OpenOptions { truncate: true, ..READ };
    assert_eq!(p.open_at(&root, "hello.txt", &trunc).unwrap_err(), Errno::ROFS);
    // O_CREAT on an existing file without writing is just an open.
    assert!(p.open_at(&root, "hello.txt", &OpenOptions { create: true, ..READ }).is_ok());
}

#[test]
fn every_change_is_refused_with_the_errno_linux_reports_first() {
    let p = platform();
    let root = p.open_dir("/").unwrap();
    assert_eq!(p.mkdir_at(&root, "etc").unwrap_err(), Errno::EXIST);
    assert_eq!(p.mkdir_at(&root, "new").unwrap_err(), Errno::ROFS);
    assert_eq!(p.rmdir_at(&root, "etc").unwrap_err(), Errno::ROFS);
    assert_eq!(p.rmdir_at(&root, ".").unwrap_err(), Errno::INVAL);
    assert_eq!(p.unlink_at(&root, "missing").unwrap_err(), Errno::ROFS, "EROFS before the lookup");
    assert_eq!(p.rename_at(&root, "hello.txt", &root, "x").unwrap_err(), Errno::ROFS);
    assert_eq!(p.link_at(&root, "missing", &root, "x").unwrap_err(), Errno::NOENT);
    assert_eq!(p.link_at(&root, "hello.txt", &root, "etc").unwrap_err(), Errno::EXIST);
    assert_eq!(p.symlink_at("t", &root, "x").unwrap_err(), Errno::ROFS);
    assert_eq!(p.readlink_at(&root, "hello.txt").unwrap_err(), Errno::INVAL);
    assert_eq!(
        p.set_times_at(&root, "hello.txt", SetTime::Now, SetTime::Omit, false).unwrap_err(),
        Errno::ROFS
    );
    assert!(p.set_times_at(&root, "missing", SetTime::Omit, SetTime::Omit, false).is_ok(), "nothing to do");
    let mut f = p.open_at(&root, "hello.txt", &READ).unwrap();
    assert_eq!(p.write(&mut f, &[b"x"]).unwrap_err(), Errno::BADF);
    assert_eq!(p.set_size(&f, 0).unwrap_err(), Errno::INVAL);
    assert_eq!(p.set_times(&f, SetTime::At(5), SetTime::Omit).unwrap_err(), Errno::ROFS);
    assert_eq!(p.allocate(&f, 0, 1).unwrap_err(), Errno::NOTSUP, "the trait's default");
}

#[test]
fn files_read_and_seek_with_their_own_offset() {
    let p = platform();
    let root = p.open_dir("/").unwrap();
    let mut a = p.open_at(&root, "hello.txt", &READ).unwrap();
    let mut b = p.open_at(&root, "hello.txt", &READ).unwrap();
    let (mut x, mut y) = ([0u8; 5], [0u8; 3]);
    assert_eq!(p.read(&mut a, &mut [&mut x, &mut y]).unwrap(), 8);
    assert_eq!((&x, &y), (b"Hello", b" fr"));
    assert_eq!(p.read(&mut b, &mut [&mut x]).unwrap(), 5, "another open, another offset");
    assert_eq!(p.seek(&mut a, -4, Whence::End).unwrap(), 16);
    let mut rest = [0u8; 10];
    assert_eq!(p.read(&mut a, &mut [&mut rest]).unwrap(), 4);
    assert_eq!(&rest[..4], b"OM!\n");
    assert_eq!(p.read(&mut a, &mut [&mut rest]).unwrap(), 0, "end of file");
    assert_eq!(p.pread(&mut a, &mut [&mut x], 6).unwrap(), 5);
    assert_eq!(&x, b"from ");
    assert_eq!(p.seek(&mut a, -100, Whence::Cur).unwrap_err(), Errno::INVAL);
    let mut d = p.open_dir("etc").unwrap();
    assert_eq!(p.read(&mut d, &mut [&mut x]).unwrap_err(), Errno::ISDIR);
    let mut out = p.console(Stream::Stdout);
    assert_eq!(p.seek(&mut out, 0, Whence::Set).unwrap_err(), Errno::SPIPE);
    assert_eq!(p.write(&mut out, &[b"hi ", b"there"]).unwrap(), 8);
    assert_eq!(p.board().stdout.take(), b"hi there");
}

#[test]
fn a_bad_image_is_refused_at_boot() {
    static NO_ROOT: &[RomEntry] = &[RomEntry::dir(0, "x")];
    static FORWARD: &[RomEntry] = &[RomEntry::root(), RomEntry::file(2, "a", b""), RomEntry::dir(0, "d")];
    static IN_FILE: &[RomEntry] =
        &[RomEntry::root(), RomEntry::file(0, "a", b""), RomEntry::file(1, "b", b"")];
    static SLASH: &[RomEntry] = &[RomEntry::root(), RomEntry::file(0, "a/b", b"")];
    static DOTDOT: &[RomEntry] = &[RomEntry::root(), RomEntry::dir(0, "..")];
    static TWICE: &[RomEntry] = &[RomEntry::root(), RomEntry::file(0, "a", b""), RomEntry::dir(0, "a")];
    assert_eq!(RomImage::new(&[]).unwrap_err(), BadImage::NoRoot);
    assert_eq!(RomImage::new(NO_ROOT).unwrap_err(), BadImage::NoRoot);
    assert_eq!(RomImage::new(FORWARD).unwrap_err(), BadImage::BadParent(1));
    assert_eq!(RomImage::new(IN_FILE).unwrap_err(), BadImage::BadParent(2));
    assert_eq!(RomImage::new(SLASH).unwrap_err(), BadImage::BadName(1));
    assert_eq!(RomImage::new(DOTDOT).unwrap_err(), BadImage::BadName(1));
    assert_eq!(RomImage::new(TWICE).unwrap_err(), BadImage::Duplicate(2));
}
