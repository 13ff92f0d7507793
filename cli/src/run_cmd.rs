//! `wasibox run`.

use crate::errors::usage_error;
use clap::{Args, ValueEnum};
use std::cell::Cell;
use std::path::PathBuf;
use std::process::ExitCode;
use wasibox_core::engine::{Outcome, RunError};
use wasibox_core::replay::{Deterministic, DeterministicConfig, DEFAULT_SEED};
use wasibox_core::{Limits, Platform, RightsPolicy, Tracer, Version, WasiBuilder, WasiCtx};

/// `wasibox run --help`'s footer.
pub(crate) const RUN_EXAMPLES: &str = "\
Examples:
  wasibox run prog.wasm arg1 arg2                 arguments after the module go to the guest
  wasibox run --dir . prog.wasm                   preopen the current directory as \".\"
  wasibox run --dir /srv/data::/data --dir-ro ./etc::/etc prog.wasm
  wasibox run --env HOME=/data --env TERM prog.wasm
  wasibox run --backend mem --dir ./tree::/t --persist prog.wasm
  wasibox run --trace prog.wasm                   every WASI call on stderr, strace-like
  wasibox run --trace=t.jsonl --trace-format json --trace-filter path,fd_read prog.wasm
  wasibox run --deterministic --seed 7 prog.wasm  virtual clocks, seeded random_get
  wasibox run --dir ./data::/data --record run.wbr prog.wasm < input
  wasibox run --replay run.wbr prog.wasm          the same run again, without the host

Tracing from the environment (a flag wins over its variable):
  WASIBOX_LOG=all | 1 | on        trace every call    (unset, empty, 0, off, none: no trace)
  WASIBOX_LOG=fd,path,clock_time_get   only these families or functions
  WASIBOX_LOG_FILE=FILE           write the trace to FILE instead of stderr
  WASIBOX_LOG_FORMAT=text | json  one strace-like line, or one JSON object, per call
Families: args (also env), clock, fd, path, poll, proc (also sched), random, sock.

Exit status: the guest's exit code; 2 for a usage error; 125 if the module cannot be
compiled or linked (or a recording cannot be read); 121 if a replay diverges from its
recording; 134 if the guest traps; 128+N if it raises signal N.";

/// Which `Platform` serves the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// The host's real filesystem, clocks and randomness (rustix).
    #[cfg(unix)]
    Posix,
    /// The host's real filesystem, clocks and randomness (windows-sys).
    #[cfg(windows)]
    Windows,
    /// A deterministic in-memory world: each --dir is copied in at start.
    Mem,
}

impl Backend {
    /// The host's own backend: the default.
    #[cfg(unix)]
    const HOST: Backend = Backend::Posix;
    /// The host's own backend: the default.
    #[cfg(windows)]
    const HOST: Backend = Backend::Windows;
    /// The host's own backend: the default.
    #[cfg(not(any(unix, windows)))]
    const HOST: Backend = Backend::Mem;
}

/// Which wasm engine runs the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// wasmtime (Cranelift-compiled; compiled modules are cached).
    Wasmtime,
    /// wasmi (an interpreter; starts at once).
    Wasmi,
}

/// Which WASI version to serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WasiVersionArg {
    /// Whatever the module imports.
    Auto,
    /// `wasi_snapshot_preview1`.
    Preview1,
    /// `wasi_unstable`.
    Unstable,
}

/// The rights policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RightsArg {
    /// Enforce what the open mode implies, and what the guest narrowed itself.
    Compat,
    /// Enforce the spec's rights on every call.
    Enforce,
}

