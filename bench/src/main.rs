//! # wasibox-bench
//!
//! wasibox's own benchmark: one guest program (`bench/guest/`), compiled natively and to
//! `wasm32-wasip1`, run in one session under every runtime (native; wasibox on wasmtime
//! with the posix and mem backends; wasibox on wasmi; wasmtime's own WASI; wasmi's own
//! WASI; Node's `node:wasi` when `node` is on `PATH`), runs interleaved, median and spread
//! reported, with the ratios to native and to wasmtime-wasi.
//!
//! ```text
//! wasibox-bench [run] [--rounds R] [--ms MS] [--cap-ms MS] [--runtimes a,b] [--only w1,w2]
//! wasibox-bench callgrind [--iters N] [--runtimes a,b] [--only w1,w2]
//! wasibox-bench strace [--iters N] [--runtimes a,b] [--only w1,w2]
//! wasibox-bench allocs [--iters N] [--runtimes a,b] [--only w1,w2]
//! wasibox-bench exec RUNTIME WASM WORKDIR CACHE [GUEST ARGS...]     (internal)
//! ```
//!
//! Results go to `target/bench/` (`results.json`, `results.md`, `callgrind.json`, ...).
//! It never measures with `RUST_BACKTRACE` set: every child runs without it (wasi-common
//! and wasmtime-wasi capture a backtrace per WASI error when it is set).

mod allocs;
mod chart;
mod exec;
mod hostclock;
mod run;
mod tools;

#[global_allocator]
static GLOBAL: allocs::Counting = allocs::Counting;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.first().map(String::as_str) {
        Some(c @ ("run" | "callgrind" | "strace" | "allocs" | "exec" | "prepare" | "chart")) => {
            (c, &args[1..])
        }
        Some("-h" | "--help") => {
            println!("{}", USAGE);
            return;
        }
        _ => ("run", &args[..]),
    };
    let code = match cmd {
        "exec" => exec_cmd(rest),
        "chart" => chart_cmd(rest),
        _ => {
            let opts = run::Opts::parse(cmd, rest).unwrap_or_else(|e| {
                eprintln!("wasibox-bench: {e}\n{USAGE}");
                std::process::exit(2)
            });
            let r = match cmd {
                "run" => run::run(&opts),
                "prepare" => run::prepare(&opts).map(|_| ()),
                "callgrind" => tools::callgrind(&opts),
                "strace" => tools::strace(&opts),
                "allocs" => tools::allocs(&opts),
                _ => unreachable!(),
            };
            match r {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("wasibox-bench: {e}");
                    1
                }
            }
        }
    };
    std::process::exit(code)
}

const USAGE: &str = "usage:
  wasibox-bench [run] [--rounds R] [--ms MS] [--cap-ms MS] [--runtimes a,b] [--only w1,w2]
  wasibox-bench callgrind|strace|allocs [--iters N] [--runtimes a,b] [--only w1,w2]
  wasibox-bench prepare                      (build the guest, make the work directory)
  wasibox-bench chart [--from results.json] [--out chart.svg]
                                             (the timing results as an SVG bar chart; run
                                             also writes target/bench/results.svg)
common options: --workdir DIR (default target/bench/work), --out DIR (default target/bench),
  --no-build (use the guest binaries already built)
runtimes: native, wasibox-wasmtime-posix, wasibox-wasmtime-mem, wasibox-wasmi-posix,
  wasmtime-wasi, wasmi-wasi, node";

/// `chart [--from FILE] [--out FILE]`: render a `results.json` as an SVG chart.
fn chart_cmd(args: &[String]) -> i32 {
    let out_dir = run::default_target().join("bench");
    let mut from = out_dir.join("results.json");
    let mut out = out_dir.join("results.svg");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--from", Some(v)) => from = PathBuf::from(v),
            ("--out", Some(v)) => out = PathBuf::from(v),
            _ => {
                eprintln!("wasibox-bench chart: bad argument {a}\n{USAGE}");
                return 2;
            }
        }
    }
    let svg = std::fs::read_to_string(&from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", from.display())))
        .and_then(|v| chart::render(&v));
    match svg
        .and_then(|s| std::fs::write(&out, s).map_err(|e| format!("cannot write {}: {e}", out.display())))
    {
        Ok(()) => {
            eprintln!("wrote {}", out.display());
            0
        }
        Err(e) => {
            eprintln!("wasibox-bench chart: {e}");
            1
        }
    }
}

/// `exec RUNTIME WASM WORKDIR CACHE [GUEST ARGS...]`
fn exec_cmd(args: &[String]) -> i32 {
    let [rt, wasm, work, cache, guest @ ..] = args else {
        eprintln!("wasibox-bench exec RUNTIME WASM WORKDIR CACHE [GUEST ARGS...]");
        return 2;
    };
    let Some(rt) = exec::Runtime::from_name(rt).filter(|r| r.in_process()) else {
        eprintln!("wasibox-bench exec: {rt} is not an in-process runtime");
        return 2;
    };
    let counting = allocs::enable_from_env();
    let status = exec::exec(rt, &PathBuf::from(wasm), &PathBuf::from(work), &PathBuf::from(cache), guest);
    if counting {
        let (n, bytes) = allocs::totals();
        eprintln!("ALLOCS {n} {bytes}");
    }
    status
}
