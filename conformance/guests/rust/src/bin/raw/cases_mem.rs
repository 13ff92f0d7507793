//! Hostile pointers: out of bounds and wrapping (EFAULT), misaligned results (EINVAL),
//! and bad file descriptors for every fd-taking call (EBADF).

use crate::{case, Case, Opts, D};
use wasibox_guests::*;

pub fn cases() -> Vec<Case> {
    vec![
        case!(efault_args, "hostile", "args_get args_sizes_get", ""),
        case!(efault_environ, "hostile", "environ_get environ_sizes_get", ""),
        case!(efault_clock, "hostile", "clock_res_get clock_time_get", ""),
        case!(efault_random, "hostile", "random_get", ""),
        case!(efault_fd_read, "hostile", "fd_read", "base"),
        case!(efault_fd_write, "hostile", "fd_write", "base"),
        case!(efault_fd_pread, "hostile", "fd_pread", "base"),
        case!(efault_fd_pwrite, "hostile", "fd_pwrite", "base"),
        case!(efault_fd_stat, "hostile", "fd_fdstat_get fd_filestat_get", "base"),
        case!(efault_fd_seek_tell, "hostile", "fd_seek fd_tell", "base"),
        case!(efault_prestat, "hostile", "fd_prestat_get fd_prestat_dir_name", "base"),
        case!(efault_fd_readdir, "hostile", "fd_readdir", "base"),
        case!(efault_path_open, "hostile", "path_open", "base"),
        case!(efault_path_calls, "hostile", "path_create_directory path_remove_directory path_unlink_file path_filestat_get path_filestat_set_times", "base"),
        case!(efault_path_two_paths, "hostile", "path_rename path_link path_symlink", "base"),
        case!(efault_path_readlink, "hostile", "path_readlink", "base"),
        case!(efault_poll_oneoff, "hostile", "poll_oneoff", ""),
        case!(efault_sock, "hostile", "sock_accept sock_recv sock_send", ""),
        case!(einval_misaligned_sizes, "hostile", "args_sizes_get environ_sizes_get args_get environ_get", ""),
        case!(einval_misaligned_clock, "hostile", "clock_res_get clock_time_get", ""),
        case!(einval_misaligned_fd_stat, "hostile", "fd_fdstat_get fd_filestat_get fd_prestat_get", "base"),
        case!(einval_misaligned_iovecs, "hostile", "fd_read fd_write fd_pread fd_pwrite", "base"),
        case!(einval_misaligned_results, "hostile", "fd_read fd_write fd_seek fd_tell fd_readdir", "base"),
        case!(einval_misaligned_path, "hostile", "path_open path_filestat_get path_readlink", "base"),
        case!(einval_misaligned_poll, "hostile", "poll_oneoff", ""),
        case!(iovec_edge_lengths, "hostile", "fd_read fd_write", "base"),
        case!(huge_iovs_len, "hostile", "fd_read fd_write", "base"),
        case!(path_len_huge, "hostile", "path_open path_create_directory", "base"),
        case!(ebadf_fd_calls, "badf", "fd_advise fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync fd_tell fd_write", ""),
        case!(ebadf_path_calls, "badf", "path_create_directory path_filestat_get path_filestat_set_times path_link path_open path_readlink path_remove_directory path_rename path_symlink path_unlink_file", ""),
        case!(ebadf_negative_fd, "badf", "fd_read fd_write fd_close path_open", ""),
        case!(enotdir_path_calls_on_file_fd, "badf", "path_create_directory path_filestat_get path_filestat_set_times path_link path_open path_readlink path_remove_directory path_rename path_symlink path_unlink_file", "base"),
    ]
}

fn end() -> u32 {
    mem_size() as u32
}

const WRAP: u32 = 0xFFFF_FFF0;

