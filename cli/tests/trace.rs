//! `wasibox run --trace` as a user runs it: a real module, a real preopened directory,
//! the trace read back from stderr or from a file.

use std::path::Path;
use std::process::{Command, Output};

/// Opens `sub/file.txt` for writing (creating it), writes a line to it, closes it, opens
/// a file that does not exist, reads the monotonic clock and exits 0.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "sub/file.txt")
  (data (i32.const 16) "missing.txt")
  (data (i32.const 32) "hello trace\n")
  (data (i32.const 48) "\20\00\00\00\0c\00\00\00")
  (func (export "_start")
    ;; SYMLINK_FOLLOW; CREAT|TRUNC; FD_READ|FD_WRITE
    (if (call $open (i32.const 3) (i32.const 1) (i32.const 0) (i32.const 12) (i32.const 9)
                    (i64.const 0x42) (i64.const 0) (i32.const 0) (i32.const 64))
      (then (call $exit (i32.const 10))))
    (drop (call $write (i32.load (i32.const 64)) (i32.const 48) (i32.const 1) (i32.const 72)))
    (drop (call $close (i32.load (i32.const 64))))
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 0)
                      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 64)))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 80)))
    (call $exit (i32.const 0))))"#;

/// A temporary directory holding the guest and `data/sub/`, the directory it opens in.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/sub")).unwrap();
        std::fs::write(dir.path().join("guest.wat"), GUEST).unwrap();
        Setup { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// `wasibox run FLAGS --dir data::/data guest.wat` with `env` set (and every
    /// WASIBOX_LOG* variable of the test's own environment removed).
    fn run(&self, flags: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasibox"));
        for var in ["WASIBOX_LOG", "WASIBOX_LOG_FILE", "WASIBOX_LOG_FORMAT"] {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        let dir = format!("{}::/data", self.path("data"));
        cmd.arg("run").args(flags).args(["--dir", &dir, &self.path("guest.wat")]);
        let out = cmd.output().expect("run wasibox");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        out
    }
}

/// The trace lines of `text`, without their durations (` (1.2 µs)` at the end).
fn calls(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| match l.rfind(" (") {
            Some(at) if l.ends_with(')') => l[..at].to_string(),
            _ => l.to_string(),
        })
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn text_trace_shows_paths_flags_fd_paths_out_values_and_errno_names() {
    for (backend, engine) in [("posix", "wasmtime"), ("posix", "wasmi"), ("mem", "wasmtime")] {
        let setup = Setup::new();
        let out = setup.run(&["--backend", backend, "--engine", engine, "--trace"], &[]);
        let lines = calls(&stderr(&out));
        let expected = [
            "path_open(3</data>, SYMLINK_FOLLOW, \"sub/file.txt\", CREAT|TRUNC, FD_READ|FD_WRITE, 0, 0) = 0 \
             [opened_fd=4</data/sub/file.txt>]",
            "fd_write(4</data/sub/file.txt>, {iovecs=1, bytes=12, data=\"hello trace\\n\"}) = 0 [nwritten=12]",
            "fd_close(4</data/sub/file.txt>) = 0",
            "path_open(3</data>, 0, \"missing.txt\", 0, FD_READ, 0, 0) = ENOENT (No such file or directory)",
        ];
        assert_eq!(lines[..4], expected, "{backend}/{engine}:\n{}", stderr(&out));
        assert!(lines[4].starts_with("clock_time_get(MONOTONIC, 0) = 0 [time="), "{}", lines[4]);
        assert_eq!(lines[5], "proc_exit(0) = ? [exit 0]");
        assert_eq!(lines.len(), 6, "{}", stderr(&out));
        // Every line ends with its duration.
        for line in stderr(&out).lines() {
            assert!([" ns)", " µs)", " ms)", " s)"].iter().any(|unit| line.ends_with(unit)), "{line}");
        }
        if backend == "posix" {
            let written = std::fs::read_to_string(setup.dir.path().join("data/sub/file.txt")).unwrap();
            assert_eq!(written, "hello trace\n");
        }
    }
}

#[test]
fn json_trace_is_one_object_per_call_with_raw_and_decoded_arguments() {
    let setup = Setup::new();
    let out = setup.run(&["--trace", "--trace-format", "json"], &[]);
    let events: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(events.len(), 6);
    let open = &events[0];
    assert_eq!(open["func"], "path_open");
    assert_eq!(open["module"], "wasi_snapshot_preview1");
    assert_eq!(open["raw"], serde_json::json!([3, 1, 0, 12, 9, 0x42, 0, 0, 64]));
    assert_eq!(open["args"]["fd"], serde_json::json!({"fd": 3, "path": "/data"}));
    assert_eq!(open["args"]["dirflags"], serde_json::json!(["SYMLINK_FOLLOW"]));
    assert_eq!(open["args"]["path"], "sub/file.txt");
    assert_eq!(open["args"]["oflags"], serde_json::json!(["CREAT", "TRUNC"]));
    assert_eq!(open["args"]["base"], serde_json::json!(["FD_READ", "FD_WRITE"]));
    assert_eq!(open["errno"], 0);
    assert_eq!(open["errno_name"], "SUCCESS");
    assert_eq!(open["results"]["opened_fd"], serde_json::json!({"fd": 4, "path": "/data/sub/file.txt"}));
    assert!(open["duration_ns"].is_u64());
    let write = &events[1];
    assert_eq!(write["args"]["iovs"]["data"], "hello trace\n");
    assert_eq!(write["results"]["nwritten"], 12);
    let missing = &events[3];
    assert_eq!((missing["errno"].as_u64(), missing["errno_name"].as_str()), (Some(44), Some("ENOENT")));
    assert_eq!(missing["results"], serde_json::json!({}));
    let exit = &events[5];
    assert_eq!(exit["func"], "proc_exit");
    assert_eq!(exit["errno"], serde_json::Value::Null);
    assert_eq!(exit["exit"], serde_json::json!({"code": 0}));
}

#[test]
fn the_filter_keeps_only_the_families_and_functions_asked_for() {
    let setup = Setup::new();
    let out = setup.run(&["--trace-filter", "path"], &[]);
    let lines = calls(&stderr(&out));
    assert_eq!(lines.len(), 2, "{}", stderr(&out));
    assert!(lines.iter().all(|l| l.starts_with("path_open(")), "{lines:?}");
    let out = setup.run(&["--trace-filter", "clock,fd_close"], &[]);
    let lines = calls(&stderr(&out));
    assert_eq!(lines.len(), 2, "{}", stderr(&out));
    assert!(lines[0].starts_with("fd_close(4</data/sub/file.txt>) = 0"), "{lines:?}");
    assert!(lines[1].starts_with("clock_time_get("), "{lines:?}");
}

#[test]
fn wasibox_log_turns_tracing_on_without_flags_and_flags_win() {
    let setup = Setup::new();
    // Off: no trace at all.
    assert_eq!(stderr(&setup.run(&[], &[("WASIBOX_LOG", "off")])), "");
    // A filter from the environment.
    let lines = calls(&stderr(&setup.run(&[], &[("WASIBOX_LOG", "fd_write")])));
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("fd_write(4</data/sub/file.txt>,"), "{lines:?}");
    // To a file, as JSON; nothing on stderr.
    let file = setup.path("trace.jsonl");
    let env = [("WASIBOX_LOG", "all"), ("WASIBOX_LOG_FILE", file.as_str()), ("WASIBOX_LOG_FORMAT", "json")];
    let out = setup.run(&[], &env);
    assert_eq!(stderr(&out), "");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 6);
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["func"].is_string());
    }
    // --trace-format and --trace-filter win over the variables.
    let out = setup.run(&["--trace=-", "--trace-format", "text", "--trace-filter", "fd_close"], &env);
    let lines = calls(&stderr(&out));
    assert_eq!(lines, ["fd_close(4</data/sub/file.txt>) = 0"]);
}

#[test]
fn trace_to_a_file_leaves_stderr_to_the_guest() {
    let setup = Setup::new();
    let file = setup.path("calls.txt");
    let out = setup.run(&[&format!("--trace={file}")], &[]);
    assert_eq!(stderr(&out), "");
    let lines = calls(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(lines.len(), 6);
    assert!(lines[0].starts_with("path_open(3</data>, SYMLINK_FOLLOW, \"sub/file.txt\""), "{lines:?}");
}

#[test]
fn wasi_unstable_calls_are_named_with_their_module() {
    let dir = tempfile::tempdir().unwrap();
    let wat = dir.path().join("old.wat");
    std::fs::write(
        &wat,
        r#"(module (import "wasi_unstable" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "_start") (drop (call $seek (i32.const 9) (i64.const -1) (i32.const 2) (i32.const 0)))))"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wasibox"))
        .env_remove("WASIBOX_LOG")
        .args(["run", "--trace", Path::new(&wat).to_str().unwrap()])
        .output()
        .unwrap();
    // whence 2 is SET in wasi_unstable; fd 9 is not open.
    let lines = calls(&stderr(&out));
    assert_eq!(lines, ["wasi_unstable::fd_seek(9, -1, SET) = EBADF (Bad file descriptor)"]);
}
