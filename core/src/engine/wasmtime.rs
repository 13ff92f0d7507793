//! The wasmtime engine (feature `wasmtime`), with the same host API as the wasmi glue:
//! [`add_to_linker`] (node:wasi's `getImportObject()`), [`start`], [`initialize`],
//! [`bind_memory`] (node's `finalizeBindings`) and [`run_command`].
//!
//! Each import is a typed `func_wrap` closure; the guest memory is looked up by name
//! once and cached in the context, so a call costs a memory-and-store borrow and a jump.

use super::{check_initialize, check_start, no_memory, ExitError, Outcome, RunError};
use crate::abi::Version;
use crate::ctx::WasiCtx;
use crate::dispatch::{call, Func};
use crate::inspect::inspect;
use crate::platform::Platform;
use alloc::format;
use alloc::string::ToString;
use std::path::{Path, PathBuf};
use wasmtime::{Caller, Engine, Extern, Instance, Linker, Memory, Module, Store};

impl std::error::Error for ExitError {}

/// Store data that holds a WASI context (see the wasmi engine's `WasiView`).
pub trait WasiView: Sized + 'static {
    /// The platform of the context.
    type Platform: Platform;
    /// The WASI context.
    fn wasi(&mut self) -> &mut WasiCtx<Self::Platform>;
}

impl<P: Platform + 'static> WasiView for WasiCtx<P> {
    type Platform = P;
    fn wasi(&mut self) -> &mut WasiCtx<P> {
        self
    }
}

#[inline(always)]
fn invoke<T: WasiView>(
    caller: &mut Caller<'_, T>,
    version: Version,
    func: Func,
    args: &[u64],
) -> wasmtime::Result<i32> {
    let memory = match caller.data_mut().wasi().wasmtime_memory {
        Some(m) => Some(m),
        None => match caller.get_export("memory") {
            Some(Extern::Memory(m)) => {
                caller.data_mut().wasi().wasmtime_memory = Some(m);
                Some(m)
            }
            _ => None,
        },
    };
    let result = match memory {
        Some(m) => {
            let (bytes, data) = m.data_and_store_mut(&mut *caller);
            call(data.wasi(), bytes, version, func, args)
        }
        None => call(caller.data_mut().wasi(), &mut [][..], version, func, args),
    };
    match result {
        Ok(errno) => Ok(i32::from(errno.0)),
        Err(exit) => Err(wasmtime::Error::new(ExitError(exit))),
    }
}

macro_rules! register_wasmtime {
    (($linker:expr, $version:expr, $T:ty) $($name:ident $variant:ident $avail:ident $ret:ident ($($p:ident : $t:ident),*);)*) => {
        $(
            if $crate::__wasi_available!($avail, $version) {
                register_wasmtime!(@one $linker, $version, $T, $name, $variant, $ret, ($($p : $t),*));
            }
        )*
    };
    (@one $linker:expr, $version:expr, $T:ty, $name:ident, $variant:ident, errno, ($($p:ident : $t:ident),*)) => {
        $linker
            .func_wrap($version.module(), stringify!($name), move |mut caller: Caller<'_, $T>, $($p: register_wasmtime!(@ty $t)),*| -> wasmtime::Result<i32> {
                invoke(&mut caller, $version, Func::$variant, &[$(register_wasmtime!(@widen $t, $p)),*])
            })
            .map_err(|e| RunError::Link(e.to_string()))?;
    };
    (@one $linker:expr, $version:expr, $T:ty, $name:ident, $variant:ident, none, ($($p:ident : $t:ident),*)) => {
        $linker
            .func_wrap($version.module(), stringify!($name), move |mut caller: Caller<'_, $T>, $($p: register_wasmtime!(@ty $t)),*| -> wasmtime::Result<()> {
                invoke(&mut caller, $version, Func::$variant, &[$(register_wasmtime!(@widen $t, $p)),*]).map(|_| ())
            })
            .map_err(|e| RunError::Link(e.to_string()))?;
    };
    (@ty u32) => { i32 };
    (@ty u64) => { i64 };
    (@widen u32, $p:ident) => { $p as u32 as u64 };
    (@widen u64, $p:ident) => { $p as u64 };
}

/// Register every function of `version` (or of both, for `None`) on `linker`.
pub fn add_to_linker<T: WasiView>(linker: &mut Linker<T>, version: Option<Version>) -> Result<(), RunError> {
    let versions: &[Version] = match version {
        Some(Version::Preview1) => &[Version::Preview1],
        Some(Version::Unstable) => &[Version::Unstable],
        None => &[Version::Preview1, Version::Unstable],
    };
    for &v in versions {
        crate::wasi_functions!(register_wasmtime!(linker, v, T));
    }
    Ok(())
}

/// Use `memory` for every WASI call (node's `finalizeBindings(instance, { memory })`).
pub fn bind_memory<T: WasiView>(store: &mut Store<T>, memory: Memory) {
    store.data_mut().wasi().wasmtime_memory = Some(memory);
}

fn exported_memory<T: WasiView>(store: &mut Store<T>, instance: &Instance) -> Result<(), RunError> {
    if store.data_mut().wasi().wasmtime_memory.is_some() {
        return Ok(());
    }
    match instance.get_memory(&mut *store, "memory") {
        Some(m) => {
            bind_memory(store, m);
            Ok(())
        }
        None => Err(no_memory()),
    }
}

