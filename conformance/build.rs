//! Lists the symlinks of the committed fixtures (`cases/**`) for the runner.
//!
//! The build script runs on the build host, where the fixtures' symlinks are real
//! symlinks. A Windows process cannot always see them: under Wine, Unix symlinks are
//! followed transparently (a link to a file reads as a copy of the file, a dangling one
//! as an error), and a Windows checkout without symlink support turns them into small
//! files. The list (path relative to `cases/`, `/`-separated, and the target) lets the
//! runner make fixtures right on every host.

use std::path::Path;

fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = format!("{rel}{name}");
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_symlink() {
            if let Ok(t) = std::fs::read_link(e.path()) {
                out.push((path, t.to_string_lossy().replace('\\', "/")));
            }
        } else if ft.is_dir() {
            walk(&e.path(), &format!("{path}/"), out);
        }
    }
}

fn main() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    println!("cargo:rerun-if-changed=cases");
    println!("cargo:rerun-if-changed=build.rs");
    let mut links = Vec::new();
    walk(&cases, "", &mut links);
    let mut src = String::from("&[\n");
    for (p, t) in &links {
        src.push_str(&format!("    ({p:?}, {t:?}),\n"));
    }
    src.push(']');
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("fixture_links.rs");
    std::fs::write(out, src).expect("write fixture_links.rs");
}
