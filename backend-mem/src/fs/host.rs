//! Copying trees between the host filesystem and a [`MemFs`] (feature `std`). This is
//! the only code in the crate that touches the OS, and only when the host calls it.

use super::node::{Kind, Node};
use super::ops::{self, Name, NewBody};
use super::{MemFs, PAGE_SIZE};
use alloc::boxed::Box;
use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wasibox_core::abi::{Errno, SetTime};

fn errno_to_io(e: Errno) -> io::Error {
    let kind = match e {
        Errno::NOENT => io::ErrorKind::NotFound,
        Errno::EXIST => io::ErrorKind::AlreadyExists,
        Errno::NOSPC => io::ErrorKind::StorageFull,
        Errno::INVAL | Errno::NAMETOOLONG | Errno::ILSEQ => io::ErrorKind::InvalidInput,
        Errno::NOTDIR => io::ErrorKind::NotADirectory,
        Errno::ISDIR => io::ErrorKind::IsADirectory,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, format!("memfs: {e:?}"))
}

fn time_to_ns(t: io::Result<SystemTime>) -> Option<u64> {
    let t = t.ok()?;
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    Some(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn ns_to_time(ns: u64) -> SystemTime {
    UNIX_EPOCH.checked_add(Duration::from_nanos(ns)).unwrap_or(UNIX_EPOCH)
}

fn host_times(md: &fs::Metadata) -> (SetTime, SetTime) {
    let conv = |t: Option<u64>| t.map_or(SetTime::Omit, SetTime::At);
    (conv(time_to_ns(md.accessed())), conv(time_to_ns(md.modified())))
}

/// The bytes of a host file name.
#[cfg(unix)]
fn name_bytes(name: &std::ffi::OsStr) -> io::Result<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    Ok(Vec::from(name.as_bytes()))
}

#[cfg(not(unix))]
fn name_bytes(name: &std::ffi::OsStr) -> io::Result<Vec<u8>> {
    name.to_str()
        .map(|s| Vec::from(s.as_bytes()))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "host name is not UTF-8"))
}

/// A memfs name as a host file name, refusing anything that is not exactly one
/// component on this host.
fn host_name(name: &[u8]) -> io::Result<OsString> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "memfs name cannot be a host file name");
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0) {
        return Err(bad());
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Ok(OsString::from_vec(Vec::from(name)))
    }
    #[cfg(not(unix))]
    {
        let s = core::str::from_utf8(name).map_err(|_| bad())?;
        if s.contains(['\\', ':']) {
            return Err(bad());
        }
        Ok(OsString::from(s))
    }
}

#[cfg(unix)]
fn host_identity(md: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    (md.nlink() > 1).then(|| (md.dev(), md.ino()))
}

#[cfg(not(unix))]
fn host_identity(_md: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

#[cfg(unix)]
fn same_host_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_host_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.len() == b.len() && a.is_file() && b.is_file()
}

#[cfg(unix)]
fn host_symlink(target: &[u8], link: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), link)
}

#[cfg(windows)]
fn host_symlink(target: &[u8], link: &Path) -> io::Result<()> {
    let t = core::str::from_utf8(target)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "symlink target is not UTF-8"))?;
    std::os::windows::fs::symlink_file(t, link)
}

#[cfg(not(any(unix, windows)))]
fn host_symlink(_target: &[u8], _link: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "symlinks are not supported on this host"))
}

#[cfg(unix)]
fn host_readlink(path: &Path) -> io::Result<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    Ok(Vec::from(fs::read_link(path)?.as_os_str().as_bytes()))
}

#[cfg(not(unix))]
fn host_readlink(path: &Path) -> io::Result<Vec<u8>> {
    let t = fs::read_link(path)?;
    t.to_str()
        .map(|s| Vec::from(s.replace('\\', "/").as_bytes()))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "symlink target is not UTF-8"))
}

