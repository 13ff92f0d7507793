//! `--deterministic`, `--record` and `--replay` as a user runs them: the `wasibox`
//! binary on a real module (`tests/guests/inputs.wat`, which reads the clocks, random
//! bytes, stdin and a host file, sleeps, and writes all of it out raw).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn guest() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests/inputs.wat").to_string_lossy().into_owned()
}

/// Run `wasibox` with `args`, feeding `stdin`.
fn wasibox(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasibox"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wasibox");
    child.stdin.take().expect("stdin").write_all(stdin).expect("feed stdin");
    child.wait_with_output().expect("run wasibox")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temp dir holding `data/input.txt`; returns it and the `--dir` value for it.
fn host_dir() -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("input.txt"), "what the host file held\n").unwrap();
    let spec = format!("{}::/data", data.display());
    (tmp, data, spec)
}

fn u64_at(out: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(out[at..at + 8].try_into().unwrap())
}

/// 2000-01-01T00:00:00Z in ns: where every virtual realtime clock starts.
const Y2K_NS: u64 = 946_684_800 * 1_000_000_000;

#[test]
fn deterministic_runs_on_posix_are_byte_identical() {
    let (_tmp, _, dir) = host_dir();
    let g = guest();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--dir", &dir];
        args.extend_from_slice(extra);
        args.push(&g);
        let o = wasibox(&args, b"typed\n");
        assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
        o.stdout
    };
    let a = run(&["--deterministic", "--seed", "5"]);
    let b = run(&["--deterministic", "--seed", "5"]);
    assert_eq!(a, b, "same seed, same bytes: clocks and random included");
    assert_eq!(u64_at(&a, 0), Y2K_NS, "the realtime clock is virtual");
    assert_eq!(&a[32..38], b"typed\n");
    assert_eq!(&a[96..120], b"what the host file held\n");
    assert!(u64_at(&a, 160) >= u64_at(&a, 8) + 10_000_000, "the sleep moved the virtual clock at once");
    let other_seed = run(&["--deterministic", "--seed", "6"]);
    assert_ne!(a[16..32], other_seed[16..32], "another seed, other random bytes");
    assert_eq!(a[..16], other_seed[..16]);
    // The mem backend serves the same clocks and random bytes for the same seed.
    let mem = run(&["--backend", "mem", "--seed", "5"]);
    assert_eq!(a, mem);
    // Without --deterministic the clocks are the host's.
    let host = run(&[]);
    assert!(u64_at(&host, 0) > Y2K_NS + 365 * 86_400 * 1_000_000_000);
}

#[test]
fn a_recorded_run_replays_byte_for_byte_without_the_host() {
    let (tmp, data, dir) = host_dir();
    let log = tmp.path().join("run.wbr");
    let log_s = log.to_str().unwrap();
    let g = guest();
    // Recorded over the real host (real clocks, real random bytes), traced.
    let trace = tmp.path().join("trace.txt");
    let trace_flag = format!("--trace={}", trace.display());
    let rec =
        wasibox(&["run", &trace_flag, "--dir", &dir, "--record", log_s, &g, "one", "two"], b"typed input\n");
    assert_eq!(rec.status.code(), Some(12), "{}", stderr(&rec));
    // Tracing times calls on the host's clock, not the recorded ones: it changes nothing.
    assert!(std::fs::read_to_string(&trace).unwrap().contains("random_get("));
    let rec_stderr = stderr(&rec);
    // The host directory is gone and stdin says something else: the replay needs neither.
    std::fs::remove_dir_all(&data).unwrap();
    for engine in ["wasmtime", "wasmi"] {
        let rep = wasibox(&["run", "--engine", engine, "--replay", log_s, &g], b"other input");
        assert_eq!(rep.stdout, rec.stdout, "{engine}: {}", stderr(&rep));
        assert_eq!(stderr(&rep), rec_stderr, "{engine}");
        assert_eq!(rep.status.code(), Some(12), "{engine}");
    }
    assert_eq!(&rec.stdout[96..120], b"what the host file held\n");
    assert!(rec.stdout.ends_with(b"one\0two\0"), "the recorded arguments are replayed");
    // A deterministic recording on the mem backend replays too.
    let log2 = tmp.path().join("mem.wbr");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("input.txt"), "mem copy\n").unwrap();
    let rec =
        wasibox(&["run", "--backend", "mem", "--dir", &dir, "--record", log2.to_str().unwrap(), &g], b"x");
    assert_eq!(rec.status.code(), Some(1), "{}", stderr(&rec));
    std::fs::remove_dir_all(&data).unwrap();
    let rep = wasibox(&["run", "--replay", log2.to_str().unwrap(), &g], b"");
    assert_eq!((&rep.stdout, rep.status.code()), (&rec.stdout, Some(1)), "{}", stderr(&rep));
}

