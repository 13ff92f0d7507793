//! Pipes and stdio handles, clocks, random bytes, and poll.
#![cfg(windows)]

mod common;
use common::*;
use std::time::{Duration, Instant};
use wasibox_core::abi::{ClockId, FdFlags, Filetype, SetTime, Whence};
use wasibox_core::{Deadline, Errno, Platform, PollFd};
use wasibox_windows::{WindowsHandle, WindowsPlatform};

#[test]
fn wine_detection_matches_the_runner() {
    // runner.sh sets WASIBOX_UNDER_WINE=1; on real Windows nothing sets it.
    let expected = std::env::var_os("WASIBOX_UNDER_WINE").is_some();
    assert_eq!(wasibox_windows::running_under_wine(), expected);
}

#[test]
fn pipes_read_write_and_refuse_file_calls() {
    let p = WindowsPlatform::new();
    let (mut r, mut w) = pipe();
    assert_eq!(p.filetype(&r), Ok(Filetype::Unknown));
    assert_eq!(p.write(&mut w, &[b"hel", b"lo"]), Ok(5));
    let mut buf = [0u8; 16];
    assert_eq!(p.read(&mut r, &mut [&mut buf[..]]), Ok(5));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(p.seek(&mut r, 0, Whence::Cur), Err(Errno::SPIPE));
    assert_eq!(p.pread(&mut r, &mut [&mut buf[..]], 0), Err(Errno::SPIPE));
    assert_eq!(p.pwrite(&mut w, &[b"x"], 0), Err(Errno::SPIPE));
    assert_eq!(p.set_size(&w, 0), Err(Errno::INVAL));
    assert_eq!(p.set_times(&w, SetTime::Now, SetTime::Now), Err(Errno::NOTSUP));
    assert_eq!(p.sync(&w), Err(Errno::INVAL));
    assert_eq!(p.allocate(&w, 0, 1), Err(Errno::SPIPE));
    let st = p.filestat(&r).unwrap();
    assert_eq!(st.filetype, Filetype::Unknown);
    assert_eq!(p.readdir(&mut r, 0, &mut |_| true), Err(Errno::NOTDIR));
    // The writer gone: reading is end of file.
    drop(w);
    assert_eq!(p.read(&mut r, &mut [&mut buf[..]]), Ok(0));
}

#[test]
fn pipe_reads_do_not_wait_for_more_than_one_delivery() {
    let p = WindowsPlatform::new();
    let (mut r, mut w) = pipe();
    p.write(&mut w, &[b"abc"]).unwrap();
    let (mut a, mut b) = ([0u8; 2], [0u8; 8]);
    // Two buffers, three bytes: one read, which must not block on the second buffer.
    let n = p.read(&mut r, &mut [&mut a[..], &mut b[..]]).unwrap();
    assert!(n >= 2, "{n}");
    assert_eq!(&a, b"ab");
}

#[test]
fn nonblocking_pipe_reads_say_eagain() {
    let p = WindowsPlatform::new();
    let (mut r, mut w) = pipe();
    p.set_fdflags(&mut r, FdFlags::NONBLOCK).unwrap();
    assert_eq!(p.fdflags(&r), Ok(FdFlags::NONBLOCK));
    let mut buf = [0u8; 4];
    assert_eq!(p.read(&mut r, &mut [&mut buf[..]]), Err(Errno::AGAIN));
    p.write(&mut w, &[b"z"]).unwrap();
    assert_eq!(p.read(&mut r, &mut [&mut buf[..]]), Ok(1));
    drop(w);
    assert_eq!(p.read(&mut r, &mut [&mut buf[..]]), Ok(0), "end of file, not EAGAIN");
}

#[test]
fn writing_to_a_pipe_without_reader_is_epipe() {
    let p = WindowsPlatform::new();
    let (r, mut w) = pipe();
    drop(r);
    assert_eq!(p.write(&mut w, &[b"x"]), Err(Errno::PIPE));
}

fn ms(n: u64) -> u64 {
    n * 1_000_000
}

#[test]
fn poll_pipes_for_readiness_and_hangup() {
    let p = WindowsPlatform::new();
    let (r, mut w) = pipe();
    // Nothing to read: the deadline passes.
    let start = Instant::now();
    let now = p.clock_time(ClockId::Monotonic, 0).unwrap();
    let mut fds = [PollFd { handle: &r, write: false, ready: None, hangup: false }];
    p.poll(&mut fds, Some(Deadline { clock: ClockId::Monotonic, at: now + ms(30) })).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(29), "{:?}", start.elapsed());
    assert!(fds[0].ready.is_none());
    // The write end is writable at once.
    let mut fds = [PollFd { handle: &w, write: true, ready: None, hangup: false }];
    p.poll(&mut fds, None).unwrap();
    assert_eq!(fds[0].ready, Some(Ok(0)));
    // Data: readable, with its size.
    p.write(&mut w, &[b"12345"]).unwrap();
    let mut fds = [PollFd { handle: &r, write: false, ready: None, hangup: false }];
    p.poll(&mut fds, None).unwrap();
    assert_eq!(fds[0].ready, Some(Ok(5)));
    assert!(!fds[0].hangup);
    // Data arriving while we wait (no deadline).
    let (r2, w2) = pipe();
    let writer = std::thread::spawn(move || {
        let mut w2 = w2;
        std::thread::sleep(Duration::from_millis(20));
        WindowsPlatform::new().write(&mut w2, &[b"late"]).unwrap();
        w2
    });
    let mut fds = [PollFd { handle: &r2, write: false, ready: None, hangup: false }];
    p.poll(&mut fds, None).unwrap();
    assert_eq!(fds[0].ready, Some(Ok(4)));
    // The writer gone: ready, with hangup.
    drop(writer.join().unwrap());
    let mut buf = [0u8; 8];
    let mut r2 = r2;
    p.read(&mut r2, &mut [&mut buf[..]]).unwrap();
    let mut fds = [PollFd { handle: &r2, write: false, ready: None, hangup: false }];
    p.poll(&mut fds, None).unwrap();
    assert_eq!(fds[0].ready, Some(Ok(0)));
    assert!(fds[0].hangup);
}

