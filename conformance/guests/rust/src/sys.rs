//! Raw `wasi_snapshot_preview1` imports, declared by hand (no `wasi` crate).
//!
//! Every pointer parameter is a plain `u32` so that tests can pass hostile
//! values (out of bounds, misaligned, wrapping past 2^32) without casts; every
//! function except `proc_exit` returns the errno as `i32`.

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn args_get(argv: u32, argv_buf: u32) -> i32;
    pub fn args_sizes_get(argc: u32, argv_buf_size: u32) -> i32;
    pub fn environ_get(environ: u32, environ_buf: u32) -> i32;
    pub fn environ_sizes_get(count: u32, buf_size: u32) -> i32;
    pub fn clock_res_get(id: u32, res: u32) -> i32;
    pub fn clock_time_get(id: u32, precision: u64, time: u32) -> i32;
    pub fn fd_advise(fd: u32, offset: u64, len: u64, advice: u32) -> i32;
    pub fn fd_allocate(fd: u32, offset: u64, len: u64) -> i32;
    pub fn fd_close(fd: u32) -> i32;
    pub fn fd_datasync(fd: u32) -> i32;
    pub fn fd_fdstat_get(fd: u32, stat: u32) -> i32;
    pub fn fd_fdstat_set_flags(fd: u32, flags: u32) -> i32;
    pub fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> i32;
    pub fn fd_filestat_get(fd: u32, stat: u32) -> i32;
    pub fn fd_filestat_set_size(fd: u32, size: u64) -> i32;
    pub fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> i32;
    pub fn fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> i32;
    pub fn fd_prestat_get(fd: u32, prestat: u32) -> i32;
    pub fn fd_prestat_dir_name(fd: u32, path: u32, path_len: u32) -> i32;
    pub fn fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> i32;
    pub fn fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> i32;
    pub fn fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> i32;
    pub fn fd_renumber(fd: u32, to: u32) -> i32;
    pub fn fd_seek(fd: u32, offset: i64, whence: u32, newoffset: u32) -> i32;
    pub fn fd_sync(fd: u32) -> i32;
    pub fn fd_tell(fd: u32, offset: u32) -> i32;
    pub fn fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> i32;
    pub fn path_create_directory(fd: u32, path: u32, path_len: u32) -> i32;
    pub fn path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, stat: u32) -> i32;
    pub fn path_filestat_set_times(
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> i32;
    pub fn path_link(
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> i32;
    pub fn path_open(
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u32,
        opened_fd: u32,
    ) -> i32;
    pub fn path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32) -> i32;
    pub fn path_remove_directory(fd: u32, path: u32, path_len: u32) -> i32;
    pub fn path_rename(fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32) -> i32;
    pub fn path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32) -> i32;
    pub fn path_unlink_file(fd: u32, path: u32, path_len: u32) -> i32;
    pub fn poll_oneoff(r#in: u32, out: u32, nsubscriptions: u32, nevents: u32) -> i32;
    pub fn proc_exit(code: u32) -> !;
    pub fn proc_raise(sig: u32) -> i32;
    pub fn sched_yield() -> i32;
    pub fn random_get(buf: u32, buf_len: u32) -> i32;
    pub fn sock_accept(fd: u32, flags: u32, fd_out: u32) -> i32;
    pub fn sock_recv(fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32) -> i32;
    pub fn sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32) -> i32;
    pub fn sock_shutdown(fd: u32, how: u32) -> i32;
}

// ---- errno -------------------------------------------------------------------------------

pub const ERRNO_NAMES: [&str; 77] = [
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
    "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
    "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
    "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
    "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS",
    "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE",
    "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
];

macro_rules! errnos {
    ($($name:ident = $v:expr),* $(,)?) => { $(pub const $name: i32 = $v;)* };
}
errnos! {
    SUCCESS = 0, E2BIG = 1, EACCES = 2, EAGAIN = 6, EBADF = 8, EBUSY = 10, EEXIST = 20,
    EFAULT = 21, EFBIG = 22, EILSEQ = 25, EINTR = 27, EINVAL = 28, EIO = 29, EISDIR = 31,
    ELOOP = 32, EMFILE = 33, EMLINK = 34, ENAMETOOLONG = 37, ENOENT = 44, ENOSPC = 51,
    ENOSYS = 52, ENOTCONN = 53, ENOTDIR = 54, ENOTEMPTY = 55, ENOTSOCK = 57, ENOTSUP = 58,
    ENOTTY = 59, EOVERFLOW = 61, EPERM = 63, EPIPE = 64, ESPIPE = 70, EXDEV = 75,
    ENOTCAPABLE = 76,
}

