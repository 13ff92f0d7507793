//! Deterministic runs, record and replay: platform wrappers that work over any backend.
//!
//! - [`Deterministic`] serves the clocks from a [`VirtualClock`] and `random` from a
//!   [`SeededRandom`] (the same generator and clock `wasibox-mem` uses), and passes the
//!   rest to the platform it wraps.
//! - [`Recorder`] passes every call to the platform it wraps and logs everything the
//!   guest could observe of it (the log format is described in `format.rs` and in
//!   [`Method`]); [`Replayer`] re-runs the guest from such a log alone, without touching
//!   the host, and stops at the first call that is not the one recorded, with a
//!   [`Divergence`] that says where and how.
//!
//! Nothing here touches the host, and nothing here is `unsafe`.
#![forbid(unsafe_code)]

mod clock;
mod codec;
mod deterministic;
mod format;
mod inputs;
mod random;
mod recorder;
mod replayer;

pub use clock::{VirtualClock, DEFAULT_REALTIME_START, DEFAULT_SEED, DEFAULT_TICK};
pub use codec::{digest, Corrupt, Value};
pub use deterministic::{Deterministic, DeterministicConfig};
pub use format::{describe, describe_labeled, same_end, Method, RunEnd, RunSetup, FORMAT_VERSION, MAGIC};
pub use random::SeededRandom;
pub use recorder::{LogSink, Recorded, Recorder, SinkError};
pub use replayer::{Divergence, ReplayHandle, Replayer};