/// Remove whatever is at `path` on the host without following a symlink there.
fn remove_host_entry(path: &Path, md: &fs::Metadata) -> io::Result<()> {
    if md.is_dir() {
        // `remove_dir_all` does not follow symlinks inside the tree.
        fs::remove_dir_all(path)
    } else {
        match fs::remove_file(path) {
            // A Windows symlink to a directory is removed as a directory.
            Err(e) if md.file_type().is_symlink() => fs::remove_dir(path).map_err(|_| e),
            other => other,
        }
    }
}

impl MemFs {
    /// The child `name` of `dir`, removing it first if it is not of kind `want`.
    fn replace_unless(
        dir: &Arc<Node>,
        name: &[u8],
        want: Kind,
        now: u64,
    ) -> Result<Option<Arc<Node>>, Errno> {
        let Some(node) = ops::lookup(dir, Name::Entry(name))? else { return Ok(None) };
        if node.kind == want && want != Kind::Symlink {
            return Ok(Some(node));
        }
        ops::remove_tree(dir, name, now)?;
        Ok(None)
    }

    /// Copy the host directory tree `host` into this filesystem at `at` (created if
    /// missing): regular files, directories and symlinks (as symlinks, targets
    /// verbatim), with access and modification times; files hard-linked together on the
    /// host stay hard-linked (Unix). Entries already in the filesystem are replaced,
    /// others are left alone. Other kinds of host files (devices, sockets, FIFOs) are
    /// skipped. Host entries are visited in name order, so inode numbers are
    /// deterministic. Host symlinks are never followed (a file swapped for a symlink
    /// while being copied is an error).
    pub fn load_host_dir(&self, host: &Path, at: &str) -> io::Result<()> {
        self.create_dir_all(at).map_err(errno_to_io)?;
        let top = {
            let _ns = self.shared.ns.lock();
            self.resolve(at.as_bytes(), true).map_err(errno_to_io)?
        };
        let now = self.host_time();
        let mut links: HashMap<(u64, u64), Arc<Node>> = HashMap::new();
        let mut dir_times: Vec<(Arc<Node>, fs::Metadata)> = Vec::new();
        dir_times.push((Arc::clone(&top), fs::metadata(host)?));
        let mut work: Vec<(PathBuf, Arc<Node>)> = alloc::vec![(host.to_path_buf(), top)];
        while let Some((hdir, mdir)) = work.pop() {
            let mut entries: Vec<(Vec<u8>, PathBuf)> = Vec::new();
            for e in fs::read_dir(&hdir)? {
                let e = e?;
                entries.push((name_bytes(&e.file_name())?, e.path()));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut subdirs = Vec::new();
            for (name, hpath) in entries {
                let md = fs::symlink_metadata(&hpath)?;
                let ft = md.file_type();
                let ns = self.shared.ns.lock();
                let e = errno_to_io;
                if ft.is_dir() {
                    let node = match Self::replace_unless(&mdir, &name, Kind::Dir, now).map_err(e)? {
                        Some(n) => n,
                        None => ops::create(&mdir, Name::Entry(&name), NewBody::Dir, now).map_err(e)?,
                    };
                    dir_times.push((Arc::clone(&node), md));
                    subdirs.push((hpath, node));
                } else if ft.is_symlink() {
                    let target = host_readlink(&hpath)?;
                    Self::replace_unless(&mdir, &name, Kind::Symlink, now).map_err(e)?;
                    let node =
                        ops::create(&mdir, Name::Entry(&name), NewBody::Symlink(&target), now).map_err(e)?;
                    let (a, m) = host_times(&md);
                    ops::set_times(&node, a, m, now);
                } else if ft.is_file() {
                    let id = host_identity(&md);
                    if let Some(first) = id.and_then(|k| links.get(&k)) {
                        // Another name of a file already copied: link it.
                        if ops::lookup(&mdir, Name::Entry(&name))
                            .map_err(e)?
                            .is_some_and(|n| Arc::ptr_eq(&n, first))
                        {
                            continue;
                        }
                        Self::replace_unless(&mdir, &name, Kind::Symlink, now).map_err(e)?;
                        ops::link_node(first, &mdir, &name, now).map_err(e)?;
                        continue;
                    }
                    let node = match Self::replace_unless(&mdir, &name, Kind::File, now).map_err(e)? {
                        Some(n) => n,
                        None => ops::create(&mdir, Name::Entry(&name), NewBody::File, now).map_err(e)?,
                    };
                    drop(ns);
                    self.copy_in(&hpath, &md, &node)?;
                    if let Some(k) = id {
                        links.insert(k, Arc::clone(&node));
                    }
                }
            }
            work.extend(subdirs.into_iter().rev());
        }
        // Directory times last: filling a directory moved its mtime.
        for (node, md) in dir_times.iter().rev() {
            let (a, m) = host_times(md);
            ops::set_times(node, a, m, now);
        }
        Ok(())
    }

    /// Copy the host file `path` (which `md` describes) into the file `node`.
    fn copy_in(&self, path: &Path, md: &fs::Metadata, node: &Node) -> io::Result<()> {
        let mut file = fs::File::open(path)?;
        if !same_host_file(&file.metadata()?, md) {
            return Err(io::Error::other("host file changed while being copied"));
        }
        let now = self.host_time();
        {
            let mut st = node.state.lock();
            if let Some(f) = st.file_mut() {
                f.set_size(0, &self.shared);
            }
        }
        let mut buf: Box<[u8]> = alloc::vec![0u8; 16 * PAGE_SIZE].into_boxed_slice();
        let mut pos = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            let Some(chunk) = buf.get(..n) else { break };
            if chunk.is_empty() {
                break;
            }
            let mut st = node.state.lock();
            let f = st.file_mut().ok_or_else(|| errno_to_io(Errno::ISDIR))?;
            let w = f.write_at(pos, &[chunk], chunk.len(), &self.shared).map_err(errno_to_io)?;
            if w < chunk.len() {
                return Err(errno_to_io(Errno::NOSPC));
            }
            pos = pos.saturating_add(n as u64);
        }
        let (a, m) = host_times(md);
        ops::set_times(node, a, m, now);
        Ok(())
    }