pub fn errno_name(e: i32) -> String {
    if e == 0 {
        "ok".into()
    } else if (0..77).contains(&e) {
        format!("E{}", ERRNO_NAMES[e as usize])
    } else {
        format!("errno={e}")
    }
}

// ---- constants -----------------------------------------------------------------------------

pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_BLOCK_DEVICE: u8 = 1;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;
pub const FILETYPE_SOCKET_DGRAM: u8 = 5;
pub const FILETYPE_SOCKET_STREAM: u8 = 6;
pub const FILETYPE_SYMBOLIC_LINK: u8 = 7;

pub fn filetype_name(t: u8) -> &'static str {
    match t {
        0 => "unknown",
        1 => "block_device",
        2 => "character_device",
        3 => "directory",
        4 => "regular_file",
        5 => "socket_dgram",
        6 => "socket_stream",
        7 => "symbolic_link",
        _ => "invalid",
    }
}

pub const OFLAGS_CREAT: u32 = 1;
pub const OFLAGS_DIRECTORY: u32 = 2;
pub const OFLAGS_EXCL: u32 = 4;
pub const OFLAGS_TRUNC: u32 = 8;

pub const FDFLAGS_APPEND: u32 = 1;
pub const FDFLAGS_DSYNC: u32 = 2;
pub const FDFLAGS_NONBLOCK: u32 = 4;
pub const FDFLAGS_RSYNC: u32 = 8;
pub const FDFLAGS_SYNC: u32 = 16;

pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

pub const FSTFLAGS_ATIM: u32 = 1;
pub const FSTFLAGS_ATIM_NOW: u32 = 2;
pub const FSTFLAGS_MTIM: u32 = 4;
pub const FSTFLAGS_MTIM_NOW: u32 = 8;

pub const WHENCE_SET: u32 = 0;
pub const WHENCE_CUR: u32 = 1;
pub const WHENCE_END: u32 = 2;

pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;
pub const CLOCK_PROCESS_CPUTIME_ID: u32 = 2;
pub const CLOCK_THREAD_CPUTIME_ID: u32 = 3;

pub const EVENTTYPE_CLOCK: u8 = 0;
pub const EVENTTYPE_FD_READ: u8 = 1;
pub const EVENTTYPE_FD_WRITE: u8 = 2;
pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1;

pub const RIGHT_FD_DATASYNC: u64 = 1 << 0;
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_SEEK: u64 = 1 << 2;
pub const RIGHT_FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
pub const RIGHT_FD_SYNC: u64 = 1 << 4;
pub const RIGHT_FD_TELL: u64 = 1 << 5;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
pub const RIGHT_FD_ADVISE: u64 = 1 << 7;
pub const RIGHT_FD_ALLOCATE: u64 = 1 << 8;
pub const RIGHT_PATH_CREATE_DIRECTORY: u64 = 1 << 9;
pub const RIGHT_PATH_CREATE_FILE: u64 = 1 << 10;
pub const RIGHT_PATH_LINK_SOURCE: u64 = 1 << 11;
pub const RIGHT_PATH_LINK_TARGET: u64 = 1 << 12;
pub const RIGHT_PATH_OPEN: u64 = 1 << 13;
pub const RIGHT_FD_READDIR: u64 = 1 << 14;
pub const RIGHT_PATH_READLINK: u64 = 1 << 15;
pub const RIGHT_PATH_RENAME_SOURCE: u64 = 1 << 16;
pub const RIGHT_PATH_RENAME_TARGET: u64 = 1 << 17;
pub const RIGHT_PATH_FILESTAT_GET: u64 = 1 << 18;
pub const RIGHT_PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
pub const RIGHT_PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
pub const RIGHT_FD_FILESTAT_GET: u64 = 1 << 21;
pub const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub const RIGHT_FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
pub const RIGHT_PATH_SYMLINK: u64 = 1 << 24;
pub const RIGHT_PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
pub const RIGHT_PATH_UNLINK_FILE: u64 = 1 << 26;
pub const RIGHT_POLL_FD_READWRITE: u64 = 1 << 27;
pub const RIGHT_SOCK_SHUTDOWN: u64 = 1 << 28;
pub const RIGHT_SOCK_ACCEPT: u64 = 1 << 29;

/// Every right defined by preview1.
pub const RIGHTS_ALL: u64 = (1 << 30) - 1;
/// What an fd opened for reading only asks for (no write-implying right).
pub const RIGHTS_RO: u64 = RIGHTS_ALL
    & !(RIGHT_FD_DATASYNC | RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE);
/// What an fd opened for writing only asks for (no read-implying right).
pub const RIGHTS_WO: u64 = RIGHTS_ALL & !(RIGHT_FD_READ | RIGHT_FD_READDIR);
