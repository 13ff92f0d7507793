//! Record and replay over the in-memory backend: a scripted sequence of platform calls
//! covering every method is recorded, replayed from the log alone, and must give the
//! same answers; changed calls, changed bytes and corrupt logs end in a divergence (never
//! a panic).

use std::sync::{Arc, Mutex};
use wasibox_core::abi::{Advice, ClockId, FdFlags, RiFlags, SdFlags, SetTime, Whence};
use wasibox_core::engine::Outcome;
use wasibox_core::replay::{
    Deterministic, DeterministicConfig, LogSink, Recorder, ReplayHandle, Replayer, RunSetup, SinkError,
};
use wasibox_core::{Deadline, Errno, OpenOptions, Platform, PollFd};
use wasibox_mem::{MemConfig, MemHandle, MemPipe, MemPlatform};

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct SharedLog(Arc<Mutex<Vec<u8>>>);

impl LogSink for SharedLog {
    fn append(&mut self, bytes: &[u8]) -> Result<(), SinkError> {
        self.0.lock().map_err(|_| SinkError("poisoned".into()))?.extend_from_slice(bytes);
        Ok(())
    }
}

impl SharedLog {
    fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

/// What the script does differently in a "changed module" run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Same,
    OtherName,
    OtherBytes,
}

/// Every platform method, with the answers written down as text.
fn script<P: Platform>(
    p: &P,
    root: &P::Handle,
    stdin: &mut P::Handle,
    stdout: &mut P::Handle,
    v: Variant,
) -> Vec<String> {
    let mut t = Vec::new();
    let rw = OpenOptions { read: true, write: true, ..OpenOptions::default() };
    let create = OpenOptions { create: true, ..rw };
    t.push(format!("filetype {:?}", p.filetype(root)));
    t.push(format!("fdflags {:?}", p.fdflags(stdout)));
    let mut buf = [0u8; 64];
    let (a, b) = buf.split_at_mut(3);
    let n = p.read(stdin, &mut [a, &mut b[..5]]);
    t.push(format!("stdin {n:?} {:?}", &buf[..8]));
    let name = if v == Variant::OtherName { "other.txt" } else { "input.txt" };
    let mut f = match p.open_at(root, name, &rw) {
        Ok(f) => f,
        Err(e) => {
            t.push(format!("open {e:?}"));
            return t;
        }
    };
    let n = p.read(&mut f, &mut [&mut buf[..]]);
    t.push(format!("read {n:?} {:?}", String::from_utf8_lossy(&buf[..n.unwrap_or(0)])));
    let n = p.pread(&mut f, &mut [&mut buf[..4]], 2);
    t.push(format!("pread {n:?} {:?}", &buf[..4]));
    t.push(format!("seek {:?}", p.seek(&mut f, -3, Whence::End)));
    t.push(format!("fstat {:?}", p.filestat(&f).map(|s| (s.size, s.filetype))));
    t.push(format!("sync {:?} {:?}", p.sync(&f), p.datasync(&f)));
    t.push(format!("advise {:?}", p.advise(&f, 0, 10, Advice::Sequential)));
    t.push(format!("allocate {:?}", p.allocate(&f, 0, 100)));
    t.push(format!("set_size {:?}", p.set_size(&f, 50)));
    t.push(format!("set_times {:?}", p.set_times(&f, SetTime::At(7), SetTime::Omit)));
    t.push(format!("set_fdflags {:?}", p.set_fdflags(&mut f, FdFlags::APPEND)));
    let data: &[u8] = if v == Variant::OtherBytes { b"HELLO" } else { b"hello" };
    t.push(format!("write {:?}", p.write(&mut f, &[data, b" world"])));
    t.push(format!("pwrite {:?}", p.pwrite(&mut f, &[b"xy"], 1)));
    t.push(format!("close {:?}", p.close(f)));
    t.push(format!("stdout {:?}", p.write(stdout, &[b"out: ", b"line\n"])));
    t.push(format!("mkdir {:?} {:?}", p.mkdir_at(root, "d"), p.mkdir_at(root, "d")));
    t.push(format!("open missing {:?}", p.open_at(root, "missing", &rw).err()));
    match p.open_at(root, "new", &create) {
        Ok(h) => t.push(format!("created {:?}", p.close(h))),
        Err(e) => t.push(format!("create {e:?}")),
    }
    t.push(format!("beneath {:?}", p.open_beneath(root, "d/x", &create).map(|r| r.map(|h| p.close(h)))));
    t.push(format!("stat_at {:?}", p.stat_at(root, "input.txt", true).map(|s| s.size)));
    t.push(format!("symlink {:?}", p.symlink_at("input.txt", root, "link")));
    t.push(format!("readlink {:?} {:?}", p.readlink_at(root, "link"), p.readlink_at(root, "d")));
    t.push(format!("link {:?}", p.link_at(root, "input.txt", root, "hard")));
    t.push(format!("rename {:?}", p.rename_at(root, "hard", root, "renamed")));
    t.push(format!(
        "set_times_at {:?}",
        p.set_times_at(root, "renamed", SetTime::Now, SetTime::At(9), false)
    ));
    t.push(format!("unlink {:?} rmdir {:?}", p.unlink_at(root, "renamed"), p.rmdir_at(root, "d")));
    let dir_opts = OpenOptions { read: true, directory: true, ..OpenOptions::default() };
    if let Ok(mut d) = p.open_at(root, ".", &dir_opts) {
        let mut names = Vec::new();
        let r = p.readdir(&mut d, 0, &mut |e| {
            names.push((String::from_utf8_lossy(e.name).into_owned(), e.next, e.filetype));
            names.len() < 3
        });
        t.push(format!("readdir stopped {r:?} {names:?}"));
        let mut all = Vec::new();
        let r = p.readdir(&mut d, 0, &mut |e| {
            all.push(String::from_utf8_lossy(e.name).into_owned());
            true
        });
        all.sort();
        t.push(format!("readdir all {r:?} {all:?}"));
        t.push(format!("close dir {:?}", p.close(d)));
    }
    t.push(format!("clock_res {:?}", p.clock_res(ClockId::Monotonic)));
    t.push(format!(
        "clock {:?} {:?}",
        p.clock_time(ClockId::Realtime, 0),
        p.clock_time(ClockId::Monotonic, 1)
    ));
    let mut r = [0u8; 13];
    t.push(format!("random {:?} {r:?}", p.random(&mut r)));
    t.push(format!("yield {:?}", p.sched_yield()));
    let now = p.clock_time(ClockId::Monotonic, 0).unwrap_or(0);
    let sleep = Deadline { clock: ClockId::Monotonic, at: now + 1_000_000 };
    t.push(format!("sleep {:?}", p.poll(&mut [], Some(sleep))));
    let mut fds = [
        PollFd { handle: &*stdin, write: false, ready: None, hangup: false },
        PollFd { handle: &*stdout, write: true, ready: None, hangup: false },
    ];
    let r = p.poll(&mut fds, Some(Deadline { clock: ClockId::Monotonic, at: now }));
    t.push(format!("poll {r:?} {:?}", fds.iter().map(|f| (f.ready, f.hangup)).collect::<Vec<_>>()));
    t.push(format!("accept {:?}", p.sock_accept(root, FdFlags::empty()).err()));
    t.push(format!("recv {:?}", p.sock_recv(stdin, &mut [&mut buf[..]], RiFlags::empty())));
    t.push(format!("send {:?}", p.sock_send(stdout, &[b"x"])));
    t.push(format!("shutdown {:?}", p.sock_shutdown(stdin, SdFlags::RD)));
    t
}

