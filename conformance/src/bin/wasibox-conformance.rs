//! `wasibox-conformance`: run the suite against backends and print the coverage table.
//!
//! ```text
//! wasibox-conformance [run] [--backend mem|posix|all] [--filter TEXT] [--verbose]
//! wasibox-conformance testsuite [--backend ...] DIR...   (upstream wasi-testsuite layout)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use wasibox_conformance::exec::Backend;
use wasibox_conformance::guests::cases_root;
use wasibox_conformance::suite::{collect, collect_testsuite, run_cases, table, totals, Verdict};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    let mut mode = "run".to_string();
    if let Some(a) = args.peek() {
        if a == "run" || a == "testsuite" {
            mode = a.clone();
            args.next();
        }
    }
    let mut backends = Backend::ALL.to_vec();
    let mut filter = None;
    let mut verbose = false;
    let mut bless: Option<String> = None;
    let mut dirs = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--backend" => match args.next().as_deref() {
                Some("all") => backends = Backend::ALL.to_vec(),
                Some(name) => match Backend::from_name(name) {
                    Some(b) => backends = vec![b],
                    None => {
                        eprintln!("unknown backend {name}");
                        return ExitCode::from(2);
                    }
                },
                None => return ExitCode::from(2),
            },
            "--filter" => filter = args.next(),
            "--verbose" | "-v" => verbose = true,
            // Record wasibox's behaviour as the deliberate expectation of every case
            // (with --filter) that fails identically on all backends. Review the diff!
            "--bless-deliberate" => bless = args.next(),
            "-h" | "--help" => {
                println!("usage: wasibox-conformance [run|testsuite] [--backend mem|posix|all] [--filter TEXT] [-v] [DIR...]");
                return ExitCode::SUCCESS;
            }
            other => dirs.push(PathBuf::from(other)),
        }
    }
    let (specs, root): (Vec<(PathBuf, Option<PathBuf>)>, PathBuf) = if mode == "testsuite" {
        if dirs.is_empty() {
            eprintln!("testsuite needs at least one directory");
            return ExitCode::from(2);
        }
        let specs = dirs.iter().flat_map(|d| collect_testsuite(d)).map(|(j, w)| (j, Some(w))).collect();
        (specs, dirs[0].clone())
    } else {
        let root = cases_root();
        (collect(&root).into_iter().map(|p| (p, None)).collect(), root)
    };
    let reports = run_cases(&specs, &root, &backends, filter.as_deref());
    if let Some(why) = &bless {
        for r in &reports {
            match wasibox_conformance::suite::bless_deliberate(r, why) {
                Ok(true) => println!("blessed {}", r.case.name),
                Ok(false) => {}
                Err(e) => println!("cannot bless {}: {e}", r.case.name),
            }
        }
        return ExitCode::SUCCESS;
    }
    for r in &reports {
        for (b, v) in &r.verdicts {
            match v {
                Verdict::Fail(lines) => {
                    println!("FAIL {} [{}]", r.case.name, b.name());
                    for l in lines {
                        println!("    {l}");
                    }
                }
                Verdict::Pass if verbose => println!("ok   {} [{}]", r.case.name, b.name()),
                _ => {}
            }
        }
    }
    println!();
    print!("{}", table(&reports, &backends));
    let (pass, fail, skip) = totals(&reports);
    println!("\n{} cases; {pass} passed, {fail} failed ({skip} skipped)", reports.len());
    if fail == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
