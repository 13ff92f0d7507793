//! args, environ, clocks, random, sched, proc, sockets.

use crate::{case, Case, Opts, D};
use wasibox_guests::*;

pub fn cases() -> Vec<Case> {
    vec![
        case!(args_sizes, "args_env", "args_sizes_get args_get", ""),
        case!(args_values, "args_env", "args_get args_sizes_get", ""),
        case!(args_layout, "args_env", "args_get args_sizes_get", ""),
        case!(args_get_exact_buffer, "args_env", "args_get args_sizes_get", ""),
        case!(environ_values, "args_env", "environ_get environ_sizes_get", ""),
        case!(environ_empty, "args_env", "environ_get environ_sizes_get", ""),
        case!(environ_layout, "args_env", "environ_get environ_sizes_get", ""),
        case!(clock_res_realtime, "clock", "clock_res_get", ""),
        case!(clock_res_monotonic, "clock", "clock_res_get", ""),
        case!(clock_res_cputime, "clock", "clock_res_get", ""),
        case!(clock_res_invalid_id, "clock", "clock_res_get", ""),
        case!(clock_time_realtime, "clock", "clock_time_get", ""),
        case!(clock_time_monotonic_nondecreasing, "clock", "clock_time_get", ""),
        case!(clock_time_cputime, "clock", "clock_time_get", ""),
        case!(clock_time_invalid_id, "clock", "clock_time_get", ""),
        case!(clock_time_precision_values, "clock", "clock_time_get", ""),
        case!(random_basic, "random", "random_get", ""),
        case!(random_zero_len, "random", "random_get", ""),
        case!(random_large, "random", "random_get", ""),
        case!(sched_yield_ok, "proc", "sched_yield", ""),
        case!(proc_exit_0, "proc", "proc_exit", ""),
        case!(proc_exit_1, "proc", "proc_exit", ""),
        case!(proc_exit_42, "proc", "proc_exit", ""),
        case!(proc_exit_125, "proc", "proc_exit", ""),
        case!(proc_exit_126, "proc", "proc_exit", ""),
        case!(proc_exit_255, "proc", "proc_exit", ""),
        case!(proc_exit_256, "proc", "proc_exit", ""),
        case!(proc_exit_1000, "proc", "proc_exit", ""),
        case!(proc_exit_output_flushed, "proc", "proc_exit fd_write", ""),
        case!(proc_raise_invalid_signal, "proc", "proc_raise", ""),
        case!(sock_accept_not_socket, "sock", "sock_accept", "base"),
        case!(sock_accept_badf, "sock", "sock_accept", ""),
        case!(sock_recv_not_socket, "sock", "sock_recv", "base"),
        case!(sock_recv_badf, "sock", "sock_recv", ""),
        case!(sock_send_not_socket, "sock", "sock_send", "base"),
        case!(sock_send_badf, "sock", "sock_send", ""),
        case!(sock_shutdown_not_socket, "sock", "sock_shutdown", "base"),
        case!(sock_shutdown_badf, "sock", "sock_shutdown", ""),
    ]
}

/// argv via raw calls.
pub fn raw_args() -> Vec<Vec<u8>> {
    let (mut argc, mut size) = (0u32, 0u32);
    ck("args_sizes_get", unsafe { args_sizes_get(mptr(&mut argc), mptr(&mut size)) }, 0);
    let mut ptrs = vec![0u32; argc as usize];
    let mut buf = vec![0u8; size as usize];
    ck("args_get", unsafe { args_get(mptr(&mut ptrs[..]), mptr(&mut buf[..])) }, 0);
    let base = ptr(&buf[..]);
    ptrs.iter()
        .map(|p| {
            let off = (p - base) as usize;
            let end = off + buf[off..].iter().position(|b| *b == 0).unwrap();
            buf[off..end].to_vec()
        })
        .collect()
}

fn args_sizes(_: &Opts) {
    let (mut argc, mut size) = (0u32, 0u32);
    ck("args_sizes_get", unsafe { args_sizes_get(mptr(&mut argc), mptr(&mut size)) }, 0);
    // argv[0] is the runner's choice: count only what follows it.
    ckv("argc - 1", argc - 1, 4);
    let args = raw_args();
    let total: usize = args.iter().map(|a| a.len() + 1).sum();
    ckb("argv_buf_size == sum(len + 1)", total == size as usize);
}

