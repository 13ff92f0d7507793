//! Directory-relative calls, one path component each, all through `NtCreateFile` with
//! `OBJECT_ATTRIBUTES.RootDirectory` = the directory handle and the component as the name
//! (`.` is the empty name: the directory itself). Nothing here ever builds a path.
//!
//! Every open carries `FILE_OPEN_REPARSE_POINT`, so a symlink or junction at the name is
//! opened itself, never followed; it is then reported as Linux reports a symlink met with
//! `O_NOFOLLOW` (`ELOOP`, or `ENOTDIR` when a directory was asked for). Renames, hard links
//! and deletes act on a handle opened that way: `FileRenameInformation` and
//! `FileLinkInformation` with a `RootDirectory` and a one-component name, and
//! `FileDispositionInformation(Ex)`.

use crate::errno::{errno_from_ntstatus, nt as cvt_nt};
use crate::file::{filestat_of_handle, is_name_surrogate, set_times_raw};
use crate::handle::{Kind, WindowsHandle};
use crate::names::{check_name, may_be_short_name, same_name_ignoring_case};
use crate::nt::{self, CreateArgs};
use std::os::windows::io::OwnedHandle;
use wasibox_core::abi::{FdFlags, Filestat, Filetype, SetTime};
use wasibox_core::{Errno, OpenOptions, Result};
use windows_sys::Wdk::Storage::FileSystem as Fs;
use windows_sys::Wdk::System::SystemServices::FILE_ATTRIBUTE_TAG_INFORMATION;
use windows_sys::Win32::Foundation::{self as F, HANDLE, NTSTATUS};
use windows_sys::Win32::Storage::FileSystem as W;
use windows_sys::Win32::System::SystemServices as S;

/// `ENOTDIR` unless `dir` is a directory handle (as `openat` on a file descriptor says).
fn check_dir(dir: &WindowsHandle) -> Result<()> {
    if dir.kind == Kind::Directory {
        Ok(())
    } else {
        Err(Errno::NOTDIR)
    }
}

/// The name rules (see `names.rs`), then the component as UTF-16: empty for `.`.
fn name_arg(name: &str) -> Result<Vec<u16>> {
    check_name(name)?;
    Ok(if name == "." { Vec::new() } else { nt::wide(name) })
}

/// Open `name` in `dir` without following a reparse point there.
fn open_nofollow(
    dir: HANDLE,
    name: &[u16],
    access: u32,
    disposition: u32,
    options: u32,
) -> std::result::Result<(OwnedHandle, usize), NTSTATUS> {
    nt::create(
        dir,
        name,
        CreateArgs {
            access,
            disposition,
            options: options | Fs::FILE_OPEN_REPARSE_POINT,
            attributes: W::FILE_ATTRIBUTE_NORMAL,
        },
    )
}

/// Attributes and reparse tag of an open object.
fn attr_tag(h: HANDLE) -> Result<(u32, u32)> {
    let i = nt::query::<FILE_ATTRIBUTE_TAG_INFORMATION>(h).map_err(errno_from_ntstatus)?;
    Ok((i.FileAttributes, i.ReparseTag))
}

/// Whether attributes and tag describe a link (a name-surrogate reparse point).
fn is_link(attrs: u32, tag: u32) -> bool {
    attrs & W::FILE_ATTRIBUTE_REPARSE_POINT != 0 && is_name_surrogate(tag)
}

fn is_dir(attrs: u32, tag: u32) -> bool {
    attrs & W::FILE_ATTRIBUTE_DIRECTORY != 0 && !is_link(attrs, tag)
}

/// The last component of the name Windows has for the open object `h` (its long name).
fn long_name(h: HANDLE) -> Result<Vec<u16>> {
    let full = full_name(h)?;
    let last = full.rsplit(|&c| c == u16::from(b'\\')).next().unwrap_or(&full);
    Ok(last.to_vec())
}

/// Rule 5 of `names.rs`: if `name` could be an 8.3 short name, the object opened through
/// it must have `name` as its long name (ignoring case), else the name is an alias and the
/// guest is told the entry does not exist. Checks the object actually opened, so no other
/// entry can slip in between check and use.
fn check_alias(h: HANDLE, name: &str, requested: &[u16]) -> Result<()> {
    if !may_be_short_name(name) || requested.is_empty() {
        return Ok(());
    }
    let long = long_name(h)?;
    if same_name_ignoring_case(&long, requested) {
        Ok(())
    } else {
        Err(Errno::NOENT)
    }
}

