#!/usr/bin/env python3
"""Run conformance cases through the wasm2c C host of the wasibox C API.

For every guest a case needs, the guest's .wasm (or .wat, through wat2wasm) is translated
to C by wasm2c and linked with capi/examples/c-host/host.c, the wasm2c runtime and
libwasibox_capi.a: one native executable per guest, rebuilt when an input changes. Each
case then runs on a fresh copy of its fixtures, and its exit code, stdout and (posix)
resulting directory trees are compared with the case's expectations (wasibox's own
where the case records them). Prints one line per failure and
`capi: N passed, M failed`; exits 1 if anything failed.

Usage: run_cases.py --lib LIB.a --guests GUESTS_DIR --out BUILD_DIR
                    [--backend posix|mem]... CASES_LIST
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "conformance" / "cases"
HOST_C = ROOT / "capi" / "examples" / "c-host" / "host.c"
HEADER_DIR = ROOT / "capi" / "include"
CC = os.environ.get("CC", "cc")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        sys.stderr.write(r.stderr.decode(errors="replace"))
        raise SystemExit(f"run_cases: failed: {' '.join(map(str, cmd))}")
    return r


def newest(*paths):
    return max(p.stat().st_mtime for p in paths)


def build_host(guest, guests_dir, out, lib):
    """The C host executable for guest `lang/name`, built when missing or stale."""
    lang, name = guest.split("/", 1)
    src = guests_dir / lang / f"{name}.{'wat' if lang == 'wat' else 'wasm'}"
    d = out / f"{lang}_{name}"
    d.mkdir(parents=True, exist_ok=True)
    exe = d / "host"
    header = HEADER_DIR / "wasibox.h"
    if exe.exists() and exe.stat().st_mtime > newest(src, lib, HOST_C, header):
        return exe, src.name
    wasm = src
    if lang == "wat":
        wasm = d / f"{name}.wasm"
        run(["wat2wasm", src, "-o", wasm])
    run(["wasm2c", "-n", "guest", wasm, "-o", d / "guest.c"])
    defs = []
    if "Z_wasi_unstable_instance_t" in (d / "guest.h").read_text():
        defs.append("-DGUEST_IMPORTS_UNSTABLE")
    run([CC, "-O1", "-w", "-c", d / "guest.c", "-o", d / "guest.o"])
    (d / "guest.c").unlink()  # megabytes of generated C: keep the object only
    run([CC, "-O1", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror", *defs,
         "-I", d, "-I", HEADER_DIR, "-c", HOST_C, "-o", d / "host.o"])
    # Unused code dropped and symbols stripped: a host is 2 MB instead of 12.
    run([CC, d / "host.o", d / "guest.o", "-lwasm-rt-impl", lib, "-lpthread", "-ldl", "-lm",
         "-Wl,--gc-sections", "-s", "-o", exe])
    return exe, src.name


def file_line(rel, data):
    if not data:
        return f"f {rel} 0"
    if len(data) <= 64 and all(0x20 <= b <= 0x7E for b in data):
        return f"f {rel} {len(data)} {data.decode()}"
    return f"f {rel} {len(data)} *"


def tree(root):
    """The directory tree below `root` in the cases' line format, sorted by path bytes."""
    out = []

    def walk(d, prefix):
        for e in os.scandir(d):
            rel = prefix + e.name
            if e.is_symlink():
                out.append((rel, f"l {rel} -> {os.readlink(e.path)}"))
            elif e.is_dir():
                out.append((rel, f"d {rel}"))
                walk(e.path, rel + "/")
            elif e.is_file():
                out.append((rel, file_line(rel, Path(e.path).read_bytes())))
            else:
                out.append((rel, f"? {rel}"))

    walk(root, "")
    out.sort(key=lambda p: p[0].encode())
    return [line for _, line in out]


def expectations(case):
    over = case.get("wasibox") or {}

    def pick(k, default=None):
        return over.get(k, case.get(k, default))

    return pick("exit_code", 0), pick("stdout"), over.get("tree", case.get("tree"))


def run_case(name, backend, guests_dir, out, lib):
    """None if the case passed, else why not."""
    case = json.loads((CASES / f"{name}.json").read_text())
    if backend in (case.get("skip") or {}):
        return "skip"
    exe, argv0 = build_host(case["guest"], guests_dir, out, lib)
    exit_code, stdout, trees = expectations(case)
    with tempfile.TemporaryDirectory(prefix="wasibox-capi-") as tmp:
        tmp = Path(tmp)
        cmd = [exe, "--backend", backend]
        if case.get("version") == "unstable":
            cmd.append("--unstable")
        if case.get("rights_policy") == "enforce":
            cmd.append("--enforce")
        copies = []
        preopens = [(Path(d).name, d) for d in case.get("dirs", [])]
        preopens += list((case.get("preopens") or {}).items())
        for i, (guest_path, fixture) in enumerate(preopens):
            copy = tmp / f"pre{i}"
            shutil.copytree(CASES / fixture, copy, symlinks=True)
            copies.append((fixture, copy))
            cmd += ["--dir", f"{copy}::{guest_path}"]
        for k, v in (case.get("env") or {}).items():
            cmd += ["--env", f"{k}={v}"]
        stdin = (case.get("stdin") or "").encode()
        if backend == "mem":
            (tmp / "stdin").write_bytes(stdin)
            cmd += ["--stdin-file", tmp / "stdin"]
        cmd += ["--status-file", tmp / "status", "--", argv0, *case.get("args", [])]
        try:
            r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            return "timed out"
        status_file = tmp / "status"
        got_code = int(status_file.read_text()) if status_file.exists() else r.returncode
        problems = []
        if got_code != exit_code:
            problems.append(f"exit code {got_code}, expected {exit_code}")
        got_out = r.stdout.decode(errors="replace")
        if stdout is not None and got_out != stdout:
            problems.append(f"stdout {got_out!r}, expected {stdout!r}")
        if backend == "posix" and trees:
            for fixture, copy in copies:
                want = trees.get(fixture)
                if want is not None and tree(copy) != want:
                    problems.append(f"tree of {fixture}: {tree(copy)}, expected {want}")
        if problems:
            err = r.stderr.decode(errors="replace").strip()
            return "; ".join(problems) + (f"\n    stderr: {err}" if err else "")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, type=Path)
    ap.add_argument("--guests", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--backend", action="append", choices=["posix", "mem"])
    ap.add_argument("cases", type=Path)
    a = ap.parse_args()
    names = [ln.strip() for ln in a.cases.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    passed = failed = skipped = 0
    for backend in a.backend or ["posix"]:
        for name in names:
            why = run_case(name, backend, a.guests, a.out.resolve(), a.lib.resolve())
            if why is None:
                passed += 1
            elif why == "skip":
                skipped += 1
            else:
                failed += 1
                print(f"FAIL {backend} {name}: {why}")
    print(f"capi: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
