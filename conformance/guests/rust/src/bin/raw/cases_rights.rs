//! One missing right at a time: under the compat policy only the open mode counts, so
//! the call works; under the enforce policy it is ENOTCAPABLE. Each case has both
//! variants (`<name>` and `<name>_enforce`).

use crate::{Case, Opts, D};
use wasibox_guests::*;

/// Open `dir` (inside the base fixture) with every right it can have except `right`.
fn dir_without(right: u64) -> u32 {
    must(
        "open dir without the right",
        path_open(D, LOOKUP_SYMLINK_FOLLOW, "dir", OFLAGS_DIRECTORY, masked(D, RIGHTS_RO) & !right, masked(D, RIGHTS_ALL), 0),
    )
}

/// Open `dir/a.txt` read-write with every right but `right`.
fn file_without(right: u64) -> u32 {
    must(
        "open dir/a.txt without the right",
        path_open(D, LOOKUP_SYMLINK_FOLLOW, "dir/a.txt", 0, masked(D, RIGHTS_ALL) & !right, 0, 0),
    )
}

fn expect(o: &Opts, label: &str, got: i32) {
    ck(label, got, if o.enforce { ENOTCAPABLE } else { 0 });
}

macro_rules! rights_cases {
    ($( $name:ident, $enforce:ident, $funcs:literal, |$o:ident| $body:block );* $(;)?) => {
        $(
            fn $name($o: &Opts) $body
            fn $enforce(o: &Opts) { $name(o) }
        )*
        pub fn cases() -> Vec<Case> {
            vec![$(
                Case { name: stringify!($name), area: "rights", funcs: $funcs, dirs: "base", f: $name },
                Case { name: stringify!($enforce), area: "rights", funcs: $funcs, dirs: "base", f: $enforce },
            )*]
        }
    };
}