/// A fresh in-memory world: a root with `input.txt`, stdin holding "typed", stdout.
struct World {
    platform: MemPlatform,
    root: MemHandle,
    stdin: MemHandle,
    stdout: MemHandle,
    out: MemPipe,
}

fn world() -> World {
    let platform = MemPlatform::new(MemConfig { seed: 7, ..MemConfig::default() });
    platform.fs().write_file("/input.txt", b"the recorded file").unwrap();
    let stdin_pipe = MemPipe::new();
    stdin_pipe.push(b"typed");
    stdin_pipe.close_write();
    let out = MemPipe::new();
    let root = platform.open_dir("/").unwrap();
    let stdin = platform.pipe_handle(stdin_pipe, true, false);
    let stdout = platform.pipe_handle(out.clone(), false, true);
    World { platform, root, stdin, stdout, out }
}

/// Record the script; return its transcript and the log.
fn record(v: Variant) -> (Vec<String>, Vec<u8>) {
    let w = world();
    let log = SharedLog::default();
    let rec = Recorder::new(w.platform, log.clone());
    let root = rec.adopt(w.root);
    let mut stdin = rec.adopt(w.stdin);
    let mut stdout = rec.adopt(w.stdout);
    let setup = RunSetup {
        args: vec![b"prog".to_vec(), b"--flag".to_vec()],
        env: vec![b"A=1".to_vec()],
        stdio: [Some(stdin.id()), Some(stdout.id()), None],
        preopens: vec![("/data".into(), root.id())],
        module_digest: 42,
        ..RunSetup::default()
    };
    rec.start(&setup).unwrap();
    let t = script(&rec, &root, &mut stdin, &mut stdout, v);
    assert!(rec.calls() >= 50, "{}", rec.calls());
    rec.finish(&Ok(Outcome::Exit(3))).unwrap();
    (t, log.bytes())
}

