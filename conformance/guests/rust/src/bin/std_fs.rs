//! `std_fs CASE`: file-system behaviour through Rust std (std::fs, std::io), one case
//! per argv[1]; `std_fs --list` lists them. Works in the `base` fixture, preopened as
//! `base`. Errors are checked through `io::Error::raw_os_error()` (the WASI errno).

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::time::{Duration, SystemTime};
use wasibox_guests::*;

fn e<T>(r: std::io::Result<T>) -> i32 {
    match r {
        Ok(_) => 0,
        Err(err) => err.raw_os_error().unwrap_or(-1),
    }
}

fn read(p: &str) -> String {
    fs::read_to_string(p).unwrap_or_else(|err| format!("<{err}>"))
}

fn kind(p: &str) -> &'static str {
    match fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => "symlink",
        Ok(m) if m.is_dir() => "dir",
        Ok(_) => "file",
        Err(_) => "missing",
    }
}

fn read_write() {
    ckv("read_to_string", read("base/file.txt"), "hello, world\n".into());
    ck("write", e(fs::write("base/new.txt", "abc")), 0);
    ckv("read back", read("base/new.txt"), "abc".into());
    ck("write again (truncates)", e(fs::write("base/new.txt", "x")), 0);
    ckv("read back", read("base/new.txt"), "x".into());
    ckv("read bytes", fs::read("base/dir/sub/b.txt").ok(), Some(b"bb".to_vec()));
    ck("read missing", e(fs::read("base/nope")), ENOENT);
    ck("read a directory", e(fs::read_to_string("base/dir")), EISDIR);
}

fn open_options() {
    let mut f = OpenOptions::new().append(true).open("base/file.txt").unwrap();
    f.write_all(b"more\n").unwrap();
    ckv("append", read("base/file.txt"), "hello, world\nmore\n".into());
    ck("create_new on existing", e(OpenOptions::new().write(true).create_new(true).open("base/file.txt")), EEXIST);
    ck("create_new on new", e(OpenOptions::new().write(true).create_new(true).open("base/cn.txt")), 0);
    let f = OpenOptions::new().write(true).truncate(true).open("base/dir/a.txt").unwrap();
    ckv("truncate", f.metadata().unwrap().len(), 0);
    ck("open missing without create", e(OpenOptions::new().write(true).open("base/nope")), ENOENT);
    ck("open with create", e(OpenOptions::new().write(true).create(true).open("base/created")), 0);
    ck("read on a write-only File", e(File::create("base/w").and_then(|mut f| f.read(&mut [0u8; 4]))), EBADF);
    ck("write on a read-only File", e(File::open("base/file.txt").and_then(|mut f| f.write(b"x"))), EBADF);
}

fn seek_read() {
    let mut f = File::open("base/file.txt").unwrap();
    ckv("seek(Start(7))", f.seek(SeekFrom::Start(7)).ok(), Some(7));
    let mut b = [0u8; 5];
    f.read_exact(&mut b).unwrap();
    ckv("read_exact", String::from_utf8_lossy(&b).into_owned(), "world".into());
    ckv("seek(Current(-5))", f.seek(SeekFrom::Current(-5)).ok(), Some(7));
    ckv("seek(End(-1))", f.seek(SeekFrom::End(-1)).ok(), Some(12));
    ckv("stream_position", f.stream_position().ok(), Some(12));
    ck("seek(Current(-100))", e(f.seek(SeekFrom::Current(-100))), EINVAL);
    let mut rest = String::new();
    f.seek(SeekFrom::Start(0)).unwrap();
    f.read_to_string(&mut rest).unwrap();
    ckv("read_to_string after rewind", rest, "hello, world\n".into());
}

fn metadata_kinds() {
    let m = fs::metadata("base/file.txt").unwrap();
    ckv("file len", m.len(), 13);
    ckb("is_file", m.is_file());
    ckb("dir is_dir", fs::metadata("base/dir").unwrap().is_dir());
    ckb("symlink_metadata is_symlink", fs::symlink_metadata("base/link_file").unwrap().file_type().is_symlink());
    ckb("metadata follows symlinks", fs::metadata("base/link_file").unwrap().is_file());
    ck("metadata of dangling", e(fs::metadata("base/dangling")), ENOENT);
    ck("metadata of a loop", e(fs::metadata("base/loop_a")), ELOOP);
    ckb("exists(file)", fs::exists("base/file.txt").unwrap_or(false));
    ckb("!exists(dangling)", !fs::exists("base/dangling").unwrap_or(true));
    ckb("symlink_metadata(dangling) works", fs::symlink_metadata("base/dangling").is_ok());
}