/// After a refused open: was it a link at `name` (so Linux would say `ELOOP`/`ENOTDIR`)?
fn is_link_at(dir: HANDLE, name: &[u16]) -> bool {
    match open_nofollow(dir, name, W::FILE_READ_ATTRIBUTES, Fs::FILE_OPEN, 0) {
        Ok((h, _)) => attr_tag(nt::raw(&h)).map(|(a, t)| is_link(a, t)).unwrap_or(false),
        Err(_) => false,
    }
}

/// Whether `opts` would change the filesystem (refused through a read-only handle).
fn opts_write(opts: &OpenOptions) -> bool {
    opts.write || opts.create || opts.truncate
}

/// `openat(dir, name, O_NOFOLLOW | ...)`: see the module docs. `O_TRUNC` is applied after
/// the checks (never to an entry that turned out to be a link or an alias).
pub(crate) fn open_at(dir: &WindowsHandle, name: &str, opts: &OpenOptions) -> Result<WindowsHandle> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    if opts_write(opts) {
        dir.check_writable()?;
    }
    if wname.is_empty() && opts.create {
        return Err(if opts.exclusive { Errno::EXIST } else { Errno::ISDIR });
    }
    let mut access = W::FILE_READ_ATTRIBUTES;
    if opts.read {
        access |=
            if opts.directory { W::FILE_LIST_DIRECTORY | W::FILE_TRAVERSE } else { W::FILE_GENERIC_READ };
    }
    if opts.write {
        access |= W::FILE_GENERIC_WRITE;
    }
    if opts.truncate {
        access |= W::FILE_WRITE_DATA;
    }
    let disposition = match (opts.create, opts.exclusive) {
        (true, true) => Fs::FILE_CREATE,
        (true, false) => Fs::FILE_OPEN_IF,
        _ => Fs::FILE_OPEN,
    };
    let mut options = 0;
    if opts.directory {
        options |= Fs::FILE_DIRECTORY_FILE;
    }
    if opts.write || opts.create || opts.truncate {
        options |= Fs::FILE_NON_DIRECTORY_FILE;
    }
    if opts.fdflags.intersects(FdFlags::DSYNC | FdFlags::SYNC) {
        options |= Fs::FILE_WRITE_THROUGH;
    }
    let (mut h, info) = match open_nofollow(dir.raw(), &wname, access, disposition, options) {
        Ok(r) => r,
        Err(s @ (F::STATUS_FILE_IS_A_DIRECTORY | F::STATUS_NOT_A_DIRECTORY)) => {
            if is_link_at(dir.raw(), &wname) {
                return Err(if opts.directory { Errno::NOTDIR } else { Errno::LOOP });
            }
            return Err(errno_from_ntstatus(s));
        }
        Err(s) => return Err(errno_from_ntstatus(s)),
    };
    let created = info == windows_sys::Win32::System::WindowsProgramming::FILE_CREATED as usize;
    let (mut attrs, tag) = attr_tag(nt::raw(&h))?;
    if is_link(attrs, tag) {
        return Err(if opts.directory { Errno::NOTDIR } else { Errno::LOOP });
    }
    if attrs & W::FILE_ATTRIBUTE_REPARSE_POINT != 0 {
        // Not a link (dedup, cloud files, compression): open the data, relative to the
        // object itself, so that nothing else can be swapped in.
        let (h2, _) = nt::create(
            nt::raw(&h),
            &[],
            CreateArgs { access, disposition: Fs::FILE_OPEN, options, attributes: 0 },
        )
        .map_err(errno_from_ntstatus)?;
        h = h2;
        attrs = attr_tag(nt::raw(&h))?.0;
    }
    if !created {
        check_alias(nt::raw(&h), name, &wname)?;
    }
    let kind = if attrs & W::FILE_ATTRIBUTE_DIRECTORY != 0 { Kind::Directory } else { Kind::File };
    if opts.truncate && kind == Kind::File && !created {
        let info = windows_sys::Wdk::System::SystemServices::FILE_END_OF_FILE_INFORMATION { EndOfFile: 0 };
        nt::set(nt::raw(&h), Fs::FileEndOfFileInformation, &info).map_err(errno_from_ntstatus)?;
    }
    let read = opts.read || kind == Kind::Directory;
    Ok(WindowsHandle::opened(h, kind, dir.readonly, read, opts.write && kind == Kind::File, opts.fdflags))
}

