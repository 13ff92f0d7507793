//! `readdir`: the positioned stream, cookies, resuming, big directories.

mod common;
use common::*;
use std::collections::HashMap;
use wasibox_core::abi::Filetype;
use wasibox_core::{Errno, Platform};
use wasibox_posix::PosixHandle;

/// One listed entry, owned.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    name: String,
    next: u64,
    ino: u64,
    filetype: Filetype,
}

/// One `readdir` call taking at most `max` entries (the sink refuses the one after), as a
/// guest with a small buffer would. Returns the entries accepted.
fn batch(f: &Fixture, h: &mut PosixHandle, cookie: u64, max: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    f.p.readdir(h, cookie, &mut |e| {
        if out.len() == max {
            return false;
        }
        out.push(Entry {
            name: String::from_utf8(e.name.to_vec()).unwrap(),
            next: e.next,
            ino: e.ino,
            filetype: e.filetype,
        });
        true
    })
    .unwrap();
    out
}

/// The whole listing from `cookie`, in batches of `max`.
fn list_from(f: &Fixture, h: &mut PosixHandle, mut cookie: u64, max: usize) -> Vec<Entry> {
    let mut all = Vec::new();
    loop {
        let b = batch(f, h, cookie, max);
        if b.is_empty() {
            return all;
        }
        cookie = b.last().unwrap().next;
        all.extend(b);
    }
}

#[test]
fn small_directory_with_types() {
    let f = fixture();
    f.host_file("file", b"");
    std::fs::create_dir(f.path("dir")).unwrap();
    std::os::unix::fs::symlink("file", f.path("link")).unwrap();
    let mut h = f.open(".", dir_opts());
    let all = list_from(&f, &mut h, 0, 100);
    let types: HashMap<String, Filetype> = all.iter().map(|e| (e.name.clone(), e.filetype)).collect();
    assert_eq!(all.len(), 5, "{all:?}");
    assert_eq!(types["."], Filetype::Directory);
    assert_eq!(types[".."], Filetype::Directory);
    assert_eq!(types["file"], Filetype::RegularFile);
    assert_eq!(types["dir"], Filetype::Directory);
    assert_eq!(types["link"], Filetype::SymbolicLink);
    let ino = all.iter().find(|e| e.name == "file").unwrap().ino;
    assert_eq!(ino, std::os::unix::fs::MetadataExt::ino(&std::fs::symlink_metadata(f.path("file")).unwrap()));
    // Cookies are distinct and none is 0 (0 is the start).
    let mut cookies: Vec<u64> = all.iter().map(|e| e.next).collect();
    assert!(cookies.iter().all(|&c| c != 0));
    cookies.sort();
    cookies.dedup();
    assert_eq!(cookies.len(), 5);
    // From the start again: the same listing.
    assert_eq!(list_from(&f, &mut h, 0, 2), all);
    // At the end: nothing more, however often asked.
    let end = all.last().unwrap().next;
    assert!(batch(&f, &mut h, end, 10).is_empty());
    assert!(batch(&f, &mut h, end, 10).is_empty());
}

#[test]
fn a_preopen_handle_lists_too() {
    let f = fixture();
    f.host_file("only", b"");
    let mut h = PosixHandle::open_dir(f.tmp.path()).unwrap();
    let names: Vec<String> = list_from(&f, &mut h, 0, 1).into_iter().map(|e| e.name).collect();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&"only".to_string()));
}

