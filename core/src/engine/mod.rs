//! Thin glue between the core and wasm engines, behind features. Each engine module
//! registers every WASI import (the equivalent of node:wasi's `getImportObject()`) and
//! offers node:wasi's `start`/`initialize`.

#[cfg(feature = "wasmi")]
pub mod wasmi;
#[cfg(feature = "wasmtime")]
pub mod wasmtime;

use crate::ctx::Exit;
use alloc::string::String;
use core::fmt;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `_start` returned (status 0) or the guest called `proc_exit(status)`.
    Exit(u32),
    /// The guest raised a terminating signal with `proc_raise`.
    Signal(u8),
}

impl Outcome {
    /// The status a shell would see: the exit code, or 128 + signal.
    pub fn status(self) -> u32 {
        match self {
            Outcome::Exit(c) => c,
            Outcome::Signal(s) => 128 + u32::from(s),
        }
    }
}

impl From<Exit> for Outcome {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Code(c) => Outcome::Exit(c),
            Exit::Signal(s) => Outcome::Signal(s),
        }
    }
}

/// Why a module could not be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The module is not valid wasm (or not valid text).
    Compile(String),
    /// It cannot be linked: a WASI import with the wrong signature, an unknown import...
    Link(String),
    /// `start`/`initialize` preconditions (node:wasi's errors): no `_start`, has
    /// `_initialize`, no exported memory, called twice.
    Start(String),
    /// The guest trapped.
    Trap(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Compile(m) => write!(f, "cannot compile module: {m}"),
            RunError::Link(m) => write!(f, "cannot link module: {m}"),
            RunError::Start(m) => write!(f, "{m}"),
            RunError::Trap(m) => write!(f, "wasm trap: {m}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RunError {}

/// node:wasi's preconditions of `start(instance)`, shared by the engines: not started
/// before, exports `_start`, does not export `_initialize`.
#[cfg(any(feature = "wasmi", feature = "wasmtime"))]
pub(crate) fn check_start(started: bool, has_start: bool, has_initialize: bool) -> Result<(), RunError> {
    if started {
        return Err(RunError::Start("WASI start() or initialize() has already been called".into()));
    }
    if !has_start {
        return Err(RunError::Start("the instance does not export a function \"_start\": () -> ()".into()));
    }
    if has_initialize {
        return Err(RunError::Start(
            "the instance exports \"_initialize\": it is a reactor, use initialize()".into(),
        ));
    }
    Ok(())
}

/// node:wasi's preconditions of `initialize(instance)`: not started before, does not
/// export `_start`.
#[cfg(any(feature = "wasmi", feature = "wasmtime"))]
pub(crate) fn check_initialize(started: bool, has_start: bool) -> Result<(), RunError> {
    if started {
        return Err(RunError::Start("WASI start() or initialize() has already been called".into()));
    }
    if has_start {
        return Err(RunError::Start("the instance exports \"_start\": it is a command, use start()".into()));
    }
    Ok(())
}

/// The error when no memory named `memory` is exported (and none was bound).
#[cfg(any(feature = "wasmi", feature = "wasmtime"))]
pub(crate) fn no_memory() -> RunError {
    RunError::Start("the instance does not export a memory named \"memory\"".into())
}

/// The error an engine sees when the guest exits through WASI. It unwinds the guest's
/// stack back to the host, which turns it into an [`Outcome`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitError(pub Exit);

impl fmt::Display for ExitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Exit::Code(c) => write!(f, "guest exited with status {c}"),
            Exit::Signal(s) => write!(f, "guest terminated by signal {s}"),
        }
    }
}
