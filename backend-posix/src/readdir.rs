//! `fd_readdir`: a directory stream kept open and positioned in the handle.
//!
//! A cookie is the index of the next entry (1 after `.`, 2 after `..`, ...), on every
//! host. Not the kernel's `d_off`: on ext4 that is a 63-bit hash, and wasi-libc keeps
//! `telldir` positions in a 32-bit `long`, so `seekdir(telldir())` would land elsewhere.
//! Small indexes are also what wasmtime and the mem backend hand out. Resuming anywhere
//! but where the stream stands is a rewind and a skip (rare: `seekdir`).
//!
//! Resuming at the cookie the last call handed out costs nothing on any host: the stream
//! is already there, and the one entry the sink refused (a guest buffer that filled up) is
//! kept aside and handed out first. So listing a directory in many small `fd_readdir`
//! calls reads it once, one `getdents` per buffer, and stats nothing: the type comes from
//! `d_type`, and only a filesystem that says `DT_UNKNOWN` costs an `fstatat` for that
//! entry. `.` and `..` are listed as the kernel returns them.

use crate::errno::{cvt, errno_from_rustix};
use crate::handle::{filetype_of, PosixHandle};
use rustix::fd::{AsFd, BorrowedFd};
use rustix::fs::{AtFlags, Dir, FileType};
use wasibox_core::abi::Filetype;
use wasibox_core::{DirEntry, Errno, Result};

/// An entry read from the stream but refused by the sink, kept for the next call.
#[derive(Debug)]
struct Pending {
    /// The cookie that resumes at this entry.
    prev: u64,
    /// The cookie that resumes after it.
    next: u64,
    entry: rustix::fs::DirEntry,
}

/// The open directory stream of a directory handle.
#[derive(Debug)]
pub(crate) struct DirStream {
    dir: Dir,
    /// The cookie the stream stands at (the next `read` returns the entry that resumes
    /// from it); `None` when unknown (fresh, or after an error).
    at: Option<u64>,
    /// Index of the next entry: cookies are indexes.
    index: u64,
    pending: Option<Pending>,
}

impl DirStream {
    fn new(fd: BorrowedFd<'_>) -> rustix::io::Result<DirStream> {
        // A duplicate shares the handle's file offset, which nothing else uses on a
        // directory; the stream is rewound before its first use.
        let dup = rustix::io::fcntl_dupfd_cloexec(fd, 3)?;
        Ok(DirStream { dir: Dir::new(dup)?, at: None, index: 0, pending: None })
    }

    /// The next entry and the cookie that resumes after it.
    fn next_entry(&mut self) -> Option<rustix::io::Result<(rustix::fs::DirEntry, u64)>> {
        let entry = match self.dir.read()? {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        self.index += 1;
        let next = self.index;
        Some(Ok((entry, next)))
    }

    /// Position the stream so that the next entry read resumes from `cookie`.
    fn seek_to(&mut self, cookie: u64) -> rustix::io::Result<()> {
        self.pending = None;
        self.at = None;
        self.index = 0;
        if cookie == 0 {
            self.dir.rewind();
            self.at = Some(0);
            return Ok(());
        }
        self.dir.rewind();
        while let Some(r) = self.next_entry() {
            let (_, next) = r?;
            if next == cookie {
                break;
            }
        }
        self.at = Some(cookie);
        Ok(())
    }
}

/// Hand one entry to the sink; `false` when the sink wants no more.
fn emit(
    dirfd: BorrowedFd<'_>,
    entry: &rustix::fs::DirEntry,
    next: u64,
    sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
) -> bool {
    let filetype = match entry.file_type() {
        // DT_UNKNOWN: this filesystem does not fill d_type; ask for this one entry.
        FileType::Unknown => rustix::fs::statat(dirfd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
            .map(|st| filetype_of(FileType::from_raw_mode(st.st_mode as rustix::fs::RawMode)))
            .unwrap_or(Filetype::Unknown),
        t => filetype_of(t),
    };
    sink(&DirEntry { next, ino: entry.ino(), filetype, name: entry.file_name().to_bytes() })
}

/// List `h` from `cookie`, calling `sink` until it returns `false` or the directory ends.
pub(crate) fn readdir(
    h: &mut PosixHandle,
    cookie: u64,
    sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
) -> Result<()> {
    if h.file_type()? != Filetype::Directory {
        return Err(Errno::NOTDIR);
    }
    let PosixHandle { fd, dir, .. } = h;
    let dirfd = fd.as_fd();
    let stream = match dir {
        Some(s) => s,
        None => dir.insert(Box::new(cvt(DirStream::new(dirfd))?)),
    };

    // Where to start: the refused entry of the last call, the stream as it stands, or a seek.
    let mut resume = None;
    if let Some(p) = stream.pending.take() {
        if p.prev == cookie {
            resume = Some(p);
        }
    }
    if resume.is_none() && stream.at != Some(cookie) {
        cvt(stream.seek_to(cookie))?;
    }

    let mut prev = cookie;
    if let Some(p) = resume {
        if !emit(dirfd, &p.entry, p.next, sink) {
            stream.pending = Some(p);
            return Ok(());
        }
        prev = p.next;
    }
    loop {
        match stream.next_entry() {
            None => return Ok(()),
            Some(Err(e)) => {
                stream.at = None;
                return Err(errno_from_rustix(e));
            }
            Some(Ok((entry, next))) => {
                stream.at = Some(next);
                if !emit(dirfd, &entry, next, sink) {
                    stream.pending = Some(Pending { prev, next, entry });
                    return Ok(());
                }
                prev = next;
            }
        }
    }
}