/// A replayer over `log`, with the handles of the recorded root, stdin and stdout.
fn replayer(log: Vec<u8>) -> (Replayer, [ReplayHandle; 3]) {
    let r = Replayer::new(log).unwrap();
    let s = r.setup().clone();
    let h = |id: Option<u32>| r.handle(id.unwrap()).unwrap();
    let handles = [h(Some(s.preopens[0].1)), h(s.stdio[0]), h(s.stdio[1])];
    (r, handles)
}

#[test]
fn a_replay_gives_every_recorded_answer_back() {
    let (recorded, log) = record(Variant::Same);
    // The same script over the bare backend gives the same answers: recording is invisible.
    let w = world();
    let (mut i, mut o) = (w.stdin, w.stdout);
    assert_eq!(script(&w.platform, &w.root, &mut i, &mut o, Variant::Same), recorded);
    assert_eq!(w.out.take(), b"out: line\n");

    let (r, [root, mut stdin, mut stdout]) = replayer(log);
    assert_eq!(r.setup().args, [b"prog".to_vec(), b"--flag".to_vec()]);
    assert_eq!(r.setup().env, [b"A=1".to_vec()]);
    assert_eq!(r.setup().preopens[0].0, "/data");
    assert_eq!(r.setup().module_digest, 42);
    let shown = Arc::new(Mutex::new(Vec::new()));
    let sink = shown.clone();
    r.set_output(stdout.id(), move |b| sink.lock().unwrap().extend_from_slice(b));
    let replayed = script(&r, &root, &mut stdin, &mut stdout, Variant::Same);
    assert_eq!(replayed, recorded);
    assert_eq!(r.divergence(), None);
    assert_eq!(r.exit_requested(), None);
    assert_eq!(r.finish(&Ok(Outcome::Exit(3))), Ok(()));
    assert_eq!(*shown.lock().unwrap(), b"out: line\n", "writes to stdout are shown again");
}

#[test]
fn a_different_ending_is_a_divergence() {
    let (_, log) = record(Variant::Same);
    let (r, [root, mut stdin, mut stdout]) = replayer(log);
    script(&r, &root, &mut stdin, &mut stdout, Variant::Same);
    let d = r.finish(&Ok(Outcome::Exit(0))).unwrap_err();
    assert!(d.expected.contains("exit status 3"), "{d}");
    assert!(d.actual.contains("exit status 0"), "{d}");
}

#[test]
fn a_changed_call_is_reported_where_it_happens() {
    let (recorded, log) = record(Variant::Same);
    let (r, [root, mut stdin, mut stdout]) = replayer(log);
    let replayed = script(&r, &root, &mut stdin, &mut stdout, Variant::OtherName);
    assert_eq!(replayed[..3], recorded[..3], "the calls before the change are served");
    assert_eq!(replayed[3], "open ENOTRECOVERABLE");
    let d = r.divergence().expect("diverged");
    assert_eq!(d.call, 3, "filetype, fdflags, read, then the open");
    assert!(d.expected.contains("open_at(dir: handle 0 (/data), name: \"input.txt\""), "{d}");
    assert!(d.actual.contains("\"other.txt\""), "{d}");
    assert!(r.exit_requested().is_some(), "the guest is ended");
    assert_eq!(r.clock_time(ClockId::Realtime, 0), Err(Errno::NOTRECOVERABLE));
    assert_eq!(r.finish(&Ok(Outcome::Exit(3))), Err(d));
}

#[test]
fn changed_bytes_written_are_a_divergence() {
    let (_, log) = record(Variant::Same);
    let (r, [root, mut stdin, mut stdout]) = replayer(log);
    let replayed = script(&r, &root, &mut stdin, &mut stdout, Variant::OtherBytes);
    assert!(replayed.contains(&"write Err(ENOTRECOVERABLE)".to_string()), "{replayed:?}");
    let d = r.divergence().unwrap();
    assert!(d.expected.starts_with("write(h: handle 3, len: 11, data: digest "), "{d}");
    assert!(d.actual.starts_with("write(h: handle 3, len: 11, data: digest "), "{d}");
    assert_ne!(d.expected, d.actual);
}

