/*
 * wasibox.h: the C API of wasibox, a WASI preview1 / wasi_unstable implementation.
 *
 * A C host that runs wasm on its own engine makes a wasibox_ctx from a wasibox_config,
 * and routes every WASI import to wasibox_call(ctx, WASIBOX_FUNC_*, args, nargs,
 * memory base, memory length, &exit_status). Link libwasibox_capi.a (with -lpthread
 * -ldl -lm on Linux) or libwasibox_capi.so. Every function returns a status
 * (WASIBOX_OK or a negative WASIBOX_ERR_*) unless it says otherwise; none of them
 * aborts or unwinds on bad input.
 */

#ifndef WASIBOX_H
#define WASIBOX_H

/*
 * Generated from capi/src by cbindgen (capi/tests/header.rs); do not edit by hand.
 * Regenerate: WASIBOX_BLESS=1 cargo test -p wasibox-capi --test header
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Function ids for wasibox_call: the index of each function in the preview1 witx
 * order. The same ids serve wasi_unstable (which has no sock_accept).
 */
#define WASIBOX_FUNC_ARGS_GET 0
#define WASIBOX_FUNC_ARGS_SIZES_GET 1
#define WASIBOX_FUNC_ENVIRON_GET 2
#define WASIBOX_FUNC_ENVIRON_SIZES_GET 3
#define WASIBOX_FUNC_CLOCK_RES_GET 4
#define WASIBOX_FUNC_CLOCK_TIME_GET 5
#define WASIBOX_FUNC_FD_ADVISE 6
#define WASIBOX_FUNC_FD_ALLOCATE 7
#define WASIBOX_FUNC_FD_CLOSE 8
#define WASIBOX_FUNC_FD_DATASYNC 9
#define WASIBOX_FUNC_FD_FDSTAT_GET 10
#define WASIBOX_FUNC_FD_FDSTAT_SET_FLAGS 11
#define WASIBOX_FUNC_FD_FDSTAT_SET_RIGHTS 12
#define WASIBOX_FUNC_FD_FILESTAT_GET 13
#define WASIBOX_FUNC_FD_FILESTAT_SET_SIZE 14
#define WASIBOX_FUNC_FD_FILESTAT_SET_TIMES 15
#define WASIBOX_FUNC_FD_PREAD 16
#define WASIBOX_FUNC_FD_PRESTAT_GET 17
#define WASIBOX_FUNC_FD_PRESTAT_DIR_NAME 18
#define WASIBOX_FUNC_FD_PWRITE 19
#define WASIBOX_FUNC_FD_READ 20
#define WASIBOX_FUNC_FD_READDIR 21
#define WASIBOX_FUNC_FD_RENUMBER 22
#define WASIBOX_FUNC_FD_SEEK 23
#define WASIBOX_FUNC_FD_SYNC 24
#define WASIBOX_FUNC_FD_TELL 25
#define WASIBOX_FUNC_FD_WRITE 26
#define WASIBOX_FUNC_PATH_CREATE_DIRECTORY 27
#define WASIBOX_FUNC_PATH_FILESTAT_GET 28
#define WASIBOX_FUNC_PATH_FILESTAT_SET_TIMES 29
#define WASIBOX_FUNC_PATH_LINK 30
#define WASIBOX_FUNC_PATH_OPEN 31
#define WASIBOX_FUNC_PATH_READLINK 32
#define WASIBOX_FUNC_PATH_REMOVE_DIRECTORY 33
#define WASIBOX_FUNC_PATH_RENAME 34
#define WASIBOX_FUNC_PATH_SYMLINK 35
#define WASIBOX_FUNC_PATH_UNLINK_FILE 36
#define WASIBOX_FUNC_POLL_ONEOFF 37
#define WASIBOX_FUNC_PROC_EXIT 38
#define WASIBOX_FUNC_PROC_RAISE 39
#define WASIBOX_FUNC_SCHED_YIELD 40
#define WASIBOX_FUNC_RANDOM_GET 41
#define WASIBOX_FUNC_SOCK_ACCEPT 42
#define WASIBOX_FUNC_SOCK_RECV 43
#define WASIBOX_FUNC_SOCK_SEND 44
#define WASIBOX_FUNC_SOCK_SHUTDOWN 45
#define WASIBOX_FUNC_COUNT 46

/*
 * Every function, for generating import shims:
 *   X(name, id, returns_errno, nparams, params, args)
 * name: the import name; id: its WASIBOX_FUNC_* id; returns_errno: 1 if the import
 * returns an i32 errno, 0 for proc_exit (no result); params: the wasm parameters as
 * C parameters with a leading comma, in parentheses, e.g. (, uint32_t fd, uint64_t
 * offset), or () for none; args: their names for an initializer, e.g. (fd, offset),
 * or (0) for none. WASIBOX_UNPAREN params removes the parentheses.
 */
