//! Virtual clocks, random bytes, poll deadlines.

use super::*;
use crate::{DEFAULT_REALTIME_START, DEFAULT_TICK};
use wasibox_core::abi::ClockId;
use wasibox_core::platform::Deadline;

#[test]
fn clocks_start_where_configured_and_tick() {
    let p = plat();
    assert_eq!(p.clock_time(ClockId::Realtime, 0), Ok(DEFAULT_REALTIME_START));
    assert_eq!(p.clock_time(ClockId::Monotonic, 0), Ok(DEFAULT_TICK));
    assert_eq!(p.clock_time(ClockId::Monotonic, 0), Ok(2 * DEFAULT_TICK));
    assert_eq!(p.clock_time(ClockId::ProcessCputime, 0), Ok(3 * DEFAULT_TICK));
    assert_eq!(p.clock_time(ClockId::ThreadCputime, 1_000_000), Ok(4 * DEFAULT_TICK));
    assert_eq!(p.elapsed(), 5 * DEFAULT_TICK);
    for c in [ClockId::Realtime, ClockId::Monotonic, ClockId::ProcessCputime, ClockId::ThreadCputime] {
        assert_eq!(p.clock_res(c), Ok(1));
    }
    let cfg = MemConfig { realtime_start: 42, monotonic_start: 7, tick: 0, ..MemConfig::default() };
    let frozen = MemPlatform::new(cfg);
    for _ in 0..3 {
        assert_eq!(frozen.clock_time(ClockId::Realtime, 0), Ok(42));
        assert_eq!(frozen.clock_time(ClockId::Monotonic, 0), Ok(7));
    }
    frozen.advance_clock(100);
    assert_eq!(frozen.clock_time(ClockId::Monotonic, 0), Ok(107));
}

#[test]
fn monotonic_never_goes_back() {
    let p = plat();
    let mut last = p.clock_time(ClockId::Monotonic, 0).unwrap();
    for _ in 0..100 {
        let t = p.clock_time(ClockId::Monotonic, 0).unwrap();
        assert!(t > last);
        last = t;
    }
}

#[test]
fn saturates_instead_of_wrapping() {
    let cfg = MemConfig { realtime_start: u64::MAX - 1, tick: 10, ..MemConfig::default() };
    let p = MemPlatform::new(cfg);
    assert_eq!(p.clock_time(ClockId::Realtime, 0), Ok(u64::MAX - 1));
    assert_eq!(p.clock_time(ClockId::Realtime, 0), Ok(u64::MAX));
    assert_eq!(p.clock_time(ClockId::Realtime, 0), Ok(u64::MAX));
}

#[test]
fn poll_with_a_deadline_jumps_the_clock() {
    let p = MemPlatform::new(MemConfig { tick: 0, ..MemConfig::default() });
    p.poll(&mut [], Some(Deadline { clock: ClockId::Monotonic, at: 5_000_000_000 })).unwrap();
    assert_eq!(p.clock_time(ClockId::Monotonic, 0), Ok(5_000_000_000));
    assert_eq!(p.clock_time(ClockId::Realtime, 0), Ok(DEFAULT_REALTIME_START + 5_000_000_000));
    // A deadline in the past does not move anything.
    p.poll(&mut [], Some(Deadline { clock: ClockId::Monotonic, at: 1 })).unwrap();
    assert_eq!(p.clock_time(ClockId::Monotonic, 0), Ok(5_000_000_000));
    // A realtime deadline.
    let at = DEFAULT_REALTIME_START + 6_000_000_000;
    p.poll(&mut [], Some(Deadline { clock: ClockId::Realtime, at })).unwrap();
    assert_eq!(p.clock_time(ClockId::Realtime, 0), Ok(at));
    // No fds and no deadline: returns at once.
    p.poll(&mut [], None).unwrap();
}

#[test]
fn random_is_seeded_and_deterministic() {
    let a = plat();
    let b = plat();
    let c = MemPlatform::new(MemConfig { seed: 1, ..MemConfig::default() });
    let (mut x, mut y, mut z) = ([0u8; 100], [0u8; 100], [0u8; 100]);
    a.random(&mut x).unwrap();
    b.random(&mut y).unwrap();
    c.random(&mut z).unwrap();
    assert_eq!(x, y);
    assert_ne!(x, z);
    assert!(x.iter().any(|&v| v != 0));
    // The stream continues.
    a.random(&mut x).unwrap();
    assert_ne!(x, y);
    a.random(&mut []).unwrap();
    // Pinned output: the same bytes on every platform, forever.
    let p = MemPlatform::new(MemConfig { seed: 0, ..MemConfig::default() });
    let mut first = [0u8; 8];
    p.random(&mut first).unwrap();
    let mut r = wasibox_core::replay::SeededRandom::new(0);
    assert_eq!(first, r.next_u64().to_le_bytes());
}

#[test]
fn whole_runs_are_reproducible() {
    fn run() -> alloc::vec::Vec<u8> {
        let p = plat();
        let r = root(&p);
        let mut out = alloc::vec::Vec::new();
        for i in 0..5u8 {
            let mut rnd = [0u8; 4];
            p.random(&mut rnd).unwrap();
            let name = alloc::format!("f{}", rnd[0]);
            mkfile(&p, &r, &name, &rnd);
            out.extend_from_slice(&p.clock_time(ClockId::Realtime, 0).unwrap().to_le_bytes());
            let st = p.stat_at(&r, &name, false).unwrap();
            out.extend_from_slice(&st.ino.to_le_bytes());
            out.extend_from_slice(&st.mtim.to_le_bytes());
            out.push(i);
        }
        out
    }
    assert_eq!(run(), run());
}
