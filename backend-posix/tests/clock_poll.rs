//! Clocks, randomness, yielding, and poll.

mod common;
use common::*;
use std::time::{Duration, Instant};
use wasibox_core::abi::{ClockId, Whence};
use wasibox_core::{Deadline, Errno, Platform, PollFd};
use wasibox_posix::{PosixHandle, PosixPlatform};

const CLOCKS: [ClockId; 4] =
    [ClockId::Realtime, ClockId::Monotonic, ClockId::ProcessCputime, ClockId::ThreadCputime];

fn sub<'a>(h: &'a PosixHandle, write: bool) -> PollFd<'a, PosixHandle> {
    PollFd { handle: h, write, ready: None, hangup: false }
}

#[test]
fn clocks() {
    let p = PosixPlatform::new();
    for c in CLOCKS {
        let res = p.clock_res(c).unwrap();
        assert!(res > 0 && res <= 1_000_000_000, "{c:?}: {res}");
        let a = p.clock_time(c, 0).unwrap();
        let b = p.clock_time(c, 0).unwrap();
        assert!(b >= a, "{c:?}");
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let rt = p.clock_time(ClockId::Realtime, 1).unwrap();
    assert!(rt.abs_diff(now) < 1_000_000_000);
    // CPU time moves when we burn CPU.
    let t0 = p.clock_time(ClockId::ThreadCputime, 0).unwrap();
    let mut x = 0u64;
    for i in 0..2_000_000u64 {
        x = x.wrapping_mul(31).wrapping_add(i);
    }
    std::hint::black_box(x);
    assert!(p.clock_time(ClockId::ThreadCputime, 0).unwrap() > t0);
    assert!(p.clock_time(ClockId::ProcessCputime, 0).unwrap() > 0);
}

#[test]
fn random_fills_everything() {
    let p = PosixPlatform::new();
    let mut a = [0u8; 64];
    let mut b = [0u8; 64];
    p.random(&mut a).unwrap();
    p.random(&mut b).unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 64]);
    // Larger than one getrandom call returns (32 MiB max per call on Linux).
    let mut big = vec![0u8; 40 << 20];
    p.random(&mut big).unwrap();
    assert!(big[big.len() - 4096..].iter().any(|&x| x != 0));
    p.random(&mut []).unwrap();
    assert_eq!(p.sched_yield(), Ok(()));
}

#[test]
fn sleep_until_a_deadline_with_no_fds() {
    let p = PosixPlatform::new();
    for clock in [ClockId::Monotonic, ClockId::Realtime] {
        let start = Instant::now();
        let at = p.clock_time(clock, 0).unwrap() + 30_000_000;
        p.poll(&mut [], Some(Deadline { clock, at })).unwrap();
        assert!(p.clock_time(clock, 0).unwrap() >= at, "{clock:?}");
        assert!(start.elapsed() >= Duration::from_millis(29));
        assert!(start.elapsed() < Duration::from_secs(5));
    }
    // A deadline in the past returns at once.
    let start = Instant::now();
    p.poll(&mut [], Some(Deadline { clock: ClockId::Monotonic, at: 1 })).unwrap();
    assert!(start.elapsed() < Duration::from_millis(500));
    // A CPU-time deadline: sleeps about the time left, once.
    let at = p.clock_time(ClockId::ProcessCputime, 0).unwrap() + 5_000_000;
    let start = Instant::now();
    p.poll(&mut [], Some(Deadline { clock: ClockId::ProcessCputime, at })).unwrap();
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn poll_a_pipe() {
    let p = PosixPlatform::new();
    let (r, mut w) = pipe();
    // Nothing to read: the deadline passes.
    let start = Instant::now();
    let at = p.clock_time(ClockId::Monotonic, 0).unwrap() + 20_000_000;
    let mut subs = [sub(&r, false)];
    p.poll(&mut subs, Some(Deadline { clock: ClockId::Monotonic, at })).unwrap();
    assert!(subs[0].ready.is_none());
    assert!(start.elapsed() >= Duration::from_millis(19));
    // The write end is writable at once.
    let mut subs = [sub(&w, true)];
    p.poll(&mut subs, None).unwrap();
    assert_eq!(subs[0].ready, Some(Ok(0)));
    // Data: ready with the number of bytes.
    assert_eq!(p.write(&mut w, &[b"12345"]), Ok(5));
    let mut subs = [sub(&r, false), sub(&w, true)];
    p.poll(&mut subs, None).unwrap();
    assert_eq!(subs[0].ready, Some(Ok(5)));
    assert!(!subs[0].hangup);
    assert_eq!(subs[1].ready, Some(Ok(0)));
    // The writer goes: hangup (with the data still there).
    drop(w);
    let mut subs = [sub(&r, false)];
    p.poll(&mut subs, None).unwrap();
    assert!(subs[0].hangup);
    assert_eq!(subs[0].ready, Some(Ok(5)));
}

#[test]
fn poll_wakes_when_data_arrives() {
    let p = PosixPlatform::new();
    let (r, w) = pipe();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        let mut w = w;
        PosixPlatform::new().write(&mut w, &[b"x"]).unwrap();
        w
    });
    let at = p.clock_time(ClockId::Realtime, 0).unwrap() + 10_000_000_000;
    let mut subs = [sub(&r, false)];
    let start = Instant::now();
    p.poll(&mut subs, Some(Deadline { clock: ClockId::Realtime, at })).unwrap();
    assert_eq!(subs[0].ready, Some(Ok(1)));
    assert!(start.elapsed() < Duration::from_secs(5));
    writer.join().unwrap();
}

#[test]
fn poll_a_pipe_whose_reader_is_gone() {
    let p = PosixPlatform::new();
    let (r, w) = pipe();
    drop(r);
    let mut subs = [sub(&w, true)];
    p.poll(&mut subs, None).unwrap();
    assert_eq!(subs[0].ready, Some(Err(Errno::PIPE)));
}

#[test]
fn files_are_ready_at_once() {
    let f = fixture();
    let mut h = f.open("f", create());
    f.write_all(&mut h, b"0123456789");
    f.p.seek(&mut h, 3, Whence::Set).unwrap();
    let d = f.open(".", dir_opts());
    let (r, _w) = pipe();
    let mut subs = [sub(&h, false), sub(&h, true), sub(&d, false), sub(&r, false)];
    let start = Instant::now();
    f.p.poll(&mut subs, None).unwrap();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(subs[0].ready, Some(Ok(7)));
    assert_eq!(subs[1].ready, Some(Ok(0)));
    assert_eq!(subs[2].ready, Some(Ok(0)));
    assert_eq!(subs[3].ready, None);
    // Offset past the end: 0, not an underflow.
    f.p.seek(&mut h, 100, Whence::Set).unwrap();
    let mut subs = [sub(&h, false)];
    f.p.poll(&mut subs, None).unwrap();
    assert_eq!(subs[0].ready, Some(Ok(0)));
}
