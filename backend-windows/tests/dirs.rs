//! Directory-relative calls: mkdir/rmdir/unlink errnos, rename, link, symlink, readlink,
//! and fd_readdir with its cookies.
#![cfg(windows)]

mod common;
use common::*;
use wasibox_core::abi::{Filetype, SetTime};
use wasibox_core::{DirEntry, Errno, Platform};
use wasibox_windows::WindowsHandle;

#[test]
fn mkdir_rmdir_unlink_with_linux_errnos() {
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
    drop(d);
    assert_eq!(f.p.rmdir_at(&f.dir, "d"), Ok(()));
    assert_eq!(f.p.rmdir_at(&f.dir, "d"), Err(Errno::NOENT));
    f.host_file("file", b"");
    assert_eq!(f.p.rmdir_at(&f.dir, "file"), Err(Errno::NOTDIR));
    assert_eq!(f.p.mkdir_at(&f.dir, "file"), Err(Errno::EXIST));
    assert_eq!(f.p.rmdir_at(&f.dir, "."), Err(Errno::INVAL));
    assert_eq!(f.p.unlink_at(&f.dir, "."), Err(Errno::ISDIR));
    // Through a non-directory: ENOTDIR.
    let file = f.open("file", ro());
    assert_eq!(f.p.mkdir_at(&file, "x"), Err(Errno::NOTDIR));
    assert_eq!(f.p.unlink_at(&file, "x"), Err(Errno::NOTDIR));
    // A mkdir in a missing place, an unlink of a missing name.
    assert_eq!(f.p.unlink_at(&f.dir, "missing"), Err(Errno::NOENT));
}

#[test]
fn unlink_removes_read_only_files_as_posix_does() {
    let f = fixture();
    f.host_file("ro", b"x");
    let mut perms = std::fs::metadata(f.path("ro")).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(f.path("ro"), perms).unwrap();
    // Opening it for writing is EACCES (its mode says so)...
    if !skip_under_wine(
        "unlink_removes_read_only_files_as_posix_does (open for writing)",
        "Wine keeps the read-only attribute as Unix permissions, which root bypasses",
    ) {
        assert_eq!(f.p.open_at(&f.dir, "ro", &rw()).err(), Some(Errno::ACCES));
    }
    // ...but unlinking is a change of the directory, which we may do.
    f.p.unlink_at(&f.dir, "ro").unwrap();
    assert!(!f.path("ro").exists());
}

#[test]
fn unlink_while_open() {
    let f = fixture();
    f.host_file("busy", b"still here");
    let mut h = f.open("busy", ro());
    f.p.unlink_at(&f.dir, "busy").unwrap();
    // The open handle still reads the data.
    assert_eq!(f.read_to_vec(&mut h, 100), b"still here");
    drop(h);
    assert_eq!(f.p.stat_at(&f.dir, "busy", false).err(), Some(Errno::NOENT), "gone once closed");
    f.host_file("busy", b"again");
    let mut h = f.open("busy", ro());
    f.p.unlink_at(&f.dir, "busy").unwrap();
    if skip_under_wine(
        "unlink_while_open",
        "Wine has no POSIX-semantics delete (FileDispositionInformationEx): the name of an open file stays until it is closed",
    ) {
        return;
    }
    // POSIX semantics: the name is gone at once, while the handle still reads the data.
    assert_eq!(f.p.stat_at(&f.dir, "busy", false).err(), Some(Errno::NOENT));
    assert_eq!(f.p.filestat(&h).unwrap().nlink, 0, "an unlinked open file has no links left");
    assert_eq!(f.read_to_vec(&mut h, 100), b"again");
    // POSIX semantics: the name is free at once.
    let mut n = f.open("busy", create());
    f.write_all(&mut n, b"new");
}

