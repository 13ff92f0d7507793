//! The counting modes: `callgrind` (user-space instructions per call), `strace` (host
//! system calls per guest operation) and `allocs` (host heap allocations per call). Each
//! runs a workload with N and with 2N iterations and divides the difference by N, which
//! cancels start-up, compilation and tear-down exactly.

use crate::exec::Runtime;
use crate::run::{command, fmt_ns, prepare, runtimes, Guest, Opts};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::process::Stdio;

/// The calls issue 6 sets the instruction and allocation targets for, and two more.
const COUNT_WORKLOADS: &[&str] = &[
    "args_sizes_get",
    "clock_time_get",
    "fd_write_1b",
    "fd_seek",
    "fd_filestat_get",
    "fd_close_badf",
    "path_filestat_get",
    "path_open_close",
];

/// Every workload whose host syscalls are counted (readdir: per listing).
const STRACE_WORKLOADS: &[&str] = &[
    "clock_time_get",
    "fd_write_1b",
    "fd_seek",
    "fd_filestat_get",
    "path_filestat_get",
    "path_filestat_get_1c",
    "path_open_close",
    "fd_readdir_1k",
    "fd_read_64k",
    "fd_write_64k",
    "fd_read_small",
    "fd_pwrite",
    "random_get",
    "poll_oneoff_0",
    "fd_close_badf",
];

/// Listings of the directory per `fd_readdir` run under strace.
const READDIR_LISTINGS: u64 = 4;

fn workloads(o: &Opts, default: &[&str]) -> Vec<String> {
    match &o.only {
        Some(l) => l.clone(),
        None => default.iter().map(|s| s.to_string()).collect(),
    }
}

fn guest_args(w: &str, n: u64) -> Vec<String> {
    vec!["--iters".into(), n.to_string(), "--only".into(), w.into(), "--cap-ms".into(), "1000000".into()]
}

/// Run `prefix... <guest command>` to completion; stdout to /dev/null.
fn run_wrapped(prefix: &[String], rt: Runtime, g: &Guest, args: &[String]) -> Result<String, String> {
    let inner = command(rt, g, args);
    let mut c = std::process::Command::new(&prefix[0]);
    c.args(&prefix[1..]).arg(inner.get_program()).args(inner.get_args());
    c.env_remove("RUST_BACKTRACE").env_remove("RUST_LIB_BACKTRACE").env_remove("WASMTIME_BACKTRACE_DETAILS");
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let devnull = fs::File::create("/dev/null").map_err(|e| e.to_string())?;
    let out = c
        .stdin(Stdio::null())
        .stdout(devnull)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", prefix[0]))?;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(format!(
            "{} under {} failed ({}): {}",
            rt.name(),
            prefix[0],
            out.status,
            tail.join(" | ")
        ));
    }
    Ok(err)
}

// ----- callgrind ---------------------------------------------------------------------------

fn callgrind_total(rt: Runtime, g: &Guest, o: &Opts, w: &str, n: u64) -> Result<u64, String> {
    let file = o.out.join(format!("callgrind/{}-{w}-{n}.out", rt.name()));
    let prefix = vec![
        "valgrind".to_string(),
        "--tool=callgrind".to_string(),
        format!("--callgrind-out-file={}", file.display()),
        "--dump-line=no".to_string(),
    ];
    run_wrapped(&prefix, rt, g, &guest_args(w, n))?;
    let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no total in {}", file.display()))
}