fn efault_args(_: &Opts) {
    let mut n = 0u32;
    ck("args_sizes_get(argc at end)", unsafe { args_sizes_get(end(), mptr(&mut n)) }, EFAULT);
    ck("args_sizes_get(size at end)", unsafe { args_sizes_get(mptr(&mut n), end()) }, EFAULT);
    let mut ptrs = [0u32; 8];
    let mut buf = [0u8; 256];
    ck("args_get(argv at end-4)", unsafe { args_get(end() - 4, mptr(&mut buf)) }, EFAULT);
    ck("args_get(argv_buf at end-1)", unsafe { args_get(mptr(&mut ptrs), end() - 1) }, EFAULT);
    ck("args_get(argv wrapping)", unsafe { args_get(WRAP, mptr(&mut buf)) }, EFAULT);
}

fn efault_environ(_: &Opts) {
    let mut n = 0u32;
    ck("environ_sizes_get(count at end)", unsafe { environ_sizes_get(end(), mptr(&mut n)) }, EFAULT);
    ck("environ_sizes_get(size wrapping)", unsafe { environ_sizes_get(mptr(&mut n), WRAP) }, EFAULT);
    let mut ptrs = [0u32; 8];
    let mut buf = [0u8; 256];
    // An aligned pointer: a misaligned one that is also out of bounds could be either.
    ck("environ_get(environ at end)", unsafe { environ_get(end(), mptr(&mut buf)) }, EFAULT);
    ck("environ_get(environ_buf at end-1)", unsafe { environ_get(mptr(&mut ptrs), end() - 1) }, EFAULT);
}

fn efault_clock(_: &Opts) {
    ck("clock_res_get(at end-4)", unsafe { clock_res_get(CLOCK_MONOTONIC, end() - 8 + 8) }, EFAULT);
    ck("clock_res_get(wrapping)", unsafe { clock_res_get(CLOCK_MONOTONIC, 0xFFFF_FFF8) }, EFAULT);
    ck("clock_time_get(at end)", unsafe { clock_time_get(CLOCK_MONOTONIC, 0, end()) }, EFAULT);
    ck("clock_time_get(wrapping)", unsafe { clock_time_get(CLOCK_REALTIME, 0, 0xFFFF_FFF8) }, EFAULT);
}

fn efault_random(_: &Opts) {
    ck("random_get(end-8, 16)", unsafe { random_get(end() - 8, 16) }, EFAULT);
    ck("random_get(0xFFFFFFF0, 32) wrapping", unsafe { random_get(WRAP, 32) }, EFAULT);
    ck("random_get(16, 0xFFFFFFFF)", unsafe { random_get(16, u32::MAX) }, EFAULT);
    ck("random_get(end, 1)", unsafe { random_get(end(), 1) }, EFAULT);
}

fn efault_fd_read(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let mut n = 0u32;
    let mut buf = [0u8; 16];
    ck("fd_read(iovs at end-4)", unsafe { fd_read(fd, end() - 4, 1, mptr(&mut n)) }, EFAULT);
    let iov = [end() - 4, 16];
    ck("fd_read(iov buf crossing the end)", unsafe { fd_read(fd, ptr(&iov), 1, mptr(&mut n)) }, EFAULT);
    let iov = [WRAP, 0x20];
    ck("fd_read(iov buf wrapping)", unsafe { fd_read(fd, ptr(&iov), 1, mptr(&mut n)) }, EFAULT);
    let iov = [mptr(&mut buf), 16];
    ck("fd_read(nread at end)", unsafe { fd_read(fd, ptr(&iov), 1, end()) }, EFAULT);
}