#define WASIBOX_UNPAREN(...) __VA_ARGS__
#define WASIBOX_FOR_EACH_FUNC(X) \
  X(args_get, WASIBOX_FUNC_ARGS_GET, 1, 2, (, uint32_t argv, uint32_t argv_buf), (argv, argv_buf)) \
  X(args_sizes_get, WASIBOX_FUNC_ARGS_SIZES_GET, 1, 2, (, uint32_t argc, uint32_t argv_buf_size), (argc, argv_buf_size)) \
  X(environ_get, WASIBOX_FUNC_ENVIRON_GET, 1, 2, (, uint32_t environ, uint32_t environ_buf), (environ, environ_buf)) \
  X(environ_sizes_get, WASIBOX_FUNC_ENVIRON_SIZES_GET, 1, 2, (, uint32_t count, uint32_t buf_size), (count, buf_size)) \
  X(clock_res_get, WASIBOX_FUNC_CLOCK_RES_GET, 1, 2, (, uint32_t id, uint32_t resolution), (id, resolution)) \
  X(clock_time_get, WASIBOX_FUNC_CLOCK_TIME_GET, 1, 3, (, uint32_t id, uint64_t precision, uint32_t time), (id, precision, time)) \
  X(fd_advise, WASIBOX_FUNC_FD_ADVISE, 1, 4, (, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice), (fd, offset, len, advice)) \
  X(fd_allocate, WASIBOX_FUNC_FD_ALLOCATE, 1, 3, (, uint32_t fd, uint64_t offset, uint64_t len), (fd, offset, len)) \
  X(fd_close, WASIBOX_FUNC_FD_CLOSE, 1, 1, (, uint32_t fd), (fd)) \
  X(fd_datasync, WASIBOX_FUNC_FD_DATASYNC, 1, 1, (, uint32_t fd), (fd)) \
  X(fd_fdstat_get, WASIBOX_FUNC_FD_FDSTAT_GET, 1, 2, (, uint32_t fd, uint32_t stat), (fd, stat)) \
  X(fd_fdstat_set_flags, WASIBOX_FUNC_FD_FDSTAT_SET_FLAGS, 1, 2, (, uint32_t fd, uint32_t flags), (fd, flags)) \
  X(fd_fdstat_set_rights, WASIBOX_FUNC_FD_FDSTAT_SET_RIGHTS, 1, 3, (, uint32_t fd, uint64_t base, uint64_t inheriting), (fd, base, inheriting)) \
  X(fd_filestat_get, WASIBOX_FUNC_FD_FILESTAT_GET, 1, 2, (, uint32_t fd, uint32_t buf), (fd, buf)) \
  X(fd_filestat_set_size, WASIBOX_FUNC_FD_FILESTAT_SET_SIZE, 1, 2, (, uint32_t fd, uint64_t size), (fd, size)) \
  X(fd_filestat_set_times, WASIBOX_FUNC_FD_FILESTAT_SET_TIMES, 1, 4, (, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst_flags), (fd, atim, mtim, fst_flags)) \
  X(fd_pread, WASIBOX_FUNC_FD_PREAD, 1, 5, (, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nread), (fd, iovs, iovs_len, offset, nread)) \
  X(fd_prestat_get, WASIBOX_FUNC_FD_PRESTAT_GET, 1, 2, (, uint32_t fd, uint32_t buf), (fd, buf)) \
  X(fd_prestat_dir_name, WASIBOX_FUNC_FD_PRESTAT_DIR_NAME, 1, 3, (, uint32_t fd, uint32_t path, uint32_t path_len), (fd, path, path_len)) \
  X(fd_pwrite, WASIBOX_FUNC_FD_PWRITE, 1, 5, (, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nwritten), (fd, iovs, iovs_len, offset, nwritten)) \
  X(fd_read, WASIBOX_FUNC_FD_READ, 1, 4, (, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread), (fd, iovs, iovs_len, nread)) \
  X(fd_readdir, WASIBOX_FUNC_FD_READDIR, 1, 5, (, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie, uint32_t bufused), (fd, buf, buf_len, cookie, bufused)) \
  X(fd_renumber, WASIBOX_FUNC_FD_RENUMBER, 1, 2, (, uint32_t fd, uint32_t to), (fd, to)) \
  X(fd_seek, WASIBOX_FUNC_FD_SEEK, 1, 4, (, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset), (fd, offset, whence, newoffset)) \
  X(fd_sync, WASIBOX_FUNC_FD_SYNC, 1, 1, (, uint32_t fd), (fd)) \
  X(fd_tell, WASIBOX_FUNC_FD_TELL, 1, 2, (, uint32_t fd, uint32_t offset), (fd, offset)) \
  X(fd_write, WASIBOX_FUNC_FD_WRITE, 1, 4, (, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten), (fd, iovs, iovs_len, nwritten)) \
  X(path_create_directory, WASIBOX_FUNC_PATH_CREATE_DIRECTORY, 1, 3, (, uint32_t fd, uint32_t path, uint32_t path_len), (fd, path, path_len)) \
  X(path_filestat_get, WASIBOX_FUNC_PATH_FILESTAT_GET, 1, 5, (, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint32_t buf), (fd, flags, path, path_len, buf)) \
  X(path_filestat_set_times, WASIBOX_FUNC_PATH_FILESTAT_SET_TIMES, 1, 7, (, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst_flags), (fd, flags, path, path_len, atim, mtim, fst_flags)) \
  X(path_link, WASIBOX_FUNC_PATH_LINK, 1, 7, (, uint32_t old_fd, uint32_t old_flags, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len), (old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len)) \
  X(path_open, WASIBOX_FUNC_PATH_OPEN, 1, 9, (, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len, uint32_t oflags, uint64_t base, uint64_t inheriting, uint32_t fdflags, uint32_t opened_fd), (fd, dirflags, path, path_len, oflags, base, inheriting, fdflags, opened_fd)) \
  X(path_readlink, WASIBOX_FUNC_PATH_READLINK, 1, 6, (, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf, uint32_t buf_len, uint32_t bufused), (fd, path, path_len, buf, buf_len, bufused)) \
  X(path_remove_directory, WASIBOX_FUNC_PATH_REMOVE_DIRECTORY, 1, 3, (, uint32_t fd, uint32_t path, uint32_t path_len), (fd, path, path_len)) \
  X(path_rename, WASIBOX_FUNC_PATH_RENAME, 1, 6, (, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd, uint32_t new_path, uint32_t new_path_len), (fd, old_path, old_path_len, new_fd, new_path, new_path_len)) \
  X(path_symlink, WASIBOX_FUNC_PATH_SYMLINK, 1, 5, (, uint32_t old_path, uint32_t old_path_len, uint32_t fd, uint32_t new_path, uint32_t new_path_len), (old_path, old_path_len, fd, new_path, new_path_len)) \
  X(path_unlink_file, WASIBOX_FUNC_PATH_UNLINK_FILE, 1, 3, (, uint32_t fd, uint32_t path, uint32_t path_len), (fd, path, path_len)) \
  X(poll_oneoff, WASIBOX_FUNC_POLL_ONEOFF, 1, 4, (, uint32_t subs, uint32_t events, uint32_t nsubscriptions, uint32_t nevents), (subs, events, nsubscriptions, nevents)) \
  X(proc_exit, WASIBOX_FUNC_PROC_EXIT, 0, 1, (, uint32_t code), (code)) \
  X(proc_raise, WASIBOX_FUNC_PROC_RAISE, 1, 1, (, uint32_t sig), (sig)) \
  X(sched_yield, WASIBOX_FUNC_SCHED_YIELD, 1, 0, (), (0)) \
  X(random_get, WASIBOX_FUNC_RANDOM_GET, 1, 2, (, uint32_t buf, uint32_t buf_len), (buf, buf_len)) \
  X(sock_accept, WASIBOX_FUNC_SOCK_ACCEPT, 1, 3, (, uint32_t fd, uint32_t flags, uint32_t opened_fd), (fd, flags, opened_fd)) \
  X(sock_recv, WASIBOX_FUNC_SOCK_RECV, 1, 6, (, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags, uint32_t ro_datalen, uint32_t ro_flags), (fd, ri_data, ri_data_len, ri_flags, ro_datalen, ro_flags)) \
  X(sock_send, WASIBOX_FUNC_SOCK_SEND, 1, 5, (, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags, uint32_t so_datalen), (fd, si_data, si_data_len, si_flags, so_datalen)) \
  X(sock_shutdown, WASIBOX_FUNC_SOCK_SHUTDOWN, 1, 2, (, uint32_t fd, uint32_t how), (fd, how)) \
  /* end of WASIBOX_FOR_EACH_FUNC */


