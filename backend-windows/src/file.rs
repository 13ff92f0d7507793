//! Descriptor operations: flags, read/write, seek, sync, allocate, stat, set size, set
//! times.
//!
//! Files the guest opened keep their offset in the handle and every read and write is
//! positional (`ReadFile`/`WriteFile` with an `OVERLAPPED` offset on a synchronous
//! handle). Windows moves its own file pointer on such calls, but nothing here uses it, so
//! `pread`/`pwrite` leave the guest's offset alone without a save-and-restore. `APPEND` is
//! emulated with the end-of-file offset (`0xFFFFFFFF_FFFFFFFF`), which Windows applies
//! atomically. Handles the host handed in (stdio redirected to a file) use the Windows file
//! pointer they share with the host, like a POSIX descriptor its open file description.
//!
//! Windows has no `readv`/`writev` for ordinary handles: the buffers are read or written
//! one after the other, stopping at the first short transfer (pipes and consoles: only the
//! first non-empty buffer is read, so a read never waits for more than one delivery).

use crate::console;
use crate::errno::{errno_from_ntstatus, errno_from_win32, last_error};
use crate::handle::{Kind, WindowsHandle};
use crate::nt;
use wasibox_core::abi::{FdFlags, Filestat, Filetype, SetTime, Whence};
use wasibox_core::{Errno, Result};
use windows_sys::Wdk::Storage::FileSystem as Fs;
use windows_sys::Win32::Foundation::{self as F, HANDLE};
use windows_sys::Win32::Storage::FileSystem as W;
use windows_sys::Win32::System::IO::OVERLAPPED;

/// Seconds between 1601-01-01 (the Windows epoch) and 1970-01-01, in 100 ns units.
pub(crate) const EPOCH_DIFF_100NS: i64 = 116_444_736_000_000_000;

/// Nanoseconds since 1970 of a Windows time (100 ns units since 1601); times before 1970
/// are 0, times past what a u64 holds saturate.
pub(crate) fn nanos_from_filetime(t: i64) -> u64 {
    let since_1970 = i128::from(t) - i128::from(EPOCH_DIFF_100NS);
    u64::try_from((since_1970 * 100).max(0)).unwrap_or(u64::MAX)
}

/// A Windows time (100 ns units since 1601) for nanoseconds since 1970, truncated to
/// 100 ns. Every u64 of nanoseconds fits (u64::MAX / 100 + EPOCH_DIFF < i64::MAX).
pub(crate) fn filetime_from_nanos(ns: u64) -> i64 {
    (ns / 100) as i64 + EPOCH_DIFF_100NS
}

/// The current time as a Windows time.
pub(crate) fn filetime_now() -> i64 {
    let mut ft = F::FILETIME::default();
    // SAFETY: `ft` is a live local the call writes.
    unsafe { windows_sys::Win32::System::SystemInformation::GetSystemTimePreciseAsFileTime(&mut ft) };
    (i64::from(ft.dwHighDateTime) << 32) | i64::from(ft.dwLowDateTime)
}

// ----- flags -----------------------------------------------------------------------------

/// `fd_fdstat_get`'s flags, as recorded in the handle.
pub(crate) fn fdflags(h: &WindowsHandle) -> Result<FdFlags> {
    let mut f = h.sync_flags;
    if h.append {
        f |= FdFlags::APPEND;
    }
    if h.nonblock {
        f |= FdFlags::NONBLOCK;
    }
    Ok(f)
}

/// `fd_fdstat_set_flags`: `APPEND` and `NONBLOCK` are ours to change; the sync flags are
/// fixed at open (`FILE_WRITE_THROUGH` cannot be toggled on a handle): asking for a change
/// is `ENOTSUP`, passing the current ones back is fine.
pub(crate) fn set_fdflags(h: &mut WindowsHandle, flags: FdFlags) -> Result<()> {
    let sync = FdFlags::DSYNC | FdFlags::RSYNC | FdFlags::SYNC;
    if flags & sync != h.sync_flags {
        return Err(Errno::NOTSUP);
    }
    h.append = flags.contains(FdFlags::APPEND);
    h.nonblock = flags.contains(FdFlags::NONBLOCK);
    Ok(())
}

// ----- raw transfers -----------------------------------------------------------------------