fn efault_fd_write(_: &Opts) {
    let fd = must("create", create(D, "w.txt"));
    let mut n = 0u32;
    let buf = *b"0123456789abcdef";
    ck("fd_write(iovs at end-4)", unsafe { fd_write(fd, end() - 4, 1, mptr(&mut n)) }, EFAULT);
    let iov = [end() - 8, 16];
    ck("fd_write(iov buf crossing the end)", unsafe { fd_write(fd, ptr(&iov), 1, mptr(&mut n)) }, EFAULT);
    let iov = [WRAP, 0x20];
    ck("fd_write(iov buf wrapping)", unsafe { fd_write(fd, ptr(&iov), 1, mptr(&mut n)) }, EFAULT);
    let iov = [ptr(&buf), 4, end() - 2, 4];
    ck("fd_write(second iov out of bounds)", unsafe { fd_write(fd, ptr(&iov), 2, mptr(&mut n)) }, EFAULT);
    ckv("nothing written by the failed calls", filestat(fd).map(|s| s.size), Ok(0));
    let iov = [ptr(&buf), 4];
    ck("fd_write(to stdout, iovs wrapping)", unsafe { fd_write(1, WRAP, 4, mptr(&mut n)) }, EFAULT);
    let _ = iov;
}

fn efault_fd_pread(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let mut n = 0u32;
    ck("fd_pread(iovs at end)", unsafe { fd_pread(fd, end(), 1, 0, mptr(&mut n)) }, EFAULT);
    let iov = [end() - 4, 16];
    ck("fd_pread(iov buf crossing the end)", unsafe { fd_pread(fd, ptr(&iov), 1, 0, mptr(&mut n)) }, EFAULT);
}

fn efault_fd_pwrite(_: &Opts) {
    let fd = must("create", create(D, "w.txt"));
    let mut n = 0u32;
    ck("fd_pwrite(iovs at end)", unsafe { fd_pwrite(fd, end(), 1, 0, mptr(&mut n)) }, EFAULT);
    let iov = [WRAP, 0x20];
    ck("fd_pwrite(iov buf wrapping)", unsafe { fd_pwrite(fd, ptr(&iov), 1, 0, mptr(&mut n)) }, EFAULT);
    ckv("nothing written", filestat(fd).map(|s| s.size), Ok(0));
}

fn efault_fd_stat(_: &Opts) {
    ck("fd_fdstat_get(at end-8)", unsafe { fd_fdstat_get(D, end() - 8) }, EFAULT);
    ck("fd_fdstat_get(wrapping)", unsafe { fd_fdstat_get(D, 0xFFFF_FFF8) }, EFAULT);
    ck("fd_filestat_get(at end-32)", unsafe { fd_filestat_get(D, end() - 32) }, EFAULT);
    ck("fd_filestat_get(wrapping)", unsafe { fd_filestat_get(D, 0xFFFF_FFE0) }, EFAULT);
}

fn efault_fd_seek_tell(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("fd_seek(newoffset at end)", unsafe { fd_seek(fd, 0, WHENCE_SET, end()) }, EFAULT);
    ck("fd_tell(at end)", unsafe { fd_tell(fd, end()) }, EFAULT);
    ck("fd_tell(wrapping)", unsafe { fd_tell(fd, 0xFFFF_FFF8) }, EFAULT);
}

fn efault_prestat(_: &Opts) {
    ck("fd_prestat_get(at end-4)", unsafe { fd_prestat_get(D, end() - 4) }, EFAULT);
    ck("fd_prestat_dir_name(buf at end-2, len 4)", unsafe { fd_prestat_dir_name(D, end() - 2, 4) }, EFAULT);
    ck("fd_prestat_dir_name(buf wrapping)", unsafe { fd_prestat_dir_name(D, 0xFFFF_FFFE, 4) }, EFAULT);
}

fn efault_fd_readdir(_: &Opts) {
    let mut used = 0u32;
    ck("fd_readdir(buf crossing the end)", unsafe { fd_readdir(D, end() - 16, 256, 0, mptr(&mut used)) }, EFAULT);
    ck("fd_readdir(buf wrapping)", unsafe { fd_readdir(D, WRAP, 256, 0, mptr(&mut used)) }, EFAULT);
    let mut buf = [0u8; 256];
    ck("fd_readdir(bufused at end)", unsafe { fd_readdir(D, mptr(&mut buf), 256, 0, end()) }, EFAULT);
}