#[test]
fn poll_files_are_ready_at_once() {
    let f = fixture();
    let mut h = f.open("f", create());
    f.write_all(&mut h, b"0123456789");
    f.p.seek(&mut h, 4, Whence::Set).unwrap();
    let (r, _w) = pipe();
    let mut fds = [
        PollFd { handle: &h, write: false, ready: None, hangup: false },
        PollFd { handle: &h, write: true, ready: None, hangup: false },
        PollFd { handle: &r, write: false, ready: None, hangup: false },
    ];
    f.p.poll(&mut fds, None).unwrap();
    assert_eq!(fds[0].ready, Some(Ok(6)), "bytes left to read");
    assert_eq!(fds[1].ready, Some(Ok(0)));
    assert!(fds[2].ready.is_none(), "an empty pipe is not ready");
}

#[test]
fn poll_with_only_a_deadline_sleeps() {
    let p = WindowsPlatform::new();
    let start = Instant::now();
    let now = p.clock_time(ClockId::Monotonic, 0).unwrap();
    p.poll(&mut [], Some(Deadline { clock: ClockId::Monotonic, at: now + ms(25) })).unwrap();
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(24) && took < Duration::from_secs(2), "{took:?}");
    // An absolute realtime deadline.
    let start = Instant::now();
    let now = p.clock_time(ClockId::Realtime, 0).unwrap();
    p.poll(&mut [], Some(Deadline { clock: ClockId::Realtime, at: now + ms(20) })).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(19), "{:?}", start.elapsed());
    // A deadline in the past returns at once; a CPU-time deadline is slept once.
    let start = Instant::now();
    p.poll(&mut [], Some(Deadline { clock: ClockId::Monotonic, at: 0 })).unwrap();
    let cpu = p.clock_time(ClockId::ProcessCputime, 0).unwrap();
    p.poll(&mut [], Some(Deadline { clock: ClockId::ProcessCputime, at: cpu + ms(10) })).unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn clocks() {
    let p = WindowsPlatform::new();
    for c in [ClockId::Realtime, ClockId::Monotonic, ClockId::ProcessCputime, ClockId::ThreadCputime] {
        let res = p.clock_res(c).unwrap();
        assert!(res > 0 && res <= 100_000_000, "{c:?}: {res}");
    }
    assert_eq!(p.clock_res(ClockId::Realtime), Ok(100));
    let rt = p.clock_time(ClockId::Realtime, 0).unwrap();
    let sys = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    assert!(rt.abs_diff(sys) < 1_000_000_000, "{rt} vs {sys}");
    let mut last = p.clock_time(ClockId::Monotonic, 0).unwrap();
    for _ in 0..1000 {
        let t = p.clock_time(ClockId::Monotonic, 0).unwrap();
        assert!(t >= last);
        last = t;
    }
    let t0 = p.clock_time(ClockId::Monotonic, 0).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let t1 = p.clock_time(ClockId::Monotonic, 0).unwrap();
    assert!(t1 - t0 >= ms(19), "{}", t1 - t0);
    // CPU time grows with work.
    let c0 = p.clock_time(ClockId::ThreadCputime, 0).unwrap();
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < Duration::from_millis(100) {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
    }
    std::hint::black_box(x);
    let c1 = p.clock_time(ClockId::ThreadCputime, 0).unwrap();
    assert!(c1 > c0, "{c0} → {c1}");
    assert!(p.clock_time(ClockId::ProcessCputime, 0).unwrap() >= c1 - c0);
    p.sched_yield().unwrap();
}

#[test]
fn random_bytes() {
    let p = WindowsPlatform::new();
    let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
    p.random(&mut a).unwrap();
    p.random(&mut b).unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 64]);
    p.random(&mut []).unwrap();
    let mut big = vec![0u8; 1 << 20];
    p.random(&mut big).unwrap();
    assert!(big.iter().filter(|&&x| x == 0).count() < 1 << 14);
}

#[test]
fn stdio_handles() {
    let p = WindowsPlatform::new();
    assert!(WindowsHandle::stdio(3).is_err());
    for n in 0..3 {
        match WindowsHandle::stdio(n) {
            Ok(h) => {
                let ft = p.filetype(&h).unwrap();
                println!("stdio({n}): {ft:?}");
                assert_ne!(ft, Filetype::Directory);
            }
            Err(e) => println!("stdio({n}): none ({e})"),
        }
    }
    if let Ok(mut out) = WindowsHandle::stdio(1) {
        assert_eq!(p.write(&mut out, &[b""]), Ok(0));
    }
}
