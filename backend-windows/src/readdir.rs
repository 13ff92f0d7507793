//! `fd_readdir`: `NtQueryDirectoryFile(FileIdBothDirectoryInformation)` on the directory
//! handle, with the enumeration kept positioned in the handle between calls.
//!
//! Cookies are indexes: 0 is `.`, 1 is `..` (both made up here, whatever the file system
//! lists, so that every directory, the root of a drive included, has them), and entry
//! number `i` of the host's enumeration (its own `.` and `..` left out) has cookie `i + 2`.
//! An entry's `next` is its cookie plus one. Resuming at the cookie the last call stopped
//! at costs nothing: the enumeration buffer is still there, at that entry. Resuming
//! anywhere else restarts the enumeration (on a fresh handle to the directory, see
//! [`DirState::restart`]) and skips forward. Entries added
//! or removed while a guest lists a directory shift the indexes after them, as on hosts
//! whose cookies are indexes (the spec leaves this open).
//!
//! The type of an entry comes from its attributes (a name-surrogate reparse point is a
//! symlink; its tag is in the `EaSize` field), its inode from `FileId`. A name that is not
//! valid UTF-16 (NTFS allows unpaired surrogates) is converted lossily.

use crate::errno::errno_from_ntstatus;
use crate::file::{ino_of, is_name_surrogate};
use crate::handle::{Kind, WindowsHandle};
use crate::nt;
use std::mem::offset_of;
use std::os::windows::io::OwnedHandle;
use wasibox_core::abi::Filetype;
use wasibox_core::{DirEntry, Errno, Result};
use windows_sys::Wdk::Storage::FileSystem::FILE_ID_BOTH_DIR_INFORMATION as Info;
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Storage::FileSystem as W;

/// Size of the enumeration buffer (fixed: never proportional to anything the guest says).
const BUF_WORDS: usize = 64 * 1024 / 8;

const NEXT_AT: usize = offset_of!(Info, NextEntryOffset);
const ATTRS_AT: usize = offset_of!(Info, FileAttributes);
const NAME_LEN_AT: usize = offset_of!(Info, FileNameLength);
const TAG_AT: usize = offset_of!(Info, EaSize);
const ID_AT: usize = offset_of!(Info, FileId);
const NAME_AT: usize = offset_of!(Info, FileName);

/// The enumeration state of a directory handle.
#[derive(Debug)]
pub(crate) struct DirState {
    buf: Vec<u64>,
    /// Valid bytes in `buf`.
    len: usize,
    /// Byte offset in `buf` of the next entry, or `None` when the batch is used up.
    at: Option<usize>,
    /// The cookie of the entry at `at` (or of the next one the host will give).
    next_cookie: u64,
    /// The host said there are no more entries.
    eof: bool,
    /// Whether the state above describes the handle's enumeration (false: restart first).
    positioned: bool,
    /// Inode of `..`, as the host listed it (0 if it did not).
    dotdot_ino: u64,
    /// The handle the enumeration runs on (a second handle to the directory).
    enum_h: Option<OwnedHandle>,
}

impl Default for DirState {
    fn default() -> Self {
        DirState {
            buf: Vec::new(),
            len: 0,
            at: None,
            next_cookie: 2,
            eof: false,
            positioned: false,
            dotdot_ino: 0,
            enum_h: None,
        }
    }
}

/// One entry of a batch.
struct Raw {
    name: Vec<u16>,
    attrs: u32,
    tag: u32,
    id: i64,
    /// Offset of the entry after it in the batch, if any.
    next: Option<usize>,
}

fn parse(b: &[u8], at: usize) -> Result<Raw> {
    let next = nt::u32_at(b, at + NEXT_AT).ok_or(Errno::IO)? as usize;
    let name_len = nt::u32_at(b, at + NAME_LEN_AT).ok_or(Errno::IO)? as usize;
    Ok(Raw {
        name: nt::utf16_at(b, at + NAME_AT, name_len).ok_or(Errno::IO)?,
        attrs: nt::u32_at(b, at + ATTRS_AT).ok_or(Errno::IO)?,
        tag: nt::u32_at(b, at + TAG_AT).ok_or(Errno::IO)?,
        id: nt::i64_at(b, at + ID_AT).ok_or(Errno::IO)?,
        next: if next == 0 { None } else { Some(at + next) },
    })
}

fn filetype_of(attrs: u32, tag: u32) -> Filetype {
    if attrs & W::FILE_ATTRIBUTE_REPARSE_POINT != 0 && is_name_surrogate(tag) {
        Filetype::SymbolicLink
    } else if attrs & W::FILE_ATTRIBUTE_DIRECTORY != 0 {
        Filetype::Directory
    } else {
        Filetype::RegularFile
    }
}

impl DirState {
    /// Fetch the next batch of the enumeration handle.
    fn load(&mut self) -> Result<()> {
        let Some(enum_h) = self.enum_h.as_ref() else {
            self.positioned = false;
            return Err(Errno::BADF);
        };
        if self.buf.is_empty() {
            self.buf = vec![0u64; BUF_WORDS];
        }
        let n = nt::query_directory(nt::raw(enum_h), &mut self.buf, false).map_err(|s| {
            self.positioned = false;
            errno_from_ntstatus(s)
        })?;
        self.len = n;
        self.at = if n == 0 { None } else { Some(0) };
        self.eof = n == 0;
        Ok(())
    }

