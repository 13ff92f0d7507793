//! The runtimes, and `wasibox-bench exec`: run the wasm guest in this process under one
//! of the in-process runtimes. Each run is its own process (spawned by the orchestrator,
//! by `valgrind` or by `strace`), so runtimes never share a heap, caches or page tables.

use crate::hostclock::HostClockMem;
use std::path::Path;
use wasibox_core::engine::{wasmi as wasibox_wasmi, wasmtime as wasibox_wasmtime, Outcome};
use wasibox_core::{Version, WasiCtx};
use wasibox_mem::{MemConfig, MemPipe, MemPlatform};
use wasibox_posix::{PosixHandle, PosixPlatform};

/// Where a guest runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Runtime {
    /// The guest compiled for the host.
    Native,
    /// wasibox on wasmtime, POSIX backend.
    WasiboxWasmtimePosix,
    /// wasibox on wasmtime, in-memory backend (with host clocks).
    WasiboxWasmtimeMem,
    /// wasibox on wasmi, POSIX backend.
    WasiboxWasmiPosix,
    /// wasmtime's own WASI (`wasmtime-wasi` preview1), same wasmtime.
    WasmtimeWasi,
    /// wasmi's own WASI (`wasmi_wasi`, on wasi-common), same wasmi.
    WasmiWasi,
    /// Node's `node:wasi` (uvwasi), through `bench/node-runner.mjs`.
    Node,
}

impl Runtime {
    pub const ALL: [Runtime; 7] = [
        Runtime::Native,
        Runtime::WasiboxWasmtimePosix,
        Runtime::WasiboxWasmtimeMem,
        Runtime::WasiboxWasmiPosix,
        Runtime::WasmtimeWasi,
        Runtime::WasmiWasi,
        Runtime::Node,
    ];

    /// The name used on the command line and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Native => "native",
            Runtime::WasiboxWasmtimePosix => "wasibox-wasmtime-posix",
            Runtime::WasiboxWasmtimeMem => "wasibox-wasmtime-mem",
            Runtime::WasiboxWasmiPosix => "wasibox-wasmi-posix",
            Runtime::WasmtimeWasi => "wasmtime-wasi",
            Runtime::WasmiWasi => "wasmi-wasi",
            Runtime::Node => "node",
        }
    }

    /// A column heading.
    pub fn label(self) -> &'static str {
        match self {
            Runtime::Native => "native",
            Runtime::WasiboxWasmtimePosix => "wasibox wasmtime+posix",
            Runtime::WasiboxWasmtimeMem => "wasibox wasmtime+mem",
            Runtime::WasiboxWasmiPosix => "wasibox wasmi+posix",
            Runtime::WasmtimeWasi => "wasmtime-wasi 48",
            Runtime::WasmiWasi => "wasmi_wasi 2.0",
            Runtime::Node => "node:wasi",
        }
    }

    pub fn from_name(s: &str) -> Option<Runtime> {
        Runtime::ALL.into_iter().find(|r| r.name() == s)
    }

    /// Whether `exec` runs it in this process.
    pub fn in_process(self) -> bool {
        !matches!(self, Runtime::Native | Runtime::Node)
    }
}

/// The guest path of the work directory (the first preopen, fd 3).
const GUEST_DIR: &str = "/work";

fn argv(guest_args: &[String]) -> Vec<String> {
    std::iter::once("bench-guest".to_string()).chain(guest_args.iter().cloned()).collect()
}

fn wasmtime_engine() -> wasmtime::Engine {
    wasmtime::Engine::new(&wasmtime::Config::new()).expect("wasmtime engine")
}

fn status_of(outcome: Result<Outcome, wasibox_core::engine::RunError>) -> i32 {
    match outcome {
        Ok(o) => o.status() as i32,
        Err(e) => {
            eprintln!("wasibox-bench: {e}");
            134
        }
    }
}