/**
 * Backend: the host's real filesystem, clocks and randomness (POSIX hosts only).
 */
#define WASIBOX_BACKEND_POSIX 0

/**
 * Backend: a deterministic in-memory world; each preopen's host directory is copied in
 * when the context is made, stdin is the bytes given with
 * `wasibox_config_set_stdin_bytes`, stdout and stderr are captured
 * (`wasibox_ctx_take_output`).
 */
#define WASIBOX_BACKEND_MEM 1

/**
 * WASI version: `wasi_snapshot_preview1` (the default).
 */
#define WASIBOX_VERSION_PREVIEW1 0

/**
 * WASI version: `wasi_unstable` (preview0), with its own layouts and numbering.
 */
#define WASIBOX_VERSION_UNSTABLE 1

/**
 * Rights policy: enforce what the open mode implies and what the guest narrowed itself
 * (the default, as wasmtime does).
 */
#define WASIBOX_RIGHTS_COMPAT 0

/**
 * Rights policy: enforce every right of the spec (`ENOTCAPABLE`), as uvwasi does.
 */
#define WASIBOX_RIGHTS_ENFORCE 1

/**
 * Preopen flag: read-only (every write through it fails with `EROFS`; posix backend and
 * custom platforms only).
 */
#define WASIBOX_PREOPEN_READONLY 1

/**
 * `wasibox_settime.kind`: leave the timestamp alone.
 */
#define WASIBOX_SETTIME_OMIT 0

/**
 * `wasibox_settime.kind`: set it to the current time.
 */
#define WASIBOX_SETTIME_NOW 1

/**
 * `wasibox_settime.kind`: set it to `ns`.
 */
#define WASIBOX_SETTIME_AT 2

/**
 * Success.
 */
#define WASIBOX_OK 0

/**
 * `wasibox_call`: the guest called `proc_exit`; `*exit_status` holds its code.
 */
#define WASIBOX_EXITED -1

/**
 * `wasibox_call`: the guest raised a signal that terminates it (`proc_raise`);
 * `*exit_status` holds the signal number (a shell would report 128 + it).
 */
#define WASIBOX_SIGNALED -2

/**
 * A pointer that must not be null was null.
 */
#define WASIBOX_ERR_NULL -3

/**
 * An argument is out of range: an unknown enum value or function id, a length past
 * `PTRDIFF_MAX`, a NUL byte inside a string, the wrong number of arguments.
 */
#define WASIBOX_ERR_INVALID -4

/**
 * Text that must be UTF-8 (a guest path, an import name) is not.
 */
#define WASIBOX_ERR_UTF8 -5

/**
 * The host could not do what the configuration asks (open a preopened directory,
 * duplicate a stdio descriptor); see `wasibox_last_error`.
 */
#define WASIBOX_ERR_IO -6

/**
 * The option does not apply to the chosen backend (stdin bytes on posix, a read-only
 * preopen on mem, output capture on anything but mem).
 */
#define WASIBOX_ERR_UNSUPPORTED -7

/**
 * A bug inside wasibox was caught before it could cross into C. A context that saw one
 * is poisoned: every later call on it answers this again.
 */
#define WASIBOX_ERR_PANIC -8

/**
 * `wasibox_func_lookup`: no such import in that module.
 */
