//! fd_* calls on files, directories, stdio and preopens.

use crate::{case, Case, Opts, D, D2};
use wasibox_guests::*;

pub fn cases() -> Vec<Case> {
    vec![
        case!(fd_read_basic, "fd", "fd_read path_open", "base"),
        case!(fd_read_scatter, "fd", "fd_read", "base"),
        case!(fd_read_zero_iovs, "fd", "fd_read", "base"),
        case!(fd_read_directory, "fd", "fd_read", "base"),
        case!(fd_read_writeonly, "rights", "fd_read", "base"),
        case!(fd_read_writeonly_enforce, "rights", "fd_read", "base"),
        case!(fd_write_file, "fd", "fd_write", "base"),
        case!(fd_write_gather, "fd", "fd_write", "base"),
        case!(fd_write_zero_iovs, "fd", "fd_write", "base"),
        case!(fd_write_readonly, "rights", "fd_write", "base"),
        case!(fd_write_readonly_enforce, "rights", "fd_write", "base"),
        case!(fd_write_directory, "fd", "fd_write", "base"),
        case!(fd_write_stdout, "stdio", "fd_write", ""),
        case!(fd_write_stderr, "stdio", "fd_write", ""),
        case!(fd_read_stdin, "stdio", "fd_read", ""),
        case!(fd_read_stdin_empty, "stdio", "fd_read", ""),
        case!(fd_read_stdin_small_reads, "stdio", "fd_read", ""),
        case!(fd_seek_whence, "fd", "fd_seek", "base"),
        case!(fd_seek_negative, "fd", "fd_seek fd_tell", "base"),
        case!(fd_seek_past_end, "fd", "fd_seek fd_write fd_filestat_get", "base"),
        case!(fd_seek_invalid_whence, "fd", "fd_seek", "base"),
        case!(fd_seek_overflow, "fd", "fd_seek", "base"),
        case!(fd_seek_directory, "fd", "fd_seek", "base"),
        case!(fd_seek_stdio, "stdio", "fd_seek", ""),
        case!(fd_tell_basic, "fd", "fd_tell fd_read fd_write", "base"),
        case!(fd_tell_stdio, "stdio", "fd_tell", ""),
        case!(fd_pread_basic, "fd", "fd_pread fd_tell", "base"),
        case!(fd_pread_past_eof, "fd", "fd_pread", "base"),
        case!(fd_pread_scatter, "fd", "fd_pread", "base"),
        case!(fd_pread_stdio, "stdio", "fd_pread", ""),
        case!(fd_pread_directory, "fd", "fd_pread", "base"),
        case!(fd_pread_writeonly, "rights", "fd_pread", "base"),
        case!(fd_pwrite_basic, "fd", "fd_pwrite fd_tell", "base"),
        case!(fd_pwrite_extend, "fd", "fd_pwrite", "base"),
        case!(fd_pwrite_append, "fd", "fd_pwrite", "base"),
        case!(fd_pwrite_stdio, "stdio", "fd_pwrite", ""),
        case!(fd_pwrite_readonly, "rights", "fd_pwrite", "base"),
        case!(fd_pwrite_readonly_enforce, "rights", "fd_pwrite", "base"),
        case!(fd_append_write, "fd", "fd_write fd_seek path_open", "base"),
        case!(fd_fdstat_file, "fd", "fd_fdstat_get", "base"),
        case!(fd_fdstat_dir, "fd", "fd_fdstat_get", "base"),
        case!(fd_fdstat_stdio, "stdio", "fd_fdstat_get", ""),
        case!(fd_fdstat_append, "fd", "fd_fdstat_get", "base"),
        case!(fd_fdstat_set_flags_append, "fd", "fd_fdstat_set_flags fd_fdstat_get fd_write", "base"),
        case!(fd_fdstat_set_flags_nonblock, "fd", "fd_fdstat_set_flags", "base"),
        case!(fd_fdstat_set_flags_badf, "fd", "fd_fdstat_set_flags", ""),
        case!(fd_fdstat_set_rights_narrow, "rights", "fd_fdstat_set_rights fd_fdstat_get fd_write", "base"),
        case!(fd_fdstat_set_rights_narrow_enforce, "rights", "fd_fdstat_set_rights fd_fdstat_get fd_write", "base"),
        case!(fd_fdstat_set_rights_widen, "rights", "fd_fdstat_set_rights", "base"),
        case!(fd_fdstat_set_rights_badf, "rights", "fd_fdstat_set_rights", ""),
        case!(fd_filestat_file, "fd", "fd_filestat_get", "base"),
        case!(fd_filestat_dir, "fd", "fd_filestat_get", "base"),
        case!(fd_filestat_stdio, "stdio", "fd_filestat_get", ""),
        case!(fd_filestat_set_size_shrink, "fd", "fd_filestat_set_size", "base"),
        case!(fd_filestat_set_size_grow, "fd", "fd_filestat_set_size", "base"),
        case!(fd_filestat_set_size_readonly, "rights", "fd_filestat_set_size", "base"),
        case!(fd_filestat_set_size_readonly_enforce, "rights", "fd_filestat_set_size", "base"),
        case!(fd_filestat_set_size_dir, "fd", "fd_filestat_set_size", "base"),
        case!(fd_filestat_set_times_explicit, "fd", "fd_filestat_set_times fd_filestat_get", "base"),
        case!(fd_filestat_set_times_now, "fd", "fd_filestat_set_times", "base"),
        case!(fd_filestat_set_times_one, "fd", "fd_filestat_set_times", "base"),
        case!(fd_filestat_set_times_invalid, "fd", "fd_filestat_set_times", "base"),
        case!(fd_filestat_set_times_dir, "fd", "fd_filestat_set_times", "base"),
        case!(fd_advise_all, "fd", "fd_advise", "base"),
        case!(fd_advise_invalid, "fd", "fd_advise", "base"),
        case!(fd_allocate_grow, "fd", "fd_allocate", "base"),
        case!(fd_allocate_within, "fd", "fd_allocate", "base"),
        case!(fd_allocate_readonly, "rights", "fd_allocate", "base"),
        case!(fd_sync_file, "fd", "fd_sync fd_datasync", "base"),
        case!(fd_sync_dir, "fd", "fd_sync fd_datasync", "base"),
        case!(fd_close_basic, "fd", "fd_close", "base"),
        case!(fd_close_preopen, "fd", "fd_close fd_prestat_get", "base"),
        case!(fd_close_stdout, "stdio", "fd_close fd_write", ""),
        case!(fd_renumber_basic, "fd", "fd_renumber", "base"),
        case!(fd_renumber_same, "fd", "fd_renumber", "base"),
        case!(fd_renumber_badf, "fd", "fd_renumber", "base"),
        case!(fd_renumber_to_closed, "fd", "fd_renumber", "base"),
        case!(fd_renumber_onto_stdout, "stdio", "fd_renumber fd_write", "base"),
        case!(fd_renumber_preopen, "fd", "fd_renumber fd_prestat_get", "base"),
        case!(fd_prestat_get_preopen, "prestat", "fd_prestat_get", "base"),
        case!(fd_prestat_get_not_preopen, "prestat", "fd_prestat_get", "base"),
        case!(fd_prestat_dir_name_basic, "prestat", "fd_prestat_dir_name", "base"),
        case!(fd_prestat_dir_name_short, "prestat", "fd_prestat_dir_name", "base"),
        case!(fd_prestat_dir_name_long_buffer, "prestat", "fd_prestat_dir_name", "base"),
        case!(fd_prestat_dir_name_not_preopen, "prestat", "fd_prestat_dir_name", "base"),
        case!(fd_prestat_two_preopens, "prestat", "fd_prestat_get fd_prestat_dir_name", "base other"),
        case!(fd_prestat_custom_name, "prestat", "fd_prestat_get fd_prestat_dir_name path_open", "@/sandbox=base"),
        case!(fd_open_many, "fd", "path_open fd_close", "base"),
    ]
}