/// Where one transfer goes.
#[derive(Clone, Copy)]
enum At {
    /// The Windows file pointer (or a stream without one).
    Pointer,
    /// This offset.
    Offset(u64),
    /// The end of the file, atomically (append).
    End,
}

fn overlapped(at: At) -> Option<OVERLAPPED> {
    let off = match at {
        At::Pointer => return None,
        At::Offset(o) => o,
        At::End => u64::MAX,
    };
    let mut o = OVERLAPPED::default();
    o.Anonymous.Anonymous.Offset = off as u32;
    o.Anonymous.Anonymous.OffsetHigh = (off >> 32) as u32;
    Some(o)
}

/// One `ReadFile`. End of file (and a pipe whose writer is gone) is `Ok(0)`.
fn read_once(h: HANDLE, buf: &mut [u8], at: At) -> Result<usize> {
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    let mut ov = overlapped(at);
    let ovp = ov.as_mut().map_or(std::ptr::null_mut(), |o| o as *mut OVERLAPPED);
    let mut got = 0u32;
    // SAFETY: `buf` is live and writable for `len` bytes; `got` and `ov` are live locals.
    // Our handles are synchronous, so with an OVERLAPPED the call still completes before
    // returning and nothing writes to `ov` or `buf` afterwards.
    let ok = unsafe { W::ReadFile(h, buf.as_mut_ptr(), len, &mut got, ovp) };
    if ok == 0 {
        // SAFETY: reads the thread's last-error value.
        return match unsafe { F::GetLastError() } {
            F::ERROR_HANDLE_EOF | F::ERROR_BROKEN_PIPE => Ok(0),
            F::ERROR_ACCESS_DENIED => Err(Errno::BADF),
            e => Err(errno_from_win32(e)),
        };
    }
    Ok(got as usize)
}

/// One `WriteFile`.
fn write_once(h: HANDLE, buf: &[u8], at: At) -> Result<usize> {
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    let mut ov = overlapped(at);
    let ovp = ov.as_mut().map_or(std::ptr::null_mut(), |o| o as *mut OVERLAPPED);
    let mut put = 0u32;
    // SAFETY: as in `read_once`; `buf` is only read.
    let ok = unsafe { W::WriteFile(h, buf.as_ptr(), len, &mut put, ovp) };
    if ok == 0 {
        // SAFETY: reads the thread's last-error value.
        return match unsafe { F::GetLastError() } {
            F::ERROR_ACCESS_DENIED => Err(Errno::BADF),
            e => Err(errno_from_win32(e)),
        };
    }
    Ok(put as usize)
}

/// Read into `bufs` in order from `start` (advancing), stopping at a short read.
fn read_bufs(h: HANDLE, bufs: &mut [&mut [u8]], start: At, stream: bool) -> Result<usize> {
    let mut total = 0usize;
    for buf in bufs.iter_mut() {
        if buf.is_empty() {
            continue;
        }
        let at = match start {
            At::Offset(o) => At::Offset(o.checked_add(total as u64).ok_or(Errno::OVERFLOW)?),
            other => other,
        };
        let n = match read_once(h, buf, at) {
            Ok(n) => n,
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        };
        total += n;
        if n < buf.len() || stream {
            break;
        }
    }
    Ok(total)
}

/// Write `bufs` in order from `start`, stopping at a short write.
fn write_bufs(h: HANDLE, bufs: &[&[u8]], start: At) -> Result<usize> {
    let mut total = 0usize;
    for buf in bufs.iter() {
        if buf.is_empty() {
            continue;
        }
        let at = match start {
            At::Offset(o) => At::Offset(o.checked_add(total as u64).ok_or(Errno::FBIG)?),
            other => other,
        };
        let n = match write_once(h, buf, at) {
            Ok(n) => n,
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        };
        total += n;
        if n < buf.len() {
            break;
        }
    }
    Ok(total)
}

/// Bytes waiting in a pipe, and whether its writer is gone.
pub(crate) fn pipe_available(h: HANDLE) -> Result<(u64, bool)> {
    let mut avail = 0u32;
    // SAFETY: only `avail` (a live local) is written; no data buffer is passed.
    let ok = unsafe {
        windows_sys::Win32::System::Pipes::PeekNamedPipe(
            h,
            std::ptr::null_mut(),
            0,
            std::ptr::null_mut(),
            &mut avail,
            std::ptr::null_mut(),
        )
    };
    if ok == 0 {
        // SAFETY: reads the thread's last-error value.
        return match unsafe { F::GetLastError() } {
            F::ERROR_BROKEN_PIPE | F::ERROR_PIPE_NOT_CONNECTED => Ok((0, true)),
            e => Err(errno_from_win32(e)),
        };
    }
    Ok((u64::from(avail), false))
}

