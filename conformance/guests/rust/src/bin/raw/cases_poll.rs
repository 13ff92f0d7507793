//! poll_oneoff.

use crate::{case, Case, Opts, D};
use wasibox_guests::*;

pub fn cases() -> Vec<Case> {
    vec![
        case!(poll_clock_relative, "poll", "poll_oneoff", ""),
        case!(poll_clock_two_timeouts, "poll", "poll_oneoff", ""),
        case!(poll_clock_realtime, "poll", "poll_oneoff", ""),
        case!(poll_clock_absolute_past, "poll", "poll_oneoff", ""),
        case!(poll_clock_absolute_future, "poll", "poll_oneoff clock_time_get", ""),
        case!(poll_clock_zero_timeout, "poll", "poll_oneoff", ""),
        case!(poll_sleep_advances_clock, "poll", "poll_oneoff clock_time_get", ""),
        case!(poll_zero_subscriptions, "poll", "poll_oneoff", ""),
        case!(poll_fd_read_file, "poll", "poll_oneoff", "base"),
        case!(poll_fd_write_file, "poll", "poll_oneoff", "base"),
        case!(poll_fd_write_stdout, "poll", "poll_oneoff", ""),
        case!(poll_fd_read_stdin, "poll", "poll_oneoff", ""),
        case!(poll_fd_and_clock, "poll", "poll_oneoff", "base"),
        case!(poll_fd_badf, "poll", "poll_oneoff", ""),
        case!(poll_invalid_tag, "poll", "poll_oneoff", ""),
        case!(poll_invalid_clock_id, "poll", "poll_oneoff", ""),
        case!(poll_many_clocks, "poll", "poll_oneoff", ""),
    ]
}

const SUB: usize = 48;
const EV: usize = 32;

pub struct Subs {
    pub b: Aligned<{ 48 * 16 }>,
    pub n: usize,
}

impl Subs {
    pub fn new() -> Self {
        Subs { b: Aligned::new(), n: 0 }
    }
    pub fn clock(&mut self, userdata: u64, id: u32, timeout: u64, precision: u64, flags: u16) -> &mut Self {
        let o = self.n * SUB;
        self.b.set_u64(o, userdata);
        self.b.set_u8(o + 8, EVENTTYPE_CLOCK);
        self.b.set_u32(o + 16, id);
        self.b.set_u64(o + 24, timeout);
        self.b.set_u64(o + 32, precision);
        self.b.set_u16(o + 40, flags);
        self.n += 1;
        self
    }
    pub fn fd(&mut self, userdata: u64, tag: u8, fd: u32) -> &mut Self {
        let o = self.n * SUB;
        self.b.set_u64(o, userdata);
        self.b.set_u8(o + 8, tag);
        self.b.set_u32(o + 16, fd);
        self.n += 1;
        self
    }
}

#[derive(Debug, PartialEq, Clone)]
pub struct Event {
    pub userdata: u64,
    pub error: u16,
    pub typ: u8,
    pub nbytes: u64,
    pub flags: u16,
}

pub fn poll(subs: &mut Subs) -> Result<Vec<Event>, i32> {
    let mut out = Aligned::<{ 32 * 16 }>::new();
    let mut n = 0xdeadu32;
    let e = unsafe { poll_oneoff(subs.b.p(), out.p(), subs.n as u32, mptr(&mut n)) };
    if e != 0 {
        return Err(e);
    }
    Ok((0..n as usize)
        .map(|i| {
            let o = i * EV;
            Event { userdata: out.u64(o), error: out.u16(o + 8), typ: out.u8(o + 10), nbytes: out.u64(o + 16), flags: out.u16(o + 24) }
        })
        .collect())
}

fn show(evs: &[Event]) -> String {
    let mut v: Vec<String> = evs
        .iter()
        .map(|e| {
            let t = match e.typ {
                0 => "clock",
                1 => "fd_read",
                2 => "fd_write",
                _ => "?",
            };
            format!("{{userdata={:#x} type={} error={}}}", e.userdata, t, errno_name(e.error as i32))
        })
        .collect();
    v.sort();
    v.join(" ")
}

const MS: u64 = 1_000_000;

fn poll_clock_relative(_: &Opts) {
    let r = poll(Subs::new().clock(0x1234, CLOCK_MONOTONIC, MS, 0, 0));
    ckr("poll_oneoff(1 ms)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x1234 type=clock error=ok}".into());
}

fn poll_clock_two_timeouts(_: &Opts) {
    let r = poll(Subs::new().clock(1, CLOCK_MONOTONIC, 2 * MS, 0, 0).clock(2, CLOCK_MONOTONIC, 60_000 * MS, 0, 0));
    ckr("poll_oneoff(2 ms, 60 s)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x1 type=clock error=ok}".into());
}