fn wo(path: &str) -> Result<u32, i32> {
    open_wo(D, path)
}

fn s(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn fd_read_basic(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ckv("read 5", s(&must("read", read(fd, 5))), "hello".into());
    ckv("read rest", s(&must("read", read(fd, 100))), ", world\n".into());
    ckv("read at EOF", must("read", read(fd, 100)).len(), 0);
}

fn fd_read_scatter(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let mut a = [0u8; 4];
    let mut b = [0u8; 0];
    let mut c = [0u8; 100];
    let iovs = [mptr(&mut a), 4, mptr(&mut b), 0, mptr(&mut c), 100];
    let mut n = 0u32;
    ck("fd_read 3 iovecs", unsafe { fd_read(fd, ptr(&iovs), 3, mptr(&mut n)) }, 0);
    ckv("nread", n, 13);
    ckv("iov0", s(&a), "hell".into());
    ckv("iov2", s(&c[..9]), "o, world\n".into());
}

fn fd_read_zero_iovs(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let mut n = 99u32;
    ck("fd_read 0 iovecs", unsafe { fd_read(fd, 0, 0, mptr(&mut n)) }, 0);
    ckv("nread", n, 0);
    let mut e = [0u8; 0];
    let iovs = [mptr(&mut e), 0];
    ck("fd_read 1 empty iovec", unsafe { fd_read(fd, ptr(&iovs), 1, mptr(&mut n)) }, 0);
    ckv("nread", n, 0);
    ckv("position unchanged", tell(fd), Ok(0));
}

fn fd_read_directory(_: &Opts) {
    // Linux: read(2) on a directory gives EISDIR.
    ckr("fd_read(preopen dir)", &read(D, 10), EISDIR);
    let fd = must("open dir", open_dir(D, "dir"));
    ckr("fd_read(opened dir)", &read(fd, 10), EISDIR);
}

fn fd_read_writeonly(o: &Opts) {
    let fd = must("open write-only", wo("file.txt"));
    ckr("fd_read(write-only fd)", &read(fd, 10), if o.enforce { ENOTCAPABLE } else { EBADF });
}
fn fd_read_writeonly_enforce(o: &Opts) {
    fd_read_writeonly(o)
}

fn fd_write_file(_: &Opts) {
    let fd = must("create", create(D, "new.txt"));
    ckv("fd_write", write(fd, b"written\n"), Ok(8));
    ckv("size", filestat(fd).map(|s| s.size), Ok(8));
    must("close", close(fd));
    ckv("contents", get_s(D, "new.txt"), Ok("written\n".into()));
}

fn fd_write_gather(_: &Opts) {
    let fd = must("create", create(D, "gather.txt"));
    let (a, b, c) = (b"one ".to_vec(), Vec::<u8>::new(), b"two\n".to_vec());
    let iovs = [ptr(&a[..]), 4, ptr(&b[..]), 0, ptr(&c[..]), 4];
    let mut n = 0u32;
    ck("fd_write 3 iovecs", unsafe { fd_write(fd, ptr(&iovs), 3, mptr(&mut n)) }, 0);
    ckv("nwritten", n, 8);
    must("close", close(fd));
    ckv("contents", get_s(D, "gather.txt"), Ok("one two\n".into()));
}

fn fd_write_zero_iovs(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let mut n = 99u32;
    ck("fd_write 0 iovecs", unsafe { fd_write(fd, 0, 0, mptr(&mut n)) }, 0);
    ckv("nwritten", n, 0);
    ck("fd_write 0 iovecs to stdout", unsafe { fd_write(1, 0, 0, mptr(&mut n)) }, 0);
    ckv("file unchanged", get_s(D, "file.txt"), Ok("hello, world\n".into()));
}

fn fd_write_readonly(o: &Opts) {
    let fd = must("open read-only", open_ro(D, "file.txt"));
    ckr("fd_write(read-only fd)", &write(fd, b"x"), if o.enforce { ENOTCAPABLE } else { EBADF });
    ckv("file unchanged", get_s(D, "file.txt"), Ok("hello, world\n".into()));
}
fn fd_write_readonly_enforce(o: &Opts) {
    fd_write_readonly(o)
}

fn fd_write_directory(_: &Opts) {
    ckr("fd_write(preopen dir)", &write(D, b"x"), EBADF);
}

fn fd_write_stdout(_: &Opts) {
    let (a, b, c) = (b"raw ".to_vec(), b"stdout".to_vec(), b" line\n".to_vec());
    let iovs = [ptr(&a[..]), 4, ptr(&b[..]), 6, ptr(&c[..]), 6];
    let mut n = 0u32;
    let e = unsafe { fd_write(1, ptr(&iovs), 3, mptr(&mut n)) };
    ck("fd_write(1, 3 iovecs)", e, 0);
    ckv("nwritten", n, 16);
}

fn fd_write_stderr(_: &Opts) {
    ckv("fd_write(2)", write(2, b"to stderr\n"), Ok(10));
}

fn fd_read_stdin(_: &Opts) {
    let data = must("read stdin", read_to_end(0));
    ckv("stdin", s(&data), "line one\nline two\n".into());
}

fn fd_read_stdin_empty(_: &Opts) {
    ckv("read stdin", read(0, 10), Ok(vec![]));
    ckv("read stdin again", read(0, 10), Ok(vec![]));
}

fn fd_read_stdin_small_reads(_: &Opts) {
    let mut parts = Vec::new();
    loop {
        let c = must("read", read(0, 3));
        if c.is_empty() {
            break;
        }
        parts.push(s(&c));
    }
    ckv("joined", parts.concat(), "abcdefgh".into());
    ckb("no read returned more than 3 bytes", parts.iter().all(|p| p.len() <= 3));
}

fn fd_seek_whence(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ckv("seek(5, SET)", seek(fd, 5, WHENCE_SET), Ok(5));
    ckv("seek(2, CUR)", seek(fd, 2, WHENCE_CUR), Ok(7));
    ckv("read 5", read(fd, 5).map(|v| s(&v)), Ok("world".into()));
    ckv("seek(-3, CUR)", seek(fd, -3, WHENCE_CUR), Ok(9));
    ckv("seek(0, END)", seek(fd, 0, WHENCE_END), Ok(13));
    ckv("seek(-6, END)", seek(fd, -6, WHENCE_END), Ok(7));
    ckv("seek(0, CUR)", seek(fd, 0, WHENCE_CUR), Ok(7));
}

fn fd_seek_negative(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    must("seek", seek(fd, 4, WHENCE_SET));
    ckr("seek(-1, SET)", &seek(fd, -1, WHENCE_SET), EINVAL);
    ckr("seek(-5, CUR) from 4", &seek(fd, -5, WHENCE_CUR), EINVAL);
    ckr("seek(-14, END) of 13 bytes", &seek(fd, -14, WHENCE_END), EINVAL);
    ckv("position unchanged", tell(fd), Ok(4));
}

fn fd_seek_past_end(_: &Opts) {
    let fd = must("create", create(D, "sparse.bin"));
    ckv("seek(10, SET)", seek(fd, 10, WHENCE_SET), Ok(10));
    ckv("size still 0", filestat(fd).map(|s| s.size), Ok(0));
    ckv("write 1 byte", write(fd, b"Z"), Ok(1));
    ckv("size", filestat(fd).map(|s| s.size), Ok(11));
    let data = must("pread", pread(fd, 20, 0));
    ckv("contents", data, b"\0\0\0\0\0\0\0\0\0\0Z".to_vec());
}

fn fd_seek_invalid_whence(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ckr("seek(0, whence=3)", &seek(fd, 0, 3), EINVAL);
    ckr("seek(0, whence=255)", &seek(fd, 0, 255), EINVAL);
}

fn fd_seek_overflow(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    must("seek", seek(fd, 10, WHENCE_SET));
    ckr("seek(i64::MAX, CUR) from 10", &seek(fd, i64::MAX, WHENCE_CUR), EINVAL);
    ckr("seek(i64::MAX, END)", &seek(fd, i64::MAX, WHENCE_END), EINVAL);
    ckv("position unchanged", tell(fd), Ok(10));
}

fn fd_seek_directory(_: &Opts) {
    let fd = must("open dir", open_dir(D, "dir"));
    // Linux's lseek(2) on a directory succeeds; WASI runtimes (and the upstream
    // wasi-testsuite's directory_seek) refuse it: a directory has no offset.
    ckr("seek(0, SET) on a directory", &seek(fd, 0, WHENCE_SET), EBADF);
    ckr("tell on a directory", &tell(fd), EBADF);
}

fn fd_seek_stdio(_: &Opts) {
    for fd in 0..3 {
        ckr(&format!("seek(fd {fd}, 0, CUR)"), &seek(fd, 0, WHENCE_CUR), ESPIPE);
    }
}

fn fd_tell_basic(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ckv("tell at open", tell(fd), Ok(0));
    must("read", read(fd, 3));
    ckv("tell after read 3", tell(fd), Ok(3));
    must("write", write(fd, b"XY"));
    ckv("tell after write 2", tell(fd), Ok(5));
    must("seek", seek(fd, 0, WHENCE_END));
    ckv("tell at end", tell(fd), Ok(13));
}

fn fd_tell_stdio(_: &Opts) {
    for fd in 0..3 {
        ckr(&format!("tell(fd {fd})"), &tell(fd), ESPIPE);
    }
}

fn fd_pread_basic(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ckv("pread(5 @ 7)", pread(fd, 5, 7).map(|v| s(&v)), Ok("world".into()));
    ckv("pread(100 @ 0)", pread(fd, 100, 0).map(|v| s(&v)), Ok("hello, world\n".into()));
    ckv("offset unchanged", tell(fd), Ok(0));
}

fn fd_pread_past_eof(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ckv("pread(10 @ 13)", pread(fd, 10, 13), Ok(vec![]));
    ckv("pread(10 @ 1000)", pread(fd, 10, 1000), Ok(vec![]));
    ckv("pread(10 @ 10)", pread(fd, 10, 10).map(|v| s(&v)), Ok("ld\n".into()));
}

fn fd_pread_scatter(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let mut a = [0u8; 3];
    let mut b = [0u8; 3];
    let iovs = [mptr(&mut a), 3, mptr(&mut b), 3];
    let mut n = 0u32;
    ck("fd_pread 2 iovecs @ 7", unsafe { fd_pread(fd, ptr(&iovs), 2, 7, mptr(&mut n)) }, 0);
    ckv("nread", n, 6);
    ckv("data", format!("{}|{}", s(&a), s(&b)), "wor|ld\n".into());
}

fn fd_pread_stdio(_: &Opts) {
    ckr("pread(stdin)", &pread(0, 4, 0), ESPIPE);
}

fn fd_pread_directory(_: &Opts) {
    ckr("pread(dir)", &pread(D, 4, 0), EISDIR);
}

fn fd_pread_writeonly(_: &Opts) {
    let fd = must("open write-only", wo("file.txt"));
    ckr("pread(write-only fd)", &pread(fd, 4, 0), EBADF);
}

fn fd_pwrite_basic(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    must("seek", seek(fd, 2, WHENCE_SET));
    ckv("pwrite(HELLO @ 0)", pwrite(fd, b"HELLO", 0), Ok(5));
    ckv("offset unchanged", tell(fd), Ok(2));
    must("close", close(fd));
    ckv("contents", get_s(D, "file.txt"), Ok("HELLO, world\n".into()));
}

fn fd_pwrite_extend(_: &Opts) {
    let fd = must("create", create(D, "ext.bin"));
    ckv("pwrite(AB @ 6)", pwrite(fd, b"AB", 6), Ok(2));
    ckv("size", filestat(fd).map(|s| s.size), Ok(8));
    ckv("contents", pread(fd, 10, 0), Ok(b"\0\0\0\0\0\0AB".to_vec()));
    ckv("offset still 0", tell(fd), Ok(0));
}

fn fd_pwrite_append(_: &Opts) {
    let fd = must(
        "open append",
        path_open(D, LOOKUP_SYMLINK_FOLLOW, "file.txt", 0, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), FDFLAGS_APPEND),
    );
    // POSIX (and Linux): with O_APPEND, pwrite appends whatever the offset.
    ckv("pwrite(X @ 0) on append fd", pwrite(fd, b"X", 0), Ok(1));
    must("close", close(fd));
    ckv("contents", get_s(D, "file.txt"), Ok("hello, world\nX".into()));
}

