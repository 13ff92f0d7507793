//! Building and loading guest modules. `conformance/guests/build.sh` builds every Rust,
//! C and WAT guest into `target/guests` (incrementally); this module runs it once per
//! process and loads modules by name.

use crate::case::Guest;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The workspace root (where `Cargo.toml` of the workspace is).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Our case directory.
pub fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Where built guests go: `$WASIBOX_GUESTS`, else `target/guests`.
pub fn guests_dir() -> PathBuf {
    match std::env::var_os("WASIBOX_GUESTS") {
        Some(d) => PathBuf::from(d),
        None => workspace_root().join("target").join("guests"),
    }
}

/// Build the guests once per process. Returns the build's error output on failure.
pub fn build_guests() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let out = guests_dir();
            if std::env::var_os("WASIBOX_SKIP_GUEST_BUILD").is_some() {
                return Ok(out);
            }
            // The guests are built with bash, cargo and clang for wasm32: on Linux. A
            // Windows run (under Wine, or on Windows) uses guests built there beforehand.
            if cfg!(windows) {
                return if out.is_dir() {
                    Ok(out)
                } else {
                    Err(format!(
                        "no prebuilt guests at {}: build them with `bash conformance/guests/build.sh DIR` \
                         (on Linux) and set WASIBOX_GUESTS=DIR",
                        out.display()
                    ))
                };
            }
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("guests").join("build.sh");
            let r = std::process::Command::new("bash")
                .arg(&script)
                .arg(&out)
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .output()
                .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
            if r.status.success() {
                Ok(out)
            } else {
                Err(format!(
                    "{} failed:\n{}{}",
                    script.display(),
                    String::from_utf8_lossy(&r.stdout),
                    String::from_utf8_lossy(&r.stderr)
                ))
            }
        })
        .clone()
}

/// The binary module for `guest` (text modules are compiled with `wat`).
pub fn load(guest: &Guest) -> Result<(Vec<u8>, String), String> {
    let path = match guest {
        Guest::Built(lang, name) => {
            let dir = build_guests()?;
            let ext = if lang == "wat" { "wat" } else { "wasm" };
            dir.join(lang).join(format!("{name}.{ext}"))
        }
        Guest::File(p) => p.clone(),
        Guest::None => return Err("no guest".into()),
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let argv0 = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if bytes.starts_with(b"\0asm") {
        Ok((bytes, argv0))
    } else {
        wat::parse_bytes(&bytes)
            .map(|b| (b.into_owned(), argv0))
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}
