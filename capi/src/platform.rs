//! A [`Platform`] supplied by C: [`wasibox_platform`], a table of function pointers with
//! a user-data pointer, wrapped as [`CPlatform`].
//!
//! Handles are `uint64_t` values of the host's choosing. Every callback returns a WASI
//! errno (0 for success) and writes its results through out-pointers that wasibox
//! initialised beforehand. Nothing a callback returns is trusted further than its type:
//! a count larger than the buffers it describes is `EIO`, an unknown file type is
//! `unknown`, a symlink target longer than promised is read again with a larger buffer.

use crate::bytes::bytes;
use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use wasibox_core::abi::{
    Advice, ClockId, FdFlags, Filestat, Filetype, RiFlags, RoFlags, SdFlags, SetTime, Whence,
};
use wasibox_core::{Deadline, DirEntry, Errno, OpenOptions, Platform, PollFd, Result};

/// A buffer the platform fills (`read`, `pread`, `sock_recv`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasibox_iovec {
    /// Start of the buffer.
    pub buf: *mut u8,
    /// Its length in bytes.
    pub len: usize,
}

/// A buffer the platform reads (`write`, `pwrite`, `sock_send`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasibox_ciovec {
    /// Start of the buffer.
    pub buf: *const u8,
    /// Its length in bytes.
    pub len: usize,
}

/// File attributes (`fstat`). `filetype` is a WASI filetype: 0 unknown, 1 block device,
/// 2 character device, 3 directory, 4 regular file, 5 datagram socket, 6 stream socket,
/// 7 symbolic link. Times are nanoseconds since the Unix epoch.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wasibox_filestat {
    /// Device id.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// WASI filetype.
    pub filetype: u8,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes.
    pub size: u64,
    /// Last access.
    pub atim: u64,
    /// Last data modification.
    pub mtim: u64,
    /// Last status change.
    pub ctim: u64,
}

/// `wasibox_settime.kind`: leave the timestamp alone.
pub const WASIBOX_SETTIME_OMIT: u32 = 0;
/// `wasibox_settime.kind`: set it to the current time.
pub const WASIBOX_SETTIME_NOW: u32 = 1;
/// `wasibox_settime.kind`: set it to `ns`.
pub const WASIBOX_SETTIME_AT: u32 = 2;

/// One timestamp of a `set_times` call.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasibox_settime {
    /// `WASIBOX_SETTIME_OMIT`, `_NOW` or `_AT`.
    pub kind: u32,
    /// With `WASIBOX_SETTIME_AT`: nanoseconds since the Unix epoch; 0 otherwise.
    pub ns: u64,
}

impl From<SetTime> for wasibox_settime {
    fn from(t: SetTime) -> Self {
        match t {
            SetTime::Omit => wasibox_settime { kind: WASIBOX_SETTIME_OMIT, ns: 0 },
            SetTime::Now => wasibox_settime { kind: WASIBOX_SETTIME_NOW, ns: 0 },
            SetTime::At(ns) => wasibox_settime { kind: WASIBOX_SETTIME_AT, ns },
        }
    }
}

/// How `open_at` opens `name` (each flag 0 or 1). The final component is never
/// followed if it is a symlink (`O_NOFOLLOW`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wasibox_open_options {
    /// Open for reading (files) or listing (directories).
    pub read: u8,
    /// Open for writing.
    pub write: u8,
    /// `O_CREAT`.
    pub create: u8,
    /// `O_EXCL` (with `create`).
    pub exclusive: u8,
    /// `O_TRUNC`.
    pub truncate: u8,
    /// `O_DIRECTORY`: `ENOTDIR` unless `name` is a directory.
    pub directory: u8,
    /// WASI fdflags to open with: 1 append, 2 dsync, 4 nonblock, 8 rsync, 16 sync.
    pub fdflags: u16,
}

impl From<&OpenOptions> for wasibox_open_options {
    fn from(o: &OpenOptions) -> Self {
        wasibox_open_options {
            read: o.read.into(),
            write: o.write.into(),
            create: o.create.into(),
            exclusive: o.exclusive.into(),
            truncate: o.truncate.into(),
            directory: o.directory.into(),
            fdflags: o.fdflags.bits(),
        }
    }
}

/// One directory entry, handed to a `wasibox_dirent_sink`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasibox_dirent {
    /// The cookie that resumes listing after this entry.
    pub next: u64,
    /// Inode number.
    pub ino: u64,
    /// WASI filetype (as in `wasibox_filestat`), symlinks not followed.
    pub filetype: u8,
    /// The name's bytes (no NUL needed).
    pub name: *const c_char,
    /// The name's length.
    pub name_len: usize,
}

