//! Namespace operations on one directory and one name, shared by the `Platform`
//! implementation and the host-side helpers. Every function here expects the caller to
//! hold the filesystem's namespace lock; errors follow Linux (tmpfs) and the order in
//! which Linux checks them.

use super::dir::DirData;
use super::file_data::FileData;
use super::node::{Body, Kind, Node, NodeState};
use super::walk::{self, Scope};
use super::MAX_NAME_LEN;
use alloc::boxed::Box;
use alloc::sync::Arc;
use wasibox_core::abi::{Errno, SetTime};
use wasibox_core::Result;

/// Longest symlink target tmpfs accepts (a page, including the NUL).
pub(crate) const MAX_SYMLINK_LEN: usize = 4095;

/// One component as the `*_at` calls receive it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name<'a> {
    /// `.`: the directory itself.
    Dot,
    /// A real entry name.
    Entry(&'a [u8]),
}

/// Check a component handed to a `*_at` call. The core never passes `..`, `/` or NUL;
/// they are refused defensively (`ENOTCAPABLE`, `EINVAL`). Empty is `ENOENT` and longer
/// than [`MAX_NAME_LEN`] is `ENAMETOOLONG`, as Linux.
pub(crate) fn parse_name(name: &[u8]) -> Result<Name<'_>> {
    match name {
        b"" => Err(Errno::NOENT),
        b"." => Ok(Name::Dot),
        b".." => Err(Errno::NOTCAPABLE),
        _ if name.iter().any(|&b| b == b'/' || b == 0) => Err(Errno::INVAL),
        _ if name.len() > MAX_NAME_LEN => Err(Errno::NAMETOOLONG),
        _ => Ok(Name::Entry(name)),
    }
}

/// `dir` as a directory, or `ENOTDIR`.
pub(crate) fn require_dir(dir: &Node) -> Result<()> {
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Errno::NOTDIR)
    }
}

/// What `name` in `dir` refers to, if anything.
pub(crate) fn lookup(dir: &Arc<Node>, name: Name<'_>) -> Result<Option<Arc<Node>>> {
    match name {
        Name::Dot => Ok(Some(Arc::clone(dir))),
        Name::Entry(n) => walk::child(dir, n),
    }
}

/// Like [`lookup`] but missing is `ENOENT`.
pub(crate) fn lookup_existing(dir: &Arc<Node>, name: Name<'_>) -> Result<Arc<Node>> {
    lookup(dir, name)?.ok_or(Errno::NOENT)
}

/// Follow `node` (found as `name` in `dir`) if it is a symlink, confined to `dir`.
pub(crate) fn follow_confined(dir: &Arc<Node>, name: Name<'_>, node: Arc<Node>) -> Result<Arc<Node>> {
    match name {
        Name::Entry(n) if node.kind == Kind::Symlink => walk::resolve(dir, Scope::Confined, n, true),
        _ => Ok(node),
    }
}

/// Create a new inode of `body`'s kind as `name` in `dir`: `EEXIST` if the name is
/// taken, `ENOENT` if `dir` was removed, `ENOSPC` when out of inodes or bytes.
pub(crate) fn create(dir: &Arc<Node>, name: Name<'_>, body: NewBody<'_>, now: u64) -> Result<Arc<Node>> {
    let Name::Entry(name) = name else { return Err(Errno::EXIST) };
    let fs = Arc::clone(&dir.fs);
    let mut st = dir.state.lock();
    let d = st.dir_mut().ok_or(Errno::NOTDIR)?;
    if d.get(name).is_some() {
        return Err(Errno::EXIST);
    }
    if d.removed {
        return Err(Errno::NOENT);
    }
    let (kind, body, bytes) = match body {
        NewBody::File => (Kind::File, Body::File(FileData::default()), 0),
        NewBody::Dir => (Kind::Dir, Body::Dir(DirData::new(Arc::downgrade(dir))), 0),
        NewBody::Symlink(t) => (Kind::Symlink, Body::Symlink(Box::from(t)), t.len() as u64),
    };
    let ino = fs.alloc_inode()?;
    if !fs.charge_bytes(bytes) {
        fs.release_inode();
        return Err(Errno::NOSPC);
    }
    // From here the node owns its charges: dropping it gives them back.
    let node = Node::new(&fs, ino, kind, NodeState::new(body, now));
    d.insert(name, Arc::clone(&node))?;
    st.touch_modified(now);
    Ok(node)
}

/// What [`create`] makes.
#[derive(Clone, Copy)]
pub(crate) enum NewBody<'a> {
    File,
    Dir,
    Symlink(&'a [u8]),
}

