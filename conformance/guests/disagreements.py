#!/usr/bin/env python3
"""Where a reference disagrees with a case, and why (python3 disagreements.py writes the
"wasmtime_disagrees", "node_disagrees" and "native_differs" fields into the case files).

The expectations follow, in this order: wasibox's recorded decisions (conformance/cases/
README.md), then what Linux gives for the same operation (checked by running the C guests
natively, see native-ref.py), then Linux-hosted wasmtime 48 (wasmtime-ref.py) for what has
no Linux counterpart. Every case a reference does not pass is listed here with the reason.
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "cases"

# ---- wasmtime 48 (wasmtime-wasi's preview1 over preview2, through the C API) -------------

W_TRAP_PTR = ("wasmtime traps (ends the guest) on an out-of-bounds or misaligned guest pointer; "
              "wasibox returns EFAULT (out of bounds, wrapping past 2^32) or EINVAL (misaligned)")
W_TRAP_ENUM = ("wasmtime traps on an invalid enum or flag value (clock id, whence, advice, fstflags, "
               "signal); wasibox returns EINVAL")
W_EXIT = ("wasmtime traps on proc_exit with a status >= 126 ('exit with invalid exit status outside of "
          "[0..126)'); wasibox reports the status given, as a full u32")
W_EPERM = "wasmtime (cap-std) reports a path that escapes the preopen as EPERM; wasibox decided ENOTCAPABLE"
W_ABS = ("wasmtime (cap-std) refuses to follow or read an absolute symlink (EPERM); wasibox "
         "resolves an absolute target inside the preopen, as if it were the root")
W_ALLOC = "wasmtime's fd_allocate is a stub (ENOTSUP); wasibox allocates (Linux posix_fallocate)"
W_RIGHTS = "wasmtime's fd_fdstat_set_rights is a stub (ENOTSUP); wasibox narrows the rights"
W_IOV = ("wasmtime's preview1 layer moves only the first non-empty iovec per call (a legal short "
         "read/write); wasibox, like readv/writev on Linux, fills or drains every iovec")
W_TRAIL = "wasmtime mishandles a trailing slash here; the case follows Linux"
W_LINUX = "wasmtime gives another errno than Linux for the same operation; the case follows Linux"
W_NOTDIR = ("wasmtime answers EBADF when the directory fd of a path call is a file (but ENOTDIR in "
            "path_open); the case follows Linux: ENOTDIR for every path call")
W_DIR_FD = ("wasmtime refuses this call on a directory fd (EBADF); Linux allows it (read/pread: "
            "EISDIR, fsync/fdatasync/posix_fadvise: success, ftruncate: EINVAL)")
W_LINKFOLLOW = ("wasmtime refuses LOOKUP_SYMLINK_FOLLOW in path_link (EINVAL); Linux linkat(AT_SYMLINK_FOLLOW) "
                "links the target")
W_CPUTIME = "wasmtime has no CPU-time clocks (EBADF); wasibox provides them, like Linux"
W_ENOMEM = "wasmtime answers ENOMEM for a length that runs past the end of memory; wasibox EFAULT"
W_SEEK = "wasmtime lets fd_seek move past i64::MAX; Linux lseek gives EINVAL"
W_POLL_BADF = ("wasmtime fails the whole poll_oneoff with EBADF; the spec (and Linux poll's POLLNVAL) "
               "reports the error in that subscription's event")
W_PRESTAT = "wasmtime answers ENOTDIR for fd_prestat_dir_name on stdout; the spec and uvwasi say EBADF"
W_NOFOLLOW_DIR = ("wasmtime gives ELOOP for O_DIRECTORY without LOOKUP_SYMLINK_FOLLOW on a symlink; "
                  "Linux (and wasibox's decision) give ENOTDIR")
W_UTIME_NOW = "wasmtime refuses ATIM_NOW alone in path_filestat_set_times (EINVAL); Linux sets it"
W_RAISE = "wasmtime traps on proc_raise"

WASMTIME = {
    "args_env/args_get_exact_buffer": W_TRAP_PTR,
    "badf/enotdir_path_calls_on_file_fd": W_NOTDIR,
    "clock/clock_res_cputime": W_CPUTIME,
    "clock/clock_time_cputime": W_CPUTIME,
    "clock/clock_res_invalid_id": W_TRAP_ENUM,
    "clock/clock_time_invalid_id": W_TRAP_ENUM,
    "fd/fd_advise_invalid": W_TRAP_ENUM,
    "fd/fd_filestat_set_times_invalid": W_TRAP_ENUM,
    "fd/fd_seek_invalid_whence": W_TRAP_ENUM,
    "fd/fd_allocate_grow": W_ALLOC,
    "fd/fd_allocate_within": W_ALLOC,
    "rights/fd_allocate_readonly": W_ALLOC,
    "posix/c_fallocate_grows": W_ALLOC,
    "fd/fd_filestat_set_size_dir": W_DIR_FD,
    "fd/fd_pread_directory": W_DIR_FD,
    "fd/fd_read_directory": W_DIR_FD,
    "fd/fd_sync_dir": W_DIR_FD,
    "std/std_fs_read_write": W_DIR_FD,
    "fd/fd_pread_scatter": W_IOV,
    "fd/fd_read_scatter": W_IOV,
    "fd/fd_write_gather": W_IOV,
    "stdio/fd_write_stdout": W_IOV,
    "posix/c_readv_writev": W_IOV,
    "hostile/wat_overlap_read": W_IOV,
    "hostile/wat_overlap_write": W_IOV,
    "fd/fd_seek_overflow": W_SEEK,
    "hostile/huge_iovs_len": W_ENOMEM,
    "hostile/path_len_huge": W_ENOMEM,
    "hostile/wat_efault_bounds": W_TRAP_PTR,
    "hostile/wat_memory_grow": W_TRAP_PTR,
    "hostile/wat_misaligned": W_TRAP_PTR,
    "layout/wat_seek_whence": W_TRAP_ENUM,
    "posix/c_lseek_whence": W_TRAP_ENUM,
    "link/link_symlink_follow": W_LINKFOLLOW,
    "posix/c_linkat_follow": W_LINKFOLLOW,
    "path_filestat/path_filestat_loop": W_TRAIL,
    "path_filestat/path_filestat_not_dir_fd": W_NOTDIR,
    "path_open/open_relative_to_file": W_NOTDIR,
    "poll/poll_fd_badf": W_POLL_BADF,
    "posix/c_mkdir_rmdir": W_TRAIL,
    "posix/c_open_directory_flag": W_NOFOLLOW_DIR,
    "symlink/symlink_open_nofollow_directory": W_NOFOLLOW_DIR,
    "posix/c_utimensat_times": W_UTIME_NOW,
    "posix/c_poll_files": ("wasmtime sometimes reports only one of two ready subscriptions; Linux poll "
                           "reports both (a regular file is always readable and writable)"),
    "prestat/fd_prestat_dir_name_not_preopen": W_PRESTAT,
    "proc/proc_raise_invalid_signal": W_TRAP_ENUM,
    "readdir/readdir_badf": W_LINUX + " (getdents on a non-directory: ENOTDIR; wasmtime EBADF)",
    "readdir/readdir_on_file": W_LINUX + " (getdents on a non-directory: ENOTDIR; wasmtime EBADF)",
    "rights/fd_fdstat_set_rights_narrow": W_RIGHTS,
    "rights/fd_fdstat_set_rights_widen": W_RIGHTS,
    "rmdir/rmdir_dot": W_LINUX + " (rmdir of a path ending in '..': ENOTEMPTY; wasmtime EINVAL)",
    "symlink/path_readlink_basic": W_ABS,
    "symlink/symlink_absolute_target": W_ABS,
    "readdir/c_find": W_ABS,
    "trailing_slash/path_filestat_trailing_slash": W_TRAIL,
    "trailing_slash/path_symlink_trailing_slash": W_TRAIL,
    "trailing_slash/rename_trailing_slash_file": W_TRAIL,
    "trailing_slash/rmdir_trailing_slash": W_TRAIL,
    "trailing_slash/symlink_trailing_slash": W_TRAIL,
    "trailing_slash/unlink_trailing_slash": W_TRAIL,
    "stdio/c_cat_escape": W_EPERM,
    "std/std_fs_sandbox": W_EPERM,
}
for _n in ["args", "clock", "environ", "fd_pread", "fd_pwrite", "fd_read", "fd_readdir", "fd_seek_tell",
           "fd_stat", "fd_write", "path_calls", "path_open", "path_readlink", "path_two_paths", "poll_oneoff",
           "prestat", "random"]:
    WASMTIME[f"hostile/efault_{_n}"] = W_TRAP_PTR
for _n in ["clock", "fd_stat", "iovecs", "path", "poll", "results", "sizes"]:
    WASMTIME[f"hostile/einval_misaligned_{_n}"] = W_TRAP_PTR
for _n in ["link_escape", "mkdir_absolute", "mkdir_escape", "open_absolute", "open_dotdot_escape",
           "open_dotdot_escape_deep", "path_filestat_absolute", "path_filestat_escape",
           "path_symlink_escape_linkpath", "rename_escape", "rmdir_escape", "symlink_escape_target",
           "symlink_escape_via_dotdot_chain", "unlink_escape"]:
    WASMTIME[f"sandbox/{_n}"] = W_EPERM
for _n in ["proc/proc_exit_126", "proc/proc_exit_255", "proc/proc_exit_256", "proc/proc_exit_1000",
           "proc/std_exit_255", "proc/c_exit_255", "proc/c_exit_256", "proc/wat_exit_126", "proc/wat_exit_255",
           "proc/wat_exit_256", "proc/wat_exit_1000", "proc/wat_exit_65536", "proc/wat_exit_4294967295"]:
    WASMTIME[_n] = W_EXIT

# ---- native Linux (the C guests built with gcc, run on the host) -----------------------------

NATIVE = {
    "stdio/c_cat_escape": "a sandbox escape: natively the path is resolved on the host (ENOENT)",
    "proc/c_exit_256": "natively the OS keeps the low 8 bits of the status (0); WASI passes the full value",
}

# ---- Node.js 20 (uvwasi) -----------------------------------------------------------------------
# node-disagreements.json, made from node-ref.mjs logs by `disagreements.py --node-log LOG...`:
# the reason is the first differences Node showed.
NODE_FILE = HERE / "node-disagreements.json"
NODE = json.loads(NODE_FILE.read_text(encoding="utf-8")) if NODE_FILE.exists() else {}


def node_from_logs(logs):
    """Reasons for every case node-ref.mjs reported as FAIL in the given logs."""
    import re
    out = {}
    for log in logs:
        text = Path(log).read_text(encoding="utf-8", errors="replace")
        for block in re.split(r"\n(?=FAIL  |ok    |known )", text):
            if not block.startswith(("FAIL  ", "known ")):
                continue
            path = block.split("\n", 1)[0][6:].split("  [")[0].strip()
            key = path.replace("conformance/cases/", "").removesuffix(".json")
            case = json.loads((CASES / f"{key}.json").read_text(encoding="utf-8"))
            items = []
            m = re.search(r'stderr: expected .*\n\s+got "(.*)"', block)
            if m:
                items = [x[9:] for x in m.group(1).split("\\n") if x.startswith("MISMATCH ")]
            crash = re.search(r"node crashed \(([^)]*)\)", block)
            if crash:
                items = ["node:wasi " + ("hangs (killed after 20 s)" if crash.group(1) == "SIGTERM" else f"crashes ({crash.group(1)})")]
            if not items:
                m = re.search(r"exit_code: expected \S+ got \S+", block)
                if m:
                    items = [m.group(0)]
                elif "tree " in block:
                    items = ["the resulting tree differs"]
                else:
                    items = ["the output differs"]
            detail = "; ".join(i.replace("\\\"", '"') for i in items[:2])
            if case.get("version") == "unstable":
                why = "Node aliases wasi_unstable to preview1 (preview1 layouts and whence numbering) and enforces rights"
            elif any("ENOTCAPABLE" in i and "got ENOTCAPABLE" in i for i in items) and case.get("rights_policy") != "enforce":
                why = "uvwasi enforces rights (like the enforce policy)"
            else:
                why = "uvwasi differs"
            out[key] = f"{why}: {detail}"[:300]
    return out


def apply():
    fields = {"wasmtime_disagrees": WASMTIME, "node_disagrees": NODE, "native_differs": NATIVE}
    known = set()
    for d in fields.values():
        known |= set(d)
    n = 0
    for path in sorted(CASES.rglob("*.json")):
        if "fixtures" in path.parts:
            continue
        key = str(path.relative_to(CASES).with_suffix(""))
        known.discard(key)
        case = json.loads(path.read_text(encoding="utf-8"))
        before = json.dumps(case, sort_keys=True)
        for field, table in fields.items():
            if key in table:
                case[field] = table[key]
            else:
                case.pop(field, None)
        if json.dumps(case, sort_keys=True) != before:
            sys.path.insert(0, str(HERE))
            ref = __import__("wasmtime-ref")
            ref.write_case(path, case)
            n += 1
    for k in sorted(known):
        print(f"warning: no case {k}")
    print(f"{n} case files updated")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--node-log":
        table = node_from_logs(sys.argv[2:])
        NODE_FILE.write_text(json.dumps(dict(sorted(table.items())), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        NODE.clear()
        NODE.update(table)
        print(f"{len(table)} Node disagreements")
    apply()