fn fd_pwrite_stdio(_: &Opts) {
    ckr("pwrite(stdout)", &pwrite(1, b"x", 0), ESPIPE);
}

fn fd_pwrite_readonly(o: &Opts) {
    let fd = must("open read-only", open_ro(D, "file.txt"));
    ckr("pwrite(read-only fd)", &pwrite(fd, b"x", 0), if o.enforce { ENOTCAPABLE } else { EBADF });
}
fn fd_pwrite_readonly_enforce(o: &Opts) {
    fd_pwrite_readonly(o)
}

fn fd_append_write(_: &Opts) {
    let fd = must(
        "open append",
        path_open(D, LOOKUP_SYMLINK_FOLLOW, "file.txt", 0, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), FDFLAGS_APPEND),
    );
    ckv("seek(0, SET)", seek(fd, 0, WHENCE_SET), Ok(0));
    ckv("write", write(fd, b"tail\n"), Ok(5));
    ckv("tell after append", tell(fd), Ok(18));
    must("close", close(fd));
    ckv("contents", get_s(D, "file.txt"), Ok("hello, world\ntail\n".into()));
}

fn fd_fdstat_file(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let st = must("fdstat", fdstat(fd));
    ckv("filetype", filetype_name(st.filetype), "regular_file");
    ckv("flags", st.flags, 0);
    ckb("base has FD_READ", st.base & RIGHT_FD_READ != 0);
    ckb("base has FD_WRITE", st.base & RIGHT_FD_WRITE != 0);
    let ro = must("open ro", open_ro(D, "file.txt"));
    let st = must("fdstat", fdstat(ro));
    ckb("read-only fd: base has FD_READ", st.base & RIGHT_FD_READ != 0);
    ckb("read-only fd: base lacks FD_WRITE", st.base & RIGHT_FD_WRITE == 0);
}