fn outcome_of(err: wasmtime::Error) -> Result<Outcome, RunError> {
    if let Some(ExitError(exit)) = err.downcast_ref::<ExitError>() {
        return Ok((*exit).into());
    }
    Err(RunError::Trap(format!("{err:#}")))
}

/// node:wasi's `start(instance)` (see the wasmi engine's `start` for the rules).
pub fn start<T: WasiView>(store: &mut Store<T>, instance: &Instance) -> Result<Outcome, RunError> {
    let start = instance.get_typed_func::<(), ()>(&mut *store, "_start").ok();
    let has_initialize = instance.get_func(&mut *store, "_initialize").is_some();
    check_start(store.data_mut().wasi().started, start.is_some(), has_initialize)?;
    let Some(start) = start else { return Err(RunError::Start("no _start".into())) };
    exported_memory(store, instance)?;
    store.data_mut().wasi().started = true;
    match start.call(&mut *store, ()) {
        Ok(()) => Ok(Outcome::Exit(0)),
        Err(e) => outcome_of(e),
    }
}

/// node:wasi's `initialize(instance)`.
pub fn initialize<T: WasiView>(store: &mut Store<T>, instance: &Instance) -> Result<(), RunError> {
    let has_start = instance.get_func(&mut *store, "_start").is_some();
    check_initialize(store.data_mut().wasi().started, has_start)?;
    exported_memory(store, instance)?;
    store.data_mut().wasi().started = true;
    if let Some(init) = instance.get_func(&mut *store, "_initialize") {
        let init = init
            .typed::<(), ()>(&*store)
            .map_err(|_| RunError::Start("\"_initialize\" must have type () -> ()".into()))?;
        init.call(&mut *store, ()).map_err(|e| match outcome_of(e) {
            Ok(o) => RunError::Trap(format!("_initialize exited: {o:?}")),
            Err(e) => e,
        })?;
    }
    Ok(())
}

/// Compile `wasm`, or load it from `cache_dir` if it was compiled before by the same
/// wasmtime with the same configuration. The cache keeps the module's bytes beside the
/// compiled code and only uses an entry whose bytes are identical.
pub fn load_module(engine: &Engine, wasm: &[u8], cache_dir: Option<&Path>) -> Result<Module, RunError> {
    let Some(dir) = cache_dir else {
        return Module::new(engine, wasm).map_err(|e| RunError::Compile(format!("{e:#}")));
    };
    let key = format!("{:016x}-{:016x}-{}", fnv1a(wasm), engine_hash(engine), wasm.len());
    let code: PathBuf = dir.join(format!("{key}.cwasm"));
    let source: PathBuf = dir.join(format!("{key}.wasm"));
    if let (Ok(cached), true) = (std::fs::read(&source), code.exists()) {
        if cached == wasm {
            // SAFETY: `code` was written by `Module::serialize` below, by a wasmtime with
            // the same compatibility hash (part of the file name), for exactly these
            // module bytes (compared above); wasmtime also checks the header itself.
            // The cache directory belongs to the user running wasibox, the same trust
            // boundary as wasmtime's own compilation cache.
            if let Ok(m) = unsafe { Module::deserialize_file(engine, &code) } {
                return Ok(m);
            }
        }
    }
    let module = Module::new(engine, wasm).map_err(|e| RunError::Compile(format!("{e:#}")))?;
    if let Ok(bytes) = module.serialize() {
        // Best effort: a cache that cannot be written only costs a recompilation.
        if std::fs::create_dir_all(dir).is_ok() {
            let tmp = dir.join(format!("{key}.{}.tmp", std::process::id()));
            if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &code).is_ok() {
                let _ = std::fs::write(&source, wasm);
            }
        }
    }
    Ok(module)
}

/// A digest of everything that makes compiled code of one engine unusable by another.
fn engine_hash(engine: &Engine) -> u64 {
    use std::hash::{Hash, Hasher};
    // `DefaultHasher::new()` has fixed keys: the same value in every run.
    #[allow(deprecated)]
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    h.finish()
}

/// A stable 64-bit digest (FNV-1a) for cache file names; equality of the bytes is what
/// is trusted, not the digest.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Check the imports, compile (through the cache if given), link, instantiate and
/// `start` a command. Returns the outcome and the store.
pub fn run_command<P: Platform + 'static>(
    engine: &Engine,
    wasm: &[u8],
    ctx: WasiCtx<P>,
    cache_dir: Option<&Path>,
) -> (Result<Outcome, RunError>, Store<WasiCtx<P>>) {
    let mut store = Store::new(engine, ctx);
    let r = run_in(engine, wasm, &mut store, cache_dir);
    (r, store)
}

fn run_in<P: Platform + 'static>(
    engine: &Engine,
    wasm: &[u8],
    store: &mut Store<WasiCtx<P>>,
    cache_dir: Option<&Path>,
) -> Result<Outcome, RunError> {
    let info = inspect(wasm).map_err(RunError::Compile)?;
    if let Some(problem) = info.problems.first() {
        return Err(RunError::Link(problem.clone()));
    }
    let version = store.data().version.or(info.wasi_version);
    let module = load_module(engine, wasm, cache_dir)?;
    let mut linker = Linker::new(engine);
    add_to_linker(&mut linker, version)?;
    let instance = linker.instantiate(&mut *store, &module).map_err(|e| match outcome_of(e) {
        Ok(o) => RunError::Trap(format!("start function exited: {o:?}")),
        Err(RunError::Trap(m)) => RunError::Link(m),
        Err(e) => e,
    })?;
    start(store, &instance)
}
