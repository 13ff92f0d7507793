//! [`WasiCtx`]: one guest's WASI state (platform, descriptors, args, env, policy,
//! limits), and [`WasiBuilder`], the node:wasi-shaped way to make one.

use crate::abi::{Errno, Fd, Filetype, Result, Rights, Version};
use crate::fd_table::{FdEntry, FdTable, RightsPolicy};
use crate::platform::Platform;
use crate::trace::Tracer;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// Limits on what one guest may consume. Every table the core keeps is bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Open descriptors (`EMFILE` beyond).
    pub max_fds: usize,
    /// Bytes in a path (`ENAMETOOLONG` at or beyond).
    pub max_path: usize,
    /// Symlinks followed in one path resolution (`ELOOP` beyond).
    pub max_symlinks: u32,
    /// Subscriptions in one `poll_oneoff` (`EINVAL` beyond; 0 is always `EINVAL`).
    pub max_poll_subscriptions: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_fds: 1024,
            max_path: crate::path::PATH_MAX,
            max_symlinks: crate::path::MAX_SYMLINKS,
            max_poll_subscriptions: 4096,
        }
    }
}

/// A list of NUL-terminated strings, laid out as `args_get`/`environ_get` write them.
#[derive(Clone, Debug, Default)]
pub(crate) struct StringBlock {
    /// All strings, each followed by NUL.
    pub(crate) bytes: Vec<u8>,
    /// Start of each string in `bytes`.
    pub(crate) starts: Vec<u32>,
}

impl StringBlock {
    fn push(&mut self, s: &[u8]) -> Result<()> {
        if s.contains(&0) {
            return Err(Errno::INVAL);
        }
        let start = u32::try_from(self.bytes.len()).map_err(|_| Errno::TOOBIG)?;
        self.starts.push(start);
        self.bytes.extend_from_slice(s);
        self.bytes.push(0);
        u32::try_from(self.bytes.len()).map_err(|_| Errno::TOOBIG)?;
        Ok(())
    }
}

/// How the guest ended, when it ended through WASI rather than by returning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `proc_exit(code)`.
    Code(u32),
    /// `proc_raise(sig)` with a signal whose default action terminates the process.
    Signal(u8),
}

/// One guest's WASI state.
pub struct WasiCtx<P: Platform> {
    pub(crate) platform: P,
    pub(crate) fds: FdTable<P::Handle>,
    pub(crate) args: StringBlock,
    pub(crate) env: StringBlock,
    pub(crate) policy: RightsPolicy,
    pub(crate) limits: Limits,
    pub(crate) version: Option<Version>,
    pub(crate) tracer: Option<Box<dyn Tracer>>,
    pub(crate) exit: Option<Exit>,
    /// Cached engine memory handle, so calls do not look `memory` up by name each time.
    #[cfg(feature = "wasmi")]
    pub(crate) wasmi_memory: Option<wasmi::Memory>,
    #[cfg(feature = "wasmtime")]
    pub(crate) wasmtime_memory: Option<wasmtime::Memory>,
    pub(crate) started: bool,
}

impl<P: Platform> WasiCtx<P> {
    /// Start building a context over `platform`.
    pub fn builder(platform: P) -> WasiBuilder<P> {
        WasiBuilder::new(platform)
    }

    /// The platform.
    pub fn platform(&self) -> &P {
        &self.platform
    }

    /// The descriptor table (for inspection by hosts and tests).
    pub fn fds(&self) -> &FdTable<P::Handle> {
        &self.fds
    }

    /// The descriptor table, mutably (hosts may add or remove descriptors).
    pub fn fds_mut(&mut self) -> &mut FdTable<P::Handle> {
        &mut self.fds
    }

    /// The rights policy.
    pub fn rights_policy(&self) -> RightsPolicy {
        self.policy
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The WASI version chosen by the host, if any (`None`: decided by the module).
    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// How the guest exited through WASI (`proc_exit`/`proc_raise`), if it did.
    pub fn exit_status(&self) -> Option<Exit> {
        self.exit
    }

    /// Whether `start`/`initialize` has run (node:wasi refuses a second call).
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Install (or remove) a tracer that sees every call (see [`crate::trace`]). Install
    /// it before the guest runs: descriptors the guest opened earlier have no path in
    /// the trace (only preopens always have theirs). `None` makes calls untraced again,
    /// at the cost of one test each.
    pub fn set_tracer(&mut self, tracer: Option<Box<dyn Tracer>>) {
        self.tracer = tracer;
    }

    /// Tear down: close every descriptor through the platform, and return the platform.
    pub fn into_platform(mut self) -> P {
        let fds: Vec<Fd> = self.fds.iter().map(|(fd, _)| fd).collect();
        for fd in fds {
            if let Ok(e) = self.fds.remove(fd) {
                let _ = self.platform.close(e.handle);
            }
        }
        self.platform
    }
}

/// Builds a [`WasiCtx`], modelled on node:wasi's `new WASI({ ... })` options.
pub struct WasiBuilder<P: Platform> {
    platform: P,
    version: Option<Version>,
    args: StringBlock,
    env: StringBlock,
    stdio: [Option<P::Handle>; 3],
    preopens: Vec<(String, P::Handle)>,
    sockets: Vec<P::Handle>,
    policy: RightsPolicy,
    limits: Limits,
    error: Option<Errno>,
}

impl<P: Platform> WasiBuilder<P> {
    /// A builder with no args, no env, no preopens and no stdio.
    pub fn new(platform: P) -> Self {
        WasiBuilder {
            platform,
            version: None,
            args: StringBlock::default(),
            env: StringBlock::default(),
            stdio: [None, None, None],
            preopens: Vec::new(),
            sockets: Vec::new(),
            policy: RightsPolicy::default(),
            limits: Limits::default(),
            error: None,
        }
    }