fn fd_fdstat_dir(_: &Opts) {
    let st = must("fdstat(preopen)", fdstat(D));
    ckv("preopen filetype", filetype_name(st.filetype), "directory");
    ckv("preopen flags", st.flags, 0);
    let fd = must("open dir", open_dir(D, "dir"));
    let st = must("fdstat(dir)", fdstat(fd));
    ckv("dir filetype", filetype_name(st.filetype), "directory");
}

fn fd_fdstat_stdio(_: &Opts) {
    for fd in 0..3 {
        let st = fdstat(fd);
        ckr(&format!("fdstat({fd})"), &st, 0);
        let st = st.unwrap();
        ckb(&format!("fd {fd} is not a file or directory"), st.filetype != FILETYPE_REGULAR_FILE && st.filetype != FILETYPE_DIRECTORY);
    }
    ckb("stdin has FD_READ", fdstat(0).unwrap().base & RIGHT_FD_READ != 0);
    ckb("stdout has FD_WRITE", fdstat(1).unwrap().base & RIGHT_FD_WRITE != 0);
    ckb("stderr has FD_WRITE", fdstat(2).unwrap().base & RIGHT_FD_WRITE != 0);
}

fn fd_fdstat_append(_: &Opts) {
    let fd = must(
        "open append",
        path_open(D, LOOKUP_SYMLINK_FOLLOW, "file.txt", 0, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), FDFLAGS_APPEND),
    );
    ckv("flags", fdstat(fd).map(|s| s.flags), Ok(FDFLAGS_APPEND as u16));
}

