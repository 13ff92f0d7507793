//! # wasibox-core
//!
//! A `#![no_std]` (+ `alloc`) implementation of the WASI `wasi_snapshot_preview1` and
//! `wasi_unstable` system calls. It decodes every call's raw wasm arguments against a
//! [`GuestMemory`], keeps the descriptor table and the rights, walks every path one
//! component at a time (the sandbox lives here), and asks a [`Platform`] to do the rest.
//!
//! The core **never touches the OS**: no files, no clocks, no randomness of its own. All
//! of that comes from the `Platform` (see `wasibox-posix`, `wasibox-windows`, `wasibox-mem`).
//!
//! ## Without an engine
//!
//! An embedder whose engine is not wasmi or wasmtime (a kernel, an RTOS, an interpreter
//! of its own) routes each WASI import to [`call`] with the function, the raw wasm
//! arguments and the guest's linear memory (any [`GuestMemory`]; a `[u8]` is one):
//!
//! ```
//! use wasibox_core::{call, Errno, Func, Version, WasiCtx};
//! use wasibox_mem::{MemConfig, MemPlatform};
//!
//! let mut ctx = WasiCtx::builder(MemPlatform::new(MemConfig::default()))
//!     .args(["prog.wasm", "hello"])
//!     .build()?;
//! let mut memory = vec![0u8; 65536]; // the guest's linear memory
//! // args_sizes_get(argc_ptr = 16, argv_buf_size_ptr = 20)
//! let errno = call(&mut ctx, &mut memory[..], Version::Preview1, Func::ArgsSizesGet, &[16, 20]);
//! assert_eq!(errno, Ok(Errno::SUCCESS));
//! assert_eq!(memory[16..20], 2u32.to_le_bytes()); // two arguments
//! assert_eq!(memory[20..24], 16u32.to_le_bytes()); // "prog.wasm\0hello\0"
//! // A pointer past the end of memory is an errno for the guest, never a host panic.
//! let errno = call(&mut ctx, &mut memory[..], Version::Preview1, Func::ArgsSizesGet, &[65534, 20]);
//! assert_eq!(errno, Ok(Errno::FAULT));
//! # Ok::<(), wasibox_core::Errno>(())
//! ```
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