    /// Start the enumeration over, on a fresh handle to the directory `h` (opened relative
    /// to it with an empty name, so it is the same directory). A fresh handle rather than
    /// `RestartScan`: some hosts (Wine) keep the listing they read first for the life of a
    /// handle, and a rewind must see entries made since.
    fn restart(&mut self, h: HANDLE) -> Result<()> {
        self.enum_h = None;
        self.positioned = false;
        let (enum_h, _) = nt::create(
            h,
            &[],
            nt::CreateArgs {
                access: W::FILE_LIST_DIRECTORY,
                disposition: windows_sys::Wdk::Storage::FileSystem::FILE_OPEN,
                options: windows_sys::Wdk::Storage::FileSystem::FILE_DIRECTORY_FILE
                    | windows_sys::Wdk::Storage::FileSystem::FILE_OPEN_REPARSE_POINT,
                attributes: 0,
            },
        )
        .map_err(errno_from_ntstatus)?;
        self.enum_h = Some(enum_h);
        self.next_cookie = 2;
        self.positioned = true;
        self.load()
    }

    /// The next real entry (not the host's own `.`/`..`) without consuming it.
    fn peek(&mut self) -> Result<Option<Raw>> {
        loop {
            let Some(at) = self.at else {
                if self.eof {
                    return Ok(None);
                }
                self.load()?;
                continue;
            };
            let bytes = nt::as_bytes(&self.buf);
            let raw =
                parse(bytes.get(..self.len).unwrap_or(bytes), at).inspect_err(|_| self.positioned = false)?;
            let dot = [u16::from(b'.')];
            let dotdot = [u16::from(b'.'), u16::from(b'.')];
            if raw.name == dot || raw.name == dotdot {
                if raw.name == dotdot {
                    self.dotdot_ino = raw.id as u64;
                }
                self.at = raw.next;
                continue;
            }
            return Ok(Some(raw));
        }
    }

    /// Consume the entry `peek` returned.
    fn advance(&mut self, raw: &Raw) {
        self.at = raw.next;
        self.next_cookie += 1;
    }

    /// Position the enumeration at `cookie` (≥ 2).
    fn seek(&mut self, h: HANDLE, cookie: u64) -> Result<()> {
        if !self.positioned || cookie < self.next_cookie {
            self.restart(h)?;
        }
        while self.next_cookie < cookie {
            match self.peek()? {
                Some(raw) => self.advance(&raw),
                None => break,
            }
        }
        Ok(())
    }
}

/// The inode of the directory itself.
fn own_ino(h: HANDLE) -> u64 {
    crate::file::filestat_of_handle(h, Filetype::Directory).map(|s| s.ino).unwrap_or(0)
}

/// List `h` from `cookie`, calling `sink` until it returns `false` or the directory ends.
pub(crate) fn readdir(
    h: &mut WindowsHandle,
    cookie: u64,
    sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
) -> Result<()> {
    if h.kind != Kind::Directory {
        return Err(Errno::NOTDIR);
    }
    let raw_h = h.raw();
    let st = h.dir.get_or_insert_with(Box::default);
    // Position first, so that `..`'s inode is known when it is listed.
    let start = cookie.max(2);
    if cookie == 0 || (cookie == 1 && !st.positioned) {
        // From the start (a rewind sees entries made since), reading `..`'s inode.
        st.restart(raw_h)?;
        st.peek()?;
    }
    st.seek(raw_h, start)?;
    if cookie == 0
        && !sink(&DirEntry { next: 1, ino: own_ino(raw_h), filetype: Filetype::Directory, name: b"." })
    {
        return Ok(());
    }
    if cookie <= 1
        && !sink(&DirEntry { next: 2, ino: st.dotdot_ino, filetype: Filetype::Directory, name: b".." })
    {
        return Ok(());
    }
    if st.next_cookie < start {
        // The directory has fewer entries than the cookie says: nothing more.
        return Ok(());
    }
    while let Some(raw) = st.peek()? {
        let name = String::from_utf16_lossy(&raw.name);
        let entry = DirEntry {
            next: st.next_cookie + 1,
            ino: ino_of({
                let mut id = [0u8; 16];
                id[..8].copy_from_slice(&raw.id.to_le_bytes());
                id
            }),
            filetype: filetype_of(raw.attrs, raw.tag),
            name: name.as_bytes(),
        };
        if !sink(&entry) {
            return Ok(());
        }
        st.advance(&raw);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_what_ntifs_says() {
        assert_eq!(NEXT_AT, 0);
        assert_eq!(ATTRS_AT, 56);
        assert_eq!(NAME_LEN_AT, 60);
        assert_eq!(TAG_AT, 64);
        assert_eq!(ID_AT, 96);
        assert_eq!(NAME_AT, 104);
    }

    #[test]
    fn types_from_attributes() {
        use windows_sys::Win32::System::SystemServices as S;
        assert_eq!(filetype_of(W::FILE_ATTRIBUTE_NORMAL, 0), Filetype::RegularFile);
        assert_eq!(filetype_of(W::FILE_ATTRIBUTE_DIRECTORY, 0), Filetype::Directory);
        let rp = W::FILE_ATTRIBUTE_REPARSE_POINT;
        assert_eq!(filetype_of(rp, S::IO_REPARSE_TAG_SYMLINK), Filetype::SymbolicLink);
        assert_eq!(
            filetype_of(rp | W::FILE_ATTRIBUTE_DIRECTORY, S::IO_REPARSE_TAG_MOUNT_POINT),
            Filetype::SymbolicLink
        );
        assert_eq!(filetype_of(rp, S::IO_REPARSE_TAG_DEDUP), Filetype::RegularFile);
    }
}
