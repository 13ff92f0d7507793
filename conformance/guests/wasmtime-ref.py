#!/usr/bin/env python3
"""Reference runner: runs wasibox conformance cases under real wasmtime on Linux.

    pip install wasmtime==48.0.0
    python3 conformance/guests/wasmtime-ref.py OUT_DIR CASE.json...   (or a directory of cases)

OUT_DIR is the directory build.sh filled (rust/<bin>.wasm, c/<name>.wasm, wat/<name>.wat).
Each case runs in a fresh store with fresh copies of its fixtures; exit code, stdout,
stderr and the resulting trees are compared with the case. `--bless` rewrites the
expectations from the run (review the diff before committing!). wasmtime's C API only
offers wasi_snapshot_preview1: cases with "version": "unstable" are skipped, and so is
anything marked "wasmtime_disagrees" (unless --all).
This is a development aid for writing cases; the real runner is the
wasibox-conformance crate.
"""
import argparse
import re
import json
import os
import shutil
import stat as S
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_ROOT = HERE.parent / "cases"


def load_case(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def resolve_fixture(case_path, rel):
    p = CASES_ROOT / rel
    if p.is_dir():
        return p
    p = Path(case_path).parent / rel
    if p.is_dir():
        return p
    raise SystemExit(f"{case_path}: fixture directory {rel!r} not found")


def preopen_list(case):
    """[(guest_path, fixture_rel)] in fd order (3, 4, ...)."""
    out = [(Path(d).name, d) for d in case.get("dirs", [])]
    for guest, rel in case.get("preopens", {}).items():
        out.append((guest, rel))
    return out


def snapshot_tree(root):
    lines = []

    def walk(d, prefix):
        for name in sorted(os.listdir(d), key=lambda s: s.encode("utf-8", "surrogateescape")):
            full = os.path.join(d, name)
            rel = prefix + name
            st = os.lstat(full)
            if S.S_ISLNK(st.st_mode):
                lines.append(f"l {rel} -> {os.readlink(full)}")
            elif S.S_ISDIR(st.st_mode):
                lines.append(f"d {rel}")
                walk(full, rel + "/")
            elif S.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    data = f.read()
                lines.append(file_line(rel, data))
            else:
                lines.append(f"? {rel}")

    walk(root, "")
    lines.sort(key=path_of)
    return lines


def path_of(line):
    kind, rest = line.split(" ", 1)
    if kind == "l":
        rest = rest.rsplit(" -> ", 1)[0]
    elif kind == "f":
        rest = rest.split(" ")[0]
    return rest.encode("utf-8", "surrogateescape")


def file_line(rel, data):
    if len(data) == 0:
        return f"f {rel} 0"
    if len(data) <= 64 and all(0x20 <= b <= 0x7E for b in data):
        return f"f {rel} {len(data)} {data.decode('ascii')}"
    return f"f {rel} {len(data)} *"


def guest_module(out_dir, guest):
    if "/" not in guest:
        return Path(out_dir) / "missing" / "none"
    lang, name = guest.split("/", 1)
    if lang == "wat":
        return Path(out_dir) / "wat" / f"{name}.wat"
    return Path(out_dir) / lang / f"{name}.wasm"


_MODULES = {}


def run_case(case_path, out_dir, engine):
    import wasmtime

    case = load_case(case_path)
    tmp = Path(tempfile.mkdtemp(prefix="wref-"))
    try:
        pre = []
        for i, (guest, rel) in enumerate(preopen_list(case)):
            host = tmp / f"pre{i}"
            shutil.copytree(resolve_fixture(case_path, rel), host, symlinks=True)
            pre.append((guest, rel, host))
        modpath = guest_module(out_dir, case["guest"])
        key = (str(modpath), modpath.stat().st_mtime_ns)
        module = _MODULES.get(key)
        if module is None:
            if modpath.suffix == ".wat":
                module = wasmtime.Module(engine, wasmtime.wat2wasm(modpath.read_text()))
            else:
                module = wasmtime.Module.from_file(engine, str(modpath))
            _MODULES[key] = module
        cfg = wasmtime.WasiConfig()
        cfg.argv = [modpath.name] + case.get("args", [])
        cfg.env = list(case.get("env", {}).items())
        stdin = tmp / "stdin"
        stdin.write_bytes(case.get("stdin", "").encode("utf-8"))
        cfg.stdin_file = str(stdin)
        cfg.stdout_file = str(tmp / "stdout")
        cfg.stderr_file = str(tmp / "stderr")
        for guest, rel, host in pre:
            cfg.preopen_dir(str(host), guest)
        store = wasmtime.Store(engine)
        store.set_wasi(cfg)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        code = 0
        trap = None
        try:
            inst = linker.instantiate(store, module)
            if case.get("reactor"):
                ex = inst.exports(store)
                if "_initialize" in ex:
                    ex["_initialize"](store)
                ex[case["invoke"]](store)
            else:
                inst.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            msg = str(e)
            if "Caused by:" in msg:
                msg = msg.split("Caused by:", 1)[1]
            trap = " | ".join(l.strip() for l in msg.strip().splitlines())[:300]
            code = 134
        result = {
            "exit_code": code,
            "stdout": (tmp / "stdout").read_bytes().decode("utf-8", "replace"),
            "stderr": (tmp / "stderr").read_bytes().decode("utf-8", "replace"),
            "tree": {rel: snapshot_tree(host) for _, rel, host in pre},
            "trap": trap,
        }
        return case, result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare(case, result):
    diffs = []
    if case.get("exit_code", 0) != result["exit_code"]:
        diffs.append(f"exit_code: expected {case.get('exit_code', 0)} got {result['exit_code']}"
                     + (f" (trap: {result['trap']})" if result["trap"] else ""))
    for k in ("stdout", "stderr"):
        if k in case and case[k] != result[k]:
            diffs.append(f"{k}: expected {case[k]!r}\n          got {result[k]!r}")
    for rel, lines in case.get("tree", {}).items():
        got = result["tree"].get(rel)
        if got != lines:
            diffs.append(f"tree {rel}: expected {lines}\n          got {got}")
    return diffs


MISMATCH_RE = re.compile(r"^MISMATCH (.*): expected (.*), got (.*)$")


def derive_expected(stdout, stderr):
    """What a checker guest (rust/raw, c/...) would print if every check had matched.

    Checker guests print `label: VALUE` or `label = VALUE` per check, and for each check
    that did not match a line `MISMATCH label: expected E, got G` on stderr. Replacing G by
    E in the matching stdout line gives the output the guest expects. Returns
    (stdout, stderr without MISMATCH lines, number of mismatches not found in stdout).
    """
    lines = stdout.split("\n")
    rest = []
    unresolved = 0
    used = set()
    for line in stderr.split("\n"):
        m = MISMATCH_RE.match(line)
        if not m:
            rest.append(line)
            continue
        label, exp, got = m.groups()
        for i, l in enumerate(lines):
            if i in used:
                continue
            for sep in (": ", " = "):
                if l == f"{label}{sep}{got}":
                    lines[i] = f"{label}{sep}{exp}"
                    used.add(i)
                    break
            else:
                continue
            break
        else:
            unresolved += 1
    return "\n".join(lines), "\n".join(rest), unresolved


def expand(paths):
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*.json") if "fixtures" not in x.parts)
        else:
            yield p


def bless(cp, case, result):
    """Record a run's results as the case's expectations (for checker guests, the
    expectations the guest encodes: see derive_expected). Prints what needs review."""
    if result["trap"]:
        print(f"REVIEW {cp}: trap: {result['trap']} (not blessed)")
        return
    out, err, unresolved = derive_expected(result["stdout"], result["stderr"])
    code = result["exit_code"]
    mismatched = "MISMATCH" in result["stderr"]
    if mismatched and code == 1:
        code = 0
    if unresolved:
        print(f"REVIEW {cp}: {unresolved} mismatch(es) not found in stdout (not blessed)")
        return
    case["exit_code"] = code
    case["stdout"] = out
    case["stderr"] = err
    if result["tree"]:
        case["tree"] = result["tree"]
    write_case(cp, case)
    if mismatched:
        print(f"DERIVED {cp}: " + "; ".join(l[9:] for l in result["stderr"].splitlines() if l.startswith("MISMATCH")))
        if result["tree"]:
            print(f"    REVIEW the tree of {cp}: the reference run did not do what the guest expects")
    else:
        print(f"blessed {cp} (exit {code})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--bless", action="store_true", help="write the observed results into the cases")
    ap.add_argument("--all", action="store_true", help="also run cases marked wasmtime_disagrees")
    ap.add_argument("-q", action="store_true")
    ap.add_argument("--bless-from-node", action="store_true",
                    help="bless with node-ref.mjs's run instead (for cases wasmtime traps on)")
    args = ap.parse_args()
    import wasmtime
    engine = wasmtime.Engine()
    npass = nfail = nskip = 0
    for cp in expand(args.cases):
        case = load_case(cp)
        if (case.get("version") == "unstable" and not args.bless_from_node) or (case.get("rights_policy") == "enforce" and not (args.bless or args.bless_from_node)):
            nskip += 1
            continue
        if case.get("wasmtime_disagrees") and not args.all and not args.bless and not args.bless_from_node:
            nskip += 1
            continue
        if not guest_module(args.out_dir, case.get("guest", "")).exists():
            nskip += 1  # not one of build.sh's guests (e.g. upstream testsuite modules)
            continue
        if args.bless_from_node:
            import subprocess
            out = subprocess.run(["node", str(HERE / "node-ref.mjs"), "--json", args.out_dir, str(cp)],
                                 capture_output=True, text=True, check=True).stdout
            result = json.loads(out)[str(cp)]
            bless(cp, case, result)
            continue
        case, result = run_case(cp, args.out_dir, engine)
        if args.bless:
            bless(cp, case, result)
            continue
        diffs = compare(case, result)
        if diffs:
            nfail += 1
            print(f"FAIL {cp}" + (f"  [wasmtime_disagrees: {case['wasmtime_disagrees']}]" if case.get("wasmtime_disagrees") else ""))
            for d in diffs:
                print("    " + d)
        else:
            npass += 1
            if not args.q:
                print(f"ok   {cp}")
    print(f"wasmtime-ref: {npass} passed, {nfail} failed, {nskip} skipped")
    sys.exit(1 if nfail else 0)


KEY_ORDER = ["guest", "functions", "version", "rights_policy", "reactor", "invoke", "args", "env",
             "stdin", "dirs", "preopens", "exit_code", "stdout", "stderr", "tree",
             "node_disagrees", "wasmtime_disagrees", "note"]


def write_case(path, case):
    ordered = {k: case[k] for k in KEY_ORDER if k in case}
    for k in case:
        if k not in ordered:
            ordered[k] = case[k]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(ordered, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