#define WASIBOX_ERR_NOT_FOUND -9

/**
 * The context is in use: a call on it is running (on another thread, or a platform
 * callback re-entered the API with the same context).
 */
#define WASIBOX_ERR_BUSY -10

/**
 * The options a context is made from. Opaque: make one with `wasibox_config_new`, set
 * what you need, pass it to `wasibox_ctx_new` (which copies what it needs: the config
 * may be freed or reused afterwards), free it with `wasibox_config_free`.
 */
typedef struct wasibox_config wasibox_config;

/**
 * One guest's WASI state: descriptors, args, env, rights, limits, and the platform
 * serving it. Opaque: make one with `wasibox_ctx_new` (or `_new_custom`), use it with
 * `wasibox_call`, free it with `wasibox_ctx_free`.
 *
 * A context may move between threads, but serves one call at a time: a call made while
 * another is running on it (from another thread, or from inside a platform callback)
 * returns `WASIBOX_ERR_BUSY`.
 */
typedef struct wasibox_ctx wasibox_ctx;

/**
 * Resource limits of one guest (see `wasibox_limits_default` for the defaults).
 */
typedef struct wasibox_limits {
  /**
   * Most open descriptors (`EMFILE` beyond).
   */
  size_t max_fds;
  /**
   * Longest path in bytes (`ENAMETOOLONG` at or beyond).
   */
  size_t max_path;
  /**
   * Most symlinks followed in one path resolution (`ELOOP` beyond).
   */
  uint32_t max_symlinks;
  /**
   * Most subscriptions in one `poll_oneoff` (`EINVAL` beyond).
   */
  uint32_t max_poll_subscriptions;
} wasibox_limits;

/**
 * A buffer the platform fills (`read`, `pread`, `sock_recv`).
 */
typedef struct wasibox_iovec {
  /**
   * Start of the buffer.
   */
  uint8_t *buf;
  /**
   * Its length in bytes.
   */
  size_t len;
} wasibox_iovec;

/**
 * A buffer the platform reads (`write`, `pwrite`, `sock_send`).
 */
typedef struct wasibox_ciovec {
  /**
   * Start of the buffer.
   */
  const uint8_t *buf;
  /**
   * Its length in bytes.
   */
  size_t len;
} wasibox_ciovec;

/**
 * File attributes (`fstat`). `filetype` is a WASI filetype: 0 unknown, 1 block device,
 * 2 character device, 3 directory, 4 regular file, 5 datagram socket, 6 stream socket,
 * 7 symbolic link. Times are nanoseconds since the Unix epoch.
 */
typedef struct wasibox_filestat {
  /**
   * Device id.
   */
  uint64_t dev;
  /**
   * Inode number.
   */
  uint64_t ino;
  /**
   * WASI filetype.
   */
  uint8_t filetype;
  /**
   * Number of hard links.
   */
  uint64_t nlink;
  /**
   * Size in bytes.
   */
  uint64_t size;
  /**
   * Last access.
   */
  uint64_t atim;
  /**
   * Last data modification.
   */
  uint64_t mtim;
  /**
   * Last status change.
   */
  uint64_t ctim;
} wasibox_filestat;

/**
 * One timestamp of a `set_times` call.
 */
typedef struct wasibox_settime {
  /**
   * `WASIBOX_SETTIME_OMIT`, `_NOW` or `_AT`.
   */
  uint32_t kind;
  /**
   * With `WASIBOX_SETTIME_AT`: nanoseconds since the Unix epoch; 0 otherwise.
   */
  uint64_t ns;
} wasibox_settime;

/**
 * One directory entry, handed to a `wasibox_dirent_sink`.
 */
typedef struct wasibox_dirent {
  /**
   * The cookie that resumes listing after this entry.
   */
  uint64_t next;
  /**
   * Inode number.
   */
  uint64_t ino;
  /**
   * WASI filetype (as in `wasibox_filestat`), symlinks not followed.
   */
  uint8_t filetype;
  /**
   * The name's bytes (no NUL needed).
   */
  const char *name;
  /**
   * The name's length.
   */
  size_t name_len;
} wasibox_dirent;

/**
 * Receives the entries of a `readdir` callback, in order, `.` and `..` included. Returns
 * non-zero to get more, 0 to stop (the listing then ends: return 0 from `readdir`).
 * Valid only during the `readdir` call it was given to, with the `sink_data` given with
 * it.
 */
typedef int32_t (*wasibox_dirent_sink)(void *sink_data, const struct wasibox_dirent *entry);

/**
 * How `open_at` opens `name` (each flag 0 or 1). The final component is never
 * followed if it is a symlink (`O_NOFOLLOW`).
 */
typedef struct wasibox_open_options {
  /**
   * Open for reading (files) or listing (directories).
   */
  uint8_t read;
  /**
   * Open for writing.
   */
  uint8_t write;
  /**
   * `O_CREAT`.
   */
  uint8_t create;
  /**
   * `O_EXCL` (with `create`).
   */
  uint8_t exclusive;
  /**
   * `O_TRUNC`.
   */
  uint8_t truncate;
  /**
   * `O_DIRECTORY`: `ENOTDIR` unless `name` is a directory.
   */
  uint8_t directory;
  /**
   * WASI fdflags to open with: 1 append, 2 dsync, 4 nonblock, 8 rsync, 16 sync.
   */
  uint16_t fdflags;
} wasibox_open_options;

/**
 * One descriptor of a `poll` callback. The platform sets `ready` to 1 when the handle is
 * ready (with `nbytes` available, 0 if unknown, or the errno to report in `error`), and
 * `hangup` to 1 when the peer hung up.
 */
