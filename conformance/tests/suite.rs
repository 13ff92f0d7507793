//! The whole conformance suite on every backend of this host (mem and posix on Unix; mem
//! and windows on Windows, and under Wine), with the differential check: any failure
//! fails the test and prints what differed.

use wasibox_conformance::exec::Backend;
use wasibox_conformance::guests::cases_root;
use wasibox_conformance::suite::{collect, run_cases, table, totals, Verdict};

#[test]
fn every_case_passes_on_every_backend_and_they_agree() {
    let root = cases_root();
    let specs: Vec<_> = collect(&root).into_iter().map(|p| (p, None)).collect();
    assert!(specs.len() >= 300, "expected at least 300 cases, found {}", specs.len());
    let reports = run_cases(&specs, &root, &Backend::ALL, None);
    let mut failures = Vec::new();
    for r in &reports {
        for (b, v) in &r.verdicts {
            if let Verdict::Fail(lines) = v {
                failures.push(format!("{} [{}]:\n    {}", r.case.name, b.name(), lines.join("\n    ")));
            }
        }
    }
    println!("{}", table(&reports, &Backend::ALL));
    let (pass, fail, skip) = totals(&reports);
    println!("{} cases; {pass} passed, {fail} failed ({skip} skipped)", reports.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
