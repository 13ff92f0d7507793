#!/usr/bin/env python3
"""Create or refresh the case files of the multi-case guests (rust/raw, c/unstable, ...).

    python3 conformance/guests/gen-cases.py OUT_DIR

Each multi-case guest answers `--list` with one line per case:
    name<TAB>area<TAB>functions (space separated)<TAB>dirs<TAB>policy
where dirs is space-separated fixture names, or `@GUEST=fixture` for a preopen
under another guest path. This script writes conformance/cases/<area>/<prefix><name>.json
with args, env, stdin, dirs/preopens, functions and rights_policy; expectations
already present in an existing file (exit_code, stdout, stderr, tree, notes) are kept.
Fill in new expectations with `wasmtime-ref.py --bless` and review them.
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CASES = HERE.parent / "cases"

ref = __import__("wasmtime-ref")

# Per-case extras: arguments after the case name, environment, stdin, version.
EXTRA = {
    "args_sizes": {"args": ["", "=", "ü"]},
    "args_values": {"args": ["", "a b", "=", "k=v", "héllo", "日本語", "--flag", " "]},
    "args_layout": {"args": ["x", "", "yz"]},
    "args_get_exact_buffer": {"args": ["abc"]},
    "environ_values": {"env": {"A": "1", "EMPTY": "", "EQ": "a=b=c", "UNI": "ü€", "SPACE": "x y"}},
    "environ_layout": {"env": {"FOO": "bar", "BAZ": ""}},
    "efault_environ": {"env": {"A": "1"}},
    "einval_misaligned_sizes": {"env": {"A": "1"}},
    "fd_read_stdin": {"stdin": "line one\nline two\n"},
    "fd_read_stdin_small_reads": {"stdin": "abcdefgh"},
    "poll_fd_read_stdin": {"stdin": "ready\n"},
    "args_env": {"args": ["x", "y z"], "env": {"ONLY": "v=1"}},
}

GUESTS = {
    # guest: (file name prefix, version)
    "rust/raw": ("", "preview1"),
    "c/posix": ("c_", "preview1"),
    "rust/std_fs": ("std_fs_", "preview1"),
    "c/unstable": ("c_unstable_", "unstable"),
}


def list_cases(out_dir, guest):
    import wasmtime
    import tempfile
    engine = wasmtime.Engine()
    mod = ref.guest_module(out_dir, guest)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = wasmtime.WasiConfig()
        cfg.argv = [mod.name, "--list"]
        cfg.stdout_file = f"{tmp}/out"
        store = wasmtime.Store(engine)
        store.set_wasi(cfg)
        linker = wasmtime.Linker(engine)
        if GUESTS[guest][1] == "unstable":
            return native_list(guest)
        linker.define_wasi()
        inst = linker.instantiate(store, wasmtime.Module.from_file(engine, str(mod)))
        try:
            inst.exports(store)["_start"](store)
        except wasmtime.ExitTrap:
            pass
        return Path(f"{tmp}/out").read_text().splitlines()


def native_list(guest):
    # wasmtime's C API has no wasi_unstable: list through Node (args_get and fd_write
    # have the same ABI in both versions, so Node's aliasing does not matter here).
    import subprocess
    mod = ref.guest_module(sys.argv[1], guest)
    js = ("const {WASI}=require('node:wasi');const fs=require('fs');"
          "const w=new WASI({version:'unstable',args:['g','--list'],returnOnExit:true});"
          "const i=new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(process.argv[1])),w.getImportObject());"
          "w.start(i);")
    out = subprocess.run(["node", "-e", js, str(mod)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()


# Single cases of single-purpose guests: (area, file name, guest, functions, fields).
BF = ["fixtures/base", "fixtures/other"]
SINGLE = [
    ("std", "tree_copy_basic", "rust/std_tree_copy", "fd_readdir path_open fd_read fd_write path_create_directory path_readlink path_symlink environ_get args_get proc_exit",
     {"args": ["base", "other/copy"], "env": {"COPY_LABEL": "first copy", "COPY_SKIP": "abs_link"}, "dirs": BF}),
    ("std", "tree_copy_with_absolute_link", "rust/std_tree_copy", "fd_readdir path_readlink path_symlink",
     {"args": ["base", "other/copy"], "dirs": BF}),
    ("std", "tree_copy_exit_code", "rust/std_tree_copy", "proc_exit fd_readdir",
     {"args": ["base/dir", "other/d", "3"], "dirs": BF}),
    ("std", "tree_copy_missing_source", "rust/std_tree_copy", "fd_readdir path_create_directory",
     {"args": ["base/nope", "other/x"], "dirs": BF}),
    ("std", "tree_copy_escape", "rust/std_tree_copy", "path_create_directory",
     {"args": ["base", "base/../outside"], "dirs": BF}),
    ("std", "tree_copy_into_same_preopen", "rust/std_tree_copy", "fd_readdir path_open",
     {"args": ["base/dir", "base/dir2", "0"], "env": {"COPY_LABEL": ""}, "dirs": ["fixtures/base"]}),
    ("std", "tree_copy_other", "rust/std_tree_copy", "fd_readdir path_open",
     {"args": ["other", "base/o2", "125"], "dirs": BF}),
    ("args_env", "std_args_unicode", "rust/std_env", "args_get args_sizes_get",
     {"args": ["args", "", "=", "a=b", "ü", "日本", "with space", "-x", "\\"]}),
    ("args_env", "std_args_none", "rust/std_env", "args_get args_sizes_get", {"args": ["args"]}),
    ("args_env", "std_env_vars", "rust/std_env", "environ_get environ_sizes_get",
     {"args": ["env"], "env": {"PATH": "/bin", "EMPTY": "", "EQUALS": "x=y=z", "UNICODE": "ñ€😀", "lower": "v"}}),
    ("args_env", "std_env_none", "rust/std_env", "environ_get environ_sizes_get", {"args": ["env"]}),
    ("args_env", "std_env_get", "rust/std_env", "environ_get",
     {"args": ["get", "HOME", "EMPTY", "UNI", "A"], "env": {"EMPTY": "", "UNI": "ñ", "A": "1"}}),
    ("args_env", "std_cwd", "rust/std_env", "fd_prestat_get", {"args": ["cwd"]}),
    ("proc", "std_exit_0", "rust/std_env", "proc_exit", {"args": ["exit", "0"]}),
    ("proc", "std_exit_17", "rust/std_env", "proc_exit", {"args": ["exit", "17"]}),
    ("proc", "std_exit_125", "rust/std_env", "proc_exit", {"args": ["exit", "125"]}),
    ("proc", "std_exit_255", "rust/std_env", "proc_exit", {"args": ["exit", "255"]}),
    ("stdio", "std_io_upper", "rust/std_io", "fd_read fd_write", {"args": ["upper"], "stdin": "hello\nWörld\nlast line without newline"}),
    ("stdio", "std_io_wc", "rust/std_io", "fd_read", {"args": ["wc"], "stdin": "one two\n three \n\nfour"}),
    ("stdio", "std_io_wc_empty", "rust/std_io", "fd_read", {"args": ["wc"]}),
    ("stdio", "std_io_interleave", "rust/std_io", "fd_write", {"args": ["interleave"]}),
    ("stdio", "std_io_big", "rust/std_io", "fd_write", {"args": ["big"]}),
    ("stdio", "std_io_bytes", "rust/std_io", "fd_read", {"args": ["bytes"], "stdin": "é\u0000\u0001~"}),
    ("proc", "c_exit_0", "c/progs", "proc_exit", {"args": ["exit", "0"]}),
    ("proc", "c_exit_3", "c/progs", "proc_exit", {"args": ["exit", "3"]}),
    ("proc", "c_exit_125", "c/progs", "proc_exit", {"args": ["exit", "125"]}),
    ("proc", "c_exit_255", "c/progs", "proc_exit", {"args": ["exit", "255"]}),
    ("proc", "c_exit_256", "c/progs", "proc_exit", {"args": ["exit", "256"]}),
    ("proc", "c_return_7", "c/progs", "proc_exit", {"args": ["return", "7"]}),
    ("args_env", "c_env", "c/progs", "environ_get environ_sizes_get",
     {"args": ["env", "A", "B", "MISSING"], "env": {"A": "1", "B": "", "C": "x=y", "D_UNICODE": "ü"}}),
    ("args_env", "c_env_empty", "c/progs", "environ_get environ_sizes_get", {"args": ["env"]}),
    ("args_env", "c_args", "c/progs", "args_get args_sizes_get", {"args": ["args", "", "a b", "ü", "--", "x=1"]}),
    ("stdio", "c_cat", "c/progs", "path_open fd_read fd_write", {"args": ["cat", "base/file.txt", "base/dir/a.txt", "-"], "stdin": "from stdin\n", "dirs": ["fixtures/base"]}),
    ("stdio", "c_cat_missing", "c/progs", "path_open", {"args": ["cat", "base/nope", "base/file.txt"], "dirs": ["fixtures/base"]}),
    ("stdio", "c_cat_escape", "c/progs", "path_open", {"args": ["cat", "base/../x", "base/escape_link"], "dirs": ["fixtures/base"]}),
    ("stdio", "c_lines", "c/progs", "fd_read", {"args": ["lines"], "stdin": "a\nbb\n\nccc"}),
    ("stdio", "c_printf", "c/progs", "fd_write", {"args": ["printf"]}),
    ("stdio", "c_stderr", "c/progs", "fd_write", {"args": ["stderr"]}),
    ("readdir", "c_find", "c/progs", "fd_readdir path_filestat_get path_readlink", {"args": ["find", "base", "other"], "dirs": BF}),
    ("readdir", "c_find_missing", "c/progs", "fd_readdir", {"args": ["find", "base/nope", "base/file.txt"], "dirs": ["fixtures/base"]}),
    ("fd", "c_append", "c/progs", "path_open fd_write fd_read", {"args": ["append", "base/file.txt", "more"], "dirs": ["fixtures/base"]}),
    ("fd", "c_append_new", "c/progs", "path_open fd_write", {"args": ["append", "base/new.txt", "x"], "dirs": ["fixtures/base"]}),
    ("proc", "c_reactor", "c/reactor", "fd_write environ_get", {"reactor": True, "invoke": "step", "env": {"REACTOR_START": "41"}}),
    ("proc", "c_reactor_no_env", "c/reactor", "fd_write environ_get", {"reactor": True, "invoke": "step"}),
]


def wat_cases():
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_wat", HERE / "wat" / "gen-wat.py")
    gw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gw)
    out = []
    for area, name, guest, funcs, fields in gw.CASES:
        f = dict(fields)
        exp = gw.expected_stdout(guest)
        if f.get("version") == "unstable" and exp is not None and not f.get("args") and not f.get("env"):
            # wasmtime's C API and Node cannot run wasi_unstable correctly: the expectation
            # is what the module asserts.
            f["stdout"] = exp
            f["stderr"] = ""
        out.append((area, name, guest, funcs, f))
    return out


def write_singles():
    for area, name, guest, funcs, fields in SINGLE + wat_cases():
        path = CASES / area / f"{name}.json"
        case = ref.load_case(path) if path.exists() else {}
        case["guest"] = guest
        case["functions"] = funcs.split()
        for k, v in fields.items():
            case[k] = v
        case.setdefault("exit_code", 0)
        path.parent.mkdir(parents=True, exist_ok=True)
        ref.write_case(path, case)


def main():
    out_dir = sys.argv[1]
    only = sys.argv[2:] or list(GUESTS) + ["single"]
    if "single" in only:
        write_singles()
        only = [g for g in only if g != "single"]
    for guest in only:
        prefix, version = GUESTS[guest]
        n_new = 0
        for line in list_cases(out_dir, guest):
            if not line.strip() or line.startswith("#"):
                continue
            name, area, funcs, dirs, policy = line.split("\t")
            path = CASES / area / f"{prefix}{name}.json"
            case = ref.load_case(path) if path.exists() else {}
            if not case:
                n_new += 1
            ex = EXTRA.get(name, {})
            case["guest"] = guest
            case["functions"] = funcs.split()
            if version != "preview1":
                case["version"] = version
            if policy != "compat":
                case["rights_policy"] = policy
            case["args"] = [name] + ex.get("args", [])
            if ex.get("env"):
                case["env"] = ex["env"]
            if ex.get("stdin"):
                case["stdin"] = ex["stdin"]
            ds, pre = [], {}
            for d in dirs.split():
                if d.startswith("@"):
                    g, f = d[1:].split("=")
                    pre[g] = f"fixtures/{f}"
                else:
                    ds.append(f"fixtures/{d}")
            if ds:
                case["dirs"] = ds
            if pre:
                case["preopens"] = pre
            case.setdefault("exit_code", 0)
            path.parent.mkdir(parents=True, exist_ok=True)
            ref.write_case(path, case)
        print(f"{guest}: {n_new} new case files")


if __name__ == "__main__":
    main()