fn args_values(_: &Opts) {
    for (i, a) in raw_args().iter().enumerate().skip(1) {
        say(&format!("argv[{i}] = {:?}", String::from_utf8_lossy(a)));
    }
}

fn args_layout(_: &Opts) {
    let (mut argc, mut size) = (0u32, 0u32);
    unsafe { args_sizes_get(mptr(&mut argc), mptr(&mut size)) };
    let mut ptrs = vec![0u32; argc as usize];
    let mut buf = vec![0xAAu8; size as usize + 4];
    ck("args_get", unsafe { args_get(mptr(&mut ptrs[..]), mptr(&mut buf[..])) }, 0);
    let base = ptr(&buf[..]);
    ckb("argv[0] points into argv_buf", ptrs.iter().all(|p| *p >= base && *p < base + size));
    let nuls = buf[..size as usize].iter().filter(|b| **b == 0).count();
    ckv("NUL terminators == argc", nuls as u32, argc);
    ckb("bytes after argv_buf untouched", buf[size as usize..].iter().all(|b| *b == 0xAA));
    ckb("last byte is NUL", buf[size as usize - 1] == 0);
}

fn args_get_exact_buffer(_: &Opts) {
    // A buffer ending exactly at the end of the strings works.
    let (mut argc, mut size) = (0u32, 0u32);
    unsafe { args_sizes_get(mptr(&mut argc), mptr(&mut size)) };
    let mem = mem_size() as u32;
    let bufp = mem - size;
    let mut ptrs = vec![0u32; argc as usize];
    ck("args_get with argv_buf ending at memory end", unsafe { args_get(mptr(&mut ptrs[..]), bufp) }, 0);
    ck("args_get with argv_buf one byte further", unsafe { args_get(mptr(&mut ptrs[..]), bufp + 1) }, EFAULT);
}

fn raw_env() -> Vec<String> {
    let (mut n, mut size) = (0u32, 0u32);
    ck("environ_sizes_get", unsafe { environ_sizes_get(mptr(&mut n), mptr(&mut size)) }, 0);
    let mut ptrs = vec![0u32; n as usize];
    let mut buf = vec![0u8; size as usize];
    ck("environ_get", unsafe { environ_get(mptr(&mut ptrs[..]), mptr(&mut buf[..])) }, 0);
    let base = ptr(&buf[..]);
    let total: usize = ptrs
        .iter()
        .map(|p| {
            let off = (p - base) as usize;
            buf[off..].iter().position(|b| *b == 0).unwrap() + 1
        })
        .sum();
    ckb("environ_buf_size == sum(len + 1)", total == size as usize);
    let mut v: Vec<String> = ptrs
        .iter()
        .map(|p| {
            let off = (p - base) as usize;
            let end = off + buf[off..].iter().position(|b| *b == 0).unwrap();
            String::from_utf8_lossy(&buf[off..end]).into_owned()
        })
        .collect();
    v.sort();
    v
}

fn environ_values(_: &Opts) {
    let env = raw_env();
    ckv("count", env.len(), 5);
    for e in env {
        say(&format!("env {e:?}"));
    }
}

fn environ_empty(_: &Opts) {
    let (mut n, mut size) = (7u32, 7u32);
    ck("environ_sizes_get", unsafe { environ_sizes_get(mptr(&mut n), mptr(&mut size)) }, 0);
    ckv("count", n, 0);
    ckv("size", size, 0);
    ck("environ_get with no env and null pointers", unsafe { environ_get(0, 0) }, 0);
}

fn environ_layout(_: &Opts) {
    let (mut n, mut size) = (0u32, 0u32);
    unsafe { environ_sizes_get(mptr(&mut n), mptr(&mut size)) };
    let mut ptrs = vec![0u32; n as usize + 1];
    ptrs[n as usize] = 0x5555_5555;
    let mut buf = vec![0xAAu8; size as usize + 4];
    ck("environ_get", unsafe { environ_get(mptr(&mut ptrs[..]), mptr(&mut buf[..])) }, 0);
    ckb("no pointer written past count", ptrs[n as usize] == 0x5555_5555);
    ckb("bytes after environ_buf untouched", buf[size as usize..].iter().all(|b| *b == 0xAA));
    let nuls = buf[..size as usize].iter().filter(|b| **b == 0).count();
    ckv("NUL terminators == count", nuls as u32, n);
}

