//! The conformance suite on the ROM port: every case that does not change the
//! filesystem (on mem, the reference) runs on romfs, is checked against the case's
//! expectations and compared with mem; the others are skipped as "read-only backend".

mod support;

use support::adapter;
use wasibox_conformance::exec::Backend;
use wasibox_conformance::port::{run_suite, READ_ONLY};
use wasibox_conformance::suite::{table, totals, Verdict};

#[test]
fn the_read_only_cases_pass_on_romfs() {
    let reports = run_suite(&adapter::RomPort, None);
    let romfs = Backend::Port("romfs");
    println!("{}", table(&reports, &[romfs]));
    let (pass, fail, skip) = totals(&reports);
    println!("{} cases; {pass} passed, {fail} failed ({skip} skipped)", reports.len());
    let mut failures = Vec::new();
    for r in &reports {
        match r.verdicts.get(&romfs) {
            Some(Verdict::Fail(lines)) => {
                failures.push(format!("{}:\n    {}", r.case.name, lines.join("\n    ")))
            }
            Some(Verdict::Skip(why)) => assert!(
                why.starts_with(READ_ONLY)
                    || why.starts_with("romfs holds no symlinks")
                    || why.starts_with("skipped on the reference backend")
                    || why == adapter::TERMINAL,
                "{}: skipped: {why}",
                r.case.name
            ),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    // The read-only subset is most of the suite, not a handful of cases.
    assert!(pass >= 250, "only {pass} cases ran on romfs");
}
