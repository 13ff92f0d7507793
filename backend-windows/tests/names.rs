//! The Windows name rules, through every kind of `*_at` call: each rule refuses before
//! Windows sees the name, leaves nothing behind, and gives its documented errno.
#![cfg(windows)]

mod common;
use common::*;
use wasibox_core::abi::SetTime;
use wasibox_core::{DirEntry, Errno, Platform};

/// Every `*_at` call with `name`, each expected to fail with `want`. The directory holds
/// one file, `existing`, which must come out untouched.
fn refused_everywhere(name: &str, want: Errno) {
    let f = fixture();
    f.host_file("existing", b"keep");
    let p = &f.p;
    let d = &f.dir;
    let ctx = format!("{name:?}");
    assert_eq!(p.open_at(d, name, &create()).err(), Some(want), "open_at(create) {ctx}");
    assert_eq!(p.open_at(d, name, &ro()).err(), Some(want), "open_at {ctx}");
    assert_eq!(p.open_at(d, name, &dir_opts()).err(), Some(want), "open_at(dir) {ctx}");
    assert_eq!(p.stat_at(d, name, false).err(), Some(want), "stat_at {ctx}");
    assert_eq!(p.readlink_at(d, name).err(), Some(want), "readlink_at {ctx}");
    assert_eq!(p.mkdir_at(d, name).err(), Some(want), "mkdir_at {ctx}");
    assert_eq!(p.rmdir_at(d, name).err(), Some(want), "rmdir_at {ctx}");
    assert_eq!(p.unlink_at(d, name).err(), Some(want), "unlink_at {ctx}");
    assert_eq!(p.rename_at(d, "existing", d, name).err(), Some(want), "rename_at to {ctx}");
    assert_eq!(p.rename_at(d, name, d, "other").err(), Some(want), "rename_at from {ctx}");
    assert_eq!(p.link_at(d, "existing", d, name).err(), Some(want), "link_at to {ctx}");
    assert_eq!(p.link_at(d, name, d, "other").err(), Some(want), "link_at from {ctx}");
    assert_eq!(p.symlink_at("existing", d, name).err(), Some(want), "symlink_at {ctx}");
    assert_eq!(
        p.set_times_at(d, name, SetTime::Now, SetTime::Now, false).err(),
        Some(want),
        "set_times_at {ctx}"
    );
    assert_eq!(f.host_names(), vec!["existing"], "nothing made by {ctx}");
    assert_eq!(std::fs::read(f.path("existing")).unwrap(), b"keep");
}

#[test]
fn rule_2_reserved_device_names_are_enotcapable() {
    for name in [
        "CON",
        "con",
        "PRN",
        "AUX",
        "NUL",
        "nul",
        "COM1",
        "com9",
        "COM0",
        "LPT1",
        "LPT9",
        "COM\u{b9}",
        "COM\u{b2}",
        "LPT\u{b3}",
        "LPT1.txt",
        "aux.c",
        "NUL.tar.gz",
        "CON.",
        "CON ",
        "Con  .txt",
        "CONIN$",
        "CONOUT$",
        "con:x",
    ] {
        refused_everywhere(name, Errno::NOTCAPABLE);
    }
}

#[test]
fn rule_3_forbidden_characters_are_einval() {
    for name in [
        "a\\b",
        "..\\up",
        "C:",
        "c:x",
        "existing:stream",
        "existing::$DATA",
        "a*",
        "?",
        "\"",
        "<",
        ">",
        "|",
        "tab\t",
        "\u{1}",
    ] {
        refused_everywhere(name, Errno::INVAL);
    }
}

#[test]
fn rule_4_trailing_dots_and_spaces_are_einval() {
    // "existing." and "existing " are what Win32 would turn into "existing".
    for name in ["existing.", "existing ", "x.", "x ", "...", "x. "] {
        refused_everywhere(name, Errno::INVAL);
    }
}

#[test]
fn rule_1_contract_violations() {
    refused_everywhere("..", Errno::NOTCAPABLE);
    refused_everywhere("a/b", Errno::NOTCAPABLE);
    refused_everywhere("a\0", Errno::NOTCAPABLE);
    refused_everywhere("", Errno::NOENT);
}

