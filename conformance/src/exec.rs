//! Running one case on one backend and observing what happened.

use crate::case::Case;
use crate::probe::ChangeProbe;
use crate::tree::{snapshot_host, snapshot_mem, Entry};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
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
    /// A backend from outside this crate, by name, run through its [`Port`](crate::port::Port)
    /// adapter (see [`suite::run_cases_with`](crate::suite::run_cases_with)).
    Port(&'static str),
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
            Backend::Port(name) => name,
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
    /// The first platform call by which the guest tried to change the filesystem,
    /// whatever its answer (known on mem, through [`ChangeProbe`]; `None` elsewhere). A
    /// read-only port runs only cases without one. Not compared between backends.
    pub fs_change: Option<&'static str>,
}

/// A builder with the case's args, env, rights policy and version (`argv[0]` first).
pub(crate) fn builder<P: Platform>(case: &Case, argv0: &str, platform: P) -> WasiBuilder<P> {
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
    let (exit_code, trap, _ctx) = execute_keeping(case, wasm, ctx);
    (exit_code, trap)
}

/// [`execute`], giving the context back (to take the platform out of it).
pub(crate) fn execute_keeping<P: Platform + 'static>(
    case: &Case,
    wasm: &[u8],
    ctx: WasiCtx<P>,
) -> (u32, Option<String>, WasiCtx<P>) {
    let engine = wasmi::Engine::default();
    let (result, store) = match &case.invoke {
        None => run_command(&engine, wasm, ctx),
        Some(export) => {
            let mut store = wasmi::Store::new(&engine, ctx);
            (run_reactor(&engine, wasm, &mut store, export), store)
        }
    };
    let ctx = store.into_data();
    match result {
        Ok(o) => (o.status(), None, ctx),
        Err(RunError::Trap(m)) => (134, Some(m), ctx),
        Err(e) => (125, Some(e.to_string()), ctx),
    }
}

fn run_reactor<P: Platform + 'static>(
    engine: &wasmi::Engine,
    wasm: &[u8],
    store: &mut wasmi::Store<WasiCtx<P>>,
    export: &str,
) -> Result<Outcome, RunError> {
    let version = store.data().version();
    let module = wasmi::Module::new(engine, wasm).map_err(|e| RunError::Compile(e.to_string()))?;
    let mut linker = wasmi::Linker::new(engine);
    add_to_linker(&mut linker, version)?;
    let instance =
        linker.instantiate_and_start(&mut *store, &module).map_err(|e| RunError::Link(e.to_string()))?;
    initialize(store, &instance)?;
    let func = instance
        .get_func(&*store, export)
        .ok_or_else(|| RunError::Start(format!("the reactor does not export {export:?}")))?;
    let ty = func.ty(&*store);
    let mut results = vec![wasmi::Val::I32(0); ty.results().len()];
    match func.call(&mut *store, &[], &mut results) {
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

/// Symlinks of the committed fixtures: (path relative to the cases root, `/`-separated;
/// target), listed by `build.rs` on the build host, where they are real symlinks. A
/// Windows process needs the list: under Wine, Unix symlinks are followed transparently,
/// and a Windows checkout may have turned them into files.
pub static FIXTURE_LINKS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/fixture_links.rs"));

/// The committed symlinks under the fixture directory `host`, as (path relative to
/// `host`, target). Empty for directories outside the cases root (upstream testsuite
/// layouts: their symlinks are seen as the host shows them).
pub fn fixture_links(host: &Path) -> Vec<(String, String)> {
    let Ok(rel) = host.strip_prefix(crate::guests::cases_root()) else { return Vec::new() };
    let mut prefix: String =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    FIXTURE_LINKS
        .iter()
        .filter_map(|(p, t)| p.strip_prefix(prefix.as_str()).map(|r| (r.to_string(), t.to_string())))
        .collect()
}

/// Copy a fixture tree (symlinks as symlinks) to `to`.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    copy_fixture(from, to, Links::Keep)
}

/// Copy the fixture tree `from` to `to`; its symlinks (the committed ones, and on Unix
/// any other the host shows) are made as symlinks, or left out with [`Links::Omit`].
pub fn copy_fixture(from: &Path, to: &Path, links: Links) -> std::io::Result<()> {
    copy_rec(from, to, "", &fixture_links(from), links)
}

/// One entry of a fixture directory.
enum FixtureEntry {
    /// A symlink and its target.
    Link(String),
    /// A directory.
    Dir,
    /// A regular file.
    File,
}

/// The entries of the fixture directory `from` (at `rel`, `/`-terminated, in the
/// fixture), sorted by name: what the host lists, with the committed symlinks taken from
/// `known` rather than from the host (under Wine a link reads as its target, and a
/// dangling or looping one is not listed at all).
fn fixture_entries(
    from: &Path,
    rel: &str,
    known: &[(String, String)],
) -> std::io::Result<Vec<(String, PathBuf, FixtureEntry)>> {
    let mut out = Vec::new();
    for (p, t) in known {
        if let Some(name) = p.strip_prefix(rel).filter(|n| !n.contains('/')) {
            out.push((name.to_string(), from.join(name), FixtureEntry::Link(t.clone())));
        }
    }
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        // Decided by name first: under Wine, asking about a link would follow it.
        if out.iter().any(|(n, _, _)| *n == name) {
            continue;
        }
        let ft = e.file_type()?;
        let kind = if ft.is_symlink() {
            FixtureEntry::Link(std::fs::read_link(e.path())?.to_string_lossy().into_owned())
        } else if ft.is_dir() {
            FixtureEntry::Dir
        } else {
            FixtureEntry::File
        };
        out.push((name, e.path(), kind));
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out)
}

