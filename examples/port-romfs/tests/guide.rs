//! `docs/porting.md` cannot go stale: every `rust` and `toml` block in it is a verbatim
//! excerpt of this crate's sources, and its table of `Platform` methods names every
//! method of the trait with the right "required"/"optional".

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn guide() -> String {
    read(&crate_dir().join("../../docs/porting.md"))
}

/// Every file of the crate that an excerpt may come from.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = vec![];
    let mut stack = vec![crate_dir().join("src"), crate_dir().join("tests"), crate_dir().join("examples")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), read(&p)));
            }
        }
    }
    let manifest = crate_dir().join("Cargo.toml");
    out.push((manifest.clone(), read(&manifest)));
    out
}

/// The fenced blocks of `text` in one of `langs`: (language, first line number, body).
fn blocks<'a>(text: &'a str, langs: &[&str]) -> Vec<(String, usize, String)> {
    let mut out = vec![];
    let mut open: Option<(String, usize, Vec<&'a str>)> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.to_string(), n + 1, vec![])),
            (Some(_), Some("")) => {
                let (lang, at, body) = open.take().unwrap();
                if langs.contains(&lang.as_str()) {
                    out.push((lang, at, body.join("\n")));
                }
            }
            (Some((_, _, body)), _) => body.push(line),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed code block in the guide");
    out
}

#[test]
fn every_code_excerpt_in_the_guide_is_in_the_example_verbatim() {
    let guide = guide();
    let sources = sources();
    let excerpts = blocks(&guide, &["rust", "toml"]);
    assert!(excerpts.len() >= 20, "the guide walks through the code: {} excerpts", excerpts.len());
    for (lang, line, body) in &excerpts {
        assert!(
            sources.iter().any(|(_, text)| text.contains(body.as_str())),
            "docs/porting.md line {line}: this {lang} block is not in examples/port-romfs verbatim:\n{body}"
        );
    }
}

/// The trait's methods, and whether each has a default body.
fn platform_methods() -> Vec<(String, bool)> {
    let src = read(&crate_dir().join("../../core/src/platform.rs"));
    let start = src.find("pub trait Platform {").expect("the trait");
    let body = &src[start..];
    let mut out = vec![];
    let mut rest = body;
    while let Some(at) = rest.find("    fn ") {
        let sig = &rest[at + 7..];
        let name: String = sig.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let end = sig.find([';', '{']).expect("a signature ends");
        out.push((name, sig.as_bytes()[end] == b'{'));
        rest = &sig[end..];
    }
    out
}

#[test]
fn the_guide_table_names_every_platform_method_and_whether_it_is_optional() {
    let guide = guide();
    let methods = platform_methods();
    assert!(methods.len() >= 35, "found {} methods", methods.len());
    let mut table = vec![];
    for row in guide.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (names, kind) = (cells[1], cells[2]);
        if kind != "required" && kind != "optional" {
            continue;
        }
        for name in names.split(',').map(|n| n.trim().trim_matches('`')) {
            table.push((name.to_string(), kind == "optional"));
        }
    }
    let mut want = methods.clone();
    want.sort();
    table.sort();
    assert_eq!(table, want, "the guide's table against core/src/platform.rs (name, optional)");
}
