//! `upstream`: wasibox's own checks of the behaviours the upstream wasi-testsuite
//! (WebAssembly/wasi-testsuite, `tests/rust/wasm32-wasip1`) asserts. One check set per
//! upstream test, named after it; written from what those tests require (which errnos
//! they accept, which outcomes they allow), not copied from them.
//!
//! Usage: `upstream NAME`. The first preopen (fd 3) is the scratch root; each check set
//! works in a fresh `NAME.scratch` directory below it and removes it at the end, so the
//! fixture is left as it was. Prints one line per check; exits 1 on any mismatch.

use wasibox_guests::*;

const ROOT: u32 = 3;

/// The rights the upstream helpers ask for when they open a scratch directory.
const SCRATCH_BASE: u64 = RIGHT_FD_FILESTAT_GET
    | RIGHT_FD_READDIR
    | RIGHT_PATH_CREATE_FILE
    | RIGHT_PATH_CREATE_DIRECTORY
    | RIGHT_PATH_REMOVE_DIRECTORY
    | RIGHT_PATH_OPEN
    | RIGHT_PATH_UNLINK_FILE
    | RIGHT_PATH_LINK_SOURCE
    | RIGHT_PATH_LINK_TARGET
    | RIGHT_PATH_READLINK
    | RIGHT_PATH_RENAME_SOURCE
    | RIGHT_PATH_RENAME_TARGET
    | RIGHT_PATH_FILESTAT_GET
    | RIGHT_PATH_FILESTAT_SET_SIZE
    | RIGHT_PATH_FILESTAT_SET_TIMES
    | RIGHT_PATH_SYMLINK;
const SCRATCH_INHERITING: u64 = RIGHT_FD_READ
    | RIGHT_FD_WRITE
    | RIGHT_FD_READDIR
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_FD_SEEK
    | RIGHT_PATH_LINK_SOURCE
    | RIGHT_PATH_LINK_TARGET
    | RIGHT_PATH_OPEN
    | RIGHT_PATH_UNLINK_FILE
    | RIGHT_PATH_FILESTAT_GET
    | RIGHT_FD_FDSTAT_SET_FLAGS
    | RIGHT_FD_SYNC
    | RIGHT_FD_TELL
    | RIGHT_FD_ADVISE
    | RIGHT_FD_ALLOCATE
    | RIGHT_FD_FILESTAT_SET_SIZE
    | RIGHT_FD_FILESTAT_SET_TIMES;

fn scratch(name: &str) -> (u32, String) {
    let dir = format!("{name}.scratch");
    must("mkdir scratch", mkdir(ROOT, &dir));
    let fd =
        must("open scratch", path_open(ROOT, 0, &dir, OFLAGS_DIRECTORY, SCRATCH_BASE, SCRATCH_INHERITING, 0));
    (fd, dir)
}

fn done(fd: u32, dir: &str) {
    let _ = close(fd);
    ckr("remove scratch", &rmdir(ROOT, dir), 0);
}

fn touch(dir: u32, path: &str) {
    let fd = must("create", path_open(dir, 0, path, OFLAGS_CREAT, 0, 0, 0));
    must("close", close(fd));
}

fn open_plain(dir: u32, path: &str, oflags: u32, base: u64) -> Result<u32, i32> {
    path_open(dir, 0, path, oflags, base, 0, 0)
}

fn ok<T>(label: &str, r: Result<T, i32>) -> Option<T> {
    ckr(label, &r, 0);
    r.ok()
}

// ---- one function per upstream test ----------------------------------------------------

/// fd_close on a preopen succeeds; the fd is then EBADF, a re-opened root stays usable.
fn close_preopen() {
    let again = must("reopen root", path_open(ROOT, 0, ".", OFLAGS_DIRECTORY, 0, 0, 0));
    ckb("reopened fd above the preopen", again > ROOT);
    ckr("close preopen", &close(ROOT), 0);
    ckv("reopened is a directory", fdstat(again).map(|s| s.filetype), Ok(FILETYPE_DIRECTORY));
    ckr("fdstat of closed preopen", &fdstat(ROOT), EBADF);
}

/// fd_renumber of an open directory over the preopen: the preopen slot now holds it.
fn overwrite_preopen() {
    let (fd, dir) = scratch("overwrite_preopen");
    let before = must("filestat", filestat(fd));
    ckr("renumber over preopen", &res(unsafe { sys::fd_renumber(fd, ROOT) }), 0);
    let after = filestat(ROOT);
    ckb("same inode", after.map(|s| (s.dev, s.ino)) == Ok((before.dev, before.ino)));
    ckr("old fd closed", &fdstat(fd), EBADF);
    ckr("prestat of the slot", &prestat_name(ROOT), EBADF);
    ckr("close", &close(ROOT), 0);
    // The preopen is gone: nothing left to remove the scratch dir through; the case's
    // tree shows it.
    let _ = dir;
}

/// fd_renumber between two files, then onto a closed fd.
fn renumber() {
    let (d, dir) = scratch("renumber");
    let a = must("open a", open_plain(d, "file1", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_WRITE));
    let sa = must("fdstat a", fdstat(a));
    let b = must("open b", open_plain(d, "file2", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_WRITE));
    ckr("renumber a->b", &res(unsafe { sys::fd_renumber(a, b) }), 0);
    ckr("close a again", &close(a), EBADF);
    ckb("b has a's fdstat", fdstat(b) == Ok(sa));
    ckr("renumber onto closed fd", &res(unsafe { sys::fd_renumber(b, a) }), EBADF);
    ckr("renumber from closed fd", &res(unsafe { sys::fd_renumber(a, b) }), EBADF);
    ckr("close b", &close(b), 0);
    ckr("unlink 1", &unlink(d, "file1"), 0);
    ckr("unlink 2", &unlink(d, "file2"), 0);
    done(d, &dir);
}

/// Renumbering each stdio fd onto a file closes the stdio fd.
fn stdio() {
    let (d, dir) = scratch("stdio");
    for from in [0u32, 1, 2] {
        let to = must("open", open_plain(d, "file", OFLAGS_CREAT, 0));
        ckr(&format!("renumber {from}"), &res(unsafe { sys::fd_renumber(from, to) }), 0);
        ckr(&format!("fdstat of target {from}"), &fdstat(to), 0);
        ckr(&format!("fdstat of stdio {from}"), &fdstat(from), EBADF);
        ckr("unlink", &unlink(d, "file"), 0);
        let _ = close(to);
    }
    done(d, &dir);
}

/// Files can be re-created after unlinking while a handle was open; directories too.
fn dangling_fd() {
    let (d, dir) = scratch("dangling_fd");
    let fd = must("create", open_plain(d, "f", OFLAGS_CREAT, 0));
    must("close", close(fd));
    let fd = must("open", open_plain(d, "f", 0, 0));
    ckr("unlink while open", &unlink(d, "f"), 0);
    let fd2 = open_plain(d, "f", OFLAGS_CREAT, 0);
    ckr("re-create", &fd2, 0);
    let _ = close(fd);
    if let Ok(f) = fd2 {
        let _ = close(f);
    }
    ckr("unlink again", &unlink(d, "f"), 0);
    ckr("mkdir", &mkdir(d, "sub"), 0);
    let s = must("open sub", open_plain(d, "sub", OFLAGS_DIRECTORY, 0));
    ckr("rmdir while open", &rmdir(d, "sub"), 0);
    ckr("mkdir again", &mkdir(d, "sub"), 0);
    let _ = close(s);
    ckr("rmdir again", &rmdir(d, "sub"), 0);
    done(d, &dir);
}

