//! # wasibox-mem
//!
//! A complete, deterministic, in-memory [`Platform`](wasibox_core::Platform) for
//! wasibox: a POSIX-like filesystem ([`MemFs`]: inodes, hard links, symlinks, three
//! timestamps, sparse files, capacity limits), in-memory stdio pipes ([`MemPipe`]),
//! virtual clocks that only move when the guest looks at them or sleeps, and a seeded
//! random source. The same guest with the same inputs produces the same bytes, on every
//! machine, every time.
//!
//! It exists for tests (the conformance suite runs every guest program against this
//! backend and against the real POSIX one and diffs the results), for fuzzing the core,
//! for embedders without an operating system (an RTOS, a kernel, a browser), and for
//! hosts that want a throw-away sandbox.
//!
//! ## What it must never do
//!
//! This crate is `#![no_std]` + `alloc` and **never touches the operating system**: no
//! host files, no host clocks, no host randomness, no sleeping, no threads of its own.
//! The single exception is the pair of host-side helpers behind the `std` feature,
//! [`MemFs::load_host_dir`] and [`MemFs::store_to_host`], which the *host* calls
//! explicitly to copy a tree in or out; a guest can never reach them.
//!
//! ## Semantics
//!
//! Behaviour follows Linux (tmpfs) wherever the [`Platform`](wasibox_core::Platform)
//! contract says "as Linux would"; every place where it cannot or does not is listed in
//! `RATIONALE.md` next to this crate and in the docs of [`MemPlatform`]. The short list:
//! reads never update `atim` (`noatime`), directories report size 4096, stdio pipes are
//! character devices, an empty open pipe reads as end-of-file in blocking mode, `poll`
//! never blocks (it jumps the virtual clock to the deadline instead), and
//! `allocate` checks capacity but does not reserve it.
//!
//! ## Locking
//!
//! A [`MemFs`] is shared with `Arc` and `spin` locks, so several [`MemPlatform`]s (and
//! threads) may use one filesystem at once. Every namespace operation holds one
//! filesystem-wide lock; file data has a lock per inode, so I/O on different files runs
//! in parallel. No lock is ever held while calling back into foreign code.
//!
//! ## Example
//!
//! ```
//! use wasibox_core::abi::ClockId;
//! use wasibox_core::{Platform, WasiCtx};
//! use wasibox_mem::{MemConfig, MemPlatform};
//!
//! // Same seed, same bytes; clocks start at 2000-01-01 and move only when read.
//! let a = MemPlatform::new(MemConfig { seed: 7, ..MemConfig::default() });
//! let b = MemPlatform::new(MemConfig { seed: 7, ..MemConfig::default() });
//! let (mut x, mut y) = ([0u8; 16], [0u8; 16]);
//! a.random(&mut x)?;
//! b.random(&mut y)?;
//! assert_eq!(x, y);
//! assert_eq!(a.clock_time(ClockId::Realtime, 0)?, b.clock_time(ClockId::Realtime, 0)?);
//!
//! // A tree for the guest, built by the host, and a preopen of it.
//! a.fs().create_dir_all("/data/sub")?;
//! a.fs().write_file("/data/sub/hello.txt", b"hi")?;
//! let data = a.open_dir("/data")?;
//! let ctx = WasiCtx::builder(a).preopen("/data", data).build()?;
//! // ... run the guest with `ctx`; afterwards the host reads what it left:
//! assert_eq!(ctx.platform().fs().read_file("/data/sub/hello.txt")?, b"hi");
//! # Ok::<(), wasibox_core::Errno>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation
    )
)]
#![warn(clippy::semicolon_if_nothing_returned, clippy::redundant_clone)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod config;
mod fault;
mod fs;
mod handle;
mod pipe;
mod platform;
mod sync;

pub use config::{Limits, MemConfig, DEFAULT_REALTIME_START, DEFAULT_SEED, DEFAULT_TICK};
pub use fs::{ListEntry, MemFs, Usage, MAX_NAME_LEN, MAX_SYMLINK_HOPS, MEM_DEV, PAGE_SIZE};
pub use handle::MemHandle;
pub use pipe::MemPipe;
pub use platform::MemPlatform;

#[cfg(test)]
mod tests;