/// The target of the link open as `h`, as the guest sees it.
fn read_link_target(h: HANDLE) -> Result<Vec<u8>> {
    let mut buf = vec![0u64; W::MAXIMUM_REPARSE_DATA_BUFFER_SIZE as usize / 8];
    let n = nt::fsctl(h, windows_sys::Win32::System::Ioctl::FSCTL_GET_REPARSE_POINT, &[], &mut buf)
        .map_err(errno_from_ntstatus)?;
    let bytes = nt::as_bytes(&buf);
    parse_reparse(bytes.get(..n).unwrap_or(bytes))
}

/// `IO_REPARSE_TAG_LX_SYMLINK`: a WSL symlink (target stored as UTF-8).
const IO_REPARSE_TAG_LX_SYMLINK: u32 = 0xA000_001D;

/// The target stored in a reparse buffer: a symlink's or junction's print name (its
/// substitute name when that is empty, without the `\??\` prefix), or a WSL symlink's
/// UTF-8 target; `\` becomes `/`. Other reparse points are not links: `EINVAL`.
pub(crate) fn parse_reparse(b: &[u8]) -> Result<Vec<u8>> {
    let tag = nt::u32_at(b, 0).ok_or(Errno::INVAL)?;
    let data_len = usize::from(nt::u16_at(b, 4).ok_or(Errno::INVAL)?);
    let data = b.get(8..8 + data_len).ok_or(Errno::IO)?;
    let path_at = match tag {
        S::IO_REPARSE_TAG_SYMLINK => 12,
        S::IO_REPARSE_TAG_MOUNT_POINT => 8,
        IO_REPARSE_TAG_LX_SYMLINK => {
            // u32 version (2), then the target.
            let target = data.get(4..).ok_or(Errno::IO)?;
            return Ok(target.to_vec());
        }
        _ => return Err(Errno::INVAL),
    };
    let field = |at| nt::u16_at(data, at).map(usize::from).ok_or(Errno::IO);
    let (sub_off, sub_len, print_off, print_len) = (field(0)?, field(2)?, field(4)?, field(6)?);
    let mut name = if print_len > 0 {
        nt::utf16_at(data, path_at + print_off, print_len).ok_or(Errno::IO)?
    } else {
        nt::utf16_at(data, path_at + sub_off, sub_len).ok_or(Errno::IO)?
    };
    if print_len == 0 && name.starts_with(&nt::wide("\\??\\")) {
        name.drain(..4);
    }
    let s = String::from_utf16(&name).map_err(|_| Errno::ILSEQ)?;
    Ok(s.replace('\\', "/").into_bytes())
}

/// `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`. A link is a `SymbolicLink` whose size is the
/// length of its target. `follow` at a link is `ENOTSUP`: following is the core's job,
/// inside the sandbox (the core never asks this backend to follow).
pub(crate) fn stat_at(dir: &WindowsHandle, name: &str, follow: bool) -> Result<Filestat> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    let (h, _) = open_nofollow(dir.raw(), &wname, W::FILE_READ_ATTRIBUTES, Fs::FILE_OPEN, 0)
        .map_err(errno_from_ntstatus)?;
    let raw = nt::raw(&h);
    let (attrs, tag) = attr_tag(raw)?;
    check_alias(raw, name, &wname)?;
    if is_link(attrs, tag) {
        if follow {
            return Err(Errno::NOTSUP);
        }
        let mut st = filestat_of_handle(raw, Filetype::SymbolicLink)?;
        st.size = read_link_target(raw).map(|t| t.len() as u64).unwrap_or(0);
        return Ok(st);
    }
    let ft =
        if attrs & W::FILE_ATTRIBUTE_DIRECTORY != 0 { Filetype::Directory } else { Filetype::RegularFile };
    filestat_of_handle(raw, ft)
}

/// `readlinkat`: the target of the symlink or junction at `name`, with `/` separators.
/// `EINVAL` if `name` is not a link.
pub(crate) fn readlink_at(dir: &WindowsHandle, name: &str) -> Result<Vec<u8>> {
    check_dir(dir)?;
    if name == "." {
        return Err(Errno::INVAL);
    }
    let wname = name_arg(name)?;
    let (h, _) = open_nofollow(dir.raw(), &wname, W::FILE_READ_ATTRIBUTES, Fs::FILE_OPEN, 0)
        .map_err(errno_from_ntstatus)?;
    let raw = nt::raw(&h);
    let (attrs, tag) = attr_tag(raw)?;
    check_alias(raw, name, &wname)?;
    if !is_link(attrs, tag) {
        return Err(Errno::INVAL);
    }
    read_link_target(raw)
}