fn efault_path_open(_: &Opts) {
    let mut fd = 0u32;
    ck("path_open(path crossing the end)", unsafe { sys::path_open(D, 0, end() - 4, 8, 0, RIGHTS_RO, 0, 0, mptr(&mut fd)) }, EFAULT);
    ck("path_open(path wrapping)", unsafe { sys::path_open(D, 0, WRAP, 0x20, 0, RIGHTS_RO, 0, 0, mptr(&mut fd)) }, EFAULT);
    let p = b"file.txt";
    ck("path_open(fd out at end)", unsafe { sys::path_open(D, 0, ptr(&p[..]), 8, 0, RIGHTS_RO, 0, 0, end()) }, EFAULT);
}

fn efault_path_calls(_: &Opts) {
    let e = end() - 2;
    ck("path_create_directory", unsafe { path_create_directory(D, e, 8) }, EFAULT);
    ck("path_remove_directory", unsafe { path_remove_directory(D, e, 8) }, EFAULT);
    ck("path_unlink_file", unsafe { path_unlink_file(D, e, 8) }, EFAULT);
    let mut st = Aligned::<64>::new();
    ck("path_filestat_get(path)", unsafe { path_filestat_get(D, 0, e, 8, st.p()) }, EFAULT);
    let p = b"file.txt";
    ck("path_filestat_get(result at end-32)", unsafe { path_filestat_get(D, 0, ptr(&p[..]), 8, end() - 32) }, EFAULT);
    ck("path_filestat_set_times", unsafe { path_filestat_set_times(D, 0, e, 8, 0, 0, FSTFLAGS_MTIM_NOW) }, EFAULT);
}

fn efault_path_two_paths(_: &Opts) {
    let e = end() - 2;
    let p = b"file.txt";
    let q = b"newname";
    ck("path_rename(old path)", unsafe { path_rename(D, e, 8, D, ptr(&q[..]), 7) }, EFAULT);
    ck("path_rename(new path)", unsafe { path_rename(D, ptr(&p[..]), 8, D, e, 8) }, EFAULT);
    ck("path_link(old path)", unsafe { path_link(D, 0, e, 8, D, ptr(&q[..]), 7) }, EFAULT);
    ck("path_link(new path)", unsafe { path_link(D, 0, ptr(&p[..]), 8, D, e, 8) }, EFAULT);
    ck("path_symlink(target)", unsafe { path_symlink(e, 8, D, ptr(&q[..]), 7) }, EFAULT);
    ck("path_symlink(link path)", unsafe { path_symlink(ptr(&p[..]), 8, D, WRAP, 0x20) }, EFAULT);
    ckv("nothing created", names(D, ".").map(|v| v.contains(&"newname".to_string())), Ok(false));
}

fn efault_path_readlink(_: &Opts) {
    let p = b"link_file";
    let mut used = 0u32;
    let mut buf = [0u8; 32];
    ck("path_readlink(path)", unsafe { path_readlink(D, end() - 2, 9, mptr(&mut buf), 32, mptr(&mut used)) }, EFAULT);
    ck("path_readlink(buf crossing the end)", unsafe { path_readlink(D, ptr(&p[..]), 9, end() - 4, 32, mptr(&mut used)) }, EFAULT);
    ck("path_readlink(bufused at end)", unsafe { path_readlink(D, ptr(&p[..]), 9, mptr(&mut buf), 32, end()) }, EFAULT);
}

