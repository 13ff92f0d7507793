#!/usr/bin/env python3
"""Linux check for the C guests: build them natively with gcc and run their cases on
the host, in a temporary directory holding a copy of each fixture under its guest name.

    python3 conformance/guests/native-ref.py [--bless] [CASE.json|DIR...]   (default: all c/ cases)

What Linux does for the same POSIX call is the tie-breaker when the WASI references
disagree. Cases that depend on the WASI sandbox (ENOTCAPABLE, absolute guest paths)
or on WASI-only behaviour cannot match natively: they say "native_differs": "reason".
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ref = __import__("wasmtime-ref")
BUILD = Path(tempfile.gettempdir()) / "wasibox-native-guests"


def build(name):
    src = HERE / "c" / f"{name}.c"
    exe = BUILD / name
    BUILD.mkdir(exist_ok=True)
    if not exe.exists() or exe.stat().st_mtime < max(src.stat().st_mtime, (HERE / "c" / "check.h").stat().st_mtime):
        subprocess.run(["gcc", "-O1", "-D_GNU_SOURCE", "-w", "-o", str(exe), str(src)], check=True)
    return exe


def run(cp):
    case = ref.load_case(cp)
    lang, name = case["guest"].split("/", 1)
    exe = build(name)
    tmp = Path(tempfile.mkdtemp(prefix="nat-"))
    try:
        pre = []
        for guest, rel in ref.preopen_list(case):
            host = tmp / guest.strip("/")
            shutil.copytree(ref.resolve_fixture(cp, rel), host, symlinks=True)
            pre.append((rel, host))
        p = subprocess.run([str(exe)] + case.get("args", []), cwd=tmp, input=case.get("stdin", "").encode(),
                           capture_output=True, env=dict(case.get("env", {})), timeout=60)
        code = p.returncode if p.returncode >= 0 else 128 - p.returncode
        return case, {
            "exit_code": code,
            "stdout": p.stdout.decode("utf-8", "replace"),
            "stderr": p.stderr.decode("utf-8", "replace"),
            "tree": {rel: ref.snapshot_tree(host) for rel, host in pre},
            "trap": None,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    args = sys.argv[1:]
    bless = "--bless" in args
    args = [a for a in args if a != "--bless"]
    paths = args or [str(HERE.parent / "cases")]
    npass = nfail = nknown = 0
    for cp in ref.expand(paths):
        case = ref.load_case(cp)
        g = case.get("guest", "")
        if not g.startswith("c/") or not (HERE / "c" / (g[2:] + ".c")).exists() or case.get("version") == "unstable" or case.get("reactor"):
            continue
        src = HERE / "c" / (g[2:] + ".c")
        if "// build: freestanding" in src.read_text()[:300]:
            continue
        case, result = run(cp)
        if bless:
            ref.bless(cp, case, result)
            continue
        diffs = ref.compare(case, result)
        if not diffs:
            npass += 1
        elif case.get("native_differs"):
            nknown += 1
            print(f"known {cp}  [native_differs: {case['native_differs']}]")
        else:
            nfail += 1
            print(f"FAIL {cp}")
            for d in diffs:
                print("    " + d)
    print(f"native-ref: {npass} passed, {nfail} failed, {nknown} known differences")
    sys.exit(1 if nfail else 0)


if __name__ == "__main__":
    main()