/// `mkdirat`.
pub(crate) fn mkdir_at(dir: &WindowsHandle, name: &str) -> Result<()> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    dir.check_writable()?;
    if wname.is_empty() {
        return Err(Errno::EXIST);
    }
    open_nofollow(dir.raw(), &wname, W::FILE_LIST_DIRECTORY, Fs::FILE_CREATE, Fs::FILE_DIRECTORY_FILE)
        .map(drop)
        .map_err(errno_from_ntstatus)
}

/// Delete the object open as `h` (opened with `DELETE`): POSIX semantics where the file
/// system has them (the name goes at once, even while others hold the file open, and the
/// read-only attribute does not stop it), else the classic delete-on-close, clearing a
/// read-only attribute first (POSIX lets you unlink a file you cannot write).
fn delete(h: HANDLE, attrs: u32) -> Result<()> {
    let ex = Fs::FILE_DISPOSITION_INFORMATION_EX {
        Flags: Fs::FILE_DISPOSITION_DELETE
            | Fs::FILE_DISPOSITION_POSIX_SEMANTICS
            | Fs::FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE,
    };
    match nt::set(h, Fs::FileDispositionInformationEx, &ex) {
        Ok(()) => return Ok(()),
        Err(
            F::STATUS_INVALID_INFO_CLASS
            | F::STATUS_NOT_IMPLEMENTED
            | F::STATUS_NOT_SUPPORTED
            | F::STATUS_INVALID_PARAMETER,
        ) => {}
        Err(s) => return Err(errno_from_ntstatus(s)),
    }
    let classic = Fs::FILE_DISPOSITION_INFORMATION { DeleteFile: true };
    match nt::set(h, Fs::FileDispositionInformation, &classic) {
        Ok(()) => Ok(()),
        Err(F::STATUS_CANNOT_DELETE) if attrs & W::FILE_ATTRIBUTE_READONLY != 0 => {
            let set_attrs = |a: u32| {
                let b = Fs::FILE_BASIC_INFORMATION { FileAttributes: a, ..Default::default() };
                nt::set(h, Fs::FileBasicInformation, &b)
            };
            let cleared = (attrs & !W::FILE_ATTRIBUTE_READONLY).max(W::FILE_ATTRIBUTE_NORMAL);
            set_attrs(cleared).map_err(|_| Errno::ACCES)?;
            nt::set(h, Fs::FileDispositionInformation, &classic).map_err(|s| {
                let _ = set_attrs(attrs);
                errno_from_ntstatus(s)
            })
        }
        Err(s) => Err(errno_from_ntstatus(s)),
    }
}

/// Open `name` for deleting or renaming: `DELETE` plus, when the file allows it,
/// `FILE_WRITE_ATTRIBUTES` (to clear a read-only attribute).
fn open_for_delete(dir: HANDLE, name: &[u16]) -> Result<OwnedHandle> {
    let base = W::DELETE | W::FILE_READ_ATTRIBUTES;
    match open_nofollow(dir, name, base | W::FILE_WRITE_ATTRIBUTES, Fs::FILE_OPEN, 0) {
        Ok((h, _)) => Ok(h),
        Err(F::STATUS_ACCESS_DENIED) => {
            open_nofollow(dir, name, base, Fs::FILE_OPEN, 0).map(|(h, _)| h).map_err(errno_from_ntstatus)
        }
        Err(s) => Err(errno_from_ntstatus(s)),
    }
}

/// `unlinkat(dir, name, AT_REMOVEDIR)`: `ENOTDIR` for a file or a link (as Linux says for
/// a symlink to a directory), `ENOTEMPTY` for a non-empty directory.
pub(crate) fn rmdir_at(dir: &WindowsHandle, name: &str) -> Result<()> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    dir.check_writable()?;
    if wname.is_empty() {
        return Err(Errno::INVAL);
    }
    let h = open_for_delete(dir.raw(), &wname)?;
    let raw = nt::raw(&h);
    let (attrs, tag) = attr_tag(raw)?;
    check_alias(raw, name, &wname)?;
    if !is_dir(attrs, tag) {
        return Err(Errno::NOTDIR);
    }
    delete(raw, attrs)
}

/// `unlinkat(dir, name, 0)`: `EISDIR` for a directory (as Linux says); a link to a
/// directory (symlink or junction) is removed like any link.
pub(crate) fn unlink_at(dir: &WindowsHandle, name: &str) -> Result<()> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    dir.check_writable()?;
    if wname.is_empty() {
        return Err(Errno::ISDIR);
    }
    let h = open_for_delete(dir.raw(), &wname)?;
    let raw = nt::raw(&h);
    let (attrs, tag) = attr_tag(raw)?;
    check_alias(raw, name, &wname)?;
    if is_dir(attrs, tag) {
        return Err(Errno::ISDIR);
    }
    delete(raw, attrs)
}