    /// Write the tree at `at` in this filesystem out to the host directory `host`
    /// (created if missing), making the host tree match it: files and directories are
    /// created or overwritten, symlinks recreated (targets verbatim), host entries that
    /// are not in the filesystem deleted, modification and access times set (not on
    /// symlinks), hard links kept (one host file per inode), holes kept as holes where
    /// the host filesystem supports them.
    ///
    /// It never writes outside `host`: every name is checked to be exactly one host
    /// component, and no symlink inside `host` is ever followed (an existing host entry
    /// in the way is removed and created afresh, files with `O_EXCL`). `host` itself is
    /// used as given. Concurrent modification of the host tree while this runs is not
    /// defended against beyond that.
    pub fn store_to_host(&self, at: &str, host: &Path) -> io::Result<()> {
        let top = {
            let _ns = self.shared.ns.lock();
            self.resolve(at.as_bytes(), true).map_err(errno_to_io)?
        };
        if !top.is_dir() {
            return Err(errno_to_io(Errno::NOTDIR));
        }
        if fs::symlink_metadata(host).is_err() {
            fs::create_dir_all(host)?;
        }
        let mut written: HashMap<u64, PathBuf> = HashMap::new();
        let mut dir_times: Vec<(PathBuf, Arc<Node>)> = alloc::vec![(host.to_path_buf(), Arc::clone(&top))];
        let mut work: Vec<(Arc<Node>, PathBuf)> = alloc::vec![(top, host.to_path_buf())];
        while let Some((mdir, hdir)) = work.pop() {
            let children: Vec<(Vec<u8>, Arc<Node>)> = {
                let _ns = self.shared.ns.lock();
                let st = mdir.state.lock();
                let Some(d) = st.dir() else { continue };
                d.iter().map(|e| (Vec::from(&e.name[..]), Arc::clone(&e.node))).collect()
            };
            // Delete what the filesystem no longer has.
            for e in fs::read_dir(&hdir)? {
                let e = e?;
                let name = name_bytes(&e.file_name())?;
                if !children.iter().any(|(n, _)| *n == name) {
                    remove_host_entry(&e.path(), &fs::symlink_metadata(e.path())?)?;
                }
            }
            let mut subdirs = Vec::new();
            for (name, node) in children {
                let hpath = hdir.join(host_name(&name)?);
                let existing = fs::symlink_metadata(&hpath).ok();
                match node.kind {
                    Kind::Dir => {
                        match &existing {
                            Some(md) if md.is_dir() => {}
                            Some(md) => {
                                remove_host_entry(&hpath, md)?;
                                fs::create_dir(&hpath)?;
                            }
                            None => fs::create_dir(&hpath)?,
                        }
                        dir_times.push((hpath.clone(), Arc::clone(&node)));
                        subdirs.push((node, hpath));
                    }
                    Kind::Symlink => {
                        if let Some(md) = &existing {
                            remove_host_entry(&hpath, md)?;
                        }
                        let target = Vec::from(node.state.lock().symlink_target().unwrap_or_default());
                        host_symlink(&target, &hpath)?;
                    }
                    Kind::File => {
                        if let Some(md) = &existing {
                            remove_host_entry(&hpath, md)?;
                        }
                        if let Some(first) = written.get(&node.ino) {
                            fs::hard_link(first, &hpath)?;
                            continue;
                        }
                        self.copy_out(&node, &hpath)?;
                        if node.stat().nlink > 1 {
                            written.insert(node.ino, hpath);
                        }
                    }
                }
            }
            work.extend(subdirs.into_iter().rev());
        }
        for (path, node) in dir_times.iter().rev() {
            set_dir_times(path, node)?;
        }
        Ok(())
    }