fn set_len() {
    let f = OpenOptions::new().write(true).open("base/file.txt").unwrap();
    ck("set_len(5)", e(f.set_len(5)), 0);
    ckv("read", read("base/file.txt"), "hello".into());
    ck("set_len(7)", e(f.set_len(7)), 0);
    ckv("grown with zeros", fs::read("base/file.txt").ok(), Some(b"hello\0\0".to_vec()));
}

fn dirs() {
    ck("create_dir", e(fs::create_dir("base/a")), 0);
    ck("create_dir again", e(fs::create_dir("base/a")), EEXIST);
    ck("create_dir_all", e(fs::create_dir_all("base/a/b/c/d")), 0);
    ck("create_dir_all existing", e(fs::create_dir_all("base/a/b")), 0);
    ck("remove_dir non-empty", e(fs::remove_dir("base/a")), ENOTEMPTY);
    ck("remove_dir leaf", e(fs::remove_dir("base/a/b/c/d")), 0);
    fs::write("base/a/b/f", "f").unwrap();
    ck("remove_dir_all", e(fs::remove_dir_all("base/a")), 0);
    ckv("a", kind("base/a"), "missing");
    ck("remove_dir_all of a symlink to a dir removes only the link", e(fs::remove_dir_all("base/link_dir")), 0);
    ckv("dir/a.txt kept", read("base/dir/a.txt"), "a".into());
}

