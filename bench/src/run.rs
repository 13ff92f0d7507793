//! The timing benchmark: build the guest, prepare the work directory, run every runtime
//! in interleaved rounds, and report medians, spread and ratios (Markdown and JSON).

use crate::exec::Runtime;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The workloads, in report order: (guest name, row label, unit).
pub const WORKLOADS: &[(&str, &str, Unit)] = &[
    ("args_sizes_get", "`args_sizes_get`", Unit::Call),
    ("clock_time_get", "`clock_time_get`", Unit::Call),
    ("fd_write_1b", "`fd_write` 1 byte to /dev/null", Unit::Call),
    ("fd_seek", "`fd_seek`", Unit::Call),
    ("fd_filestat_get", "`fd_filestat_get`", Unit::Call),
    ("path_filestat_get", "`path_filestat_get` `sub/file.txt`", Unit::Call),
    ("path_filestat_get_1c", "`path_filestat_get` `small.txt`", Unit::Call),
    ("path_open_close", "`path_open`+`fd_close` (+`fd_fdstat_get`)", Unit::Call),
    ("fd_readdir_1k", "`fd_readdir` per entry, 1k dir", Unit::Entry),
    ("fd_readdir_10k", "`fd_readdir` per entry, 10k dir", Unit::Entry),
    ("fd_readdir_100k", "`fd_readdir` per entry, 100k dir", Unit::Entry),
    ("fd_read_64k", "`fd_read` 64 KiB chunks", Unit::Chunk),
    ("fd_write_64k", "`fd_write` 64 KiB chunks", Unit::Chunk),
    ("fd_read_small", "`fd_read` 64 B", Unit::Call),
    ("fd_pwrite", "`fd_pwrite` 64 B", Unit::Call),
    ("random_get", "`random_get` 32 B", Unit::Call),
    ("poll_oneoff_0", "`poll_oneoff` zero timeout", Unit::Call),
    ("fd_close_badf", "`fd_close` bad fd (EBADF)", Unit::Call),
];

/// What one unit of a workload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// One call: reported in ns per call.
    Call,
    /// One directory entry: ns per entry.
    Entry,
    /// One 64 KiB call: reported as throughput.
    Chunk,
}

const CHUNK_BYTES: f64 = 65536.0;

pub struct Opts {
    pub rounds: usize,
    pub ms: u64,
    pub cap_ms: u64,
    pub iters: Option<u64>,
    pub runtimes: Option<Vec<Runtime>>,
    pub only: Option<Vec<String>>,
    pub workdir: PathBuf,
    pub out: PathBuf,
    pub build: bool,
}

/// The repository root (the bench crate's parent).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

pub fn default_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

impl Opts {
    pub fn parse(_cmd: &str, args: &[String]) -> Result<Opts, String> {
        let out = default_target().join("bench");
        let mut o = Opts {
            rounds: 5,
            ms: 100,
            cap_ms: 3000,
            iters: None,
            runtimes: None,
            only: None,
            workdir: out.join("work"),
            out,
            build: true,
        };
        let mut workdir = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut val = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--rounds" => o.rounds = val()?.parse().map_err(|_| "bad --rounds")?,
                "--ms" => o.ms = val()?.parse().map_err(|_| "bad --ms")?,
                "--cap-ms" => o.cap_ms = val()?.parse().map_err(|_| "bad --cap-ms")?,
                "--iters" => o.iters = Some(val()?.parse().map_err(|_| "bad --iters")?),
                "--runtimes" => {
                    let mut v = Vec::new();
                    for name in val()?.split(',') {
                        v.push(Runtime::from_name(name).ok_or_else(|| format!("unknown runtime {name}"))?);
                    }
                    o.runtimes = Some(v);
                }
                "--only" => o.only = Some(val()?.split(',').map(str::to_string).collect()),
                "--workdir" => workdir = Some(PathBuf::from(val()?)),
                "--out" => o.out = PathBuf::from(val()?),
                "--no-build" => o.build = false,
                _ => return Err(format!("unknown argument {a}")),
            }
        }
        o.workdir = workdir.unwrap_or_else(|| o.out.join("work"));
        if o.rounds == 0 {
            return Err("--rounds must be at least 1".into());
        }
        Ok(o)
    }
}