rights_cases! {
    right_path_create_file, right_path_create_file_enforce, "path_open", |o| {
        let d = dir_without(RIGHT_PATH_CREATE_FILE);
        expect(o, "path_open(CREAT) without PATH_CREATE_FILE",
            err_of(&path_open(d, 0, "new.txt", OFLAGS_CREAT, masked(d, RIGHTS_ALL), 0, 0)));
    };
    right_path_open, right_path_open_enforce, "path_open", |o| {
        let d = dir_without(RIGHT_PATH_OPEN);
        expect(o, "path_open without PATH_OPEN", err_of(&path_open(d, 0, "a.txt", 0, RIGHT_FD_READ, 0, 0)));
    };
    right_path_create_directory, right_path_create_directory_enforce, "path_create_directory", |o| {
        let d = dir_without(RIGHT_PATH_CREATE_DIRECTORY);
        expect(o, "path_create_directory without the right", err_of(&mkdir(d, "nd")));
    };
    right_fd_readdir, right_fd_readdir_enforce, "fd_readdir", |o| {
        let d = dir_without(RIGHT_FD_READDIR);
        expect(o, "fd_readdir without FD_READDIR", err_of(&readdir_raw(d, 256, 0)));
    };
    right_path_filestat_get, right_path_filestat_get_enforce, "path_filestat_get", |o| {
        let d = dir_without(RIGHT_PATH_FILESTAT_GET);
        expect(o, "path_filestat_get without the right", err_of(&stat(d, "a.txt")));
    };
    right_path_filestat_set_times, right_path_filestat_set_times_enforce, "path_filestat_set_times", |o| {
        let d = dir_without(RIGHT_PATH_FILESTAT_SET_TIMES);
        expect(o, "path_filestat_set_times without the right",
            err_of(&path_set_times(d, 0, "a.txt", 5_000_000_000, 5_000_000_000, FSTFLAGS_ATIM | FSTFLAGS_MTIM)));
    };
    right_path_unlink_file, right_path_unlink_file_enforce, "path_unlink_file", |o| {
        let d = dir_without(RIGHT_PATH_UNLINK_FILE);
        expect(o, "path_unlink_file without the right", err_of(&unlink(d, "a.txt")));
    };
    right_path_remove_directory, right_path_remove_directory_enforce, "path_remove_directory", |o| {
        must("mkdir", mkdir(D, "dir/empty"));
        let d = dir_without(RIGHT_PATH_REMOVE_DIRECTORY);
        expect(o, "path_remove_directory without the right", err_of(&rmdir(d, "empty")));
    };
    right_path_rename_source, right_path_rename_source_enforce, "path_rename", |o| {
        let d = dir_without(RIGHT_PATH_RENAME_SOURCE);
        expect(o, "path_rename without PATH_RENAME_SOURCE", err_of(&rename(d, "a.txt", D, "moved.txt")));
    };
    right_path_rename_target, right_path_rename_target_enforce, "path_rename", |o| {
        let d = dir_without(RIGHT_PATH_RENAME_TARGET);
        expect(o, "path_rename without PATH_RENAME_TARGET", err_of(&rename(D, "file.txt", d, "moved.txt")));
    };
    right_path_link_source, right_path_link_source_enforce, "path_link", |o| {
        let d = dir_without(RIGHT_PATH_LINK_SOURCE);
        expect(o, "path_link without PATH_LINK_SOURCE", err_of(&link(d, 0, "a.txt", D, "hard")));
    };
    right_path_link_target, right_path_link_target_enforce, "path_link", |o| {
        let d = dir_without(RIGHT_PATH_LINK_TARGET);
        expect(o, "path_link without PATH_LINK_TARGET", err_of(&link(D, 0, "file.txt", d, "hard")));
    };
    right_path_symlink, right_path_symlink_enforce, "path_symlink", |o| {
        let d = dir_without(RIGHT_PATH_SYMLINK);
        expect(o, "path_symlink without the right", err_of(&symlink("a.txt", d, "s")));
    };
    right_path_readlink, right_path_readlink_enforce, "path_readlink", |o| {
        must("symlink", symlink("a.txt", D, "dir/s"));
        let d = dir_without(RIGHT_PATH_READLINK);
        expect(o, "path_readlink without the right", err_of(&readlink(d, "s", 64)));
    };
    right_fd_seek, right_fd_seek_enforce, "fd_seek", |o| {
        let f = file_without(RIGHT_FD_SEEK | RIGHT_FD_TELL);
        expect(o, "fd_seek without FD_SEEK", err_of(&seek(f, 0, WHENCE_SET)));
    };
    right_fd_tell, right_fd_tell_enforce, "fd_tell", |o| {
        let f = file_without(RIGHT_FD_TELL);
        expect(o, "fd_tell without FD_TELL", err_of(&tell(f)));
    };
    right_fd_filestat_get, right_fd_filestat_get_enforce, "fd_filestat_get", |o| {
        let f = file_without(RIGHT_FD_FILESTAT_GET);
        expect(o, "fd_filestat_get without the right", err_of(&filestat(f)));
    };
    right_fd_filestat_set_times, right_fd_filestat_set_times_enforce, "fd_filestat_set_times", |o| {
        let f = file_without(RIGHT_FD_FILESTAT_SET_TIMES);
        expect(o, "fd_filestat_set_times without the right",
            err_of(&set_times(f, 5_000_000_000, 5_000_000_000, FSTFLAGS_ATIM | FSTFLAGS_MTIM)));
    };
    right_fd_advise, right_fd_advise_enforce, "fd_advise", |o| {
        let f = file_without(RIGHT_FD_ADVISE);
        expect(o, "fd_advise without the right", unsafe { fd_advise(f, 0, 0, 0) });
    };
    right_fd_sync, right_fd_sync_enforce, "fd_sync fd_datasync", |o| {
        let f = file_without(RIGHT_FD_SYNC | RIGHT_FD_DATASYNC);
        expect(o, "fd_sync without FD_SYNC", unsafe { fd_sync(f) });
    };
    right_fd_fdstat_set_flags, right_fd_fdstat_set_flags_enforce, "fd_fdstat_set_flags", |o| {
        let f = file_without(RIGHT_FD_FDSTAT_SET_FLAGS);
        expect(o, "fd_fdstat_set_flags without the right", unsafe { fd_fdstat_set_flags(f, FDFLAGS_APPEND) });
    };
    right_poll_fd_readwrite, right_poll_fd_readwrite_enforce, "poll_oneoff", |o| {
        let f = file_without(RIGHT_POLL_FD_READWRITE);
        let mut sub = Aligned::<48>::new();
        sub.set_u64(0, 7);
        sub.set_u8(8, EVENTTYPE_FD_READ);
        sub.set_u32(16, f);
        let mut ev = Aligned::<32>::new();
        let mut n = 0u32;
        ck("poll_oneoff", unsafe { poll_oneoff(sub.p(), ev.p(), 1, mptr(&mut n)) }, 0);
        expect(o, "event error without POLL_FD_READWRITE", ev.u16(8) as i32);
    };
}