/// The Windows file pointer (`SetFilePointerEx(0, FILE_CURRENT)`).
pub(crate) fn file_pointer(h: HANDLE) -> Result<u64> {
    let mut pos = 0i64;
    // SAFETY: `pos` is a live local the call writes.
    if unsafe { W::SetFilePointerEx(h, 0, &mut pos, W::FILE_CURRENT) } == 0 {
        return Err(last_error());
    }
    Ok(pos as u64)
}

fn set_file_pointer(h: HANDLE, pos: u64) -> Result<()> {
    let pos = i64::try_from(pos).map_err(|_| Errno::INVAL)?;
    // SAFETY: no output pointer is passed.
    if unsafe { W::SetFilePointerEx(h, pos, std::ptr::null_mut(), W::FILE_BEGIN) } == 0 {
        return Err(last_error());
    }
    Ok(())
}

// ----- read / write ------------------------------------------------------------------------

fn check_readable(h: &WindowsHandle) -> Result<()> {
    match h.kind {
        Kind::Directory => Err(Errno::ISDIR),
        _ if !h.readable => Err(Errno::BADF),
        _ => Ok(()),
    }
}

fn check_writable(h: &WindowsHandle) -> Result<()> {
    if !h.writable || h.kind == Kind::Directory {
        return Err(Errno::BADF);
    }
    Ok(())
}

/// Read at the current offset.
pub(crate) fn read(h: &mut WindowsHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
    check_readable(h)?;
    let raw = h.raw();
    match h.kind {
        Kind::File => match h.pos {
            Some(pos) => {
                let n = read_bufs(raw, bufs, At::Offset(pos), false)?;
                h.pos = Some(pos + n as u64);
                Ok(n)
            }
            None => read_bufs(raw, bufs, At::Pointer, false),
        },
        Kind::Console => match h.console.as_deref_mut() {
            Some(st) => console::read(raw, st, bufs),
            None => read_bufs(raw, bufs, At::Pointer, true),
        },
        Kind::Pipe => {
            if h.nonblock {
                let (avail, gone) = pipe_available(raw)?;
                if avail == 0 && !gone {
                    return Err(Errno::AGAIN);
                }
            }
            read_bufs(raw, bufs, At::Pointer, true)
        }
        _ => read_bufs(raw, bufs, At::Pointer, true),
    }
}

/// Read at `offset` without moving the offset.
pub(crate) fn pread(h: &mut WindowsHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
    check_readable(h)?;
    if h.kind != Kind::File {
        return Err(Errno::SPIPE);
    }
    let raw = h.raw();
    match h.pos {
        Some(_) => read_bufs(raw, bufs, At::Offset(offset), false),
        None => {
            // A host handle: the Windows file pointer is the offset; put it back.
            let saved = file_pointer(raw)?;
            let r = read_bufs(raw, bufs, At::Offset(offset), false);
            set_file_pointer(raw, saved)?;
            r
        }
    }
}

/// Write at the current offset, or at the end in append mode.
pub(crate) fn write(h: &mut WindowsHandle, bufs: &[&[u8]]) -> Result<usize> {
    check_writable(h)?;
    let raw = h.raw();
    match h.kind {
        Kind::File => {
            if h.append {
                let n = write_bufs(raw, bufs, At::End)?;
                if h.pos.is_some() {
                    // As after an O_APPEND write: the offset is the end of the file.
                    h.pos = Some(size_of(raw)?);
                }
                return Ok(n);
            }
            match h.pos {
                Some(pos) => {
                    let n = write_bufs(raw, bufs, At::Offset(pos))?;
                    h.pos = Some(pos + n as u64);
                    Ok(n)
                }
                None => write_bufs(raw, bufs, At::Pointer),
            }
        }
        Kind::Console => match h.console.as_deref_mut() {
            Some(st) => console::write(raw, st, bufs),
            None => write_bufs(raw, bufs, At::Pointer),
        },
        _ => write_bufs(raw, bufs, At::Pointer),
    }
}