fn fd_fdstat_set_flags_append(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("set_flags(APPEND)", unsafe { fd_fdstat_set_flags(fd, FDFLAGS_APPEND) }, 0);
    ckv("flags", fdstat(fd).map(|s| s.flags), Ok(FDFLAGS_APPEND as u16));
    must("write", write(fd, b"+"));
    ck("set_flags(0)", unsafe { fd_fdstat_set_flags(fd, 0) }, 0);
    ckv("flags", fdstat(fd).map(|s| s.flags), Ok(0));
    must("seek", seek(fd, 0, WHENCE_SET));
    must("write", write(fd, b"J"));
    must("close", close(fd));
    ckv("contents", get_s(D, "file.txt"), Ok("Jello, world\n+".into()));
}

fn fd_fdstat_set_flags_nonblock(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("set_flags(NONBLOCK)", unsafe { fd_fdstat_set_flags(fd, FDFLAGS_NONBLOCK) }, 0);
    ckv("read still works", read(fd, 5).map(|v| s(&v)), Ok("hello".into()));
}

fn fd_fdstat_set_flags_badf(_: &Opts) {
    ck("set_flags(99)", unsafe { fd_fdstat_set_flags(99, 0) }, EBADF);
}

fn fd_fdstat_set_rights_narrow(o: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let st = must("fdstat", fdstat(fd));
    let narrowed = st.base & !RIGHT_FD_WRITE;
    ck("set_rights(without FD_WRITE)", unsafe { fd_fdstat_set_rights(fd, narrowed, st.inheriting) }, 0);
    let st2 = must("fdstat", fdstat(fd));
    ckb("FD_WRITE gone", st2.base & RIGHT_FD_WRITE == 0);
    ckb("FD_READ kept", st2.base & RIGHT_FD_READ != 0);
    // A right the guest removed itself is enforced under both policies.
    let _ = o;
    ckr("fd_write", &write(fd, b"x"), ENOTCAPABLE);
    ckv("fd_read still works", read(fd, 5).map(|v| s(&v)), Ok("hello".into()));
}
fn fd_fdstat_set_rights_narrow_enforce(o: &Opts) {
    fd_fdstat_set_rights_narrow(o)
}