fn efault_poll_oneoff(_: &Opts) {
    let mut sub = Aligned::<48>::new();
    sub.set_u8(8, EVENTTYPE_CLOCK);
    sub.set_u32(16, CLOCK_MONOTONIC);
    sub.set_u64(24, 1000);
    let mut ev = Aligned::<32>::new();
    let mut n = 0u32;
    ck("poll_oneoff(in crossing the end)", unsafe { poll_oneoff(end() - 24, ev.p(), 1, mptr(&mut n)) }, EFAULT);
    ck("poll_oneoff(out crossing the end)", unsafe { poll_oneoff(sub.p(), end() - 16, 1, mptr(&mut n)) }, EFAULT);
    ck("poll_oneoff(nevents at end)", unsafe { poll_oneoff(sub.p(), ev.p(), 1, end()) }, EFAULT);
    ck("poll_oneoff(nsubscriptions huge)", unsafe { poll_oneoff(sub.p(), ev.p(), 0x1000_0000, mptr(&mut n)) }, EFAULT);
}

fn efault_sock(_: &Opts) {
    // No socket is open. Whether the fd or the pointers are checked first is not
    // specified: either errno is accepted (and printed as EBADF).
    ck_any("sock_accept(fd 99, fd out at end)", unsafe { sock_accept(99, 0, end()) }, &[EBADF, EFAULT]);
    ck_any("sock_recv(fd 99, bad pointers)", unsafe { sock_recv(99, WRAP, 4, 0, end(), end()) }, &[EBADF, EFAULT]);
    ck_any("sock_send(fd 99, bad pointers)", unsafe { sock_send(99, WRAP, 4, 0, end()) }, &[EBADF, EFAULT]);
}

fn einval_misaligned_sizes(_: &Opts) {
    let mut b = Aligned::<64>::new();
    let p = b.p();
    ck("args_sizes_get(argc misaligned)", unsafe { args_sizes_get(p + 1, p + 8) }, EINVAL);
    ck("args_sizes_get(size misaligned)", unsafe { args_sizes_get(p, p + 10) }, EINVAL);
    ck("environ_sizes_get(count misaligned)", unsafe { environ_sizes_get(p + 2, p + 8) }, EINVAL);
    let mut buf = [0u8; 256];
    ck("args_get(argv misaligned)", unsafe { args_get(p + 1, mptr(&mut buf)) }, EINVAL);
    ck("environ_get(environ misaligned)", unsafe { environ_get(p + 3, mptr(&mut buf)) }, EINVAL);
}

fn einval_misaligned_clock(_: &Opts) {
    let mut b = Aligned::<32>::new();
    let p = b.p();
    ck("clock_res_get(+4)", unsafe { clock_res_get(CLOCK_MONOTONIC, p + 4) }, EINVAL);
    ck("clock_time_get(+1)", unsafe { clock_time_get(CLOCK_MONOTONIC, 0, p + 1) }, EINVAL);
    ck("clock_time_get(+4)", unsafe { clock_time_get(CLOCK_REALTIME, 0, p + 4) }, EINVAL);
}

fn einval_misaligned_fd_stat(_: &Opts) {
    let mut b = Aligned::<128>::new();
    let p = b.p();
    ck("fd_fdstat_get(+4)", unsafe { fd_fdstat_get(D, p + 4) }, EINVAL);
    ck("fd_filestat_get(+4)", unsafe { fd_filestat_get(D, p + 4) }, EINVAL);
    ck("fd_prestat_get(+2)", unsafe { fd_prestat_get(D, p + 2) }, EINVAL);
}

fn einval_misaligned_iovecs(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let mut b = Aligned::<64>::new();
    let mut data = [0u8; 8];
    let dp = mptr(&mut data);
    b.0[2..6].copy_from_slice(&dp.to_le_bytes());
    b.0[6..10].copy_from_slice(&8u32.to_le_bytes());
    let iovs = b.p() + 2;
    let mut n = 0u32;
    ck("fd_read(iovs misaligned)", unsafe { fd_read(fd, iovs, 1, mptr(&mut n)) }, EINVAL);
    ck("fd_write(iovs misaligned)", unsafe { fd_write(fd, iovs, 1, mptr(&mut n)) }, EINVAL);
    ck("fd_pread(iovs misaligned)", unsafe { fd_pread(fd, iovs, 1, 0, mptr(&mut n)) }, EINVAL);
    ck("fd_pwrite(iovs misaligned)", unsafe { fd_pwrite(fd, iovs, 1, 0, mptr(&mut n)) }, EINVAL);
    ckv("file unchanged", get_s(D, "file.txt"), Ok("hello, world\n".into()));
}

