//! Snapshots of a directory tree as sorted lines: `d PATH`, `f PATH SIZE [CONTENT]`,
//! `l PATH -> TARGET`. CONTENT is the file's bytes when they are at most 64 printable
//! ASCII characters, `*` otherwise (then the differential run compares a digest).

use std::path::Path;

/// One entry of a snapshot, with a digest of file contents for differential checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The snapshot line.
    pub line: String,
    /// Digest of the whole content (files only).
    pub digest: u64,
}

/// The line for a file `rel` holding `data`.
pub fn file_line(rel: &str, data: &[u8]) -> String {
    if data.is_empty() {
        format!("f {rel} 0")
    } else if data.len() <= 64 && data.iter().all(|b| (0x20..=0x7e).contains(b)) {
        format!("f {rel} {} {}", data.len(), String::from_utf8_lossy(data))
    } else {
        format!("f {rel} {} *", data.len())
    }
}

/// FNV-1a: enough to notice that two backends wrote different bytes.
pub fn digest(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

/// Snapshot a host directory (never following symlinks).
pub fn snapshot_host(root: &Path) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    walk_host(root, "", &mut out)?;
    out.sort_by(|a, b| path_of(&a.line).cmp(path_of(&b.line)));
    Ok(out)
}

fn walk_host(dir: &Path, prefix: &str, out: &mut Vec<Entry>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let ft = e.file_type()?;
        if ft.is_symlink() {
            // WASI paths: a Windows link's `\` separators read as `/` (as the backend does).
            let t = std::fs::read_link(e.path())?.to_string_lossy().into_owned();
            let t = if cfg!(windows) { t.replace('\\', "/") } else { t };
            out.push(Entry { line: format!("l {rel} -> {t}"), digest: 0 });
        } else if ft.is_dir() {
            out.push(Entry { line: format!("d {rel}"), digest: 0 });
            walk_host(&e.path(), &format!("{rel}/"), out)?;
        } else if ft.is_file() {
            let data = std::fs::read(e.path())?;
            out.push(Entry { line: file_line(&rel, &data), digest: digest(&data) });
        } else {
            out.push(Entry { line: format!("? {rel}"), digest: 0 });
        }
    }
    Ok(())
}

/// Snapshot the in-memory directory at `at`.
pub fn snapshot_mem(fs: &wasibox_mem::MemFs, at: &str) -> Result<Vec<Entry>, String> {
    use wasibox_core::abi::Filetype;
    let mut out = Vec::new();
    let entries = fs.walk(at).map_err(|e| format!("walk {at}: {e:?}"))?;
    for (path, st) in entries {
        let rel = String::from_utf8_lossy(&path).trim_start_matches('/').to_string();
        if rel.is_empty() {
            continue;
        }
        let full = format!("{}/{rel}", at.trim_end_matches('/'));
        match st.filetype {
            Filetype::Directory => out.push(Entry { line: format!("d {rel}"), digest: 0 }),
            Filetype::SymbolicLink => {
                let t = fs.read_link(&full).map_err(|e| format!("readlink {full}: {e:?}"))?;
                out.push(Entry { line: format!("l {rel} -> {}", String::from_utf8_lossy(&t)), digest: 0 });
            }
            Filetype::RegularFile => {
                let data = fs.read_file(&full).map_err(|e| format!("read {full}: {e:?}"))?;
                out.push(Entry { line: file_line(&rel, &data), digest: digest(&data) });
            }
            _ => out.push(Entry { line: format!("? {rel}"), digest: 0 }),
        }
    }
    out.sort_by(|a, b| path_of(&a.line).cmp(path_of(&b.line)));
    Ok(out)
}

/// The path part of a snapshot line (what lines sort by).
pub fn path_of(line: &str) -> &str {
    let rest = line.split_once(' ').map(|x| x.1).unwrap_or(line);
    if line.starts_with("l ") {
        rest.rsplit_once(" -> ").map(|x| x.0).unwrap_or(rest)
    } else if line.starts_with("f ") {
        rest.split(' ').next().unwrap_or(rest)
    } else {
        rest
    }
}
