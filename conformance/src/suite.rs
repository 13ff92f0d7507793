//! Collecting cases, running them on backends, checking, and the coverage table.

use crate::case::{Case, Guest};
use crate::exec::{run, run_with, Backend, Links, Observed};
use crate::port::RunPort;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The verdict on one case on one backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything matched.
    Pass,
    /// Something differed; one line per difference.
    Fail(Vec<String>),
    /// Not run here, and why.
    Skip(String),
}

/// One case's results on every backend it ran on.
#[derive(Clone, Debug)]
pub struct CaseReport {
    /// The case.
    pub case: Case,
    /// Per backend.
    pub verdicts: BTreeMap<Backend, Verdict>,
    /// What each backend produced.
    pub observed: BTreeMap<Backend, Observed>,
    /// How a backend ran the case when it was not the usual way (under Wine: without the
    /// fixture's symlinks).
    pub notes: BTreeMap<Backend, Vec<String>>,
}

/// Every `*.json` under `dir` except fixtures, sorted.
pub fn collect(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "fixtures") || p.extension().is_some_and(|x| x == "dir")
                {
                    continue;
                }
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Upstream wasi-testsuite layout: every `*.wasm`/`*.wat` under `dir`, with the `.json`
/// beside it (optional).
pub fn collect_testsuite(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "wasm" || x == "wat") {
                out.push((p.with_extension("json"), p));
            }
        }
    }
    out.sort();
    out
}

fn show(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

/// Check an observation against the case's expectations.
pub fn check(case: &Case, obs: &Observed) -> Vec<String> {
    let mut diffs = Vec::new();
    if obs.exit_code != case.exit_code {
        let trap = obs.trap.as_ref().map(|t| format!(" ({t})")).unwrap_or_default();
        diffs.push(format!("exit code: expected {} got {}{trap}", case.exit_code, obs.exit_code));
    }
    if let Some(want) = &case.stdout {
        if want.as_bytes() != obs.stdout.as_slice() {
            diffs.push(format!("stdout: expected {want:?}\n      got {}", show(&obs.stdout)));
        }
    }
    if let Some(want) = &case.stderr {
        if want.as_bytes() != obs.stderr.as_slice() {
            diffs.push(format!("stderr: expected {want:?}\n      got {}", show(&obs.stderr)));
        }
    }
    for (key, want) in &case.tree {
        let got: Vec<&str> = obs
            .trees
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.iter().map(|e| e.line.as_str()).collect())
            .unwrap_or_default();
        if got != want.iter().map(String::as_str).collect::<Vec<_>>() {
            diffs.push(format!("tree {key}: expected {want:?}\n      got {got:?}"));
        }
    }
    diffs
}

/// Differences between two backends' observations (the differential run).
pub fn differ(a: &Observed, b: &Observed) -> Vec<String> {
    let mut diffs = Vec::new();
    if a.exit_code != b.exit_code {
        diffs.push(format!("exit code differs: {} vs {}", a.exit_code, b.exit_code));
    }
    if a.stdout != b.stdout {
        diffs.push(format!("stdout differs: {} vs {}", show(&a.stdout), show(&b.stdout)));
    }
    if a.stderr != b.stderr {
        diffs.push(format!("stderr differs: {} vs {}", show(&a.stderr), show(&b.stderr)));
    }
    if a.trees != b.trees {
        diffs.push(format!("trees differ: {:?} vs {:?}", a.trees, b.trees));
    }
    diffs
}

/// Run every case on every backend in `backends`, checking each and comparing them
/// with each other. `filter` keeps cases whose name contains it.
pub fn run_cases(
    specs: &[(PathBuf, Option<PathBuf>)],
    root: &Path,
    backends: &[Backend],
    filter: Option<&str>,
) -> Vec<CaseReport> {
    run_cases_with(specs, root, backends, &[], filter)
}