#[test]
fn ten_thousand_entries_in_small_batches() {
    let f = fixture();
    const N: usize = 10_000;
    for i in 0..N {
        std::fs::File::create(f.path(&format!("entry-{i:05}"))).unwrap();
    }
    let mut h = f.open(".", dir_opts());
    let all = list_from(&f, &mut h, 0, 7);
    assert_eq!(all.len(), N + 2);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for e in &all {
        *seen.entry(&e.name).or_default() += 1;
    }
    assert!(seen.values().all(|&c| c == 1), "a name was listed twice");
    for i in 0..N {
        assert!(seen.contains_key(format!("entry-{i:05}").as_str()));
    }
    assert!(seen.contains_key(".") && seen.contains_key(".."));
    assert!(all.iter().filter(|e| e.name.starts_with("entry-")).all(|e| e.filetype == Filetype::RegularFile));

    // Linear: listing in ~1,430 calls of 7 costs about what one call costs. A listing that
    // re-read from the start on every call would read ~7 million entries (~700x).
    let time = |max: usize, h: &mut PosixHandle| {
        (0..3)
            .map(|_| {
                let start = std::time::Instant::now();
                assert_eq!(list_from(&f, h, 0, max).len(), N + 2);
                start.elapsed()
            })
            .min()
            .unwrap()
    };
    let small = time(7, &mut h);
    let whole = time(usize::MAX, &mut h);
    eprintln!("readdir of {N}: batches of 7 {small:?}, one call {whole:?}");
    assert!(
        small < whole * 20 + std::time::Duration::from_millis(50),
        "batches of 7: {small:?}, one call: {whole:?}"
    );

    // Resume at an earlier cookie: the rest of the listing, exactly.
    for at in [5_000usize, 1, 9_999, 3] {
        let cookie = all[at - 1].next;
        let rest = list_from(&f, &mut h, cookie, 13);
        assert_eq!(rest, all[at..].to_vec(), "resuming after entry {at}");
    }
    // Interleaved: one batch here, one batch back there, on the same handle.
    let c1 = all[100].next;
    let c2 = all[8_000].next;
    assert_eq!(batch(&f, &mut h, c1, 5), all[101..106].to_vec());
    assert_eq!(batch(&f, &mut h, c2, 5), all[8_001..8_006].to_vec());
    assert_eq!(batch(&f, &mut h, all[105].next, 5), all[106..111].to_vec());
    // Re-asking for the batch we were just handed (a guest retrying) works too.
    let again = batch(&f, &mut h, all[105].next, 5);
    assert_eq!(again, all[106..111].to_vec());
}

#[test]
fn the_refused_entry_comes_first_next_time() {
    let f = fixture();
    for i in 0..50 {
        f.host_file(&format!("f{i}"), b"");
    }
    let mut h = f.open(".", dir_opts());
    let all = list_from(&f, &mut h, 0, 1000);
    // Batches of one: every call resumes where the last refused entry was kept.
    assert_eq!(list_from(&f, &mut h, 0, 1), all);
    // A sink that refuses at once leaves the stream where it was.
    let mut calls = 0;
    f.p.readdir(&mut h, all[9].next, &mut |_| {
        calls += 1;
        false
    })
    .unwrap();
    assert_eq!(calls, 1);
    assert_eq!(batch(&f, &mut h, all[9].next, 3), all[10..13].to_vec());
}

#[test]
fn entries_added_while_listing_do_not_break_cookies() {
    let f = fixture();
    for i in 0..100 {
        f.host_file(&format!("old{i}"), b"");
    }
    let mut h = f.open(".", dir_opts());
    let first = batch(&f, &mut h, 0, 40);
    for i in 0..100 {
        f.host_file(&format!("new{i}"), b"");
    }
    let rest = list_from(&f, &mut h, first.last().unwrap().next, 9);
    let mut names: Vec<String> = first.iter().chain(rest.iter()).map(|e| e.name.clone()).collect();
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "no entry twice");
    for i in 0..100 {
        assert!(names.contains(&format!("old{i}")), "old{i} lost");
    }
}

#[test]
fn readdir_on_a_file_is_enotdir() {
    let f = fixture();
    f.host_file("file", b"");
    let mut h = f.open("file", ro());
    assert_eq!(f.p.readdir(&mut h, 0, &mut |_| true), Err(Errno::NOTDIR));
}