#[test]
fn rename_files_and_directories() {
    let f = fixture();
    f.host_file("a", b"A");
    f.host_file("b", b"B");
    std::fs::create_dir(f.path("sub")).unwrap();
    let sub = f.open("sub", dir_opts());
    // Into another directory handle.
    f.p.rename_at(&f.dir, "a", &sub, "a2").unwrap();
    assert_eq!(std::fs::read(f.path("sub/a2")).unwrap(), b"A");
    // Over an existing file: replaced.
    f.p.rename_at(&sub, "a2", &f.dir, "b").unwrap();
    assert_eq!(std::fs::read(f.path("b")).unwrap(), b"A");
    assert!(!f.path("sub/a2").exists());
    // A missing source.
    assert_eq!(f.p.rename_at(&f.dir, "nope", &f.dir, "x"), Err(Errno::NOENT));
    // Directory over an empty directory: replaced; over a non-empty one: ENOTEMPTY.
    std::fs::create_dir(f.path("d1")).unwrap();
    f.host_file("d1/inside", b"1");
    std::fs::create_dir(f.path("empty")).unwrap();
    f.p.rename_at(&f.dir, "d1", &f.dir, "empty").unwrap();
    assert_eq!(std::fs::read(f.path("empty/inside")).unwrap(), b"1");
    std::fs::create_dir(f.path("d2")).unwrap();
    assert_eq!(f.p.rename_at(&f.dir, "d2", &f.dir, "empty"), Err(Errno::NOTEMPTY));
    // Directory over a file: ENOTDIR; file over a directory: EISDIR.
    assert_eq!(f.p.rename_at(&f.dir, "d2", &f.dir, "b"), Err(Errno::NOTDIR));
    assert_eq!(f.p.rename_at(&f.dir, "b", &f.dir, "d2"), Err(Errno::ISDIR));
    // Two names of one file: nothing happens, both stay (POSIX).
    f.p.link_at(&f.dir, "b", &f.dir, "b-link").unwrap();
    f.p.rename_at(&f.dir, "b", &f.dir, "b-link").unwrap();
    assert!(f.path("b").exists() && f.path("b-link").exists());
    f.p.rename_at(&f.dir, "b", &f.dir, "b").unwrap();
    // A change of case is a real rename.
    f.p.rename_at(&f.dir, "b", &f.dir, "B").unwrap();
    assert!(f.host_names().contains(&"B".to_string()));
    assert!(!f.host_names().contains(&"b".to_string()));
    // "." on either side: EBUSY (the core answers before, this is defence in depth).
    assert_eq!(f.p.rename_at(&f.dir, ".", &f.dir, "x"), Err(Errno::BUSY));
    drop(sub);
}

#[test]
fn rename_a_directory_into_itself_is_refused() {
    let f = fixture();
    std::fs::create_dir_all(f.path("p/q")).unwrap();
    let p = f.open("p", dir_opts());
    let q = f.p.open_at(&p, "q", &dir_opts()).unwrap();
    assert_eq!(f.p.rename_at(&f.dir, "p", &q, "p2"), Err(Errno::INVAL));
    assert_eq!(f.p.rename_at(&f.dir, "p", &p, "p2"), Err(Errno::INVAL));
    // A sibling whose name starts the same is not inside.
    std::fs::create_dir(f.path("pp")).unwrap();
    let pp = f.open("pp", dir_opts());
    f.p.rename_at(&f.dir, "p", &pp, "p").unwrap();
    assert!(f.path("pp/p/q").is_dir());
}

#[test]
fn hard_links() {
    let f = fixture();
    f.host_file("src", b"S");
    std::fs::create_dir(f.path("sub")).unwrap();
    let sub = f.open("sub", dir_opts());
    f.p.link_at(&f.dir, "src", &sub, "ln").unwrap();
    assert_eq!(std::fs::read(f.path("sub/ln")).unwrap(), b"S");
    let a = f.p.stat_at(&f.dir, "src", false).unwrap();
    let b = f.p.stat_at(&sub, "ln", false).unwrap();
    assert_eq!((a.dev, a.ino), (b.dev, b.ino));
    assert_eq!(a.nlink, 2);
    assert_eq!(f.p.link_at(&f.dir, "src", &sub, "ln"), Err(Errno::EXIST));
    assert_eq!(f.p.link_at(&f.dir, "sub", &f.dir, "sub2"), Err(Errno::PERM));
    assert_eq!(f.p.link_at(&f.dir, "missing", &f.dir, "x"), Err(Errno::NOENT));
    assert_eq!(f.p.link_at(&f.dir, ".", &f.dir, "x"), Err(Errno::PERM));
    assert_eq!(f.p.link_at(&f.dir, "src", &f.dir, "."), Err(Errno::EXIST));
}

