//! The `wasibox` binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wasibox(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasibox")).args(args).output().expect("run wasibox")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("examples")
}

fn write_wat(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write wat");
    p.to_string_lossy().into_owned()
}

#[test]
fn hello_prints_its_greeting_on_both_backends() {
    let hello = examples().join("hello.wat");
    for backend in ["posix", "mem"] {
        let out = wasibox(&["run", "--backend", backend, hello.to_str().unwrap()]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "Hello from wasibox!\n", "{backend}");
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn exit_codes_traps_and_link_errors() {
    let dir = tempfile::tempdir().unwrap();
    let exit = write_wat(
        dir.path(),
        "exit.wat",
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32)))
             (memory (export "memory") 1) (func (export "_start") (call $e (i32.const 42))))"#,
    );
    assert_eq!(wasibox(&["run", &exit]).status.code(), Some(42));
    let trap = write_wat(
        dir.path(),
        "trap.wat",
        r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#,
    );
    let out = wasibox(&["run", &trap]);
    assert_eq!(out.status.code(), Some(134));
    assert!(String::from_utf8_lossy(&out.stderr).contains("trap"));
    let bad = write_wat(
        dir.path(),
        "bad.wat",
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))
             (memory (export "memory") 1) (func (export "_start")))"#,
    );
    let out = wasibox(&["run", &bad]);
    assert_eq!(out.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wasi_snapshot_preview1::fd_write"));
    let out = wasibox(&["inspect", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would fail"));
    // A module that cannot be read is a usage error (2), not a load error.
    assert_eq!(wasibox(&["run", "/nonexistent.wasm"]).status.code(), Some(2));
}

#[test]
fn mem_backend_persists_only_when_asked() {
    // A guest that creates "made" in its preopen (fd 3) with path_create_directory.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let wat = write_wat(
        dir.path(),
        "mkdir.wat",
        r#"(module (import "wasi_snapshot_preview1" "path_create_directory" (func $m (param i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32)))
             (memory (export "memory") 1) (data (i32.const 0) "made")
             (func (export "_start") (call $e (call $m (i32.const 3) (i32.const 0) (i32.const 4)))))"#,
    );
    let spec = format!("{}::/data", data.display());
    let out = wasibox(&["run", "--backend", "mem", "--dir", &spec, &wat]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!data.join("made").exists(), "mem must not touch the host without --persist");
    let out = wasibox(&["run", "--backend", "mem", "--persist", "--dir", &spec, &wat]);
    assert_eq!(out.status.code(), Some(0));
    assert!(data.join("made").is_dir());
    // On posix the same guest changes the real directory; a second mkdir is EEXIST (20).
    assert_eq!(wasibox(&["run", "--dir", &spec, &wat]).status.code(), Some(20));
    // A read-only preopen refuses it (EROFS = 69).
    std::fs::remove_dir(data.join("made")).unwrap();
    assert_eq!(wasibox(&["run", "--dir-ro", &spec, &wat]).status.code(), Some(69));
    // Limits from the command line: the in-memory world holds /, /dirs and /dirs/0 already,
    // so a 3-inode filesystem has no room (ENOSPC = 51); a 4-byte path is too long for a
    // 3-byte limit (ENAMETOOLONG = 37).
    let mem = ["run", "--backend", "mem", "--mem-max-inodes"];
    assert_eq!(wasibox(&[&mem[..], &["3", "--dir", &spec, &wat]].concat()).status.code(), Some(51));
    assert_eq!(wasibox(&[&mem[..], &["4", "--dir", &spec, &wat]].concat()).status.code(), Some(0));
    assert_eq!(wasibox(&["run", "--max-path", "3", "--dir", &spec, &wat]).status.code(), Some(37));
}
