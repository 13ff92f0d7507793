//! `wasibox-conformance`: run the suite against backends and print the coverage table.
//!
//! ```text
//! wasibox-conformance [run] [--backend mem|posix|windows|all] [--filter TEXT] [--verbose] [--save FILE]
//! wasibox-conformance testsuite [--backend ...] DIR...   (upstream wasi-testsuite layout)
//! wasibox-conformance merge FILE...                      (one table from saved ones)
//! ```
//!
//! The backends are mem and the host's own: posix on Unix, windows on Windows (and under
//! Wine). `--save` writes the table as JSON; `merge` prints one table from several, e.g.
//! a Linux run's mem and posix columns with a Wine run's windows column.

use std::path::PathBuf;
use std::process::ExitCode;
use wasibox_conformance::exec::Backend;
use wasibox_conformance::guests::cases_root;
use wasibox_conformance::suite::{collect, collect_testsuite, print_run, run_cases, Table};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    let mut mode = "run".to_string();
    if let Some(a) = args.peek() {
        if a == "run" || a == "testsuite" || a == "merge" {
            mode = a.clone();
            args.next();
        }
    }
    let mut backends = Backend::ALL.to_vec();
    let mut filter = None;
    let mut verbose = false;
    let mut bless: Option<String> = None;
    let mut dirs = Vec::new();
    let mut save: Option<PathBuf> = None;
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
            "--save" => save = args.next().map(PathBuf::from),
            "--verbose" | "-v" => verbose = true,
            // Record wasibox's behaviour as the deliberate expectation of every case
            // (with --filter) that fails identically on all backends. Review the diff!
            "--bless-deliberate" => bless = args.next(),
            "-h" | "--help" => {
                println!(
                    "usage: wasibox-conformance [run|testsuite|merge] [--backend mem|posix|windows|all] \
                     [--filter TEXT] [-v] [--save FILE] [DIR...|FILE...]"
                );
                return ExitCode::SUCCESS;
            }
            other => dirs.push(PathBuf::from(other)),
        }
    }
    if mode == "merge" {
        let mut tables = Vec::new();
        for f in &dirs {
            match std::fs::read_to_string(f).map_err(|e| e.to_string()).and_then(|t| Table::from_json(&t)) {
                Ok(t) => tables.push(t),
                Err(e) => {
                    eprintln!("{}: {e}", f.display());
                    return ExitCode::from(2);
                }
            }
        }
        let merged = Table::merge(&tables);
        print!("{}", merged.render());
        for t in &merged.totals {
            println!("\n{t}");
        }
        return ExitCode::SUCCESS;
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
    match print_run(&reports, &backends, verbose, save.as_deref()) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