/// Arguments of `wasibox run`.
#[derive(Args, Debug)]
#[command(trailing_var_arg = true)]
pub struct RunArgs {
    /// Preopen host directory HOST at guest path GUEST (default: HOST as written).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Like --dir, but read-only: every write through it fails with EROFS (posix backend).
    #[arg(long = "dir-ro", value_name = "HOST[::GUEST]")]
    dirs_ro: Vec<String>,
    /// Set an environment variable for the guest; `--env NAME` passes the host's value.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,
    /// Pass the whole host environment to the guest.
    #[arg(long)]
    inherit_env: bool,
    /// The platform serving the guest.
    #[arg(long, value_enum, default_value_t = Backend::HOST)]
    backend: Backend,
    /// The wasm engine.
    #[arg(long, value_enum, default_value_t = EngineArg::Wasmtime)]
    engine: EngineArg,
    /// Do not read or write the compiled-module cache (wasmtime; `$XDG_CACHE_HOME/wasibox`
    /// or `~/.cache/wasibox`).
    #[arg(long)]
    no_cache: bool,
    /// Serve clocks from a virtual clock (it moves only when read, sleeps end at once)
    /// and random_get from a seeded generator, over any backend (mem always is).
    #[arg(long)]
    deterministic: bool,
    /// Seed of the deterministic random source (--deterministic, --backend mem).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Record every input the run receives from the host (clocks, random bytes, stdin,
    /// poll outcomes, what the host's files hold) into FILE, for --replay.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Re-run MODULE from a recording, without touching the host: args, env and
    /// directories come from FILE (ARGS after MODULE replace the recorded ones). Reports
    /// the first call that differs from the recording (exit status 121).
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "dirs", "dirs_ro", "envs", "inherit_env", "backend", "persist", "deterministic", "seed",
        "record", "wasi_version", "rights", "tcp_listen", "max_fds", "max_path", "max_symlinks",
        "max_poll", "mem_max_bytes", "mem_max_inodes",
    ])]
    replay: Option<PathBuf>,
    /// With --backend mem: write the in-memory changes back to the --dir directories at exit.
    #[arg(long)]
    persist: bool,
    /// Which WASI version to serve.
    #[arg(long = "wasi-version", value_enum, default_value_t = WasiVersionArg::Auto)]
    wasi_version: WasiVersionArg,
    /// The rights policy.
    #[arg(long, value_enum, default_value_t = RightsArg::Compat)]
    rights: RightsArg,
    /// Preopen a TCP listener on HOST:PORT (posix backend); the guest sees it after the dirs.
    #[arg(long = "tcplisten", value_name = "HOST:PORT")]
    tcp_listen: Vec<String>,
    /// Most open descriptors the guest may hold (EMFILE beyond).
    #[arg(long, value_name = "N")]
    max_fds: Option<usize>,
    /// Longest path, in bytes, a call may name (ENAMETOOLONG at or beyond; default 4096).
    #[arg(long, value_name = "BYTES")]
    max_path: Option<usize>,
    /// Most symlinks followed in one path resolution (ELOOP beyond; default 40).
    #[arg(long, value_name = "N")]
    max_symlinks: Option<u32>,
    /// Most subscriptions in one poll_oneoff (EINVAL beyond; default 4096).
    #[arg(long, value_name = "N")]
    max_poll: Option<u32>,
    /// With --backend mem: most bytes the in-memory filesystem may hold (ENOSPC beyond).
    #[arg(long, value_name = "BYTES")]
    mem_max_bytes: Option<u64>,
    /// With --backend mem: most inodes the in-memory filesystem may hold (ENOSPC beyond).
    #[arg(long, value_name = "N")]
    mem_max_inodes: Option<u64>,
    #[command(flatten)]
    trace: crate::trace_out::TraceArgs,
    /// The module (.wasm or .wat), then the guest's arguments.
    #[arg(required = true, value_name = "MODULE [ARGS]...", num_args = 1..)]
    module_and_args: Vec<String>,
}

/// A `--dir` value split into host and guest paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirSpec {
    /// Host path.
    pub host: PathBuf,
    /// Guest path.
    pub guest: String,
    /// Read-only.
    pub readonly: bool,
}

/// Parse `HOST[::GUEST]` as wasmtime's CLI spells it, and check that HOST is a
/// directory. `Err` is the user's mistake, in words.
pub fn parse_dir(spec: &str, readonly: bool) -> Result<DirSpec, String> {
    let flag = if readonly { "--dir-ro" } else { "--dir" };
    let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
    if host.is_empty() {
        return Err(format!("{flag} {spec:?}: the host directory is empty (HOST[::GUEST])"));
    }
    if guest.is_empty() {
        return Err(format!("{flag} {spec:?}: the guest path after \"::\" is empty"));
    }
    match std::fs::metadata(host) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("{flag} {spec:?}: {host} is not a directory")),
        Err(e) => return Err(format!("{flag} {spec:?}: {host}: {}", crate::errors::io_text(&e))),
    }
    Ok(DirSpec { host: host.into(), guest: guest.to_string(), readonly })
}