/// `callgrind`: user-space instructions per call, wasibox against each engine's own WASI.
pub fn callgrind(o: &Opts) -> Result<(), String> {
    if !crate::run::on_path("valgrind") {
        return Err("valgrind is not on PATH (apt-get install valgrind)".into());
    }
    let g = prepare(o)?;
    fs::create_dir_all(o.out.join("callgrind")).map_err(|e| e.to_string())?;
    let rts = runtimes(
        o,
        &[
            Runtime::WasiboxWasmtimePosix,
            Runtime::WasmtimeWasi,
            Runtime::WasiboxWasmiPosix,
            Runtime::WasmiWasi,
        ],
    );
    let n = o.iters.unwrap_or(10_000);
    let mut ws = workloads(o, COUNT_WORKLOADS);
    ws.insert(0, "noop".into());
    // Compile once under valgrind (its CPU has other features than the host's, so the
    // compiled-module cache needs an entry of its own) before counting.
    for rt in &rts {
        if matches!(rt, Runtime::WasiboxWasmtimePosix | Runtime::WasmtimeWasi) {
            let prefix = vec!["valgrind".to_string(), "--tool=none".to_string()];
            run_wrapped(&prefix, *rt, &g, &guest_args("noop", 1))?;
        }
    }
    let mut per: BTreeMap<(Runtime, String), f64> = BTreeMap::new();
    let mut raw = Vec::new();
    for rt in &rts {
        for w in &ws {
            let a = callgrind_total(*rt, &g, o, w, n)?;
            let b = callgrind_total(*rt, &g, o, w, 2 * n)?;
            let v = (b as f64 - a as f64) / n as f64;
            eprintln!("callgrind {} {w}: {v:.0} instructions per iteration", rt.name());
            raw.push(json!({"runtime": rt.name(), "workload": w, "n": n, "total_n": a, "total_2n": b}));
            per.insert((*rt, w.clone()), v);
        }
    }
    // The no-op workload runs its loop twice (body and no-op); every other workload runs
    // its body once and the no-op loop once: subtract half the no-op's count.
    let net = |rt: Runtime, w: &str| -> Option<f64> {
        let v = per.get(&(rt, w.to_string()))?;
        let noop = per.get(&(rt, "noop".to_string())).copied().unwrap_or(0.0);
        Some((v - noop / 2.0).max(0.0))
    };
    let pairs = [
        (Runtime::WasiboxWasmtimePosix, Runtime::WasmtimeWasi, "wasmtime"),
        (Runtime::WasiboxWasmiPosix, Runtime::WasmiWasi, "wasmi"),
    ];
    let mut md = String::new();
    let _ = writeln!(
        md,
        "User-space instructions per call (valgrind callgrind; (I(2N) − I(N)) / N with N = {n}, \
         less the empty loop), the guest's loop and the engine's call into the host included.\n"
    );
    md.push_str("| call |");
    let mut used_pairs = Vec::new();
    for (a, b, engine) in pairs {
        if rts.contains(&a) && rts.contains(&b) {
            let _ = write!(md, " wasibox ({engine}) | {} | ratio |", b.label());
            used_pairs.push((a, b));
        }
    }
    md.push_str("\n|---|");
    for _ in &used_pairs {
        md.push_str("---:|---:|---:|");
    }
    md.push('\n');
    let mut table = Vec::new();
    for w in ws.iter().filter(|w| *w != "noop") {
        let _ = write!(md, "| `{w}` |");
        for (a, b) in &used_pairs {
            match (net(*a, w), net(*b, w)) {
                (Some(x), Some(y)) => {
                    let r = if y > 0.0 { x / y } else { f64::NAN };
                    let _ = write!(md, " {} | {} | {} |", fmt_ns(x), fmt_ns(y), format_ratio(r));
                    table.push(json!({"workload": w, "wasibox": a.name(), "other": b.name(),
                        "wasibox_instructions": x, "other_instructions": y, "ratio": r, "target_met": r <= 0.25}));
                }
                _ => md.push_str(" — | — | — |"),
            }
        }
        md.push('\n');
    }
    let js = json!({"n": n, "per_call": table, "raw": raw, "machine": crate::run::machine()});
    fs::write(o.out.join("callgrind.json"), serde_json::to_string_pretty(&js).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    fs::write(o.out.join("callgrind.md"), &md).map_err(|e| e.to_string())?;
    println!("{md}");
    Ok(())
}

fn format_ratio(r: f64) -> String {
    if r.is_finite() {
        format!("1/{:.1}", 1.0 / r)
    } else {
        "—".into()
    }
}

// ----- strace ------------------------------------------------------------------------------

fn strace_counts(rt: Runtime, g: &Guest, o: &Opts, w: &str, n: u64) -> Result<BTreeMap<String, u64>, String> {
    let file = o.out.join(format!("strace/{}-{w}-{n}.txt", rt.name()));
    let prefix = vec![
        "strace".to_string(),
        "-f".to_string(),
        "-c".to_string(),
        "-o".to_string(),
        file.display().to_string(),
    ];
    run_wrapped(&prefix, rt, g, &guest_args(w, n))?;
    let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors], syscall
        if cols.len() >= 5 && cols[0].parse::<f64>().is_ok() {
            let name = cols[cols.len() - 1];
            if name == "total" {
                continue;
            }
            if let Ok(calls) = cols[3].parse::<u64>() {
                m.insert(name.to_string(), calls);
            }
        }
    }
    Ok(m)
}