fn poll_clock_realtime(_: &Opts) {
    let r = poll(Subs::new().clock(7, CLOCK_REALTIME, MS, 0, 0));
    ckr("poll_oneoff(realtime 1 ms)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x7 type=clock error=ok}".into());
}

fn poll_clock_absolute_past(_: &Opts) {
    let r = poll(Subs::new().clock(9, CLOCK_MONOTONIC, 1, 0, SUBCLOCKFLAGS_ABSTIME));
    ckr("poll_oneoff(abstime 1 ns)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x9 type=clock error=ok}".into());
}

fn poll_clock_absolute_future(_: &Opts) {
    let now = must("clock", clock(CLOCK_MONOTONIC));
    let r = poll(Subs::new().clock(9, CLOCK_MONOTONIC, now + 5 * MS, 0, SUBCLOCKFLAGS_ABSTIME));
    ckr("poll_oneoff(abstime now + 5 ms)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x9 type=clock error=ok}".into());
    let after = must("clock", clock(CLOCK_MONOTONIC));
    ckb("monotonic clock reached the deadline", after >= now + 5 * MS);
}

fn poll_clock_zero_timeout(_: &Opts) {
    let r = poll(Subs::new().clock(3, CLOCK_MONOTONIC, 0, 0, 0));
    ckr("poll_oneoff(0 ns)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x3 type=clock error=ok}".into());
}

fn poll_sleep_advances_clock(_: &Opts) {
    let t0 = must("clock", clock(CLOCK_MONOTONIC));
    must("poll", poll(Subs::new().clock(1, CLOCK_MONOTONIC, 20 * MS, 0, 0)));
    let t1 = must("clock", clock(CLOCK_MONOTONIC));
    ckb("monotonic advanced by >= 20 ms", t1 - t0 >= 20 * MS);
}

fn poll_zero_subscriptions(_: &Opts) {
    let mut s = Subs::new();
    ckr("poll_oneoff(0 subscriptions)", &poll(&mut s), EINVAL);
}

fn poll_fd_read_file(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let r = poll(Subs::new().fd(5, EVENTTYPE_FD_READ, fd));
    ckr("poll_oneoff(fd_read file)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x5 type=fd_read error=ok}".into());
}

fn poll_fd_write_file(_: &Opts) {
    let fd = must("open", open_rw(D, "file.txt"));
    let r = poll(Subs::new().fd(6, EVENTTYPE_FD_WRITE, fd));
    ckr("poll_oneoff(fd_write file)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x6 type=fd_write error=ok}".into());
}

fn poll_fd_write_stdout(_: &Opts) {
    let r = poll(Subs::new().fd(1, EVENTTYPE_FD_WRITE, 1));
    ckr("poll_oneoff(fd_write stdout)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x1 type=fd_write error=ok}".into());
}

fn poll_fd_read_stdin(_: &Opts) {
    let r = poll(Subs::new().fd(0, EVENTTYPE_FD_READ, 0));
    ckr("poll_oneoff(fd_read stdin)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x0 type=fd_read error=ok}".into());
    ckv("stdin", read(0, 100).map(|v| String::from_utf8_lossy(&v).into_owned()), Ok("ready\n".into()));
}

fn poll_fd_and_clock(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    let r = poll(Subs::new().clock(1, CLOCK_MONOTONIC, 60_000 * MS, 0, 0).fd(2, EVENTTYPE_FD_READ, fd));
    ckr("poll_oneoff(60 s clock + readable file)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x2 type=fd_read error=ok}".into());
}

fn poll_fd_badf(_: &Opts) {
    let r = poll(Subs::new().fd(4, EVENTTYPE_FD_READ, 99));
    // The spec reports per-subscription errors in the event (like POLLNVAL on Linux).
    ckr("poll_oneoff(fd_read fd 99)", &r, 0);
    if let Ok(evs) = r {
        ckv("events", show(&evs), "{userdata=0x4 type=fd_read error=EBADF}".into());
    }
}

fn poll_invalid_tag(_: &Opts) {
    let r = poll(Subs::new().fd(4, 3, 1));
    ckr("poll_oneoff(tag 3)", &r, EINVAL);
}

fn poll_invalid_clock_id(_: &Opts) {
    let r = poll(Subs::new().clock(8, 99, MS, 0, 0));
    ckr("poll_oneoff(clock id 99)", &r, EINVAL);
}

fn poll_many_clocks(_: &Opts) {
    let mut s = Subs::new();
    for i in 0..10u64 {
        s.clock(i, CLOCK_MONOTONIC, (i + 1) * 60_000 * MS, 0, 0);
    }
    s.clock(99, CLOCK_MONOTONIC, MS, 0, 0);
    let r = poll(&mut s);
    ckr("poll_oneoff(11 clocks)", &r, 0);
    ckv("events", show(&r.unwrap()), "{userdata=0x63 type=clock error=ok}".into());
}