/// One entry of a fixture tree, as [`fixture_tree`] lists it for a port to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixtureItem {
    /// A directory.
    Dir,
    /// A regular file and its contents.
    File(Vec<u8>),
    /// A symlink and its target.
    Link(String),
}

/// Every entry under the fixture directory `host`, parents before their entries, each
/// directory's entries in name order, with paths relative to `host` (`/`-separated): what
/// a port loads into its own storage. The committed symlinks are listed as such on every
/// host (see [`fixture_links`]).
pub fn fixture_tree(host: &Path) -> std::io::Result<Vec<(String, FixtureItem)>> {
    let mut out = Vec::new();
    fixture_tree_rec(host, "", &fixture_links(host), &mut out)?;
    Ok(out)
}

fn fixture_tree_rec(
    from: &Path,
    rel: &str,
    known: &[(String, String)],
    out: &mut Vec<(String, FixtureItem)>,
) -> std::io::Result<()> {
    for (name, src, kind) in fixture_entries(from, rel, known)? {
        let path = format!("{rel}{name}");
        match kind {
            FixtureEntry::Link(target) => out.push((path, FixtureItem::Link(target))),
            FixtureEntry::Dir => {
                out.push((path.clone(), FixtureItem::Dir));
                fixture_tree_rec(&src, &format!("{path}/"), known, out)?;
            }
            FixtureEntry::File => out.push((path, FixtureItem::File(std::fs::read(&src)?))),
        }
    }
    Ok(())
}