fn einval_misaligned_results(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let mut b = Aligned::<64>::new();
    let p = b.p();
    let mut data = [0u8; 4];
    let iov = [mptr(&mut data), 0];
    ck("fd_read(nread misaligned)", unsafe { fd_read(fd, ptr(&iov), 1, p + 1) }, EINVAL);
    ck("fd_write(nwritten misaligned)", unsafe { fd_write(fd, ptr(&iov), 1, p + 2) }, EINVAL);
    ck("fd_seek(newoffset misaligned)", unsafe { fd_seek(fd, 0, WHENCE_CUR, p + 4) }, EINVAL);
    ck("fd_tell(misaligned)", unsafe { fd_tell(fd, p + 2) }, EINVAL);
    let mut buf = [0u8; 256];
    ck("fd_readdir(bufused misaligned)", unsafe { fd_readdir(D, mptr(&mut buf), 256, 0, p + 1) }, EINVAL);
}

fn einval_misaligned_path(_: &Opts) {
    let mut b = Aligned::<128>::new();
    let p = b.p();
    let f = b"file.txt";
    ck("path_open(fd out misaligned)", unsafe { sys::path_open(D, 0, ptr(&f[..]), 8, 0, RIGHTS_RO, 0, 0, p + 1) }, EINVAL);
    ck("path_filestat_get(result misaligned)", unsafe { path_filestat_get(D, 0, ptr(&f[..]), 8, p + 4) }, EINVAL);
    let l = b"link_file";
    let mut buf = [0u8; 32];
    ck("path_readlink(bufused misaligned)", unsafe { path_readlink(D, ptr(&l[..]), 9, mptr(&mut buf), 32, p + 2) }, EINVAL);
}

fn einval_misaligned_poll(_: &Opts) {
    let mut sub = Aligned::<{ 48 + 8 }>::new();
    sub.set_u8(4 + 8, EVENTTYPE_CLOCK);
    sub.set_u32(4 + 16, CLOCK_MONOTONIC);
    let mut ev = Aligned::<{ 32 + 8 }>::new();
    let mut n = 0u32;
    ck("poll_oneoff(in misaligned)", unsafe { poll_oneoff(sub.p() + 4, ev.p(), 1, mptr(&mut n)) }, EINVAL);
    let mut good = Aligned::<48>::new();
    good.set_u8(8, EVENTTYPE_CLOCK);
    good.set_u32(16, CLOCK_MONOTONIC);
    ck("poll_oneoff(out misaligned)", unsafe { poll_oneoff(good.p(), ev.p() + 4, 1, mptr(&mut n)) }, EINVAL);
    let mut b = Aligned::<8>::new();
    ck("poll_oneoff(nevents misaligned)", unsafe { poll_oneoff(good.p(), ev.p(), 1, b.p() + 1) }, EINVAL);
}

fn iovec_edge_lengths(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let mut n = 0u32;
    let iov = [end(), 0];
    ck("fd_read(empty iovec at end of memory)", unsafe { fd_read(fd, ptr(&iov), 1, mptr(&mut n)) }, 0);
    ckv("nread", n, 0);
    ck("fd_write(empty iovec at end of memory)", unsafe { fd_write(fd, ptr(&iov), 1, mptr(&mut n)) }, 0);
    ckv("nwritten", n, 0);
    // A buffer that ends exactly at the end of memory is in bounds.
    let iov = [end() - 5, 5];
    ck("fd_read(5 bytes ending at end of memory)", unsafe { fd_read(fd, ptr(&iov), 1, mptr(&mut n)) }, 0);
    ckv("nread", n, 5);
}

