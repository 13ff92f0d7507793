//! Configuration of a [`MemPlatform`](crate::MemPlatform) and of a [`MemFs`](crate::MemFs).

/// Where the virtual realtime clock starts unless configured otherwise (2000-01-01), the
/// default tick and seed: the same as every deterministic platform's (`wasibox-core`'s
/// `replay` module), so a guest sees the same clocks and random bytes on each.
pub use wasibox_core::replay::{DEFAULT_REALTIME_START, DEFAULT_SEED, DEFAULT_TICK};

/// Capacity limits of a [`MemFs`](crate::MemFs). Exceeding one is `ENOSPC`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of storage. A regular file costs [`PAGE_SIZE`](crate::PAGE_SIZE) for every
    /// page that holds data (holes are free), a symlink costs the length of its target;
    /// directories and inodes themselves cost nothing here (see `max_inodes`).
    pub max_bytes: u64,
    /// Number of inodes alive at once (files, directories, symlinks, including the root
    /// and unlinked files that an open handle keeps alive).
    pub max_inodes: u64,
}

impl Limits {
    /// No limits at all (beyond the host's memory).
    pub const UNLIMITED: Limits = Limits { max_bytes: u64::MAX, max_inodes: u64::MAX };
}

impl Default for Limits {
    /// 1 GiB of data and one million inodes.
    fn default() -> Self {
        Limits { max_bytes: 1 << 30, max_inodes: 1_000_000 }
    }
}

/// Configuration of one [`MemPlatform`](crate::MemPlatform).
///
/// All clocks share one virtual "elapsed time" counter that starts at 0: realtime reads
/// `realtime_start + elapsed`, monotonic reads `monotonic_start + elapsed`, and the two
/// CPU-time clocks read `elapsed`. Every `clock_time_get` call returns the current value
/// and then advances `elapsed` by `tick` (0 freezes time); `poll` with a deadline and
/// nothing ready jumps `elapsed` forward to the deadline at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemConfig {
    /// Seed of the random source (`random_get`). Same seed, same bytes.
    pub seed: u64,
    /// Realtime clock at start, in nanoseconds since the Unix epoch.
    pub realtime_start: u64,
    /// Monotonic clock at start, in nanoseconds.
    pub monotonic_start: u64,
    /// Nanoseconds the clocks advance per `clock_time_get` call (0: frozen).
    pub tick: u64,
    /// Limits of the filesystem [`MemPlatform::new`](crate::MemPlatform::new) creates
    /// (ignored by [`MemPlatform::with_fs`](crate::MemPlatform::with_fs)).
    pub limits: Limits,
}

impl Default for MemConfig {
    fn default() -> Self {
        MemConfig {
            seed: DEFAULT_SEED,
            realtime_start: DEFAULT_REALTIME_START,
            monotonic_start: 0,
            tick: DEFAULT_TICK,
            limits: Limits::default(),
        }
    }
}