/// Receives the entries of a `readdir` callback, in order, `.` and `..` included. Returns
/// non-zero to get more, 0 to stop (the listing then ends: return 0 from `readdir`).
/// Valid only during the `readdir` call it was given to, with the `sink_data` given with
/// it.
pub type wasibox_dirent_sink =
    unsafe extern "C" fn(sink_data: *mut c_void, entry: *const wasibox_dirent) -> i32;

/// One descriptor of a `poll` callback. The platform sets `ready` to 1 when the handle is
/// ready (with `nbytes` available, 0 if unknown, or the errno to report in `error`), and
/// `hangup` to 1 when the peer hung up.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct wasibox_pollfd {
    /// The handle to wait on.
    pub handle: u64,
    /// 1: wait for write readiness; 0: for read readiness.
    pub write: u8,
    /// Out: 1 when ready.
    pub ready: u8,
    /// Out: 1 when the peer hung up.
    pub hangup: u8,
    /// Out: the errno to report for this descriptor (with `ready`), 0 for none.
    pub error: u16,
    /// Out: bytes available (with `ready`), 0 when unknown.
    pub nbytes: u64,
}

/// When `poll` must return even if nothing is ready: `at` nanoseconds on `clock` (a WASI
/// clock id: 0 realtime, 1 monotonic, 2 process CPU time, 3 thread CPU time).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasibox_deadline {
    /// The clock.
    pub clock: u32,
    /// Absolute time on it, in nanoseconds.
    pub at: u64,
}