typedef struct wasibox_pollfd {
  /**
   * The handle to wait on.
   */
  uint64_t handle;
  /**
   * 1: wait for write readiness; 0: for read readiness.
   */
  uint8_t write;
  /**
   * Out: 1 when ready.
   */
  uint8_t ready;
  /**
   * Out: 1 when the peer hung up.
   */
  uint8_t hangup;
  /**
   * Out: the errno to report for this descriptor (with `ready`), 0 for none.
   */
  uint16_t error;
  /**
   * Out: bytes available (with `ready`), 0 when unknown.
   */
  uint64_t nbytes;
} wasibox_pollfd;

/**
 * When `poll` must return even if nothing is ready: `at` nanoseconds on `clock` (a WASI
 * clock id: 0 realtime, 1 monotonic, 2 process CPU time, 3 thread CPU time).
 */
typedef struct wasibox_deadline {
  /**
   * The clock.
   */
  uint32_t clock;
  /**
   * Absolute time on it, in nanoseconds.
   */
  uint64_t at;
} wasibox_deadline;

/**
 * An operating-system layer written in C: what `wasibox_ctx_new_custom` serves the
 * guest from. One callback per `Platform` method of the core; see that trait
 * (`core/src/platform.rs`) for the exact semantics of each, which this table mirrors.
 *
 * Rules for every callback:
 * - the first argument is `user`, as stored in this table;
 * - a return of 0 is success, anything else is the WASI errno the guest sees;
 * - every `name` is ONE path component (no `/`, never `..`, never empty; it may be `.`)
 *   as `name_len` bytes of UTF-8, not NUL-terminated: the core has already walked the
 *   path and resolved symlinks, and a callback must not follow a symlink at `name`
 *   unless it is told to;
 * - it must return normally (no `longjmp` out of it), and must not free the context;
 *   calling back into the API with the same context gives `WASIBOX_ERR_BUSY`.
 *
 * **Required** (a NULL here makes `wasibox_ctx_new_custom` fail with
 * `WASIBOX_ERR_INVALID`): `filetype`, `read`, `write`, `clock_time`, `random`.
 *
 * **Optional**, with what a NULL means:
 * - `release`, `close`: nothing to do;
 * - `open_stdio`: the guest has no fds 0-2; `open_preopen`: configuring a preopen
 *   makes `wasibox_ctx_new_custom` fail with `WASIBOX_ERR_UNSUPPORTED`;
 * - `fdflags`: no flags; `advise`, `sched_yield`: success (as the core's defaults);
 * - `allocate`: `ENOTSUP`; `sock_*`: `ENOTSOCK` (as the core's defaults);
 * - every other one: `ENOSYS`.
 */
