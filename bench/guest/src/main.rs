//! The wasibox benchmark guest: one program, built natively (libc calls) and for
//! `wasm32-wasip1` (raw `wasi_snapshot_preview1` imports, one import call per guest
//! operation, as wasi-libc would make it).
//!
//! Each workload runs N iterations of one operation in a tight loop and reports the time;
//! the same loop with an empty body (a no-op run) is timed right after and reported too,
//! so that the harness can subtract it. Without `--iters`, N is calibrated so that the
//! timed loop lasts about `--ms` milliseconds.
//!
//! Usage: `bench-guest [--dir PATH] [--iters N] [--ms MS] [--cap-ms MS] [--only a,b]`
//! (`--dir` is the work directory natively; in wasm the work directory is the first
//! preopen, fd 3). Results go to stderr, one line per workload:
//! `BENCH {"w":"fd_seek","n":N,"ns":T,"noop_ns":T0,"units":U,"partial":false}`.
//! Stdout is where the `fd_write` workload writes its bytes: the harness points it at
//! `/dev/null`.

use std::hint::black_box;
use std::time::Instant;

/// Files and directories the harness prepares in the work directory.
mod names {
    pub const SMALL: &str = "small.txt";
    pub const NESTED: &str = "sub/file.txt";
    pub const BULK_R: &str = "bulk_r";
    pub const BULK_W: &str = "bulk_w";
    pub const PWRITE: &str = "pwrite.dat";
    pub const DIRS: [(&str, &str); 3] =
        [("fd_readdir_1k", "d1k"), ("fd_readdir_10k", "d10k"), ("fd_readdir_100k", "d100k")];
}

/// Size of the bulk files and of a bulk chunk.
const BULK_SIZE: u64 = 64 << 20;
const CHUNK: usize = 64 << 10;
/// Bytes of one small read / pwrite.
const SMALL_IO: usize = 64;
/// The buffer `fd_readdir` fills (wasi-libc's default).
const DIRBUF: usize = 4096;

#[cfg(target_os = "wasi")]
#[path = "sys_wasi.rs"]
mod sys;
#[cfg(not(target_os = "wasi"))]
#[path = "sys_native.rs"]
mod sys;

struct Opts {
    dir: Option<String>,
    iters: Option<u64>,
    ms: u64,
    cap_ms: u64,
    only: Option<Vec<String>>,
}

fn parse() -> Opts {
    let mut o = Opts { dir: None, iters: None, ms: 100, cap_ms: 3000, only: None };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| die(&format!("{a} needs a value")));
        match a.as_str() {
            "--dir" => o.dir = Some(val()),
            "--iters" => o.iters = Some(val().parse().unwrap_or_else(|_| die("bad --iters"))),
            "--ms" => o.ms = val().parse().unwrap_or_else(|_| die("bad --ms")),
            "--cap-ms" => o.cap_ms = val().parse().unwrap_or_else(|_| die("bad --cap-ms")),
            "--only" => o.only = Some(val().split(',').map(str::to_string).collect()),
            _ => die(&format!("unknown argument {a}")),
        }
    }
    o
}

fn die(msg: &str) -> ! {
    eprintln!("bench-guest: {msg}");
    std::process::exit(2)
}

/// What one timed run did: how many units of work (calls, or directory entries), and
/// whether the per-run cap cut it short.
struct Run {
    units: u64,
    partial: bool,
}

/// The state of one workload: run `n` iterations before `deadline`.
type Body<'a> = Box<dyn FnMut(u64, Instant) -> Run + 'a>;

fn ns(d: std::time::Duration) -> u64 {
    d.as_nanos() as u64
}

/// The no-op loop: the same loop with nothing in it.
#[inline(never)]
fn noop(n: u64) {
    for i in 0..n {
        black_box(i);
    }
}

fn measure(name: &str, o: &Opts, mut body: Body<'_>) {
    let cap = std::time::Duration::from_millis(o.cap_ms);
    let timed = |body: &mut Body<'_>, n: u64| {
        let t0 = Instant::now();
        let r = body(n, t0 + cap);
        (ns(t0.elapsed()), r)
    };
    let n = match o.iters {
        Some(n) => n,
        None => {
            // Grow until the loop takes a twentieth of the target, then scale to it.
            let target = o.ms * 1_000_000;
            let mut n = 1u64;
            loop {
                let (t, r) = timed(&mut body, n);
                if r.partial {
                    break n;
                }
                if t >= target / 20 || n >= 1 << 40 {
                    break ((n as u128 * target as u128 / t.max(1) as u128) as u64).max(1);
                }
                n *= 10;
            }
        }
    };
    let (t, r) = timed(&mut body, n);
    let t0 = Instant::now();
    noop(n);
    let noop_ns = ns(t0.elapsed());
    eprintln!(
        "BENCH {{\"w\":\"{name}\",\"n\":{n},\"ns\":{t},\"noop_ns\":{noop_ns},\"units\":{},\"partial\":{}}}",
        r.units, r.partial
    );
}

/// A zeroed buffer of `len` bytes that starts on a 4 KiB boundary, natively and in wasm
/// alike (allocators place a 64 KiB block differently; the kernel's copy speed depends
/// on where it starts).
fn aligned_buf(len: usize, fill: u8) -> &'static mut [u8] {
    let v: &'static mut [u8] = vec![fill; len + 4096].leak();
    let skip = v.as_ptr().align_offset(4096);
    &mut v[skip..skip + len]
}