fn copy_rec(
    from: &Path,
    to: &Path,
    rel: &str,
    known: &[(String, String)],
    links: Links,
) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for (name, src, kind) in fixture_entries(from, rel, known)? {
        let dst = to.join(&name);
        match kind {
            FixtureEntry::Link(target) => {
                if links == Links::Keep {
                    make_symlink(&target, &src, &dst)?;
                }
            }
            FixtureEntry::Dir => copy_rec(&src, &dst, &format!("{rel}{name}/"), known, links)?,
            FixtureEntry::File => {
                std::fs::copy(&src, &dst)?;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn make_symlink(target: &str, _src: &Path, dst: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, dst)
}

/// Windows tells file from directory symlinks: a directory one when the target ends in
/// `/` or, seen from the committed link, is a directory of the fixture.
#[cfg(windows)]
fn make_symlink(target: &str, src: &Path, dst: &Path) -> std::io::Result<()> {
    let win_target = target.replace('/', "\\");
    let is_dir = target.ends_with('/')
        || (!target.starts_with('/') && src.parent().is_some_and(|p| p.join(&win_target).is_dir()));
    if is_dir {
        std::os::windows::fs::symlink_dir(&win_target, dst)
    } else {
        std::os::windows::fs::symlink_file(&win_target, dst)
    }
}

#[cfg(not(any(unix, windows)))]
fn make_symlink(_target: &str, _src: &Path, _dst: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no symlinks on this host"))
}

/// Run `case` (module `wasm`, `argv[0]` = `argv0`) on `backend`.
pub fn run(backend: Backend, case: &Case, wasm: &[u8], argv0: &str) -> Result<Observed, String> {
    run_with(backend, case, wasm, argv0, Links::Keep)
}

/// Like [`run`], choosing whether the fixtures get their symlinks.
pub fn run_with(
    backend: Backend,
    case: &Case,
    wasm: &[u8],
    argv0: &str,
    links: Links,
) -> Result<Observed, String> {
    match backend {
        Backend::Mem => run_mem(case, wasm, argv0, links),
        #[cfg(unix)]
        Backend::Posix => run_posix(case, wasm, argv0, links),
        #[cfg(windows)]
        Backend::Windows => run_windows(case, wasm, argv0, links),
        Backend::Port(name) => {
            Err(format!("{name} is a port: it runs through its adapter (suite::run_cases_with)"))
        }
    }
}

/// Load the fixture `host` into the mem filesystem at `at`. On Unix with its symlinks,
/// the host's loader does it (times included). Elsewhere entries are made one by one,
/// in name order (the mem backend lists a directory in creation order), with the
/// committed symlinks from [`FIXTURE_LINKS`].
fn load_mem(fs: &wasibox_mem::MemFs, host: &Path, at: &str, links: Links) -> Result<(), String> {
    if cfg!(unix) && links == Links::Keep {
        return fs.load_host_dir(host, at).map_err(|e| format!("load {}: {e}", host.display()));
    }
    load_mem_rec(fs, host, at, "", &fixture_links(host), links)
        .map_err(|e| format!("load {}: {e}", host.display()))
}

fn load_mem_rec(
    fs: &wasibox_mem::MemFs,
    from: &Path,
    at: &str,
    rel: &str,
    known: &[(String, String)],
    links: Links,
) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    for (name, src, kind) in fixture_entries(from, rel, known).map_err(io)? {
        let dst = format!("{at}/{name}");
        match kind {
            FixtureEntry::Link(target) => {
                if links == Links::Keep {
                    fs.symlink(target.as_bytes(), dst.as_bytes())
                        .map_err(|e| format!("symlink {dst}: {e:?}"))?;
                }
            }
            FixtureEntry::Dir => {
                fs.create_dir(dst.as_bytes()).map_err(|e| format!("mkdir {dst}: {e:?}"))?;
                load_mem_rec(fs, &src, &dst, &format!("{rel}{name}/"), known, links)?;
            }
            FixtureEntry::File => {
                let data = std::fs::read(&src).map_err(io)?;
                fs.write_file(dst.as_bytes(), &data).map_err(|e| format!("write {dst}: {e:?}"))?;
            }
        }
    }
    Ok(())
}

fn run_mem(case: &Case, wasm: &[u8], argv0: &str, links: Links) -> Result<Observed, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use wasibox_mem::{MemConfig, MemPipe, MemPlatform};
    let mem = MemPlatform::new(MemConfig::default());
    let fs = mem.fs().clone();
    let mut mounts = Vec::new();
    for (i, (guest, host, key)) in case.preopens.iter().enumerate() {
        let at = format!("/pre{i}");
        fs.create_dir_all(&at).map_err(|e| format!("mkdir {at}: {e:?}"))?;
        load_mem(&fs, host, &at, links)?;
        mounts.push((guest.clone(), at, key.clone()));
    }
    let stdin = MemPipe::from_bytes(&case.stdin);
    stdin.close_write();
    let (stdout, stderr) = (MemPipe::new(), MemPipe::new());
    let mut handles = Vec::new();
    for (guest, at, _) in &mounts {
        handles.push((guest.clone(), mem.open_dir(at).map_err(|e| format!("open {at}: {e:?}"))?));
    }
    let si = mem.pipe_handle(stdin, true, false);
    let so = mem.pipe_handle(stdout.clone(), false, true);
    let se = mem.pipe_handle(stderr.clone(), false, true);
    // What a read-only backend could not do: noted, and otherwise invisible.
    let (platform, fs_change) = ChangeProbe::new(mem);
    let mut b = builder(case, argv0, platform).stdin(si).stdout(so).stderr(se);
    for (guest, h) in handles {
        b = b.preopen(guest, h);
    }
    let mut ctx = b.build().map_err(|e| format!("build: {e:?}"))?;
    // Which symlinks the guest makes decides what a host without symlinks can run.
    let made = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&made);
    ctx.set_tracer(Some(Box::new(move |e: &wasibox_core::TraceEvent<'_>| {
        if e.func == wasibox_core::Func::PathSymlink && e.errno.is_some_and(|x| x.0 == 0) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    })));
    let (exit_code, trap) = execute(case, wasm, ctx);
    let mut trees = Vec::new();
    for (_, at, key) in &mounts {
        trees.push((key.clone(), snapshot_mem(&fs, at)?));
    }
    Ok(Observed {
        exit_code,
        trap,
        stdout: stdout.take(),
        stderr: stderr.take(),
        trees,
        symlinks_made: made.load(Ordering::Relaxed),
        fs_change: fs_change.get().copied(),
    })
}

/// Stdio as pipes, as in a real run (not seekable, not files): the guest's ends, and
/// threads feeding stdin and collecting stdout and stderr.
struct PipeStdio {
    stdin: std::io::PipeReader,
    stdout: std::io::PipeWriter,
    stderr: std::io::PipeWriter,
    feeder: std::thread::JoinHandle<()>,
    out: std::thread::JoinHandle<Vec<u8>>,
    err: std::thread::JoinHandle<Vec<u8>>,
}

fn drain(mut r: std::io::PipeReader) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