typedef struct wasibox_platform {
  /**
   * Handed to every callback; owned by the host.
   */
  void *user;
  /**
   * Called once when the context is freed, after every handle was closed.
   */
  void (*release)(void *user);
  /**
   * Make the handle for the guest's fd `guest_fd` (0, 1 or 2) from `host_fd` (the
   * value configured with `wasibox_config_set_stdio`; fds set to -1 are not asked).
   */
  uint16_t (*open_stdio)(void *user, uint32_t guest_fd, int32_t host_fd, uint64_t *out);
  /**
   * Open a preopened directory: `path` as configured (`path_len` bytes), `readonly` 1
   * when `WASIBOX_PREOPEN_READONLY` was given.
   */
  uint16_t (*open_preopen)(void *user,
                           const char *path,
                           size_t path_len,
                           uint8_t readonly,
                           uint64_t *out);
  /**
   * The WASI filetype of `h` (required).
   */
  uint16_t (*filetype)(void *user, uint64_t h, uint8_t *out);
  /**
   * The fdflags `h` is open with.
   */
  uint16_t (*fdflags)(void *user, uint64_t h, uint16_t *out);
  /**
   * Change the fdflags of `h`.
   */
  uint16_t (*set_fdflags)(void *user, uint64_t h, uint16_t flags);
  /**
   * Release `h` (the guest's fd is gone whatever this returns).
   */
  uint16_t (*close)(void *user, uint64_t h);
  /**
   * `readv` at the current offset into `iovs[0..n]`; `*nread` = bytes read (required).
   */
  uint16_t (*read)(void *user, uint64_t h, const struct wasibox_iovec *iovs, size_t n, size_t *nread);
  /**
   * `preadv` at `offset`, the offset unchanged.
   */
  uint16_t (*pread)(void *user,
                    uint64_t h,
                    const struct wasibox_iovec *iovs,
                    size_t n,
                    uint64_t offset,
                    size_t *nread);
  /**
   * `writev` at the current offset (at the end in append mode) (required).
   */
  uint16_t (*write)(void *user,
                    uint64_t h,
                    const struct wasibox_ciovec *iovs,
                    size_t n,
                    size_t *nwritten);
  /**
   * `pwritev` at `offset`, the offset unchanged.
   */
  uint16_t (*pwrite)(void *user,
                     uint64_t h,
                     const struct wasibox_ciovec *iovs,
                     size_t n,
                     uint64_t offset,
                     size_t *nwritten);
  /**
   * `lseek`; `whence` 0 set, 1 current, 2 end (preview1 numbering, whatever the
   * guest's version); `ESPIPE` for streams.
   */
  uint16_t (*seek)(void *user, uint64_t h, int64_t offset, uint8_t whence, uint64_t *newoffset);
  /**
   * `fsync`.
   */
  uint16_t (*sync)(void *user, uint64_t h);
  /**
   * `fdatasync`.
   */
  uint16_t (*datasync)(void *user, uint64_t h);
  /**
   * `posix_fadvise`; `advice` 0 normal .. 5 noreuse.
   */
  uint16_t (*advise)(void *user, uint64_t h, uint64_t offset, uint64_t len, uint8_t advice);
  /**
   * `posix_fallocate`.
   */
  uint16_t (*allocate)(void *user, uint64_t h, uint64_t offset, uint64_t len);
  /**
   * `fstat`.
   */
  uint16_t (*filestat)(void *user, uint64_t h, struct wasibox_filestat *out);
  /**
   * `ftruncate`.
   */
  uint16_t (*set_size)(void *user, uint64_t h, uint64_t size);
  /**
   * `futimens`.
   */
  uint16_t (*set_times)(void *user,
                        uint64_t h,
                        struct wasibox_settime atim,
                        struct wasibox_settime mtim);
  /**
   * List directory `h` from `cookie` (0: the start), calling `sink(sink_data, entry)`
   * for each entry until it returns 0 or the directory ends.
   */
  uint16_t (*readdir)(void *user,
                      uint64_t h,
                      uint64_t cookie,
                      wasibox_dirent_sink sink,
                      void *sink_data);
  /**
   * `openat(dir, name, O_NOFOLLOW | ...)`.
   */
  uint16_t (*open_at)(void *user,
                      uint64_t dir,
                      const char *name,
                      size_t name_len,
                      const struct wasibox_open_options *opts,
                      uint64_t *out);
  /**
   * `fstatat`, following a symlink at `name` only if `follow` is 1.
   */
  uint16_t (*stat_at)(void *user,
                      uint64_t dir,
                      const char *name,
                      size_t name_len,
                      uint8_t follow,
                      struct wasibox_filestat *out);
  /**
   * `readlinkat`: copy at most `cap` bytes of the target to `buf` and set `*len` to the
   * target's full length (call again with a larger buffer when it is more than `cap`).
   * `EINVAL` if `name` is not a symlink.
   */
  uint16_t (*readlink_at)(void *user,
                          uint64_t dir,
                          const char *name,
                          size_t name_len,
                          char *buf,
                          size_t cap,
                          size_t *len);
  /**
   * `mkdirat`.
   */
  uint16_t (*mkdir_at)(void *user, uint64_t dir, const char *name, size_t name_len);
  /**
   * `unlinkat(AT_REMOVEDIR)`.
   */
  uint16_t (*rmdir_at)(void *user, uint64_t dir, const char *name, size_t name_len);
  /**
   * `unlinkat`.
   */
  uint16_t (*unlink_at)(void *user, uint64_t dir, const char *name, size_t name_len);
  /**
   * `renameat`.
   */
  uint16_t (*rename_at)(void *user,
                        uint64_t old_dir,
                        const char *old_name,
                        size_t old_len,
                        uint64_t new_dir,
                        const char *new_name,
                        size_t new_len);
  /**
   * `linkat` without following.
   */
  uint16_t (*link_at)(void *user,
                      uint64_t old_dir,
                      const char *old_name,
                      size_t old_len,
                      uint64_t new_dir,
                      const char *new_name,
                      size_t new_len);
  /**
   * `symlinkat(target, dir, name)`; `target` stored as given.
   */
  uint16_t (*symlink_at)(void *user,
                         const char *target,
                         size_t target_len,
                         uint64_t dir,
                         const char *name,
                         size_t name_len);
  /**
   * `utimensat`, following a symlink at `name` only if `follow` is 1.
   */
  uint16_t (*set_times_at)(void *user,
                           uint64_t dir,
                           const char *name,
                           size_t name_len,
                           struct wasibox_settime atim,
                           struct wasibox_settime mtim,
                           uint8_t follow);
  /**
   * Resolution of a clock (non-zero), in nanoseconds.
   */
  uint16_t (*clock_res)(void *user, uint32_t clock, uint64_t *out);
  /**
   * Current value of a clock, in nanoseconds (required).
   */
  uint16_t (*clock_time)(void *user, uint32_t clock, uint64_t precision, uint64_t *out);
  /**
   * Fill `buf[0..len]` with random bytes (required).
   */
  uint16_t (*random)(void *user, uint8_t *buf, size_t len);
  /**
   * Give up the CPU.
   */
  uint16_t (*sched_yield)(void *user);
  /**
   * Wait until one of `fds[0..n]` is ready or `*deadline` passes (`deadline` NULL:
   * no deadline); with `n == 0`, sleep until the deadline.
   */
  uint16_t (*poll)(void *user,
                   struct wasibox_pollfd *fds,
                   size_t n,
                   const struct wasibox_deadline *deadline);
  /**
   * Accept a connection on listening socket `h`.
   */
  uint16_t (*sock_accept)(void *user, uint64_t h, uint16_t flags, uint64_t *out);
  /**
   * Receive into `iovs[0..n]`.
   */
  uint16_t (*sock_recv)(void *user,
                        uint64_t h,
                        const struct wasibox_iovec *iovs,
                        size_t n,
                        uint16_t riflags,
                        size_t *nread,
                        uint16_t *roflags);
  /**
   * Send from `iovs[0..n]`.
   */
  uint16_t (*sock_send)(void *user,
                        uint64_t h,
                        const struct wasibox_ciovec *iovs,
                        size_t n,
                        size_t *nwritten);
  /**
   * Shut down: `how` 1 read, 2 write, 3 both.
   */
  uint16_t (*sock_shutdown)(void *user, uint64_t h, uint8_t how);
} wasibox_platform;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Run WASI function `func` (a `WASIBOX_FUNC_*` id) for the guest.
 *
 * - `args`/`nargs`: the raw wasm arguments, in order, each widened to 64 bits (an i32
 *   zero- or sign-extended, only its low 32 bits are used). `nargs` must be the
 *   function's parameter count (`wasibox_func_param_count`), else
 *   `WASIBOX_ERR_INVALID`.
 * - `mem_base`/`mem_len`: the guest's whole linear memory at this moment. Contract: the
 *   `mem_len` bytes at `mem_base` are readable and writable, and nothing else reads or
 *   writes them until this call returns (no other thread, no overlap with `args`,
 *   `exit_status` or `ctx`). `mem_base` may be NULL only when `mem_len` is 0. wasibox
 *   checks every guest pointer against `mem_len` (a bad one is `EFAULT`/`EINVAL` for
 *   the guest) and keeps no reference to the memory after returning; pass the current
 *   base and length on every call, since a memory may move when it grows.
 * - `exit_status`: where the exit code (or signal) goes when the guest ends; may be NULL.
 *
 * Returns the errno to hand back to the guest (0 or positive: the import's i32
 * result), or `WASIBOX_EXITED` (`proc_exit`: `*exit_status` = its code) or
 * `WASIBOX_SIGNALED` (`proc_raise` of a terminating signal: `*exit_status` = the
 * signal): the host must then stop running the guest (unwind out of the engine; the
 * import must not return into the guest). Negative `WASIBOX_ERR_*` for a misused API.
 * After the guest ended, every call answers the same ending again.
 *
 * # Safety
 * `ctx` null or live; `args` null (only with `nargs == 0`) or readable for `nargs`
 * values and 8-byte aligned; the memory contract above; `exit_status` null or writable.
 */