fn res_of(id: u32) -> (i32, u64) {
    let mut r: u64 = 0;
    let e = unsafe { clock_res_get(id, mptr(&mut r)) };
    (e, r)
}

fn clock_res_realtime(_: &Opts) {
    let (e, r) = res_of(CLOCK_REALTIME);
    ck("clock_res_get(realtime)", e, 0);
    ckb("resolution > 0", r > 0);
    ckb("resolution <= 1s", r <= 1_000_000_000);
}

fn clock_res_monotonic(_: &Opts) {
    let (e, r) = res_of(CLOCK_MONOTONIC);
    ck("clock_res_get(monotonic)", e, 0);
    ckb("resolution > 0", r > 0);
    ckb("resolution <= 1s", r <= 1_000_000_000);
}

fn clock_res_cputime(_: &Opts) {
    // Both CPU-time clocks exist (as on Linux); no stubs.
    let (e, r) = res_of(CLOCK_PROCESS_CPUTIME_ID);
    ck("clock_res_get(process_cputime_id)", e, 0);
    ckb("resolution > 0", r > 0);
    let (e, r) = res_of(CLOCK_THREAD_CPUTIME_ID);
    ck("clock_res_get(thread_cputime_id)", e, 0);
    ckb("resolution > 0", r > 0);
}

fn clock_res_invalid_id(_: &Opts) {
    ck("clock_res_get(4)", res_of(4).0, EINVAL);
    ck("clock_res_get(0xffffffff)", res_of(u32::MAX).0, EINVAL);
}

fn clock_time_realtime(_: &Opts) {
    let a = clock(CLOCK_REALTIME);
    ckr("clock_time_get(realtime)", &a, 0);
    let b = clock(CLOCK_REALTIME);
    ckb("second reading >= first", b.unwrap() >= a.unwrap());
}

fn clock_time_monotonic_nondecreasing(_: &Opts) {
    let mut last = must("clock_time_get", clock(CLOCK_MONOTONIC));
    let mut ok = true;
    for _ in 0..1000 {
        let t = must("clock_time_get", clock(CLOCK_MONOTONIC));
        ok &= t >= last;
        last = t;
    }
    ckb("1000 monotonic readings never decrease", ok);
}

fn clock_time_cputime(_: &Opts) {
    for (name, id) in [("process_cputime_id", CLOCK_PROCESS_CPUTIME_ID), ("thread_cputime_id", CLOCK_THREAD_CPUTIME_ID)] {
        let a = clock(id);
        ckr(&format!("clock_time_get({name})"), &a, 0);
        let b = clock(id);
        ckb("second reading >= first", b.unwrap_or(0) >= a.unwrap_or(0));
    }
}

fn clock_time_invalid_id(_: &Opts) {
    ckr("clock_time_get(4)", &clock(4), EINVAL);
    ckr("clock_time_get(100)", &clock(100), EINVAL);
}

fn clock_time_precision_values(_: &Opts) {
    let mut t = 0u64;
    for p in [0u64, 1, 1_000_000, u64::MAX] {
        ck(&format!("clock_time_get(monotonic, precision={p})"), unsafe { clock_time_get(CLOCK_MONOTONIC, p, mptr(&mut t)) }, 0);
    }
}

fn random_basic(_: &Opts) {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    ck("random_get(32)", unsafe { random_get(mptr(&mut a), 32) }, 0);
    ck("random_get(32) again", unsafe { random_get(mptr(&mut b), 32) }, 0);
    ckb("not all zero", a.iter().any(|x| *x != 0));
    ckb("two draws differ", a != b);
}

fn random_zero_len(_: &Opts) {
    let mut a = [0x11u8; 4];
    ck("random_get(len 0)", unsafe { random_get(mptr(&mut a), 0) }, 0);
    ckb("buffer untouched", a == [0x11; 4]);
    ck("random_get(len 0) at end of memory", unsafe { random_get(mem_size() as u32, 0) }, 0);
}