/// Write at `offset` without moving the offset. In append mode the data goes to the end,
/// as Linux does for `pwrite` on an `O_APPEND` descriptor.
pub(crate) fn pwrite(h: &mut WindowsHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
    check_writable(h)?;
    if h.kind != Kind::File {
        return Err(Errno::SPIPE);
    }
    let raw = h.raw();
    let at = if h.append { At::End } else { At::Offset(offset) };
    match h.pos {
        Some(_) => write_bufs(raw, bufs, at),
        None => {
            let saved = file_pointer(raw)?;
            let r = write_bufs(raw, bufs, at);
            set_file_pointer(raw, saved)?;
            r
        }
    }
}

/// Size of a file (`FILE_STANDARD_INFORMATION.EndOfFile`).
pub(crate) fn size_of(h: HANDLE) -> Result<u64> {
    let st = nt::query::<Fs::FILE_STANDARD_INFORMATION>(h).map_err(errno_from_ntstatus)?;
    Ok(u64::try_from(st.EndOfFile).unwrap_or(0))
}

/// Move the offset. Pipes, consoles and devices say `ESPIPE`; a resulting offset below 0
/// or above `i64::MAX` is `EINVAL`, as Linux's `lseek` says.
pub(crate) fn seek(h: &mut WindowsHandle, offset: i64, whence: Whence) -> Result<u64> {
    match h.kind {
        Kind::File | Kind::Directory => {}
        _ => return Err(Errno::SPIPE),
    }
    let raw = h.raw();
    let base: i128 = match whence {
        Whence::Set => 0,
        Whence::Cur => match h.pos {
            Some(p) => i128::from(p),
            None if h.kind == Kind::Directory => 0,
            None => i128::from(file_pointer(raw)?),
        },
        Whence::End => {
            if h.kind == Kind::Directory {
                0
            } else {
                i128::from(size_of(raw)?)
            }
        }
    };
    let new = base + i128::from(offset);
    if new < 0 {
        return Err(Errno::INVAL);
    }
    // Past the largest offset: `EINVAL`, as Linux answers (its `lseek` only says
    // `EOVERFLOW` where `off_t` is 32 bits).
    let new = u64::try_from(new).ok().filter(|&n| n <= i64::MAX as u64).ok_or(Errno::INVAL)?;
    match h.pos {
        Some(_) => h.pos = Some(new),
        None if h.kind == Kind::Directory => {}
        None => set_file_pointer(raw, new)?,
    }
    Ok(new)
}

// ----- sync, allocate, size ---------------------------------------------------------------

/// `FlushFileBuffers`. A handle not open for writing has nothing of ours to flush:
/// success (Windows refuses to flush a read-only handle, POSIX does not). Pipes and
/// consoles are `EINVAL`, as `fsync` on them is on Linux.
pub(crate) fn sync(h: &WindowsHandle) -> Result<()> {
    match h.kind {
        Kind::File | Kind::Directory => {}
        _ => return Err(Errno::INVAL),
    }
    if !h.writable || h.kind == Kind::Directory {
        return Ok(());
    }
    // SAFETY: FlushFileBuffers only uses the handle, which `h` keeps open.
    if unsafe { W::FlushFileBuffers(h.raw()) } == 0 {
        return Err(last_error());
    }
    Ok(())
}

/// Set the end of file (`FileEndOfFileInformation`).
fn set_eof(h: HANDLE, size: u64) -> Result<()> {
    let size = i64::try_from(size).map_err(|_| Errno::FBIG)?;
    let info = windows_sys::Wdk::System::SystemServices::FILE_END_OF_FILE_INFORMATION { EndOfFile: size };
    nt::set(h, Fs::FileEndOfFileInformation, &info).map_err(errno_from_ntstatus)
}

/// `ftruncate`: a regular file open for writing, else `EINVAL` (as Linux says).
pub(crate) fn set_size(h: &WindowsHandle, size: u64) -> Result<()> {
    h.check_writable()?;
    if h.kind != Kind::File || !h.writable {
        return Err(Errno::INVAL);
    }
    set_eof(h.raw(), size)
}