/// [`run_cases`], and then each case on every port of `ports` (backends from outside
/// this crate, see [`crate::port`]), after the built-in backends. A port is compared with
/// the mem backend's run of the case (made for it if `backends` has no mem), which its
/// [`skip`](crate::port::Port::skip) sees first. Its verdicts are under
/// [`Backend::Port`].
pub fn run_cases_with(
    specs: &[(PathBuf, Option<PathBuf>)],
    root: &Path,
    backends: &[Backend],
    ports: &[&dyn RunPort],
    filter: Option<&str>,
) -> Vec<CaseReport> {
    let mut reports = Vec::new();
    for (spec, module) in specs {
        let case = match Case::load(spec, root, module.clone()) {
            Ok(c) => c,
            Err(e) => {
                let case = Case { name: spec.display().to_string(), path: spec.clone(), ..Case::default() };
                let all = backends.iter().copied().chain(ports.iter().map(|p| Backend::Port(p.name())));
                let verdicts = all.map(|b| (b, Verdict::Fail(vec![e.clone()]))).collect();
                reports.push(CaseReport {
                    case,
                    verdicts,
                    observed: BTreeMap::new(),
                    notes: BTreeMap::new(),
                });
                continue;
            }
        };
        if filter.is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let loaded = crate::guests::load(&case.guest);
        let mut verdicts = BTreeMap::new();
        let mut observed: Vec<(Backend, Observed)> = Vec::new();
        let mut notes = BTreeMap::new();
        // The differential reference of a backend, when it is not the first backend's run.
        let mut reference: BTreeMap<Backend, Observed> = BTreeMap::new();
        for &b in backends {
            if let Some(why) = case.skip.get(b.name()) {
                verdicts.insert(b, Verdict::Skip(why.clone()));
                continue;
            }
            let (wasm, argv0) = match &loaded {
                Err(e) => {
                    verdicts.insert(b, Verdict::Fail(vec![e.clone()]));
                    continue;
                }
                Ok((wasm, argv0)) => (wasm, argv0),
            };
            let mut links = Links::Keep;
            let mut expect = std::borrow::Cow::Borrowed(&case);
            if let Some(own) = case.for_backend(b.name()) {
                let why = case.on_backend.get(b.name()).map(|e| e.why.as_str()).unwrap_or_default();
                notes.entry(b).or_insert_with(Vec::new).push(format!("{ON_BACKEND_NOTE} {why}"));
                expect = std::borrow::Cow::Owned(own);
            }
            if b.under_wine() {
                let mem = observed.iter().find(|(x, _)| *x == Backend::Mem).map(|(_, o)| o);
                match wine_plan(&case, wasm, argv0, mem) {
                    WinePlan::Run => {}
                    WinePlan::Skip(why) => {
                        verdicts.insert(b, Verdict::Skip(why));
                        continue;
                    }
                    WinePlan::WithoutLinks(control) => {
                        links = Links::Omit;
                        expect = std::borrow::Cow::Owned(without_links(&expect));
                        notes.entry(b).or_insert_with(Vec::new).push(WITHOUT_LINKS_NOTE.to_string());
                        reference.insert(b, *control);
                    }
                }
            }
            let mut v = match run_with(b, &case, wasm, argv0, links) {
                Err(e) => Verdict::Fail(vec![format!("harness: {e}")]),
                Ok(obs) => {
                    let diffs = check(&expect, &obs);
                    observed.push((b, obs));
                    if diffs.is_empty() {
                        Verdict::Pass
                    } else {
                        Verdict::Fail(diffs)
                    }
                }
            };
            if b.under_wine() && matches!(v, Verdict::Fail(_)) {
                if let Some((_, why)) = WINE_LIMITS.iter().find(|(n, _)| *n == case.name) {
                    v = Verdict::Skip((*why).to_string());
                    observed.retain(|(x, _)| *x != b);
                }
            }
            verdicts.insert(b, v);
        }
        let mut port_observed = Vec::new();
        if let Ok((wasm, argv0)) = &loaded {
            for port in ports {
                let mem = observed.iter().find(|(x, _)| *x == Backend::Mem).map(|(_, o)| o);
                let (b, v, obs, note) = run_on_port(*port, &case, wasm, argv0, mem);
                verdicts.insert(b, v);
                if let Some(n) = note {
                    notes.entry(b).or_insert_with(Vec::new).push(n);
                }
                port_observed.extend(obs.map(|o| (b, o)));
            }
        } else if let Err(e) = &loaded {
            for port in ports {
                verdicts.insert(Backend::Port(port.name()), Verdict::Fail(vec![e.clone()]));
            }
        }
        // Differential: every backend against the first (or its own reference), on
        // everything observed.
        if let Some(((b0, first), rest)) = observed.split_first() {
            for (b, obs) in rest {
                let (base, label) = match reference.get(b) {
                    Some(r) => (r, format!("{} without the fixture's symlinks", b0.name())),
                    None => (first, b0.name().to_string()),
                };
                let d = differ_except_own(&case, b.name(), base, obs);
                if !d.is_empty() {
                    let entry = verdicts.entry(*b).or_insert(Verdict::Pass);
                    let mut lines = match entry {
                        Verdict::Fail(l) => l.clone(),
                        _ => Vec::new(),
                    };
                    lines.extend(d.into_iter().map(|l| format!("differential vs {label}: {l}")));
                    *entry = Verdict::Fail(lines);
                }
            }
        }
        if matches!(case.guest, Guest::None) {
            continue;
        }
        observed.extend(port_observed);
        reports.push(CaseReport { case, verdicts, observed: observed.into_iter().collect(), notes });
    }
    reports
}