/// Exit status when the module cannot be loaded, linked or started.
const EXIT_LOAD: u8 = 125;
/// Exit status when the guest traps (as a SIGABRT'd process would).
const EXIT_TRAP: u8 = 134;

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("wasibox: {msg}");
    ExitCode::from(EXIT_LOAD)
}

/// Everything about the run that does not depend on the backend.
pub(crate) struct Common {
    wasm: Vec<u8>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    version: Option<Version>,
    policy: RightsPolicy,
    limits: Limits,
    /// The tracer, taken by the run that installs it.
    trace: Cell<Option<Box<dyn Tracer>>>,
    engine: EngineArg,
    cache_dir: Option<PathBuf>,
    /// `--deterministic` (not for mem, which always is): the wrapper's configuration.
    deterministic: Option<DeterministicConfig>,
    /// `--record FILE`.
    record: Option<PathBuf>,
}

impl Common {
    fn builder<P: Platform>(&self, platform: P) -> WasiBuilder<P> {
        let mut b = WasiBuilder::new(platform)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .rights_policy(self.policy)
            .limits(self.limits);
        if let Some(v) = self.version {
            b = b.version(v);
        }
        b
    }
}

/// What a backend hands over to run a guest: its platform and the host's handles.
pub(crate) struct World<P: Platform> {
    pub(crate) platform: P,
    /// stdin, stdout, stderr.
    pub(crate) stdio: [Option<P::Handle>; 3],
    /// Preopened directories: guest path, handle.
    pub(crate) preopens: Vec<(String, P::Handle)>,
    /// Preopened sockets.
    pub(crate) sockets: Vec<P::Handle>,
    /// The backend's name, for the recording's note.
    pub(crate) backend: &'static str,
}

impl<P: Platform> World<P> {
    /// The context for this world.
    pub(crate) fn build(self, common: &Common) -> Result<WasiCtx<P>, String> {
        let mut b = common.builder(self.platform);
        let [stdin, stdout, stderr] = self.stdio;
        if let Some(h) = stdin {
            b = b.stdin(h);
        }
        if let Some(h) = stdout {
            b = b.stdout(h);
        }
        if let Some(h) = stderr {
            b = b.stderr(h);
        }
        for (guest, h) in self.preopens {
            b = b.preopen(guest, h);
        }
        for h in self.sockets {
            b = b.socket(h);
        }
        b.build().map_err(|e| format!("cannot set up WASI: {e}"))
    }
}

/// Run the guest in `world`, made deterministic and recorded if asked.
pub(crate) fn launch<P: Platform + 'static>(common: &Common, world: World<P>) -> ExitCode {
    match common.deterministic {
        Some(config) => {
            let platform = Deterministic::new(world.platform, config);
            let World { stdio, preopens, sockets, backend, .. } = world;
            record_or_run(common, World { platform, stdio, preopens, sockets, backend })
        }
        None => record_or_run(common, world),
    }
}

fn record_or_run<P: Platform + 'static>(common: &Common, world: World<P>) -> ExitCode {
    if let Some(path) = &common.record {
        return replay::record(common, world, path);
    }
    match world.build(common) {
        Ok(ctx) => exit_code(run_guest(common, ctx).0),
        Err(e) => fail(e),
    }
}