#[test]
fn a_cut_short_recording_is_a_divergence_not_a_panic() {
    let (_, log) = record(Variant::Same);
    let header = RunSetup::decode(&log).unwrap().1;
    // Cut in the middle of the records: every call up to there is served.
    let (r, [root, mut stdin, mut stdout]) = replayer(log[..header + (log.len() - header) / 2].to_vec());
    script(&r, &root, &mut stdin, &mut stdout, Variant::Same);
    let d = r.divergence().expect("diverged");
    assert!(d.expected.contains("cut short") || d.expected.contains("corrupt"), "{d}");
}

/// Every truncation and a spread of single-byte corruptions: decoding and replaying
/// end in an error or a divergence, never a panic, and never an allocation sized by a
/// corrupt length.
#[test]
fn corrupt_logs_never_panic() {
    let (_, log) = record(Variant::Same);
    let step = if cfg!(miri) { 97 } else { 1 };
    let mut diverged = 0;
    let mut run = |bytes: Vec<u8>| {
        let Ok(r) = Replayer::new(bytes) else { return };
        let s = r.setup().clone();
        let (Some(root), Some(mut i), Some(mut o)) = (
            s.preopens.first().and_then(|p| r.handle(p.1)),
            s.stdio[0].and_then(|id| r.handle(id)),
            s.stdio[1].and_then(|id| r.handle(id)),
        ) else {
            return;
        };
        script(&r, &root, &mut i, &mut o, Variant::Same);
        if r.finish(&Ok(Outcome::Exit(3))).is_err() {
            diverged += 1;
        }
    };
    for cut in (0..log.len()).step_by(step) {
        run(log[..cut].to_vec());
    }
    for at in (0..log.len()).step_by(step * 3) {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = log.clone();
            bad[at] ^= flip;
            run(bad);
        }
    }
    assert!(diverged > 0);
}

#[test]
fn headers_that_lie_are_refused() {
    let (_, log) = record(Variant::Same);
    assert!(Replayer::new(b"not a log".to_vec()).is_err());
    let mut v2 = log.clone();
    v2[8] = 2;
    assert!(Replayer::new(v2).unwrap_err().what.contains("version"));
    // A header that names a handle the recording never adopted.
    let setup = RunSetup { stdio: [Some(5), None, None], handles: 1, ..RunSetup::default() };
    assert!(RunSetup::decode(&setup.encode()).is_err());
    // A header cut by one byte.
    let mut short = RunSetup::default().encode();
    short.truncate(short.len() - 1);
    assert!(RunSetup::decode(&short).is_err());
}

#[test]
fn deterministic_serves_the_same_clocks_and_random_bytes_as_mem() {
    let cfg = DeterministicConfig { seed: 11, ..DeterministicConfig::default() };
    let mem = MemPlatform::new(MemConfig { seed: 11, ..MemConfig::default() });
    // The wrapped platform's own clocks and random source are not consulted.
    let inner = MemPlatform::new(MemConfig { seed: 99, realtime_start: 5, ..MemConfig::default() });
    let det = Deterministic::new(inner, cfg);
    for clock in [ClockId::Realtime, ClockId::Monotonic, ClockId::ProcessCputime] {
        assert_eq!(det.clock_time(clock, 0), mem.clock_time(clock, 0));
    }
    let (mut a, mut b) = ([0u8; 20], [0u8; 20]);
    det.random(&mut a).unwrap();
    mem.random(&mut b).unwrap();
    assert_eq!(a, b);
    // A sleep returns at once and moves the virtual clock to its deadline.
    let at = det.peek_clock(ClockId::Monotonic) + 5_000_000_000;
    det.poll(&mut [], Some(Deadline { clock: ClockId::Monotonic, at })).unwrap();
    assert_eq!(det.peek_clock(ClockId::Monotonic), at);
    // "now" timestamps are virtual time.
    det.inner().fs().write_file("/f", b"").unwrap();
    let root = det.inner().open_dir("/").unwrap();
    det.set_times_at(&root, "f", SetTime::Now, SetTime::Now, false).unwrap();
    let st = det.stat_at(&root, "f", false).unwrap();
    assert_eq!(st.mtim, det.peek_clock(ClockId::Realtime));
    // Two wrappers with one seed: the same bytes.
    let again = Deterministic::new(MemPlatform::new(MemConfig::default()), cfg);
    let mut c = [0u8; 20];
    again.random(&mut c).unwrap();
    assert_eq!(a, c);
}
