#!/usr/bin/env bash
# Build wasibox-bench (release) and run it. Results go to target/bench/.
#
#   bench/run.sh                 timing run, then callgrind, strace and allocation counts
#   bench/run.sh run [OPTS]      only the timing run (--rounds R --ms MS --runtimes a,b --only w1,w2)
#   bench/run.sh callgrind|strace|allocs [OPTS]
#
# The guest (bench/guest) is built by wasibox-bench itself, natively and for
# wasm32-wasip1. valgrind and strace are installed with apt-get when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# With RUST_BACKTRACE set, wasmtime-wasi and wasi-common capture a backtrace on every
# WASI error: never measure with it.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE WASMTIME_BACKTRACE_DETAILS

rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v strace >/dev/null || need+=(strace)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y "${need[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "${need[@]}" >/dev/null 2>&1; } || true
fi

cargo build --release -p wasibox-bench
bin=${CARGO_TARGET_DIR:-target}/release/wasibox-bench

if [ $# -gt 0 ]; then
  exec "$bin" "$@"
fi
start=$SECONDS
"$bin" run
if command -v valgrind >/dev/null; then "$bin" callgrind --no-build; else echo "valgrind missing: no callgrind table"; fi
if command -v strace >/dev/null; then "$bin" strace --no-build; else echo "strace missing: no syscall table"; fi
"$bin" allocs --no-build
echo "bench/run.sh: everything in $((SECONDS - start)) s; results in ${CARGO_TARGET_DIR:-target}/bench/"