/// The full name (from the volume root) Windows has for the open object `h`:
/// `FileNormalizedNameInformation` (long names), or `FileNameInformation` where that class
/// is missing.
fn full_name(h: HANDLE) -> Result<Vec<u16>> {
    let mut buf = vec![0u64; (4 + 65536) / 8 + 1];
    let n = match nt::query_bytes(h, Fs::FileNormalizedNameInformation, &mut buf) {
        Ok(n) => n,
        Err(
            F::STATUS_INVALID_INFO_CLASS
            | F::STATUS_NOT_IMPLEMENTED
            | F::STATUS_NOT_SUPPORTED
            | F::STATUS_INVALID_PARAMETER,
        ) => nt::query_bytes(h, Fs::FileNameInformation, &mut buf).map_err(errno_from_ntstatus)?,
        Err(s) => return Err(errno_from_ntstatus(s)),
    };
    let bytes = nt::as_bytes(&buf);
    let bytes = bytes.get(..n).unwrap_or(bytes);
    let len = nt::u32_at(bytes, 0).ok_or(Errno::IO)? as usize;
    nt::utf16_at(bytes, 4, len.min(bytes.len().saturating_sub(4)) & !1).ok_or(Errno::IO)
}

/// Whether the directory `inner` is the directory `outer` or lies below it (same volume,
/// and `outer`'s full name is a prefix of `inner`'s, component-wise, ignoring case). When
/// the host cannot name either, `false`: Windows then gives its own answer.
fn is_inside(inner: HANDLE, outer: HANDLE) -> bool {
    let same_volume = matches!((file_key(inner), file_key(outer)), (Ok(a), Ok(b)) if a.0 == b.0);
    let (Ok(i), Ok(o)) = (full_name(inner), full_name(outer)) else {
        return false;
    };
    let sep = u16::from(b'\\');
    let o = o.strip_suffix(&[sep]).unwrap_or(&o);
    same_volume
        && i.len() >= o.len()
        && same_name_ignoring_case(&i[..o.len()], o)
        && (i.len() == o.len() || i[o.len()] == sep)
}

/// Volume serial number and file id of an open object: what makes it the same file.
fn file_key(h: HANDLE) -> Result<(u64, [u8; 16])> {
    match nt::query::<Fs::FILE_ID_INFORMATION>(h) {
        Ok(i) => Ok((i.VolumeSerialNumber, i.FileId.Identifier)),
        Err(_) => {
            let st = filestat_of_handle(h, Filetype::Unknown)?;
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&st.ino.to_le_bytes());
            Ok((st.dev, id))
        }
    }
}