fn read_dir_sorted() {
    let mut names: Vec<String> = fs::read_dir("base").unwrap().map(|d| d.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    // std's read_dir skips . and ..
    say(&format!("base: {}", names.join(" ")));
    let mut types: Vec<String> = fs::read_dir("base/dir")
        .unwrap()
        .map(|d| {
            let d = d.unwrap();
            format!("{}:{}", d.file_name().to_string_lossy(), if d.file_type().unwrap().is_dir() { "dir" } else { "file" })
        })
        .collect();
    types.sort();
    say(&format!("base/dir: {}", types.join(" ")));
    ck("read_dir on a file", e(fs::read_dir("base/file.txt")), ENOTDIR);
    ck("read_dir missing", e(fs::read_dir("base/nope")), ENOENT);
}

fn rename_remove() {
    ck("rename", e(fs::rename("base/file.txt", "base/r.txt")), 0);
    ck("rename over a file", e(fs::rename("base/r.txt", "base/empty.txt")), 0);
    ckv("empty.txt", read("base/empty.txt"), "hello, world\n".into());
    ck("rename a dir", e(fs::rename("base/dir", "base/d")), 0);
    ck("remove_file", e(fs::remove_file("base/empty.txt")), 0);
    ck("remove_file on a dir", e(fs::remove_file("base/d")), EISDIR);
    ck("remove_file missing", e(fs::remove_file("base/empty.txt")), ENOENT);
    ck("remove_file of a symlink", e(fs::remove_file("base/link_dir")), 0);
}

fn links() {
    ck("hard_link", e(fs::hard_link("base/file.txt", "base/h")), 0);
    ckv("hard link shares data", read("base/h"), "hello, world\n".into());
    ck("symlink_path", e(std_symlink("dir/a.txt", "base/s")), 0);
    ckv("read_link", fs::read_link("base/s").ok().map(|p| p.display().to_string()), Some("dir/a.txt".into()));
    ckv("read through it", read("base/s"), "a".into());
    ck("read_link on a file", e(fs::read_link("base/file.txt")), EINVAL);
    ck("symlink over existing", e(std_symlink("x", "base/s")), EEXIST);
    ck("hard_link to existing", e(fs::hard_link("base/file.txt", "base/h")), EEXIST);
}

fn copy_file() {
    ckv("fs::copy", fs::copy("base/file.txt", "base/copy.txt").ok(), Some(13));
    ckv("copy contents", read("base/copy.txt"), "hello, world\n".into());
    ckv("fs::copy over existing", fs::copy("base/dir/a.txt", "base/copy.txt").ok(), Some(1));
    ckv("copy contents", read("base/copy.txt"), "a".into());
    ck("fs::copy missing", e(fs::copy("base/nope", "base/x")), ENOENT);
}

fn times() {
    let f = File::options().write(true).open("base/file.txt").unwrap();
    let t1 = SystemTime::UNIX_EPOCH + Duration::new(1_000_000_000, 5);
    let t2 = SystemTime::UNIX_EPOCH + Duration::new(1_200_000_000, 6);
    ck("File::set_times", e(f.set_times(fs::FileTimes::new().set_accessed(t1).set_modified(t2))), 0);
    let m = fs::metadata("base/file.txt").unwrap();
    ckv("accessed", m.accessed().ok(), Some(t1));
    ckv("modified", m.modified().ok(), Some(t2));
    ck("File::set_modified", e(f.set_modified(t1)), 0);
    ckv("modified", fs::metadata("base/file.txt").unwrap().modified().ok(), Some(t1));
    let before = SystemTime::now();
    fs::write("base/fresh.txt", "x").unwrap();
    let m = fs::metadata("base/fresh.txt").unwrap().modified().unwrap();
    ckb("a new file's mtime is not before the write started (to the second)", m.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 1 >= before.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs());
}

fn sync_flush() {
    let mut f = File::create("base/s.txt").unwrap();
    f.write_all(b"synced").unwrap();
    ck("sync_all", e(f.sync_all()), 0);
    ck("sync_data", e(f.sync_data()), 0);
    ck("flush", e(f.flush()), 0);
    ckv("contents", read("base/s.txt"), "synced".into());
}

fn sandbox() {
    ck("read ../x", e(fs::read("base/../x")), ENOTCAPABLE);
    ck("read escape_link", e(fs::read("base/escape_link")), ENOTCAPABLE);
    ck("create_dir base/../y", e(fs::create_dir("base/../y")), ENOTCAPABLE);
}

fn unicode_names() {
    for n in ["é.txt", "日本語", "emoji 🎉", "tab\tname", "a:b*c?"] {
        ck(&format!("write {n:?}"), e(fs::write(format!("base/{n}"), n)), 0);
    }
    let mut names: Vec<String> = fs::read_dir("base").unwrap().map(|d| d.unwrap().file_name().into_string().unwrap()).filter(|n| !n.is_ascii() || n.contains('\t') || n.contains(':')).collect();
    names.sort();
    for n in names {
        say(&format!("  {n:?} -> {:?}", read(&format!("base/{n}"))));
    }
}

fn large_write() {
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    ck("write 300000 bytes", e(fs::write("base/large.bin", &data)), 0);
    let back = fs::read("base/large.bin").unwrap();
    ckb("read back equal", back == data);
    let mut f = File::open("base/large.bin").unwrap();
    let mut chunk = vec![0u8; 10];
    f.seek(SeekFrom::Start(299_995)).unwrap();
    ckv("short read at the end", f.read(&mut chunk).ok(), Some(5));
}

type Cases = &'static [(&'static str, &'static str, fn())];
const CASES: Cases = &[
    ("read_write", "path_open fd_read fd_write", read_write),
    ("open_options", "path_open fd_write fd_read", open_options),
    ("seek_read", "fd_seek fd_read fd_tell", seek_read),
    ("metadata_kinds", "path_filestat_get", metadata_kinds),
    ("set_len", "fd_filestat_set_size", set_len),
    ("dirs", "path_create_directory path_remove_directory path_unlink_file fd_readdir", dirs),
    ("read_dir_sorted", "fd_readdir", read_dir_sorted),
    ("rename_remove", "path_rename path_unlink_file", rename_remove),
    ("links", "path_link path_symlink path_readlink", links),
    ("copy_file", "fd_read fd_write", copy_file),
    ("times", "fd_filestat_set_times fd_filestat_get path_filestat_get", times),
    ("sync_flush", "fd_sync fd_datasync", sync_flush),
    ("sandbox", "path_open path_create_directory", sandbox),
    ("unicode_names", "path_open fd_readdir", unicode_names),
    ("large_write", "fd_write fd_read fd_seek", large_write),
];

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    if arg == "--list" {
        for (name, funcs, _) in CASES {
            say(&format!("{name}\tstd\t{funcs}\tbase\tcompat"));
        }
        return;
    }
    match CASES.iter().find(|c| c.0 == arg) {
        Some((_, _, f)) => {
            f();
            finish()
        }
        None => {
            eprintln!("unknown case {arg:?}");
            std::process::exit(2);
        }
    }
}