/// `posix_fallocate`: grow the file to cover `offset + len` (never shrink it), then make
/// sure that much is allocated (`FileAllocationInformation`, only ever raised: lowering it
/// below the end of file would truncate).
pub(crate) fn allocate(h: &WindowsHandle, offset: u64, len: u64) -> Result<()> {
    h.check_writable()?;
    if len == 0 {
        return Err(Errno::INVAL);
    }
    match h.kind {
        Kind::File => {}
        Kind::Directory => return Err(Errno::BADF),
        _ => return Err(Errno::SPIPE),
    }
    if !h.writable {
        return Err(Errno::BADF);
    }
    let end = offset.checked_add(len).filter(|&e| e <= i64::MAX as u64).ok_or(Errno::FBIG)?;
    let raw = h.raw();
    let st = nt::query::<Fs::FILE_STANDARD_INFORMATION>(raw).map_err(errno_from_ntstatus)?;
    if end > u64::try_from(st.EndOfFile).unwrap_or(0) {
        set_eof(raw, end)?;
    }
    if end > u64::try_from(st.AllocationSize).unwrap_or(0) {
        let info = Fs::FILE_ALLOCATION_INFORMATION { AllocationSize: end as i64 };
        // The size is right already; a file system that cannot reserve is not an error.
        let _ = nt::set(raw, Fs::FileAllocationInformation, &info);
    }
    Ok(())
}

// ----- stat -------------------------------------------------------------------------------

/// The inode number of a 128-bit file id: the low half when the high half is 0 (NTFS),
/// else both halves folded together.
pub(crate) fn ino_of(id: [u8; 16]) -> u64 {
    let lo = u64::from_le_bytes(id[..8].try_into().unwrap_or_default());
    let hi = u64::from_le_bytes(id[8..].try_into().unwrap_or_default());
    lo ^ hi
}

/// Whether a reparse tag is a name surrogate: a link to another name (symlinks, junctions,
/// WSL symlinks), which this backend treats as a symlink. Other reparse points (dedup,
/// cloud files, WOF compression) are ordinary files to the guest.
pub(crate) fn is_name_surrogate(tag: u32) -> bool {
    tag & 0x2000_0000 != 0
}

/// The stat of an open disk file or directory, typed `filetype`.
pub(crate) fn filestat_of_handle(raw: HANDLE, filetype: Filetype) -> Result<Filestat> {
    let basic = nt::query::<Fs::FILE_BASIC_INFORMATION>(raw).map_err(errno_from_ntstatus)?;
    let std_info = nt::query::<Fs::FILE_STANDARD_INFORMATION>(raw).map_err(errno_from_ntstatus)?;
    let (dev, ino) = match nt::query::<Fs::FILE_ID_INFORMATION>(raw) {
        Ok(id) => (id.VolumeSerialNumber, ino_of(id.FileId.Identifier)),
        Err(_) => {
            // File systems without 128-bit ids: the classic information.
            let mut bhfi = W::BY_HANDLE_FILE_INFORMATION::default();
            // SAFETY: `bhfi` is a live local the call fills.
            if unsafe { W::GetFileInformationByHandle(raw, &mut bhfi) } == 0 {
                return Err(last_error());
            }
            (
                u64::from(bhfi.dwVolumeSerialNumber),
                (u64::from(bhfi.nFileIndexHigh) << 32) | u64::from(bhfi.nFileIndexLow),
            )
        }
    };
    Ok(Filestat {
        dev,
        ino,
        filetype,
        // A pending delete (the classic delete-on-close, which keeps the name until the
        // last handle closes) counts as done: POSIX has already removed the name.
        nlink: u64::from(std_info.NumberOfLinks).saturating_sub(u64::from(std_info.DeletePending)),
        size: if filetype == Filetype::Directory {
            0
        } else {
            u64::try_from(std_info.EndOfFile).unwrap_or(0)
        },
        atim: nanos_from_filetime(basic.LastAccessTime),
        mtim: nanos_from_filetime(basic.LastWriteTime),
        ctim: nanos_from_filetime(basic.ChangeTime),
    })
}

/// `fstat`. Pipes, consoles and devices have no file information: their type, one link,
/// and zeros.
pub(crate) fn filestat(h: &WindowsHandle) -> Result<Filestat> {
    match h.kind {
        Kind::File | Kind::Directory => filestat_of_handle(h.raw(), h.filetype()),
        _ => Ok(Filestat { filetype: h.filetype(), nlink: 1, ..Filestat::default() }),
    }
}

