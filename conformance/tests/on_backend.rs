//! `on_backend`: a backend's own expectation replaces the case's on that backend only,
//! and a wrong one fails there and nowhere else.

use std::path::Path;
use wasibox_conformance::exec::Backend;
use wasibox_conformance::suite::{run_cases, table, Verdict};

fn write_case(dir: &Path, name: &str, json: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.json"));
    std::fs::write(&p, json).unwrap();
    p
}

#[test]
fn a_backends_own_expectation_replaces_the_common_one_there_only() {
    let dir = tempfile::tempdir().unwrap();
    let backends = Backend::ALL;
    let own = |b: Backend, stdout: &str| {
        format!(r#""{}": {{"why": "test: {} differs", "stdout": {stdout:?}}}"#, b.name(), b.name())
    };
    // The common expectation is wrong everywhere; each backend's own is right: all pass.
    let all_right: Vec<String> = backends.iter().map(|b| own(*b, "[a]\n")).collect();
    let right = write_case(
        dir.path(),
        "right",
        &format!(
            r#"{{"guest": "wat/args", "args": ["a"], "stdout": "wrong\n", "on_backend": {{{}}}}}"#,
            all_right.join(", ")
        ),
    );
    // Only the last backend has a (wrong) expectation of its own: it fails, the rest pass.
    let last = *backends.last().unwrap();
    let wrong = write_case(
        dir.path(),
        "wrong",
        &format!(
            r#"{{"guest": "wat/args", "args": ["a"], "stdout": "[a]\n", "on_backend": {{{}}}}}"#,
            own(last, "nope\n")
        ),
    );
    let reports = run_cases(&[(right, None), (wrong, None)], dir.path(), &backends, None);
    assert_eq!(reports.len(), 2);
    for (b, v) in &reports[0].verdicts {
        assert_eq!(*v, Verdict::Pass, "{} on {}", reports[0].case.name, b.name());
        assert!(reports[0].notes[b].iter().any(|n| n.contains(&format!("test: {} differs", b.name()))));
    }
    for (b, v) in &reports[1].verdicts {
        if *b == last {
            let Verdict::Fail(lines) = v else { panic!("{} passed a wrong expectation", b.name()) };
            assert!(lines.iter().any(|l| l.contains("nope")), "{lines:?}");
            // Its stdout is its own business: no differential failure on it.
            assert!(!lines.iter().any(|l| l.starts_with("differential")), "{lines:?}");
        } else {
            assert_eq!(*v, Verdict::Pass, "{}", b.name());
        }
    }
    // The table names the reason.
    let t = table(&reports, &backends);
    assert!(t.contains("test: mem differs"), "{t}");
}

#[test]
fn an_expectation_without_a_reason_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_case(
        dir.path(),
        "noreason",
        r#"{"guest": "wat/args", "on_backend": {"mem": {"stdout": "x"}}}"#,
    );
    let reports = run_cases(&[(p, None)], dir.path(), &Backend::ALL, None);
    let Verdict::Fail(lines) = &reports[0].verdicts[&Backend::Mem] else { panic!("accepted") };
    assert!(lines.iter().any(|l| l.contains("needs a \"why\"")), "{lines:?}");
}
