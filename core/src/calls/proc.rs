//! `proc_exit` and `proc_raise`. Neither ends the host: both record how the guest ended
//! and the dispatcher unwinds to the host with it ([`crate::ctx::Exit`]).

use crate::abi::{Errno, Result, Version, SIGNAL_MAX};
use crate::ctx::{Exit, WasiCtx};
use crate::memory::GuestMemory;
use crate::platform::Platform;

/// Signals whose default action is to be ignored (`pipe`, `chld`, `cont`, `urg`, `winch`
/// per the witx), and the stop signals (`stop`, `tstp`, `ttin`, `ttou`), which a sandbox
/// cannot honour: raising any of them returns success and the guest continues.
const NON_TERMINATING: [u8; 9] = [13, 16, 17, 18, 19, 20, 21, 22, 27];

impl<P: Platform> WasiCtx<P> {
    pub(crate) fn proc_exit<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        code: u32,
    ) -> Result<()> {
        self.exit = Some(Exit::Code(code));
        Ok(())
    }

    /// `proc_raise`: signal 0 checks nothing and succeeds (like `kill(pid, 0)`); an
    /// ignored or stop signal succeeds; every other signal terminates the guest with that
    /// signal, reported to the host as [`Exit::Signal`]. The host process is never
    /// signalled (uvwasi raises the signal in the host, which kills the embedder).
    pub(crate) fn proc_raise<M: GuestMemory + ?Sized>(
        &mut self,
        _mem: &mut M,
        _v: Version,
        sig: u32,
    ) -> Result<()> {
        let sig = u8::try_from(sig).ok().filter(|s| *s <= SIGNAL_MAX).ok_or(Errno::INVAL)?;
        if sig == 0 || NON_TERMINATING.contains(&sig) {
            return Ok(());
        }
        self.exit = Some(Exit::Signal(sig));
        Ok(())
    }
}
