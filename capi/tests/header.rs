//! `include/wasibox.h` is generated from this crate by cbindgen and committed, so that
//! C users (and the C example) have it without running a build script. This test
//! regenerates it and fails when the committed one differs: a change to the API that
//! forgets the header cannot pass. `WASIBOX_BLESS=1` rewrites it instead.
//!
//! It also compiles the header with the system C compiler (when there is one), as C99
//! and C++, with the sizes and field offsets of every shared struct checked against
//! Rust's.

use std::fmt::Write as _;
use std::mem::{offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasibox_capi::*;
use wasibox_core::dispatch::ValType;
use wasibox_core::Func;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The part cbindgen cannot produce (it does not expand wasibox-core's function-table
/// macro): one id per function, and an X-macro over the table. Placed right after the
/// includes, inside the include guard.
fn function_table() -> String {
    let mut s = String::new();
    for line in [
        "",
        "/*",
        " * Function ids for wasibox_call: the index of each function in the preview1 witx",
        " * order. The same ids serve wasi_unstable (which has no sock_accept).",
        " */",
    ] {
        let _ = writeln!(s, "{line}");
    }
    for (i, f) in Func::ALL.iter().enumerate() {
        let _ = writeln!(s, "#define WASIBOX_FUNC_{} {i}", f.name().to_uppercase());
    }
    let _ = writeln!(s, "#define WASIBOX_FUNC_COUNT {}", Func::ALL.len());
    for line in [
        "",
        "/*",
        " * Every function, for generating import shims:",
        " *   X(name, id, returns_errno, nparams, params, args)",
        " * name: the import name; id: its WASIBOX_FUNC_* id; returns_errno: 1 if the import",
        " * returns an i32 errno, 0 for proc_exit (no result); params: the wasm parameters as",
        " * C parameters with a leading comma, in parentheses, e.g. (, uint32_t fd, uint64_t",
        " * offset), or () for none; args: their names for an initializer, e.g. (fd, offset),",
        " * or (0) for none. WASIBOX_UNPAREN params removes the parentheses.",
        " */",
        "#define WASIBOX_UNPAREN(...) __VA_ARGS__",
        "#define WASIBOX_FOR_EACH_FUNC(X) \\",
    ] {
        let _ = writeln!(s, "{line}");
    }
    for f in Func::ALL {
        let params: Vec<String> = f
            .params()
            .iter()
            .zip(f.param_names())
            .map(|(t, n)| format!("{} {n}", if *t == ValType::I64 { "uint64_t" } else { "uint32_t" }))
            .collect();
        let params = if params.is_empty() { "()".to_string() } else { format!("(, {})", params.join(", ")) };
        let args = if f.params().is_empty() {
            "(0)".to_string()
        } else {
            format!("({})", f.param_names().join(", "))
        };
        let _ = writeln!(
            s,
            "  X({}, WASIBOX_FUNC_{}, {}, {}, {params}, {args}) \\",
            f.name(),
            f.name().to_uppercase(),
            u8::from(!f.results().is_empty()),
            f.params().len()
        );
    }
    s.push_str("  /* end of WASIBOX_FOR_EACH_FUNC */\n");
    s
}

fn generate() -> String {
    let dir = manifest_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .with_after_include(function_table())
        .generate()
        .expect("cbindgen runs")
        .write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn committed_header_is_current() {
    let path = manifest_dir().join("include/wasibox.h");
    let fresh = generate();
    if std::env::var_os("WASIBOX_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write the header");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: regenerate it with WASIBOX_BLESS=1 cargo test -p wasibox-capi --test header",
        path.display()
    );
}

/// Static assertions that C agrees with Rust on every struct shared through the API.
fn layout_checks() -> String {
    let mut s = String::new();
    let mut size = |c: &str, n: usize| {
        let _ = writeln!(s, "WASIBOX_CHECK(sizeof({c}) == {n});");
    };
    size("wasibox_limits", size_of::<wasibox_limits>());
    size("wasibox_iovec", size_of::<wasibox_iovec>());
    size("wasibox_ciovec", size_of::<wasibox_ciovec>());
    size("wasibox_filestat", size_of::<wasibox_filestat>());
    size("wasibox_settime", size_of::<wasibox_settime>());
    size("wasibox_open_options", size_of::<wasibox_open_options>());
    size("wasibox_dirent", size_of::<wasibox_dirent>());
    size("wasibox_pollfd", size_of::<wasibox_pollfd>());
    size("wasibox_deadline", size_of::<wasibox_deadline>());
    size("wasibox_platform", size_of::<wasibox_platform>());
    let mut off = |c: &str, field: &str, n: usize| {
        let _ = writeln!(s, "WASIBOX_CHECK(offsetof({c}, {field}) == {n});");
    };
    off("wasibox_limits", "max_symlinks", offset_of!(wasibox_limits, max_symlinks));
    off("wasibox_filestat", "nlink", offset_of!(wasibox_filestat, nlink));
    off("wasibox_filestat", "ctim", offset_of!(wasibox_filestat, ctim));
    off("wasibox_dirent", "name_len", offset_of!(wasibox_dirent, name_len));
    off("wasibox_pollfd", "error", offset_of!(wasibox_pollfd, error));
    off("wasibox_pollfd", "nbytes", offset_of!(wasibox_pollfd, nbytes));
    off("wasibox_open_options", "fdflags", offset_of!(wasibox_open_options, fdflags));
    off("wasibox_platform", "filetype", offset_of!(wasibox_platform, filetype));
    off("wasibox_platform", "clock_time", offset_of!(wasibox_platform, clock_time));
    off("wasibox_platform", "sock_shutdown", offset_of!(wasibox_platform, sock_shutdown));
    s
}

fn compile(cc: &str, lang: &[&str], src: &Path, dir: &Path) {
    let status = Command::new(cc)
        .args(lang)
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "-o"])
        .arg(dir.join("out.o"))
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(src)
        .status()
        .expect("run the C compiler");
    assert!(status.success(), "{cc} {lang:?} rejected the header");
}

