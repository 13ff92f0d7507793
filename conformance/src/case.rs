//! Case specifications (`*.json`).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a case runs.
#[derive(Clone, Debug, Default)]
pub struct Case {
    /// Where the spec came from.
    pub path: PathBuf,
    /// A short name (path relative to the suite root, without `.json`).
    pub name: String,
    /// The module: `rust/<bin>`, `c/<name>`, `wat/<name>`, or a file path (upstream format).
    pub guest: Guest,
    /// WASI functions the case exercises (for the coverage table).
    pub functions: Vec<String>,
    /// `preview1` or `unstable`; `None`: from the module's imports.
    pub version: Option<wasibox_core::Version>,
    /// `enforce` or `compat` (default).
    pub enforce_rights: bool,
    /// Guest arguments after `argv[0]`.
    pub args: Vec<String>,
    /// Environment, in order.
    pub env: Vec<(String, String)>,
    /// Standard input.
    pub stdin: Vec<u8>,
    /// Preopens in fd order: (guest path, host fixture directory, key used in `tree`).
    pub preopens: Vec<(String, PathBuf, String)>,
    /// Expected exit code (a trap is 134).
    pub exit_code: u32,
    /// Expected stdout, if given.
    pub stdout: Option<String>,
    /// Expected stderr, if given.
    pub stderr: Option<String>,
    /// Expected trees after the run, by fixture key.
    pub tree: BTreeMap<String, Vec<String>>,
    /// A reactor: call `_initialize` then this export.
    pub invoke: Option<String>,
    /// Backends on which the case is skipped, with the reason.
    pub skip: BTreeMap<String, String>,
    /// Where wasibox deliberately differs from the reference the case was blessed
    /// against (wasmtime), the reason; the case's `"wasibox"` object then gives
    /// wasibox's expected `exit_code`/`stdout`/`stderr`/`tree`.
    pub deliberate: Option<String>,
}

/// Which module a case runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Guest {
    /// One of our built guests: (`rust`|`c`|`wat`, name).
    Built(String, String),
    /// A module file (upstream testsuite layout: `x.wasm` beside `x.json`).
    File(PathBuf),
    /// Not given.
    #[default]
    None,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Find a fixture directory named `rel`: under `cases_root`, else beside the case.
fn resolve_dir(rel: &str, case_dir: &Path, cases_root: &Path) -> Result<PathBuf, String> {
    for base in [cases_root, case_dir] {
        let p = base.join(rel);
        if p.is_dir() {
            return Ok(p);
        }
    }
    Err(format!("fixture directory {rel:?} not found"))
}

impl Case {
    /// Parse the spec at `path`. `cases_root` is where `fixtures/` lives; `module` is the
    /// module file for upstream-format cases (the `.wasm` beside the spec).
    pub fn load(path: &Path, cases_root: &Path, module: Option<PathBuf>) -> Result<Case, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(_) if module.is_some() => "{}".to_string(),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let case_dir = path.parent().unwrap_or(Path::new("."));
        let name = path
            .strip_prefix(cases_root)
            .unwrap_or(path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        let guest = match (v.get("guest").and_then(Value::as_str), module) {
            (Some(g), _) => match g.split_once('/') {
                Some((lang, n)) => Guest::Built(lang.to_string(), n.to_string()),
                None => return Err(format!("{}: bad guest {g:?}", path.display())),
            },
            (None, Some(m)) => Guest::File(m),
            (None, None) => return Err(format!("{}: no \"guest\"", path.display())),
        };
        let mut preopens = Vec::new();
        for d in strings(v.get("dirs")) {
            let host =
                resolve_dir(&d, case_dir, cases_root).map_err(|e| format!("{}: {e}", path.display()))?;
            let guest_path =
                Path::new(&d).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or(d.clone());
            preopens.push((guest_path, host, d));
        }
        // Upstream's newer form: "root" names a directory preopened as the guest's "/".
        if let Some(root) = v.get("root").and_then(Value::as_str) {
            let host =
                resolve_dir(root, case_dir, cases_root).map_err(|e| format!("{}: {e}", path.display()))?;
            preopens.push(("/".to_string(), host, root.to_string()));
        }
        if let Some(map) = v.get("preopens").and_then(Value::as_object) {
            for (g, rel) in map {
                let rel = rel.as_str().unwrap_or_default().to_string();
                let host = resolve_dir(&rel, case_dir, cases_root)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                preopens.push((g.clone(), host, rel));
            }
        }
        let mut tree = BTreeMap::new();
        if let Some(map) = v.get("tree").and_then(Value::as_object) {
            for (k, lines) in map {
                tree.insert(k.clone(), strings(Some(lines)));
            }
        }
        // wasibox's own expectations, where it deliberately differs from the reference.
        let over = v.get("wasibox").and_then(Value::as_object);
        let pick = |k: &str| over.and_then(|o| o.get(k)).or_else(|| v.get(k));
        if let Some(t) = over.and_then(|o| o.get("tree")).and_then(Value::as_object) {
            tree.clear();
            for (k, lines) in t {
                tree.insert(k.clone(), strings(Some(lines)));
            }
        }
        let mut skip = BTreeMap::new();
        if let Some(map) = v.get("skip").and_then(Value::as_object) {
            for (k, why) in map {
                skip.insert(k.clone(), why.as_str().unwrap_or("skipped").to_string());
            }
        }
        Ok(Case {
            path: path.to_path_buf(),
            name,
            guest,
            functions: strings(v.get("functions")),
            version: match v.get("version").and_then(Value::as_str) {
                Some("unstable") => Some(wasibox_core::Version::Unstable),
                Some("preview1") => Some(wasibox_core::Version::Preview1),
                _ => None,
            },
            enforce_rights: v.get("rights_policy").and_then(Value::as_str) == Some("enforce"),
            args: strings(v.get("args")),
            env: v
                .get("env")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
                })
                .unwrap_or_default(),
            stdin: v.get("stdin").and_then(Value::as_str).unwrap_or_default().as_bytes().to_vec(),
            preopens,
            exit_code: pick("exit_code").and_then(Value::as_u64).unwrap_or(0) as u32,
            stdout: pick("stdout").and_then(Value::as_str).map(str::to_string),
            stderr: pick("stderr").and_then(Value::as_str).map(str::to_string),
            tree,
            invoke: if v.get("reactor").and_then(Value::as_bool) == Some(true) {
                Some(v.get("invoke").and_then(Value::as_str).unwrap_or("run").to_string())
            } else {
                None
            },
            skip,
            deliberate: over.and_then(|o| o.get("why")).and_then(Value::as_str).map(str::to_string),
        })
    }
}
