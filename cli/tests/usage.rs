//! The CLI's own surface: a user's mistakes are one line and exit 2, whatever the
//! mistake; help, version, completions, and a module read from stdin.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn wasibox_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasibox"));
    for var in ["WASIBOX_LOG", "WASIBOX_LOG_FILE", "WASIBOX_LOG_FORMAT"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied()).args(args).stdin(Stdio::null()).output().expect("run wasibox")
}

fn wasibox(args: &[&str]) -> Output {
    wasibox_with_env(args, &[])
}

fn hello() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello.wat").to_string_lossy().into_owned()
}

/// Assert that `out` is a usage error: exit 2, one line on stderr that starts with
/// `wasibox: error: ` and contains `needle`, nothing on stdout.
#[track_caller]
fn assert_usage_error(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.starts_with("wasibox: error: "), "{err:?}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_module_that_cannot_be_read_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.wasm");
    assert_usage_error(&wasibox(&["run", missing.to_str().unwrap()]), "cannot read module");
    assert_usage_error(&wasibox(&["run", dir.path().to_str().unwrap()]), "cannot read module");
    assert_usage_error(&wasibox(&["inspect", missing.to_str().unwrap()]), "cannot read module");
}

#[test]
fn a_module_that_is_read_but_not_wasm_still_exits_125() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.wat");
    std::fs::write(&junk, "(module (func $f (undefined_instr)))").unwrap();
    let out = wasibox(&["run", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(125), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bad_dir_specs_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    let missing = dir.path().join("missing");
    let d = dir.path().to_str().unwrap();
    let h = hello();
    let cases: [(String, &str); 5] = [
        (format!("{}::/m", missing.display()), "No such file or directory"),
        (format!("{}::/f", file.display()), "is not a directory"),
        ("::/data".to_string(), "the host directory is empty"),
        (format!("{d}::"), "the guest path after \"::\" is empty"),
        (missing.display().to_string(), "missing"),
    ];
    for (spec, needle) in &cases {
        assert_usage_error(&wasibox(&["run", "--dir", spec, &h]), needle);
        assert_usage_error(&wasibox(&["run", "--dir-ro", spec, &h]), needle);
        assert_usage_error(&wasibox(&["run", "--backend", "mem", "--dir", spec, &h]), needle);
    }
}

#[test]
fn unknown_values_and_flags_are_one_line_usage_errors() {
    let h = hello();
    assert_usage_error(&wasibox(&["run", "--backend", "vax", &h]), "invalid value 'vax' for '--backend");
    assert_usage_error(&wasibox(&["run", "--engine", "v8", &h]), "invalid value 'v8' for '--engine");
    assert_usage_error(&wasibox(&["run", "--no-such-flag", &h]), "--no-such-flag");
    assert_usage_error(&wasibox(&["run", "--max-fds", "many", &h]), "invalid value 'many'");
    assert_usage_error(&wasibox(&["run"]), "required");
    assert_usage_error(&wasibox(&["frobnicate"]), "frobnicate");
}

#[test]
fn bad_env_trace_and_backend_combinations_are_usage_errors() {
    let h = hello();
    assert_usage_error(
        &wasibox(&["run", "--env", "=value", &h]),
        "--env \"=value\": the variable name is empty",
    );
    assert_usage_error(&wasibox(&["run", "--env", "", &h]), "the variable name is empty");
    assert_usage_error(
        &wasibox(&["run", "--trace-filter", "fd,bogus", &h]),
        "unknown function or family \"bogus\"",
    );
    assert_usage_error(&wasibox(&["run", "--trace-format", "xml", &h]), "invalid value 'xml'");
    assert_usage_error(&wasibox_with_env(&["run", &h], &[("WASIBOX_LOG", "fs")]), "WASIBOX_LOG: unknown");
    let dir = tempfile::tempdir().unwrap();
    let unwritable = dir.path().join("no/such/dir/trace.txt");
    assert_usage_error(
        &wasibox(&["run", &format!("--trace={}", unwritable.display()), &h]),
        "cannot create trace file",
    );
    assert_usage_error(&wasibox(&["run", "--persist", &h]), "--persist needs --backend mem");
    assert_usage_error(
        &wasibox(&["run", "--seed", "3", "--backend", "posix", &h]),
        "--seed needs --backend mem",
    );
    assert_usage_error(&wasibox(&["run", "--tcplisten", "not an address", &h]), "--tcplisten");
    assert_usage_error(&wasibox(&["run", "--backend", "mem", "--tcplisten", "127.0.0.1:0", &h]), "posix");
}

#[test]
fn a_module_can_come_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasibox"))
        .args(["run", "-"])
        .env_remove("WASIBOX_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(hello()).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Hello from wasibox!\n");
}

#[test]
fn help_version_and_completions() {
    let out = wasibox(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Examples:") && help.contains("wasibox run --trace"), "{help}");
    let out = wasibox(&["run", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("WASIBOX_LOG=") && help.contains("--trace-filter"), "{help}");
    let out = wasibox(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(version.starts_with(&format!("wasibox {}", env!("CARGO_PKG_VERSION"))), "{version}");
    for shell in ["bash", "zsh", "fish"] {
        let out = wasibox(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("trace-filter") && script.contains("dir-ro"), "{shell}: {script}");
    }
    assert_usage_error(&wasibox(&["completions", "cmd.exe"]), "invalid value");
}

/// The completion script bash would load works: it completes `wasibox run --trace-f`.
#[test]
fn bash_completion_completes_flags() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("skipped: no bash");
        return;
    }
    let out = wasibox(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script: PathBuf = dir.path().join("wasibox.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let probe = format!(
        "source {}; COMP_WORDS=(wasibox run --trace-f); COMP_CWORD=2; COMP_LINE='wasibox run --trace-f'; \
         COMP_POINT=${{#COMP_LINE}}; _wasibox wasibox --trace-f run; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
    let replies = String::from_utf8_lossy(&out.stdout);
    assert!(
        replies.lines().any(|l| l == "--trace-filter"),
        "{replies}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(replies.lines().any(|l| l == "--trace-format"), "{replies}");
}