#[test]
fn stat_at_and_readlink_on_non_links() {
    let f = fixture();
    f.host_file("file", b"12345");
    assert_eq!(f.p.stat_at(&f.dir, "file", false).unwrap().size, 5);
    assert_eq!(f.p.stat_at(&f.dir, ".", false).unwrap().filetype, Filetype::Directory);
    assert_eq!(f.p.stat_at(&f.dir, "nope", false), Err(Errno::NOENT));
    assert_eq!(f.p.readlink_at(&f.dir, "file"), Err(Errno::INVAL));
    assert_eq!(f.p.readlink_at(&f.dir, "."), Err(Errno::INVAL));
    assert_eq!(f.p.readlink_at(&f.dir, "missing"), Err(Errno::NOENT));
    let file = f.open("file", ro());
    assert_eq!(f.p.stat_at(&file, "x", false), Err(Errno::NOTDIR));
}

#[test]
fn symlinks_where_the_host_allows() {
    let f = fixture();
    f.host_file("file", b"12345");
    // Targets Windows would read differently are refused whatever the host.
    assert_eq!(f.p.symlink_at("a\\b", &f.dir, "l"), Err(Errno::INVAL));
    assert_eq!(f.p.symlink_at("C:/x", &f.dir, "l"), Err(Errno::INVAL));
    assert_eq!(f.p.symlink_at("x", &f.dir, "CON"), Err(Errno::NOTCAPABLE));
    match f.p.symlink_at("file", &f.dir, "link") {
        Ok(()) => {}
        Err(Errno::NOTSUP) if wasibox_windows::running_under_wine() => {
            // Nothing may be left behind.
            assert_eq!(f.host_names(), vec!["file"]);
            skip_under_wine(
                "symlinks_where_the_host_allows",
                "Wine has no symlinks (reparse points cannot be created)",
            );
            return;
        }
        Err(Errno::PERM) => {
            println!("not tested: this account lacks SeCreateSymbolicLinkPrivilege (symlink_at is EPERM)");
            assert_eq!(f.host_names(), vec!["file"]);
            return;
        }
        Err(e) => panic!("symlink_at: {e:?}"),
    }
    assert_eq!(f.p.readlink_at(&f.dir, "link"), Ok(b"file".to_vec()));
    let st = f.p.stat_at(&f.dir, "link", false).unwrap();
    assert_eq!(st.filetype, Filetype::SymbolicLink);
    assert_eq!(st.size, 4);
    assert_eq!(f.p.stat_at(&f.dir, "link", true), Err(Errno::NOTSUP));
    // Never followed at the final component.
    assert_eq!(f.p.open_at(&f.dir, "link", &ro()).err(), Some(Errno::LOOP));
    assert_eq!(f.p.open_at(&f.dir, "link", &dir_opts()).err(), Some(Errno::NOTDIR));
    assert_eq!(f.p.open_at(&f.dir, "link", &create()).err(), Some(Errno::LOOP));
    // Targets are stored as given, '/' and all, even absolute or escaping ones.
    for (name, target) in
        [("rel", "a/b/../c"), ("abs", "/etc/passwd"), ("up", "../../outside"), ("dirl", "sub/")]
    {
        f.p.symlink_at(target, &f.dir, name).unwrap();
        assert_eq!(f.p.readlink_at(&f.dir, name), Ok(target.as_bytes().to_vec()));
    }
    assert_eq!(f.p.symlink_at("x", &f.dir, "link"), Err(Errno::EXIST));
    // readdir types it as a symlink; unlink removes the link, not the target.
    let mut seen = Vec::new();
    let mut d = f.open(".", dir_opts());
    f.p.readdir(&mut d, 0, &mut |e: &DirEntry<'_>| {
        seen.push((String::from_utf8_lossy(e.name).into_owned(), e.filetype));
        true
    })
    .unwrap();
    assert!(seen.contains(&("link".to_string(), Filetype::SymbolicLink)));
    f.p.unlink_at(&f.dir, "link").unwrap();
    assert!(f.path("file").exists());
    // A directory symlink: rmdir says ENOTDIR, unlink removes it.
    std::fs::create_dir(f.path("sub")).unwrap();
    f.p.symlink_at("sub", &f.dir, "dlink").unwrap();
    assert_eq!(f.p.rmdir_at(&f.dir, "dlink"), Err(Errno::NOTDIR));
    f.p.unlink_at(&f.dir, "dlink").unwrap();
    assert!(f.path("sub").is_dir());
    // set_times_at does not follow.
    f.p.symlink_at("file", &f.dir, "l2").unwrap();
    f.p.set_times_at(&f.dir, "l2", SetTime::Omit, SetTime::At(1_000_000_000_000_000_000), false).unwrap();
    assert_eq!(f.p.stat_at(&f.dir, "l2", false).unwrap().mtim, 1_000_000_000_000_000_000);
    assert_ne!(f.p.stat_at(&f.dir, "file", false).unwrap().mtim, 1_000_000_000_000_000_000);
}