/// `renameat`, with POSIX's answers: a file replaces a file (atomically); a directory
/// replaces an empty directory (Windows cannot do that in one step: the empty target is
/// removed first); a directory over a file is `ENOTDIR`, a file over a directory `EISDIR`,
/// over a non-empty directory `ENOTEMPTY`; two names of the same file leave both alone.
pub(crate) fn rename_at(
    old_dir: &WindowsHandle,
    old: &str,
    new_dir: &WindowsHandle,
    new: &str,
) -> Result<()> {
    check_dir(old_dir)?;
    check_dir(new_dir)?;
    let wold = name_arg(old)?;
    let wnew = name_arg(new)?;
    old_dir.check_writable()?;
    new_dir.check_writable()?;
    if wold.is_empty() || wnew.is_empty() {
        return Err(Errno::BUSY);
    }
    let src = open_for_delete(old_dir.raw(), &wold)?;
    let sraw = nt::raw(&src);
    let (sattrs, stag) = attr_tag(sraw)?;
    check_alias(sraw, old, &wold)?;
    let src_dir = is_dir(sattrs, stag);
    let mut case_change = false;
    if src_dir && is_inside(new_dir.raw(), sraw) {
        // A directory cannot move into itself (Linux: EINVAL; Windows' answer varies).
        return Err(Errno::INVAL);
    }

    // What is at the target now?
    match open_nofollow(new_dir.raw(), &wnew, W::FILE_READ_ATTRIBUTES, Fs::FILE_OPEN, 0) {
        Ok((t, _)) => {
            let traw = nt::raw(&t);
            let (tattrs, ttag) = attr_tag(traw)?;
            check_alias(traw, new, &wnew)?;
            if file_key(sraw)? == file_key(traw)? {
                // The same file. Only a change of case of one name is a rename to do.
                let same_dir = file_key(old_dir.raw())? == file_key(new_dir.raw())?;
                case_change = same_dir && wold != wnew && same_name_ignoring_case(&wold, &wnew);
                if !case_change {
                    return Ok(());
                }
            } else {
                let tgt_dir = is_dir(tattrs, ttag);
                match (src_dir, tgt_dir) {
                    (true, false) => return Err(Errno::NOTDIR),
                    (false, true) => return Err(Errno::ISDIR),
                    (true, true) => {
                        drop(t);
                        let victim = open_for_delete(new_dir.raw(), &wnew)?;
                        let vattrs = attr_tag(nt::raw(&victim))?.0;
                        delete(nt::raw(&victim), vattrs)?;
                    }
                    (false, false) => {}
                }
            }
        }
        Err(F::STATUS_OBJECT_NAME_NOT_FOUND | F::STATUS_NO_SUCH_FILE) => {}
        Err(s) => return Err(errno_from_ntstatus(s)),
    }

    rename_handle(sraw, new_dir.raw(), &wnew)?;
    if case_change {
        // Some hosts (Wine) take a rename to another case of the same name for a rename
        // onto itself and do nothing. Then go through a temporary name.
        if long_name(sraw).map(|n| n != wnew).unwrap_or(false) {
            let tmp = nt::wide(&format!(
                "wasibox-rename-{}-{}.tmp",
                std::process::id(),
                TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ));
            rename_handle(sraw, new_dir.raw(), &tmp)?;
            if let Err(e) = rename_handle(sraw, new_dir.raw(), &wnew) {
                let _ = rename_handle(sraw, old_dir.raw(), &wold);
                return Err(e);
            }
        }
    }
    Ok(())
}

static TMP_COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Rename the object open as `h` to `name` in `new_dir`, replacing a file there: POSIX
/// semantics where the file system has them (the replaced file may be open elsewhere; the
/// read-only attribute does not stop it), else the classic rename.
fn rename_handle(h: HANDLE, new_dir: HANDLE, name: &[u16]) -> Result<()> {
    let flags = Fs::FILE_RENAME_REPLACE_IF_EXISTS
        | Fs::FILE_RENAME_POSIX_SEMANTICS
        | Fs::FILE_RENAME_IGNORE_READONLY_ATTRIBUTE;
    let (buf, len) = nt::rename_info(flags, new_dir, name);
    match nt::set_bytes(h, Fs::FileRenameInformationEx, &buf, len) {
        Ok(()) => return Ok(()),
        Err(
            F::STATUS_INVALID_INFO_CLASS
            | F::STATUS_NOT_IMPLEMENTED
            | F::STATUS_NOT_SUPPORTED
            | F::STATUS_INVALID_PARAMETER,
        ) => {}
        Err(s) => return Err(errno_from_ntstatus(s)),
    }
    // The classic class: ReplaceIfExists is a BOOLEAN in the first byte.
    let (buf, len) = nt::rename_info(1, new_dir, name);
    cvt_nt(match nt::set_bytes(h, Fs::FileRenameInformation, &buf, len) {
        Ok(()) => 0,
        Err(s) => s,
    })
}

/// `linkat(old_dir, old, new_dir, new, 0)`: a hard link (`FileLinkInformation`); a link at
/// `old` is linked itself. A directory is `EPERM` (as Linux says); an existing `new`
/// `EEXIST`.
pub(crate) fn link_at(old_dir: &WindowsHandle, old: &str, new_dir: &WindowsHandle, new: &str) -> Result<()> {
    check_dir(old_dir)?;
    check_dir(new_dir)?;
    let wold = name_arg(old)?;
    let wnew = name_arg(new)?;
    old_dir.check_writable()?;
    new_dir.check_writable()?;
    if wold.is_empty() {
        return Err(Errno::PERM);
    }
    if wnew.is_empty() {
        return Err(Errno::EXIST);
    }
    let src = match open_nofollow(
        old_dir.raw(),
        &wold,
        W::FILE_WRITE_ATTRIBUTES | W::FILE_READ_ATTRIBUTES,
        Fs::FILE_OPEN,
        0,
    ) {
        Ok((h, _)) => h,
        Err(F::STATUS_ACCESS_DENIED) => {
            open_nofollow(old_dir.raw(), &wold, W::FILE_READ_ATTRIBUTES, Fs::FILE_OPEN, 0)
                .map(|(h, _)| h)
                .map_err(errno_from_ntstatus)?
        }
        Err(s) => return Err(errno_from_ntstatus(s)),
    };
    let sraw = nt::raw(&src);
    let (attrs, tag) = attr_tag(sraw)?;
    check_alias(sraw, old, &wold)?;
    if is_dir(attrs, tag) {
        return Err(Errno::PERM);
    }
    let (buf, len) = nt::rename_info(0, new_dir.raw(), &wnew);
    nt::set_bytes(sraw, Fs::FileLinkInformation, &buf, len).map_err(errno_from_ntstatus)
}