fn fd_fdstat_set_rights_widen(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let st = must("fdstat", fdstat(fd));
    let narrowed = st.base & !RIGHT_FD_SEEK;
    ck("set_rights(without FD_SEEK)", unsafe { fd_fdstat_set_rights(fd, narrowed, st.inheriting) }, 0);
    ck("set_rights(with FD_SEEK again)", unsafe { fd_fdstat_set_rights(fd, st.base, st.inheriting) }, ENOTCAPABLE);
}

fn fd_fdstat_set_rights_badf(_: &Opts) {
    ck("set_rights(99)", unsafe { fd_fdstat_set_rights(99, 0, 0) }, EBADF);
}

fn fd_filestat_file(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let st = must("filestat", filestat(fd));
    ckv("filetype", filetype_name(st.filetype), "regular_file");
    ckv("size", st.size, 13);
    ckv("nlink", st.nlink, 1);
    let p = must("path_filestat", stat(D, "file.txt"));
    ckb("same dev and ino as path_filestat_get", p.dev == st.dev && p.ino == st.ino);
}

fn fd_filestat_dir(_: &Opts) {
    let st = must("filestat(preopen)", filestat(D));
    ckv("filetype", filetype_name(st.filetype), "directory");
    let fd = must("open", open_dir(D, "dir"));
    let st2 = must("filestat(dir)", filestat(fd));
    ckv("filetype", filetype_name(st2.filetype), "directory");
    ckb("different inodes", st.ino != st2.ino);
}

fn fd_filestat_stdio(_: &Opts) {
    for fd in 0..3 {
        let st = filestat(fd);
        ckr(&format!("filestat({fd})"), &st, 0);
        let st = st.unwrap();
        ckb(&format!("fd {fd} is not a file or directory"), st.filetype != FILETYPE_REGULAR_FILE && st.filetype != FILETYPE_DIRECTORY);
    }
}

fn fd_filestat_set_size_shrink(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("set_size(5)", err_of(&set_size(fd, 5)), 0);
    ckv("size", filestat(fd).map(|s| s.size), Ok(5));
    ckv("offset unchanged", tell(fd), Ok(0));
    must("close", close(fd));
    ckv("contents", get_s(D, "file.txt"), Ok("hello".into()));
}

fn fd_filestat_set_size_grow(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("set_size(16)", err_of(&set_size(fd, 16)), 0);
    ckv("size", filestat(fd).map(|s| s.size), Ok(16));
    ckv("tail is zeros", pread(fd, 10, 12), Ok(b"\n\0\0\0".to_vec()));
}

fn fd_filestat_set_size_readonly(o: &Opts) {
    let fd = must("open read-only", open_ro(D, "file.txt"));
    // Linux: ftruncate(2) on an fd not open for writing gives EINVAL.
    ck("set_size(ro fd)", err_of(&set_size(fd, 1)), if o.enforce { ENOTCAPABLE } else { EINVAL });
    ckv("size unchanged", stat(D, "file.txt").map(|s| s.size), Ok(13));
}

fn fd_filestat_set_size_readonly_enforce(o: &Opts) {
    fd_filestat_set_size_readonly(o)
}

fn fd_filestat_set_size_dir(_: &Opts) {
    ck("set_size(dir)", err_of(&set_size(D, 0)), EINVAL);
}

const T1: u64 = 1_000_000_000_123_456_789;
const T2: u64 = 1_500_000_000_987_654_321;

fn fd_filestat_set_times_explicit(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("set_times(ATIM|MTIM)", err_of(&set_times(fd, T1, T2, FSTFLAGS_ATIM | FSTFLAGS_MTIM)), 0);
    let st = must("filestat", filestat(fd));
    ckv("atim", st.atim, T1);
    ckv("mtim", st.mtim, T2);
    let p = must("path_filestat", stat(D, "file.txt"));
    ckv("path_filestat_get atim", p.atim, T1);
    ckv("path_filestat_get mtim", p.mtim, T2);
}

fn fd_filestat_set_times_now(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    must("set old times", set_times(fd, 1_000_000_000, 1_000_000_000, FSTFLAGS_ATIM | FSTFLAGS_MTIM));
    ck("set_times(MTIM_NOW)", err_of(&set_times(fd, 0, 0, FSTFLAGS_MTIM_NOW)), 0);
    let st = must("filestat", filestat(fd));
    ckb("mtim moved forward", st.mtim > 1_000_000_000);
    ckv("atim kept", st.atim, 1_000_000_000);
    ck("set_times(ATIM_NOW)", err_of(&set_times(fd, 0, 0, FSTFLAGS_ATIM_NOW)), 0);
    let st2 = must("filestat", filestat(fd));
    ckb("atim moved forward", st2.atim > 1_000_000_000);
    ckb("mtim kept", st2.mtim == st.mtim);
}