    /// The WASI version (node:wasi's `version`). Without it, the module's imports decide.
    pub fn version(mut self, version: Version) -> Self {
        self.version = Some(version);
        self
    }

    /// Append one argument (the first is the program name).
    pub fn arg(mut self, arg: impl AsRef<[u8]>) -> Self {
        if let Err(e) = self.args.push(arg.as_ref()) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Append arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(mut self, args: I) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    /// Add an environment variable `key=value`.
    pub fn env(mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        let mut kv = Vec::with_capacity(key.as_ref().len() + 1 + value.as_ref().len());
        kv.extend_from_slice(key.as_ref());
        kv.push(b'=');
        kv.extend_from_slice(value.as_ref());
        if let Err(e) = self.env.push(&kv) {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Add environment variables.
    pub fn envs<I: IntoIterator<Item = (K, V)>, K: AsRef<[u8]>, V: AsRef<[u8]>>(mut self, vars: I) -> Self {
        for (k, v) in vars {
            self = self.env(k, v);
        }
        self
    }

    /// Standard input (fd 0).
    pub fn stdin(mut self, h: P::Handle) -> Self {
        self.stdio[0] = Some(h);
        self
    }

    /// Standard output (fd 1).
    pub fn stdout(mut self, h: P::Handle) -> Self {
        self.stdio[1] = Some(h);
        self
    }

    /// Standard error (fd 2).
    pub fn stderr(mut self, h: P::Handle) -> Self {
        self.stdio[2] = Some(h);
        self
    }

    /// Preopen directory handle `dir` at guest path `guest_path` (fd 3 and up, in order).
    pub fn preopen(mut self, guest_path: impl Into<String>, dir: P::Handle) -> Self {
        self.preopens.push((guest_path.into(), dir));
        self
    }

    /// Hand the guest an already-open socket (a TCP listener, say). Sockets get the
    /// descriptors after the preopened directories, in order.
    pub fn socket(mut self, h: P::Handle) -> Self {
        self.sockets.push(h);
        self
    }

    /// The rights policy.
    pub fn rights_policy(mut self, policy: RightsPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Resource limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Build the context. Fails with `EINVAL` if an argument or variable held a NUL byte,
    /// `EMFILE` if the preopens exceed the descriptor limit.
    pub fn build(self) -> Result<WasiCtx<P>> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut fds = FdTable::new(self.limits.max_fds);
        for (i, h) in self.stdio.into_iter().enumerate() {
            if let Some(h) = h {
                let ft = self.platform.filetype(&h).ok();
                let mut e = FdEntry::new(h, Rights::STDIO_BASE, Rights::empty(), i == 0, i != 0);
                if matches!(ft, Some(Filetype::CharacterDevice) | Some(Filetype::Unknown)) {
                    e.base.remove(Rights::FD_SEEK | Rights::FD_TELL);
                }
                e.filetype = ft;
                fds.insert_at(i as Fd, e)?;
            }
        }
        let sockets = self.sockets.into_iter().map(|h| (String::new(), h));
        for (fd, (guest, h)) in (3..).zip(self.preopens.into_iter().chain(sockets)) {
            let ft = self.platform.filetype(&h)?;
            let (base, inheriting) = match ft {
                // A preopen may pass every right on; what a descriptor opened through it
                // gets is limited to what applies to its type (as uvwasi does).
                Filetype::Directory => (Rights::DIRECTORY_BASE, Rights::all()),
                Filetype::SocketStream | Filetype::SocketDgram => (Rights::SOCKET_BASE, Rights::SOCKET_BASE),
                _ => (Rights::REGULAR_FILE_BASE, Rights::empty()),
            };
            let mut e = FdEntry::new(h, base, inheriting, true, ft != Filetype::Directory);
            e.filetype = Some(ft);
            if ft == Filetype::Directory {
                e.display = Some(alloc::sync::Arc::from(guest.as_str()));
                e.preopen = Some(guest.into_boxed_str());
            }
            fds.insert_at(fd, e)?;
        }
        Ok(WasiCtx {
            platform: self.platform,
            fds,
            args: self.args,
            env: self.env,
            policy: self.policy,
            limits: self.limits,
            version: self.version,
            tracer: None,
            exit: None,
            #[cfg(feature = "wasmi")]
            wasmi_memory: None,
            #[cfg(feature = "wasmtime")]
            wasmtime_memory: None,
            started: false,
        })
    }
}