int32_t wasibox_call(struct wasibox_ctx *ctx,
                     uint32_t func,
                     const uint64_t *args,
                     size_t nargs,
                     uint8_t *mem_base,
                     size_t mem_len,
                     uint32_t *exit_status);

/**
 * The id of the import `name` of module `module` (`"wasi_snapshot_preview1"` or
 * `"wasi_unstable"`), both `len` bytes of UTF-8, or `WASIBOX_ERR_NOT_FOUND` (also for
 * `sock_accept` in `wasi_unstable`, which has none).
 *
 * # Safety
 * Each pointer is null (only with a zero length) or readable for its length.
 */
int32_t wasibox_func_lookup(const char *module,
                            size_t module_len,
                            const char *name,
                            size_t name_len);

/**
 * How many functions there are (46; ids are 0 to this minus one).
 */
uint32_t wasibox_func_count(void);

/**
 * The number of (wasm) parameters of function `func`, or `WASIBOX_ERR_INVALID`.
 */
int32_t wasibox_func_param_count(uint32_t func);

/**
 * The import name of function `func` (`"fd_write"`), a static NUL-terminated string, or
 * NULL for an unknown id.
 */
const char *wasibox_func_name(uint32_t func);

/**
 * A new configuration: posix backend (mem where there is no POSIX), preview1, no args,
 * no env, no preopens, stdio on the host's descriptors 0, 1 and 2, compat rights,
 * default limits. Free it with `wasibox_config_free`. Null only if memory ran out.
 */
struct wasibox_config *wasibox_config_new(void);

/**
 * Free a configuration (null is allowed and does nothing). Contexts made from it are
 * not affected.
 *
 * # Safety
 * `cfg` is null or came from `wasibox_config_new` and was not freed before.
 */
void wasibox_config_free(struct wasibox_config *cfg);

/**
 * Choose the backend: `WASIBOX_BACKEND_POSIX` or `WASIBOX_BACKEND_MEM`
 * (`WASIBOX_ERR_UNSUPPORTED` for posix on a host without it, `WASIBOX_ERR_INVALID` for
 * anything else). Ignored by `wasibox_ctx_new_custom`.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile.
 */
int32_t wasibox_config_set_backend(struct wasibox_config *cfg, uint32_t backend);

/**
 * Choose the WASI version the guest imports: `WASIBOX_VERSION_PREVIEW1` (default) or
 * `WASIBOX_VERSION_UNSTABLE`. Every `wasibox_call` on the context decodes its
 * arguments with that version's ABI.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile.
 */
int32_t wasibox_config_set_version(struct wasibox_config *cfg, uint32_t version);

/**
 * Append one argument (the first one is the program name, `argv[0]`): `len` bytes at
 * `arg`, no NUL among them (`WASIBOX_ERR_INVALID`). Any bytes otherwise, as on POSIX.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile; `arg` is null
 * (only with `len == 0`) or points to `len` readable bytes.
 */
int32_t wasibox_config_push_arg(struct wasibox_config *cfg, const char *arg, size_t len);

/**
 * Add the environment variable `key=value` (the guest inherits nothing else). The key
 * must be non-empty without `=` or NUL, the value without NUL (`WASIBOX_ERR_INVALID`).
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile; each of
 * `key`/`value` is null (only with a zero length) or points to that many readable bytes.
 */
int32_t wasibox_config_push_env(struct wasibox_config *cfg,
                                const char *key,
                                size_t key_len,
                                const char *value,
                                size_t value_len);

/**
 * Preopen a directory: the guest sees it at `guest_path` (UTF-8), as fd 3, 4, ... in
 * the order of these calls. `host_path` is the host directory (posix: opened when the
 * context is made; mem: its tree is copied in then; custom platform: handed to its
 * `open_preopen`). `flags`: 0 or `WASIBOX_PREOPEN_READONLY`.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile; each path
 * pointer is null (only with a zero length) or points to that many readable bytes.
 */
