#!/usr/bin/env bash
# The test command: installs what the tests need (when missing), builds the workspace
# once, and runs every test, the conformance suite on each backend, clippy and fmt.
# Usage: bash scripts/test.sh            (what CI runs)
#        QUICK=1 bash scripts/test.sh    (skip clippy, miri and the windows backend)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
unset RUST_BACKTRACE
# A CI run builds once from scratch: incremental state would only double the disk used.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

step() { printf '\n=== %s ===\n' "$*"; disk; }
# Disk used by the build so far, and what is left: CI machines have run out of disk here.
disk() {
  local t=${CARGO_TARGET_DIR:-$root/target}
  printf '(disk: target %s, %s free)\n' "$(du -sh "$t" 2>/dev/null | cut -f1)" \
    "$(df -h --output=avail "$root" 2>/dev/null | tail -1 | tr -d ' ')"
}
start=$(date +%s)

step "toolchain"
bash scripts/setup.sh

step "build"
cargo build --workspace --all-targets

step "unit and integration tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"
passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')

step "C API: a wasm2c C host runs a conformance subset (capi/examples/run.sh)"
capi_log=$(mktemp)
bash capi/examples/run.sh 2>&1 | tee "$capi_log"
capi_line=$(grep -Eo 'capi: [0-9]+ passed, [0-9]+ failed' "$capi_log" | tail -1)
rm -f "$capi_log"

if [ -z "${QUICK:-}" ]; then
  step "clippy"
  cargo clippy --workspace --all-targets -- -D warnings
  step "fmt"
  cargo fmt --all -- --check
  step "docs (every public item documented, no rustdoc warnings)"
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --exclude wasibox-bench
fi

# ---- windows backend under Wine -------------------------------------------------------
# With CI set or WINDOWS=1 (not with QUICK=1). Self-contained: installs mingw-w64, Wine
# and the x86_64-pc-windows-gnu target when missing and prepares a private Wine prefix
# (backend-windows/wine/setup.sh); reuses the guests the Linux run built in target/guests;
# runs wasibox-windows' tests and the whole conformance suite (mem and windows) under Wine
# through the cargo runner (backend-windows/wine/runner.sh), prints the conformance table,
# runs clippy for Windows, and runs wasibox.exe on a real directory. The wineserver is
# stopped at the end, also on failure. Every step runs; the block fails if any failed.
if [ -z "${QUICK:-}" ] && { [ -n "${CI:-}" ] || [ "${WINDOWS:-}" = 1 ]; }; then
  (
    set -uo pipefail
    win_start=$(date +%s)
    win=x86_64-pc-windows-gnu
    runner="$root/backend-windows/wine/runner.sh"
    win_out="${CARGO_TARGET_DIR:-$root/target}/$win/debug"
    demo=$(mktemp -d)
    trap '"$runner" --stop; rm -rf "$demo"; echo "windows block: $(($(date +%s) - win_start)) s"' EXIT
    win_failed=()
    win_step() { step "windows: $1"; shift; "$@" || win_failed+=("$*"); }

    step "windows: toolchain and Wine prefix"
    bash backend-windows/wine/setup.sh || exit 1
    # Built by the Linux run already (incremental: a no-op then); Windows runs cannot build them.
    bash conformance/guests/build.sh "$root/target/guests" || exit 1
    export WASIBOX_GUESTS="$root/target/guests" WASIBOX_SKIP_GUEST_BUILD=1

    win_step "tests under Wine" \
      cargo test --no-fail-fast -p wasibox-windows -p wasibox-conformance --target $win
    win_step "conformance table (mem and windows, under Wine)" \
      cargo run -q -p wasibox-conformance --target $win
    win_step "clippy" \
      cargo clippy -p wasibox-windows --target $win --all-targets -- -D warnings
    cli_demo() {
      cargo build -p wasibox-cli --target $win || return 1
      mkdir -p "$demo/data/src/sub" "$demo/ro"
      printf 'hello\n' >"$demo/data/src/a.txt"
      printf 'deep\n' >"$demo/data/src/sub/b.txt"
      cp -r "$demo/data/src" "$demo/ro/src"
      local exe="$win_out/wasibox.exe" guest="$root/target/guests/rust/std_tree_copy.wasm"
      # A tree copied by a guest through --dir: the files are on the host afterwards.
      "$runner" "$exe" run --dir "$demo/data::data" "$guest" data/src data/dst || return 1
      diff -r "$demo/data/src" "$demo/data/dst" || return 1
      # The same through --dir-ro: the guest fails, nothing is written.
      if "$runner" "$exe" run --dir-ro "$demo/ro::ro" "$guest" ro/src ro/dst; then
        echo "wasibox.exe: a copy into a --dir-ro directory succeeded" >&2
        return 1
      fi
      [ ! -e "$demo/ro/dst" ] || { echo "wasibox.exe wrote into a --dir-ro directory" >&2; return 1; }
      "$runner" "$exe" run --engine wasmi "$root/examples/hello.wat" | grep -q 'Hello' || return 1
      echo "wasibox.exe run --dir / --dir-ro / --engine wasmi: ok"
    }
    win_step "wasibox.exe run --dir on a real directory, under Wine" cli_demo

    if [ ${#win_failed[@]} -gt 0 ]; then
      printf 'windows: FAILED: %s\n' "${win_failed[@]}"
      exit 1
    fi
    echo "windows: all steps passed"
  )
  # The Windows build is not reused by anything after it; give its disk back on CI.
  if [ -n "${CI:-}" ]; then rm -rf "${CARGO_TARGET_DIR:-$root/target}/x86_64-pc-windows-gnu"; fi
fi


# ---- hostile guests: miri and fuzzing (issue 7) ---------------------------------------
# With CI set (not with QUICK=1). Self-contained. The attack suite, the hostile-argument
# sweep, limits, faults and concurrency are ordinary tests and ran above in cargo test;
# this adds miri over wasibox-core and wasibox-mem (nightly with miri) and each fuzz
# target for FUZZ_SECONDS (default 60) from the committed seeds (nightly + cargo-fuzz,
# installed from crates.io when missing). About 12 minutes on a 2-core machine: miri
# ~5-6 min with its build, the fuzz build ~3 min, 3 x 60 s of fuzzing.
if [ -z "${QUICK:-}" ] && [ -n "${CI:-}" ]; then
  (
    set -euo pipefail
    h7_start=$(date +%s)
    step "miri: wasibox-core, wasibox-mem"
    rustup toolchain install nightly --profile minimal --component miri,rust-src >/dev/null
    cargo +nightly miri test -p wasibox-core -p wasibox-mem
    step "fuzz: ${FUZZ_SECONDS:-60} s per target"
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
    bash fuzz/run.sh "${FUZZ_SECONDS:-60}"
    echo "hostile-guests block: $(($(date +%s) - h7_start)) s"
  )
fi

# ---- bare-metal builds (issue 6) --------------------------------------------------------
# With CI set (not with QUICK=1): wasibox-core (wasmi, no_std) and wasibox-mem build for
# thumbv7em-none-eabihf and riscv32imac-unknown-none-elf, and the linked firmware's size
# is reported. About 4 minutes cold on 2 cores.
if [ -z "${QUICK:-}" ] && [ -n "${CI:-}" ]; then
  step "bare-metal: thumbv7em-none-eabihf, riscv32imac-unknown-none-elf"
  bash scripts/bare-metal.sh
fi

end=$(date +%s)
echo
disk
echo "SUMMARY: cargo tests ${passed} passed, ${failed} failed; ${capi_line:-capi: not run}; $((end - start)) s"
