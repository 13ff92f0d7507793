//! # wasibox-core
//!
//! A `#![no_std]` (+ `alloc`) implementation of the WASI `wasi_snapshot_preview1` and
//! `wasi_unstable` system calls. It decodes every call's raw wasm arguments against a
//! [`GuestMemory`], keeps the descriptor table and the rights, walks every path one
//! component at a time (the sandbox lives here), and asks a [`Platform`] to do the rest.
//!
//! The core **never touches the OS**: no files, no clocks, no randomness of its own. All
//! of that comes from the `Platform` (see `wasibox-posix`, `wasibox-windows`, `wasibox-mem`).
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod abi;
mod calls;
pub mod ctx;
pub mod dispatch;
pub mod engine;
pub mod fd_table;
pub mod inspect;
pub mod memory;
pub mod path;
pub mod platform;
pub mod replay;
pub mod trace;

pub use abi::{Errno, Result, Version};
pub use ctx::{Exit, Limits, WasiBuilder, WasiCtx};
pub use dispatch::{call, Func};
pub use fd_table::RightsPolicy;
pub use memory::GuestMemory;
pub use platform::{Deadline, DirEntry, OpenOptions, Platform, PollFd};
pub use trace::{Family, Filtered, TraceEvent, TraceFilter, Tracer};
