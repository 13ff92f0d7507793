//! Running one case on one backend and observing what happened.

use crate::case::Case;
use crate::tree::{snapshot_host, snapshot_mem, Entry};
use std::io::{Read, Write};
use std::path::Path;
use wasibox_core::engine::wasmi::{add_to_linker, initialize, run_command};
use wasibox_core::engine::{Outcome, RunError};
use wasibox_core::{Platform, RightsPolicy, WasiBuilder, WasiCtx};

/// A backend the suite can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backend {
    /// `wasibox-mem` (every host).
    Mem,
    /// `wasibox-posix` (Unix hosts).
    #[cfg(unix)]
    Posix,
    /// `wasibox-windows` (Windows hosts; under Wine on Linux).
    #[cfg(windows)]
    Windows,
}

impl Backend {
    /// All backends this build can run: mem and the host's own.
    #[cfg(unix)]
    pub const ALL: [Backend; 2] = [Backend::Mem, Backend::Posix];
    /// All backends this build can run: mem and the host's own.
    #[cfg(windows)]
    pub const ALL: [Backend; 2] = [Backend::Mem, Backend::Windows];
    /// All backends this build can run.
    #[cfg(not(any(unix, windows)))]
    pub const ALL: [Backend; 1] = [Backend::Mem];

    /// Its name in tables and in `skip` maps.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Mem => "mem",
            #[cfg(unix)]
            Backend::Posix => "posix",
            #[cfg(windows)]
            Backend::Windows => "windows",
        }
    }

    /// Parse a name.
    pub fn from_name(s: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.name() == s)
    }

    /// Whether this is the Windows backend running under Wine, which cannot do
    /// everything Windows does (see `suite::wine_plan`).
    pub fn under_wine(self) -> bool {
        match self {
            #[cfg(windows)]
            Backend::Windows => wasibox_windows::running_under_wine(),
            _ => false,
        }
    }
}

/// Whether a run's fixtures get their symlinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// As committed.
    Keep,
    /// Left out (the control run for hosts that cannot make symlinks: Wine).
    Omit,
}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// Exit code (134 for a trap, 128 + n for a signal).
    pub exit_code: u32,
    /// The trap message, if it trapped.
    pub trap: Option<String>,
    /// Bytes written to stdout.
    pub stdout: Vec<u8>,
    /// Bytes written to stderr.
    pub stderr: Vec<u8>,
    /// Resulting trees, by fixture key, in preopen order.
    pub trees: Vec<(String, Vec<Entry>)>,
    /// How many `path_symlink` calls succeeded (known on mem, where calls are traced;
    /// 0 elsewhere). Not compared between backends.
    pub symlinks_made: usize,
}

fn builder<P: Platform>(case: &Case, argv0: &str, platform: P) -> WasiBuilder<P> {
    let mut b = WasiBuilder::new(platform)
        .arg(argv0)
        .args(&case.args)
        .envs(case.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .rights_policy(if case.enforce_rights { RightsPolicy::Enforce } else { RightsPolicy::Compat });
    if let Some(v) = case.version {
        b = b.version(v);
    }
    b
}

/// Run the module (a command, or a reactor when the case says `invoke`).
fn execute<P: Platform + 'static>(case: &Case, wasm: &[u8], ctx: WasiCtx<P>) -> (u32, Option<String>) {
    let engine = wasmi::Engine::default();
    let result = match &case.invoke {
        None => run_command(&engine, wasm, ctx).0,
        Some(export) => run_reactor(&engine, wasm, ctx, export),
    };
    match result {
        Ok(o) => (o.status(), None),
        Err(RunError::Trap(m)) => (134, Some(m)),
        Err(e) => (125, Some(e.to_string())),
    }
}

fn run_reactor<P: Platform + 'static>(
    engine: &wasmi::Engine,
    wasm: &[u8],
    ctx: WasiCtx<P>,
    export: &str,
) -> Result<Outcome, RunError> {
    let version = ctx.version();
    let module = wasmi::Module::new(engine, wasm).map_err(|e| RunError::Compile(e.to_string()))?;
    let mut linker = wasmi::Linker::new(engine);
    add_to_linker(&mut linker, version)?;
    let mut store = wasmi::Store::new(engine, ctx);
    let instance =
        linker.instantiate_and_start(&mut store, &module).map_err(|e| RunError::Link(e.to_string()))?;
    initialize(&mut store, &instance)?;
    let func = instance
        .get_func(&store, export)
        .ok_or_else(|| RunError::Start(format!("the reactor does not export {export:?}")))?;
    let ty = func.ty(&store);
    let mut results = vec![wasmi::Val::I32(0); ty.results().len()];
    match func.call(&mut store, &[], &mut results) {
        Ok(()) => Ok(Outcome::Exit(match results.first() {
            Some(wasmi::Val::I32(v)) => *v as u32,
            _ => 0,
        })),
        Err(e) => match store.data().exit_status() {
            Some(exit) => Ok(exit.into()),
            None => Err(RunError::Trap(e.to_string())),
        },
    }
}

