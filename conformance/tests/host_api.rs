//! The node:wasi-shaped host API on both engines: start/initialize preconditions, a
//! second call refused, a memory not exported as `memory` bound by hand, and version
//! detection from the module's imports.

use wasibox_core::engine::{Outcome, RunError};
use wasibox_core::{Version, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};

fn ctx(out: &MemPipe) -> WasiCtx<MemPlatform> {
    let p = MemPlatform::new(MemConfig::default());
    let h = p.pipe_handle(out.clone(), false, true);
    WasiCtx::builder(p).arg("t").stdout(h).build().unwrap()
}

const HELLO_OTHER_MEMORY: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "mem0") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

const REACTOR: &str = r#"(module
  (import "wasi_unstable" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "init\n")
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 5))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

#[test]
fn wasmi_start_and_initialize_follow_node() {
    use wasibox_core::engine::wasmi::{add_to_linker, bind_memory, initialize, start};
    let engine = wasmi::Engine::default();
    // A command whose memory is called mem0: start refuses until it is bound.
    let out = MemPipe::new();
    let module = wasmi::Module::new(&engine, wat::parse_str(HELLO_OTHER_MEMORY).unwrap()).unwrap();
    let mut linker = wasmi::Linker::new(&engine);
    add_to_linker(&mut linker, Some(Version::Preview1)).unwrap();
    let mut store = wasmi::Store::new(&engine, ctx(&out));
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    assert!(matches!(start(&mut store, &instance), Err(RunError::Start(m)) if m.contains("memory")));
    assert!(matches!(initialize(&mut store, &instance), Err(RunError::Start(m)) if m.contains("_start")));
    let mem0 = instance.get_memory(&store, "mem0").unwrap();
    bind_memory(&mut store, mem0);
    assert_eq!(start(&mut store, &instance), Ok(Outcome::Exit(0)));
    assert_eq!(out.take(), b"hi\n");
    assert!(matches!(start(&mut store, &instance), Err(RunError::Start(m)) if m.contains("already")));

    // A wasi_unstable reactor: start refuses it, initialize runs _initialize once.
    let out = MemPipe::new();
    let module = wasmi::Module::new(&engine, wat::parse_str(REACTOR).unwrap()).unwrap();
    let mut linker = wasmi::Linker::new(&engine);
    add_to_linker(&mut linker, None).unwrap();
    let mut store = wasmi::Store::new(&engine, ctx(&out));
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    assert!(matches!(start(&mut store, &instance), Err(RunError::Start(m)) if m.contains("_start")));
    assert_eq!(initialize(&mut store, &instance), Ok(()));
    assert_eq!(out.take(), b"init\n");
    assert!(initialize(&mut store, &instance).is_err());
}

#[test]
fn wasmtime_start_and_initialize_follow_node() {
    use wasibox_core::engine::wasmtime::{add_to_linker, bind_memory, initialize, start};
    let engine = wasmtime::Engine::default();
    let out = MemPipe::new();
    let module = wasmtime::Module::new(&engine, wat::parse_str(HELLO_OTHER_MEMORY).unwrap()).unwrap();
    let mut linker = wasmtime::Linker::new(&engine);
    add_to_linker(&mut linker, Some(Version::Preview1)).unwrap();
    let mut store = wasmtime::Store::new(&engine, ctx(&out));
    let instance = linker.instantiate(&mut store, &module).unwrap();
    assert!(matches!(start(&mut store, &instance), Err(RunError::Start(m)) if m.contains("memory")));
    let mem0 = instance.get_memory(&mut store, "mem0").unwrap();
    bind_memory(&mut store, mem0);
    assert_eq!(start(&mut store, &instance), Ok(Outcome::Exit(0)));
    assert_eq!(out.take(), b"hi\n");
    assert!(matches!(start(&mut store, &instance), Err(RunError::Start(m)) if m.contains("already")));

    let out = MemPipe::new();
    let module = wasmtime::Module::new(&engine, wat::parse_str(REACTOR).unwrap()).unwrap();
    let mut linker = wasmtime::Linker::new(&engine);
    add_to_linker(&mut linker, Some(Version::Unstable)).unwrap();
    let mut store = wasmtime::Store::new(&engine, ctx(&out));
    let instance = linker.instantiate(&mut store, &module).unwrap();
    assert_eq!(initialize(&mut store, &instance), Ok(()));
    assert_eq!(out.take(), b"init\n");
}

#[test]
fn a_version_the_module_does_not_import_fails_to_link_by_name() {
    // The host insists on preview1; the module imports wasi_unstable.
    let p = MemPlatform::new(MemConfig::default());
    let c = WasiCtx::builder(p).version(Version::Preview1).build().unwrap();
    let engine = wasmtime::Engine::default();
    let wasm = wat::parse_str(REACTOR.replace("_initialize", "_start")).unwrap();
    let (r, _) = wasibox_core::engine::wasmtime::run_command(&engine, &wasm, c, None);
    assert!(matches!(&r, Err(RunError::Link(m)) if m.contains("wasi_unstable")), "{:?}", r);
}