/// `SYMLINK_FLAG_RELATIVE`.
const SYMLINK_FLAG_RELATIVE: u32 = 1;

/// The `REPARSE_DATA_BUFFER` of a relative symlink to `target` (already in `\` form).
pub(crate) fn symlink_reparse_buffer(target: &[u16]) -> Result<Vec<u8>> {
    let name_bytes = target.len() * 2;
    // Substitute name, then print name, both `target`.
    let path_len = name_bytes * 2;
    let data_len = 12 + path_len;
    let data_len16 = u16::try_from(data_len).map_err(|_| Errno::NAMETOOLONG)?;
    let name16 = u16::try_from(name_bytes).map_err(|_| Errno::NAMETOOLONG)?;
    let mut b = Vec::with_capacity(8 + data_len);
    b.extend_from_slice(&S::IO_REPARSE_TAG_SYMLINK.to_ne_bytes());
    b.extend_from_slice(&data_len16.to_ne_bytes());
    b.extend_from_slice(&0u16.to_ne_bytes());
    b.extend_from_slice(&0u16.to_ne_bytes()); // SubstituteNameOffset
    b.extend_from_slice(&name16.to_ne_bytes()); // SubstituteNameLength
    b.extend_from_slice(&name16.to_ne_bytes()); // PrintNameOffset
    b.extend_from_slice(&name16.to_ne_bytes()); // PrintNameLength
    b.extend_from_slice(&SYMLINK_FLAG_RELATIVE.to_ne_bytes());
    for _ in 0..2 {
        for c in target {
            b.extend_from_slice(&c.to_ne_bytes());
        }
    }
    Ok(b)
}

/// `symlinkat(target, dir, name)`: a reparse point (`IO_REPARSE_TAG_SYMLINK`, always
/// marked relative, so that Windows resolves it from the directory holding it) made on a
/// file created relative to `dir` — never through a path. A target that names a
/// directory (ends in `/`, is `.`/`..`, or is a directory of `dir` named by one component)
/// makes a directory symlink, anything else a file symlink (Windows distinguishes them; the
/// core does not care, it reads the target itself).
///
/// Creating symlinks needs `SeCreateSymbolicLinkPrivilege` (administrators, or a user
/// granted it): without it `EPERM`. Where the file system or the host has no reparse
/// points (Wine, FAT) `ENOTSUP`. A target containing `\` or `:` is `EINVAL`: Windows would
/// read it as another separator, a drive or a stream, so it could not mean to Windows what
/// it means to the guest.
pub(crate) fn symlink_at(target: &str, dir: &WindowsHandle, name: &str) -> Result<()> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    dir.check_writable()?;
    if wname.is_empty() {
        return Err(Errno::EXIST);
    }
    if target.is_empty() {
        return Err(Errno::NOENT);
    }
    if target.contains(['\\', ':', '\0']) {
        return Err(Errno::INVAL);
    }
    let last = target.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let is_dir_target = target.ends_with('/')
        || last == "."
        || last == ".."
        || (!target.contains('/')
            && check_name(target).is_ok()
            && stat_at(dir, target, false).map(|s| s.filetype == Filetype::Directory).unwrap_or(false));
    let wtarget = nt::wide(&target.replace('/', "\\"));
    let buf = symlink_reparse_buffer(&wtarget)?;
    let options = if is_dir_target { Fs::FILE_DIRECTORY_FILE } else { Fs::FILE_NON_DIRECTORY_FILE };
    let (h, _) = open_nofollow(
        dir.raw(),
        &wname,
        W::FILE_WRITE_DATA | W::FILE_WRITE_ATTRIBUTES | W::FILE_READ_ATTRIBUTES | W::DELETE,
        Fs::FILE_CREATE,
        options,
    )
    .map_err(errno_from_ntstatus)?;
    let raw = nt::raw(&h);
    if let Err(s) = nt::fsctl(raw, windows_sys::Win32::System::Ioctl::FSCTL_SET_REPARSE_POINT, &buf, &mut [])
    {
        let _ = delete(raw, 0);
        return Err(errno_from_ntstatus(s));
    }
    // Some hosts answer success and store nothing (Wine's CreateSymbolicLinkW did): check.
    match attr_tag(raw) {
        Ok((a, t)) if is_link(a, t) => Ok(()),
        _ => {
            let _ = delete(raw, 0);
            Err(Errno::NOTSUP)
        }
    }
}

