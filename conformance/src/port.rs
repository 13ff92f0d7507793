//! Running the suite against a backend that lives outside this crate: a port.
//!
//! A porter implements [`Port`] — set up a platform holding a case's fixtures with its
//! stdio, then hand back what the guest wrote and the trees it left — and gets every case
//! run on it, checked, compared with the mem backend, and the coverage table:
//!
//! ```ignore
//! // a test, or the `main` of a small binary, in the port's crate
//! let reports = wasibox_conformance::port::run_suite(&MyPort, None);
//! // or, with the runner's command line (--filter, -v, --save):
//! std::process::exit(wasibox_conformance::port::main(&MyPort));
//! ```
//!
//! The suite runs each case on mem first (the reference): [`Port::skip`] sees that run,
//! so a port that cannot do everything (a read-only filesystem: [`read_only_skip`]) runs
//! the cases it can and reports the others as skipped, with the reason.

use crate::case::Case;
use crate::exec::{builder, execute_keeping, Backend, Observed};
use crate::suite::{collect, print_run, run_cases_with, CaseReport};
use crate::tree::{digest, file_line, path_of, Entry};
use wasibox_core::abi::Filetype;
use wasibox_core::{OpenOptions, Platform};

/// What one run of a case needs from the port, made by [`Port::prepare`].
pub struct Prepared<P: Platform, R> {
    /// The platform, holding a fresh copy of every fixture of the case.
    pub platform: P,
    /// Standard input: it reads `case.stdin`, then end of file.
    pub stdin: P::Handle,
    /// Standard output: [`Port::finish`] gives back what was written to it.
    pub stdout: P::Handle,
    /// Standard error: likewise.
    pub stderr: P::Handle,
    /// One directory handle per entry of `case.preopens`, in order (preopened at its
    /// guest path by the suite).
    pub preopens: Vec<P::Handle>,
    /// Whatever else [`Port::finish`] needs (the output buffers, say).
    pub run: R,
}

/// What a run left, given back by [`Port::finish`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outputs {
    /// Bytes written to stdout.
    pub stdout: Vec<u8>,
    /// Bytes written to stderr.
    pub stderr: Vec<u8>,
    /// The tree under each preopen after the run, in `case.preopens` order (see
    /// [`snapshot`]).
    pub trees: Vec<Vec<Entry>>,
}

/// A backend under test, as a porter plugs it into the suite.
pub trait Port {
    /// The platform under test.
    type Platform: Platform + 'static;
    /// What [`finish`](Port::finish) needs besides the platform.
    type Run;

    /// The backend's name: the table's column, and the key of a case's `"skip"` map.
    fn name(&self) -> &'static str;

    /// Why this port does not run `case` (`None`: run it). `reference` is what the case
    /// did on the mem backend (see [`Observed::fs_change`] and [`read_only_skip`]).
    fn skip(&self, case: &Case, reference: &Observed) -> Option<String> {
        let _ = (case, reference);
        None
    }

    /// Whether the port can hold the fixtures' symlinks. If not, it loads the fixtures
    /// without them; a case whose fixture has some then runs without them when mem gives
    /// the same result without them (the case's expected trees less their symlinks), and
    /// is skipped otherwise, with the reason.
    fn symlinks(&self) -> bool {
        true
    }

    /// Set up one run of `case`: a platform holding a fresh copy of each fixture
    /// directory of `case.preopens` (load them with [`crate::exec::fixture_tree`]),
    /// stdin reading `case.stdin`, stdout and stderr captured.
    fn prepare(&self, case: &Case) -> Result<Prepared<Self::Platform, Self::Run>, String>;

    /// After the guest ran (every descriptor closed): what it wrote, and the tree under
    /// each preopen ([`snapshot`] walks one through the platform).
    fn finish(&self, platform: Self::Platform, run: Self::Run) -> Result<Outputs, String>;
}

/// Run `case` (module `wasm`, `argv[0]` `argv0`) on `port`: prepare, build the context as
/// for every backend (args, env, rights policy, version, stdio, preopens), run it on
/// wasmi, finish.
pub fn run_port<T: Port + ?Sized>(
    port: &T,
    case: &Case,
    wasm: &[u8],
    argv0: &str,
) -> Result<Observed, String> {
    let Prepared { platform, stdin, stdout, stderr, preopens, run } = port.prepare(case)?;
    if preopens.len() != case.preopens.len() {
        return Err(format!(
            "prepare gave {} preopens, the case has {}",
            preopens.len(),
            case.preopens.len()
        ));
    }
    let mut b = builder(case, argv0, platform).stdin(stdin).stdout(stdout).stderr(stderr);
    for ((guest, _, _), h) in case.preopens.iter().zip(preopens) {
        b = b.preopen(guest.clone(), h);
    }
    let ctx = b.build().map_err(|e| format!("build: {e:?}"))?;
    let (exit_code, trap, ctx) = execute_keeping(case, wasm, ctx);
    let out = port.finish(ctx.into_platform(), run)?;
    if out.trees.len() != case.preopens.len() {
        return Err(format!(
            "finish gave {} trees, the case has {} preopens",
            out.trees.len(),
            case.preopens.len()
        ));
    }
    let trees = case.preopens.iter().map(|(_, _, key)| key.clone()).zip(out.trees).collect();
    Ok(Observed {
        exit_code,
        trap,
        stdout: out.stdout,
        stderr: out.stderr,
        trees,
        symlinks_made: 0,
        fs_change: None,
    })
}