fn huge_iovs_len(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let mut n = 0u32;
    let mut data = [0u8; 4];
    let iov = [mptr(&mut data), 4];
    ck("fd_read(iovs_len 0x20000000)", unsafe { fd_read(fd, ptr(&iov), 0x2000_0000, mptr(&mut n)) }, EFAULT);
    ck("fd_write(iovs_len 0xFFFFFFFF)", unsafe { fd_write(fd, ptr(&iov), u32::MAX, mptr(&mut n)) }, EFAULT);
    ckv("file unchanged", get_s(D, "file.txt"), Ok("hello, world\n".into()));
}

fn path_len_huge(_: &Opts) {
    let p = b"file.txt";
    let mut fd = 0u32;
    ck("path_open(path_len 0xFFFFFFFF)", unsafe { sys::path_open(D, 0, ptr(&p[..]), u32::MAX, 0, RIGHTS_RO, 0, 0, mptr(&mut fd)) }, EFAULT);
    ck("path_create_directory(path_len 0x80000000)", unsafe { path_create_directory(D, ptr(&p[..]), 0x8000_0000) }, EFAULT);
}

fn ebadf_fd_calls(_: &Opts) {
    const B: u32 = 1234;
    let mut st = Aligned::<64>::new();
    let mut buf = [0u8; 16];
    let iov = [mptr(&mut buf), 16];
    let mut n = 0u32;
    let mut off = 0u64;
    ck("fd_advise", unsafe { fd_advise(B, 0, 0, 0) }, EBADF);
    ck("fd_allocate", unsafe { fd_allocate(B, 0, 1) }, EBADF);
    ck("fd_close", unsafe { fd_close(B) }, EBADF);
    ck("fd_datasync", unsafe { fd_datasync(B) }, EBADF);
    ck("fd_fdstat_get", unsafe { fd_fdstat_get(B, st.p()) }, EBADF);
    ck("fd_fdstat_set_flags", unsafe { fd_fdstat_set_flags(B, 0) }, EBADF);
    ck("fd_fdstat_set_rights", unsafe { fd_fdstat_set_rights(B, 0, 0) }, EBADF);
    ck("fd_filestat_get", unsafe { fd_filestat_get(B, st.p()) }, EBADF);
    ck("fd_filestat_set_size", unsafe { fd_filestat_set_size(B, 0) }, EBADF);
    ck("fd_filestat_set_times", unsafe { fd_filestat_set_times(B, 0, 0, FSTFLAGS_MTIM_NOW) }, EBADF);
    ck("fd_pread", unsafe { fd_pread(B, ptr(&iov), 1, 0, mptr(&mut n)) }, EBADF);
    ck("fd_prestat_get", unsafe { fd_prestat_get(B, st.p()) }, EBADF);
    ck("fd_prestat_dir_name", unsafe { fd_prestat_dir_name(B, mptr(&mut buf), 16) }, EBADF);
    ck("fd_pwrite", unsafe { fd_pwrite(B, ptr(&iov), 1, 0, mptr(&mut n)) }, EBADF);
    ck("fd_read", unsafe { fd_read(B, ptr(&iov), 1, mptr(&mut n)) }, EBADF);
    ck("fd_readdir", unsafe { fd_readdir(B, mptr(&mut buf), 16, 0, mptr(&mut n)) }, EBADF);
    ck("fd_renumber(bad, 1)", unsafe { fd_renumber(B, 1) }, EBADF);
    ck("fd_seek", unsafe { fd_seek(B, 0, WHENCE_CUR, mptr(&mut off)) }, EBADF);
    ck("fd_sync", unsafe { fd_sync(B) }, EBADF);
    ck("fd_tell", unsafe { fd_tell(B, mptr(&mut off)) }, EBADF);
    ck("fd_write", unsafe { fd_write(B, ptr(&iov), 1, mptr(&mut n)) }, EBADF);
}

