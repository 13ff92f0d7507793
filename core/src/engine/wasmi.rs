//! The wasmi engine (feature `wasmi`; works with wasmi's `no_std` build).
//!
//! [`add_to_linker`] is node:wasi's `getImportObject()`, [`start`] and [`initialize`] its
//! `start(instance)` and `initialize(instance)`; [`run_command`] does all of it at once:
//!
//! ```
//! use wasibox_core::engine::{wasmi::run_command, Outcome};
//! use wasibox_core::WasiCtx;
//! use wasibox_mem::{MemConfig, MemPipe, MemPlatform};
//!
//! let wasm = wat::parse_str(r#"(module
//!     (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 8) "hi\n")
//!     (data (i32.const 0) "\08\00\00\00\03\00\00\00") ;; one iovec: 3 bytes at 8
//!     (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))"#)?;
//! let platform = MemPlatform::new(MemConfig::default());
//! let stdout = MemPipe::new();
//! let out = platform.pipe_handle(stdout.clone(), false, true);
//! let ctx = WasiCtx::builder(platform).stdout(out).build()?;
//! let (outcome, _store) = run_command(&wasmi::Engine::default(), &wasm, ctx);
//! assert_eq!(outcome?, Outcome::Exit(0));
//! assert_eq!(stdout.take(), b"hi\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{check_initialize, check_start, no_memory, ExitError, Outcome, RunError};
use crate::abi::Version;
use crate::ctx::WasiCtx;
use crate::dispatch::{call, Func};
use crate::inspect::{inspect, ModuleInfo};
use crate::platform::Platform;
use alloc::format;
use alloc::string::ToString;
use wasmi::{AsContextMut, Caller, Extern, Instance, Linker, Memory, Store};

impl wasmi::errors::HostError for ExitError {}

/// Store data that holds a WASI context. Implemented for `WasiCtx` itself; implement it
/// for your own store data to keep other state beside WASI.
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

/// Run `func` for the guest: find its memory (cached after the first call), decode the
/// arguments, dispatch. `proc_exit` becomes an [`ExitError`] that unwinds the guest.
#[inline(always)]
fn invoke<T: WasiView>(
    caller: &mut Caller<'_, T>,
    version: Version,
    func: Func,
    args: &[u64],
) -> Result<i32, wasmi::Error> {
    let memory = match caller.data_mut().wasi().wasmi_memory {
        Some(m) => Some(m),
        None => match caller.get_export("memory") {
            Some(Extern::Memory(m)) => {
                caller.data_mut().wasi().wasmi_memory = Some(m);
                Some(m)
            }
            _ => None,
        },
    };
    let result = match memory {
        Some(m) => {
            let (bytes, data) = m.data_and_store_mut(caller.as_context_mut());
            call(data.wasi(), bytes, version, func, args)
        }
        // No memory: every pointer is out of bounds (EFAULT); pointer-free calls work.
        None => call(caller.data_mut().wasi(), &mut [][..], version, func, args),
    };
    match result {
        Ok(errno) => Ok(i32::from(errno.0)),
        Err(exit) => Err(wasmi::Error::host(ExitError(exit))),
    }
}

macro_rules! register_wasmi {
    (($linker:expr, $version:expr, $T:ty) $($name:ident $variant:ident $avail:ident $ret:ident ($($p:ident : $t:ident),*);)*) => {
        $(
            if $crate::__wasi_available!($avail, $version) {
                register_wasmi!(@one $linker, $version, $T, $name, $variant, $ret, ($($p : $t),*));
            }
        )*
    };
    (@one $linker:expr, $version:expr, $T:ty, $name:ident, $variant:ident, errno, ($($p:ident : $t:ident),*)) => {
        $linker
            .func_wrap($version.module(), stringify!($name), move |mut caller: Caller<'_, $T>, $($p: register_wasmi!(@ty $t)),*| -> Result<i32, wasmi::Error> {
                invoke(&mut caller, $version, Func::$variant, &[$(register_wasmi!(@widen $t, $p)),*])
            })
            .map_err(|e| RunError::Link(e.to_string()))?;
    };
    (@one $linker:expr, $version:expr, $T:ty, $name:ident, $variant:ident, none, ($($p:ident : $t:ident),*)) => {
        $linker
            .func_wrap($version.module(), stringify!($name), move |mut caller: Caller<'_, $T>, $($p: register_wasmi!(@ty $t)),*| -> Result<(), wasmi::Error> {
                invoke(&mut caller, $version, Func::$variant, &[$(register_wasmi!(@widen $t, $p)),*]).map(|_| ())
            })
            .map_err(|e| RunError::Link(e.to_string()))?;
    };
    (@ty u32) => { i32 };
    (@ty u64) => { i64 };
    (@widen u32, $p:ident) => { $p as u32 as u64 };
    (@widen u64, $p:ident) => { $p as u64 };
}