/// Check a symlink target as Linux does: empty is `ENOENT`, a page or more is
/// `ENAMETOOLONG`, a NUL cannot be expressed (`EINVAL`).
pub(crate) fn check_symlink_target(target: &[u8]) -> Result<()> {
    if target.is_empty() {
        Err(Errno::NOENT)
    } else if target.len() > MAX_SYMLINK_LEN {
        Err(Errno::NAMETOOLONG)
    } else if target.contains(&0) {
        Err(Errno::INVAL)
    } else {
        Ok(())
    }
}

/// `unlinkat(dir, name, 0)`.
pub(crate) fn unlink(dir: &Arc<Node>, name: Name<'_>, now: u64) -> Result<()> {
    let Name::Entry(name) = name else { return Err(Errno::ISDIR) };
    let victim = {
        let mut st = dir.state.lock();
        let d = st.dir_mut().ok_or(Errno::NOTDIR)?;
        match d.get(name) {
            None => return Err(Errno::NOENT),
            Some(n) if n.is_dir() => return Err(Errno::ISDIR),
            Some(_) => {}
        }
        let victim = d.remove(name).ok_or(Errno::NOENT)?;
        st.touch_modified(now);
        victim
    };
    drop_link(&victim, now);
    Ok(())
}

/// One name of `node` (a file or symlink) went away.
fn drop_link(node: &Node, now: u64) {
    let mut st = node.state.lock();
    st.nlink = st.nlink.saturating_sub(1);
    st.ctim = now;
}

/// `unlinkat(dir, name, AT_REMOVEDIR)`.
pub(crate) fn rmdir(dir: &Arc<Node>, name: Name<'_>, now: u64) -> Result<()> {
    let Name::Entry(name) = name else { return Err(Errno::INVAL) };
    let mut st = dir.state.lock();
    let d = st.dir_mut().ok_or(Errno::NOTDIR)?;
    let victim = d.get(name).ok_or(Errno::NOENT)?;
    if !victim.is_dir() {
        return Err(Errno::NOTDIR);
    }
    mark_removed(victim, now)?;
    d.remove(name);
    st.touch_modified(now);
    Ok(())
}

/// Mark the directory `victim` removed, if it is empty (else `ENOTEMPTY`).
fn mark_removed(victim: &Node, now: u64) -> Result<()> {
    let mut vst = victim.state.lock();
    let vd = vst.dir_mut().ok_or(Errno::NOTDIR)?;
    if !vd.is_empty() {
        return Err(Errno::NOTEMPTY);
    }
    vd.removed = true;
    vd.parent = alloc::sync::Weak::new();
    vst.ctim = now;
    Ok(())
}

/// Remove `name` from `dir`, and if it is a directory everything below it, never
/// following symlinks. The subtree is detached at once and every directory in it marked
/// removed; inodes still open elsewhere live on.
pub(crate) fn remove_tree(dir: &Arc<Node>, name: &[u8], now: u64) -> Result<()> {
    let node = walk::child(dir, name)?.ok_or(Errno::NOENT)?;
    if !node.is_dir() {
        return unlink(dir, Name::Entry(name), now);
    }
    {
        let mut st = dir.state.lock();
        let d = st.dir_mut().ok_or(Errno::NOTDIR)?;
        d.remove(name);
        st.touch_modified(now);
    }
    let mut work = alloc::vec![node];
    while let Some(victim) = work.pop() {
        let children = {
            let mut st = victim.state.lock();
            st.ctim = now;
            let Some(d) = st.dir_mut() else { continue };
            d.removed = true;
            d.parent = alloc::sync::Weak::new();
            d.take_children()
        };
        for c in children {
            if c.is_dir() {
                work.push(c);
            } else {
                drop_link(&c, now);
            }
        }
    }
    Ok(())
}

/// Whether `target` is `from` or one of its ancestors.
fn is_ancestor_or_self(target: &Arc<Node>, from: &Arc<Node>) -> bool {
    let mut cur = Some(Arc::clone(from));
    while let Some(node) = cur {
        if Arc::ptr_eq(&node, target) {
            return true;
        }
        let st = node.state.lock();
        cur = st.dir().and_then(|d| d.parent.upgrade());
    }
    false
}