/// `wasibox run`.
pub fn run(args: RunArgs) -> ExitCode {
    let mut it = args.module_and_args.iter();
    let Some(module) = it.next() else { return usage_error("no module given") };
    let trace = match crate::trace_out::config(&args.trace, &crate::trace_out::TraceEnv::from_process()) {
        Ok(config) => config,
        Err(e) => return usage_error(e),
    };
    if args.backend != Backend::Mem {
        let mem_only = [
            ("--persist", args.persist),
            ("--seed", args.seed.is_some() && !args.deterministic),
            ("--mem-max-bytes", args.mem_max_bytes.is_some()),
            ("--mem-max-inodes", args.mem_max_inodes.is_some()),
        ];
        if let Some((flag, _)) = mem_only.iter().find(|(_, given)| *given) {
            let also = if *flag == "--seed" { " or --deterministic" } else { "" };
            return usage_error(format!("{flag} needs --backend mem{also}"));
        }
    }
    let wasm = match crate::load_module(module) {
        Ok(w) => w,
        Err(crate::LoadError::Read(e)) => return usage_error(e),
        Err(crate::LoadError::Parse(e)) => return fail(e),
    };
    let engine = args.engine;
    let cache = if args.no_cache { None } else { cache_dir() };
    // Last of the checks: creating the trace file is the first thing that leaves a trace.
    let tracer = match trace.map(|config| config.tracer()).transpose() {
        Ok(tracer) => tracer,
        Err(e) => return usage_error(e),
    };
    if let Some(log) = &args.replay {
        return replay::replay(log, module, wasm, &args.module_and_args[1..], engine, cache, tracer);
    }
    let mut env: Vec<(String, String)> = Vec::new();
    if args.inherit_env {
        env.extend(std::env::vars());
    }
    for e in &args.envs {
        match e.split_once('=') {
            Some(("", _)) => {
                return usage_error(format!("--env {e:?}: the variable name is empty (NAME[=VALUE])"))
            }
            Some((k, v)) => env.push((k.to_string(), v.to_string())),
            None if e.is_empty() => {
                return usage_error("--env \"\": the variable name is empty (NAME[=VALUE])")
            }
            None => {
                if let Ok(v) = std::env::var(e) {
                    env.push((e.clone(), v));
                }
            }
        }
    }
    let mut limits = Limits::default();
    if let Some(n) = args.max_fds {
        limits.max_fds = n;
    }
    if let Some(n) = args.max_path {
        limits.max_path = n;
    }
    if let Some(n) = args.max_symlinks {
        limits.max_symlinks = n;
    }
    if let Some(n) = args.max_poll {
        limits.max_poll_subscriptions = n;
    }
    let common = Common {
        wasm,
        args: args.module_and_args.clone(),
        env,
        version: match args.wasi_version {
            WasiVersionArg::Auto => None,
            WasiVersionArg::Preview1 => Some(Version::Preview1),
            WasiVersionArg::Unstable => Some(Version::Unstable),
        },
        policy: match args.rights {
            RightsArg::Compat => RightsPolicy::Compat,
            RightsArg::Enforce => RightsPolicy::Enforce,
        },
        limits,
        trace: Cell::new(tracer),
        engine,
        cache_dir: cache,
        // The mem backend is deterministic already (with the same clocks and generator).
        deterministic: (args.deterministic && args.backend != Backend::Mem).then(|| DeterministicConfig {
            seed: args.seed.unwrap_or(DEFAULT_SEED),
            ..DeterministicConfig::default()
        }),
        record: args.record.clone(),
    };
    let dirs: Vec<DirSpec> = match args
        .dirs
        .iter()
        .map(|d| parse_dir(d, false))
        .chain(args.dirs_ro.iter().map(|d| parse_dir(d, true)))
        .collect()
    {
        Ok(dirs) => dirs,
        Err(e) => return usage_error(e),
    };
    match args.backend {
        #[cfg(unix)]
        Backend::Posix => crate::run_cmd::posix::run(&common, &dirs, &args.tcp_listen),
        #[cfg(windows)]
        Backend::Windows => {
            if !args.tcp_listen.is_empty() {
                return usage_error("--tcplisten needs the posix backend");
            }
            crate::run_cmd::windows::run(&common, &dirs)
        }
        Backend::Mem => {
            if !args.tcp_listen.is_empty() {
                return usage_error("--tcplisten needs the posix backend");
            }
            crate::run_cmd::mem::run(
                &common,
                &dirs,
                &mem::MemOptions {
                    seed: args.seed,
                    persist: args.persist,
                    max_bytes: args.mem_max_bytes,
                    max_inodes: args.mem_max_inodes,
                },
            )
        }
    }
}

/// Where compiled modules are cached: `$XDG_CACHE_HOME/wasibox`, else `~/.cache/wasibox`.
fn cache_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join("wasibox"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".cache").join("wasibox"))
}