fn fd_filestat_set_times_one(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    must("set", set_times(fd, T1, T1, FSTFLAGS_ATIM | FSTFLAGS_MTIM));
    ck("set_times(MTIM only)", err_of(&set_times(fd, 5, T2, FSTFLAGS_MTIM)), 0);
    let st = must("filestat", filestat(fd));
    ckv("atim", st.atim, T1);
    ckv("mtim", st.mtim, T2);
    ck("set_times(no flags)", err_of(&set_times(fd, 5, 5, 0)), 0);
    let st = must("filestat", filestat(fd));
    ckv("atim", st.atim, T1);
    ckv("mtim", st.mtim, T2);
}

fn fd_filestat_set_times_invalid(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("ATIM|ATIM_NOW", err_of(&set_times(fd, T1, T1, FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW)), EINVAL);
    ck("MTIM|MTIM_NOW", err_of(&set_times(fd, T1, T1, FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW)), EINVAL);
    ck("unknown flag 0x10", err_of(&set_times(fd, T1, T1, 0x10)), EINVAL);
}

fn fd_filestat_set_times_dir(_: &Opts) {
    let fd = must("open dir", open_dir(D, "dir"));
    ck("set_times(dir)", err_of(&set_times(fd, T1, T2, FSTFLAGS_ATIM | FSTFLAGS_MTIM)), 0);
    let st = must("stat", stat(D, "dir"));
    ckv("mtim", st.mtim, T2);
}

fn fd_advise_all(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    for adv in 0..6u32 {
        ck(&format!("fd_advise(advice={adv})"), unsafe { fd_advise(fd, 0, 13, adv) }, 0);
    }
    ck("fd_advise(len 0 = to end)", unsafe { fd_advise(fd, 0, 0, 0) }, 0);
    ck("fd_advise(past end)", unsafe { fd_advise(fd, 1000, 10, 0) }, 0);
}

fn fd_advise_invalid(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("fd_advise(advice=6)", unsafe { fd_advise(fd, 0, 0, 6) }, EINVAL);
    ck("fd_advise(bad fd)", unsafe { fd_advise(99, 0, 0, 0) }, EBADF);
    // Linux: posix_fadvise(2) on a directory succeeds.
    ck("fd_advise(dir)", unsafe { fd_advise(D, 0, 0, 0) }, 0);
}

fn fd_allocate_grow(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("fd_allocate(10, 20)", unsafe { fd_allocate(fd, 10, 20) }, 0);
    ckv("size", filestat(fd).map(|s| s.size), Ok(30));
    ckv("old bytes kept", pread(fd, 13, 0).map(|v| s(&v)), Ok("hello, world\n".into()));
    ckv("new bytes zero", pread(fd, 100, 13).map(|v| v.iter().all(|b| *b == 0)), Ok(true));
}

fn fd_allocate_within(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    ck("fd_allocate(0, 5)", unsafe { fd_allocate(fd, 0, 5) }, 0);
    ckv("size unchanged", filestat(fd).map(|s| s.size), Ok(13));
}

fn fd_allocate_readonly(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("fd_allocate(ro fd)", unsafe { fd_allocate(fd, 0, 100) }, EBADF);
    ck("fd_allocate(dir)", unsafe { fd_allocate(D, 0, 100) }, EBADF);
}

fn fd_sync_file(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    must("write", write(fd, b"J"));
    ck("fd_sync", unsafe { fd_sync(fd) }, 0);
    ck("fd_datasync", unsafe { fd_datasync(fd) }, 0);
    ck("fd_sync(99)", unsafe { fd_sync(99) }, EBADF);
    ck("fd_datasync(99)", unsafe { fd_datasync(99) }, EBADF);
}

fn fd_sync_dir(_: &Opts) {
    let fd = must("open dir", open_dir(D, "dir"));
    ck("fd_sync(dir)", unsafe { fd_sync(fd) }, 0);
    ck("fd_datasync(dir)", unsafe { fd_datasync(fd) }, 0);
}

fn fd_close_basic(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("fd_close", err_of(&close(fd)), 0);
    ck("fd_close again", err_of(&close(fd)), EBADF);
    ckr("read after close", &read(fd, 1), EBADF);
    ck("fd_close(99)", err_of(&close(99)), EBADF);
}

fn fd_close_preopen(_: &Opts) {
    ck("fd_close(preopen)", err_of(&close(D)), 0);
    let mut b = Aligned::<8>::new();
    ck("fd_prestat_get(closed preopen)", unsafe { fd_prestat_get(D, b.p()) }, EBADF);
    ckr("open relative to closed preopen", &open_ro(D, "file.txt"), EBADF);
}

fn fd_close_stdout(_: &Opts) {
    ckv("write before close", write(1, b"before\n"), Ok(7));
    ck("fd_close(1)", err_of(&close(1)), 0);
    ckr("write after close", &write(1, b"after\n"), EBADF);
    let _ = write(2, b"stderr still open\n");
}

fn fd_renumber_basic(_: &Opts) {
    let a = must("open a", open_ro(D, "file.txt"));
    let b = must("open b", open_ro(D, "dir/a.txt"));
    ck("fd_renumber(a, b)", unsafe { fd_renumber(a, b) }, 0);
    ckv("b now reads file.txt", read(b, 5).map(|v| s(&v)), Ok("hello".into()));
    ckr("a is closed", &read(a, 1), EBADF);
}