#[test]
fn names_windows_allows_round_trip() {
    let f = fixture();
    let names = [
        "caf\u{e9}",
        "#%&'()+,;=@[]^`{}!",
        " lead",
        ".hidden",
        "a..b",
        "\u{1f600}",
        "x~y",
        "tilde~1.txt",
        "CONSOLE",
        "COM10",
        "a\u{ff1a}b",
    ];
    for n in names {
        let mut h = f.p.open_at(&f.dir, n, &create()).unwrap_or_else(|e| panic!("{n:?}: {e:?}"));
        f.write_all(&mut h, n.as_bytes());
    }
    let mut listed = Vec::new();
    let mut d = f.open(".", dir_opts());
    f.p.readdir(&mut d, 2, &mut |e: &DirEntry<'_>| {
        listed.push(String::from_utf8(e.name.to_vec()).unwrap());
        true
    })
    .unwrap();
    listed.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(listed, want);
    for n in names {
        let mut h = f.p.open_at(&f.dir, n, &ro()).unwrap();
        assert_eq!(f.read_to_vec(&mut h, 100), n.as_bytes(), "{n:?}");
    }
    // Case-insensitive lookups are Windows' own and still reach the entry (a tilde name
    // too: its long name is the same, ignoring case).
    assert!(f.p.stat_at(&f.dir, "TILDE~1.TXT", false).is_ok());
    assert!(f.p.stat_at(&f.dir, "Caf\u{c9}", false).is_ok());
}

/// The short name Windows has for `path`, if any (and if it differs from the long one).
fn short_name_of(path: &std::path::Path) -> Option<String> {
    use std::os::windows::ffi::{OsStrExt, OsStringExt};
    let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
    let mut buf = vec![0u16; 1024];
    // SAFETY: `wide` is NUL-terminated; `buf` is live and writable for the length passed.
    let n = unsafe {
        windows_sys::Win32::Storage::FileSystem::GetShortPathNameW(wide.as_ptr(), buf.as_mut_ptr(), 1024)
    };
    if n == 0 || n as usize >= buf.len() {
        return None;
    }
    let short = std::ffi::OsString::from_wide(&buf[..n as usize]);
    let short = std::path::PathBuf::from(short);
    let last = short.file_name()?.to_string_lossy().into_owned();
    let long = path.file_name()?.to_string_lossy().into_owned();
    (last != long).then_some(last)
}

#[test]
fn rule_5_short_names_that_alias_another_entry_are_enoent() {
    let f = fixture();
    let long = "a rather long file name.text";
    f.host_file(long, b"precious");
    std::fs::create_dir(f.path("a long directory name")).unwrap();
    let Some(short) = short_name_of(&f.path(long)) else {
        println!("not tested: this volume gives no 8.3 short names");
        return;
    };
    let dshort = short_name_of(&f.path("a long directory name")).unwrap();
    println!("short names: {short:?} for {long:?}, {dshort:?} for the directory");
    assert!(short.contains('~'), "{short}");
    // Windows itself resolves the alias: the rule is what keeps the guest out.
    assert_eq!(std::fs::read(f.path(&short)).unwrap(), b"precious");

    let (p, d) = (&f.p, &f.dir);
    assert_eq!(p.open_at(d, &short, &ro()).err(), Some(Errno::NOENT));
    assert_eq!(p.open_at(d, &short.to_lowercase(), &ro()).err(), Some(Errno::NOENT));
    assert_eq!(p.open_at(d, &dshort, &dir_opts()).err(), Some(Errno::NOENT));
    assert_eq!(p.stat_at(d, &short, false).err(), Some(Errno::NOENT));
    assert_eq!(p.readlink_at(d, &short).err(), Some(Errno::NOENT));
    assert_eq!(p.set_times_at(d, &short, SetTime::Now, SetTime::Now, false).err(), Some(Errno::NOENT));
    // Nothing destructive goes through the alias.
    let trunc = wasibox_core::OpenOptions { write: true, create: true, truncate: true, ..Default::default() };
    assert_eq!(p.open_at(d, &short, &trunc).err(), Some(Errno::NOENT));
    assert_eq!(p.unlink_at(d, &short).err(), Some(Errno::NOENT));
    assert_eq!(p.rmdir_at(d, &dshort).err(), Some(Errno::NOENT));
    f.host_file("other", b"other");
    assert_eq!(p.rename_at(d, "other", d, &short).err(), Some(Errno::NOENT));
    assert_eq!(p.rename_at(d, &short, d, "moved").err(), Some(Errno::NOENT));
    assert_eq!(p.link_at(d, &short, d, "linked").err(), Some(Errno::NOENT));
    assert_eq!(std::fs::read(f.path(long)).unwrap(), b"precious");
    assert!(f.path("a long directory name").is_dir());
    let mut names = f.host_names();
    names.sort();
    assert_eq!(names, vec!["a long directory name", long, "other"]);
    // The long names work as ever.
    let mut h = f.p.open_at(d, long, &ro()).unwrap();
    assert_eq!(f.read_to_vec(&mut h, 100), b"precious");
}