/// Why a port ran a case without the fixture's symlinks (the report's note).
pub const PORT_WITHOUT_LINKS_NOTE: &str =
    "ran without the fixture's symlinks, which the backend cannot hold: \
     on mem these cases give the same result without them";

/// One case on one port: skipped (by the case's `"skip"` map, because the reference run
/// on mem was, or by the port), or run, checked, and compared with the reference run.
/// A port without symlinks runs without the fixture's ones when mem shows the case does
/// not depend on them (as the Windows backend does under Wine). The last value is the
/// report's note.
/// [`differ`], less the fields `backend` has its own expectation for (`on_backend`).
fn differ_except_own(case: &Case, backend: &str, base: &Observed, obs: &Observed) -> Vec<String> {
    let mut d = differ(base, obs);
    if let Some(own) = case.on_backend.get(backend) {
        let own_fields = [
            ("exit code", own.exit_code.is_some()),
            ("stdout", own.stdout.is_some()),
            ("stderr", own.stderr.is_some()),
            ("trees", own.tree.is_some()),
        ];
        d.retain(|l| !own_fields.iter().any(|(f, mine)| *mine && l.starts_with(f)));
    }
    d
}

fn run_on_port(
    port: &dyn RunPort,
    case: &Case,
    wasm: &[u8],
    argv0: &str,
    mem: Option<&Observed>,
) -> (Backend, Verdict, Option<Observed>, Option<String>) {
    let b = Backend::Port(port.name());
    let skip = |why: String| (b, Verdict::Skip(why), None, None);
    if let Some(why) = case.skip.get(port.name()) {
        return skip(why.clone());
    }
    if let Some(why) = case.skip.get(Backend::Mem.name()) {
        return skip(format!("skipped on the reference backend (mem): {why}"));
    }
    let own;
    let mut reference = match mem {
        Some(m) => m,
        None => match run(Backend::Mem, case, wasm, argv0) {
            Ok(o) => {
                own = o;
                &own
            }
            Err(e) => {
                return (b, Verdict::Fail(vec![format!("harness: reference run on mem: {e}")]), None, None)
            }
        },
    };
    if let Some(why) = port.skip(case, reference) {
        return skip(why);
    }
    let mut expect = std::borrow::Cow::Borrowed(case);
    let mut note = None;
    if let Some(own) = case.for_backend(port.name()) {
        let why = case.on_backend.get(port.name()).map(|e| e.why.as_str()).unwrap_or_default();
        note = Some(format!("{ON_BACKEND_NOTE} {why}"));
        expect = std::borrow::Cow::Owned(own);
    }
    let control;
    if !port.symlinks() {
        let has_links = case.preopens.iter().any(|(_, host, _)| {
            crate::exec::fixture_tree(host)
                .is_ok_and(|t| t.iter().any(|(_, item)| matches!(item, crate::exec::FixtureItem::Link(_))))
        });
        let cannot = format!("{} holds no symlinks", port.name());
        match links_plan(case, wasm, argv0, Some(reference), has_links, &cannot) {
            WinePlan::Run => {}
            WinePlan::Skip(why) => return skip(why),
            WinePlan::WithoutLinks(c) => {
                control = *c;
                reference = &control;
                expect = std::borrow::Cow::Owned(without_links(&expect));
                note = Some(PORT_WITHOUT_LINKS_NOTE.to_string());
            }
        }
    }
    match port.run(case, wasm, argv0) {
        Err(e) => (b, Verdict::Fail(vec![format!("harness: {e}")]), None, note),
        Ok(obs) => {
            let mut diffs = check(&expect, &obs);
            diffs.extend(
                differ_except_own(case, port.name(), reference, &obs)
                    .into_iter()
                    .map(|l| format!("differential vs mem: {l}")),
            );
            let v = if diffs.is_empty() { Verdict::Pass } else { Verdict::Fail(diffs) };
            (b, v, Some(obs), note)
        }
    }
}