/// `strace`: host system calls per guest operation (`strace -f -c`).
pub fn strace(o: &Opts) -> Result<(), String> {
    if !crate::run::on_path("strace") {
        return Err("strace is not on PATH (apt-get install strace)".into());
    }
    let g = prepare(o)?;
    fs::create_dir_all(o.out.join("strace")).map_err(|e| e.to_string())?;
    let rts = runtimes(
        o,
        &[Runtime::Native, Runtime::WasiboxWasmtimePosix, Runtime::WasiboxWasmiPosix, Runtime::WasmtimeWasi],
    );
    let n = o.iters.unwrap_or(2_000);
    let ws = workloads(o, STRACE_WORKLOADS);
    for rt in &rts {
        if rt.in_process() {
            // Fill the compiled-module cache first.
            crate::run::run_once(*rt, &g, &guest_args("noop", 1))?;
        }
    }
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Host system calls per guest operation (`strace -f -c`, (calls(2N) − calls(N)) / N with N = {n}; \
         for `fd_readdir` per listing of the 1k directory, N = 4).\n"
    );
    md.push_str("| operation |");
    for rt in &rts {
        let _ = write!(md, " {} |", rt.label());
    }
    md.push_str("\n|---|");
    for _ in &rts {
        md.push_str("---|");
    }
    md.push('\n');
    let mut js = Vec::new();
    for w in &ws {
        let _ = write!(md, "| `{w}` |");
        // A listing is many calls, and quadratic in some runtimes: a few listings suffice.
        let n = if w.starts_with("fd_readdir") { READDIR_LISTINGS } else { n };
        for rt in &rts {
            let a = strace_counts(*rt, &g, o, w, n)?;
            let b = strace_counts(*rt, &g, o, w, 2 * n)?;
            let mut per: Vec<(String, f64)> = b
                .iter()
                .map(|(k, v)| (k.clone(), (*v as f64 - *a.get(k).unwrap_or(&0) as f64) / n as f64))
                .filter(|(_, v)| *v >= 0.05)
                .collect();
            per.sort_by(|x, y| y.1.total_cmp(&x.1));
            let total: f64 = per.iter().map(|(_, v)| v).sum();
            let list: Vec<String> = per.iter().map(|(k, v)| format!("{k} {}", trim(*v))).collect();
            let _ = write!(
                md,
                " **{}**: {} |",
                trim(total),
                if list.is_empty() { "—".into() } else { list.join(", ") }
            );
            eprintln!("strace {} {w}: {} ({})", rt.name(), trim(total), list.join(", "));
            js.push(json!({"runtime": rt.name(), "workload": w, "total": total,
                "per_syscall": per.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<String, Value>>()}));
        }
        md.push('\n');
    }
    fs::write(
        o.out.join("strace.json"),
        serde_json::to_string_pretty(&json!({"n": n, "results": js})).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    fs::write(o.out.join("strace.md"), &md).map_err(|e| e.to_string())?;
    println!("{md}");
    Ok(())
}

fn trim(v: f64) -> String {
    let s = format!("{:.2}", v.max(0.0));
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

// ----- allocations -------------------------------------------------------------------------

fn alloc_count(rt: Runtime, g: &Guest, w: &str, n: u64) -> Result<(u64, u64), String> {
    let devnull = fs::File::create("/dev/null").map_err(|e| e.to_string())?;
    let out = command(rt, g, &guest_args(w, n))
        .env("WASIBOX_BENCH_ALLOCS", "1")
        .stdin(Stdio::null())
        .stdout(devnull)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| e.to_string())?;
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .find_map(|l| {
            let mut it = l.strip_prefix("ALLOCS ")?.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .ok_or_else(|| format!("{} {w}: no allocation count ({})", rt.name(), out.status))
}

/// `allocs`: host heap allocations per call (a counting global allocator in `exec`).
pub fn allocs(o: &Opts) -> Result<(), String> {
    let g = prepare(o)?;
    let rts: Vec<Runtime> = runtimes(
        o,
        &[
            Runtime::WasiboxWasmtimePosix,
            Runtime::WasiboxWasmtimeMem,
            Runtime::WasiboxWasmiPosix,
            Runtime::WasmtimeWasi,
            Runtime::WasmiWasi,
        ],
    )
    .into_iter()
    .filter(|r| r.in_process())
    .collect();
    let n = o.iters.unwrap_or(10_000);
    let ws = workloads(o, COUNT_WORKLOADS);
    for rt in &rts {
        crate::run::run_once(*rt, &g, &guest_args("noop", 1))?;
    }
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Host heap allocations per call (a counting global allocator; (A(2N) − A(N)) / N with N = {n}).\n"
    );
    md.push_str("| call |");
    for rt in &rts {
        let _ = write!(md, " {} |", rt.label());
    }
    md.push_str("\n|---|");
    for _ in &rts {
        md.push_str("---:|");
    }
    md.push('\n');
    let mut js = Vec::new();
    for w in &ws {
        let _ = write!(md, "| `{w}` |");
        for rt in &rts {
            let (a, ab) = alloc_count(*rt, &g, w, n)?;
            let (b, bb) = alloc_count(*rt, &g, w, 2 * n)?;
            let per = (b as f64 - a as f64) / n as f64;
            let bytes = (bb as f64 - ab as f64) / n as f64;
            let _ = write!(md, " {} |", trim(per));
            js.push(
                json!({"runtime": rt.name(), "workload": w, "allocs_per_call": per, "bytes_per_call": bytes}),
            );
        }
        md.push('\n');
    }
    fs::write(
        o.out.join("allocs.json"),
        serde_json::to_string_pretty(&json!({"n": n, "results": js})).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    fs::write(o.out.join("allocs.md"), &md).map_err(|e| e.to_string())?;
    println!("{md}");
    Ok(())
}
