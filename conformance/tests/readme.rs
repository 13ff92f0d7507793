//! The README's embedding snippets, as code that runs: each `rust` block of the README's
//! "Embedding" section must appear in this file line for line (leading spaces aside), and
//! the tests below call the functions those blocks define with a real module. The
//! snippets use the posix backend, so this file is for Unix hosts.
#![cfg(unix)]

use std::error::Error;
use std::path::Path;
use wasibox_core::engine::Outcome;

// ---- README: wasmi + posix ------------------------------------------------------------
use wasibox_core::engine::wasmi as wasi;
use wasibox_core::{Version, WasiCtx};
use wasibox_posix::{PosixHandle, PosixPlatform};

/// Run a WASI command on wasmi with the host's files: `data_dir` is the guest's `/data`.
fn run_on_wasmi(wasm: &[u8], data_dir: &Path) -> Result<Outcome, Box<dyn Error>> {
    let ctx = WasiCtx::builder(PosixPlatform::new())
        .version(Version::Preview1)
        .args(["prog.wasm", "--flag"])
        .env("HOME", "/data")
        .preopen("/data", PosixHandle::open_dir(data_dir)?)
        .stdout(PosixHandle::stdio(1)?)
        .build()?;
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm)?;
    let mut linker = wasmi::Linker::new(&engine);
    wasi::add_to_linker(&mut linker, Some(Version::Preview1))?; // node:wasi's getImportObject()
    let mut store = wasmi::Store::new(&engine, ctx);
    let instance = linker.instantiate_and_start(&mut store, &module)?;
    Ok(wasi::start(&mut store, &instance)?) // Outcome::Exit(code) or Outcome::Signal(n)
}

// ---- README: wasmtime + posix ---------------------------------------------------------
/// The same on wasmtime; compiled modules are cached in `cache_dir` when one is given.
fn run_on_wasmtime(
    wasm: &[u8],
    data_dir: &Path,
    cache_dir: Option<&Path>,
) -> Result<Outcome, Box<dyn Error>> {
    use wasibox_core::engine::wasmtime as wasi;
    let ctx = WasiCtx::builder(PosixPlatform::new())
        .args(["prog.wasm"])
        .preopen("/data", PosixHandle::open_dir(data_dir)?)
        .stdout(PosixHandle::stdio(1)?)
        .build()?;
    let engine = wasmtime::Engine::default();
    let module = wasi::load_module(&engine, wasm, cache_dir)?;
    let mut linker = wasmtime::Linker::new(&engine);
    wasi::add_to_linker(&mut linker, None)?; // None: the version the module imports
    let mut store = wasmtime::Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module)?;
    Ok(wasi::start(&mut store, &instance)?)
}

// ---- README: a deterministic in-memory run --------------------------------------------
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

/// Run a WASI command in memory: `data_dir` is copied in as `/data`; the same module and
/// seed give the same bytes on every machine. Returns the outcome and what it printed.
fn run_in_memory(wasm: &[u8], data_dir: &Path) -> Result<(Outcome, Vec<u8>), Box<dyn Error>> {
    let platform = MemPlatform::new(MemConfig { seed: 42, ..MemConfig::default() });
    platform.fs().load_host_dir(data_dir, "/data")?;
    let data = platform.open_dir("/data")?;
    let stdout = MemPipe::new();
    let stdout_handle = platform.pipe_handle(stdout.clone(), false, true);
    let ctx = WasiCtx::builder(platform)
        .args(["prog.wasm"])
        .preopen("/data", data)
        .stdout(stdout_handle)
        .build()?;
    let (outcome, _store) = wasi::run_command(&wasmi::Engine::default(), wasm, ctx);
    Ok((outcome?, stdout.take()))
}
// ---- end of the README's snippets -----------------------------------------------------

/// A command that writes "hi from wasm\n" to `/data/out.txt` (fd 3) and to stdout, then
/// exits with 7.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "out.txt")
  (data (i32.const 16) "hi from wasm\n")
  (data (i32.const 32) "\10\00\00\00\0d\00\00\00")
  (func (export "_start")
    ;; path_open(3, 0, "out.txt", CREAT|TRUNC, FD_WRITE, 0, 0, &fd @64)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 7)
          (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 64))
      (then (call $proc_exit (i32.const 1))))
    (drop (call $fd_write (i32.load (i32.const 64)) (i32.const 32) (i32.const 1) (i32.const 72)))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 72)))
    (call $proc_exit (i32.const 7))))"#;

fn guest() -> Vec<u8> {
    wat::parse_str(GUEST).unwrap()
}

#[test]
fn the_wasmi_snippet_runs_a_command_on_host_files() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run_on_wasmi(&guest(), dir.path()).unwrap();
    assert_eq!(outcome, Outcome::Exit(7));
    assert_eq!(std::fs::read(dir.path().join("out.txt")).unwrap(), b"hi from wasm\n");
}

#[test]
fn the_wasmtime_snippet_runs_a_command_on_host_files_and_caches_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let outcome = run_on_wasmtime(&guest(), dir.path(), Some(cache.path())).unwrap();
        assert_eq!(outcome, Outcome::Exit(7));
        assert_eq!(std::fs::read(dir.path().join("out.txt")).unwrap(), b"hi from wasm\n");
    }
    assert!(std::fs::read_dir(cache.path()).unwrap().next().is_some(), "nothing cached");
}

#[test]
fn the_memory_snippet_leaves_the_host_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.txt"), b"x").unwrap();
    let (outcome, stdout) = run_in_memory(&guest(), dir.path()).unwrap();
    assert_eq!(outcome, Outcome::Exit(7));
    assert_eq!(stdout, b"hi from wasm\n");
    assert!(!dir.path().join("out.txt").exists(), "the mem backend wrote to the host");
}

/// Every `rust` block of the README appears in this file, line for line.
#[test]
fn the_readme_shows_this_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let here: Vec<&str> = include_str!("readme.rs").lines().map(str::trim).collect();
    let mut blocks = 0;
    let mut lines = readme.lines();
    while let Some(l) = lines.next() {
        if l.trim() != "```rust" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").map(str::trim).collect();
        blocks += 1;
        let found = here.windows(block.len().max(1)).any(|w| w == block.as_slice());
        assert!(found, "README block {blocks} is not in conformance/tests/readme.rs:\n{}", block.join("\n"));
    }
    assert!(blocks >= 3, "expected the README's three embedding snippets, found {blocks}");
}