/// An operating-system layer written in C: what `wasibox_ctx_new_custom` serves the
/// guest from. One callback per `Platform` method of the core; see that trait
/// (`core/src/platform.rs`) for the exact semantics of each, which this table mirrors.
///
/// Rules for every callback:
/// - the first argument is `user`, as stored in this table;
/// - a return of 0 is success, anything else is the WASI errno the guest sees;
/// - every `name` is ONE path component (no `/`, never `..`, never empty; it may be `.`)
///   as `name_len` bytes of UTF-8, not NUL-terminated: the core has already walked the
///   path and resolved symlinks, and a callback must not follow a symlink at `name`
///   unless it is told to;
/// - it must return normally (no `longjmp` out of it), and must not free the context;
///   calling back into the API with the same context gives `WASIBOX_ERR_BUSY`.
///
/// **Required** (a NULL here makes `wasibox_ctx_new_custom` fail with
/// `WASIBOX_ERR_INVALID`): `filetype`, `read`, `write`, `clock_time`, `random`.
///
/// **Optional**, with what a NULL means:
/// - `release`, `close`: nothing to do;
/// - `open_stdio`: the guest has no fds 0-2; `open_preopen`: configuring a preopen
///   makes `wasibox_ctx_new_custom` fail with `WASIBOX_ERR_UNSUPPORTED`;
/// - `fdflags`: no flags; `advise`, `sched_yield`: success (as the core's defaults);
/// - `allocate`: `ENOTSUP`; `sock_*`: `ENOTSOCK` (as the core's defaults);
/// - every other one: `ENOSYS`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wasibox_platform {
    /// Handed to every callback; owned by the host.
    pub user: *mut c_void,
    /// Called once when the context is freed, after every handle was closed.
    pub release: Option<unsafe extern "C" fn(user: *mut c_void)>,
    /// Make the handle for the guest's fd `guest_fd` (0, 1 or 2) from `host_fd` (the
    /// value configured with `wasibox_config_set_stdio`; fds set to -1 are not asked).
    pub open_stdio:
        Option<unsafe extern "C" fn(user: *mut c_void, guest_fd: u32, host_fd: i32, out: *mut u64) -> u16>,
    /// Open a preopened directory: `path` as configured (`path_len` bytes), `readonly` 1
    /// when `WASIBOX_PREOPEN_READONLY` was given.
    pub open_preopen: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            path: *const c_char,
            path_len: usize,
            readonly: u8,
            out: *mut u64,
        ) -> u16,
    >,
    /// The WASI filetype of `h` (required).
    pub filetype: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, out: *mut u8) -> u16>,
    /// The fdflags `h` is open with.
    pub fdflags: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, out: *mut u16) -> u16>,
    /// Change the fdflags of `h`.
    pub set_fdflags: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, flags: u16) -> u16>,
    /// Release `h` (the guest's fd is gone whatever this returns).
    pub close: Option<unsafe extern "C" fn(user: *mut c_void, h: u64) -> u16>,
    /// `readv` at the current offset into `iovs[0..n]`; `*nread` = bytes read (required).
    pub read: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            iovs: *const wasibox_iovec,
            n: usize,
            nread: *mut usize,
        ) -> u16,
    >,
    /// `preadv` at `offset`, the offset unchanged.
    pub pread: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            iovs: *const wasibox_iovec,
            n: usize,
            offset: u64,
            nread: *mut usize,
        ) -> u16,
    >,
    /// `writev` at the current offset (at the end in append mode) (required).
    pub write: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            iovs: *const wasibox_ciovec,
            n: usize,
            nwritten: *mut usize,
        ) -> u16,
    >,
    /// `pwritev` at `offset`, the offset unchanged.
    pub pwrite: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            iovs: *const wasibox_ciovec,
            n: usize,
            offset: u64,
            nwritten: *mut usize,
        ) -> u16,
    >,
    /// `lseek`; `whence` 0 set, 1 current, 2 end (preview1 numbering, whatever the
    /// guest's version); `ESPIPE` for streams.
    pub seek: Option<
        unsafe extern "C" fn(user: *mut c_void, h: u64, offset: i64, whence: u8, newoffset: *mut u64) -> u16,
    >,
    /// `fsync`.
    pub sync: Option<unsafe extern "C" fn(user: *mut c_void, h: u64) -> u16>,
    /// `fdatasync`.
    pub datasync: Option<unsafe extern "C" fn(user: *mut c_void, h: u64) -> u16>,
    /// `posix_fadvise`; `advice` 0 normal .. 5 noreuse.
    pub advise:
        Option<unsafe extern "C" fn(user: *mut c_void, h: u64, offset: u64, len: u64, advice: u8) -> u16>,
    /// `posix_fallocate`.
    pub allocate: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, offset: u64, len: u64) -> u16>,
    /// `fstat`.
    pub filestat: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, out: *mut wasibox_filestat) -> u16>,
    /// `ftruncate`.
    pub set_size: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, size: u64) -> u16>,
    /// `futimens`.
    pub set_times: Option<
        unsafe extern "C" fn(user: *mut c_void, h: u64, atim: wasibox_settime, mtim: wasibox_settime) -> u16,
    >,
    /// List directory `h` from `cookie` (0: the start), calling `sink(sink_data, entry)`
    /// for each entry until it returns 0 or the directory ends.
    pub readdir: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            cookie: u64,
            sink: wasibox_dirent_sink,
            sink_data: *mut c_void,
        ) -> u16,
    >,
    /// `openat(dir, name, O_NOFOLLOW | ...)`.
    pub open_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            dir: u64,
            name: *const c_char,
            name_len: usize,
            opts: *const wasibox_open_options,
            out: *mut u64,
        ) -> u16,
    >,
    /// `fstatat`, following a symlink at `name` only if `follow` is 1.
    pub stat_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            dir: u64,
            name: *const c_char,
            name_len: usize,
            follow: u8,
            out: *mut wasibox_filestat,
        ) -> u16,
    >,
    /// `readlinkat`: copy at most `cap` bytes of the target to `buf` and set `*len` to the
    /// target's full length (call again with a larger buffer when it is more than `cap`).
    /// `EINVAL` if `name` is not a symlink.
    pub readlink_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            dir: u64,
            name: *const c_char,
            name_len: usize,
            buf: *mut c_char,
            cap: usize,
            len: *mut usize,
        ) -> u16,
    >,
    /// `mkdirat`.
    pub mkdir_at: Option<
        unsafe extern "C" fn(user: *mut c_void, dir: u64, name: *const c_char, name_len: usize) -> u16,
    >,
    /// `unlinkat(AT_REMOVEDIR)`.
    pub rmdir_at: Option<
        unsafe extern "C" fn(user: *mut c_void, dir: u64, name: *const c_char, name_len: usize) -> u16,
    >,
    /// `unlinkat`.
    pub unlink_at: Option<
        unsafe extern "C" fn(user: *mut c_void, dir: u64, name: *const c_char, name_len: usize) -> u16,
    >,
    /// `renameat`.
    pub rename_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            old_dir: u64,
            old_name: *const c_char,
            old_len: usize,
            new_dir: u64,
            new_name: *const c_char,
            new_len: usize,
        ) -> u16,
    >,
    /// `linkat` without following.
    pub link_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            old_dir: u64,
            old_name: *const c_char,
            old_len: usize,
            new_dir: u64,
            new_name: *const c_char,
            new_len: usize,
        ) -> u16,
    >,
    /// `symlinkat(target, dir, name)`; `target` stored as given.
    pub symlink_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            target: *const c_char,
            target_len: usize,
            dir: u64,
            name: *const c_char,
            name_len: usize,
        ) -> u16,
    >,
    /// `utimensat`, following a symlink at `name` only if `follow` is 1.
    pub set_times_at: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            dir: u64,
            name: *const c_char,
            name_len: usize,
            atim: wasibox_settime,
            mtim: wasibox_settime,
            follow: u8,
        ) -> u16,
    >,
    /// Resolution of a clock (non-zero), in nanoseconds.
    pub clock_res: Option<unsafe extern "C" fn(user: *mut c_void, clock: u32, out: *mut u64) -> u16>,
    /// Current value of a clock, in nanoseconds (required).
    pub clock_time:
        Option<unsafe extern "C" fn(user: *mut c_void, clock: u32, precision: u64, out: *mut u64) -> u16>,
    /// Fill `buf[0..len]` with random bytes (required).
    pub random: Option<unsafe extern "C" fn(user: *mut c_void, buf: *mut u8, len: usize) -> u16>,
    /// Give up the CPU.
    pub sched_yield: Option<unsafe extern "C" fn(user: *mut c_void) -> u16>,
    /// Wait until one of `fds[0..n]` is ready or `*deadline` passes (`deadline` NULL:
    /// no deadline); with `n == 0`, sleep until the deadline.
    pub poll: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            fds: *mut wasibox_pollfd,
            n: usize,
            deadline: *const wasibox_deadline,
        ) -> u16,
    >,
    /// Accept a connection on listening socket `h`.
    pub sock_accept:
        Option<unsafe extern "C" fn(user: *mut c_void, h: u64, flags: u16, out: *mut u64) -> u16>,
    /// Receive into `iovs[0..n]`.
    pub sock_recv: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            iovs: *const wasibox_iovec,
            n: usize,
            riflags: u16,
            nread: *mut usize,
            roflags: *mut u16,
        ) -> u16,
    >,
    /// Send from `iovs[0..n]`.
    pub sock_send: Option<
        unsafe extern "C" fn(
            user: *mut c_void,
            h: u64,
            iovs: *const wasibox_ciovec,
            n: usize,
            nwritten: *mut usize,
        ) -> u16,
    >,
    /// Shut down: `how` 1 read, 2 write, 3 both.
    pub sock_shutdown: Option<unsafe extern "C" fn(user: *mut c_void, h: u64, how: u8) -> u16>,
}