/// Register every function of `version` (or of both versions, for `None`) on `linker`:
/// node:wasi's `getImportObject()`.
pub fn add_to_linker<T: WasiView>(linker: &mut Linker<T>, version: Option<Version>) -> Result<(), RunError> {
    let versions: &[Version] = match version {
        Some(Version::Preview1) => &[Version::Preview1],
        Some(Version::Unstable) => &[Version::Unstable],
        None => &[Version::Preview1, Version::Unstable],
    };
    for &v in versions {
        crate::wasi_functions!(register_wasmi!(linker, v, T));
    }
    Ok(())
}

/// Use `memory` for every WASI call of this store's context (node:wasi's
/// `finalizeBindings(instance, { memory })`), for modules whose memory is not exported
/// as `memory`.
pub fn bind_memory<T: WasiView>(store: &mut Store<T>, memory: Memory) {
    store.data_mut().wasi().wasmi_memory = Some(memory);
}

fn exported_memory<T: WasiView>(store: &mut Store<T>, instance: &Instance) -> Result<(), RunError> {
    if store.data_mut().wasi().wasmi_memory.is_some() {
        return Ok(());
    }
    match instance.get_memory(&*store, "memory") {
        Some(m) => {
            bind_memory(store, m);
            Ok(())
        }
        None => Err(no_memory()),
    }
}

fn outcome_of(err: wasmi::Error) -> Result<Outcome, RunError> {
    if let Some(ExitError(exit)) = err.downcast_ref::<ExitError>() {
        return Ok((*exit).into());
    }
    if let Some(code) = err.i32_exit_status() {
        return Ok(Outcome::Exit(code as u32));
    }
    Err(RunError::Trap(err.to_string()))
}

/// node:wasi's `start(instance)`: run `_start` of a command. Refuses an instance without
/// `_start`, one that exports `_initialize`, one without an exported memory (unless one
/// was bound with [`bind_memory`]), and a second call.
pub fn start<T: WasiView>(store: &mut Store<T>, instance: &Instance) -> Result<Outcome, RunError> {
    let start = instance.get_typed_func::<(), ()>(&*store, "_start").ok();
    let has_initialize = instance.get_func(&*store, "_initialize").is_some();
    check_start(store.data_mut().wasi().started, start.is_some(), has_initialize)?;
    let Some(start) = start else { return Err(RunError::Start("no _start".into())) };
    exported_memory(store, instance)?;
    store.data_mut().wasi().started = true;
    match start.call(&mut *store, ()) {
        Ok(()) => Ok(Outcome::Exit(0)),
        Err(e) => outcome_of(e),
    }
}

/// node:wasi's `initialize(instance)`: run `_initialize` of a reactor, if it exports one.
/// Refuses an instance that exports `_start`, one without a memory, and a second call.
pub fn initialize<T: WasiView>(store: &mut Store<T>, instance: &Instance) -> Result<(), RunError> {
    let has_start = instance.get_func(&*store, "_start").is_some();
    check_initialize(store.data_mut().wasi().started, has_start)?;
    exported_memory(store, instance)?;
    store.data_mut().wasi().started = true;
    if let Some(init) = instance.get_func(&*store, "_initialize") {
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

/// Everything needed to run a command once: check the module's imports (by name, before
/// instantiating), link, instantiate, `start`. The WASI version is the context's, or the
/// module's if the context has none. Returns the outcome and the store (with the
/// context, for reading pipes and tearing down).
pub fn run_command<P: Platform + 'static>(
    engine: &wasmi::Engine,
    wasm: &[u8],
    ctx: WasiCtx<P>,
) -> (Result<Outcome, RunError>, Store<WasiCtx<P>>) {
    let mut store = Store::new(engine, ctx);
    let r = run_in(engine, wasm, &mut store);
    (r, store)
}

fn run_in<P: Platform + 'static>(
    engine: &wasmi::Engine,
    wasm: &[u8],
    store: &mut Store<WasiCtx<P>>,
) -> Result<Outcome, RunError> {
    let info: ModuleInfo = inspect(wasm).map_err(RunError::Compile)?;
    if let Some(problem) = info.problems.first() {
        return Err(RunError::Link(problem.clone()));
    }
    let version = store.data().version.or(info.wasi_version);
    let module = wasmi::Module::new(engine, wasm).map_err(|e| RunError::Compile(e.to_string()))?;
    let mut linker = Linker::new(engine);
    add_to_linker(&mut linker, version)?;
    let instance = linker.instantiate_and_start(&mut *store, &module).map_err(|e| match outcome_of(e) {
        Ok(o) => RunError::Trap(format!("start function exited: {o:?}")),
        Err(RunError::Trap(m)) => RunError::Link(m),
        Err(e) => e,
    })?;
    start(store, &instance)
}
