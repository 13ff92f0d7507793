//! Call tracing: the strace of the guest. A [`Tracer`] installed on a context sees every
//! call with its raw arguments, its result and how long it took on the platform's
//! monotonic clock. When no tracer is installed, the cost is one branch.

use crate::abi::{Errno, Version};
use crate::dispatch::Func;

/// One finished call.
#[derive(Clone, Copy, Debug)]
pub struct TraceEvent<'a> {
    /// Which function.
    pub func: Func,
    /// Which import module it came through.
    pub version: Version,
    /// Raw arguments as the guest passed them (i32s zero-extended).
    pub args: &'a [u64],
    /// The errno returned, or `None` if the call ended the guest (`proc_exit`).
    pub errno: Option<Errno>,
    /// Time spent in the call, in nanoseconds of the platform's monotonic clock.
    pub elapsed_ns: u64,
}

/// Receives every call of a guest.
pub trait Tracer: Send {
    /// Called after each call.
    fn trace(&mut self, event: &TraceEvent<'_>);

    /// The time, in nanoseconds on a clock of the tracer's choosing, to time calls with.
    /// `None` (the default): the platform's monotonic clock. A tracer that must not
    /// touch the guest's world returns its own: reading the platform's clock is an input
    /// of the run, which moves a virtual clock and lands in a recording.
    fn now(&mut self) -> Option<u64> {
        None
    }
}

impl<F: FnMut(&TraceEvent<'_>) + Send> Tracer for F {
    fn trace(&mut self, event: &TraceEvent<'_>) {
        self(event)
    }
}