#[test]
fn header_compiles_as_c99_and_cxx_with_rust_layouts() {
    if Command::new("cc").arg("--version").output().is_err() {
        eprintln!("no C compiler (cc): header compile check skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let body = format!(
        "#include <errno.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <time.h>\n\
         #include <sys/stat.h>\n#include \"wasibox.h\"\n#include \"wasibox.h\" /* the guard holds */\n\
         #define WASIBOX_CHECK(e) typedef char WASIBOX_CAT(check_, __LINE__)[(e) ? 1 : -1]\n\
         #define WASIBOX_CAT(a, b) WASIBOX_CAT2(a, b)\n#define WASIBOX_CAT2(a, b) a##b\n\
         {}\n\
         /* Every function expands to a well-formed shim. */\n\
         #define SHIM(name, id, returns_errno, nparams, params, args) \\\n\
           int32_t shim_##name(wasibox_ctx *ctx WASIBOX_UNPAREN params); \\\n\
           int32_t shim_##name(wasibox_ctx *ctx WASIBOX_UNPAREN params) {{ \\\n\
             uint64_t a[] = {{ WASIBOX_UNPAREN args }}; \\\n\
             return wasibox_call(ctx, id, a, nparams, NULL, 0, NULL); }}\n\
         WASIBOX_FOR_EACH_FUNC(SHIM)\n",
        layout_checks()
    );
    let c = dir.path().join("check.c");
    std::fs::write(&c, &body).expect("write check.c");
    compile("cc", &["-std=c99"], &c, dir.path());
    if Command::new("c++").arg("--version").output().is_ok() {
        let cpp = dir.path().join("check.cpp");
        std::fs::write(&cpp, &body).expect("write check.cpp");
        compile("c++", &["-std=c++11", "-Wno-unused-local-typedefs"], &cpp, dir.path());
    }
}
