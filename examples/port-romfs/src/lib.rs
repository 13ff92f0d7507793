//! # wasibox-example-romfs
//!
//! Teaching material: the smallest useful port of wasibox, for a target without an
//! operating system. `docs/porting.md` walks through it file by file.
//!
//! - **Files**: a read-only filesystem compiled into the firmware ([`RomImage`]: a
//!   static table of directories and files with `&'static [u8]` contents). Everything
//!   that would change it answers as Linux answers on a read-only mount (`EROFS`, or
//!   `EEXIST`/`ENOENT`/`EISDIR` where Linux reports those first). It has no symlinks.
//! - **Console**: stdin, stdout and stderr go to the [`Board`] (a UART, a log buffer).
//! - **Clocks**: monotonic = the board's tick counter; realtime = a fixed epoch + the
//!   ticks; the CPU-time clocks = ticks since the platform was made.
//! - **Random**: a seeded SplitMix64 ([`random`]), **not cryptographic**: a real port
//!   reads its hardware RNG.
//! - **Poll**: nothing here blocks, so `poll` marks every descriptor ready and, for
//!   clock-only waits, sleeps on the board until the deadline.
//!
//! ## What it leaves to the trait's defaults
//!
//! | method | what the guest sees |
//! |---|---|
//! | `close` | success (the handle is dropped) |
//! | `advise` | success (advice may be ignored) |
//! | `allocate` | `ENOTSUP` (Linux would say `EBADF`: no descriptor is open for writing) |
//! | `open_beneath` | none: the core opens paths component by component with `open_at` |
//! | `sched_yield` | success |
//! | `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown` | `ENOTSOCK` (there are no sockets) |
//! | `exit_requested` | `None`: the guest runs until it exits |
//!
//! ## What it must never do
//!
//! Panic on anything a guest controls, or touch anything but its image and its board.
//! It is `#![no_std]` + `alloc`: it builds for bare-metal targets.
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
        clippy::arithmetic_side_effects
    )
)]

extern crate alloc;

pub mod board;
pub mod demo;
pub mod handle;
pub mod image;
pub mod platform;
pub mod random;

pub use board::{Board, Stream};
pub use handle::{RomHandle, Target};
pub use image::{BadImage, RomEntry, RomImage, RomKind};
pub use platform::{RomConfig, RomPlatform};