/// Run `wasm` with `ctx`; give back how it ended and the context.
pub(crate) fn run_guest<P: Platform + 'static>(
    common: &Common,
    mut ctx: WasiCtx<P>,
) -> (Result<Outcome, RunError>, WasiCtx<P>) {
    if let Some(tracer) = common.trace.take() {
        ctx.set_tracer(Some(tracer));
    }
    match common.engine {
        EngineArg::Wasmi => {
            let engine = wasmi::Engine::default();
            let (result, store) = wasibox_core::engine::wasmi::run_command(&engine, &common.wasm, ctx);
            (result, store.into_data())
        }
        EngineArg::Wasmtime => {
            let engine = wasmtime::Engine::default();
            let cache = common.cache_dir.as_deref();
            let (result, store) =
                wasibox_core::engine::wasmtime::run_command(&engine, &common.wasm, ctx, cache);
            (result, store.into_data())
        }
    }
}

/// The process's exit status for how the guest ended (printing why, for a trap or a
/// signal).
pub(crate) fn exit_code(result: Result<Outcome, RunError>) -> ExitCode {
    match result {
        Ok(Outcome::Exit(code)) => ExitCode::from((code & 0xff) as u8),
        Ok(o @ Outcome::Signal(_)) => {
            eprintln!("wasibox: guest terminated: {o:?}");
            ExitCode::from((o.status() & 0xff) as u8)
        }
        Err(RunError::Trap(m)) => {
            eprintln!("wasibox: wasm trap: {m}");
            ExitCode::from(EXIT_TRAP)
        }
        Err(e) => fail(e),
    }
}

#[cfg(unix)]
pub(crate) mod posix {
    //! The posix backend: real directories, the process's stdio.
    use super::{fail, launch, usage_error, Common, DirSpec, World};
    use std::process::ExitCode;
    use wasibox_posix::{PosixHandle, PosixPlatform};

    pub(crate) fn run(common: &Common, dirs: &[DirSpec], tcp: &[String]) -> ExitCode {
        let mut stdio = [None, None, None];
        for (slot, h) in stdio.iter_mut().enumerate() {
            match PosixHandle::stdio(slot as i32) {
                Ok(handle) => *h = Some(handle),
                Err(e) => return fail(format!("cannot use host fd {slot}: {e}")),
            }
        }
        let mut preopens = Vec::new();
        for d in dirs {
            let h = if d.readonly {
                PosixHandle::open_dir_readonly(&d.host)
            } else {
                PosixHandle::open_dir(&d.host)
            };
            match h {
                Ok(h) => preopens.push((d.guest.clone(), h)),
                Err(e) => return usage_error(format!("cannot open directory {}: {e}", d.host.display())),
            }
        }
        let mut sockets = Vec::new();
        for addr in tcp {
            let parsed = match std::net::ToSocketAddrs::to_socket_addrs(addr.as_str()).map(|mut a| a.next()) {
                Ok(Some(a)) => a,
                _ => return usage_error(format!("--tcplisten {addr:?}: not an address (HOST:PORT)")),
            };
            match PosixHandle::tcp_listener(parsed) {
                Ok(h) => sockets.push(h),
                Err(e) => return usage_error(format!("--tcplisten {addr:?}: cannot listen: {e}")),
            }
        }
        launch(common, World { platform: PosixPlatform::new(), stdio, preopens, sockets, backend: "posix" })
    }
}

pub(crate) mod mem;
pub(crate) mod replay;

#[cfg(windows)]
pub(crate) mod windows {
    //! The windows backend: real directories, the process's stdio (consoles, pipes or
    //! files).
    use super::{fail, launch, usage_error, Common, DirSpec, World};
    use std::process::ExitCode;
    use wasibox_windows::{WindowsHandle, WindowsPlatform};

    pub(crate) fn run(common: &Common, dirs: &[DirSpec]) -> ExitCode {
        let mut stdio = [None, None, None];
        for (slot, h) in stdio.iter_mut().enumerate() {
            match WindowsHandle::stdio(slot as i32) {
                Ok(handle) => *h = Some(handle),
                Err(e) => return fail(format!("cannot use host stdio {slot}: {e}")),
            }
        }
        let mut preopens = Vec::new();
        for d in dirs {
            let h = if d.readonly {
                WindowsHandle::open_dir_readonly(&d.host)
            } else {
                WindowsHandle::open_dir(&d.host)
            };
            match h {
                Ok(h) => preopens.push((d.guest.clone(), h)),
                Err(e) => return usage_error(format!("cannot open directory {}: {e}", d.host.display())),
            }
        }
        let platform = WindowsPlatform::new();
        launch(common, World { platform, stdio, preopens, sockets: Vec::new(), backend: "windows" })
    }
}