/// Collect entries from `cookie` until the sink has taken `max`.
fn list(f: &Fixture, d: &mut WindowsHandle, cookie: u64, max: usize) -> Vec<(String, u64, Filetype, u64)> {
    let mut out = Vec::new();
    f.p.readdir(d, cookie, &mut |e: &DirEntry<'_>| {
        if out.len() == max {
            return false;
        }
        out.push((String::from_utf8(e.name.to_vec()).unwrap(), e.next, e.filetype, e.ino));
        true
    })
    .unwrap();
    out
}

#[test]
fn readdir_lists_dot_dotdot_and_entries_with_stable_cookies() {
    let f = fixture();
    for i in 0..50 {
        f.host_file(&format!("file{i:02}"), b"");
    }
    std::fs::create_dir(f.path("subdir")).unwrap();
    let mut d = f.open(".", dir_opts());
    let all = list(&f, &mut d, 0, usize::MAX);
    assert_eq!(all.len(), 53);
    assert_eq!(all[0].0, ".");
    assert_eq!(all[0].1, 1);
    assert_eq!(all[0].2, Filetype::Directory);
    assert_eq!(all[0].3, f.p.filestat(&f.dir).unwrap().ino);
    assert_eq!(all[1].0, "..");
    assert_eq!(all[1].1, 2);
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.1, i as u64 + 1, "next cookies are indexes");
    }
    let mut names: Vec<&str> = all[2..].iter().map(|e| e.0.as_str()).collect();
    names.sort();
    assert_eq!(names[0], "file00");
    assert_eq!(names[50], "subdir");
    let sub = all.iter().find(|e| e.0 == "subdir").unwrap();
    assert_eq!(sub.2, Filetype::Directory);
    let file = all.iter().find(|e| e.0 == "file07").unwrap();
    assert_eq!(file.2, Filetype::RegularFile);
    assert_eq!(file.3, f.p.stat_at(&f.dir, "file07", false).unwrap().ino);

    // In small pieces, each resuming at the last `next`: the same list.
    let mut pieces = Vec::new();
    let mut cookie = 0;
    loop {
        let got = list(&f, &mut d, cookie, 4);
        if got.is_empty() {
            break;
        }
        cookie = got.last().unwrap().1;
        pieces.extend(got);
    }
    assert_eq!(pieces, all);

    // Resuming at an earlier cookie (a restart), at a later one (a skip), from the start.
    assert_eq!(list(&f, &mut d, 10, 3), all[10..13].to_vec());
    assert_eq!(list(&f, &mut d, 5, 2), all[5..7].to_vec());
    assert_eq!(list(&f, &mut d, 40, 1), all[40..41].to_vec());
    assert_eq!(list(&f, &mut d, 1, 2), all[1..3].to_vec());
    assert_eq!(list(&f, &mut d, 0, 1), all[0..1].to_vec());
    // Past the end: nothing.
    assert_eq!(list(&f, &mut d, 53, 10), vec![]);
    assert_eq!(list(&f, &mut d, 1000, 10), vec![]);
    // A sink that refuses the first entry: resuming at the same cookie gives it again.
    assert_eq!(list(&f, &mut d, 20, 0), vec![]);
    assert_eq!(list(&f, &mut d, 20, 1), all[20..21].to_vec());
}

#[test]
fn readdir_of_an_empty_directory_and_errors() {
    let f = fixture();
    let mut d = f.open(".", dir_opts());
    let all = list(&f, &mut d, 0, usize::MAX);
    let names: Vec<&str> = all.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, vec![".", ".."]);
    f.host_file("x", b"");
    let mut file = f.open("x", ro());
    assert_eq!(f.p.readdir(&mut file, 0, &mut |_| true), Err(Errno::NOTDIR));
    // Entries made after the listing started show up after a restart.
    let all = list(&f, &mut d, 0, usize::MAX);
    assert_eq!(all.len(), 3);
    // The preopen handle itself can be listed.
    let mut pre = WindowsHandle::open_dir(f.tmp.path()).unwrap();
    assert_eq!(list(&f, &mut pre, 0, usize::MAX).len(), 3);
}