/// Run `wasm` under `rt` (an in-process runtime) with the work directory `work`
/// preopened at `/work`. Returns the guest's exit status.
pub fn exec(rt: Runtime, wasm: &Path, work: &Path, cache: &Path, guest_args: &[String]) -> i32 {
    let bytes = std::fs::read(wasm).unwrap_or_else(|e| panic!("cannot read {}: {e}", wasm.display()));
    let args = argv(guest_args);
    match rt {
        Runtime::WasiboxWasmtimePosix | Runtime::WasiboxWasmiPosix => {
            let ctx = WasiCtx::builder(PosixPlatform::new())
                .version(Version::Preview1)
                .args(&args)
                .preopen(GUEST_DIR, PosixHandle::open_dir(work).expect("open work dir"))
                .stdin(PosixHandle::stdio(0).expect("stdin"))
                .stdout(PosixHandle::stdio(1).expect("stdout"))
                .stderr(PosixHandle::stdio(2).expect("stderr"))
                .build()
                .expect("wasi context");
            if rt == Runtime::WasiboxWasmtimePosix {
                let engine = wasmtime_engine();
                status_of(wasibox_wasmtime::run_command(&engine, &bytes, ctx, Some(cache)).0)
            } else {
                let engine = wasmi::Engine::default();
                status_of(wasibox_wasmi::run_command(&engine, &bytes, ctx).0)
            }
        }
        Runtime::WasiboxWasmtimeMem => {
            let config = MemConfig { limits: wasibox_mem::Limits::UNLIMITED, ..MemConfig::default() };
            let platform = MemPlatform::new(config);
            let fs = platform.fs().clone();
            fs.create_dir_all(GUEST_DIR).expect("mkdir /work in memory");
            fs.load_host_dir(work, GUEST_DIR).expect("load the work directory into memory");
            let dir = platform.open_dir(GUEST_DIR).expect("open /work in memory");
            let (stdout, stderr) = (MemPipe::new(), MemPipe::new());
            let out = platform.pipe_handle(stdout.clone(), false, true);
            let err = platform.pipe_handle(stderr.clone(), false, true);
            let ctx = WasiCtx::builder(HostClockMem::new(platform))
                .version(Version::Preview1)
                .args(&args)
                .preopen(GUEST_DIR, dir)
                .stdout(out)
                .stderr(err)
                .build()
                .expect("wasi context");
            let engine = wasmtime_engine();
            let status = status_of(wasibox_wasmtime::run_command(&engine, &bytes, ctx, Some(cache)).0);
            use std::io::Write;
            let _ = std::io::stderr().write_all(&stderr.take());
            status
        }
        Runtime::WasmtimeWasi => run_wasmtime_wasi(&bytes, work, cache, &args),
        Runtime::WasmiWasi => run_wasmi_wasi(&bytes, work, &args),
        Runtime::Native | Runtime::Node => unreachable!("not an in-process runtime"),
    }
}

fn run_wasmtime_wasi(bytes: &[u8], work: &Path, cache: &Path, args: &[String]) -> i32 {
    use wasmtime_wasi::p1::{self, WasiP1Ctx};
    use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};
    let engine = wasmtime_engine();
    let mut b = WasiCtxBuilder::new();
    b.args(args).inherit_stdio();
    b.preopened_dir(work, GUEST_DIR, FsPerms::ReadWrite).expect("preopen");
    let ctx: WasiP1Ctx = b.build_p1();
    // The same compiled code as wasibox's runs: the same engine and the same cache.
    let module = wasibox_wasmtime::load_module(&engine, bytes, Some(cache)).expect("compile");
    let mut linker: wasmtime::Linker<WasiP1Ctx> = wasmtime::Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |t| t).expect("link wasmtime-wasi");
    let mut store = wasmtime::Store::new(&engine, ctx);
    let r = linker
        .instantiate(&mut store, &module)
        .and_then(|i| i.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|f| f.call(&mut store, ()));
    match r {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => {
                eprintln!("wasibox-bench: wasmtime-wasi: {e:#}");
                134
            }
        },
    }
}

fn run_wasmi_wasi(bytes: &[u8], work: &Path, args: &[String]) -> i32 {
    use wasmi_wasi::{ambient_authority, Dir, WasiCtx, WasiCtxBuilder};
    let dir = Dir::open_ambient_dir(work, ambient_authority()).expect("open work dir");
    let ctx = WasiCtxBuilder::new()
        .inherit_stdio()
        .args(args)
        .expect("args")
        .preopened_dir(dir, GUEST_DIR)
        .expect("preopen")
        .build();
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, bytes).expect("compile");
    let mut linker = wasmi::Linker::<WasiCtx>::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |ctx| ctx).expect("link wasmi_wasi");
    let mut store = wasmi::Store::new(&engine, ctx);
    let r = linker
        .instantiate_and_start(&mut store, &module)
        .and_then(|i| i.get_typed_func::<(), ()>(&store, "_start"))
        .and_then(|f| f.call(&mut store, ()));
    match r {
        Ok(()) => 0,
        Err(e) => match e.i32_exit_status() {
            Some(code) => code,
            None => {
                eprintln!("wasibox-bench: wasmi_wasi: {e}");
                134
            }
        },
    }
}
