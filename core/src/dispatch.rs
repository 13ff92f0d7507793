//! Function ids, signatures and raw-argument decoding: the import table of both WASI
//! versions, and [`call`], which runs any function from raw wasm arguments. Engines
//! register one host function per entry of [`wasi_functions!`](crate::wasi_functions) and route it here.

use crate::abi::{Errno, Version};
use crate::ctx::{Exit, WasiCtx};
use crate::memory::GuestMemory;
use crate::platform::Platform;

/// Invoke `$callback!` with the whole WASI function table, one entry per function:
/// `name Variant availability ret (param: type, ...);` where availability is `both` or
/// `preview1` and `ret` is `errno` (returns an i32 errno) or `none` (`proc_exit`).
/// Types are `u32` (wasm i32) or `u64` (wasm i64).
#[macro_export]
macro_rules! wasi_functions {
    ($callback:ident ! ( $($extra:tt)* )) => {
        $callback! { ($($extra)*)
            args_get ArgsGet both errno (argv: u32, argv_buf: u32);
            args_sizes_get ArgsSizesGet both errno (argc: u32, argv_buf_size: u32);
            environ_get EnvironGet both errno (environ: u32, environ_buf: u32);
            environ_sizes_get EnvironSizesGet both errno (count: u32, buf_size: u32);
            clock_res_get ClockResGet both errno (id: u32, resolution: u32);
            clock_time_get ClockTimeGet both errno (id: u32, precision: u64, time: u32);
            fd_advise FdAdvise both errno (fd: u32, offset: u64, len: u64, advice: u32);
            fd_allocate FdAllocate both errno (fd: u32, offset: u64, len: u64);
            fd_close FdClose both errno (fd: u32);
            fd_datasync FdDatasync both errno (fd: u32);
            fd_fdstat_get FdFdstatGet both errno (fd: u32, stat: u32);
            fd_fdstat_set_flags FdFdstatSetFlags both errno (fd: u32, flags: u32);
            fd_fdstat_set_rights FdFdstatSetRights both errno (fd: u32, base: u64, inheriting: u64);
            fd_filestat_get FdFilestatGet both errno (fd: u32, buf: u32);
            fd_filestat_set_size FdFilestatSetSize both errno (fd: u32, size: u64);
            fd_filestat_set_times FdFilestatSetTimes both errno (fd: u32, atim: u64, mtim: u64, fst_flags: u32);
            fd_pread FdPread both errno (fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
            fd_prestat_get FdPrestatGet both errno (fd: u32, buf: u32);
            fd_prestat_dir_name FdPrestatDirName both errno (fd: u32, path: u32, path_len: u32);
            fd_pwrite FdPwrite both errno (fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
            fd_read FdRead both errno (fd: u32, iovs: u32, iovs_len: u32, nread: u32);
            fd_readdir FdReaddir both errno (fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
            fd_renumber FdRenumber both errno (fd: u32, to: u32);
            fd_seek FdSeek both errno (fd: u32, offset: u64, whence: u32, newoffset: u32);
            fd_sync FdSync both errno (fd: u32);
            fd_tell FdTell both errno (fd: u32, offset: u32);
            fd_write FdWrite both errno (fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
            path_create_directory PathCreateDirectory both errno (fd: u32, path: u32, path_len: u32);
            path_filestat_get PathFilestatGet both errno (fd: u32, flags: u32, path: u32, path_len: u32, buf: u32);
            path_filestat_set_times PathFilestatSetTimes both errno (fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32);
            path_link PathLink both errno (old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32);
            path_open PathOpen both errno (fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, opened_fd: u32);
            path_readlink PathReadlink both errno (fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
            path_remove_directory PathRemoveDirectory both errno (fd: u32, path: u32, path_len: u32);
            path_rename PathRename both errno (fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32);
            path_symlink PathSymlink both errno (old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32);
            path_unlink_file PathUnlinkFile both errno (fd: u32, path: u32, path_len: u32);
            poll_oneoff PollOneoff both errno (subs: u32, events: u32, nsubscriptions: u32, nevents: u32);
            proc_exit ProcExit both none (code: u32);
            proc_raise ProcRaise both errno (sig: u32);
            sched_yield SchedYield both errno ();
            random_get RandomGet both errno (buf: u32, buf_len: u32);
            sock_accept SockAccept preview1 errno (fd: u32, flags: u32, opened_fd: u32);
            sock_recv SockRecv both errno (fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32);
            sock_send SockSend both errno (fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32);
            sock_shutdown SockShutdown both errno (fd: u32, how: u32);
        }
    };
}

/// Whether a function with availability `$avail` exists in `version`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wasi_available {
    (both, $v:expr) => {
        true
    };
    (preview1, $v:expr) => {
        matches!($v, $crate::abi::Version::Preview1)
    };
}

/// The wasm value type of a parameter type in [`wasi_functions!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __wasi_valtype {
    (u32) => {
        $crate::dispatch::ValType::I32
    };
    (u64) => {
        $crate::dispatch::ValType::I64
    };
}

/// A wasm value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    /// `i32`
    I32,
    /// `i64`
    I64,
}

macro_rules! define_func {
    (() $($name:ident $variant:ident $avail:ident $ret:ident ($($p:ident : $t:ident),*);)*) => {
        /// A WASI function.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Func {
            $(#[doc = concat!("`", stringify!($name), "`")] $variant,)*
        }

        impl Func {
            /// Every function, in the order of the preview1 witx.
            pub const ALL: &'static [Func] = &[$(Func::$variant),*];

            /// The import name.
            pub const fn name(self) -> &'static str {
                match self { $(Func::$variant => stringify!($name),)* }
            }

            /// The function whose import name is `name`.
            pub fn from_name(name: &str) -> Option<Func> {
                match name { $(stringify!($name) => Some(Func::$variant),)* _ => None }
            }

            /// Parameter types.
            pub const fn params(self) -> &'static [ValType] {
                match self { $(Func::$variant => &[$($crate::__wasi_valtype!($t)),*],)* }
            }

            /// Result types (`[I32]`, the errno, for all but `proc_exit`).
            pub const fn results(self) -> &'static [ValType] {
                match self { $(Func::$variant => define_func!(@ret $ret),)* }
            }

            /// Parameter names, as the witx names them.
            pub const fn param_names(self) -> &'static [&'static str] {
                match self { $(Func::$variant => &[$(stringify!($p)),*],)* }
            }

            /// Whether `version` has this function.
            pub fn available_in(self, version: Version) -> bool {
                match self { $(Func::$variant => $crate::__wasi_available!($avail, version),)* }
            }
        }

        /// Run `func` from raw wasm arguments (`args.len() == func.params().len()`; i32s
        /// zero-extended). Returns the errno to hand back to the guest, or how the guest
        /// exited. `ENOSYS` if `func` is not in `version` or the argument count is wrong.
        ///
        /// Always inlined: each engine import calls it with a constant `func`, so the
        /// match folds to that one function and the arguments stay in registers. With no
        /// tracer installed, tracing costs this one test; a traced call takes the cold
        /// path in [`crate::trace`].
        #[inline(always)]
        pub fn call<P: Platform, M: GuestMemory + ?Sized>(
            ctx: &mut WasiCtx<P>,
            mem: &mut M,
            version: Version,
            func: Func,
            args: &[u64],
        ) -> core::result::Result<Errno, Exit> {
            if !func.available_in(version) || args.len() != func.params().len() {
                return Ok(Errno::NOSYS);
            }
            if ctx.tracer.is_some() {
                return crate::trace::traced_call(ctx, mem, version, func, args);
            }
            let errno = run(ctx, mem, version, func, args);
            match ctx.exit {
                Some(exit) => Err(exit),
                None => Ok(errno),
            }
        }

        /// Run `func` (already checked against `version` and the argument count) and
        /// return its errno; how the guest exited, if it did, is left in `ctx.exit`.
        #[inline(always)]
        pub(crate) fn run<P: Platform, M: GuestMemory + ?Sized>(
            ctx: &mut WasiCtx<P>,
            mem: &mut M,
            version: Version,
            func: Func,
            args: &[u64],
        ) -> Errno {
            let result = match func {
                $(Func::$variant => {
                    let mut _it = args.iter().copied();
                    $(let $p = define_func!(@arg $t, _it.next().unwrap_or(0));)*
                    ctx.$name(mem, version, $($p),*)
                })*
            };
            // A platform may end the guest (a replay that diverged): only when the call
            // did not already end it.
            if ctx.exit.is_none() {
                ctx.exit = ctx.platform.exit_requested();
            }
            match result {
                Ok(()) => Errno::SUCCESS,
                Err(e) => e,
            }
        }
    };
    (@ret errno) => { &[ValType::I32] };
    (@ret none) => { &[] };
    (@arg u32, $e:expr) => { $e as u32 };
    (@arg u64, $e:expr) => { $e };
}

wasi_functions!(define_func!());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_46_and_45_functions() {
        assert_eq!(Func::ALL.len(), 46);
        assert_eq!(Func::ALL.iter().filter(|f| f.available_in(Version::Unstable)).count(), 45);
        assert_eq!(Func::from_name("fd_write"), Some(Func::FdWrite));
        assert_eq!(Func::ProcExit.results(), &[] as &[ValType]);
        assert_eq!(Func::PathOpen.params().len(), 9);
    }
}
