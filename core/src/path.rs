//! The sandboxed path walk: a guest path is resolved one component at a time against
//! handle-relative [`Platform`] calls, starting at a directory descriptor the guest
//! holds. This is the only place where paths are interpreted, so every backend gets the
//! same semantics and the same escape-proofing:
//!
//! - an absolute guest path is `ENOTCAPABLE`; so is `..` above the starting directory;
//! - a symlink met on the way is read and its target walked in its place, inside the
//!   sandbox: a relative target from the directory holding the link, an absolute target
//!   from the starting directory (like a chroot there), at most `max_symlinks` (40) in
//!   all, then `ELOOP`;
//! - intermediate components are opened with `O_DIRECTORY | O_NOFOLLOW`, so a directory
//!   swapped for a symlink between two steps is caught by the backend, never followed;
//! - the final component is left to the caller, which decides whether to follow it
//!   ([`Walk::expand`]) depending on `LOOKUP_SYMLINK_FOLLOW` and the operation.

use crate::abi::{Errno, Result};
use crate::platform::{OpenOptions, Platform};
use alloc::string::String;
use alloc::vec::Vec;

/// Linux's `PATH_MAX`: a guest path (or symlink target) this long or longer is
/// `ENAMETOOLONG`.
pub const PATH_MAX: usize = 4096;
/// Linux's `NAME_MAX`: a component longer than this is `ENAMETOOLONG`.
pub const NAME_MAX: usize = 255;
/// Linux's limit on symlinks followed in one resolution.
pub const MAX_SYMLINKS: u32 = 40;

/// Decode a guest path: UTF-8 (`EILSEQ` otherwise), no NUL (`EINVAL`), not empty
/// (`ENOENT`), not absolute (`ENOTCAPABLE`), not too long (`ENAMETOOLONG`).
pub fn decode_path(bytes: &[u8], max_len: usize) -> Result<&str> {
    if bytes.contains(&0) {
        return Err(Errno::INVAL);
    }
    let s = core::str::from_utf8(bytes).map_err(|_| Errno::ILSEQ)?;
    if s.is_empty() {
        return Err(Errno::NOENT);
    }
    if s.len() >= max_len {
        return Err(Errno::NAMETOOLONG);
    }
    if s.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    Ok(s)
}

/// A path walked up to its final component.
pub struct Walk<'a, P: Platform> {
    platform: &'a P,
    base: &'a P::Handle,
    /// Directories opened on the way; the last one is the parent of `name`.
    stack: Vec<P::Handle>,
    /// The final component: a name, or `.` for the directory itself.
    name: String,
    /// The path (or the last symlink target walked) ended in `/`.
    trailing_slash: bool,
    /// Symlinks followed so far.
    links: u32,
    max_symlinks: u32,
    /// The last component walked was `..`.
    dotdot_last: bool,
}

impl<'a, P: Platform> Walk<'a, P> {
    /// Walk `path` from `base` up to its final component (not followed).
    pub fn new(platform: &'a P, base: &'a P::Handle, path: &str, max_symlinks: u32) -> Result<Self> {
        let mut w = Walk {
            platform,
            base,
            stack: Vec::new(),
            name: String::new(),
            trailing_slash: false,
            links: 0,
            max_symlinks,
            dotdot_last: false,
        };
        w.walk(path)?;
        Ok(w)
    }

    /// The directory that holds the final component.
    pub fn dir(&self) -> &P::Handle {
        self.stack.last().unwrap_or(self.base)
    }

    /// The final component (`.` when the path names a directory itself).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the path ended in `/` (the final component must be a directory, and a
    /// symlink there is followed).
    pub fn trailing_slash(&self) -> bool {
        self.trailing_slash
    }

    /// Whether the final component is the starting directory itself (`.`, `a/..`).
    pub fn is_base(&self) -> bool {
        self.name == "." && self.stack.is_empty()
    }

    /// Whether the path's last component was literally `..`.
    pub fn ends_with_dotdot(&self) -> bool {
        self.dotdot_last
    }

    /// Read the symlink at the final component and walk its target in its place.
    /// `EINVAL` (from the backend) if it is not a symlink.
    pub fn expand(&mut self) -> Result<()> {
        let target = self.platform.readlink_at(self.dir(), &self.name)?;
        self.follow_target(&target)
    }

    /// If the final component is a symlink, follow it (repeatedly). Costs one
    /// `readlink_at` per call when it is not a symlink.
    pub fn follow_final(&mut self) -> Result<()> {
        loop {
            if self.name == "." {
                return Ok(());
            }
            match self.platform.readlink_at(self.dir(), &self.name) {
                Ok(target) => self.follow_target(&target)?,
                Err(Errno::INVAL) | Err(Errno::NOENT) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    fn follow_target(&mut self, target: &[u8]) -> Result<()> {
        self.links += 1;
        if self.links > self.max_symlinks {
            return Err(Errno::LOOP);
        }
        let target = core::str::from_utf8(target).map_err(|_| Errno::ILSEQ)?;
        if target.is_empty() {
            return Err(Errno::NOENT);
        }
        if target.len() >= PATH_MAX {
            return Err(Errno::NAMETOOLONG);
        }
        if target.contains('\0') {
            return Err(Errno::INVAL);
        }
        let rest = match target.strip_prefix('/') {
            Some(rest) => {
                // Absolute target: resolved from the starting directory, never the host root.
                self.stack.clear();
                rest
            }
            None => target,
        };
        let old_trailing = self.trailing_slash;
        if rest.trim_start_matches('/').is_empty() {
            // The link pointed at the starting directory itself ("/").
            self.name.clear();
            self.name.push('.');
            return Ok(());
        }
        self.walk(rest)?;
        self.trailing_slash |= old_trailing;
        Ok(())
    }

    /// Walk `path` (relative, non-empty) from the current directory.
    fn walk(&mut self, path: &str) -> Result<()> {
        self.trailing_slash = path.ends_with('/');
        let mut comps = path.split('/').filter(|c| !c.is_empty()).peekable();
        self.name.clear();
        self.name.push('.');
        while let Some(comp) = comps.next() {
            if comp.len() > NAME_MAX {
                return Err(Errno::NAMETOOLONG);
            }
            let last = comps.peek().is_none();
            self.dotdot_last = last && comp == "..";
            match comp {
                "." => {}
                ".." => {
                    if self.stack.pop().is_none() {
                        return Err(Errno::NOTCAPABLE);
                    }
                }
                name if last => {
                    self.name.clear();
                    self.name.push_str(name);
                }
                name => self.enter(name)?,
            }
        }
        Ok(())
    }

    /// Step into directory `name` of the current directory, following a symlink there.
    fn enter(&mut self, name: &str) -> Result<()> {
        let opts = OpenOptions { directory: true, read: true, ..OpenOptions::default() };
        match self.platform.open_at(self.dir(), name, &opts) {
            Ok(h) => {
                self.stack.push(h);
                Ok(())
            }
            Err(e @ (Errno::LOOP | Errno::NOTDIR | Errno::MLINK)) => {
                // Perhaps a symlink: walk its target instead (and after it, the rest).
                let target = match self.platform.readlink_at(self.dir(), name) {
                    Ok(t) => t,
                    Err(_) => return Err(e),
                };
                let saved_name = core::mem::take(&mut self.name);
                let saved_trailing = self.trailing_slash;
                self.follow_target(&target)?;
                // The target must name a directory: enter its final component too.
                if self.name != "." {
                    let last = core::mem::take(&mut self.name);
                    self.enter(&last)?;
                }
                self.name = saved_name;
                self.trailing_slash = saved_trailing;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}