/// The table, shared by the platform and every handle (a handle closes itself through it
/// when dropped).
pub(crate) struct Table {
    t: wasibox_platform,
}

impl Drop for Table {
    fn drop(&mut self) {
        if let Some(release) = self.t.release {
            // SAFETY: the host gave this callback for this `user`; it is called once,
            // after the last handle (which holds the table) is gone.
            unsafe { release(self.t.user) };
        }
    }
}

/// A handle of a C platform. Dropping it closes it through the table: the core drops
/// the directory handles of a path walk without calling `Platform::close`.
pub struct CHandle {
    raw: u64,
    table: Rc<Table>,
    open: bool,
}

impl Drop for CHandle {
    fn drop(&mut self) {
        if self.open {
            self.open = false;
            if let Some(close) = self.table.t.close {
                // SAFETY: `close` is the host's callback, called once per handle with the
                // value its own `open_*` callback produced.
                let _ = unsafe { close(self.table.t.user, self.raw) };
            }
        }
    }
}

/// The [`Platform`] over a [`wasibox_platform`] table.
pub struct CPlatform {
    table: Rc<Table>,
}

/// What a call through the table answered.
fn errno(e: u16) -> Result<()> {
    if e == 0 {
        Ok(())
    } else {
        Err(Errno(e))
    }
}

/// The filetype a host reported, `unknown` for a number the ABI does not have.
fn filetype_of(raw: u8) -> Filetype {
    match raw {
        1 => Filetype::BlockDevice,
        2 => Filetype::CharacterDevice,
        3 => Filetype::Directory,
        4 => Filetype::RegularFile,
        5 => Filetype::SocketDgram,
        6 => Filetype::SocketStream,
        7 => Filetype::SymbolicLink,
        _ => Filetype::Unknown,
    }
}

fn filestat_of(s: &wasibox_filestat) -> Filestat {
    Filestat {
        dev: s.dev,
        ino: s.ino,
        filetype: filetype_of(s.filetype),
        nlink: s.nlink,
        size: s.size,
        atim: s.atim,
        mtim: s.mtim,
        ctim: s.ctim,
    }
}

/// How many buffers one call hands to the host at most: the core batches 16 anyway, and
/// a short transfer is a correct answer to `readv`/`writev`.
const IOV_MAX: usize = 16;

fn iovecs(bufs: &mut [&mut [u8]]) -> ([wasibox_iovec; IOV_MAX], usize, usize) {
    let mut out = [wasibox_iovec { buf: std::ptr::null_mut(), len: 0 }; IOV_MAX];
    let mut n = 0;
    let mut total = 0usize;
    for (slot, b) in out.iter_mut().zip(bufs.iter_mut()) {
        *slot = wasibox_iovec { buf: b.as_mut_ptr(), len: b.len() };
        total = total.saturating_add(b.len());
        n += 1;
    }
    (out, n, total)
}