/// The built guest.
pub struct Guest {
    pub native: PathBuf,
    pub wasm: PathBuf,
    pub cache: PathBuf,
    pub work: PathBuf,
}

/// Build the guest (natively and for wasm32-wasip1) and make the work directory.
pub fn prepare(o: &Opts) -> Result<Guest, String> {
    let target = o.out.join("guest");
    let manifest = root().join("bench/guest/Cargo.toml");
    if o.build {
        for triple in [None, Some("wasm32-wasip1")] {
            let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            c.args(["build", "--release", "--quiet", "--manifest-path"])
                .arg(&manifest)
                .arg("--target-dir")
                .arg(&target);
            if let Some(t) = triple {
                c.args(["--target", t]);
            }
            let st = c.status().map_err(|e| format!("cannot run cargo: {e}"))?;
            if !st.success() {
                return Err(format!("building the guest ({}) failed", triple.unwrap_or("native")));
            }
        }
    }
    let g = Guest {
        native: target.join("release/bench-guest"),
        wasm: target.join("wasm32-wasip1/release/bench-guest.wasm"),
        cache: o.out.join("cache"),
        work: o.workdir.clone(),
    };
    for p in [&g.native, &g.wasm] {
        if !p.exists() {
            return Err(format!("{} is missing (build the guest, or drop --no-build)", p.display()));
        }
    }
    make_workdir(&g.work).map_err(|e| format!("cannot prepare {}: {e}", g.work.display()))?;
    Ok(g)
}

/// The files the guest expects (see `bench/guest/src/main.rs`). Kept between runs: a
/// marker file says it is complete.
fn make_workdir(work: &Path) -> std::io::Result<()> {
    let marker = work.join(".complete-v1");
    if marker.exists() {
        return Ok(());
    }
    let t = Instant::now();
    eprintln!("preparing {} ...", work.display());
    if work.exists() {
        fs::remove_dir_all(work)?;
    }
    fs::create_dir_all(work.join("sub"))?;
    let page: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(work.join("small.txt"), &page)?;
    fs::write(work.join("sub/file.txt"), &page)?;
    fs::write(work.join("pwrite.dat"), &page)?;
    let big: Vec<u8> = page.iter().copied().cycle().take(64 << 20).collect();
    fs::write(work.join("bulk_r"), &big)?;
    fs::write(work.join("bulk_w"), &big)?;
    for (name, n) in [("d1k", 1_000), ("d10k", 10_000), ("d100k", 100_000)] {
        let d = work.join(name);
        fs::create_dir(&d)?;
        for i in 0..n {
            fs::File::create(d.join(format!("f{i:06}")))?;
        }
    }
    fs::write(marker, b"")?;
    eprintln!("prepared in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Whether `prog` is on `PATH`.
pub fn on_path(prog: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()))
}

/// The runtimes to use: those asked for, or all (Node only when `node` is on `PATH`).
pub fn runtimes(o: &Opts, default: &[Runtime]) -> Vec<Runtime> {
    match &o.runtimes {
        Some(v) => v.clone(),
        None => default.iter().copied().filter(|r| *r != Runtime::Node || on_path("node")).collect(),
    }
}

/// The command that runs the guest under `rt` with `guest_args`.
pub fn command(rt: Runtime, g: &Guest, guest_args: &[String]) -> Command {
    let mut c = match rt {
        Runtime::Native => {
            let mut c = Command::new(&g.native);
            c.arg("--dir").arg(&g.work);
            c
        }
        Runtime::Node => {
            let mut c = Command::new("node");
            c.arg("--no-warnings")
                .arg(root().join("bench/node-runner.mjs"))
                .arg(&g.wasm)
                .arg(&g.work)
                .arg("--");
            c
        }
        _ => {
            let mut c = Command::new(std::env::current_exe().expect("own path"));
            c.arg("exec").arg(rt.name()).arg(&g.wasm).arg(&g.work).arg(&g.cache);
            c
        }
    };
    c.args(guest_args);
    // With RUST_BACKTRACE set, wasi-common and wasmtime-wasi capture a backtrace per error.
    c.env_remove("RUST_BACKTRACE").env_remove("RUST_LIB_BACKTRACE").env_remove("WASMTIME_BACKTRACE_DETAILS");
    c
}