/// The `FILE_BASIC_INFORMATION` that sets the two times (0 = leave alone).
fn basic_for_times(atim: SetTime, mtim: SetTime) -> Fs::FILE_BASIC_INFORMATION {
    let mut now = None;
    let mut conv = |t: SetTime| match t {
        SetTime::Omit => 0,
        SetTime::Now => *now.get_or_insert_with(filetime_now),
        SetTime::At(ns) => filetime_from_nanos(ns),
    };
    Fs::FILE_BASIC_INFORMATION {
        CreationTime: 0,
        LastAccessTime: conv(atim),
        LastWriteTime: conv(mtim),
        ChangeTime: 0,
        FileAttributes: 0,
    }
}

/// Set the times of the object `raw` refers to; if that handle lacks
/// `FILE_WRITE_ATTRIBUTES`, through a second handle on the same object (opened relative to
/// the first with an empty name, like `ReOpenFile`).
pub(crate) fn set_times_raw(raw: HANDLE, atim: SetTime, mtim: SetTime) -> Result<()> {
    if atim == SetTime::Omit && mtim == SetTime::Omit {
        return Ok(());
    }
    let info = basic_for_times(atim, mtim);
    match nt::set(raw, Fs::FileBasicInformation, &info) {
        Ok(()) => Ok(()),
        Err(F::STATUS_ACCESS_DENIED) => {
            let (h2, _) = nt::create(
                raw,
                &[],
                nt::CreateArgs {
                    access: W::FILE_WRITE_ATTRIBUTES,
                    disposition: Fs::FILE_OPEN,
                    options: Fs::FILE_OPEN_REPARSE_POINT,
                    attributes: 0,
                },
            )
            .map_err(errno_from_ntstatus)?;
            nt::set(nt::raw(&h2), Fs::FileBasicInformation, &info).map_err(errno_from_ntstatus)
        }
        Err(s) => Err(errno_from_ntstatus(s)),
    }
}

/// `futimens`. Pipes and consoles have no times to set: `ENOTSUP`.
pub(crate) fn set_times(h: &WindowsHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
    h.check_writable()?;
    match h.kind {
        Kind::File | Kind::Directory => set_times_raw(h.raw(), atim, mtim),
        _ => Err(Errno::NOTSUP),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_conversions() {
        assert_eq!(nanos_from_filetime(EPOCH_DIFF_100NS), 0);
        assert_eq!(nanos_from_filetime(EPOCH_DIFF_100NS + 1), 100);
        assert_eq!(nanos_from_filetime(0), 0, "1601 is before 1970: 0");
        assert_eq!(nanos_from_filetime(i64::MAX), u64::MAX, "saturates");
        // 2001-09-09T01:46:40Z = 1_000_000_000 s.
        assert_eq!(nanos_from_filetime(EPOCH_DIFF_100NS + 10_000_000_000_000_000), 1_000_000_000_000_000_000);
        assert_eq!(filetime_from_nanos(0), EPOCH_DIFF_100NS);
        assert_eq!(filetime_from_nanos(1_234_567_899), EPOCH_DIFF_100NS + 12_345_678);
        assert!(filetime_from_nanos(u64::MAX) > 0);
        for ns in [0u64, 100, 1_700_000_000_123_456_700] {
            assert_eq!(nanos_from_filetime(filetime_from_nanos(ns)), ns);
        }
    }

    #[test]
    fn inode_folding() {
        let mut id = [0u8; 16];
        id[0] = 0x34;
        id[1] = 0x12;
        assert_eq!(ino_of(id), 0x1234);
        id[8] = 1;
        assert_eq!(ino_of(id), 0x1235);
    }

    #[test]
    fn name_surrogates() {
        use windows_sys::Win32::System::SystemServices as S;
        assert!(is_name_surrogate(S::IO_REPARSE_TAG_SYMLINK));
        assert!(is_name_surrogate(S::IO_REPARSE_TAG_MOUNT_POINT));
        assert!(!is_name_surrogate(S::IO_REPARSE_TAG_DEDUP));
        assert!(!is_name_surrogate(S::IO_REPARSE_TAG_WOF));
    }
}