/// A [`Port`] as the suite holds it (object-safe; every `Port` is one).
pub trait RunPort {
    /// [`Port::name`].
    fn name(&self) -> &'static str;
    /// [`Port::skip`].
    fn skip(&self, case: &Case, reference: &Observed) -> Option<String>;
    /// [`Port::symlinks`].
    fn symlinks(&self) -> bool;
    /// [`run_port`].
    fn run(&self, case: &Case, wasm: &[u8], argv0: &str) -> Result<Observed, String>;
}

impl<T: Port> RunPort for T {
    fn name(&self) -> &'static str {
        Port::name(self)
    }
    fn skip(&self, case: &Case, reference: &Observed) -> Option<String> {
        Port::skip(self, case, reference)
    }
    fn symlinks(&self) -> bool {
        Port::symlinks(self)
    }
    fn run(&self, case: &Case, wasm: &[u8], argv0: &str) -> Result<Observed, String> {
        run_port(self, case, wasm, argv0)
    }
}

/// The skip reason every read-only port gives: the guest tried to change the
/// filesystem on the reference run (its expectations were blessed on a writable one).
pub const READ_ONLY: &str = "read-only backend";

/// For a read-only port's [`Port::skip`]: `Some` when the guest tried to change the
/// filesystem on the reference run, naming the first call that did.
pub fn read_only_skip(reference: &Observed) -> Option<String> {
    reference.fs_change.map(|call| format!("{READ_ONLY}: the guest changes the filesystem ({call} on mem)"))
}

/// Run every case of the suite (`conformance/cases`) whose name contains `filter` on
/// `port`, checked and compared with mem.
pub fn run_suite(port: &dyn RunPort, filter: Option<&str>) -> Vec<CaseReport> {
    let root = crate::guests::cases_root();
    let specs: Vec<_> = collect(&root).into_iter().map(|p| (p, None)).collect();
    run_cases_with(&specs, &root, &[], &[port], filter)
}

/// The runner's command line for a port's own binary: `[--filter TEXT] [-v] [--save
/// FILE]`. Runs [`run_suite`], prints every failure and the table, and returns the exit
/// status (0 when nothing failed, 1 otherwise, 2 on a usage error).
pub fn main(port: &dyn RunPort) -> i32 {
    let mut args = std::env::args().skip(1);
    let (mut filter, mut verbose, mut save) = (None, false, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--filter" => filter = args.next(),
            "--save" => save = args.next().map(std::path::PathBuf::from),
            "-v" | "--verbose" => verbose = true,
            _ => {
                eprintln!("usage: [--filter TEXT] [-v] [--save FILE]");
                return 2;
            }
        }
    }
    let reports = run_suite(port, filter.as_deref());
    match print_run(&reports, &[Backend::Port(port.name())], verbose, save.as_deref()) {
        Ok(0) => 0,
        Ok(_) => 1,
        Err(e) => {
            eprintln!("{e}");
            2
        }
    }
}

/// The tree under the directory `dir` of `platform`, walked through the [`Platform`]
/// calls the guest would make (`readdir`, `stat_at`, `open_at`, `read`, `readlink_at`):
/// what a port's [`Port::finish`] returns for each preopen.
pub fn snapshot<P: Platform>(platform: &P, dir: &mut P::Handle) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    walk(platform, dir, "", &mut out)?;
    out.sort_by(|a, b| path_of(&a.line).cmp(path_of(&b.line)));
    Ok(out)
}

fn walk<P: Platform>(
    platform: &P,
    dir: &mut P::Handle,
    prefix: &str,
    out: &mut Vec<Entry>,
) -> Result<(), String> {
    let mut names = Vec::new();
    let mut cookie = 0;
    loop {
        let before = names.len();
        platform
            .readdir(dir, cookie, &mut |e| {
                cookie = e.next;
                if e.name != b"." && e.name != b".." {
                    names.push(String::from_utf8_lossy(e.name).into_owned());
                }
                true
            })
            .map_err(|e| format!("readdir {prefix}: {e:?}"))?;
        // The sink took every entry: the listing ended unless a backend stops early.
        if names.len() == before {
            break;
        }
    }
    let read = OpenOptions { read: true, ..OpenOptions::default() };
    for name in names {
        let rel = format!("{prefix}{name}");
        let st = platform.stat_at(dir, &name, false).map_err(|e| format!("stat {rel}: {e:?}"))?;
        match st.filetype {
            Filetype::Directory => {
                out.push(Entry { line: format!("d {rel}"), digest: 0 });
                let opts = OpenOptions { directory: true, ..read };
                let mut sub =
                    platform.open_at(dir, &name, &opts).map_err(|e| format!("open {rel}: {e:?}"))?;
                walk(platform, &mut sub, &format!("{rel}/"), out)?;
                let _ = platform.close(sub);
            }
            Filetype::SymbolicLink => {
                let t = platform.readlink_at(dir, &name).map_err(|e| format!("readlink {rel}: {e:?}"))?;
                out.push(Entry { line: format!("l {rel} -> {}", String::from_utf8_lossy(&t)), digest: 0 });
            }
            Filetype::RegularFile => {
                let mut f = platform.open_at(dir, &name, &read).map_err(|e| format!("open {rel}: {e:?}"))?;
                let mut data = Vec::new();
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    let n = platform
                        .read(&mut f, &mut [&mut chunk[..]])
                        .map_err(|e| format!("read {rel}: {e:?}"))?;
                    match chunk.get(..n) {
                        Some(got) if n > 0 => data.extend_from_slice(got),
                        _ => break,
                    }
                }
                let _ = platform.close(f);
                out.push(Entry { line: file_line(&rel, &data), digest: digest(&data) });
            }
            _ => out.push(Entry { line: format!("? {rel}"), digest: 0 }),
        }
    }
    Ok(())
}
