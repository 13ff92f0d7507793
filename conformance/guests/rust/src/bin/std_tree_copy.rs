//! `std_tree_copy SRC DST [EXIT_CODE]`: a real program written against Rust std only.
//!
//! Reads its arguments and environment, walks the directory tree SRC (a preopen or a
//! path inside one), copies every file, directory and symlink into DST (created if
//! missing), prints a sorted manifest of what it copied, and exits with EXIT_CODE
//! (default 0). `COPY_LABEL` in the environment is printed first; `COPY_SKIP` names
//! entries (by file name) not to copy. Errors go to stderr with exit code 2.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

fn copy_tree(src: &Path, dst: &Path, rel: &str, skip: &[String], manifest: &mut Vec<String>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(src)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().into_string().expect("UTF-8 names");
        if skip.contains(&name) {
            continue;
        }
        let from = e.path();
        let to = dst.join(&name);
        let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let ft = e.file_type()?;
        if ft.is_symlink() {
            let target = fs::read_link(&from)?;
            wasibox_guests::std_symlink(target.to_str().unwrap(), to.to_str().unwrap())?;
            manifest.push(format!("l {r} -> {}", target.display()));
        } else if ft.is_dir() {
            fs::create_dir(&to)?;
            manifest.push(format!("d {r}"));
            copy_tree(&from, &to, &r, skip, manifest)?;
        } else {
            let n = fs::copy(&from, &to)?;
            let meta = fs::metadata(&to)?;
            assert_eq!(n, meta.len());
            manifest.push(format!("f {r} {n}"));
        }
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: std_tree_copy SRC DST [EXIT_CODE]");
        std::process::exit(2);
    }
    if let Ok(label) = std::env::var("COPY_LABEL") {
        println!("label: {label}");
    }
    let skip: Vec<String> = std::env::var("COPY_SKIP")
        .map(|s| s.split(',').filter(|x| !x.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    let (src, dst) = (Path::new(&args[0]), Path::new(&args[1]));
    let code: i32 = args.get(2).map(|s| s.parse().expect("exit code")).unwrap_or(0);
    if let Err(e) = fs::create_dir_all(dst) {
        eprintln!("cannot create {}: {}", dst.display(), e.kind());
        std::process::exit(2);
    }
    let mut manifest = Vec::new();
    if let Err(e) = copy_tree(src, dst, "", &skip, &mut manifest) {
        eprintln!("copy failed: {}", e.kind());
        std::process::exit(2);
    }
    manifest.sort();
    let mut out = io::stdout().lock();
    for m in &manifest {
        writeln!(out, "{m}").unwrap();
    }
    writeln!(out, "{} entries", manifest.len()).unwrap();
    out.flush().unwrap();
    std::process::exit(code);
}