/// A dangling symlink opened without following: ELOOP (ENOTDIR allowed with O_DIRECTORY).
fn dangling_symlink() {
    let (d, dir) = scratch("dangling_symlink");
    ckr("symlink", &symlink("target", d, "link"), 0);
    ck_any("open as dir", err_of(&open_plain(d, "link", OFLAGS_DIRECTORY, 0)), &[ENOTDIR, ELOOP]);
    ckr("open as file", &open_plain(d, "link", 0, 0), ELOOP);
    ckr("unlink", &unlink(d, "link"), 0);
    done(d, &dir);
}

fn iov_call(f: impl FnOnce(u32, u32) -> i32) -> i32 {
    let mut buf = [0u8; 128];
    let iov = [mptr(&mut buf[..]), 128u32];
    let mut n: u32 = 0;
    let _ = &mut n;
    f(ptr(&iov[..]), mptr(&mut n))
}

/// Every file-only fd_* call on a directory fails; prestat_dir_name with a short buffer.
fn dir_fd_op_failures() {
    let d = must("open root", path_open(ROOT, 0, ".", OFLAGS_DIRECTORY, SCRATCH_BASE, SCRATCH_INHERITING, 0));
    let name = must("prestat name", prestat_name(ROOT));
    let mut small = [0u8; 1];
    ck_any(
        "prestat_dir_name into 0 bytes",
        unsafe { sys::fd_prestat_dir_name(ROOT, mptr(&mut small[..]), 0) },
        &[ENAMETOOLONG, EINVAL],
    );
    let mut big = vec![0u8; name.len() + 1];
    ck(
        "prestat_dir_name into a larger buffer",
        unsafe { sys::fd_prestat_dir_name(ROOT, mptr(&mut big[..]), big.len() as u32) },
        0,
    );
    let fails = [EISDIR, EBADF, ENOTCAPABLE];
    ck_any("fd_read", iov_call(|i, n| unsafe { sys::fd_read(d, i, 1, n) }), &fails);
    ck_any("fd_pread", iov_call(|i, n| unsafe { sys::fd_pread(d, i, 1, 0, n) }), &fails);
    ck_any("fd_write", iov_call(|i, n| unsafe { sys::fd_write(d, i, 1, n) }), &fails);
    ck_any("fd_pwrite", iov_call(|i, n| unsafe { sys::fd_pwrite(d, i, 1, 0, n) }), &fails);
    ck_any("fd_seek CUR", err_of(&seek(d, 0, WHENCE_CUR)), &fails);
    ck_any("fd_seek SET", err_of(&seek(d, 0, WHENCE_SET)), &fails);
    ck_any("fd_seek END", err_of(&seek(d, 0, WHENCE_END)), &fails);
    ck_any("fd_tell", err_of(&tell(d)), &fails);
    ck_any("fd_allocate", unsafe { sys::fd_allocate(d, 0, 1) }, &fails);
    ck_any("fd_filestat_set_size", err_of(&set_size(d, 0)), &[EISDIR, EINVAL, EBADF, ENOTCAPABLE]);
    let _ = close(d);
}

/// fd_seek on a directory fails, and a directory never reports the seek right.
fn directory_seek() {
    let (d, dir) = scratch("directory_seek");
    ckr("mkdir", &mkdir(d, "sub"), 0);
    let fd = must("open", open_plain(d, "sub", OFLAGS_DIRECTORY, RIGHT_FD_SEEK));
    ck_any("seek", err_of(&seek(fd, 0, WHENCE_CUR)), &[EISDIR, ENOTCAPABLE, EBADF]);
    let st = must("fdstat", fdstat(fd));
    ckv("filetype", st.filetype, FILETYPE_DIRECTORY);
    ckv("no FD_SEEK", st.base & RIGHT_FD_SEEK, 0);
    let _ = close(fd);
    ckr("rmdir", &rmdir(d, "sub"), 0);
    done(d, &dir);
}