fn per_call(n: u64, mut f: impl FnMut()) -> Run {
    for _ in 0..n {
        f();
    }
    Run { units: n, partial: false }
}

fn check(ok: bool, what: &str) {
    if !ok {
        die(&format!("{what} failed"));
    }
}

fn main() {
    let o = parse();
    let dir = sys::work_dir(o.dir.as_deref());
    let want = |w: &str| o.only.as_ref().is_none_or(|l| l.iter().any(|x| x == w));

    if want("noop") {
        measure(
            "noop",
            &o,
            Box::new(|n, _| {
                noop(n);
                Run { units: n, partial: false }
            }),
        );
    }
    if want("args_sizes_get") {
        measure(
            "args_sizes_get",
            &o,
            Box::new(|n, _| {
                per_call(n, || {
                    black_box(sys::args_sizes());
                })
            }),
        );
    }
    if want("clock_time_get") {
        measure(
            "clock_time_get",
            &o,
            Box::new(|n, _| {
                per_call(n, || {
                    black_box(sys::clock_now());
                })
            }),
        );
    }
    if want("fd_write_1b") {
        let b = [b'x'];
        measure(
            "fd_write_1b",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    check(sys::write(sys::STDOUT, &b) == 1, "fd_write");
                })
            }),
        );
    }
    if want("fd_seek") {
        let f = sys::open(dir, &sys::path(names::SMALL), false);
        measure(
            "fd_seek",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    black_box(sys::seek_set(f, 0));
                })
            }),
        );
        sys::close(f);
    }
    if want("fd_filestat_get") {
        let f = sys::open(dir, &sys::path(names::SMALL), false);
        measure(
            "fd_filestat_get",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    check(sys::fstat_size(f) > 0, "fd_filestat_get");
                })
            }),
        );
        sys::close(f);
    }
    if want("path_filestat_get") {
        let p = sys::path(names::NESTED);
        measure(
            "path_filestat_get",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    check(sys::stat_size(dir, &p) > 0, "path_filestat_get");
                })
            }),
        );
    }
    if want("path_filestat_get_1c") {
        let p = sys::path(names::SMALL);
        measure(
            "path_filestat_get_1c",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    check(sys::stat_size(dir, &p) > 0, "path_filestat_get");
                })
            }),
        );
    }
    if want("path_open_close") {
        let p = sys::path(names::NESTED);
        measure(
            "path_open_close",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    let f = sys::open(dir, &p, false);
                    sys::close(f);
                })
            }),
        );
    }
    for (w, d) in names::DIRS {
        if want(w) {
            let mut buf = vec![0u8; DIRBUF];
            let d = sys::path(d);
            measure(
                w,
                &o,
                Box::new(move |n, deadline| {
                    let mut units = 0;
                    for _ in 0..n {
                        let (entries, done) = sys::list_dir(dir, &d, &mut buf, deadline);
                        units += entries;
                        if !done {
                            return Run { units, partial: true };
                        }
                    }
                    Run { units, partial: false }
                }),
            );
        }
    }
    if want("fd_read_64k") {
        let f = sys::open(dir, &sys::path(names::BULK_R), false);
        let buf = aligned_buf(CHUNK, 0);
        let mut at = 0u64;
        measure(
            "fd_read_64k",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    if at >= BULK_SIZE {
                        sys::seek_set(f, 0);
                        at = 0;
                    }
                    let got = sys::read(f, buf);
                    check(got == CHUNK, "fd_read");
                    at += got as u64;
                })
            }),
        );
        sys::close(f);
    }
    if want("fd_write_64k") {
        let f = sys::open(dir, &sys::path(names::BULK_W), true);
        let buf = aligned_buf(CHUNK, 0x5a);
        let mut at = 0u64;
        measure(
            "fd_write_64k",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    if at >= BULK_SIZE {
                        sys::seek_set(f, 0);
                        at = 0;
                    }
                    let put = sys::write(f, buf);
                    check(put == CHUNK, "fd_write");
                    at += put as u64;
                })
            }),
        );
        sys::close(f);
    }
    if want("fd_read_small") {
        let f = sys::open(dir, &sys::path(names::BULK_R), false);
        let mut buf = [0u8; SMALL_IO];
        measure(
            "fd_read_small",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    if sys::read(f, &mut buf) == 0 {
                        sys::seek_set(f, 0);
                    }
                })
            }),
        );
        sys::close(f);
    }
    if want("fd_pwrite") {
        let f = sys::open(dir, &sys::path(names::PWRITE), true);
        let buf = [7u8; SMALL_IO];
        measure(
            "fd_pwrite",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    check(sys::pwrite(f, &buf, 0) == SMALL_IO, "fd_pwrite");
                })
            }),
        );
        sys::close(f);
    }
    if want("random_get") {
        let mut buf = [0u8; 32];
        measure(
            "random_get",
            &o,
            Box::new(move |n, _| {
                per_call(n, || {
                    sys::random(&mut buf);
                    black_box(&buf);
                })
            }),
        );
    }
    if want("poll_oneoff_0") {
        measure("poll_oneoff_0", &o, Box::new(|n, _| per_call(n, sys::poll_zero)));
    }
    if want("fd_close_badf") {
        measure(
            "fd_close_badf",
            &o,
            Box::new(|n, _| {
                per_call(n, || {
                    check(sys::close_bad(), "fd_close(bad fd) must fail with EBADF");
                })
            }),
        );
    }
}