fn random_large(_: &Opts) {
    let mut v = vec![0u8; 256 * 1024];
    ck("random_get(256 KiB)", unsafe { random_get(mptr(&mut v[..]), v.len() as u32) }, 0);
    let zeros = v.iter().filter(|b| **b == 0).count();
    ckb("byte distribution plausible (zeros < 2%)", zeros < v.len() / 50);
    ckb("last KiB not all zero", v[v.len() - 1024..].iter().any(|b| *b != 0));
}

fn sched_yield_ok(_: &Opts) {
    for _ in 0..3 {
        ck("sched_yield", unsafe { sched_yield() }, 0);
    }
}

fn exit_with(code: u32) {
    say(&format!("exiting with {code}"));
    unsafe { proc_exit(code) }
}
fn proc_exit_0(_: &Opts) {
    exit_with(0)
}
fn proc_exit_1(_: &Opts) {
    exit_with(1)
}
fn proc_exit_42(_: &Opts) {
    exit_with(42)
}
fn proc_exit_125(_: &Opts) {
    exit_with(125)
}
fn proc_exit_126(_: &Opts) {
    exit_with(126)
}
fn proc_exit_255(_: &Opts) {
    exit_with(255)
}
fn proc_exit_256(_: &Opts) {
    exit_with(256)
}
fn proc_exit_1000(_: &Opts) {
    exit_with(1000)
}

fn proc_exit_output_flushed(_: &Opts) {
    // Raw fd_write to stdout and stderr, then exit: both must arrive.
    let _ = write(1, b"out before exit\n");
    let _ = write(2, b"err before exit\n");
    unsafe { proc_exit(7) }
}

fn proc_raise_invalid_signal(_: &Opts) {
    // Signal numbers above SIGSYS (30) are not in preview1's enum.
    ck("proc_raise(99)", unsafe { proc_raise(99) }, EINVAL);
}

fn sock_accept_not_socket(_: &Opts) {
    let mut fd = 0u32;
    ck("sock_accept(dir)", unsafe { sock_accept(D, 0, mptr(&mut fd)) }, ENOTSOCK);
    let f = must("open", open_ro(D, "file.txt"));
    ck("sock_accept(file)", unsafe { sock_accept(f, 0, mptr(&mut fd)) }, ENOTSOCK);
}

fn sock_accept_badf(_: &Opts) {
    let mut fd = 0u32;
    ck("sock_accept(99)", unsafe { sock_accept(99, 0, mptr(&mut fd)) }, EBADF);
}

fn recv(fd: u32) -> i32 {
    let mut buf = [0u8; 8];
    let iov = [mptr(&mut buf), 8];
    let (mut n, mut fl) = (0u32, 0u16);
    unsafe { sock_recv(fd, ptr(&iov), 1, 0, mptr(&mut n), mptr(&mut fl)) }
}

fn send(fd: u32) -> i32 {
    let buf = *b"data";
    let iov = [ptr(&buf), 4];
    let mut n = 0u32;
    unsafe { sock_send(fd, ptr(&iov), 1, 0, mptr(&mut n)) }
}

fn sock_recv_not_socket(_: &Opts) {
    ck("sock_recv(dir)", recv(D), ENOTSOCK);
    let f = must("open", open_ro(D, "file.txt"));
    ck("sock_recv(file)", recv(f), ENOTSOCK);
}

fn sock_recv_badf(_: &Opts) {
    ck("sock_recv(99)", recv(99), EBADF);
}

fn sock_send_not_socket(_: &Opts) {
    ck("sock_send(dir)", send(D), ENOTSOCK);
    let f = must("open", open_rw(D, "file.txt"));
    ck("sock_send(file)", send(f), ENOTSOCK);
}

fn sock_send_badf(_: &Opts) {
    ck("sock_send(99)", send(99), EBADF);
}

fn sock_shutdown_not_socket(_: &Opts) {
    ck("sock_shutdown(dir, RD)", unsafe { sock_shutdown(D, 1) }, ENOTSOCK);
    let f = must("open", open_ro(D, "file.txt"));
    ck("sock_shutdown(file, RD|WR)", unsafe { sock_shutdown(f, 3) }, ENOTSOCK);
}

fn sock_shutdown_badf(_: &Opts) {
    ck("sock_shutdown(99, WR)", unsafe { sock_shutdown(99, 2) }, EBADF);
}