/// Size, advise and allocate (allocate may say ENOTSUP, but if it works it grows).
fn fd_advise() {
    let (d, dir) = scratch("fd_advise");
    let f = must(
        "create",
        open_plain(
            d,
            "f",
            OFLAGS_CREAT,
            RIGHT_FD_READ
                | RIGHT_FD_WRITE
                | RIGHT_FD_ADVISE
                | RIGHT_FD_FILESTAT_GET
                | RIGHT_FD_FILESTAT_SET_SIZE
                | RIGHT_FD_ALLOCATE,
        ),
    );
    ckr("set_size 100", &set_size(f, 100), 0);
    ckr("advise", &res(unsafe { sys::fd_advise(f, 10, 50, 0) }), 0);
    ckv("size", filestat(f).map(|s| s.size), Ok(100));
    match unsafe { sys::fd_allocate(f, 100, 100) } {
        0 => ckv("size after allocate", filestat(f).map(|s| s.size), Ok(200)),
        e => ck("allocate", e, ENOTSUP),
    }
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// fd_allocate grows only when offset+len is past the end.
fn file_allocate() {
    let (d, dir) = scratch("file_allocate");
    let f = must(
        "create",
        open_plain(
            d,
            "f",
            OFLAGS_CREAT,
            RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_GET,
        ),
    );
    match unsafe { sys::fd_allocate(f, 0, 100) } {
        0 => {
            ckv("size 100", filestat(f).map(|s| s.size), Ok(100));
            ck("allocate within", unsafe { sys::fd_allocate(f, 10, 10) }, 0);
            ckv("size still 100", filestat(f).map(|s| s.size), Ok(100));
            ck("allocate across the end", unsafe { sys::fd_allocate(f, 90, 20) }, 0);
            ckv("size 110", filestat(f).map(|s| s.size), Ok(110));
        }
        e => ck("allocate", e, ENOTSUP),
    }
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// Dropping rights: reads and writes then fail; widening is ENOTCAPABLE.
fn fd_fdstat_set_rights() {
    let (d, dir) = scratch("fd_fdstat_set_rights");
    // Setting the rights an fd already has succeeds (how upstream probes for rights).
    let ds = must("fdstat", fdstat(d));
    ck("set the same rights", unsafe { sys::fd_fdstat_set_rights(d, ds.base, ds.inheriting) }, 0);
    let all = RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL;
    let f = must("create", open_plain(d, "f", OFLAGS_CREAT, all));
    ckr("write", &write(f, &[0, 1, 2, 3]), 0);
    ckr("seek", &seek(f, 0, WHENCE_SET), 0);
    ckv("read back", read(f, 4), Ok(vec![0, 1, 2, 3]));
    let st = must("fdstat", fdstat(f));
    let base = st.base & !(RIGHT_FD_READ | RIGHT_FD_WRITE);
    ck("drop read/write", unsafe { sys::fd_fdstat_set_rights(f, base, st.inheriting) }, 0);
    let st = must("fdstat", fdstat(f));
    ckv("read/write gone", st.base & (RIGHT_FD_READ | RIGHT_FD_WRITE), 0);
    ckb("seek kept", st.base & RIGHT_FD_SEEK != 0);
    ck_any("read", err_of(&read(f, 4)), &[ENOTCAPABLE, EBADF]);
    ck_any("write", err_of(&write(f, &[1])), &[ENOTCAPABLE, EBADF]);
    ck("widen", unsafe { sys::fd_fdstat_set_rights(f, st.base | all, st.inheriting | all) }, ENOTCAPABLE);
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// set_size and set_times(MTIM only) through the fd; atime untouched.
fn fd_filestat_set() {
    let (d, dir) = scratch("fd_filestat_set");
    let f = must(
        "create",
        open_plain(
            d,
            "f",
            OFLAGS_CREAT,
            RIGHT_FD_READ
                | RIGHT_FD_WRITE
                | RIGHT_FD_FILESTAT_GET
                | RIGHT_FD_FILESTAT_SET_SIZE
                | RIGHT_FD_FILESTAT_SET_TIMES,
        ),
    );
    ckr("set_size", &set_size(f, 100), 0);
    let st = must("stat", filestat(f));
    ckv("size", st.size, 100);
    let m = st.mtim - 100;
    ckr("set mtim", &set_times(f, m, m, FSTFLAGS_MTIM), 0);
    let st2 = must("stat", filestat(f));
    ckb("mtim set", st2.mtim == m);
    ckb("atim kept", st2.atim == st.atim);
    ckv("size kept", st2.size, 100);
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// APPEND given at open, then cleared with fd_fdstat_set_flags.
fn fd_flags_set() {
    let (d, dir) = scratch("fd_flags_set");
    let f = must(
        "open append",
        path_open(
            d,
            0,
            "f",
            OFLAGS_CREAT,
            RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_FDSTAT_SET_FLAGS,
            0,
            FDFLAGS_APPEND,
        ),
    );
    ckr("write 100", &write(f, &[0u8; 100]), 0);
    ckr("seek 0", &seek(f, 0, WHENCE_SET), 0);
    ckv("read", read(f, 100).map(|v| v.len()), Ok(100));
    ckr("seek 0", &seek(f, 0, WHENCE_SET), 0);
    ckr("append write", &write(f, &[1u8; 100]), 0);
    ckr("seek 100", &seek(f, 100, WHENCE_SET), 0);
    ckv("appended", read(f, 100), Ok(vec![1u8; 100]));
    ck("clear flags", unsafe { sys::fd_fdstat_set_flags(f, 0) }, 0);
    ckv("flags", fdstat(f).map(|s| s.flags), Ok(0));
    ckr("seek 0", &seek(f, 0, WHENCE_SET), 0);
    ckr("overwrite", &write(f, &[2u8; 100]), 0);
    ckr("seek 0", &seek(f, 0, WHENCE_SET), 0);
    ckv("overwritten", read(f, 100), Ok(vec![2u8; 100]));
    let _ = close(f);
    ckv("size", lstat(d, "f").map(|s| s.size), Ok(200));
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// Entries `.` and `..` are listed; `.`'s inode is the directory's; cookies resume;
/// a 256-byte buffer walks 1000 entries.
fn fd_readdir() {
    let (d, dir) = scratch("fd_readdir");
    let ino = must("stat", filestat(d)).ino;
    let (buf, used) = must("readdir", readdir_raw(d, 256, 0));
    ckb("empty dir fits", used < 256);
    let mut ents = parse_dirents(&buf, used);
    ents.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<String> = ents.iter().map(|e| e.name_str()).collect();
    ckv("names", names, vec![".".to_string(), "..".to_string()]);
    if ents.len() == 2 {
        ckv(". type", ents[0].typ, FILETYPE_DIRECTORY);
        ckb(". ino is the directory's", ents[0].ino == ino);
        ckv(".. type", ents[1].typ, FILETYPE_DIRECTORY);
    }
    let f = must("create", open_plain(d, "file", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_WRITE));
    let fino = must("stat", filestat(f)).ino;
    let _ = close(f);
    let (buf, used) = must("readdir", readdir_raw(d, 256, 0));
    let ents = parse_dirents(&buf, used);
    ckv("three entries", ents.len(), 3);
    if ents.len() == 3 {
        let file = ents.iter().find(|e| e.name == b"file");
        ckb("file entry", file.map(|e| (e.typ, e.ino)) == Some((FILETYPE_REGULAR_FILE, fino)));
        let (buf2, used2) = must("readdir from cookie", readdir_raw(d, 256, ents[1].next));
        let rest = parse_dirents(&buf2, used2);
        ckb(
            "rest is the third entry",
            rest.iter().map(|e| e.name.clone()).collect::<Vec<_>>() == vec![ents[2].name.clone()],
        );
    }
    ckr("unlink", &unlink(d, "file"), 0);
    for i in 0..1000 {
        let f = must("create many", open_plain(d, &format!("file.{i}"), OFLAGS_CREAT, 0));
        let _ = close(f);
    }
    let mut total = 0;
    let mut cookie = 0;
    for _ in 0..10_000 {
        let (buf, used) = must("readdir", readdir_raw(d, 256, cookie));
        let ents = parse_dirents(&buf, used);
        let whole: Vec<&Dirent> = ents.iter().filter(|e| e.name.len() == e.namlen as usize).collect();
        total += whole.len();
        if used < 256 {
            break;
        }
        cookie = whole.last().map(|e| e.next).unwrap_or(cookie);
    }
    ckv("entries", total, 1002);
    for i in 0..1000 {
        let _ = unlink(d, &format!("file.{i}"));
    }
    done(d, &dir);
}

/// pwrite/pread at offsets, scattered, and the cursor is not moved.
fn file_pread_pwrite() {
    let (d, dir) = scratch("file_pread_pwrite");
    let f = must("create", open_plain(d, "f", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_SEEK | RIGHT_FD_WRITE));
    ckv("pwrite", pwrite(f, &[0, 1, 2, 3], 0), Ok(4));
    ckv("pread", pread(f, 4, 0), Ok(vec![0, 1, 2, 3]));
    ckv("pread at 2", pread(f, 4, 2), Ok(vec![2, 3]));
    ckv("pwrite at 2", pwrite(f, &[1, 0], 2), Ok(2));
    ckv("pread", pread(f, 4, 0), Ok(vec![0, 1, 1, 0]));
    ckv("tell", tell(f), Ok(0));
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// tell/seek: CUR negative, beyond the end allowed, before 0 is EINVAL, reads move.
fn file_seek_tell() {
    let (d, dir) = scratch("file_seek_tell");
    let f = must(
        "create",
        open_plain(d, "f", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL),
    );
    ckv("tell 0", tell(f), Ok(0));
    ckr("write", &write(f, &[0u8; 100]), 0);
    ckv("tell 100", tell(f), Ok(100));
    ckv("seek -50 CUR", seek(f, -50, WHENCE_CUR), Ok(50));
    ckv("seek 0 SET", seek(f, 0, WHENCE_SET), Ok(0));
    ckr("seek past end", &seek(f, 1000, WHENCE_CUR), 0);
    ckr("seek before 0", &seek(f, -2000, WHENCE_CUR), EINVAL);
    ckv("seek 0 SET", seek(f, 0, WHENCE_SET), Ok(0));
    ckv("read", read(f, 100).map(|v| v.len()), Ok(100));
    ckv("tell after read", tell(f), Ok(100));
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// O_TRUNC empties the file.
fn file_truncation() {
    let (d, dir) = scratch("file_truncation");
    let f = must("create", open_plain(d, "f", OFLAGS_CREAT, RIGHT_FD_WRITE));
    ckr("write", &write(f, b"to be truncated"), 0);
    let _ = close(f);
    let f = must("trunc", open_plain(d, "f", OFLAGS_CREAT | OFLAGS_TRUNC, RIGHT_FD_WRITE | RIGHT_FD_READ));
    ckv("read", read(f, 100).map(|v| v.len()), Ok(0));
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// A write through one fd is seen at once through another.
fn file_unbuffered_write() {
    let (d, dir) = scratch("file_unbuffered_write");
    let r = must("open r", open_plain(d, "f", OFLAGS_CREAT, RIGHT_FD_READ));
    let w = must("open w", open_plain(d, "f", 0, RIGHT_FD_WRITE));
    ckv("write", write(w, &[1]), Ok(1));
    ckv("read", read(r, 1), Ok(vec![1]));
    let _ = close(w);
    let _ = close(r);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// ATIM with ATIM_NOW (or MTIM with MTIM_NOW) is EINVAL, by fd and by path.
fn fstflags_validate() {
    let (d, dir) = scratch("fstflags_validate");
    let f = must("create", open_plain(d, "f", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_FILESTAT_SET_TIMES));
    ckr("fd mtim+now", &set_times(f, 100, 200, FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW), EINVAL);
    ckr("fd atim+now", &set_times(f, 100, 200, FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW), EINVAL);
    let st = must("stat", lstat(d, "f"));
    ckr("path mtim+now", &path_set_times(d, 0, "f", 0, 5, FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW), EINVAL);
    ckr("path atim+now", &path_set_times(d, 0, "f", 0, 5, FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW), EINVAL);
    ckb("untouched", lstat(d, "f").map(|s| s.mtim) == Ok(st.mtim));
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// `.`/`..`/`//` inside the sandbox, absolute paths, NUL, trailing slashes, escapes.
fn interesting_paths() {
    let (d, dir) = scratch("interesting_paths");
    ckr("mkdir", &mkdir(d, "dir"), 0);
    ckr("mkdir nested", &mkdir(d, "dir/nested"), 0);
    touch(d, "dir/nested/file");
    ck_any("absolute", err_of(&open_plain(d, "/dir/nested/file", 0, 0)), &[ENOTCAPABLE, EPERM]);
    if let Some(f) = ok("dots", open_plain(d, "dir/.//nested/../../dir/nested/../nested///./file", 0, 0)) {
        let _ = close(f);
    }
    ck_any("trailing NUL", err_of(&open_plain(d, "dir/nested/file\0", 0, 0)), &[EINVAL, EILSEQ, ENOENT]);
    ck_any("file/", err_of(&open_plain(d, "dir/nested/file/", 0, 0)), &[ENOTDIR, ENOENT]);
    ck_any("file///", err_of(&open_plain(d, "dir/nested/file///", 0, 0)), &[ENOTDIR, ENOENT]);
    if let Some(f) = ok("dir/", open_plain(d, "dir/nested/", 0, 0)) {
        let _ = close(f);
    }
    if let Some(f) = ok("dir///", open_plain(d, "dir/nested///", 0, 0)) {
        let _ = close(f);
    }
    let escape = format!("dir/nested/../../../{dir}/dir/nested/file");
    ck_any("escape", err_of(&open_plain(d, &escape, 0, 0)), &[ENOTCAPABLE, EPERM]);
    ckr("unlink", &unlink(d, "dir/nested/file"), 0);
    ckr("rmdir nested", &rmdir(d, "dir/nested"), 0);
    ckr("rmdir", &rmdir(d, "dir"), 0);
    done(d, &dir);
}

/// A regular file is not a tty (wasi-libc's isatty: character device without seek/tell).
fn isatty() {
    let (d, dir) = scratch("isatty");
    let f = must("create", open_plain(d, "f", OFLAGS_CREAT, 0));
    let st = must("fdstat", fdstat(f));
    ckb("not a character device", st.filetype != FILETYPE_CHARACTER_DEVICE);
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// Opening symlinks without following them.
fn nofollow_errors() {
    let (d, dir) = scratch("nofollow_errors");
    ckr("mkdir", &mkdir(d, "target"), 0);
    ckr("symlink", &symlink("target", d, "symlink"), 0);
    ck_any(
        "dir link, O_DIRECTORY",
        err_of(&open_plain(d, "symlink", OFLAGS_DIRECTORY, 0)),
        &[ELOOP, ENOTDIR],
    );
    ck_any("dir link, plain", err_of(&open_plain(d, "symlink", 0, 0)), &[ELOOP, EACCES]);
    if let Some(f) =
        ok("dir link followed", path_open(d, LOOKUP_SYMLINK_FOLLOW, "symlink", OFLAGS_DIRECTORY, 0, 0, 0))
    {
        let _ = close(f);
    }
    ckr("unlink link", &unlink(d, "symlink"), 0);
    ckr("rmdir target", &rmdir(d, "target"), 0);
    touch(d, "target");
    ckr("symlink", &symlink("target", d, "symlink"), 0);
    ck_any(
        "file link, O_DIRECTORY",
        err_of(&open_plain(d, "symlink", OFLAGS_DIRECTORY, 0)),
        &[ELOOP, ENOTDIR],
    );
    ckr("file link, plain", &open_plain(d, "symlink", 0, 0), ELOOP);
    ckr(
        "file link followed, O_DIRECTORY",
        &path_open(d, LOOKUP_SYMLINK_FOLLOW, "symlink", OFLAGS_DIRECTORY, 0, 0, 0),
        ENOTDIR,
    );
    ckr("unlink target", &unlink(d, "target"), 0);
    ckr("unlink link", &unlink(d, "symlink"), 0);
    done(d, &dir);
}

/// path_filestat_get with and without following, on files, dirs and links to them.
fn path_exists() {
    let (d, dir) = scratch("path_exists");
    ckr("mkdir", &mkdir(d, "subdir"), 0);
    ckv("dir", lstat(d, "subdir").map(|s| s.filetype), Ok(FILETYPE_DIRECTORY));
    ckv("dir followed", stat(d, "subdir").map(|s| s.filetype), Ok(FILETYPE_DIRECTORY));
    touch(d, "subdir/file");
    ckv("file", lstat(d, "subdir/file").map(|s| s.filetype), Ok(FILETYPE_REGULAR_FILE));
    ckv("file followed", stat(d, "subdir/file").map(|s| s.filetype), Ok(FILETYPE_REGULAR_FILE));
    ckr("symlink to file", &symlink("subdir/file", d, "link1"), 0);
    ckv("link1", lstat(d, "link1").map(|s| s.filetype), Ok(FILETYPE_SYMBOLIC_LINK));
    ckv("link1 followed", stat(d, "link1").map(|s| s.filetype), Ok(FILETYPE_REGULAR_FILE));
    ckr("symlink to dir", &symlink("subdir", d, "link2"), 0);
    ckv("link2", lstat(d, "link2").map(|s| s.filetype), Ok(FILETYPE_SYMBOLIC_LINK));
    ckv("link2 followed", stat(d, "link2").map(|s| s.filetype), Ok(FILETYPE_DIRECTORY));
    ckr("unlink", &unlink(d, "link1"), 0);
    ckr("unlink", &unlink(d, "link2"), 0);
    ckr("unlink", &unlink(d, "subdir/file"), 0);
    ckr("rmdir", &rmdir(d, "subdir"), 0);
    done(d, &dir);
}

/// The scratch dir keeps PATH_FILESTAT_GET; APPEND|SYNC at open are reported; times by path.
fn path_filestat() {
    let (d, dir) = scratch("path_filestat");
    ckb("PATH_FILESTAT_GET", must("fdstat", fdstat(d)).base & RIGHT_PATH_FILESTAT_GET != 0);
    let rights = RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_PATH_FILESTAT_GET;
    let (f, flags) = match path_open(d, 0, "f", OFLAGS_CREAT, rights, 0, FDFLAGS_APPEND | FDFLAGS_SYNC) {
        Ok(f) => (f, FDFLAGS_APPEND | FDFLAGS_SYNC),
        Err(e) => {
            ck("open append|sync", e, ENOTSUP);
            (
                must("open append", path_open(d, 0, "f", OFLAGS_CREAT, rights, 0, FDFLAGS_APPEND)),
                FDFLAGS_APPEND,
            )
        }
    };
    ckv("flags", fdstat(f).map(|s| s.flags as u32 & flags), Ok(flags));
    let st = must("stat", lstat(d, "f"));
    ckv("size", st.size, 0);
    let m = st.mtim - 100;
    ckr("set mtim by path", &path_set_times(d, 0, "f", 0, m, FSTFLAGS_MTIM), 0);
    ckb("mtim", lstat(d, "f").map(|s| s.mtim) == Ok(m));
    ckr("mtim+now", &path_set_times(d, 0, "f", 0, m, FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW), EINVAL);
    ckb("mtim kept", lstat(d, "f").map(|s| s.mtim) == Ok(m));
    ckr("atim+now", &path_set_times(d, 0, "f", 0, 0, FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW), EINVAL);
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// Hard links: same inode and fdstat, EEXIST cases, directories refused, trailing
/// slash, links to dangling symlinks and loops, SYMLINK_FOLLOW onto a dangling link.
fn path_link() {
    let (d, dir) = scratch("path_link");
    let rights = RIGHT_FD_READ
        | RIGHT_PATH_LINK_SOURCE
        | RIGHT_PATH_LINK_TARGET
        | RIGHT_FD_FILESTAT_GET
        | RIGHT_PATH_OPEN
        | RIGHT_PATH_UNLINK_FILE;
    let f = must("create", path_open(d, 0, "file", OFLAGS_CREAT, rights, rights, 0));
    ckr("link", &link(d, 0, "file", d, "link"), 0);
    let l = must("open link", path_open(d, 0, "link", 0, rights, rights, 0));
    let fs = must("fdstat", fdstat(f));
    ck("set the same rights", unsafe { sys::fd_fdstat_set_rights(f, fs.base, fs.inheriting) }, 0);
    let (a, b) = (must("stat", filestat(f)), must("stat", filestat(l)));
    ckb("same filestat", b == a);
    ckb("same fdstat", fdstat(l) == fdstat(f));
    let _ = close(l);
    ckr("unlink link", &unlink(d, "link"), 0);
    ckr("mkdir", &mkdir(d, "subdir"), 0);
    let s = must("open subdir", path_open(d, 0, "subdir", OFLAGS_DIRECTORY, rights, rights, 0));
    ckr("link into subdir", &link(d, 0, "file", s, "link"), 0);
    let l = must("open", path_open(s, 0, "link", 0, rights, rights, 0));
    ckb(
        "same filestat",
        filestat(l).map(|s| (s.dev, s.ino, s.size, s.nlink))
            == filestat(f).map(|s| (s.dev, s.ino, s.size, s.nlink)),
    );
    let _ = close(l);
    ckr("unlink", &unlink(s, "link"), 0);
    let _ = close(s);
    ckr("rmdir", &rmdir(d, "subdir"), 0);
    touch(d, "link");
    ckr("onto a file", &link(d, 0, "file", d, "link"), EEXIST);
    ckr("unlink", &unlink(d, "link"), 0);
    ckr("onto itself", &link(d, 0, "file", d, "file"), EEXIST);
    ckr("mkdir link", &mkdir(d, "link"), 0);
    ckr("onto a dir", &link(d, 0, "file", d, "link"), EEXIST);
    ckr("rmdir", &rmdir(d, "link"), 0);
    ckr("mkdir", &mkdir(d, "subdir"), 0);
    ck_any("link a dir", err_of(&link(d, 0, "subdir", d, "link")), &[EPERM, EACCES]);
    ckr("rmdir", &rmdir(d, "subdir"), 0);
    ckr("new with slash", &link(d, 0, "file", d, "link/"), ENOENT);
    ckr("dangling symlink", &symlink("target", d, "symlink"), 0);
    ckr("link the dangling symlink", &link(d, 0, "symlink", d, "link"), 0);
    ckr("unlink", &unlink(d, "symlink"), 0);
    ckr("unlink", &unlink(d, "link"), 0);
    ckr("loop symlink", &symlink("symlink", d, "symlink"), 0);
    ckr("link the loop", &link(d, 0, "symlink", d, "link"), 0);
    ckr("unlink", &unlink(d, "symlink"), 0);
    ckr("unlink", &unlink(d, "link"), 0);
    ckr("dangling symlink", &symlink("target", d, "symlink"), 0);
    ckr("onto a dangling symlink", &link(d, 0, "file", d, "symlink"), EEXIST);
    ck_any(
        "follow a dangling symlink",
        err_of(&link(d, LOOKUP_SYMLINK_FOLLOW, "symlink", d, "link")),
        &[EINVAL, ENOENT],
    );
    ckr("unlink", &unlink(d, "symlink"), 0);
    let _ = close(f);
    ckr("unlink", &unlink(d, "file"), 0);
    done(d, &dir);
}

fn path_open_create_existing() {
    let (d, dir) = scratch("path_open_create_existing");
    touch(d, "f");
    ckr("creat|excl", &open_plain(d, "f", OFLAGS_CREAT | OFLAGS_EXCL, 0), EEXIST);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

fn path_open_dirfd_not_dir() {
    let (d, dir) = scratch("path_open_dirfd_not_dir");
    let f = must("create", open_plain(d, "f", OFLAGS_CREAT, 0));
    ck_any("open under a file fd", err_of(&open_plain(f, "foo", OFLAGS_CREAT, 0)), &[ENOTDIR, ENOTCAPABLE]);
    let _ = close(f);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

fn path_open_missing() {
    let (d, dir) = scratch("path_open_missing");
    ckr("missing", &open_plain(d, "f", 0, 0), ENOENT);
    done(d, &dir);
}

/// `.` opened with NONBLOCK.
fn path_open_nonblock() {
    let f = path_open(ROOT, 0, ".", 0, 0, 0, FDFLAGS_NONBLOCK);
    ckr("open . nonblock", &f, 0);
}

/// The rights a preopened directory must report, and how `.` reopens.
fn path_open_preopen() {
    let st = must("fdstat", fdstat(ROOT));
    let dir_base = RIGHT_PATH_CREATE_DIRECTORY
        | RIGHT_PATH_CREATE_FILE
        | RIGHT_PATH_LINK_SOURCE
        | RIGHT_PATH_LINK_TARGET
        | RIGHT_PATH_OPEN
        | RIGHT_FD_READDIR
        | RIGHT_PATH_READLINK
        | RIGHT_PATH_RENAME_SOURCE
        | RIGHT_PATH_RENAME_TARGET
        | RIGHT_PATH_SYMLINK
        | RIGHT_PATH_REMOVE_DIRECTORY
        | RIGHT_PATH_UNLINK_FILE
        | RIGHT_PATH_FILESTAT_GET
        | RIGHT_PATH_FILESTAT_SET_TIMES
        | RIGHT_FD_FILESTAT_GET
        | RIGHT_FD_FILESTAT_SET_TIMES;
    let file_rights = RIGHT_FD_DATASYNC
        | RIGHT_FD_READ
        | RIGHT_FD_SEEK
        | RIGHT_FD_FDSTAT_SET_FLAGS
        | RIGHT_FD_SYNC
        | RIGHT_FD_TELL
        | RIGHT_FD_WRITE
        | RIGHT_FD_ADVISE
        | RIGHT_FD_ALLOCATE
        | RIGHT_FD_FILESTAT_GET
        | RIGHT_FD_FILESTAT_SET_SIZE
        | RIGHT_FD_FILESTAT_SET_TIMES
        | RIGHT_POLL_FD_READWRITE;
    ckv("missing base rights", dir_base & !st.base, 0);
    ckv("missing inheriting rights", (dir_base | file_rights) & !st.inheriting, 0);
    for (label, oflags, base, inh) in [
        ("same rights", 0, st.base, st.inheriting),
        ("no rights", 0, 0, 0),
        ("O_DIRECTORY, no rights", OFLAGS_DIRECTORY, 0, 0),
        ("O_DIRECTORY, read", OFLAGS_DIRECTORY, RIGHT_FD_READ, 0),
    ] {
        if let Some(f) = ok(label, path_open(ROOT, 0, ".", oflags, base, inh, 0)) {
            let _ = close(f);
        }
    }
    ckr(
        "O_DIRECTORY, read+write",
        &path_open(ROOT, 0, ".", OFLAGS_DIRECTORY, RIGHT_FD_READ | RIGHT_FD_WRITE, 0, 0),
        EISDIR,
    );
}

/// Read-only, write-only and read-write opens report and enforce their mode.
fn path_open_read_write() {
    let (d, dir) = scratch("path_open_read_write");
    touch(d, "f");
    let r = must("open ro", open_plain(d, "f", 0, RIGHT_FD_READ));
    let st = must("fdstat", fdstat(r));
    ckv("ro rights", st.base & (RIGHT_FD_READ | RIGHT_FD_WRITE), RIGHT_FD_READ);
    ckv("ro read", read(r, 100).map(|v| v.len()), Ok(0));
    ck_any("ro write", err_of(&write(r, &[1; 50])), &[EBADF, ENOTCAPABLE, EACCES]);
    let _ = close(r);
    let w = must("open wo", open_plain(d, "f", 0, RIGHT_FD_WRITE));
    let st = must("fdstat", fdstat(w));
    ckv("wo rights", st.base & (RIGHT_FD_READ | RIGHT_FD_WRITE), RIGHT_FD_WRITE);
    ck_any("wo read", err_of(&read(w, 100)), &[EBADF, ENOTCAPABLE, EACCES]);
    ckv("wo write", write(w, &[1; 50]), Ok(50));
    let _ = close(w);
    let rw = must("open rw", open_plain(d, "f", 0, RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FILESTAT_GET));
    let st = must("fdstat", fdstat(rw));
    ckv("rw rights", st.base & (RIGHT_FD_READ | RIGHT_FD_WRITE), RIGHT_FD_READ | RIGHT_FD_WRITE);
    ckv("rw read", read(rw, 100).map(|v| v.len()), Ok(50));
    ckv("rw write", write(rw, &[2; 25]), Ok(25));
    ckv("size", filestat(rw).map(|s| s.size), Ok(75));
    let _ = close(rw);
    ckr("unlink", &unlink(d, "f"), 0);
    done(d, &dir);
}

/// Renames of directories and files onto missing, empty, non-empty, file and dir targets.
fn path_rename() {
    let (d, dir) = scratch("path_rename");
    ckr("mkdir", &mkdir(d, "source"), 0);
    ckr("dir -> new", &rename(d, "source", d, "target"), 0);
    ckr("source gone", &open_plain(d, "source", OFLAGS_DIRECTORY, 0), ENOENT);
    ckr("rmdir", &rmdir(d, "target"), 0);
    ckr("mkdir", &mkdir(d, "source"), 0);
    ckr("mkdir", &mkdir(d, "target"), 0);
    ckr("dir -> empty dir", &rename(d, "source", d, "target"), 0);
    ckr("source gone", &open_plain(d, "source", OFLAGS_DIRECTORY, 0), ENOENT);
    ckr("rmdir", &rmdir(d, "target"), 0);
    ckr("mkdir", &mkdir(d, "source"), 0);
    ckr("mkdir", &mkdir(d, "target"), 0);
    touch(d, "target/file");
    ckr("dir -> non-empty dir", &rename(d, "source", d, "target"), ENOTEMPTY);
    ckr("dir -> file", &rename(d, "source", d, "target/file"), ENOTDIR);
    ckr("unlink", &unlink(d, "target/file"), 0);
    ckr("rmdir", &rmdir(d, "source"), 0);
    ckr("rmdir", &rmdir(d, "target"), 0);
    touch(d, "source");
    ckr("file -> new", &rename(d, "source", d, "target"), 0);
    ckr("source gone", &open_plain(d, "source", 0, 0), ENOENT);
    ckr("unlink", &unlink(d, "target"), 0);
    touch(d, "source");
    touch(d, "target");
    ckr("file -> file", &rename(d, "source", d, "target"), 0);
    ckr("source gone", &open_plain(d, "source", 0, 0), ENOENT);
    ckr("unlink", &unlink(d, "target"), 0);
    touch(d, "source");
    ckr("mkdir", &mkdir(d, "target"), 0);
    ckr("file -> dir", &rename(d, "source", d, "target"), EISDIR);
    ckr("rmdir", &rmdir(d, "target"), 0);
    ckr("unlink", &unlink(d, "source"), 0);
    done(d, &dir);
}

/// Trailing slashes on directory renames are accepted on either side.
fn path_rename_dir_trailing_slashes() {
    let (d, dir) = scratch("path_rename_dir_trailing_slashes");
    ckr("mkdir", &mkdir(d, "source"), 0);
    ckr("source/ -> target", &rename(d, "source/", d, "target"), 0);
    ckr("target -> source/", &rename(d, "target", d, "source/"), 0);
    ckr("source/ -> target/", &rename(d, "source/", d, "target/"), 0);
    ckr("target -> source", &rename(d, "target", d, "source"), 0);
    ckr("rmdir", &rmdir(d, "source"), 0);
    done(d, &dir);
}

/// path_symlink with trailing slashes on the new path.
fn path_symlink_trailing_slashes() {
    let (d, dir) = scratch("path_symlink_trailing_slashes");
    ckr("dangling, new/", &symlink("source", d, "target/"), ENOENT);
    ckr("dangling", &symlink("source", d, "target"), 0);
    ckr("unlink", &unlink(d, "target"), 0);
    ckr("mkdir", &mkdir(d, "target"), 0);
    ckr("onto dir/", &symlink("source", d, "target/"), EEXIST);
    ckr("onto dir", &symlink("source", d, "target"), EEXIST);
    ckr("rmdir", &rmdir(d, "target"), 0);
    touch(d, "target");
    ck_any("onto file/", err_of(&symlink("source", d, "target/")), &[ENOTDIR, EEXIST]);
    ckr("onto file", &symlink("source", d, "target"), EEXIST);
    ckr("unlink", &unlink(d, "target"), 0);
    done(d, &dir);
}

/// poll_oneoff: stdin read vs a 200ms clock; stdout and stderr are writable at once.
fn poll_oneoff_stdio() {
    fn sub(buf: &mut [u8], ud: u64, tag: u8, fd: u32, timeout: u64) {
        buf[0..8].copy_from_slice(&ud.to_le_bytes());
        buf[8] = tag;
        if tag == EVENTTYPE_CLOCK {
            buf[16..20].copy_from_slice(&CLOCK_MONOTONIC.to_le_bytes());
            buf[24..32].copy_from_slice(&timeout.to_le_bytes());
        } else {
            buf[16..20].copy_from_slice(&fd.to_le_bytes());
        }
    }
    fn poll(subs: &[(u64, u8, u32)]) -> Vec<(u64, u16, u8)> {
        let mut inb = vec![0u64; subs.len() * 6];
        let mut outb = vec![0u64; subs.len() * 4];
        {
            let bytes = unsafe { std::slice::from_raw_parts_mut(inb.as_mut_ptr() as *mut u8, inb.len() * 8) };
            for (i, (ud, tag, fd)) in subs.iter().enumerate() {
                sub(&mut bytes[i * 48..i * 48 + 48], *ud, *tag, *fd, 200_000_000);
            }
        }
        let mut n: u32 = 0;
        let e = unsafe {
            sys::poll_oneoff(inb.as_ptr() as u32, outb.as_mut_ptr() as u32, subs.len() as u32, mptr(&mut n))
        };
        ck("poll_oneoff", e, 0);
        let bytes = unsafe { std::slice::from_raw_parts(outb.as_ptr() as *const u8, outb.len() * 8) };
        (0..n as usize)
            .map(|i| {
                let ev = &bytes[i * 32..i * 32 + 32];
                (u64::from_le_bytes(ev[0..8].try_into().unwrap()), u16::from_le_bytes([ev[8], ev[9]]), ev[10])
            })
            .collect()
    }
    let evs = poll(&[(10, EVENTTYPE_CLOCK, 0), (20, EVENTTYPE_FD_READ, 0)]);
    ckb("stdin poll: some event", !evs.is_empty());
    for (ud, err, ty) in &evs {
        let good =
            (*ud == 10 && *ty == EVENTTYPE_CLOCK || *ud == 20 && *ty == EVENTTYPE_FD_READ) && *err == 0;
        ckb("stdin poll: event is clock or stdin, no error", good);
    }
    let mut pending = vec![1u64, 2];
    for _ in 0..4 {
        if pending.is_empty() {
            break;
        }
        let mut subs: Vec<(u64, u8, u32)> =
            pending.iter().map(|&ud| (ud, EVENTTYPE_FD_WRITE, ud as u32)).collect();
        subs.push((10, EVENTTYPE_CLOCK, 0));
        for (ud, err, ty) in poll(&subs) {
            ckb("writable before the timeout", ud != 10);
            ckv("write event", (err, ty), (0, EVENTTYPE_FD_WRITE));
            pending.retain(|&p| p != ud);
        }
    }
    ckb("stdout and stderr writable", pending.is_empty());
}

/// path_readlink fills what fits and says how much.
fn readlink() {
    let (d, dir) = scratch("readlink");
    touch(d, "target");
    ckr("symlink", &symlink("target", d, "symlink"), 0);
    let mut buf = [0u8; 10];
    let mut used: u32 = 0;
    let p = "symlink";
    let e = unsafe { sys::path_readlink(d, ptr(p.as_bytes()), 7, mptr(&mut buf[..]), 10, mptr(&mut used)) };
    ck("readlink", e, 0);
    ckv("whole", (used, buf), (6, *b"target\0\0\0\0"));
    let mut small = [0u8; 4];
    let e = unsafe { sys::path_readlink(d, ptr(p.as_bytes()), 7, mptr(&mut small[..]), 4, mptr(&mut used)) };
    ck("readlink short", e, 0);
    ckv("truncated", (used, small), (4, *b"targ"));
    ckr("unlink", &unlink(d, "target"), 0);
    ckr("unlink", &unlink(d, "symlink"), 0);
    done(d, &dir);
}

/// rmdir with and without a trailing slash, on directories and files.
fn remove_directory_trailing_slashes() {
    let (d, dir) = scratch("remove_directory_trailing_slashes");
    ckr("mkdir", &mkdir(d, "dir"), 0);
    ckr("rmdir", &rmdir(d, "dir"), 0);
    ckr("mkdir", &mkdir(d, "dir"), 0);
    ckr("rmdir dir/", &rmdir(d, "dir/"), 0);
    touch(d, "file");
    ckr("rmdir file", &rmdir(d, "file"), ENOTDIR);
    ckr("rmdir file/", &rmdir(d, "file/"), ENOTDIR);
    ckr("unlink", &unlink(d, "file"), 0);
    done(d, &dir);
}

fn remove_nonempty_directory() {
    let (d, dir) = scratch("remove_nonempty_directory");
    ckr("mkdir", &mkdir(d, "dir"), 0);
    ckr("mkdir nested", &mkdir(d, "dir/nested"), 0);
    ckr("rmdir non-empty", &rmdir(d, "dir"), ENOTEMPTY);
    ckr("rmdir nested", &rmdir(d, "dir/nested"), 0);
    ckr("rmdir", &rmdir(d, "dir"), 0);
    done(d, &dir);
}

/// Symlinks to files and directories are followed on request; an absolute target is refused.
fn symlink_create() {
    let (d, dir) = scratch("symlink_create");
    touch(d, "target");
    ckr("symlink", &symlink("target", d, "symlink"), 0);
    if let Some(f) = ok("open through link", path_open(d, LOOKUP_SYMLINK_FOLLOW, "symlink", 0, 0, 0, 0)) {
        let _ = close(f);
    }
    ckr("unlink", &unlink(d, "symlink"), 0);
    ckr("unlink", &unlink(d, "target"), 0);
    ckr("mkdir", &mkdir(d, "target"), 0);
    ckr("symlink", &symlink("target", d, "symlink"), 0);
    if let Some(f) =
        ok("open dir through link", path_open(d, LOOKUP_SYMLINK_FOLLOW, "symlink", OFLAGS_DIRECTORY, 0, 0, 0))
    {
        let _ = close(f);
    }
    ckr("unlink", &unlink(d, "symlink"), 0);
    ckr("rmdir", &rmdir(d, "target"), 0);
    let r = symlink("/", d, "symlink");
    ckb("symlink to / refused", r.is_err());
    if r.is_ok() {
        let _ = unlink(d, "symlink");
    }
    done(d, &dir);
}

/// Times set on a symlink itself (no follow) and through it (follow).
fn symlink_filestat() {
    let (d, dir) = scratch("symlink_filestat");
    let f = must("create", open_plain(d, "file", OFLAGS_CREAT, RIGHT_FD_READ | RIGHT_FD_WRITE));
    let fst = must("stat", lstat(d, "file"));
    ckr("symlink", &symlink("file", d, "symlink"), 0);
    let sst = must("lstat", lstat(d, "symlink"));
    let m = sst.mtim - 200;
    ckr("set link mtim", &path_set_times(d, 0, "symlink", 0, m, FSTFLAGS_MTIM), 0);
    ckb("link mtim", lstat(d, "symlink").map(|s| s.mtim) == Ok(m));
    ckb("file mtim kept", lstat(d, "file").map(|s| s.mtim) == Ok(fst.mtim));
    ckb("followed mtim", stat(d, "symlink").map(|s| s.mtim) == Ok(fst.mtim));
    ckr(
        "set through link",
        &path_set_times(d, LOOKUP_SYMLINK_FOLLOW, "symlink", 0, sst.mtim, FSTFLAGS_MTIM),
        0,
    );
    ckb("file mtim", lstat(d, "file").map(|s| s.mtim) == Ok(sst.mtim));
    let _ = close(f);
    ckr("unlink", &unlink(d, "symlink"), 0);
    ckr("unlink", &unlink(d, "file"), 0);
    done(d, &dir);
}

fn symlink_loop() {
    let (d, dir) = scratch("symlink_loop");
    ckr("symlink to itself", &symlink("symlink", d, "symlink"), 0);
    ckr("open", &open_plain(d, "symlink", 0, 0), ELOOP);
    ckr("unlink", &unlink(d, "symlink"), 0);
    done(d, &dir);
}

/// O_TRUNC needs PATH_FILESTAT_SET_SIZE on the directory, not FD_FILESTAT_SET_SIZE.
fn truncation_rights() {
    let (d, dir) = scratch("truncation_rights");
    touch(d, "file");
    let st = must("fdstat", fdstat(d));
    ckv("filetype", st.filetype, FILETYPE_DIRECTORY);
    ckv("flags", st.flags, 0);
    ckv("no FD_FILESTAT_SET_SIZE", st.base & RIGHT_FD_FILESTAT_SET_SIZE, 0);
    ckb("PATH_FILESTAT_SET_SIZE", st.base & RIGHT_PATH_FILESTAT_SET_SIZE != 0);
    if let Some(f) = ok("truncate", open_plain(d, "file", OFLAGS_TRUNC, 0)) {
        let _ = close(f);
    }
    let inh = st.inheriting & !RIGHT_FD_FILESTAT_SET_SIZE;
    ck("drop inheriting set_size", unsafe { sys::fd_fdstat_set_rights(d, st.base, inh) }, 0);
    if let Some(f) = ok("truncate without fd right", open_plain(d, "file", OFLAGS_TRUNC, 0)) {
        let _ = close(f);
    }
    let base = st.base & !RIGHT_PATH_FILESTAT_SET_SIZE;
    ck("drop base path set_size", unsafe { sys::fd_fdstat_set_rights(d, base, inh) }, 0);
    ckv("dropped", fdstat(d).map(|s| s.base & RIGHT_PATH_FILESTAT_SET_SIZE), Ok(0));
    ck_any("truncate refused", err_of(&open_plain(d, "file", OFLAGS_TRUNC, 0)), &[ENOTCAPABLE, EPERM]);
    ckr("unlink", &unlink(d, "file"), 0);
    done(d, &dir);
}

/// unlink of directories (with and without a slash) and of `file/`.
fn unlink_file_trailing_slashes() {
    let (d, dir) = scratch("unlink_file_trailing_slashes");
    ckr("mkdir", &mkdir(d, "dir"), 0);
    ckr("unlink dir", &unlink(d, "dir"), EISDIR);
    ckr("unlink dir/", &unlink(d, "dir/"), EISDIR);
    ckr("rmdir", &rmdir(d, "dir"), 0);
    touch(d, "file");
    ckr("unlink file/", &unlink(d, "file/"), ENOTDIR);
    ckr("unlink file", &unlink(d, "file"), 0);
    done(d, &dir);
}

fn clock_time_get() {
    let mut t: u64 = 0;
    ck("precision 1", unsafe { sys::clock_time_get(CLOCK_MONOTONIC, 1, mptr(&mut t)) }, 0);
    let a = must("t1", clock(CLOCK_MONOTONIC));
    let b = must("t2", clock(CLOCK_MONOTONIC));
    ckb("monotonic", a <= b);
}

fn big_random_buf() {
    let mut buf = vec![0u8; 1024];
    ck("random_get", unsafe { sys::random_get(mptr(&mut buf[..]), 1024) }, 0);
    ckb("not all zero", buf.iter().any(|&b| b != 0));
}

fn sched_yield() {
    ck("sched_yield", unsafe { sys::sched_yield() }, 0);
}

/// From the upstream C tests: sock_shutdown on a non-socket and on a bad fd; stat
/// dev/ino of two files; pwrite on an O_APPEND fd keeps the cursor.
fn c_tests() {
    ck("shutdown stdout", unsafe { sys::sock_shutdown(1, 1) }, ENOTSOCK);
    ck("shutdown bad fd", unsafe { sys::sock_shutdown(1234, 1) }, EBADF);
    let (d, dir) = scratch("c_tests");
    touch(d, "a");
    touch(d, "b");
    let (a, b) = (must("stat", lstat(d, "a")), must("stat", lstat(d, "b")));
    ckb("same dev", a.dev == b.dev);
    ckb("different ino", a.ino != b.ino);
    let f = must(
        "open append",
        path_open(
            d,
            0,
            "p",
            OFLAGS_CREAT | OFLAGS_TRUNC,
            RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL,
            0,
            FDFLAGS_APPEND,
        ),
    );
    ckr("write", &write(f, b"ab"), 0);
    ckv("seek 0", seek(f, 0, WHENCE_SET), Ok(0));
    ckr("write", &write(f, b"cd"), 0);
    ckv("cursor", tell(f), Ok(4));
    ckv("pwrite", pwrite(f, b"xyz", 0), Ok(3));
    ckv("cursor kept", tell(f), Ok(4));
    let end = must("seek end", seek(f, 0, WHENCE_END));
    ckb("end is 4 or 7", end == 4 || end == 7);
    let _ = close(f);
    for n in ["a", "b", "p"] {
        ckr("unlink", &unlink(d, n), 0);
    }
    done(d, &dir);
}

fn res(e: i32) -> Result<(), i32> {
    if e == 0 {
        Ok(())
    } else {
        Err(e)
    }
}

const TESTS: &[(&str, fn())] = &[
    ("big_random_buf", big_random_buf),
    ("c_tests", c_tests),
    ("clock_time_get", clock_time_get),
    ("close_preopen", close_preopen),
    ("dangling_fd", dangling_fd),
    ("dangling_symlink", dangling_symlink),
    ("dir_fd_op_failures", dir_fd_op_failures),
    ("directory_seek", directory_seek),
    ("fd_advise", fd_advise),
    ("fd_fdstat_set_rights", fd_fdstat_set_rights),
    ("fd_filestat_set", fd_filestat_set),
    ("fd_flags_set", fd_flags_set),
    ("fd_readdir", fd_readdir),
    ("file_allocate", file_allocate),
    ("file_pread_pwrite", file_pread_pwrite),
    ("file_seek_tell", file_seek_tell),
    ("file_truncation", file_truncation),
    ("file_unbuffered_write", file_unbuffered_write),
    ("fstflags_validate", fstflags_validate),
    ("interesting_paths", interesting_paths),
    ("isatty", isatty),
    ("nofollow_errors", nofollow_errors),
    ("overwrite_preopen", overwrite_preopen),
    ("path_exists", path_exists),
    ("path_filestat", path_filestat),
    ("path_link", path_link),
    ("path_open_create_existing", path_open_create_existing),
    ("path_open_dirfd_not_dir", path_open_dirfd_not_dir),
    ("path_open_missing", path_open_missing),
    ("path_open_nonblock", path_open_nonblock),
    ("path_open_preopen", path_open_preopen),
    ("path_open_read_write", path_open_read_write),
    ("path_rename", path_rename),
    ("path_rename_dir_trailing_slashes", path_rename_dir_trailing_slashes),
    ("path_symlink_trailing_slashes", path_symlink_trailing_slashes),
    ("poll_oneoff_stdio", poll_oneoff_stdio),
    ("readlink", readlink),
    ("remove_directory_trailing_slashes", remove_directory_trailing_slashes),
    ("remove_nonempty_directory", remove_nonempty_directory),
    ("renumber", renumber),
    ("sched_yield", sched_yield),
    ("stdio", stdio),
    ("symlink_create", symlink_create),
    ("symlink_filestat", symlink_filestat),
    ("symlink_loop", symlink_loop),
    ("truncation_rights", truncation_rights),
    ("unlink_file_trailing_slashes", unlink_file_trailing_slashes),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--list") => {
            for (n, _) in TESTS {
                say(n);
            }
        }
        Some(name) => match TESTS.iter().find(|(n, _)| *n == name) {
            Some((_, f)) => f(),
            None => {
                eprintln!("upstream: unknown check set {name}");
                std::process::exit(2);
            }
        },
        None => {
            eprintln!("usage: upstream NAME | upstream --list");
            std::process::exit(2);
        }
    }
    finish();
}