int32_t wasibox_config_preopen(struct wasibox_config *cfg,
                               const char *guest_path,
                               size_t guest_len,
                               const char *host_path,
                               size_t host_len,
                               uint32_t flags);

/**
 * The host descriptors that become the guest's fds 0, 1 and 2 (posix backend: each is
 * duplicated when the context is made, the host keeps its own; custom platform: handed
 * to its `open_stdio`). -1 leaves that guest fd closed; other negatives are
 * `WASIBOX_ERR_INVALID`. Default: 0, 1, 2. The mem backend ignores this.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile. The descriptors
 * must be open when `wasibox_ctx_new` runs.
 */
int32_t wasibox_config_set_stdio(struct wasibox_config *cfg,
                                 int32_t stdin_fd,
                                 int32_t stdout_fd,
                                 int32_t stderr_fd);

/**
 * Mem backend: what the guest's stdin holds (then end of file). Default: nothing.
 * Setting it for the posix backend is `WASIBOX_ERR_UNSUPPORTED` at `wasibox_ctx_new`.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile; `data` is null
 * (only with `len == 0`) or points to `len` readable bytes.
 */
int32_t wasibox_config_set_stdin_bytes(struct wasibox_config *cfg, const uint8_t *data, size_t len);

/**
 * Mem backend: the seed of the random source (same seed, same bytes).
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile.
 */
int32_t wasibox_config_set_seed(struct wasibox_config *cfg, uint64_t seed);

/**
 * The rights policy: `WASIBOX_RIGHTS_COMPAT` (default) or `WASIBOX_RIGHTS_ENFORCE`.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile.
 */
int32_t wasibox_config_set_rights_policy(struct wasibox_config *cfg, uint32_t policy);

/**
 * Fill `*out` with the default limits (to change some and pass to
 * `wasibox_config_set_limits`).
 *
 * # Safety
 * `out` is null (`WASIBOX_ERR_NULL`) or points to a writable `wasibox_limits`.
 */
int32_t wasibox_limits_default(struct wasibox_limits *out);

/**
 * Set the resource limits (copied). `max_fds` must be at least 3 and `max_path` at
 * least 1 (`WASIBOX_ERR_INVALID`).
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile; `limits` is null
 * or points to a readable `wasibox_limits`.
 */
int32_t wasibox_config_set_limits(struct wasibox_config *cfg, const struct wasibox_limits *limits);

/**
 * Mem backend: the capacity of the in-memory filesystem (`ENOSPC` beyond): bytes of
 * file data and number of inodes. Default: 1 GiB and one million.
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile.
 */
int32_t wasibox_config_set_mem_limits(struct wasibox_config *cfg,
                                      uint64_t max_bytes,
                                      uint64_t max_inodes);

/**
 * Make a context from `cfg` over the backend it names, and store it in `*out` (left
 * untouched on failure). Host resources are acquired now: stdio descriptors duplicated,
 * preopened directories opened (posix) or copied into memory (mem).
 *
 * # Safety
 * `cfg` is null or a live config not used on another thread meanwhile; `out` is null or
 * writable.
 */
int32_t wasibox_ctx_new(const struct wasibox_config *cfg, struct wasibox_ctx **out);

/**
 * Make a context served by the host's own platform `platform` (copied; its `user`
 * pointer must stay valid until the context's `release` callback, or until
 * `wasibox_ctx_free` returns when there is none). The config's backend and mem options
 * are ignored; stdio and preopens go through `open_stdio` and `open_preopen`. If this
 * fails (for any reason but a NULL `platform`), the handles already opened are closed
 * and `release` is called before it returns.
 *
 * # Safety
 * `cfg` as for `wasibox_ctx_new`; `platform` is null or points to a readable table
 * whose callbacks follow the rules documented on `wasibox_platform`.
 */
int32_t wasibox_ctx_new_custom(const struct wasibox_config *cfg,
                               const struct wasibox_platform *platform,
                               struct wasibox_ctx **out);

/**
 * Free a context: every descriptor the guest still holds is closed (for a custom
 * platform through `close`, then `release` is called). Null does nothing; so does a
 * context that is in a call (it is leaked rather than freed under the caller).
 *
 * # Safety
 * `ctx` is null or came from `wasibox_ctx_new*` and was not freed before; no other
 * thread uses it meanwhile.
 */
void wasibox_ctx_free(struct wasibox_ctx *ctx);

/**
 * Mem backend: copy out what the guest wrote to stdout (`fd` 1) or stderr (`fd` 2) and
 * has not been taken yet, at most `cap` bytes into `buf`; `*len` = bytes copied. With
 * `cap == 0`, nothing is copied and `*len` = bytes waiting. Other backends:
 * `WASIBOX_ERR_UNSUPPORTED` (their output goes to the host's descriptors).
 *
 * # Safety
 * `ctx` null or live; `buf` null (only with `cap == 0`) or writable for `cap` bytes;
 * `len` null or writable.
 */
int32_t wasibox_ctx_take_output(struct wasibox_ctx *ctx,
                                uint32_t fd,
                                uint8_t *buf,
                                size_t cap,
                                size_t *len);

/**
 * The message of the last failing call made on this thread (an empty string if none).
 *
 * The pointer stays valid until the next failing call on the same thread; copy the
 * text to keep it. Never null.
 */
const char *wasibox_last_error(void);

/**
 * The name of a status code (`"WASIBOX_ERR_NULL"`), or `"WASIBOX_ERRNO"` for a
 * non-negative value (an errno of `wasibox_call`). A static string, never null.
 */
const char *wasibox_status_name(int32_t status);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* WASIBOX_H */