/// One result line of the guest.
#[derive(Clone, Debug)]
pub struct Sample {
    pub w: String,
    pub n: u64,
    pub ns: u64,
    pub noop_ns: u64,
    pub units: u64,
    pub partial: bool,
}

impl Sample {
    /// Nanoseconds per unit with the no-op loop subtracted.
    pub fn per_unit(&self) -> f64 {
        (self.ns.saturating_sub(self.noop_ns)) as f64 / self.units.max(1) as f64
    }
}

pub fn parse_samples(stderr: &str) -> Vec<Sample> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("BENCH "))
        .filter_map(|j| serde_json::from_str::<Value>(j).ok())
        .filter_map(|v| {
            Some(Sample {
                w: v["w"].as_str()?.to_string(),
                n: v["n"].as_u64()?,
                ns: v["ns"].as_u64()?,
                noop_ns: v["noop_ns"].as_u64()?,
                units: v["units"].as_u64()?,
                partial: v["partial"].as_bool()?,
            })
        })
        .collect()
}

/// Run the guest once under `rt`; stdout goes to /dev/null (the `fd_write` workload
/// writes there). Returns the samples, or the reason it failed.
pub fn run_once(rt: Runtime, g: &Guest, guest_args: &[String]) -> Result<Vec<Sample>, String> {
    let devnull = fs::File::create("/dev/null").map_err(|e| e.to_string())?;
    let out = command(rt, g, guest_args)
        .stdin(Stdio::null())
        .stdout(devnull)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{}: cannot start: {e}", rt.name()))?;
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = err.lines().filter(|l| !l.starts_with("BENCH ")).collect();
        return Err(format!("{} exited with {}: {}", rt.name(), out.status, tail.join(" | ")));
    }
    Ok(parse_samples(&err))
}

/// Median, minimum and maximum of per-unit times across rounds.
#[derive(Clone, Debug)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
    samples: Vec<f64>,
    partial: bool,
}

fn stat(v: &[f64], partial: bool) -> Option<Stat> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    let median = if s.len() % 2 == 1 { s[m] } else { (s[m - 1] + s[m]) / 2.0 };
    Some(Stat { median, min: s[0], max: s[s.len() - 1], samples: v.to_vec(), partial })
}