impl PipeStdio {
    fn new(input: &[u8]) -> std::io::Result<PipeStdio> {
        let (stdin, mut stdin_w) = std::io::pipe()?;
        let (stdout_r, stdout) = std::io::pipe()?;
        let (stderr_r, stderr) = std::io::pipe()?;
        let input = input.to_vec();
        let feeder = std::thread::spawn(move || {
            let _ = stdin_w.write_all(&input);
        });
        Ok(PipeStdio { stdin, stdout, stderr, feeder, out: drain(stdout_r), err: drain(stderr_r) })
    }
}

/// Wait for the stdio threads (the guest's ends must be closed by then): (stdout, stderr).
fn collect(
    feeder: std::thread::JoinHandle<()>,
    out: std::thread::JoinHandle<Vec<u8>>,
    err: std::thread::JoinHandle<Vec<u8>>,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let _ = feeder.join();
    let stdout = out.join().map_err(|_| "stdout reader panicked".to_string())?;
    let stderr = err.join().map_err(|_| "stderr reader panicked".to_string())?;
    Ok((stdout, stderr))
}

#[cfg(unix)]
fn run_posix(case: &Case, wasm: &[u8], argv0: &str, links: Links) -> Result<Observed, String> {
    use wasibox_posix::{PosixHandle, PosixPlatform};
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut dirs = Vec::new();
    for (i, (guest, host, key)) in case.preopens.iter().enumerate() {
        let to = tmp.path().join(format!("pre{i}"));
        copy_fixture(host, &to, links).map_err(|e| format!("copy {}: {e}", host.display()))?;
        dirs.push((guest.clone(), to, key.clone()));
    }
    let io = |e: std::io::Error| e.to_string();
    let PipeStdio { stdin, stdout, stderr, feeder, out, err } = PipeStdio::new(&case.stdin).map_err(io)?;
    let mut b = builder(case, argv0, PosixPlatform::new())
        .stdin(PosixHandle::from_owned_fd(stdin.into()).map_err(io)?)
        .stdout(PosixHandle::from_owned_fd(stdout.into()).map_err(io)?)
        .stderr(PosixHandle::from_owned_fd(stderr.into()).map_err(io)?);
    for (guest, path, _) in &dirs {
        b = b.preopen(guest.clone(), PosixHandle::open_dir(path).map_err(io)?);
    }
    let ctx = b.build().map_err(|e| format!("build: {e:?}"))?;
    // `execute` drops the context (and so the pipes' write ends) when the guest is done.
    let (exit_code, trap) = execute(case, wasm, ctx);
    let (stdout, stderr) = collect(feeder, out, err)?;
    let mut trees = Vec::new();
    for (_, path, key) in &dirs {
        trees.push((key.clone(), snapshot_host(path).map_err(io)?));
    }
    Ok(Observed { exit_code, trap, stdout, stderr, trees, symlinks_made: 0, fs_change: None })
}

/// The Windows backend: fixtures copied to a temporary directory (with their symlinks,
/// unless `links` says otherwise), stdio through anonymous pipes.
#[cfg(windows)]
fn run_windows(case: &Case, wasm: &[u8], argv0: &str, links: Links) -> Result<Observed, String> {
    use std::os::windows::io::OwnedHandle;
    use wasibox_windows::{WindowsHandle, WindowsPlatform};
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut dirs = Vec::new();
    for (i, (guest, host, key)) in case.preopens.iter().enumerate() {
        let to = tmp.path().join(format!("pre{i}"));
        copy_fixture(host, &to, links).map_err(|e| format!("copy {}: {e}", host.display()))?;
        dirs.push((guest.clone(), to, key.clone()));
    }
    let io = |e: std::io::Error| e.to_string();
    let PipeStdio { stdin, stdout, stderr, feeder, out, err } = PipeStdio::new(&case.stdin).map_err(io)?;
    let mut b = builder(case, argv0, WindowsPlatform::new())
        .stdin(WindowsHandle::from_owned_handle(OwnedHandle::from(stdin)).map_err(io)?)
        .stdout(WindowsHandle::from_owned_handle(OwnedHandle::from(stdout)).map_err(io)?)
        .stderr(WindowsHandle::from_owned_handle(OwnedHandle::from(stderr)).map_err(io)?);
    for (guest, path, _) in &dirs {
        b = b.preopen(guest.clone(), WindowsHandle::open_dir(path).map_err(io)?);
    }
    let ctx = b.build().map_err(|e| format!("build: {e:?}"))?;
    let (exit_code, trap) = execute(case, wasm, ctx);
    let (stdout, stderr) = collect(feeder, out, err)?;
    let mut trees = Vec::new();
    for (_, path, key) in &dirs {
        trees.push((key.clone(), snapshot_host(path).map_err(io)?));
    }
    Ok(Observed { exit_code, trap, stdout, stderr, trees, symlinks_made: 0, fs_change: None })
}