fn fd_renumber_same(_: &Opts) {
    let a = must("open", open_ro(D, "file.txt"));
    ck("fd_renumber(a, a)", unsafe { fd_renumber(a, a) }, 0);
    ckv("a still open", read(a, 5).map(|v| s(&v)), Ok("hello".into()));
}

fn fd_renumber_badf(_: &Opts) {
    let a = must("open", open_ro(D, "file.txt"));
    ck("fd_renumber(99, a)", unsafe { fd_renumber(99, a) }, EBADF);
    ckv("a still open", read(a, 5).map(|v| s(&v)), Ok("hello".into()));
}

fn fd_renumber_to_closed(_: &Opts) {
    let a = must("open", open_ro(D, "file.txt"));
    ck("fd_renumber(a, 99)", unsafe { fd_renumber(a, 99) }, EBADF);
    ckv("a still open", read(a, 5).map(|v| s(&v)), Ok("hello".into()));
}

fn fd_renumber_onto_stdout(_: &Opts) {
    let fd = must("create", create(D, "captured.txt"));
    say("before renumber");
    ck("fd_renumber(file, 1)", unsafe { fd_renumber(fd, 1) }, 0);
    // Everything printed from here on lands in captured.txt.
    say("after renumber");
}

fn fd_renumber_preopen(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("fd_renumber(3, fd)", unsafe { fd_renumber(D, fd) }, 0);
    ckv("prestat name moved", prestat_name(fd), Ok("base".into()));
    ckr("fd 3 closed", &prestat_name(D), EBADF);
    ckv("open through the new fd", open_ro(fd, "dir/a.txt").map(|_| ()), Ok(()));
}

fn fd_prestat_get_preopen(_: &Opts) {
    let mut b = Aligned::<8>::new();
    ck("fd_prestat_get(3)", unsafe { fd_prestat_get(D, b.p()) }, 0);
    ckv("tag", b.u8(0), 0);
    ckv("name len", b.u32(4), 4);
    ck("fd_prestat_get(4)", unsafe { fd_prestat_get(4, b.p()) }, EBADF);
}

fn fd_prestat_get_not_preopen(_: &Opts) {
    let mut b = Aligned::<8>::new();
    for fd in 0..3 {
        ck(&format!("fd_prestat_get({fd})"), unsafe { fd_prestat_get(fd, b.p()) }, EBADF);
    }
    let f = must("open", open_ro(D, "file.txt"));
    ck("fd_prestat_get(opened file)", unsafe { fd_prestat_get(f, b.p()) }, EBADF);
    let d = must("open", open_dir(D, "dir"));
    ck("fd_prestat_get(opened dir)", unsafe { fd_prestat_get(d, b.p()) }, EBADF);
}

fn fd_prestat_dir_name_basic(_: &Opts) {
    ckv("name", prestat_name(D), Ok("base".into()));
}

fn fd_prestat_dir_name_short(_: &Opts) {
    let mut buf = [0x2Eu8; 8];
    ck("fd_prestat_dir_name(len 2)", unsafe { fd_prestat_dir_name(D, mptr(&mut buf), 2) }, ENAMETOOLONG);
    ck("fd_prestat_dir_name(len 0)", unsafe { fd_prestat_dir_name(D, mptr(&mut buf), 0) }, ENAMETOOLONG);
}

fn fd_prestat_dir_name_long_buffer(_: &Opts) {
    let mut buf = [0x2Eu8; 16];
    ck("fd_prestat_dir_name(len 16)", unsafe { fd_prestat_dir_name(D, mptr(&mut buf), 16) }, 0);
    ckv("first 4 bytes", s(&buf[..4]), "base".into());
    ckv("byte 5 onward untouched", s(&buf[5..]), "...........".into());
}

fn fd_prestat_dir_name_not_preopen(_: &Opts) {
    let mut buf = [0u8; 16];
    ck("fd_prestat_dir_name(1)", unsafe { fd_prestat_dir_name(1, mptr(&mut buf), 16) }, EBADF);
    ck("fd_prestat_dir_name(99)", unsafe { fd_prestat_dir_name(99, mptr(&mut buf), 16) }, EBADF);
}

fn fd_prestat_two_preopens(_: &Opts) {
    ckv("fd 3", prestat_name(D), Ok("base".into()));
    ckv("fd 4", prestat_name(D2), Ok("other".into()));
    ckr("fd 5", &prestat_name(5), EBADF);
    ckv("other/o.txt", get_s(D2, "o.txt"), Ok("o".into()));
}

fn fd_prestat_custom_name(_: &Opts) {
    ckv("fd 3", prestat_name(D), Ok("/sandbox".into()));
    ckv("file.txt through fd 3", get_s(D, "file.txt"), Ok("hello, world\n".into()));
}

fn fd_open_many(_: &Opts) {
    let mut fds = Vec::new();
    for _ in 0..100 {
        fds.push(must("open", open_ro(D, "file.txt")));
    }
    let mut sorted = fds.clone();
    sorted.sort();
    sorted.dedup();
    ckv("100 distinct fds", sorted.len(), 100);
    ckb("none is 0..=3", fds.iter().all(|f| *f > 3));
    for fd in &fds {
        must("close", close(*fd));
    }
    let again = must("open", open_ro(D, "file.txt"));
    ckb("a closed fd number is reused", fds.contains(&again));
}