/// `utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW)`: the times of a link are the link's.
/// `follow` at a link is `ENOTSUP` (the core follows links itself and never asks).
pub(crate) fn set_times_at(
    dir: &WindowsHandle,
    name: &str,
    atim: SetTime,
    mtim: SetTime,
    follow: bool,
) -> Result<()> {
    check_dir(dir)?;
    let wname = name_arg(name)?;
    dir.check_writable()?;
    let (h, _) = open_nofollow(
        dir.raw(),
        &wname,
        W::FILE_WRITE_ATTRIBUTES | W::FILE_READ_ATTRIBUTES,
        Fs::FILE_OPEN,
        0,
    )
    .map_err(errno_from_ntstatus)?;
    let raw = nt::raw(&h);
    let (attrs, tag) = attr_tag(raw)?;
    check_alias(raw, name, &wname)?;
    if follow && is_link(attrs, tag) {
        return Err(Errno::NOTSUP);
    }
    set_times_raw(raw, atim, mtim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_buffers_round_trip() {
        for t in ["a\\b", "..\\x", "\\etc\\passwd", "f", "caf\u{e9}\\\u{1f600}"] {
            let w = nt::wide(t);
            let b = symlink_reparse_buffer(&w).unwrap();
            assert_eq!(parse_reparse(&b).unwrap(), t.replace('\\', "/").into_bytes());
        }
    }

    #[test]
    fn parse_junctions_and_wsl_links() {
        // A junction with an empty print name: the substitute name without "\??\".
        let sub = nt::wide("\\??\\C:\\Target");
        let mut b = Vec::new();
        b.extend_from_slice(&S::IO_REPARSE_TAG_MOUNT_POINT.to_ne_bytes());
        let data_len = 8 + sub.len() * 2 + 2;
        b.extend_from_slice(&(data_len as u16).to_ne_bytes());
        b.extend_from_slice(&0u16.to_ne_bytes());
        for v in [0u16, (sub.len() * 2) as u16, (sub.len() * 2 + 2) as u16, 0] {
            b.extend_from_slice(&v.to_ne_bytes());
        }
        for c in &sub {
            b.extend_from_slice(&c.to_ne_bytes());
        }
        b.extend_from_slice(&0u16.to_ne_bytes());
        assert_eq!(parse_reparse(&b).unwrap(), b"C:/Target".to_vec());

        let mut lx = Vec::new();
        lx.extend_from_slice(&IO_REPARSE_TAG_LX_SYMLINK.to_ne_bytes());
        lx.extend_from_slice(&(4u16 + 7).to_ne_bytes());
        lx.extend_from_slice(&0u16.to_ne_bytes());
        lx.extend_from_slice(&2u32.to_ne_bytes());
        lx.extend_from_slice(b"../a/b/");
        assert_eq!(parse_reparse(&lx).unwrap(), b"../a/b/".to_vec());
    }

    #[test]
    fn parse_rejects_other_tags_and_garbage() {
        let mut b = Vec::new();
        b.extend_from_slice(&S::IO_REPARSE_TAG_DEDUP.to_ne_bytes());
        b.extend_from_slice(&0u16.to_ne_bytes());
        b.extend_from_slice(&0u16.to_ne_bytes());
        assert_eq!(parse_reparse(&b), Err(Errno::INVAL));
        assert_eq!(parse_reparse(&[1, 2]), Err(Errno::INVAL));
        // A symlink header claiming more data than there is.
        let mut s = Vec::new();
        s.extend_from_slice(&S::IO_REPARSE_TAG_SYMLINK.to_ne_bytes());
        s.extend_from_slice(&100u16.to_ne_bytes());
        s.extend_from_slice(&0u16.to_ne_bytes());
        assert_eq!(parse_reparse(&s), Err(Errno::IO));
        // Name fields pointing past the data.
        let mut t = symlink_reparse_buffer(&nt::wide("ab")).unwrap();
        t[14] = 200; // PrintNameLength
        assert_eq!(parse_reparse(&t), Err(Errno::IO));
    }
}
