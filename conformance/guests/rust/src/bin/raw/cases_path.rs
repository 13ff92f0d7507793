//! path_* calls, symlinks, sandboxing, trailing slashes, readdir.

use crate::{case, Case, Opts, D, D2};
use wasibox_guests::*;

pub fn cases() -> Vec<Case> {
    vec![
        // path_open
        case!(open_existing, "path_open", "path_open", "base"),
        case!(open_missing, "path_open", "path_open", "base"),
        case!(open_creat, "path_open", "path_open", "base"),
        case!(open_creat_existing, "path_open", "path_open", "base"),
        case!(open_creat_excl, "path_open", "path_open", "base"),
        case!(open_excl_without_creat, "path_open", "path_open", "base"),
        case!(open_trunc, "path_open", "path_open", "base"),
        case!(open_creat_trunc_excl_new, "path_open", "path_open", "base"),
        case!(open_directory_flag_on_file, "path_open", "path_open", "base"),
        case!(open_directory_flag_on_dir, "path_open", "path_open", "base"),
        case!(open_creat_directory, "path_open", "path_open", "base"),
        case!(open_dir_for_write, "path_open", "path_open", "base"),
        case!(open_dir_trunc, "path_open", "path_open", "base"),
        case!(open_dot, "path_open", "path_open", "base"),
        case!(open_empty_path, "path_open", "path_open", "base"),
        case!(open_dotdot_inside, "path_open", "path_open", "base"),
        case!(open_dotdot_escape, "sandbox", "path_open", "base"),
        case!(open_dotdot_escape_deep, "sandbox", "path_open", "base"),
        case!(open_absolute, "sandbox", "path_open", "base"),
        case!(open_through_file, "path_open", "path_open", "base"),
        case!(open_trailing_slash_file, "trailing_slash", "path_open", "base"),
        case!(open_trailing_slash_dir, "trailing_slash", "path_open", "base"),
        case!(open_trailing_slash_creat, "trailing_slash", "path_open", "base"),
        case!(open_double_slash, "path_open", "path_open", "base"),
        case!(open_relative_to_file, "path_open", "path_open", "base"),
        case!(open_badf, "path_open", "path_open", ""),
        case!(open_name_too_long, "path_open", "path_open", "base"),
        case!(open_long_path_ok, "path_open", "path_open path_create_directory", "base"),
        case!(open_nul_in_path, "path_open", "path_open", "base"),
        case!(open_invalid_utf8, "path_open", "path_open", "base"),
        case!(open_fdflags_recorded, "path_open", "path_open fd_fdstat_get", "base"),
        case!(open_inherit_rights, "rights", "path_open fd_fdstat_get", "base"),
        case!(open_rights_beyond_inheriting_enforce, "rights", "path_open fd_fdstat_set_rights", "base"),
        case!(open_dir_empty_rights, "rights", "path_open fd_readdir path_filestat_get", "base"),
        case!(open_file_empty_rights, "rights", "path_open fd_read", "base"),
        case!(open_file_empty_rights_enforce, "rights", "path_open fd_read", "base"),
        // symlinks through path_open
        case!(symlink_open_follow, "symlink", "path_open", "base"),
        case!(symlink_open_nofollow, "symlink", "path_open", "base"),
        case!(symlink_open_nofollow_directory, "symlink", "path_open", "base"),
        case!(symlink_open_dir_link, "symlink", "path_open", "base"),
        case!(symlink_open_dangling, "symlink", "path_open", "base"),
        case!(symlink_open_dangling_creat, "symlink", "path_open", "base"),
        case!(symlink_open_dangling_creat_excl, "symlink", "path_open", "base"),
        case!(symlink_open_loop, "symlink", "path_open", "base"),
        case!(symlink_open_self_loop, "symlink", "path_open path_symlink", "base"),
        case!(symlink_chain_39, "symlink", "path_open path_symlink", "base"),
        case!(symlink_chain_41, "symlink", "path_open path_symlink", "base"),
        case!(symlink_absolute_target, "symlink", "path_open path_filestat_get", "base"),
        case!(symlink_escape_target, "sandbox", "path_open path_filestat_get", "base"),
        case!(symlink_escape_via_dotdot_chain, "sandbox", "path_open path_symlink", "base"),
        case!(symlink_in_middle, "symlink", "path_open path_filestat_get", "base"),
        case!(symlink_dotdot_inside, "symlink", "path_open path_symlink", "base"),
        case!(symlink_trailing_slash, "trailing_slash", "path_open path_filestat_get", "base"),
        // path_symlink / path_readlink
        case!(path_symlink_basic, "symlink", "path_symlink path_readlink path_filestat_get", "base"),
        case!(path_symlink_existing, "symlink", "path_symlink", "base"),
        case!(path_symlink_dangling_ok, "symlink", "path_symlink", "base"),
        case!(path_symlink_absolute_target, "symlink", "path_symlink path_readlink", "base"),
        case!(path_symlink_empty_target, "symlink", "path_symlink", "base"),
        case!(path_symlink_trailing_slash, "trailing_slash", "path_symlink", "base"),
        case!(path_symlink_missing_parent, "symlink", "path_symlink", "base"),
        case!(path_symlink_escape_linkpath, "sandbox", "path_symlink", "base"),
        case!(path_readlink_basic, "symlink", "path_readlink", "base"),
        case!(path_readlink_truncate, "symlink", "path_readlink", "base"),
        case!(path_readlink_zero_buffer, "symlink", "path_readlink", "base"),
        case!(path_readlink_not_link, "symlink", "path_readlink", "base"),
        case!(path_readlink_missing, "symlink", "path_readlink", "base"),
        case!(path_readlink_trailing_slash, "trailing_slash", "path_readlink", "base"),
        case!(path_readlink_through_link_dir, "symlink", "path_readlink", "base"),
        // path_filestat_get / set_times
        case!(path_filestat_file, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_dir, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_symlink_follow, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_dangling, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_loop, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_missing, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_trailing_slash, "trailing_slash", "path_filestat_get", "base"),
        case!(path_filestat_dot, "path_filestat", "path_filestat_get", "base"),
        case!(path_filestat_absolute, "sandbox", "path_filestat_get", "base"),
        case!(path_filestat_escape, "sandbox", "path_filestat_get", "base"),
        case!(path_filestat_badf, "path_filestat", "path_filestat_get", ""),
        case!(path_filestat_not_dir_fd, "path_filestat", "path_filestat_get", "base"),
        case!(path_set_times_explicit, "path_filestat", "path_filestat_set_times path_filestat_get", "base"),
        case!(path_set_times_now, "path_filestat", "path_filestat_set_times", "base"),
        case!(path_set_times_invalid, "path_filestat", "path_filestat_set_times", "base"),
        case!(path_set_times_follow, "path_filestat", "path_filestat_set_times", "base"),
        case!(path_set_times_nofollow, "path_filestat", "path_filestat_set_times", "base"),
        case!(path_set_times_missing, "path_filestat", "path_filestat_set_times", "base"),
        case!(path_set_times_trailing_slash, "trailing_slash", "path_filestat_set_times", "base"),
        // path_create_directory
        case!(mkdir_basic, "mkdir", "path_create_directory", "base"),
        case!(mkdir_existing, "mkdir", "path_create_directory", "base"),
        case!(mkdir_over_file, "mkdir", "path_create_directory", "base"),
        case!(mkdir_missing_parent, "mkdir", "path_create_directory", "base"),
        case!(mkdir_through_file, "mkdir", "path_create_directory", "base"),
        case!(mkdir_trailing_slash, "trailing_slash", "path_create_directory", "base"),
        case!(mkdir_dot, "mkdir", "path_create_directory", "base"),
        case!(mkdir_dangling_symlink, "mkdir", "path_create_directory", "base"),
        case!(mkdir_escape, "sandbox", "path_create_directory", "base"),
        case!(mkdir_absolute, "sandbox", "path_create_directory", "base"),
        case!(mkdir_nested_dotdot, "mkdir", "path_create_directory", "base"),
        case!(mkdir_empty_path, "mkdir", "path_create_directory", "base"),
        // path_remove_directory
        case!(rmdir_basic, "rmdir", "path_remove_directory", "base"),
        case!(rmdir_not_empty, "rmdir", "path_remove_directory", "base"),
        case!(rmdir_file, "rmdir", "path_remove_directory", "base"),
        case!(rmdir_missing, "rmdir", "path_remove_directory", "base"),
        case!(rmdir_dot, "rmdir", "path_remove_directory", "base"),
        case!(rmdir_symlink_to_dir, "rmdir", "path_remove_directory", "base"),
        case!(rmdir_trailing_slash, "trailing_slash", "path_remove_directory", "base"),
        case!(rmdir_escape, "sandbox", "path_remove_directory", "base"),
        case!(rmdir_open_dir, "rmdir", "path_remove_directory fd_readdir", "base"),
        // path_unlink_file
        case!(unlink_basic, "unlink", "path_unlink_file", "base"),
        case!(unlink_dir, "unlink", "path_unlink_file", "base"),
        case!(unlink_missing, "unlink", "path_unlink_file", "base"),
        case!(unlink_symlink, "unlink", "path_unlink_file", "base"),
        case!(unlink_dangling_symlink, "unlink", "path_unlink_file", "base"),
        case!(unlink_symlink_to_dir, "unlink", "path_unlink_file", "base"),
        case!(unlink_trailing_slash, "trailing_slash", "path_unlink_file", "base"),
        case!(unlink_open_file, "unlink", "path_unlink_file fd_read fd_filestat_get", "base"),
        case!(unlink_escape, "sandbox", "path_unlink_file", "base"),
        case!(unlink_hardlink, "unlink", "path_unlink_file path_link", "base"),
        // path_rename
        case!(rename_file, "rename", "path_rename", "base"),
        case!(rename_file_over_file, "rename", "path_rename", "base"),
        case!(rename_dir, "rename", "path_rename", "base"),
        case!(rename_dir_over_empty_dir, "rename", "path_rename", "base"),
        case!(rename_dir_over_nonempty_dir, "rename", "path_rename", "base"),
        case!(rename_file_over_dir, "rename", "path_rename", "base"),
        case!(rename_dir_over_file, "rename", "path_rename", "base"),
        case!(rename_missing, "rename", "path_rename", "base"),
        case!(rename_into_own_subdir, "rename", "path_rename", "base"),
        case!(rename_same, "rename", "path_rename", "base"),
        case!(rename_hardlinks_same_inode, "rename", "path_rename path_link", "base"),
        case!(rename_symlink, "rename", "path_rename", "base"),
        case!(rename_across_preopens, "rename", "path_rename", "base other"),
        case!(rename_trailing_slash_file, "trailing_slash", "path_rename", "base"),
        case!(rename_trailing_slash_dir, "trailing_slash", "path_rename", "base"),
        case!(rename_escape, "sandbox", "path_rename", "base"),
        case!(rename_open_file, "rename", "path_rename fd_read", "base"),
        case!(rename_dot, "rename", "path_rename", "base"),
        // path_link
        case!(link_basic, "link", "path_link path_filestat_get", "base"),
        case!(link_existing, "link", "path_link", "base"),
        case!(link_dir, "link", "path_link", "base"),
        case!(link_missing, "link", "path_link", "base"),
        case!(link_symlink_nofollow, "link", "path_link", "base"),
        case!(link_symlink_follow, "link", "path_link", "base"),
        case!(link_across_preopens, "link", "path_link", "base other"),
        case!(link_trailing_slash, "trailing_slash", "path_link", "base"),
        case!(link_escape, "sandbox", "path_link", "base"),
        case!(link_write_through, "link", "path_link fd_write", "base"),
        // fd_readdir
        case!(readdir_dots, "readdir", "fd_readdir", "base"),
        case!(readdir_types, "readdir", "fd_readdir", "base"),
        case!(readdir_preopen, "readdir", "fd_readdir", "base"),
        case!(readdir_small_buffer, "readdir", "fd_readdir", "base"),
        case!(readdir_header_only_buffer, "readdir", "fd_readdir", "base"),
        case!(readdir_zero_buffer, "readdir", "fd_readdir", "base"),
        case!(readdir_cookie_resume, "readdir", "fd_readdir", "base"),
        case!(readdir_cookie_past_end, "readdir", "fd_readdir", "base"),
        case!(readdir_inode_matches, "readdir", "fd_readdir path_filestat_get", "base"),
        case!(readdir_after_changes, "readdir", "fd_readdir path_unlink_file", "base"),
        case!(readdir_empty_dir, "readdir", "fd_readdir", "base"),
        case!(readdir_on_file, "readdir", "fd_readdir", "base"),
        case!(readdir_badf, "readdir", "fd_readdir", ""),
        case!(readdir_many, "readdir", "fd_readdir", "base"),
        case!(readdir_long_names, "readdir", "fd_readdir", "base"),
        case!(readdir_unicode_names, "readdir", "fd_readdir path_open", "base"),
    ]
}