#[test]
fn a_replay_reports_the_first_divergence() {
    let (tmp, _, dir) = host_dir();
    let log = tmp.path().join("run.wbr");
    let log_s = log.to_str().unwrap();
    let g = guest();
    let rec = wasibox(&["run", "--dir", &dir, "--record", log_s, &g, "arg"], b"in");
    assert_eq!(rec.status.code(), Some(2), "{}", stderr(&rec));

    // A changed module: it asks for 8 random bytes where the recorded one asked for 16.
    let changed = tmp.path().join("changed.wat");
    let text = std::fs::read_to_string(&g).unwrap();
    let edited = text.replace("(i32.const 16) (i32.const 16)", "(i32.const 16) (i32.const 8)");
    assert_ne!(text, edited);
    std::fs::write(&changed, edited).unwrap();
    let rep = wasibox(&["run", "--replay", log_s, changed.to_str().unwrap()], b"");
    assert_eq!(rep.status.code(), Some(121));
    let err = stderr(&rep);
    assert!(err.contains("is not the module that was recorded"), "{err}");
    assert!(err.contains("the recording has random(len: 16); the replayed run made random(len: 8)"), "{err}");
    assert!(rep.stdout.is_empty(), "the guest was stopped at the divergence");

    // Changed arguments: the guest writes them out, and the bytes differ at that write.
    let rep = wasibox(&["run", "--replay", log_s, &g, "other"], b"");
    assert_eq!(rep.status.code(), Some(121));
    let err = stderr(&rep);
    assert!(err.contains("the recording has write(h: handle 1 (stdout), len: "), "{err}");
    assert!(!err.contains("is not the module"), "{err}");
    assert_eq!(rep.stdout, rec.stdout[..168], "what came before the divergence was shown");
}

#[test]
fn bad_recordings_are_refused_or_diverge_cleanly() {
    let (tmp, _, dir) = host_dir();
    let log = tmp.path().join("run.wbr");
    let g = guest();
    let rec = wasibox(&["run", "--dir", &dir, "--record", log.to_str().unwrap(), &g], b"");
    assert_eq!(rec.status.code(), Some(0), "{}", stderr(&rec));
    let bytes = std::fs::read(&log).unwrap();

    let junk = tmp.path().join("junk");
    std::fs::write(&junk, b"this is not a recording").unwrap();
    let rep = wasibox(&["run", "--replay", junk.to_str().unwrap(), &g], b"");
    assert_eq!(rep.status.code(), Some(125));
    assert!(stderr(&rep).contains("is not a usable recording"), "{}", stderr(&rep));

    let cut = tmp.path().join("cut");
    std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
    let rep = wasibox(&["run", "--replay", cut.to_str().unwrap(), &g], b"");
    assert_eq!(rep.status.code(), Some(121), "{}", stderr(&rep));

    let rep = wasibox(&["run", "--replay", log.to_str().unwrap(), "--dir", &dir, &g], b"");
    assert_eq!(rep.status.code(), Some(2), "--dir has no meaning in a replay: {}", stderr(&rep));
}