fn ebadf_path_calls(_: &Opts) {
    const B: u32 = 1234;
    let p = b"x";
    let pp = ptr(&p[..]);
    let mut st = Aligned::<64>::new();
    let mut buf = [0u8; 16];
    let mut n = 0u32;
    ck("path_create_directory", unsafe { path_create_directory(B, pp, 1) }, EBADF);
    ck("path_filestat_get", unsafe { path_filestat_get(B, 0, pp, 1, st.p()) }, EBADF);
    ck("path_filestat_set_times", unsafe { path_filestat_set_times(B, 0, pp, 1, 0, 0, FSTFLAGS_MTIM_NOW) }, EBADF);
    ck("path_link(bad, _, bad)", unsafe { path_link(B, 0, pp, 1, B, pp, 1) }, EBADF);
    ck("path_open", unsafe { sys::path_open(B, 0, pp, 1, 0, RIGHTS_RO, 0, 0, mptr(&mut n)) }, EBADF);
    ck("path_readlink", unsafe { path_readlink(B, pp, 1, mptr(&mut buf), 16, mptr(&mut n)) }, EBADF);
    ck("path_remove_directory", unsafe { path_remove_directory(B, pp, 1) }, EBADF);
    ck("path_rename(bad, _, bad)", unsafe { path_rename(B, pp, 1, B, pp, 1) }, EBADF);
    ck("path_symlink", unsafe { path_symlink(pp, 1, B, pp, 1) }, EBADF);
    ck("path_unlink_file", unsafe { path_unlink_file(B, pp, 1) }, EBADF);
}

fn ebadf_negative_fd(_: &Opts) {
    let mut buf = [0u8; 4];
    let iov = [mptr(&mut buf), 4];
    let mut n = 0u32;
    ck("fd_read(-1)", unsafe { fd_read(u32::MAX, ptr(&iov), 1, mptr(&mut n)) }, EBADF);
    ck("fd_write(-1)", unsafe { fd_write(u32::MAX, ptr(&iov), 1, mptr(&mut n)) }, EBADF);
    ck("fd_close(0x80000000)", unsafe { fd_close(0x8000_0000) }, EBADF);
    let p = b"x";
    ck("path_open(-1)", unsafe { sys::path_open(u32::MAX, 0, ptr(&p[..]), 1, 0, RIGHTS_RO, 0, 0, mptr(&mut n)) }, EBADF);
}

fn enotdir_path_calls_on_file_fd(_: &Opts) {
    let f = must("open", open_ro(D, "file.txt"));
    let p = b"x";
    let pp = ptr(&p[..]);
    let mut st = Aligned::<64>::new();
    let mut buf = [0u8; 16];
    let mut n = 0u32;
    ck("path_create_directory", unsafe { path_create_directory(f, pp, 1) }, ENOTDIR);
    ck("path_filestat_get", unsafe { path_filestat_get(f, 0, pp, 1, st.p()) }, ENOTDIR);
    ck("path_filestat_set_times", unsafe { path_filestat_set_times(f, 0, pp, 1, 0, 0, FSTFLAGS_MTIM_NOW) }, ENOTDIR);
    ck("path_link(file fd as source dir)", unsafe { path_link(f, 0, pp, 1, D, pp, 1) }, ENOTDIR);
    ck("path_open", unsafe { sys::path_open(f, 0, pp, 1, 0, RIGHTS_RO, 0, 0, mptr(&mut n)) }, ENOTDIR);
    ck("path_readlink", unsafe { path_readlink(f, pp, 1, mptr(&mut buf), 16, mptr(&mut n)) }, ENOTDIR);
    ck("path_remove_directory", unsafe { path_remove_directory(f, pp, 1) }, ENOTDIR);
    ck("path_rename(file fd as source dir)", unsafe { path_rename(f, pp, 1, D, pp, 1) }, ENOTDIR);
    ck("path_symlink(file fd as dir)", unsafe { path_symlink(pp, 1, f, pp, 1) }, ENOTDIR);
    ck("path_unlink_file", unsafe { path_unlink_file(f, pp, 1) }, ENOTDIR);
}