fn ciovecs(bufs: &[&[u8]]) -> ([wasibox_ciovec; IOV_MAX], usize, usize) {
    let mut out = [wasibox_ciovec { buf: std::ptr::null(), len: 0 }; IOV_MAX];
    let mut n = 0;
    let mut total = 0usize;
    for (slot, b) in out.iter_mut().zip(bufs.iter()) {
        *slot = wasibox_ciovec { buf: b.as_ptr(), len: b.len() };
        total = total.saturating_add(b.len());
        n += 1;
    }
    (out, n, total)
}

/// A transfer count from the host: more than it was given room for is a broken host.
fn count(n: usize, total: usize) -> Result<usize> {
    if n <= total {
        Ok(n)
    } else {
        Err(Errno::IO)
    }
}

/// The longest symlink target read from a host (a larger claim is `ENAMETOOLONG`).
const MAX_LINK: usize = 1 << 20;

/// State of one `readdir` call, reached by [`dirent_sink`] through `sink_data`.
struct SinkState<'a> {
    sink: &'a mut dyn FnMut(&DirEntry<'_>) -> bool,
}

/// The sink handed to the host's `readdir`: checks the entry and passes it on.
unsafe extern "C" fn dirent_sink(sink_data: *mut c_void, entry: *const wasibox_dirent) -> i32 {
    let run = || {
        // SAFETY: `sink_data` is the `SinkState` that `CPlatform::readdir` passed with
        // this sink and that lives for the whole `readdir` call, the only time the host
        // may call the sink (documented on `wasibox_dirent_sink`).
        let Some(state) = (unsafe { sink_data.cast::<SinkState<'_>>().as_mut() }) else { return 0 };
        // SAFETY: the host passes a pointer to an entry valid for this call, or null.
        let Some(e) = (unsafe { entry.as_ref() }) else { return 0 };
        // SAFETY: the host promises `name .. name + name_len` is readable during the call.
        let Ok(name) = (unsafe { bytes(e.name.cast(), e.name_len, "dirent name") }) else { return 0 };
        let entry = DirEntry { next: e.next, ino: e.ino, filetype: filetype_of(e.filetype), name };
        i32::from((state.sink)(&entry))
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or(0)
}

impl CPlatform {
    /// Wrap `t`. From here on, `release` is called when the platform and its last
    /// handle are gone, whatever happens next.
    pub(crate) fn from_table(t: wasibox_platform) -> CPlatform {
        CPlatform { table: Rc::new(Table { t }) }
    }

    /// Whether the required callbacks are there.
    pub(crate) fn check_required(&self) -> std::result::Result<(), &'static str> {
        let t = self.t();
        if t.filetype.is_none()
            || t.read.is_none()
            || t.write.is_none()
            || t.clock_time.is_none()
            || t.random.is_none()
        {
            return Err("a required callback (filetype, read, write, clock_time, random) is NULL");
        }
        Ok(())
    }

    fn t(&self) -> &wasibox_platform {
        &self.table.t
    }

    fn handle(&self, raw: u64) -> CHandle {
        CHandle { raw, table: Rc::clone(&self.table), open: true }
    }

    /// The handle for guest fd `guest_fd` from host descriptor `host_fd`; `None` without
    /// an `open_stdio` callback.
    pub(crate) fn open_stdio(&self, guest_fd: u32, host_fd: i32) -> Option<Result<CHandle>> {
        let f = self.t().open_stdio?;
        let mut out = 0u64;
        // SAFETY: host callback; `out` is a valid out-pointer for the call.
        let e = unsafe { f(self.t().user, guest_fd, host_fd, &mut out) };
        Some(errno(e).map(|()| self.handle(out)))
    }

    /// Open a preopen; `None` without an `open_preopen` callback.
    pub(crate) fn open_preopen(&self, path: &[u8], readonly: bool) -> Option<Result<CHandle>> {
        let f = self.t().open_preopen?;
        let mut out = 0u64;
        // SAFETY: host callback; `path` is readable for the call, `out` a valid out-pointer.
        let e = unsafe { f(self.t().user, path.as_ptr().cast(), path.len(), readonly.into(), &mut out) };
        Some(errno(e).map(|()| self.handle(out)))
    }

    /// Call a `(user, dir, name, name_len)` callback.
    fn name_call(
        &self,
        f: Option<unsafe extern "C" fn(*mut c_void, u64, *const c_char, usize) -> u16>,
        dir: &CHandle,
        name: &str,
    ) -> Result<()> {
        let f = f.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback; `name` is readable for the call.
        errno(unsafe { f(self.t().user, dir.raw, name.as_ptr().cast(), name.len()) })
    }

    /// Call a `(user, h)` callback.
    fn handle_call(
        &self,
        f: Option<unsafe extern "C" fn(*mut c_void, u64) -> u16>,
        h: &CHandle,
    ) -> Result<()> {
        let f = f.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw) })
    }

    /// Call a two-name callback (`rename_at`, `link_at`).
    #[allow(clippy::type_complexity)]
    fn two_names(
        &self,
        f: Option<
            unsafe extern "C" fn(*mut c_void, u64, *const c_char, usize, u64, *const c_char, usize) -> u16,
        >,
        old_dir: &CHandle,
        old: &str,
        new_dir: &CHandle,
        new: &str,
    ) -> Result<()> {
        let f = f.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback; both names are readable for the call.
        errno(unsafe {
            f(
                self.t().user,
                old_dir.raw,
                old.as_ptr().cast(),
                old.len(),
                new_dir.raw,
                new.as_ptr().cast(),
                new.len(),
            )
        })
    }
}

