//! Multi-component path resolution, for the host-side helpers (absolute paths inside the
//! filesystem) and for `stat_at`/`set_times_at` with `follow` (a symlink chain resolved
//! relative to, and confined to, one directory). Guest paths are *not* resolved here:
//! the core walks them one component at a time.

use super::node::{Kind, Node};
use super::MAX_NAME_LEN;
use alloc::sync::Arc;
use alloc::vec::Vec;
use wasibox_core::abi::Errno;
use wasibox_core::Result;

/// Symlinks followed in one resolution before giving up with `ELOOP` (as Linux).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// Where a resolution may go.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'a> {
    /// Host paths: absolute symlinks restart at `root`, `..` stops at `root`.
    Host { root: &'a Arc<Node> },
    /// Confined to the start directory: absolute symlinks and `..` above the start are
    /// `ENOTCAPABLE`.
    Confined,
}

/// Split `path` into its non-empty components (`.` and `..` kept). A NUL byte is
/// `EINVAL`.
pub(crate) fn components(path: &[u8]) -> Result<Vec<&[u8]>> {
    if path.contains(&0) {
        return Err(Errno::INVAL);
    }
    Ok(path.split(|&b| b == b'/').filter(|c| !c.is_empty()).collect())
}

/// The entry `name` of directory `dir` (`ENOTDIR` if `dir` is not one).
pub(crate) fn child(dir: &Node, name: &[u8]) -> Result<Option<Arc<Node>>> {
    if name.len() > MAX_NAME_LEN {
        return Err(Errno::NAMETOOLONG);
    }
    let st = dir.state.lock();
    let d = st.dir().ok_or(Errno::NOTDIR)?;
    Ok(d.get(name).cloned())
}

fn parent_of(dir: &Arc<Node>) -> Option<Arc<Node>> {
    let st = dir.state.lock();
    st.dir().and_then(|d| d.parent.upgrade())
}

/// Resolve `path` from `start`. Every symlink met on the way is followed; the last
/// component's only if `follow_last`. The caller holds the namespace lock.
pub(crate) fn resolve(
    start: &Arc<Node>,
    scope: Scope<'_>,
    path: &[u8],
    follow_last: bool,
) -> Result<Arc<Node>> {
    let mut pending: Vec<Vec<u8>> = components(path)?.into_iter().rev().map(Vec::from).collect();
    let mut cur = Arc::clone(start);
    // How far below `start` we are (for the confined scope).
    let mut depth = 0usize;
    let mut hops = 0usize;
    while let Some(comp) = pending.pop() {
        let is_last = pending.is_empty();
        if !cur.is_dir() {
            return Err(Errno::NOTDIR);
        }
        match comp.as_slice() {
            b"." => continue,
            b".." => {
                match scope {
                    Scope::Confined if depth == 0 => return Err(Errno::NOTCAPABLE),
                    Scope::Host { root } if Arc::ptr_eq(&cur, root) => continue,
                    _ => {}
                }
                // A live directory always has a live parent (unless it is a root).
                let Some(parent) = parent_of(&cur) else { return Err(Errno::NOENT) };
                cur = parent;
                depth = depth.saturating_sub(1);
            }
            name => {
                let next = child(&cur, name)?.ok_or(Errno::NOENT)?;
                if next.kind == Kind::Symlink && (!is_last || follow_last) {
                    hops = hops.saturating_add(1);
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(Errno::LOOP);
                    }
                    let target: Vec<u8> = {
                        let st = next.state.lock();
                        Vec::from(st.symlink_target().unwrap_or_default())
                    };
                    if target.first() == Some(&b'/') {
                        match scope {
                            Scope::Confined => return Err(Errno::NOTCAPABLE),
                            Scope::Host { root } => {
                                cur = Arc::clone(root);
                                depth = 0;
                            }
                        }
                    }
                    if target.is_empty() {
                        return Err(Errno::NOENT);
                    }
                    for c in components(&target)?.into_iter().rev() {
                        pending.push(Vec::from(c));
                    }
                    continue;
                }
                cur = next;
                depth = depth.saturating_add(1);
            }
        }
    }
    Ok(cur)
}