    /// Create the host file `path` (which must not exist) with the contents of `node`.
    fn copy_out(&self, node: &Node, path: &Path) -> io::Result<()> {
        // `create_new` is O_CREAT | O_EXCL: it fails on any existing entry, a dangling
        // symlink included, so it can never write through a symlink.
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
        let (size, pages): (u64, Vec<u64>) = {
            let st = node.state.lock();
            match st.file() {
                Some(f) => (f.size(), f.page_indices().collect()),
                None => (0, Vec::new()),
            }
        };
        let mut page = Box::new([0u8; PAGE_SIZE]);
        for idx in pages {
            let start = idx.saturating_mul(PAGE_SIZE as u64);
            if start >= size {
                break;
            }
            let len = usize::try_from(size.saturating_sub(start)).unwrap_or(PAGE_SIZE).min(PAGE_SIZE);
            {
                let st = node.state.lock();
                if let Some(f) = st.file() {
                    f.copy_page(idx, &mut page);
                }
            }
            file.seek(SeekFrom::Start(start))?;
            file.write_all(page.get(..len).unwrap_or_default())?;
        }
        file.set_len(size)?;
        let st = node.stat();
        let times = fs::FileTimes::new().set_accessed(ns_to_time(st.atim)).set_modified(ns_to_time(st.mtim));
        file.set_times(times)?;
        Ok(())
    }
}

#[cfg(unix)]
fn set_dir_times(path: &Path, node: &Node) -> io::Result<()> {
    let md = fs::symlink_metadata(path)?;
    if !md.is_dir() {
        return Err(io::Error::other("host directory replaced while being written"));
    }
    let st = node.stat();
    let times = fs::FileTimes::new().set_accessed(ns_to_time(st.atim)).set_modified(ns_to_time(st.mtim));
    fs::File::open(path)?.set_times(times)
}

#[cfg(not(unix))]
fn set_dir_times(_path: &Path, _node: &Node) -> io::Result<()> {
    Ok(())
}