/// `run`: the timing benchmark.
pub fn run(o: &Opts) -> Result<(), String> {
    let started = Instant::now();
    let g = prepare(o)?;
    let rts = runtimes(o, &Runtime::ALL);
    let mut guest_args =
        vec!["--ms".to_string(), o.ms.to_string(), "--cap-ms".to_string(), o.cap_ms.to_string()];
    if let Some(only) = &o.only {
        let mut l = only.clone();
        l.push("noop".into());
        guest_args.extend(["--only".to_string(), l.join(",")]);
    }
    // Warm the compiled-module cache (and the page cache) outside the measurement.
    for rt in &rts {
        if matches!(rt, Runtime::WasiboxWasmtimePosix | Runtime::WasmtimeWasi) {
            run_once(*rt, &g, &["--iters".into(), "1".into(), "--only".into(), "noop".into()])?;
        }
    }
    let mut samples: BTreeMap<(usize, String), Vec<Sample>> = BTreeMap::new();
    let mut failures = Vec::new();
    for round in 0..o.rounds {
        // Interleave: every round runs every runtime once, starting one further along.
        for k in 0..rts.len() {
            let i = (k + round) % rts.len();
            let rt = rts[i];
            let t = Instant::now();
            match run_once(rt, &g, &guest_args) {
                Ok(v) => {
                    for s in v {
                        samples.entry((i, s.w.clone())).or_default().push(s);
                    }
                }
                Err(e) => failures.push(format!("round {}: {e}", round + 1)),
            }
            eprintln!(
                "round {}/{}: {} in {:.1} s",
                round + 1,
                o.rounds,
                rt.name(),
                t.elapsed().as_secs_f64()
            );
        }
    }
    let mut stats: BTreeMap<(usize, &'static str), Stat> = BTreeMap::new();
    for (i, _) in rts.iter().enumerate() {
        for (w, _, _) in WORKLOADS {
            if let Some(v) = samples.get(&(i, w.to_string())) {
                let per: Vec<f64> = v.iter().map(Sample::per_unit).collect();
                if let Some(s) = stat(&per, v.iter().any(|s| s.partial)) {
                    stats.insert((i, w), s);
                }
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let md = report_markdown(o, &rts, &stats, &failures, elapsed);
    let js = report_json(o, &rts, &stats, &samples, &failures, elapsed);
    fs::create_dir_all(&o.out).map_err(|e| e.to_string())?;
    fs::write(o.out.join("results.md"), &md).map_err(|e| e.to_string())?;
    fs::write(o.out.join("results.json"), serde_json::to_string_pretty(&js).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    match crate::chart::render(&js) {
        Ok(svg) => fs::write(o.out.join("results.svg"), svg).map_err(|e| e.to_string())?,
        Err(e) => eprintln!("no chart: {e}"),
    }
    println!("{md}");
    eprintln!(
        "wrote {}, {} and {}",
        o.out.join("results.md").display(),
        o.out.join("results.json").display(),
        o.out.join("results.svg").display()
    );
    Ok(())
}

/// `1,234` / `12.3` / `0.42`.
pub fn fmt_ns(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        let n = v.round() as u64;
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

fn cell(s: &Stat, unit: Unit) -> String {
    if s.median < 0.5 {
        return "≈0".into();
    }
    let spread = if s.median > 0.0 { (s.max - s.min) / (2.0 * s.median) * 100.0 } else { 0.0 };
    let ge = if s.partial { "≥" } else { "" };
    match unit {
        Unit::Chunk => format!("{:.2} GB/s ±{spread:.0}%", CHUNK_BYTES / s.median.max(1e-9)),
        _ => format!("{ge}{} ±{spread:.0}%", fmt_ns(s.median)),
    }
}

fn ratio(a: &Stat, b: &Stat) -> String {
    if b.median < 1.0 {
        return "—".into();
    }
    let ge = if a.partial || b.partial { "~" } else { "" };
    format!("{ge}{:.2}×", a.median / b.median)
}

fn find(rts: &[Runtime], rt: Runtime) -> Option<usize> {
    rts.iter().position(|r| *r == rt)
}

/// One target of issue 6, checked against the medians.
struct Target {
    what: String,
    value: String,
    goal: String,
    met: Option<bool>,
}

fn targets(rts: &[Runtime], stats: &BTreeMap<(usize, &'static str), Stat>) -> Vec<Target> {
    let mut out = Vec::new();
    let get = |rt: Runtime, w: &'static str| find(rts, rt).and_then(|i| stats.get(&(i, w)));
    let wt = Runtime::WasiboxWasmtimePosix;
    for (w, limit) in [
        ("clock_time_get", 2.0),
        ("fd_write_1b", 1.5),
        ("fd_seek", 1.5),
        ("fd_filestat_get", 1.5),
        ("path_filestat_get", 1.5),
        ("path_filestat_get_1c", 1.5),
        ("path_open_close", 1.5),
        ("fd_readdir_1k", 2.0),
        ("fd_readdir_10k", 2.0),
        ("fd_readdir_100k", 2.0),
    ] {
        if let (Some(a), Some(n)) = (get(wt, w), get(Runtime::Native, w)) {
            let r = a.median / n.median;
            out.push(Target {
                what: format!("{w}: wasibox wasmtime+posix / native"),
                value: format!("{r:.2}×"),
                goal: format!("≤ {limit}×"),
                met: Some(r <= limit),
            });
        }
    }
    if let (Some(a), Some(b)) = (get(wt, "fd_readdir_1k"), get(wt, "fd_readdir_100k")) {
        let r = b.median / a.median;
        out.push(Target {
            what: "fd_readdir linear: per entry at 100k / per entry at 1k".into(),
            value: format!("{r:.2}×"),
            goal: "≤ 1.5× (flat)".into(),
            met: Some(r <= 1.5),
        });
    }
    for w in ["fd_read_64k", "fd_write_64k"] {
        if let (Some(a), Some(n)) = (get(wt, w), get(Runtime::Native, w)) {
            let r = n.median / a.median;
            out.push(Target {
                what: format!("{w}: throughput, wasibox wasmtime+posix / native"),
                value: format!("{:.1}%", r * 100.0),
                goal: "≥ 95%".into(),
                met: Some(r >= 0.95),
            });
        }
    }
    for w in ["path_open_close", "path_filestat_get", "path_filestat_get_1c"] {
        if let (Some(m), Some(n)) = (get(Runtime::WasiboxWasmtimeMem, w), get(Runtime::Native, w)) {
            let r = n.median / m.median;
            out.push(Target {
                what: format!("{w}: native posix / wasibox wasmtime+mem"),
                value: format!("{r:.1}× faster"),
                goal: "≥ 5× faster".into(),
                met: Some(r >= 5.0),
            });
        }
    }
    out
}

fn report_markdown(
    o: &Opts,
    rts: &[Runtime],
    stats: &BTreeMap<(usize, &'static str), Stat>,
    failures: &[String],
    elapsed: f64,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Median of {} interleaved rounds, ± half the min–max spread; ns per call (per entry for \
         `fd_readdir`) with the no-op loop subtracted; throughput for 64 KiB chunks. \
         ≥: the run was cut at {} ms per listing (a lower bound).\n",
        o.rounds, o.cap_ms
    );
    s.push_str("| workload |");
    for rt in rts {
        let _ = write!(s, " {} |", rt.label());
    }
    s.push_str("\n|---|");
    for _ in rts {
        s.push_str("---:|");
    }
    s.push('\n');
    for (w, label, unit) in WORKLOADS {
        if !rts.iter().enumerate().any(|(i, _)| stats.contains_key(&(i, w))) {
            continue;
        }
        let _ = write!(s, "| {label} |");
        for (i, _) in rts.iter().enumerate() {
            match stats.get(&(i, w)) {
                Some(st) => {
                    let _ = write!(s, " {} |", cell(st, *unit));
                }
                None => s.push_str(" — |"),
            }
        }
        s.push('\n');
    }

    // Ratios.
    let native = find(rts, Runtime::Native);
    let wtw = find(rts, Runtime::WasmtimeWasi);
    let wiw = find(rts, Runtime::WasmiWasi);
    let mut cols: Vec<(String, usize, usize)> = Vec::new();
    for (i, rt) in rts.iter().enumerate() {
        if *rt == Runtime::Native {
            continue;
        }
        if let Some(n) = native {
            cols.push((format!("{} ÷ native", rt.label()), i, n));
        }
        if matches!(rt, Runtime::WasiboxWasmtimePosix | Runtime::WasiboxWasmtimeMem) {
            if let Some(b) = wtw {
                cols.push((format!("{} ÷ wasmtime-wasi", rt.label()), i, b));
            }
        }
        if *rt == Runtime::WasiboxWasmiPosix {
            if let Some(b) = wiw {
                cols.push((format!("{} ÷ wasmi_wasi", rt.label()), i, b));
            }
        }
    }
    if !cols.is_empty() {
        s.push_str(
            "\nRatios of the medians (time per unit; lower is better for the first runtime):\n\n| workload |",
        );
        for (h, _, _) in &cols {
            let _ = write!(s, " {h} |");
        }
        s.push_str("\n|---|");
        for _ in &cols {
            s.push_str("---:|");
        }
        s.push('\n');
        for (w, label, _) in WORKLOADS {
            if !rts.iter().enumerate().any(|(i, _)| stats.contains_key(&(i, w))) {
                continue;
            }
            let _ = write!(s, "| {label} |");
            for (_, a, b) in &cols {
                match (stats.get(&(*a, w)), stats.get(&(*b, w))) {
                    (Some(x), Some(y)) => {
                        let _ = write!(s, " {} |", ratio(x, y));
                    }
                    _ => s.push_str(" — |"),
                }
            }
            s.push('\n');
        }
    }

    let t = targets(rts, stats);
    if !t.is_empty() {
        s.push_str("\nTargets of issue 6 (from the medians above):\n\n| target | measured | goal | met |\n|---|---:|---:|:---:|\n");
        for t in &t {
            let met = match t.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "—",
            };
            let _ = writeln!(s, "| {} | {} | {} | {met} |", t.what, t.value, t.goal);
        }
    }
    if !failures.is_empty() {
        s.push_str("\nFailed runs:\n\n");
        for f in failures {
            let _ = writeln!(s, "- {f}");
        }
    }
    let _ = writeln!(s, "\nWall time of the whole run: {elapsed:.0} s.");
    s
}

fn report_json(
    o: &Opts,
    rts: &[Runtime],
    stats: &BTreeMap<(usize, &'static str), Stat>,
    samples: &BTreeMap<(usize, String), Vec<Sample>>,
    failures: &[String],
    elapsed: f64,
) -> Value {
    let mut results = serde_json::Map::new();
    for (i, rt) in rts.iter().enumerate() {
        let mut per = serde_json::Map::new();
        for (w, _, unit) in WORKLOADS {
            let Some(st) = stats.get(&(i, w)) else { continue };
            let raw: Vec<Value> = samples
                .get(&(i, w.to_string()))
                .map(|v| {
                    v.iter()
                        .map(|s| json!({"n": s.n, "ns": s.ns, "noop_ns": s.noop_ns, "units": s.units, "partial": s.partial}))
                        .collect()
                })
                .unwrap_or_default();
            let mut e = json!({
                "unit": match unit { Unit::Call | Unit::Chunk => "ns/call", Unit::Entry => "ns/entry" },
                "median": st.median,
                "min": st.min,
                "max": st.max,
                "per_unit": st.samples,
                "partial": st.partial,
                "runs": raw,
            });
            if *unit == Unit::Chunk {
                e["gb_per_s"] = json!(CHUNK_BYTES / st.median.max(1e-9));
            }
            if let Some(n) = find(rts, Runtime::Native).and_then(|n| stats.get(&(n, w))) {
                if n.median >= 1.0 {
                    e["ratio_to_native"] = json!(st.median / n.median);
                }
            }
            if let Some(b) = find(rts, Runtime::WasmtimeWasi).and_then(|n| stats.get(&(n, w))) {
                e["ratio_to_wasmtime_wasi"] = json!(st.median / b.median);
            }
            per.insert(w.to_string(), e);
        }
        results.insert(rt.name().to_string(), Value::Object(per));
    }
    let t: Vec<Value> = targets(rts, stats)
        .into_iter()
        .map(|t| json!({"target": t.what, "measured": t.value, "goal": t.goal, "met": t.met}))
        .collect();
    json!({
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "rounds": o.rounds,
        "ms_per_workload": o.ms,
        "cap_ms": o.cap_ms,
        "runtimes": rts.iter().map(|r| r.name()).collect::<Vec<_>>(),
        "results": results,
        "targets": t,
        "failures": failures,
        "wall_seconds": elapsed,
        "machine": machine(),
    })
}

/// What the numbers were measured on.
pub fn machine() -> Value {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    json!({"cpu": cpu, "cores": cores, "kernel": kernel})
}