/// `renameat(old_dir, old, new_dir, new)`, with the checks in Linux's order.
pub(crate) fn rename(
    old_dir: &Arc<Node>,
    old: Name<'_>,
    new_dir: &Arc<Node>,
    new: Name<'_>,
    now: u64,
) -> Result<()> {
    if !old_dir.same_fs(new_dir) {
        return Err(Errno::XDEV);
    }
    let (Name::Entry(old), Name::Entry(new)) = (old, new) else { return Err(Errno::BUSY) };
    let source = walk::child(old_dir, old)?.ok_or(Errno::NOENT)?;
    let target = walk::child(new_dir, new)?;
    if !Arc::ptr_eq(old_dir, new_dir) {
        // The source must not be an ancestor of the destination...
        if source.is_dir() && is_ancestor_or_self(&source, new_dir) {
            return Err(Errno::INVAL);
        }
        // ... and the target not an ancestor of the source.
        if let Some(t) = &target {
            if is_ancestor_or_self(t, old_dir) {
                return Err(Errno::NOTEMPTY);
            }
        }
    }
    if let Some(t) = &target {
        if Arc::ptr_eq(t, &source) {
            // Two names of one inode (or one name twice): nothing to do.
            return Ok(());
        }
        match (source.is_dir(), t.is_dir()) {
            (true, false) => return Err(Errno::NOTDIR),
            (false, true) => return Err(Errno::ISDIR),
            _ => {}
        }
    } else if new_dir.state.lock().dir().is_none_or(|d| d.removed) {
        return Err(Errno::NOENT);
    }
    // Checks done; nothing below fails except a replaced directory being non-empty,
    // which is checked before anything changes.
    if let Some(t) = &target {
        if t.is_dir() {
            mark_removed(t, now)?;
        }
    }
    {
        let mut st = old_dir.state.lock();
        if let Some(d) = st.dir_mut() {
            d.remove(old);
        }
        st.touch_modified(now);
    }
    {
        let mut st = new_dir.state.lock();
        if let Some(d) = st.dir_mut() {
            if let Some(replaced) = d.remove(new) {
                if !replaced.is_dir() {
                    drop_link(&replaced, now);
                }
            }
            d.insert(new, Arc::clone(&source))?;
        }
        st.touch_modified(now);
    }
    let mut sst = source.state.lock();
    sst.ctim = now;
    if let Some(d) = sst.dir_mut() {
        d.parent = Arc::downgrade(new_dir);
    }
    Ok(())
}

/// `linkat(old_dir, old, new_dir, new, 0)`: a symlink source is linked itself.
pub(crate) fn link(
    old_dir: &Arc<Node>,
    old: Name<'_>,
    new_dir: &Arc<Node>,
    new: Name<'_>,
    now: u64,
) -> Result<()> {
    let source = lookup_existing(old_dir, old)?;
    let Name::Entry(new) = new else { return Err(Errno::EXIST) };
    if walk::child(new_dir, new)?.is_some() {
        return Err(Errno::EXIST);
    }
    if !old_dir.same_fs(new_dir) {
        return Err(Errno::XDEV);
    }
    link_node(&source, new_dir, new, now)
}

/// Give `source` (not a directory: `EPERM`) the new name `new` in `new_dir`, which the
/// caller has checked is free.
pub(crate) fn link_node(source: &Arc<Node>, new_dir: &Arc<Node>, new: &[u8], now: u64) -> Result<()> {
    if source.is_dir() {
        return Err(Errno::PERM);
    }
    {
        let mut st = new_dir.state.lock();
        let d = st.dir_mut().ok_or(Errno::NOTDIR)?;
        if d.removed {
            return Err(Errno::NOENT);
        }
        d.insert(new, Arc::clone(source))?;
        st.touch_modified(now);
    }
    let mut sst = source.state.lock();
    sst.nlink = sst.nlink.saturating_add(1);
    sst.ctim = now;
    Ok(())
}

/// `utimensat`/`futimens` on `node`. Both `Omit` changes nothing at all (Linux returns
/// before even looking the file up); otherwise `ctim` becomes `now`.
pub(crate) fn set_times(node: &Node, atim: SetTime, mtim: SetTime, now: u64) {
    let mut st = node.state.lock();
    apply_times(&mut st, atim, mtim, now);
}

pub(crate) fn apply_times(st: &mut NodeState, atim: SetTime, mtim: SetTime, now: u64) {
    if atim == SetTime::Omit && mtim == SetTime::Omit {
        return;
    }
    match atim {
        SetTime::Omit => {}
        SetTime::Now => st.atim = now,
        SetTime::At(t) => st.atim = t,
    }
    match mtim {
        SetTime::Omit => {}
        SetTime::Now => st.mtim = now,
        SetTime::At(t) => st.mtim = t,
    }
    st.ctim = now;
}