/// What the Windows backend does with a case under Wine.
enum WinePlan {
    /// Run it as anywhere else.
    Run,
    /// Do not run it: Wine cannot do what it needs (the reason).
    Skip(String),
    /// Run it without the fixture's symlinks, which it was shown not to depend on: the
    /// mem backend gives the same result without them (that run, the new reference).
    WithoutLinks(Box<Observed>),
}

/// The note of a case a backend passes against its own expectation (`on_backend`).
pub const ON_BACKEND_NOTE: &str = "checked against the backend's own expectation, because";

/// Why a run under Wine went without the fixture's symlinks (the report's note).
pub const WITHOUT_LINKS_NOTE: &str = "ran without the fixture's symlinks, which Wine cannot create: \
     on mem these cases give the same result without them";

const WINE_NO_SYMLINKS: &str = "Wine cannot create symlinks";

const WINE_NO_POSIX_DELETE: &str = "Wine has no POSIX-semantics delete \
     (FileDispositionInformationEx): a deleted file or directory keeps its name while it is open";

/// Cases that need what Wine (8.0) lacks, with the reason. Only under Wine, and only when
/// the case fails there, does it count as skipped; on Windows these cases must pass.
pub const WINE_LIMITS: &[(&str, &str)] = &[
    ("rmdir/rmdir_open_dir", WINE_NO_POSIX_DELETE),
    ("unlink/unlink_open_file", WINE_NO_POSIX_DELETE),
    ("upstream/dangling_fd", WINE_NO_POSIX_DELETE),
];

/// Wine (8.0) cannot make symlinks, and Unix symlinks are invisible to Windows programs
/// (followed transparently). So, under Wine only, decided from what the mem backend does
/// with the case (run here if it did not run already):
/// - a guest that creates a symlink (a `path_symlink` succeeds on mem) cannot run: skip;
/// - a case whose fixtures hold symlinks runs without them if mem gives the same exit
///   code, output and trees (but for the links' own lines) without them; otherwise it
///   depends on them: skip. Either way the reason names Wine. Never used on Windows.
fn wine_plan(case: &Case, wasm: &[u8], argv0: &str, mem: Option<&Observed>) -> WinePlan {
    let has_links = case.preopens.iter().any(|(_, host, _)| !crate::exec::fixture_links(host).is_empty());
    links_plan(case, wasm, argv0, mem, has_links, WINE_NO_SYMLINKS)
}