fn s(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn open_nf(path: &str, oflags: u32) -> Result<u32, i32> {
    path_open(D, 0, path, oflags, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0)
}

fn exists(path: &str) -> bool {
    lstat(D, path).is_ok()
}

fn kind(path: &str) -> String {
    match lstat(D, path) {
        Ok(st) => filetype_name(st.filetype).to_string(),
        Err(e) => errno_name(e),
    }
}

// ---- path_open ---------------------------------------------------------------------------

fn open_existing(_: &Opts) {
    let fd = open_ro(D, "file.txt");
    ckr("open file.txt", &fd, 0);
    ckv("contents", read(fd.unwrap(), 100).map(|v| s(&v)), Ok("hello, world\n".into()));
    ckr("open dir/a.txt", &open_ro(D, "dir/a.txt"), 0);
    ckr("open dir/sub/b.txt", &open_ro(D, "dir/sub/b.txt"), 0);
}

fn open_missing(_: &Opts) {
    ckr("open missing.txt", &open_ro(D, "missing.txt"), ENOENT);
    ckr("open missing/x", &open_ro(D, "missing/x"), ENOENT);
    ckr("open dir/missing", &open_ro(D, "dir/missing"), ENOENT);
}

fn open_creat(_: &Opts) {
    let fd = path_open(D, 0, "created.txt", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(CREAT) new file", &fd, 0);
    ckv("size", filestat(fd.unwrap()).map(|s| s.size), Ok(0));
    must("write", write(fd.unwrap(), b"new"));
    ckr("open(CREAT) in dir/", &path_open(D, 0, "dir/c2.txt", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), 0);
    ckr("open(CREAT) in missing dir", &path_open(D, 0, "nodir/c.txt", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ENOENT);
}

fn open_creat_existing(_: &Opts) {
    let fd = path_open(D, 0, "file.txt", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(CREAT) existing", &fd, 0);
    ckv("contents kept", read(fd.unwrap(), 100).map(|v| s(&v)), Ok("hello, world\n".into()));
}

fn open_creat_excl(_: &Opts) {
    ckr("open(CREAT|EXCL) existing file", &path_open(D, 0, "file.txt", OFLAGS_CREAT | OFLAGS_EXCL, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EEXIST);
    ckr("open(CREAT|EXCL) existing dir", &path_open(D, 0, "dir", OFLAGS_CREAT | OFLAGS_EXCL, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EEXIST);
    ckr("open(CREAT|EXCL) symlink", &path_open(D, LOOKUP_SYMLINK_FOLLOW, "link_file", OFLAGS_CREAT | OFLAGS_EXCL, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EEXIST);
    ckr("open(CREAT|EXCL) new", &path_open(D, 0, "excl.txt", OFLAGS_CREAT | OFLAGS_EXCL, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), 0);
}

fn open_excl_without_creat(_: &Opts) {
    // EXCL without CREAT is ignored (as on Linux).
    ckr("open(EXCL) existing", &path_open(D, 0, "file.txt", OFLAGS_EXCL, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), 0);
    ckr("open(EXCL) missing", &path_open(D, 0, "nope.txt", OFLAGS_EXCL, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), ENOENT);
}

fn open_trunc(_: &Opts) {
    let fd = path_open(D, 0, "file.txt", OFLAGS_TRUNC, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(TRUNC)", &fd, 0);
    ckv("size", filestat(fd.unwrap()).map(|s| s.size), Ok(0));
    ckr("open(TRUNC) missing", &path_open(D, 0, "nope.txt", OFLAGS_TRUNC, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ENOENT);
}

fn open_creat_trunc_excl_new(_: &Opts) {
    let fl = OFLAGS_CREAT | OFLAGS_TRUNC | OFLAGS_EXCL;
    let fd = path_open(D, 0, "cte.txt", fl, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(CREAT|TRUNC|EXCL) new", &fd, 0);
    must("write", write(fd.unwrap(), b"cte"));
    ckr("open(CREAT|TRUNC|EXCL) again", &path_open(D, 0, "cte.txt", fl, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EEXIST);
    ckr("open(CREAT|TRUNC) existing", &path_open(D, 0, "dir/a.txt", OFLAGS_CREAT | OFLAGS_TRUNC, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), 0);
    ckv("dir/a.txt size", stat(D, "dir/a.txt").map(|s| s.size), Ok(0));
}

fn open_directory_flag_on_file(_: &Opts) {
    ckr("open(DIRECTORY) file", &open_nf("file.txt", OFLAGS_DIRECTORY), ENOTDIR);
    ckr("open(DIRECTORY) missing", &open_nf("missing", OFLAGS_DIRECTORY), ENOENT);
}

fn open_directory_flag_on_dir(_: &Opts) {
    let fd = open_nf("dir", OFLAGS_DIRECTORY);
    ckr("open(DIRECTORY) dir", &fd, 0);
    ckv("filetype", fdstat(fd.unwrap()).map(|s| filetype_name(s.filetype)), Ok("directory"));
    let fd2 = open_nf("dir", 0);
    ckr("open dir without DIRECTORY", &fd2, 0);
    ckv("filetype", fdstat(fd2.unwrap()).map(|s| filetype_name(s.filetype)), Ok("directory"));
}

fn open_creat_directory(_: &Opts) {
    ckr("open(CREAT|DIRECTORY) new", &open_nf("newdir", OFLAGS_CREAT | OFLAGS_DIRECTORY), EINVAL);
    ckr("open(CREAT|DIRECTORY) existing dir", &open_nf("dir", OFLAGS_CREAT | OFLAGS_DIRECTORY), EINVAL);
    ckb("nothing created", !exists("newdir"));
}

fn open_dir_for_write(_: &Opts) {
    let r = path_open(D, 0, "dir", 0, RIGHT_FD_WRITE | RIGHT_FD_READ, 0, 0);
    ckr("open dir with FD_WRITE", &r, EISDIR);
    // Asking for FD_WRITE means opening for writing (compat policy): O_RDWR|O_DIRECTORY is EISDIR.
    let r = path_open(D, 0, "dir", OFLAGS_DIRECTORY, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(DIRECTORY) with all rights", &r, EISDIR);
}

fn open_dir_trunc(_: &Opts) {
    ckr("open(TRUNC) dir", &path_open(D, 0, "dir", OFLAGS_TRUNC, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EISDIR);
}

fn open_dot(_: &Opts) {
    let fd = open_nf(".", OFLAGS_DIRECTORY);
    ckr("open .", &fd, 0);
    let fd = fd.unwrap();
    ckv("file.txt through it", get_s(fd, "file.txt"), Ok("hello, world\n".into()));
    ckr("open dir/.", &open_nf("dir/.", OFLAGS_DIRECTORY), 0);
    ckr("open ./file.txt", &open_nf("./file.txt", 0), 0);
}

fn open_empty_path(_: &Opts) {
    ckr("open \"\"", &open_nf("", 0), ENOENT);
    ckr("open \"\" with DIRECTORY", &open_nf("", OFLAGS_DIRECTORY), ENOENT);
}

fn open_dotdot_inside(_: &Opts) {
    ckr("open dir/../file.txt", &open_nf("dir/../file.txt", 0), 0);
    ckr("open dir/sub/../../file.txt", &open_nf("dir/sub/../../file.txt", 0), 0);
    ckr("open dir/sub/../a.txt", &open_nf("dir/sub/../a.txt", 0), 0);
    ckr("open dir/..", &open_nf("dir/..", OFLAGS_DIRECTORY), 0);
}

fn open_dotdot_escape(_: &Opts) {
    ckr("open ..", &open_nf("..", OFLAGS_DIRECTORY), ENOTCAPABLE);
    ckr("open ../base/file.txt", &open_nf("../base/file.txt", 0), ENOTCAPABLE);
    ckr("open dir/../../x", &open_nf("dir/../../x", 0), ENOTCAPABLE);
    let sub = must("open dir", open_dir(D, "dir"));
    ckr("open .. from dir fd", &path_open(sub, 0, "..", OFLAGS_DIRECTORY, masked(sub, RIGHTS_RO), masked(sub, RIGHTS_ALL), 0), ENOTCAPABLE);
    ckr("open ../file.txt from dir fd", &path_open(sub, 0, "../file.txt", 0, masked(sub, RIGHTS_RO), masked(sub, RIGHTS_ALL), 0), ENOTCAPABLE);
}

fn open_dotdot_escape_deep(_: &Opts) {
    ckr("open ../../../../etc/passwd", &open_nf("../../../../etc/passwd", 0), ENOTCAPABLE);
    ckr("open dir/sub/../../../x (missing)", &open_nf("dir/sub/../../../x", 0), ENOTCAPABLE);
    ckr("open missing/../../x", &open_nf("missing/../../x", 0), ENOENT);
}

fn open_absolute(_: &Opts) {
    ckr("open /file.txt", &open_nf("/file.txt", 0), ENOTCAPABLE);
    ckr("open /", &open_nf("/", OFLAGS_DIRECTORY), ENOTCAPABLE);
    ckr("open /etc/passwd", &open_nf("/etc/passwd", 0), ENOTCAPABLE);
    ckr("open(CREAT) /new.txt", &path_open(D, 0, "/new.txt", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ENOTCAPABLE);
}

fn open_through_file(_: &Opts) {
    ckr("open file.txt/x", &open_nf("file.txt/x", 0), ENOTDIR);
    ckr("open(CREAT) file.txt/x", &path_open(D, 0, "file.txt/x", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ENOTDIR);
    ckr("open file.txt/..", &open_nf("file.txt/..", 0), ENOTDIR);
}

fn open_trailing_slash_file(_: &Opts) {
    ckr("open file.txt/", &open_nf("file.txt/", 0), ENOTDIR);
    ckr("open file.txt//", &open_nf("file.txt//", 0), ENOTDIR);
    ckr("open link_file/ (follow)", &path_open(D, LOOKUP_SYMLINK_FOLLOW, "link_file/", 0, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), ENOTDIR);
}

fn open_trailing_slash_dir(_: &Opts) {
    ckr("open dir/", &open_nf("dir/", 0), 0);
    ckr("open dir//", &open_nf("dir//", OFLAGS_DIRECTORY), 0);
    // A trailing slash makes the final symlink be followed even without LOOKUP_SYMLINK_FOLLOW.
    ckr("open link_dir/ (nofollow)", &open_nf("link_dir/", OFLAGS_DIRECTORY), 0);
}

fn open_trailing_slash_creat(_: &Opts) {
    ckr("open(CREAT) newfile/", &path_open(D, 0, "newfile/", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EISDIR);
    ckb("nothing created", !exists("newfile"));
    ckr("open(CREAT) dir/ (existing dir)", &path_open(D, 0, "dir/", OFLAGS_CREAT, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), EISDIR);
}

fn open_double_slash(_: &Opts) {
    ckr("open dir//a.txt", &open_nf("dir//a.txt", 0), 0);
    ckr("open dir/./sub/.//b.txt", &open_nf("dir/./sub/.//b.txt", 0), 0);
}

fn open_relative_to_file(_: &Opts) {
    let f = must("open", open_ro(D, "file.txt"));
    ckr("open x relative to a file fd", &path_open(f, 0, "x", 0, RIGHTS_RO, RIGHTS_ALL, 0), ENOTDIR);
    ckr("open relative to stdout", &path_open(1, 0, "x", 0, RIGHTS_RO, RIGHTS_ALL, 0), ENOTDIR);
}

fn open_badf(_: &Opts) {
    ckr("open relative to fd 99", &path_open(99, 0, "x", 0, RIGHTS_RO, RIGHTS_ALL, 0), EBADF);
    ckr("open relative to fd 3 (none)", &path_open(3, 0, "x", 0, RIGHTS_RO, RIGHTS_ALL, 0), EBADF);
}

fn open_name_too_long(_: &Opts) {
    let long = "n".repeat(256);
    ckr("open 256-byte name", &open_nf(&long, 0), ENAMETOOLONG);
    ckr("open(CREAT) 256-byte name", &path_open(D, 0, &long, OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ENAMETOOLONG);
    let ok = "m".repeat(255);
    ckr("open(CREAT) 255-byte name", &path_open(D, 0, &ok, OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), 0);
}

fn open_long_path_ok(_: &Opts) {
    // 40 nested directories of 20 bytes each: an 840-byte path.
    let comp = "abcdefghijklmnopqrst";
    let mut p = String::new();
    for _ in 0..40 {
        if !p.is_empty() {
            p.push('/');
        }
        p.push_str(comp);
        must("mkdir", mkdir(D, &p));
    }
    p.push_str("/leaf.txt");
    ckv("path length", p.len(), 848);
    ckr("open(CREAT) deep path", &path_open(D, 0, &p, OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), 0);
    ckr("stat deep path", &stat(D, &p), 0);
}

fn open_nul_in_path(_: &Opts) {
    ckr("open \"file.txt\\0\"", &path_open_b(D, 0, b"file.txt\0", 0, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), EINVAL);
    ckr("open \"fi\\0le.txt\"", &path_open_b(D, 0, b"fi\0le.txt", 0, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), EINVAL);
    ckr("open(CREAT) \"new\\0x\"", &path_open_b(D, 0, b"new\0x", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EINVAL);
}

fn open_invalid_utf8(_: &Opts) {
    ckr("open \"\\xff\"", &path_open_b(D, 0, b"\xff", 0, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), EILSEQ);
    ckr("open(CREAT) \"a\\xc3\"", &path_open_b(D, 0, b"a\xc3", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EILSEQ);
    ckr("open(CREAT) \"\\xed\\xa0\\x80\" (surrogate)", &path_open_b(D, 0, b"\xed\xa0\x80", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), EILSEQ);
}

fn open_fdflags_recorded(_: &Opts) {
    let fd = must("open", path_open(D, 0, "file.txt", 0, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), FDFLAGS_APPEND));
    ckv("APPEND", fdstat(fd).map(|s| s.flags), Ok(FDFLAGS_APPEND as u16));
    let fd = must("open", path_open(D, 0, "file.txt", 0, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0));
    ckv("none", fdstat(fd).map(|s| s.flags), Ok(0));
}

fn open_inherit_rights(_: &Opts) {
    let dir = must("open dir", path_open(D, 0, "dir", OFLAGS_DIRECTORY, RIGHTS_RO, RIGHTS_RO, 0));
    let st = must("fdstat", fdstat(dir));
    ckb("dir inheriting lacks FD_WRITE", st.inheriting & RIGHT_FD_WRITE == 0);
    let f = must("open file ro", path_open(dir, 0, "a.txt", 0, RIGHTS_RO, 0, 0));
    let fst = must("fdstat", fdstat(f));
    ckb("file base lacks FD_WRITE", fst.base & RIGHT_FD_WRITE == 0);
    ckb("file base has FD_READ", fst.base & RIGHT_FD_READ != 0);
}

fn open_rights_beyond_inheriting_enforce(_: &Opts) {
    // Under the enforce policy, asking a directory opened with read-only inheriting
    // rights for a writable file fails.
    let dir = must("open dir", path_open(D, 0, "dir", OFLAGS_DIRECTORY, RIGHTS_RO, RIGHTS_RO, 0));
    ckr("open a.txt with FD_WRITE", &path_open(dir, 0, "a.txt", 0, RIGHTS_ALL, 0, 0), ENOTCAPABLE);
    let f = must("open a.txt ro", path_open(dir, 0, "a.txt", 0, RIGHTS_RO, 0, 0));
    ckr("fd_write on it", &write(f, b"x"), ENOTCAPABLE);
}

fn open_dir_empty_rights(_: &Opts) {
    // Real programs open directories with empty rights and then use them (compat policy).
    let dir = must("open dir with no rights", path_open(D, 0, "dir", OFLAGS_DIRECTORY, 0, 0, 0));
    ckv("readdir", listing(dir).map(|v| v.len()), Ok(4));
    ckr("stat through it", &stat(dir, "a.txt"), 0);
    ckv("read a file through it", get_s(dir, "a.txt"), Ok("a".into()));
}

fn open_file_empty_rights(o: &Opts) {
    let f = must("open file with no rights", path_open(D, 0, "file.txt", 0, 0, 0, 0));
    if o.enforce {
        ckr("fd_read", &read(f, 5), ENOTCAPABLE);
    } else {
        ckv("fd_read", read(f, 5).map(|v| s(&v)), Ok("hello".into()));
    }
    ckr("fd_write", &write(f, b"x"), if o.enforce { ENOTCAPABLE } else { EBADF });
}
fn open_file_empty_rights_enforce(o: &Opts) {
    open_file_empty_rights(o)
}

// ---- symlinks through path_open ------------------------------------------------------------

fn symlink_open_follow(_: &Opts) {
    let fd = open_ro(D, "link_file");
    ckr("open link_file (follow)", &fd, 0);
    ckv("contents", read(fd.unwrap(), 100).map(|v| s(&v)), Ok("hello, world\n".into()));
    ckv("fdstat filetype", fdstat(fd.unwrap()).map(|s| filetype_name(s.filetype)), Ok("regular_file"));
}

fn symlink_open_nofollow(_: &Opts) {
    ckr("open link_file (nofollow)", &open_nf("link_file", 0), ELOOP);
    ckr("open dangling (nofollow)", &open_nf("dangling", 0), ELOOP);
    ckr("open link_dir (nofollow)", &open_nf("link_dir", 0), ELOOP);
}

fn symlink_open_nofollow_directory(_: &Opts) {
    ckr("open(DIRECTORY) link_dir (nofollow)", &open_nf("link_dir", OFLAGS_DIRECTORY), ENOTDIR);
    ckr("open(DIRECTORY) link_file (nofollow)", &open_nf("link_file", OFLAGS_DIRECTORY), ENOTDIR);
    ckr("open(DIRECTORY) link_dir (follow)", &path_open(D, LOOKUP_SYMLINK_FOLLOW, "link_dir", OFLAGS_DIRECTORY, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), 0);
}

fn symlink_open_dir_link(_: &Opts) {
    ckr("open link_dir/a.txt (nofollow: only the last component)", &open_nf("link_dir/a.txt", 0), 0);
    ckr("open link_dir/sub/b.txt", &open_nf("link_dir/sub/b.txt", 0), 0);
    ckr("open link_dir/../file.txt", &open_nf("link_dir/../file.txt", 0), 0);
}

fn symlink_open_dangling(_: &Opts) {
    ckr("open dangling (follow)", &open_ro(D, "dangling"), ENOENT);
    ckr("open(DIRECTORY) dangling (follow)", &path_open(D, LOOKUP_SYMLINK_FOLLOW, "dangling", OFLAGS_DIRECTORY, masked(D, RIGHTS_RO), masked(D, RIGHTS_ALL), 0), ENOENT);
}

fn symlink_open_dangling_creat(_: &Opts) {
    // Linux: O_CREAT through a dangling symlink creates its target.
    let r = path_open(D, LOOKUP_SYMLINK_FOLLOW, "dangling", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(CREAT) dangling (follow)", &r, 0);
    ckv("missing now", kind("missing"), "regular_file".into());
    ckv("dangling still a symlink", kind("dangling"), "symbolic_link".into());
}

fn symlink_open_dangling_creat_excl(_: &Opts) {
    let r = path_open(D, LOOKUP_SYMLINK_FOLLOW, "dangling", OFLAGS_CREAT | OFLAGS_EXCL, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0);
    ckr("open(CREAT|EXCL) dangling", &r, EEXIST);
    ckb("target not created", !exists("missing"));
}

fn symlink_open_loop(_: &Opts) {
    ckr("open loop_a (follow)", &open_ro(D, "loop_a"), ELOOP);
    ckr("open loop_a/x", &open_nf("loop_a/x", 0), ELOOP);
    ckr("stat loop_b (follow)", &stat(D, "loop_b"), ELOOP);
    ckv("lstat loop_a", kind("loop_a"), "symbolic_link".into());
}

fn symlink_open_self_loop(_: &Opts) {
    must("symlink", symlink("self", D, "self"));
    ckr("open self (follow)", &open_ro(D, "self"), ELOOP);
    ckr("open(CREAT) self (follow)", &path_open(D, LOOKUP_SYMLINK_FOLLOW, "self", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ELOOP);
}

fn make_chain(n: usize) {
    // c0 -> c1 -> ... -> c{n-1} -> file.txt
    for i in 0..n {
        let target = if i + 1 == n { "file.txt".to_string() } else { format!("c{}", i + 1) };
        must("symlink", symlink(&target, D, &format!("c{i}")));
    }
}

fn symlink_chain_39(_: &Opts) {
    make_chain(39);
    ckr("open a chain of 39 links", &open_ro(D, "c0"), 0);
    ckr("open a chain of 40 links (c0 via x)", &{
        must("symlink", symlink("c0", D, "x"));
        open_ro(D, "x")
    }, 0);
}

fn symlink_chain_41(_: &Opts) {
    make_chain(41);
    ckr("open a chain of 41 links", &open_ro(D, "c0"), ELOOP);
    ckr("open a chain of 40 links", &open_ro(D, "c1"), 0);
}

fn symlink_absolute_target(_: &Opts) {
    // abs_link -> /file.txt: resolved inside the preopen, as if it were the root.
    let r = open_ro(D, "abs_link");
    ckr("open abs_link (follow)", &r, 0);
    if let Ok(fd) = r {
        ckv("contents", read(fd, 100).map(|v| s(&v)), Ok("hello, world\n".into()));
    }
    // Creating a new absolute link is refused (see path_symlink_absolute_target).
    ckr("symlink dir/abs2 -> /dir/a.txt", &symlink("/dir/a.txt", D, "dir/abs2"), EPERM);
    ckv("stat abs_link", stat(D, "abs_link").map(|s| s.size), Ok(13));
}

fn symlink_escape_target(_: &Opts) {
    ckr("open escape_link (follow)", &open_ro(D, "escape_link"), ENOTCAPABLE);
    ckr("stat escape_link (follow)", &stat(D, "escape_link"), ENOTCAPABLE);
    ckv("lstat escape_link", kind("escape_link"), "symbolic_link".into());
    ckr("open(CREAT) escape_link (follow)", &path_open(D, LOOKUP_SYMLINK_FOLLOW, "escape_link", OFLAGS_CREAT, masked(D, RIGHTS_ALL), masked(D, RIGHTS_ALL), 0), ENOTCAPABLE);
}

fn symlink_escape_via_dotdot_chain(_: &Opts) {
    must("symlink", symlink("..", D, "dir/up"));
    ckr("open dir/up/file.txt", &open_ro(D, "dir/up/file.txt"), 0);
    ckr("open dir/up/.. (escapes)", &open_ro(D, "dir/up/.."), ENOTCAPABLE);
    let sub = must("open dir", open_dir(D, "dir"));
    ckr("open up/file.txt relative to dir fd (escapes that fd)", &open_ro(sub, "up/file.txt"), ENOTCAPABLE);
}

fn symlink_in_middle(_: &Opts) {
    ckr("open link_dir/a.txt", &open_ro(D, "link_dir/a.txt"), 0);
    ckr("stat link_dir/sub", &lstat(D, "link_dir/sub"), 0);
    ckr("open dangling/x", &open_ro(D, "dangling/x"), ENOENT);
    ckr("open link_file/x", &open_ro(D, "link_file/x"), ENOTDIR);
}

fn symlink_dotdot_inside(_: &Opts) {
    must("symlink", symlink("../file.txt", D, "dir/up_file"));
    ckv("dir/up_file", get_s(D, "dir/up_file"), Ok("hello, world\n".into()));
    must("symlink", symlink("sub/../a.txt", D, "dir/via_sub"));
    ckv("dir/via_sub", get_s(D, "dir/via_sub"), Ok("a".into()));
}

fn symlink_trailing_slash(_: &Opts) {
    ckv("lstat link_dir/", lstat(D, "link_dir/").map(|s| filetype_name(s.filetype)), Ok("directory"));
    ckr("lstat link_file/", &lstat(D, "link_file/"), ENOTDIR);
    ckr("lstat dangling/", &lstat(D, "dangling/"), ENOENT);
}

// ---- path_symlink / path_readlink ----------------------------------------------------------

fn path_symlink_basic(_: &Opts) {
    ck("path_symlink(file.txt, s1)", err_of(&symlink("file.txt", D, "s1")), 0);
    ckv("kind", kind("s1"), "symbolic_link".into());
    ckv("lstat size = target length", lstat(D, "s1").map(|s| s.size), Ok(8));
    ckv("readlink", readlink(D, "s1", 64).map(|v| s(&v)), Ok("file.txt".into()));
    ckv("follow", get_s(D, "s1"), Ok("hello, world\n".into()));
    ck("path_symlink(../file.txt, dir/s2)", err_of(&symlink("../file.txt", D, "dir/s2")), 0);
    ckv("follow dir/s2", get_s(D, "dir/s2"), Ok("hello, world\n".into()));
}

fn path_symlink_existing(_: &Opts) {
    ck("symlink over file", err_of(&symlink("x", D, "file.txt")), EEXIST);
    ck("symlink over dir", err_of(&symlink("x", D, "dir")), EEXIST);
    ck("symlink over symlink", err_of(&symlink("x", D, "link_file")), EEXIST);
    ck("symlink over dangling symlink", err_of(&symlink("x", D, "dangling")), EEXIST);
}

fn path_symlink_dangling_ok(_: &Opts) {
    ck("symlink to nothing", err_of(&symlink("nowhere/at/all", D, "s")), 0);
    ckv("readlink", readlink(D, "s", 64).map(|v| s(&v)), Ok("nowhere/at/all".into()));
    ck("symlink to ../../outside (escaping target is allowed to exist)", err_of(&symlink("../../outside", D, "s_out")), 0);
}

fn path_symlink_absolute_target(_: &Opts) {
    // Refused, as wasmtime does and the upstream wasi-testsuite's symlink_create requires.
    ck("symlink /dir/a.txt", err_of(&symlink("/dir/a.txt", D, "abs")), EPERM);
    ck("symlink /", err_of(&symlink("/", D, "abs")), EPERM);
    ckb("nothing created", readlink(D, "abs", 64).is_err());
}

fn path_symlink_empty_target(_: &Opts) {
    ck("symlink \"\"", err_of(&symlink("", D, "s")), ENOENT);
    ckb("nothing created", !exists("s"));
}

fn path_symlink_trailing_slash(_: &Opts) {
    ck("symlink(file.txt, new/)", err_of(&symlink("file.txt", D, "new/")), ENOENT);
    ck("symlink(dir, new2/)", err_of(&symlink("dir", D, "new2/")), ENOENT);
    ck("symlink(x, file.txt/)", err_of(&symlink("x", D, "file.txt/")), EEXIST);
    ckb("nothing created", !exists("new") && !exists("new2"));
}

fn path_symlink_missing_parent(_: &Opts) {
    ck("symlink in missing dir", err_of(&symlink("x", D, "nodir/s")), ENOENT);
    ck("symlink under a file", err_of(&symlink("x", D, "file.txt/s")), ENOTDIR);
}

fn path_symlink_escape_linkpath(_: &Opts) {
    ck("symlink at ../s", err_of(&symlink("x", D, "../s")), ENOTCAPABLE);
    ck("symlink at /s", err_of(&symlink("x", D, "/s")), ENOTCAPABLE);
}

fn path_readlink_basic(_: &Opts) {
    ckv("link_file", readlink(D, "link_file", 100).map(|v| s(&v)), Ok("file.txt".into()));
    ckv("link_dir", readlink(D, "link_dir", 100).map(|v| s(&v)), Ok("dir".into()));
    ckv("dangling", readlink(D, "dangling", 100).map(|v| s(&v)), Ok("missing".into()));
    ckv("abs_link", readlink(D, "abs_link", 100).map(|v| s(&v)), Ok("/file.txt".into()));
    ckv("escape_link", readlink(D, "escape_link", 100).map(|v| s(&v)), Ok("../outside".into()));
}

fn path_readlink_truncate(_: &Opts) {
    let mut buf = [b'.'; 8];
    let mut used = 99u32;
    let p = b"link_file";
    let e = unsafe { path_readlink(D, ptr(&p[..]), 9, mptr(&mut buf), 4, mptr(&mut used)) };
    ck("readlink into 4 bytes", e, 0);
    ckv("bufused", used, 4);
    ckv("buf", s(&buf), "file....".into());
    let e = unsafe { path_readlink(D, ptr(&p[..]), 9, mptr(&mut buf), 8, mptr(&mut used)) };
    ck("readlink into exactly 8 bytes", e, 0);
    ckv("bufused", used, 8);
    ckv("buf", s(&buf), "file.txt".into());
}

fn path_readlink_zero_buffer(_: &Opts) {
    let mut used = 99u32;
    let p = b"link_file";
    let e = unsafe { path_readlink(D, ptr(&p[..]), 9, 0, 0, mptr(&mut used)) };
    ck("readlink into 0 bytes", e, 0);
    ckv("bufused", used, 0);
}

fn path_readlink_not_link(_: &Opts) {
    ckr("readlink file.txt", &readlink(D, "file.txt", 64), EINVAL);
    ckr("readlink dir", &readlink(D, "dir", 64), EINVAL);
    ckr("readlink .", &readlink(D, ".", 64), EINVAL);
}

fn path_readlink_missing(_: &Opts) {
    ckr("readlink missing", &readlink(D, "missing", 64), ENOENT);
    ckr("readlink file.txt/x", &readlink(D, "file.txt/x", 64), ENOTDIR);
}

fn path_readlink_trailing_slash(_: &Opts) {
    // With a trailing slash the link is followed; the result is not a link.
    ckr("readlink link_dir/", &readlink(D, "link_dir/", 64), EINVAL);
    ckr("readlink link_file/", &readlink(D, "link_file/", 64), ENOTDIR);
}

fn path_readlink_through_link_dir(_: &Opts) {
    must("symlink", symlink("a.txt", D, "dir/la"));
    ckv("readlink link_dir/la", readlink(D, "link_dir/la", 64).map(|v| s(&v)), Ok("a.txt".into()));
}

// ---- path_filestat ------------------------------------------------------------------------

fn path_filestat_file(_: &Opts) {
    let st = must("stat", stat(D, "file.txt"));
    ckv("filetype", filetype_name(st.filetype), "regular_file");
    ckv("size", st.size, 13);
    ckv("nlink", st.nlink, 1);
    let e = must("stat", stat(D, "empty.txt"));
    ckv("empty size", e.size, 0);
    ckb("different inodes", st.ino != e.ino);
    ckb("same device", st.dev == e.dev);
}

fn path_filestat_dir(_: &Opts) {
    let st = must("stat", stat(D, "dir"));
    ckv("filetype", filetype_name(st.filetype), "directory");
    let st2 = must("stat", stat(D, "dir/sub"));
    ckv("filetype", filetype_name(st2.filetype), "directory");
}

fn path_filestat_symlink_follow(_: &Opts) {
    let f = must("stat", stat(D, "file.txt"));
    let l = must("stat link_file", stat(D, "link_file"));
    ckb("follow: same inode as target", f.ino == l.ino);
    ckv("follow: filetype", filetype_name(l.filetype), "regular_file");
    let n = must("lstat link_file", lstat(D, "link_file"));
    ckv("nofollow: filetype", filetype_name(n.filetype), "symbolic_link");
    ckb("nofollow: different inode", n.ino != f.ino);
    ckv("nofollow: size = target length", n.size, 8);
    ckv("link_dir follow", stat(D, "link_dir").map(|s| filetype_name(s.filetype)), Ok("directory"));
}

fn path_filestat_dangling(_: &Opts) {
    ckr("stat dangling (follow)", &stat(D, "dangling"), ENOENT);
    ckv("lstat dangling", lstat(D, "dangling").map(|s| filetype_name(s.filetype)), Ok("symbolic_link"));
}

fn path_filestat_loop(_: &Opts) {
    ckr("stat loop_a (follow)", &stat(D, "loop_a"), ELOOP);
    ckr("lstat loop_a/ (trailing slash follows)", &lstat(D, "loop_a/"), ELOOP);
}

fn path_filestat_missing(_: &Opts) {
    ckr("stat missing", &stat(D, "missing"), ENOENT);
    ckr("stat dir/missing", &stat(D, "dir/missing"), ENOENT);
    ckr("stat file.txt/x", &stat(D, "file.txt/x"), ENOTDIR);
}

fn path_filestat_trailing_slash(_: &Opts) {
    ckr("stat file.txt/", &stat(D, "file.txt/"), ENOTDIR);
    ckr("lstat file.txt/", &lstat(D, "file.txt/"), ENOTDIR);
    ckr("stat dir/", &stat(D, "dir/"), 0);
    ckr("stat missing/", &stat(D, "missing/"), ENOENT);
}

fn path_filestat_dot(_: &Opts) {
    let a = must("stat .", stat(D, "."));
    let b = must("fd_filestat_get(3)", filestat(D));
    ckv("filetype", filetype_name(a.filetype), "directory");
    ckb("same inode as the preopen", a.ino == b.ino && a.dev == b.dev);
    let c = must("stat dir/..", stat(D, "dir/.."));
    ckb("dir/.. is the preopen", c.ino == b.ino);
}

fn path_filestat_absolute(_: &Opts) {
    ckr("stat /", &stat(D, "/"), ENOTCAPABLE);
    ckr("stat /file.txt", &stat(D, "/file.txt"), ENOTCAPABLE);
}

fn path_filestat_escape(_: &Opts) {
    ckr("stat ..", &stat(D, ".."), ENOTCAPABLE);
    ckr("stat dir/../..", &stat(D, "dir/../.."), ENOTCAPABLE);
    ckr("lstat ../base", &lstat(D, "../base"), ENOTCAPABLE);
}

fn path_filestat_badf(_: &Opts) {
    ckr("stat relative to fd 99", &stat(99, "x"), EBADF);
}

fn path_filestat_not_dir_fd(_: &Opts) {
    let f = must("open", open_ro(D, "file.txt"));
    ckr("stat relative to a file fd", &stat(f, "x"), ENOTDIR);
}

fn path_set_times_explicit(_: &Opts) {
    const T1: u64 = 1_234_567_890_000_000_001;
    const T2: u64 = 1_334_567_890_000_000_002;
    ck("set_times(file.txt)", err_of(&path_set_times(D, LOOKUP_SYMLINK_FOLLOW, "file.txt", T1, T2, FSTFLAGS_ATIM | FSTFLAGS_MTIM)), 0);
    let st = must("stat", stat(D, "file.txt"));
    ckv("atim", st.atim, T1);
    ckv("mtim", st.mtim, T2);
    ck("set_times(dir)", err_of(&path_set_times(D, 0, "dir", T2, T1, FSTFLAGS_ATIM | FSTFLAGS_MTIM)), 0);
    let st = must("stat", stat(D, "dir"));
    ckv("dir atim", st.atim, T2);
    ckv("dir mtim", st.mtim, T1);
}

fn path_set_times_now(_: &Opts) {
    must("set old", path_set_times(D, 0, "file.txt", 1_000, 1_000, FSTFLAGS_ATIM | FSTFLAGS_MTIM));
    ck("set_times(ATIM_NOW|MTIM_NOW)", err_of(&path_set_times(D, 0, "file.txt", 0, 0, FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM_NOW)), 0);
    let st = must("stat", stat(D, "file.txt"));
    ckb("atim moved forward", st.atim > 1_000);
    ckb("mtim moved forward", st.mtim > 1_000);
}

fn path_set_times_invalid(_: &Opts) {
    ck("ATIM|ATIM_NOW", err_of(&path_set_times(D, 0, "file.txt", 1, 1, FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW)), EINVAL);
    ck("MTIM|MTIM_NOW", err_of(&path_set_times(D, 0, "file.txt", 1, 1, FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW)), EINVAL);
}

fn path_set_times_follow(_: &Opts) {
    const T: u64 = 1_111_111_111_000_000_000;
    ck("set_times(link_file, follow)", err_of(&path_set_times(D, LOOKUP_SYMLINK_FOLLOW, "link_file", T, T, FSTFLAGS_ATIM | FSTFLAGS_MTIM)), 0);
    ckv("target mtim", stat(D, "file.txt").map(|s| s.mtim), Ok(T));
    ckb("link mtim differs", lstat(D, "link_file").map(|s| s.mtim != T).unwrap_or(false));
}

fn path_set_times_nofollow(_: &Opts) {
    const T: u64 = 1_222_222_222_000_000_000;
    must("set target", path_set_times(D, 0, "file.txt", 5_000_000_000, 5_000_000_000, FSTFLAGS_ATIM | FSTFLAGS_MTIM));
    ck("set_times(link_file, nofollow)", err_of(&path_set_times(D, 0, "link_file", T, T, FSTFLAGS_ATIM | FSTFLAGS_MTIM)), 0);
    ckv("link mtim", lstat(D, "link_file").map(|s| s.mtim), Ok(T));
    ckv("target mtim untouched", stat(D, "file.txt").map(|s| s.mtim), Ok(5_000_000_000));
}

fn path_set_times_missing(_: &Opts) {
    ck("set_times(missing)", err_of(&path_set_times(D, 0, "missing", 1, 1, FSTFLAGS_MTIM)), ENOENT);
    ck("set_times(dangling, follow)", err_of(&path_set_times(D, LOOKUP_SYMLINK_FOLLOW, "dangling", 1, 1, FSTFLAGS_MTIM)), ENOENT);
}

fn path_set_times_trailing_slash(_: &Opts) {
    ck("set_times(file.txt/)", err_of(&path_set_times(D, 0, "file.txt/", 1, 1, FSTFLAGS_MTIM)), ENOTDIR);
    ck("set_times(dir/)", err_of(&path_set_times(D, 0, "dir/", 1, 1, FSTFLAGS_MTIM)), 0);
}

// ---- mkdir ---------------------------------------------------------------------------------

fn mkdir_basic(_: &Opts) {
    ck("mkdir new", err_of(&mkdir(D, "new")), 0);
    ckv("kind", kind("new"), "directory".into());
    ck("mkdir new/inner", err_of(&mkdir(D, "new/inner")), 0);
    ck("mkdir dir/sub/deeper", err_of(&mkdir(D, "dir/sub/deeper")), 0);
    ckv("new is empty", names(D, "new/inner"), Ok(vec![]));
}

fn mkdir_existing(_: &Opts) {
    ck("mkdir dir", err_of(&mkdir(D, "dir")), EEXIST);
    ck("mkdir dir/sub", err_of(&mkdir(D, "dir/sub")), EEXIST);
}

fn mkdir_over_file(_: &Opts) {
    ck("mkdir file.txt", err_of(&mkdir(D, "file.txt")), EEXIST);
    ck("mkdir link_file", err_of(&mkdir(D, "link_file")), EEXIST);
    ck("mkdir link_dir", err_of(&mkdir(D, "link_dir")), EEXIST);
}

fn mkdir_missing_parent(_: &Opts) {
    ck("mkdir a/b", err_of(&mkdir(D, "a/b")), ENOENT);
    ckb("a not created", !exists("a"));
}

fn mkdir_through_file(_: &Opts) {
    ck("mkdir file.txt/x", err_of(&mkdir(D, "file.txt/x")), ENOTDIR);
}

fn mkdir_trailing_slash(_: &Opts) {
    ck("mkdir new/", err_of(&mkdir(D, "new/")), 0);
    ckv("kind", kind("new"), "directory".into());
    ck("mkdir new2//", err_of(&mkdir(D, "new2//")), 0);
    ck("mkdir file.txt/", err_of(&mkdir(D, "file.txt/")), EEXIST);
    ck("mkdir dir/", err_of(&mkdir(D, "dir/")), EEXIST);
}

fn mkdir_dot(_: &Opts) {
    ck("mkdir .", err_of(&mkdir(D, ".")), EEXIST);
    ck("mkdir dir/..", err_of(&mkdir(D, "dir/..")), EEXIST);
}

fn mkdir_dangling_symlink(_: &Opts) {
    // mkdir never follows a final symlink, dangling or not.
    ck("mkdir dangling", err_of(&mkdir(D, "dangling")), EEXIST);
    ckb("target not created", !exists("missing"));
}

fn mkdir_escape(_: &Opts) {
    ck("mkdir ../x", err_of(&mkdir(D, "../x")), ENOTCAPABLE);
    ck("mkdir dir/../../x", err_of(&mkdir(D, "dir/../../x")), ENOTCAPABLE);
    ck("mkdir escape_link/x", err_of(&mkdir(D, "escape_link/x")), ENOTCAPABLE);
}

fn mkdir_absolute(_: &Opts) {
    ck("mkdir /x", err_of(&mkdir(D, "/x")), ENOTCAPABLE);
    ck("mkdir /tmp/wasibox-escape", err_of(&mkdir(D, "/tmp/wasibox-escape")), ENOTCAPABLE);
}

fn mkdir_nested_dotdot(_: &Opts) {
    ck("mkdir dir/../made", err_of(&mkdir(D, "dir/../made")), 0);
    ck("mkdir link_dir/made2", err_of(&mkdir(D, "link_dir/made2")), 0);
    ckv("made", kind("made"), "directory".into());
    ckv("dir/made2", kind("dir/made2"), "directory".into());
}

fn mkdir_empty_path(_: &Opts) {
    ck("mkdir \"\"", err_of(&mkdir(D, "")), ENOENT);
}

// ---- rmdir ---------------------------------------------------------------------------------

fn rmdir_basic(_: &Opts) {
    must("mkdir", mkdir(D, "gone"));
    ck("rmdir gone", err_of(&rmdir(D, "gone")), 0);
    ckb("gone", !exists("gone"));
    must("mkdir", mkdir(D, "dir/sub/x"));
    ck("rmdir dir/sub/x", err_of(&rmdir(D, "dir/sub/x")), 0);
}

fn rmdir_not_empty(_: &Opts) {
    ck("rmdir dir", err_of(&rmdir(D, "dir")), ENOTEMPTY);
    ck("rmdir dir/sub", err_of(&rmdir(D, "dir/sub")), ENOTEMPTY);
}

fn rmdir_file(_: &Opts) {
    ck("rmdir file.txt", err_of(&rmdir(D, "file.txt")), ENOTDIR);
    ck("rmdir dangling", err_of(&rmdir(D, "dangling")), ENOTDIR);
}

fn rmdir_missing(_: &Opts) {
    ck("rmdir missing", err_of(&rmdir(D, "missing")), ENOENT);
    ck("rmdir missing/x", err_of(&rmdir(D, "missing/x")), ENOENT);
}

fn rmdir_dot(_: &Opts) {
    must("mkdir", mkdir(D, "e"));
    ck("rmdir .", err_of(&rmdir(D, ".")), EINVAL);
    ck("rmdir e/.", err_of(&rmdir(D, "e/.")), EINVAL);
    ck("rmdir e/..", err_of(&rmdir(D, "e/..")), ENOTEMPTY);
}

fn rmdir_symlink_to_dir(_: &Opts) {
    ck("rmdir link_dir", err_of(&rmdir(D, "link_dir")), ENOTDIR);
    ckv("link_dir still there", kind("link_dir"), "symbolic_link".into());
    ckv("dir still there", kind("dir"), "directory".into());
}

fn rmdir_trailing_slash(_: &Opts) {
    must("mkdir", mkdir(D, "t"));
    ck("rmdir t/", err_of(&rmdir(D, "t/")), 0);
    ckb("t gone", !exists("t"));
    ck("rmdir file.txt/", err_of(&rmdir(D, "file.txt/")), ENOTDIR);
}

fn rmdir_escape(_: &Opts) {
    ck("rmdir ..", err_of(&rmdir(D, "..")), ENOTCAPABLE);
    ck("rmdir /dir", err_of(&rmdir(D, "/dir")), ENOTCAPABLE);
    ck("rmdir dir/../../base", err_of(&rmdir(D, "dir/../../base")), ENOTCAPABLE);
}

fn rmdir_open_dir(_: &Opts) {
    must("mkdir", mkdir(D, "busy"));
    let fd = must("open", open_dir(D, "busy"));
    ck("rmdir while open", err_of(&rmdir(D, "busy")), 0);
    ckb("gone", !exists("busy"));
    ckr("create in removed dir", &path_open(fd, 0, "x", OFLAGS_CREAT, RIGHTS_ALL, RIGHTS_ALL, 0), ENOENT);
}

// ---- unlink --------------------------------------------------------------------------------

fn unlink_basic(_: &Opts) {
    ck("unlink file.txt", err_of(&unlink(D, "file.txt")), 0);
    ckb("gone", !exists("file.txt"));
    ck("unlink dir/sub/b.txt", err_of(&unlink(D, "dir/sub/b.txt")), 0);
    ck("unlink again", err_of(&unlink(D, "file.txt")), ENOENT);
}

fn unlink_dir(_: &Opts) {
    ck("unlink dir", err_of(&unlink(D, "dir")), EISDIR);
    ck("unlink .", err_of(&unlink(D, ".")), EISDIR);
    ckv("dir still there", kind("dir"), "directory".into());
}

fn unlink_missing(_: &Opts) {
    ck("unlink missing", err_of(&unlink(D, "missing")), ENOENT);
    ck("unlink file.txt/x", err_of(&unlink(D, "file.txt/x")), ENOTDIR);
}

fn unlink_symlink(_: &Opts) {
    ck("unlink link_file", err_of(&unlink(D, "link_file")), 0);
    ckb("link gone", !exists("link_file"));
    ckv("target kept", kind("file.txt"), "regular_file".into());
}

fn unlink_dangling_symlink(_: &Opts) {
    ck("unlink dangling", err_of(&unlink(D, "dangling")), 0);
    ck("unlink loop_a", err_of(&unlink(D, "loop_a")), 0);
    ck("unlink escape_link", err_of(&unlink(D, "escape_link")), 0);
}

fn unlink_symlink_to_dir(_: &Opts) {
    ck("unlink link_dir", err_of(&unlink(D, "link_dir")), 0);
    ckv("dir kept", kind("dir"), "directory".into());
}

fn unlink_trailing_slash(_: &Opts) {
    ck("unlink file.txt/", err_of(&unlink(D, "file.txt/")), ENOTDIR);
    // Linux: the final symlink is not followed; it is not a directory.
    ck("unlink link_dir/", err_of(&unlink(D, "link_dir/")), ENOTDIR);
    ck("unlink dir/", err_of(&unlink(D, "dir/")), EISDIR);
    ckv("file.txt kept", kind("file.txt"), "regular_file".into());
}

fn unlink_open_file(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("unlink while open", err_of(&unlink(D, "file.txt")), 0);
    ckv("still readable", read(fd, 100).map(|v| s(&v)), Ok("hello, world\n".into()));
    ckv("nlink now 0", filestat(fd).map(|s| s.nlink), Ok(0));
}

fn unlink_escape(_: &Opts) {
    ck("unlink ../x", err_of(&unlink(D, "../x")), ENOTCAPABLE);
    ck("unlink /file.txt", err_of(&unlink(D, "/file.txt")), ENOTCAPABLE);
}

fn unlink_hardlink(_: &Opts) {
    must("link", link(D, 0, "file.txt", D, "hard"));
    ckv("nlink 2", stat(D, "file.txt").map(|s| s.nlink), Ok(2));
    ck("unlink file.txt", err_of(&unlink(D, "file.txt")), 0);
    ckv("hard nlink 1", stat(D, "hard").map(|s| s.nlink), Ok(1));
    ckv("hard contents", get_s(D, "hard"), Ok("hello, world\n".into()));
}

// ---- rename --------------------------------------------------------------------------------

fn rename_file(_: &Opts) {
    ck("rename file.txt -> moved.txt", err_of(&rename(D, "file.txt", D, "moved.txt")), 0);
    ckb("old gone", !exists("file.txt"));
    ckv("new contents", get_s(D, "moved.txt"), Ok("hello, world\n".into()));
    ck("rename moved.txt -> dir/sub/m.txt", err_of(&rename(D, "moved.txt", D, "dir/sub/m.txt")), 0);
}

fn rename_file_over_file(_: &Opts) {
    let before = must("stat", stat(D, "file.txt"));
    ck("rename file.txt over empty.txt", err_of(&rename(D, "file.txt", D, "empty.txt")), 0);
    let after = must("stat", stat(D, "empty.txt"));
    ckb("same inode moved", before.ino == after.ino);
    ckv("contents", get_s(D, "empty.txt"), Ok("hello, world\n".into()));
}

fn rename_dir(_: &Opts) {
    ck("rename dir -> d2", err_of(&rename(D, "dir", D, "d2")), 0);
    ckv("d2/sub/b.txt", get_s(D, "d2/sub/b.txt"), Ok("bb".into()));
    ckv("link_dir now dangling", stat(D, "link_dir").map(|_| ()), Err(ENOENT));
}

fn rename_dir_over_empty_dir(_: &Opts) {
    must("mkdir", mkdir(D, "empty_dir"));
    ck("rename dir over empty_dir", err_of(&rename(D, "dir", D, "empty_dir")), 0);
    ckv("empty_dir/a.txt", get_s(D, "empty_dir/a.txt"), Ok("a".into()));
}

fn rename_dir_over_nonempty_dir(_: &Opts) {
    must("mkdir", mkdir(D, "full"));
    must("put", put(D, "full/x", b"x"));
    ck("rename dir over full", err_of(&rename(D, "dir", D, "full")), ENOTEMPTY);
}

fn rename_file_over_dir(_: &Opts) {
    ck("rename file.txt over dir", err_of(&rename(D, "file.txt", D, "dir")), EISDIR);
    must("mkdir", mkdir(D, "e"));
    ck("rename file.txt over empty dir", err_of(&rename(D, "file.txt", D, "e")), EISDIR);
}

fn rename_dir_over_file(_: &Opts) {
    ck("rename dir over file.txt", err_of(&rename(D, "dir", D, "file.txt")), ENOTDIR);
}

fn rename_missing(_: &Opts) {
    ck("rename missing -> x", err_of(&rename(D, "missing", D, "x")), ENOENT);
    ck("rename file.txt -> nodir/x", err_of(&rename(D, "file.txt", D, "nodir/x")), ENOENT);
}

fn rename_into_own_subdir(_: &Opts) {
    ck("rename dir -> dir/sub/dir", err_of(&rename(D, "dir", D, "dir/sub/dir")), EINVAL);
    ck("rename dir -> dir/x", err_of(&rename(D, "dir", D, "dir/x")), EINVAL);
}

fn rename_same(_: &Opts) {
    ck("rename file.txt -> file.txt", err_of(&rename(D, "file.txt", D, "file.txt")), 0);
    ck("rename dir -> dir", err_of(&rename(D, "dir", D, "dir")), 0);
    ckv("file.txt kept", get_s(D, "file.txt"), Ok("hello, world\n".into()));
}

fn rename_hardlinks_same_inode(_: &Opts) {
    must("link", link(D, 0, "file.txt", D, "hard"));
    ck("rename file.txt over its own hard link", err_of(&rename(D, "file.txt", D, "hard")), 0);
    // POSIX: when both names are the same file, rename does nothing.
    ckv("file.txt still there", kind("file.txt"), "regular_file".into());
    ckv("hard still there", kind("hard"), "regular_file".into());
}

fn rename_symlink(_: &Opts) {
    ck("rename link_file -> l2", err_of(&rename(D, "link_file", D, "l2")), 0);
    ckv("l2 is a symlink", kind("l2"), "symbolic_link".into());
    ckv("target kept", kind("file.txt"), "regular_file".into());
    ck("rename dangling -> dir/dl", err_of(&rename(D, "dangling", D, "dir/dl")), 0);
    ckv("dir/dl readlink", readlink(D, "dir/dl", 64).map(|v| s(&v)), Ok("missing".into()));
}

fn rename_across_preopens(_: &Opts) {
    ck("rename base/file.txt -> other/moved.txt", err_of(&rename(D, "file.txt", D2, "moved.txt")), 0);
    ckv("other/moved.txt", get_s(D2, "moved.txt"), Ok("hello, world\n".into()));
    ck("rename other/o.txt -> base/dir/o.txt", err_of(&rename(D2, "o.txt", D, "dir/o.txt")), 0);
}

fn rename_trailing_slash_file(_: &Opts) {
    ck("rename file.txt/ -> x", err_of(&rename(D, "file.txt/", D, "x")), ENOTDIR);
    ck("rename file.txt -> x/", err_of(&rename(D, "file.txt", D, "x/")), ENOTDIR);
    ckv("file.txt kept", kind("file.txt"), "regular_file".into());
}

fn rename_trailing_slash_dir(_: &Opts) {
    ck("rename dir/ -> d2/", err_of(&rename(D, "dir/", D, "d2/")), 0);
    ckv("d2", kind("d2"), "directory".into());
    ck("rename d2 -> d3/", err_of(&rename(D, "d2", D, "d3/")), 0);
    ckv("d3", kind("d3"), "directory".into());
}

fn rename_escape(_: &Opts) {
    ck("rename file.txt -> ../x", err_of(&rename(D, "file.txt", D, "../x")), ENOTCAPABLE);
    ck("rename ../x -> y", err_of(&rename(D, "../x", D, "y")), ENOTCAPABLE);
    ck("rename file.txt -> /x", err_of(&rename(D, "file.txt", D, "/x")), ENOTCAPABLE);
    ckv("file.txt kept", kind("file.txt"), "regular_file".into());
}

fn rename_open_file(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ck("rename while open", err_of(&rename(D, "file.txt", D, "r.txt")), 0);
    ckv("fd still reads", read(fd, 5).map(|v| s(&v)), Ok("hello".into()));
}

fn rename_dot(_: &Opts) {
    ck("rename . -> x", err_of(&rename(D, ".", D, "x")), EBUSY);
    ck("rename dir/. -> x", err_of(&rename(D, "dir/.", D, "x")), EBUSY);
}

// ---- link ----------------------------------------------------------------------------------

fn link_basic(_: &Opts) {
    ck("link file.txt -> hard", err_of(&link(D, 0, "file.txt", D, "hard")), 0);
    let a = must("stat", stat(D, "file.txt"));
    let b = must("stat", stat(D, "hard"));
    ckb("same inode", a.ino == b.ino && a.dev == b.dev);
    ckv("nlink", b.nlink, 2);
    ck("link into dir/", err_of(&link(D, 0, "file.txt", D, "dir/hard2")), 0);
    ckv("nlink", stat(D, "file.txt").map(|s| s.nlink), Ok(3));
}

fn link_existing(_: &Opts) {
    ck("link over file", err_of(&link(D, 0, "file.txt", D, "empty.txt")), EEXIST);
    ck("link over dir", err_of(&link(D, 0, "file.txt", D, "dir")), EEXIST);
    ck("link over dangling symlink", err_of(&link(D, 0, "file.txt", D, "dangling")), EEXIST);
}

fn link_dir(_: &Opts) {
    ck("link dir -> d2", err_of(&link(D, 0, "dir", D, "d2")), EPERM);
}

fn link_missing(_: &Opts) {
    ck("link missing -> x", err_of(&link(D, 0, "missing", D, "x")), ENOENT);
    ck("link file.txt -> nodir/x", err_of(&link(D, 0, "file.txt", D, "nodir/x")), ENOENT);
}

fn link_symlink_nofollow(_: &Opts) {
    ck("link link_file -> hl (nofollow)", err_of(&link(D, 0, "link_file", D, "hl")), 0);
    ckv("hl is a symlink", kind("hl"), "symbolic_link".into());
    ck("link dangling -> hd (nofollow)", err_of(&link(D, 0, "dangling", D, "hd")), 0);
}

fn link_symlink_follow(_: &Opts) {
    ck("link link_file -> hl (follow)", err_of(&link(D, LOOKUP_SYMLINK_FOLLOW, "link_file", D, "hl")), 0);
    ckv("hl is a regular file", kind("hl"), "regular_file".into());
    ckv("nlink of file.txt", stat(D, "file.txt").map(|s| s.nlink), Ok(2));
}

fn link_across_preopens(_: &Opts) {
    ck("link base/file.txt -> other/l", err_of(&link(D, 0, "file.txt", D2, "l")), 0);
    ckv("other/l", get_s(D2, "l"), Ok("hello, world\n".into()));
}

fn link_trailing_slash(_: &Opts) {
    ck("link file.txt/ -> x", err_of(&link(D, 0, "file.txt/", D, "x")), ENOTDIR);
    ck("link file.txt -> x/", err_of(&link(D, 0, "file.txt", D, "x/")), ENOENT);
    ckb("x not created", !exists("x"));
}

fn link_escape(_: &Opts) {
    ck("link file.txt -> ../x", err_of(&link(D, 0, "file.txt", D, "../x")), ENOTCAPABLE);
    ck("link ../x -> y", err_of(&link(D, 0, "../x", D, "y")), ENOTCAPABLE);
    ck("link /file.txt -> y", err_of(&link(D, 0, "/file.txt", D, "y")), ENOTCAPABLE);
}

fn link_write_through(_: &Opts) {
    must("link", link(D, 0, "file.txt", D, "hard"));
    let fd = must("open hard", open_rw(D, "hard"));
    must("write", write(fd, b"HELLO"));
    must("close", close(fd));
    ckv("file.txt sees the write", get_s(D, "file.txt"), Ok("HELLO, world\n".into()));
}

// ---- readdir -------------------------------------------------------------------------------

fn readdir_dots(_: &Opts) {
    let fd = must("open", open_dir(D, "dir"));
    let l = must("readdir", listing(fd));
    ckb("has .", l.contains(&".:directory".to_string()));
    ckb("has ..", l.contains(&"..:directory".to_string()));
    for e in l {
        say(&format!("  {e}"));
    }
}

fn readdir_types(_: &Opts) {
    let l = must("readdir", listing(D));
    for e in l {
        say(&format!("  {e}"));
    }
}

fn readdir_preopen(_: &Opts) {
    let ents = must("readdir", readdir_all(D));
    ckv("count (with . and ..)", ents.len(), 12);
    let mut cookies: Vec<u64> = ents.iter().map(|e| e.next).collect();
    let n = cookies.len();
    cookies.sort();
    cookies.dedup();
    ckv("distinct d_next values", cookies.len(), n);
    ckb("namlen matches name", ents.iter().all(|e| e.namlen as usize == e.name.len()));
}

fn mkrd() -> u32 {
    must("mkdir", mkdir(D, "rd"));
    for n in ["alpha", "beta", "gamma", "delta", "epsilon"] {
        must("put", put(D, &format!("rd/{n}"), n.as_bytes()));
    }
    must("open", open_dir(D, "rd"))
}

fn sorted_names(ents: &[Dirent]) -> Vec<String> {
    let mut v: Vec<String> = ents.iter().map(|e| e.name_str()).collect();
    v.sort();
    v
}

fn readdir_small_buffer(_: &Opts) {
    let fd = mkrd();
    let all = must("readdir 4096", readdir_all(fd));
    for len in [31usize, 32, 40, 64] {
        let got = must("readdir small", readdir_all_with(fd, len));
        ckv(&format!("same entries with a {len}-byte buffer"), sorted_names(&got), sorted_names(&all));
    }
}

fn readdir_header_only_buffer(_: &Opts) {
    let fd = mkrd();
    let (buf, used) = must("readdir", readdir_raw(fd, 24, 0));
    ckv("bufused", used, 24);
    let ents = parse_dirents(&buf, used);
    ckv("one header, name cut off", ents.len(), 1);
    ckb("namlen > 0", ents[0].namlen > 0);
    ckv("no name bytes", ents[0].name.len(), 0);
    let (_, used) = must("readdir 10 bytes", readdir_raw(fd, 10, 0));
    ckv("bufused with 10 bytes", used, 10);
}

fn readdir_zero_buffer(_: &Opts) {
    let fd = mkrd();
    let (_, used) = must("readdir 0 bytes", readdir_raw(fd, 0, 0));
    ckv("bufused", used, 0);
}

fn readdir_cookie_resume(_: &Opts) {
    let fd = mkrd();
    let all = must("readdir", readdir_all(fd));
    ckv("7 entries", all.len(), 7);
    // Resume after each entry's d_next: the rest of the listing follows.
    let mut ok = true;
    for (i, e) in all.iter().enumerate() {
        let rest = must("readdir", readdir_all_from(fd, e.next));
        let expect: Vec<String> = all[i + 1..].iter().map(|e| e.name_str()).collect();
        let got: Vec<String> = rest.iter().map(|e| e.name_str()).collect();
        ok &= expect == got;
    }
    ckb("resuming at every d_next gives the rest, in order", ok);
}

fn readdir_all_from(fd: u32, cookie: u64) -> Result<Vec<Dirent>, i32> {
    let (buf, used) = readdir_raw(fd, 8192, cookie)?;
    Ok(parse_dirents(&buf, used))
}

fn readdir_cookie_past_end(_: &Opts) {
    let fd = mkrd();
    let all = must("readdir", readdir_all(fd));
    let last = all.last().unwrap().next;
    let (_, used) = must("readdir from last d_next", readdir_raw(fd, 1024, last));
    ckv("bufused", used, 0);
    let (_, used) = must("readdir from 1000000", readdir_raw(fd, 1024, 1_000_000));
    ckv("bufused", used, 0);
}

fn readdir_inode_matches(_: &Opts) {
    let fd = mkrd();
    let ents = must("readdir", readdir_all(fd));
    let mut ok = true;
    for e in ents.iter().filter(|e| e.name != b"." && e.name != b"..") {
        let st = must("stat", lstat(fd, &e.name_str()));
        ok &= st.ino == e.ino;
    }
    ckb("d_ino == path_filestat_get ino for every file", ok);
    let dot = ents.iter().find(|e| e.name == b".").unwrap();
    ckb("d_ino of . == ino of the directory", dot.ino == must("stat", filestat(fd)).ino);
}

fn readdir_after_changes(_: &Opts) {
    let fd = mkrd();
    must("unlink", unlink(D, "rd/beta"));
    must("put", put(D, "rd/zeta", b"z"));
    let names = sorted_names(&must("readdir", readdir_all(fd)));
    ckv("names", names.join(" "), ". .. alpha delta epsilon gamma zeta".into());
}

fn readdir_empty_dir(_: &Opts) {
    must("mkdir", mkdir(D, "e"));
    let fd = must("open", open_dir(D, "e"));
    let l = must("readdir", listing(fd));
    ckv("entries", l.join(" "), "..:directory .:directory".into());
}

fn readdir_on_file(_: &Opts) {
    let fd = must("open", open_ro(D, "file.txt"));
    ckr("readdir on a file", &readdir_raw(fd, 100, 0), ENOTDIR);
}

fn readdir_badf(_: &Opts) {
    ckr("readdir fd 99", &readdir_raw(99, 100, 0), EBADF);
    ckr("readdir stdout", &readdir_raw(1, 100, 0), ENOTDIR);
}

fn readdir_many(_: &Opts) {
    must("mkdir", mkdir(D, "many"));
    for i in 0..300 {
        must("put", put(D, &format!("many/f{i:03}"), b""));
    }
    let fd = must("open", open_dir(D, "many"));
    let ents = must("readdir 100-byte buffer", readdir_all_with(fd, 100));
    ckv("entries", ents.len(), 302);
    let mut n = sorted_names(&ents);
    n.dedup();
    ckv("distinct", n.len(), 302);
}

fn readdir_long_names(_: &Opts) {
    must("mkdir", mkdir(D, "ln"));
    let a = "a".repeat(255);
    let b = "b".repeat(200);
    must("put", put(D, &format!("ln/{a}"), b""));
    must("put", put(D, &format!("ln/{b}"), b""));
    let fd = must("open", open_dir(D, "ln"));
    let ents = must("readdir 300-byte buffer", readdir_all_with(fd, 300));
    let lens: Vec<usize> = {
        let mut v: Vec<usize> = ents.iter().map(|e| e.name.len()).collect();
        v.sort();
        v
    };
    ckv("name lengths", lens, vec![1, 2, 200, 255]);
}

fn readdir_unicode_names(_: &Opts) {
    must("mkdir", mkdir(D, "u"));
    for n in ["é", "日本", "emoji-🎉", "mixed-Ünïcödé"] {
        must("put", put(D, &format!("u/{n}"), n.as_bytes()));
    }
    let fd = must("open", open_dir(D, "u"));
    let names: Vec<String> = sorted_names(&must("readdir", readdir_all(fd)));
    for n in &names {
        say(&format!("  {n}"));
    }
    ckv("open u/日本", get_s(D, "u/日本"), Ok("日本".into()));
}