/// Copy a fixture tree (symlinks as symlinks) to `to`.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let ft = e.file_type()?;
        let dst = to.join(e.file_name());
        if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path())?, &dst)?;
        } else if ft.is_dir() {
            copy_tree(&e.path(), &dst)?;
        } else {
            std::fs::copy(e.path(), &dst)?;
        }
    }
    Ok(())
}

/// Run `case` (module `wasm`, argv[0] `argv0`) on `backend`.
pub fn run(backend: Backend, case: &Case, wasm: &[u8], argv0: &str) -> Result<Observed, String> {
    match backend {
        Backend::Mem => run_mem(case, wasm, argv0),
        Backend::Posix => run_posix(case, wasm, argv0),
    }
}

fn run_mem(case: &Case, wasm: &[u8], argv0: &str) -> Result<Observed, String> {
    use wasibox_mem::{MemConfig, MemPipe, MemPlatform};
    let platform = MemPlatform::new(MemConfig::default());
    let fs = platform.fs().clone();
    let mut mounts = Vec::new();
    for (i, (guest, host, key)) in case.preopens.iter().enumerate() {
        let at = format!("/pre{i}");
        fs.create_dir_all(&at).map_err(|e| format!("mkdir {at}: {e:?}"))?;
        fs.load_host_dir(host, &at).map_err(|e| format!("load {}: {e}", host.display()))?;
        mounts.push((guest.clone(), at, key.clone()));
    }
    let stdin = MemPipe::from_bytes(&case.stdin);
    stdin.close_write();
    let (stdout, stderr) = (MemPipe::new(), MemPipe::new());
    let mut handles = Vec::new();
    for (guest, at, _) in &mounts {
        handles.push((guest.clone(), platform.open_dir(at).map_err(|e| format!("open {at}: {e:?}"))?));
    }
    let si = platform.pipe_handle(stdin, true, false);
    let so = platform.pipe_handle(stdout.clone(), false, true);
    let se = platform.pipe_handle(stderr.clone(), false, true);
    let mut b = builder(case, argv0, platform).stdin(si).stdout(so).stderr(se);
    for (guest, h) in handles {
        b = b.preopen(guest, h);
    }
    let ctx = b.build().map_err(|e| format!("build: {e:?}"))?;
    let (exit_code, trap) = execute(case, wasm, ctx);
    let mut trees = Vec::new();
    for (_, at, key) in &mounts {
        trees.push((key.clone(), snapshot_mem(&fs, at)?));
    }
    Ok(Observed { exit_code, trap, stdout: stdout.take(), stderr: stderr.take(), trees })
}

fn run_posix(case: &Case, wasm: &[u8], argv0: &str) -> Result<Observed, String> {
    use wasibox_posix::{PosixHandle, PosixPlatform};
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut dirs = Vec::new();
    for (i, (guest, host, key)) in case.preopens.iter().enumerate() {
        let to = tmp.path().join(format!("pre{i}"));
        copy_tree(host, &to).map_err(|e| format!("copy {}: {e}", host.display()))?;
        dirs.push((guest.clone(), to, key.clone()));
    }
    let io = |e: std::io::Error| e.to_string();
    // Stdio are pipes, as in a real run: not seekable, not files.
    let (stdin_r, mut stdin_w) = std::io::pipe().map_err(io)?;
    let (mut stdout_r, stdout_w) = std::io::pipe().map_err(io)?;
    let (mut stderr_r, stderr_w) = std::io::pipe().map_err(io)?;
    let input = case.stdin.clone();
    let feeder = std::thread::spawn(move || {
        let _ = stdin_w.write_all(&input);
    });
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout_r.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr_r.read_to_end(&mut v);
        v
    });
    let mut b = builder(case, argv0, PosixPlatform::new())
        .stdin(PosixHandle::from_owned_fd(stdin_r.into()).map_err(io)?)
        .stdout(PosixHandle::from_owned_fd(stdout_w.into()).map_err(io)?)
        .stderr(PosixHandle::from_owned_fd(stderr_w.into()).map_err(io)?);
    for (guest, path, _) in &dirs {
        b = b.preopen(guest.clone(), PosixHandle::open_dir(path).map_err(io)?);
    }
    let ctx = b.build().map_err(|e| format!("build: {e:?}"))?;
    // `execute` drops the context (and so the pipes' write ends) when the guest is done.
    let (exit_code, trap) = execute(case, wasm, ctx);
    let _ = feeder.join();
    let stdout = out_reader.join().map_err(|_| "stdout reader panicked".to_string())?;
    let stderr = err_reader.join().map_err(|_| "stderr reader panicked".to_string())?;
    let mut trees = Vec::new();
    for (_, path, key) in &dirs {
        trees.push((key.clone(), snapshot_host(path).map_err(io)?));
    }
    Ok(Observed { exit_code, trap, stdout, stderr, trees })
}