/// What a backend that cannot hold symlinks (`cannot` says so, for the reasons) does with
/// a case: [`wine_plan`]'s rules, for any such backend.
fn links_plan(
    case: &Case,
    wasm: &[u8],
    argv0: &str,
    mem: Option<&Observed>,
    has_links: bool,
    cannot: &str,
) -> WinePlan {
    let own;
    let mem = match mem {
        Some(m) => m,
        None => match run(Backend::Mem, case, wasm, argv0) {
            Ok(o) => {
                own = o;
                &own
            }
            // Let the run itself report what is wrong.
            Err(_) => return WinePlan::Run,
        },
    };
    if mem.symlinks_made > 0 {
        return WinePlan::Skip(format!(
            "{cannot}, and the guest creates symlinks (path_symlink succeeds on mem)"
        ));
    }
    if !has_links {
        return WinePlan::Run;
    }
    let control = match run_with(Backend::Mem, case, wasm, argv0, Links::Omit) {
        Ok(o) => o,
        Err(e) => {
            return WinePlan::Skip(format!("{cannot}; the control run on mem without them failed: {e}"))
        }
    };
    if differ(&strip_links(mem), &strip_links(&control)).is_empty() {
        WinePlan::WithoutLinks(Box::new(control))
    } else {
        WinePlan::Skip(format!(
            "{cannot}, and the case needs the ones in its fixture (without them, mem gives another result)"
        ))
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// An observation without the symlinks' lines in its trees.
fn strip_links(o: &Observed) -> Observed {
    let mut o = o.clone();
    for (_, t) in &mut o.trees {
        t.retain(|e| !e.line.starts_with("l "));
    }
    o
}

/// The case, expecting no symlinks in its trees (a run without the fixture's symlinks).
fn without_links(case: &Case) -> Case {
    let mut c = case.clone();
    for lines in c.tree.values_mut() {
        lines.retain(|l| !l.starts_with("l "));
    }
    c
}

/// Record what wasibox does as the case's deliberate expectation (`"wasibox"` object,
/// with `why`), for a case that failed the same way on every backend. Returns whether
/// it wrote anything.
pub fn bless_deliberate(report: &CaseReport, why: &str) -> Result<bool, String> {
    let all_failed = report.verdicts.values().all(|v| matches!(v, Verdict::Fail(_)));
    let differential = report
        .verdicts
        .values()
        .any(|v| matches!(v, Verdict::Fail(l) if l.iter().any(|x| x.starts_with("differential"))));
    let Some(obs) = report.observed.values().next() else { return Ok(false) };
    if !all_failed || differential || report.observed.len() != report.verdicts.len() {
        return Ok(false);
    }
    let path = &report.case.path;
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut over = serde_json::Map::new();
    over.insert("why".into(), why.into());
    over.insert("exit_code".into(), obs.exit_code.into());
    over.insert("stdout".into(), String::from_utf8_lossy(&obs.stdout).into_owned().into());
    over.insert("stderr".into(), String::from_utf8_lossy(&obs.stderr).into_owned().into());
    if v.get("tree").is_some() {
        let mut t = serde_json::Map::new();
        for (k, entries) in &obs.trees {
            t.insert(k.clone(), entries.iter().map(|e| serde_json::Value::from(e.line.clone())).collect());
        }
        over.insert("tree".into(), t.into());
    }
    if let Some(o) = v.as_object_mut() {
        o.insert("wasibox".into(), over.into());
    }
    let out = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, out).map_err(|e| e.to_string())?;
    Ok(true)
}

/// Print a run as the runner does: every failure (and with `verbose` every pass and
/// skip), the coverage table over `backends`, and the totals; save the table as JSON to
/// `save` first if given. Returns the number of failed runs, or why saving failed.
pub fn print_run(
    reports: &[CaseReport],
    backends: &[Backend],
    verbose: bool,
    save: Option<&Path>,
) -> Result<usize, String> {
    for r in reports {
        for (b, v) in &r.verdicts {
            match v {
                Verdict::Fail(lines) => {
                    println!("FAIL {} [{}]", r.case.name, b.name());
                    for l in lines {
                        println!("    {l}");
                    }
                }
                Verdict::Pass if verbose => println!("ok   {} [{}]", r.case.name, b.name()),
                Verdict::Skip(why) if verbose => println!("skip {} [{}]: {why}", r.case.name, b.name()),
                _ => {}
            }
        }
    }
    println!();
    let t = Table::of(reports, backends);
    print!("{}", t.render());
    if let Some(path) = save {
        std::fs::write(path, t.to_json()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let (pass, fail, skip) = totals(reports);
    println!("\n{} cases; {pass} passed, {fail} failed ({skip} skipped)", reports.len());
    Ok(fail)
}

/// Totals over reports: (passed, failed, skipped) runs.
pub fn totals(reports: &[CaseReport]) -> (usize, usize, usize) {
    let mut t = (0, 0, 0);
    for r in reports {
        for v in r.verdicts.values() {
            match v {
                Verdict::Pass => t.0 += 1,
                Verdict::Fail(_) => t.1 += 1,
                Verdict::Skip(_) => t.2 += 1,
            }
        }
    }
    t
}

/// The coverage table, as data: one row per WASI function (both versions), one column
/// per backend, plus the reason for every skip and the notes. It can be saved as JSON and
/// tables from different hosts merged (the posix column comes from a Unix run, the
/// windows column from a Windows or Wine run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Backend names.
    pub columns: Vec<String>,
    /// (function label, one cell per column).
    pub rows: Vec<(String, Vec<String>)>,
    /// Skipped runs, one line per backend and reason: "- on BACKEND (N): REASON: `case`, ...".
    pub skipped: Vec<String>,
    /// Notes on how backends ran cases.
    pub notes: Vec<String>,
    /// The totals line of each run that went into the table.
    pub totals: Vec<String>,
}

impl Table {
    /// The table of `reports` over `backends`.
    pub fn of(reports: &[CaseReport], backends: &[Backend]) -> Table {
        use wasibox_core::{Func, Version};
        let mut t =
            Table { columns: backends.iter().map(|b| b.name().to_string()).collect(), ..Table::default() };
        for version in [Version::Preview1, Version::Unstable] {
            for f in Func::ALL.iter().filter(|f| f.available_in(version)) {
                let name = f.name();
                let label = match version {
                    Version::Preview1 => name.to_string(),
                    Version::Unstable => format!("{name} (unstable)"),
                };
                let mut cells = Vec::new();
                for b in backends {
                    let (mut pass, mut total, mut skip) = (0, 0, 0);
                    for r in reports {
                        let is_unstable = r.case.version == Some(Version::Unstable);
                        if is_unstable != (version == Version::Unstable)
                            || !r.case.functions.iter().any(|x| x == name)
                        {
                            continue;
                        }
                        match r.verdicts.get(b) {
                            Some(Verdict::Pass) => {
                                pass += 1;
                                total += 1
                            }
                            Some(Verdict::Fail(_)) => total += 1,
                            Some(Verdict::Skip(_)) => skip += 1,
                            None => {}
                        }
                    }
                    cells.push(match (total, skip) {
                        (0, 0) => "—".to_string(),
                        (_, 0) if pass == total => format!("pass {pass}"),
                        (_, 0) => format!("FAIL {}/{total}", total - pass),
                        _ => format!("pass {pass}/{total}, skip {skip}"),
                    });
                }
                t.rows.push((label, cells));
            }
        }
        // Skips grouped by backend and reason: "- on B (N): REASON: `case`, `case`".
        for b in backends {
            let mut by_reason: Vec<(&str, Vec<&str>)> = Vec::new();
            for r in reports {
                if let Some(Verdict::Skip(why)) = r.verdicts.get(b) {
                    match by_reason.iter_mut().find(|(w, _)| *w == why.as_str()) {
                        Some((_, cases)) => cases.push(&r.case.name),
                        None => by_reason.push((why, vec![&r.case.name])),
                    }
                }
            }
            for (why, cases) in by_reason {
                let list: Vec<String> = cases.iter().map(|c| format!("`{c}`")).collect();
                t.skipped.push(format!("- on {} ({}): {why}: {}", b.name(), cases.len(), list.join(", ")));
            }
        }
        for b in backends {
            let mut noted: BTreeMap<&str, usize> = BTreeMap::new();
            for r in reports {
                for n in r.notes.get(b).into_iter().flatten() {
                    *noted.entry(n.as_str()).or_default() += 1;
                }
            }
            for (note, n) in noted {
                t.notes.push(format!("On {}, {} {note}.", b.name(), plural(n, "case")));
            }
        }
        let (pass, fail, skip) = totals(reports);
        let host = if cfg!(windows) && backends.iter().any(|b| b.under_wine()) {
            "windows under Wine"
        } else {
            std::env::consts::OS
        };
        t.totals.push(format!(
            "{host} ({}): {} cases; {pass} passed, {fail} failed ({skip} skipped)",
            t.columns.join(", "),
            reports.len()
        ));
        t
    }

    /// Merge tables: the columns of each in turn, a column already present taken from the
    /// first table that has it; rows by label, in the first table's order.
    pub fn merge(tables: &[Table]) -> Table {
        let mut out = Table::default();
        let mut sources: Vec<(usize, usize)> = Vec::new();
        for (ti, t) in tables.iter().enumerate() {
            for (ci, c) in t.columns.iter().enumerate() {
                if !out.columns.contains(c) {
                    out.columns.push(c.clone());
                    sources.push((ti, ci));
                }
            }
        }
        let mut labels: Vec<String> = Vec::new();
        for t in tables {
            for (l, _) in &t.rows {
                if !labels.contains(l) {
                    labels.push(l.clone());
                }
            }
        }
        for l in labels {
            let cells = sources
                .iter()
                .map(|&(ti, ci)| {
                    tables[ti]
                        .rows
                        .iter()
                        .find(|(x, _)| *x == l)
                        .and_then(|(_, c)| c.get(ci).cloned())
                        .unwrap_or_else(|| "—".to_string())
                })
                .collect();
            out.rows.push((l, cells));
        }
        for (ti, t) in tables.iter().enumerate() {
            // Skips and notes of the columns taken from this table.
            let mine: Vec<&String> =
                sources.iter().filter(|(x, _)| *x == ti).map(|&(_, ci)| &t.columns[ci]).collect();
            let of_mine = |line: &String| mine.iter().any(|c| line.starts_with(&format!("- on {c} (")));
            out.skipped.extend(t.skipped.iter().filter(|l| of_mine(l)).cloned());
            out.notes.extend(
                t.notes.iter().filter(|n| mine.iter().any(|c| n.starts_with(&format!("On {c},")))).cloned(),
            );
            out.totals.extend(t.totals.iter().cloned());
        }
        out
    }

    /// As Markdown: the table, the skips, the notes.
    pub fn render(&self) -> String {
        let mut out = String::from("| function |");
        for c in &self.columns {
            out.push_str(&format!(" {c} |"));
        }
        out.push_str("\n|---|");
        for _ in &self.columns {
            out.push_str("---|");
        }
        out.push('\n');
        for (label, cells) in &self.rows {
            out.push_str(&format!("| `{label}` |"));
            for c in cells {
                out.push_str(&format!(" {c} |"));
            }
            out.push('\n');
        }
        if !self.skipped.is_empty() {
            out.push_str("\nSkipped:\n");
            for s in &self.skipped {
                out.push_str(s);
                out.push('\n');
            }
        }
        for n in &self.notes {
            out.push('\n');
            out.push_str(n);
            out.push('\n');
        }
        out
    }

    /// As JSON (for [`Table::merge`] across hosts).
    pub fn to_json(&self) -> String {
        let v = serde_json::json!({
            "columns": self.columns,
            "rows": self.rows.iter().map(|(l, c)| serde_json::json!([l, c])).collect::<Vec<_>>(),
            "skipped": self.skipped,
            "notes": self.notes,
            "totals": self.totals,
        });
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }

    /// From [`Table::to_json`]'s output.
    pub fn from_json(text: &str) -> Result<Table, String> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let strs = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(|x| x.as_array())
                .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let rows = v
            .get("rows")
            .and_then(|x| x.as_array())
            .ok_or("no rows")?
            .iter()
            .filter_map(|r| {
                let label = r.get(0)?.as_str()?.to_string();
                let cells =
                    r.get(1)?.as_array()?.iter().filter_map(|c| c.as_str().map(str::to_string)).collect();
                Some((label, cells))
            })
            .collect();
        Ok(Table {
            columns: strs("columns"),
            rows,
            skipped: strs("skipped"),
            notes: strs("notes"),
            totals: strs("totals"),
        })
    }
}

/// The coverage table: one row per WASI function (both versions), one column per
/// backend, `passed/total` cases, plus the reason for every skip.
pub fn table(reports: &[CaseReport], backends: &[Backend]) -> String {
    Table::of(reports, backends).render()
}
