//! `readdir` and its cookies.

use super::*;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

#[test]
fn dots_first_then_creation_order() {
    let p = plat();
    let mut r = root(&p);
    assert_eq!(names(&p, &mut r), [".", ".."]);
    mkfile(&p, &r, "zeta", b"");
    p.mkdir_at(&r, "alpha").unwrap();
    p.symlink_at("zeta", &r, "mid").unwrap();
    let ents = readdir_n(&p, &mut r, 0, 100).unwrap();
    let got: Vec<(&str, Filetype)> = ents.iter().map(|e| (e.name.as_str(), e.filetype)).collect();
    assert_eq!(
        got,
        [
            (".", Filetype::Directory),
            ("..", Filetype::Directory),
            ("zeta", Filetype::RegularFile),
            ("alpha", Filetype::Directory),
            ("mid", Filetype::SymbolicLink),
        ]
    );
    // `.` and `..` of the root are the root.
    assert_eq!(ents[0].ino, 1);
    assert_eq!(ents[1].ino, 1);
    // d_ino is the entry's inode.
    assert_eq!(ents[2].ino, p.stat_at(&r, "zeta", false).unwrap().ino);
    assert_eq!(ents[4].ino, p.stat_at(&r, "mid", false).unwrap().ino);
    // `..` of a subdirectory is its parent.
    let mut a = p.open_at(&r, "alpha", &dir_opts()).unwrap();
    let sub = readdir_n(&p, &mut a, 0, 100).unwrap();
    assert_eq!((sub[0].ino, sub[1].ino), (a.ino(), 1));
}

#[test]
fn cookies_resume() {
    let p = plat();
    let mut r = root(&p);
    for i in 0..10 {
        mkfile(&p, &r, &format!("f{i}"), b"");
    }
    let all = readdir_n(&p, &mut r, 0, 100).unwrap();
    assert_eq!(all.len(), 12);
    // Resuming at every entry's `next` gives the rest of the listing.
    for (i, e) in all.iter().enumerate() {
        let rest = readdir_n(&p, &mut r, e.next, 100).unwrap();
        assert_eq!(rest, all[i + 1..]);
    }
    // Cookie 0 is the start; the sink can stop early.
    assert_eq!(readdir_n(&p, &mut r, 0, 1).unwrap(), all[..1]);
    assert_eq!(readdir_n(&p, &mut r, 0, 3).unwrap(), all[..3]);
    // Past the end: nothing.
    assert!(readdir_n(&p, &mut r, all[11].next, 100).unwrap().is_empty());
    assert!(readdir_n(&p, &mut r, u64::MAX, 100).unwrap().is_empty());
}

#[test]
fn many_entries_span_batches() {
    let p = plat();
    let mut r = root(&p);
    let n = if cfg!(miri) { 70 } else { 300 };
    for i in 0..n {
        mkfile(&p, &r, &format!("{i:04}"), b"");
    }
    let got = names(&p, &mut r);
    assert_eq!(got.len(), n + 2);
    for (i, name) in got[2..].iter().enumerate() {
        assert_eq!(*name, format!("{i:04}"));
    }
}

/// Entries present for the whole listing are seen exactly once, however the directory
/// changes between calls.
#[test]
fn cookies_are_stable_under_modification() {
    let p = plat();
    let mut r = root(&p);
    let n = if cfg!(miri) { 20 } else { 60 };
    for i in 0..n {
        mkfile(&p, &r, &format!("keep{i}"), b"");
        mkfile(&p, &r, &format!("drop{i}"), b"");
    }
    let mut seen: Vec<String> = Vec::new();
    let mut cookie = 0;
    let mut round = 0;
    loop {
        let batch = readdir_n(&p, &mut r, cookie, 3).unwrap();
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            seen.push(e.name.clone());
            cookie = e.next;
        }
        // Between calls: remove some entries (seen or not), add new ones, rename one.
        if round < n {
            let _ = p.unlink_at(&r, &format!("drop{round}"));
            let _ = p.unlink_at(&r, &format!("drop{}", n - 1 - round));
            mkfile(&p, &r, &format!("new{round}"), b"");
        }
        if round == 5 {
            mkfile(&p, &r, "renamed-src", b"");
            p.rename_at(&r, "renamed-src", &r, "renamed-dst").unwrap();
        }
        round += 1;
    }
    let set: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(set.len(), seen.len(), "no entry listed twice: {seen:?}");
    for i in 0..n {
        assert!(seen.contains(&format!("keep{i}")), "keep{i} skipped");
    }
    assert_eq!(&seen[..2], [".", ".."]);
}

#[test]
fn readdir_errors() {
    let p = plat();
    let r = root(&p);
    mkfile(&p, &r, "f", b"");
    let mut f = p.open_at(&r, "f", &ro()).unwrap();
    assert_eq!(readdir_n(&p, &mut f, 0, 10).unwrap_err(), Errno::NOTDIR);
    let mut pipe = p.pipe_handle(crate::MemPipe::new(), true, false);
    assert_eq!(readdir_n(&p, &mut pipe, 0, 10).unwrap_err(), Errno::NOTDIR);
    // A removed directory cannot be listed (Linux: ENOENT).
    p.mkdir_at(&r, "d").unwrap();
    let mut d = p.open_at(&r, "d", &dir_opts()).unwrap();
    p.rmdir_at(&r, "d").unwrap();
    assert_eq!(readdir_n(&p, &mut d, 0, 10).unwrap_err(), Errno::NOENT);
}

#[test]
fn non_utf8_names_from_the_host() {
    let p = plat();
    p.fs().write_file(b"/\xff\xfe".as_slice(), b"x").unwrap();
    let mut r = root(&p);
    let mut raw = Vec::new();
    p.readdir(&mut r, 0, &mut |e| {
        raw.push(Vec::from(e.name));
        true
    })
    .unwrap();
    assert_eq!(raw[2], b"\xff\xfe");
}
