# wasibox adapter for the upstream WebAssembly/wasi-testsuite runner.
#
# Usage (from a checkout of wasi-testsuite, with its runner's requirements installed):
#
#     WASIBOX=/path/to/wasibox python3 test-runner/wasi_test_runner.py \
#         -t tests/rust/testsuite/wasm32-wasip1 tests/c/testsuite/wasm32-wasip1 \
#            tests/assemblyscript/testsuite/wasm32-wasip1 \
#         -r /path/to/wasibox/conformance/adapters/wasibox.py
#
# WASIBOX names the binary (split like a shell word list, so "wasibox --backend mem"
# runs every test on the in-memory backend); it defaults to `wasibox` on PATH.
# The runner loads this file as a module and calls get_name, get_version,
# get_wasi_versions, get_wasi_worlds and compute_argv. compute_argv accepts each
# signature the runner has used: (test_path, args, env, dirs),
# (test_path, (args, env, dirs), proposals, wasi_version) and
# (test_path, (args, env, dirs), proposals, wasi_world, wasi_version).
# Run as a script with --test-file/--arg/--env/--dir it behaves like the runner's
# older command-line adapters; `--version` alone prints nothing, which is how the
# current runner tells a module adapter from a command-line one.

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

WASIBOX = shlex.split(os.getenv("WASIBOX", "wasibox"))


def get_name() -> str:
    return "wasibox"


def get_version() -> str:
    # `wasibox --version` prints "wasibox X.Y.Z".
    out = subprocess.run(WASIBOX[0:1] + ["--version"], encoding="UTF-8",
                         capture_output=True, check=True).stdout.strip()
    return out.split()[-1] if out else "0.0.0"


def get_wasi_versions() -> List[str]:
    return ["wasm32-wasip1"]


def get_wasi_worlds() -> List[str]:
    return ["wasi:cli/command"]


def _env_items(env: Any) -> Iterable[Tuple[str, str]]:
    if isinstance(env, dict):
        return env.items()
    # A list of "K=V" strings (older runners).
    return (tuple(str(e).split("=", 1)) if "=" in str(e) else (str(e), "") for e in env or [])


def _argv(test_path: str, args: Sequence[str], env: Any,
          dirs: Sequence[Any]) -> List[str]:
    argv = WASIBOX + ["run"]
    for d in dirs or []:
        if isinstance(d, (tuple, list)):
            host, guest = d[0], d[1]
        else:  # a bare directory: preopened under its own name
            host, guest = d, Path(str(d)).name
        argv += ["--dir", f"{host}::{guest}"]
    for k, v in _env_items(env):
        argv += ["--env", f"{k}={v}"]
    argv += [str(test_path)]
    argv += [str(a) for a in args or []]
    return argv


def compute_argv(test_path: str, *rest: Any, **kwargs: Any) -> List[str]:
    if "args_env_dirs" in kwargs:
        args, env, dirs = kwargs["args_env_dirs"]
        return _argv(test_path, args, env, dirs)
    if "args" in kwargs or "dirs" in kwargs:
        return _argv(test_path, kwargs.get("args", []), kwargs.get("env", {}),
                     kwargs.get("dirs", []))
    first = rest[0] if rest else ([], {}, [])
    if isinstance(first, tuple) and len(first) == 3 and not isinstance(first[0], str):
        # (args, env, dirs), then proposals[, wasi_world], wasi_version: nothing in
        # those changes how wasibox runs a preview1 command.
        args, env, dirs = first
        return _argv(test_path, args, env, dirs)
    # Older signature: (args, env, dirs).
    args = first
    env = rest[1] if len(rest) > 1 else {}
    dirs = rest[2] if len(rest) > 2 else []
    return _argv(test_path, args, env, dirs)


def _legacy_main(argv: List[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--test-file", action="store")
    parser.add_argument("--arg", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--dir", action="append", default=[])
    a = parser.parse_args(argv)
    if a.test_file is None:
        # `--version` alone: print nothing (see the header).
        return 0
    dirs: List[Tuple[str, str]] = []
    for d in a.dir:
        host, _, guest = d.partition("::")
        dirs.append((host, guest or Path(host).name))
    cmd = _argv(a.test_file, a.arg, a.env, dirs)
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(_legacy_main(sys.argv[1:]))