impl Platform for CPlatform {
    type Handle = CHandle;

    fn filetype(&self, h: &CHandle) -> Result<Filetype> {
        let f = self.t().filetype.ok_or(Errno::NOSYS)?;
        let mut out = 0u8;
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, h.raw, &mut out) })?;
        Ok(filetype_of(out))
    }
    fn fdflags(&self, h: &CHandle) -> Result<FdFlags> {
        let Some(f) = self.t().fdflags else { return Ok(FdFlags::empty()) };
        let mut out = 0u16;
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, h.raw, &mut out) })?;
        Ok(FdFlags::from_bits_truncate(out))
    }
    fn set_fdflags(&self, h: &mut CHandle, flags: FdFlags) -> Result<()> {
        let f = self.t().set_fdflags.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw, flags.bits()) })
    }
    fn close(&self, mut h: CHandle) -> Result<()> {
        h.open = false;
        let Some(f) = self.t().close else { return Ok(()) };
        // SAFETY: host callback, once per handle (`open` is now false, so drop will not).
        errno(unsafe { f(self.t().user, h.raw) })
    }
    fn read(&self, h: &mut CHandle, bufs: &mut [&mut [u8]]) -> Result<usize> {
        let f = self.t().read.ok_or(Errno::NOSYS)?;
        let (iovs, n, total) = iovecs(bufs);
        let mut nread = 0usize;
        // SAFETY: host callback; `iovs[..n]` describe exclusively borrowed buffers that
        // live for the call, `nread` is a valid out-pointer.
        errno(unsafe { f(self.t().user, h.raw, iovs.as_ptr(), n, &mut nread) })?;
        count(nread, total)
    }
    fn pread(&self, h: &mut CHandle, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        let f = self.t().pread.ok_or(Errno::NOSYS)?;
        let (iovs, n, total) = iovecs(bufs);
        let mut nread = 0usize;
        // SAFETY: as in `read`.
        errno(unsafe { f(self.t().user, h.raw, iovs.as_ptr(), n, offset, &mut nread) })?;
        count(nread, total)
    }
    fn write(&self, h: &mut CHandle, bufs: &[&[u8]]) -> Result<usize> {
        let f = self.t().write.ok_or(Errno::NOSYS)?;
        let (iovs, n, total) = ciovecs(bufs);
        let mut nwritten = 0usize;
        // SAFETY: host callback; `iovs[..n]` describe buffers readable for the call.
        errno(unsafe { f(self.t().user, h.raw, iovs.as_ptr(), n, &mut nwritten) })?;
        count(nwritten, total)
    }
    fn pwrite(&self, h: &mut CHandle, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        let f = self.t().pwrite.ok_or(Errno::NOSYS)?;
        let (iovs, n, total) = ciovecs(bufs);
        let mut nwritten = 0usize;
        // SAFETY: as in `write`.
        errno(unsafe { f(self.t().user, h.raw, iovs.as_ptr(), n, offset, &mut nwritten) })?;
        count(nwritten, total)
    }
    fn seek(&self, h: &mut CHandle, offset: i64, whence: Whence) -> Result<u64> {
        let f = self.t().seek.ok_or(Errno::NOSYS)?;
        let whence = match whence {
            Whence::Set => 0,
            Whence::Cur => 1,
            Whence::End => 2,
        };
        let mut out = 0u64;
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, h.raw, offset, whence, &mut out) })?;
        Ok(out)
    }
    fn sync(&self, h: &CHandle) -> Result<()> {
        self.handle_call(self.t().sync, h)
    }
    fn datasync(&self, h: &CHandle) -> Result<()> {
        self.handle_call(self.t().datasync, h)
    }
    fn advise(&self, h: &CHandle, offset: u64, len: u64, advice: Advice) -> Result<()> {
        let Some(f) = self.t().advise else { return Ok(()) };
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw, offset, len, advice as u8) })
    }
    fn allocate(&self, h: &CHandle, offset: u64, len: u64) -> Result<()> {
        let f = self.t().allocate.ok_or(Errno::NOTSUP)?;
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw, offset, len) })
    }
    fn filestat(&self, h: &CHandle) -> Result<Filestat> {
        let f = self.t().filestat.ok_or(Errno::NOSYS)?;
        let mut out = wasibox_filestat::default();
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, h.raw, &mut out) })?;
        Ok(filestat_of(&out))
    }
    fn set_size(&self, h: &CHandle, size: u64) -> Result<()> {
        let f = self.t().set_size.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw, size) })
    }
    fn set_times(&self, h: &CHandle, atim: SetTime, mtim: SetTime) -> Result<()> {
        let f = self.t().set_times.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw, atim.into(), mtim.into()) })
    }
    fn readdir(
        &self,
        h: &mut CHandle,
        cookie: u64,
        sink: &mut dyn FnMut(&DirEntry<'_>) -> bool,
    ) -> Result<()> {
        let f = self.t().readdir.ok_or(Errno::NOSYS)?;
        let mut state = SinkState { sink };
        let data: *mut SinkState<'_> = &mut state;
        // SAFETY: host callback; `dirent_sink` with `data` is valid for the duration of the
        // call (`state` outlives it), which is the only time the host may use them.
        errno(unsafe { f(self.t().user, h.raw, cookie, dirent_sink, data.cast()) })
    }

    fn open_at(&self, dir: &CHandle, name: &str, opts: &OpenOptions) -> Result<CHandle> {
        let f = self.t().open_at.ok_or(Errno::NOSYS)?;
        let opts = wasibox_open_options::from(opts);
        let mut out = 0u64;
        // SAFETY: host callback; `name`, `opts` readable and `out` writable for the call.
        errno(unsafe { f(self.t().user, dir.raw, name.as_ptr().cast(), name.len(), &opts, &mut out) })?;
        Ok(self.handle(out))
    }
    fn stat_at(&self, dir: &CHandle, name: &str, follow: bool) -> Result<Filestat> {
        let f = self.t().stat_at.ok_or(Errno::NOSYS)?;
        let mut out = wasibox_filestat::default();
        // SAFETY: host callback; `name` readable and `out` writable for the call.
        errno(unsafe {
            f(self.t().user, dir.raw, name.as_ptr().cast(), name.len(), follow.into(), &mut out)
        })?;
        Ok(filestat_of(&out))
    }
    fn readlink_at(&self, dir: &CHandle, name: &str) -> Result<Vec<u8>> {
        let f = self.t().readlink_at.ok_or(Errno::NOSYS)?;
        let mut buf = vec![0u8; 4096];
        // A target may change between two calls: try a few times with the size reported.
        for _ in 0..4 {
            let mut len = 0usize;
            // SAFETY: host callback; `name` readable, `buf` writable for `buf.len()` bytes,
            // `len` a valid out-pointer.
            errno(unsafe {
                f(
                    self.t().user,
                    dir.raw,
                    name.as_ptr().cast(),
                    name.len(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut len,
                )
            })?;
            if len <= buf.len() {
                buf.truncate(len);
                return Ok(buf);
            }
            if len > MAX_LINK {
                return Err(Errno::NAMETOOLONG);
            }
            buf.resize(len, 0);
        }
        Err(Errno::IO)
    }
    fn mkdir_at(&self, dir: &CHandle, name: &str) -> Result<()> {
        self.name_call(self.t().mkdir_at, dir, name)
    }
    fn rmdir_at(&self, dir: &CHandle, name: &str) -> Result<()> {
        self.name_call(self.t().rmdir_at, dir, name)
    }
    fn unlink_at(&self, dir: &CHandle, name: &str) -> Result<()> {
        self.name_call(self.t().unlink_at, dir, name)
    }
    fn rename_at(&self, old_dir: &CHandle, old: &str, new_dir: &CHandle, new: &str) -> Result<()> {
        self.two_names(self.t().rename_at, old_dir, old, new_dir, new)
    }
    fn link_at(&self, old_dir: &CHandle, old: &str, new_dir: &CHandle, new: &str) -> Result<()> {
        self.two_names(self.t().link_at, old_dir, old, new_dir, new)
    }
    fn symlink_at(&self, target: &str, dir: &CHandle, name: &str) -> Result<()> {
        let f = self.t().symlink_at.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback; both strings readable for the call.
        errno(unsafe {
            f(self.t().user, target.as_ptr().cast(), target.len(), dir.raw, name.as_ptr().cast(), name.len())
        })
    }
    fn set_times_at(
        &self,
        dir: &CHandle,
        name: &str,
        atim: SetTime,
        mtim: SetTime,
        follow: bool,
    ) -> Result<()> {
        let f = self.t().set_times_at.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback; `name` readable for the call.
        errno(unsafe {
            f(
                self.t().user,
                dir.raw,
                name.as_ptr().cast(),
                name.len(),
                atim.into(),
                mtim.into(),
                follow.into(),
            )
        })
    }

    fn clock_res(&self, clock: ClockId) -> Result<u64> {
        let f = self.t().clock_res.ok_or(Errno::NOSYS)?;
        let mut out = 0u64;
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, clock as u32, &mut out) })?;
        Ok(out)
    }
    fn clock_time(&self, clock: ClockId, precision: u64) -> Result<u64> {
        let f = self.t().clock_time.ok_or(Errno::NOSYS)?;
        let mut out = 0u64;
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, clock as u32, precision, &mut out) })?;
        Ok(out)
    }
    fn random(&self, buf: &mut [u8]) -> Result<()> {
        let f = self.t().random.ok_or(Errno::NOSYS)?;
        // SAFETY: host callback; `buf` is writable for its length during the call.
        errno(unsafe { f(self.t().user, buf.as_mut_ptr(), buf.len()) })
    }
    fn sched_yield(&self) -> Result<()> {
        let Some(f) = self.t().sched_yield else { return Ok(()) };
        // SAFETY: host callback.
        errno(unsafe { f(self.t().user) })
    }
    fn poll(&self, fds: &mut [PollFd<'_, CHandle>], deadline: Option<Deadline>) -> Result<()> {
        let f = self.t().poll.ok_or(Errno::NOSYS)?;
        // Bounded by the core's limit on subscriptions per poll_oneoff.
        let mut c: Vec<wasibox_pollfd> = fds
            .iter()
            .map(|p| wasibox_pollfd { handle: p.handle.raw, write: p.write.into(), ..Default::default() })
            .collect();
        let d = deadline.map(|d| wasibox_deadline { clock: d.clock as u32, at: d.at });
        let dp = d.as_ref().map_or(std::ptr::null(), |d| d as *const wasibox_deadline);
        // SAFETY: host callback; `c` is writable for `c.len()` entries and `dp` is null or
        // readable during the call.
        errno(unsafe { f(self.t().user, c.as_mut_ptr(), c.len(), dp) })?;
        for (p, r) in fds.iter_mut().zip(c.iter()) {
            if r.ready != 0 {
                p.ready = Some(if r.error == 0 { Ok(r.nbytes) } else { Err(Errno(r.error)) });
            }
            p.hangup = r.hangup != 0;
        }
        Ok(())
    }

    fn sock_accept(&self, h: &CHandle, flags: FdFlags) -> Result<CHandle> {
        let f = self.t().sock_accept.ok_or(Errno::NOTSOCK)?;
        let mut out = 0u64;
        // SAFETY: host callback; `out` is a valid out-pointer.
        errno(unsafe { f(self.t().user, h.raw, flags.bits(), &mut out) })?;
        Ok(self.handle(out))
    }
    fn sock_recv(&self, h: &mut CHandle, bufs: &mut [&mut [u8]], flags: RiFlags) -> Result<(usize, RoFlags)> {
        let f = self.t().sock_recv.ok_or(Errno::NOTSOCK)?;
        let (iovs, n, total) = iovecs(bufs);
        let (mut nread, mut ro) = (0usize, 0u16);
        // SAFETY: as in `read`; `ro` is a valid out-pointer too.
        errno(unsafe { f(self.t().user, h.raw, iovs.as_ptr(), n, flags.bits(), &mut nread, &mut ro) })?;
        Ok((count(nread, total)?, RoFlags::from_bits_truncate(ro)))
    }
    fn sock_send(&self, h: &mut CHandle, bufs: &[&[u8]]) -> Result<usize> {
        let f = self.t().sock_send.ok_or(Errno::NOTSOCK)?;
        let (iovs, n, total) = ciovecs(bufs);
        let mut nwritten = 0usize;
        // SAFETY: as in `write`.
        errno(unsafe { f(self.t().user, h.raw, iovs.as_ptr(), n, &mut nwritten) })?;
        count(nwritten, total)
    }
    fn sock_shutdown(&self, h: &CHandle, how: SdFlags) -> Result<()> {
        let f = self.t().sock_shutdown.ok_or(Errno::NOTSOCK)?;
        // SAFETY: host callback with plain values.
        errno(unsafe { f(self.t().user, h.raw, how.bits()) })
    }
}
