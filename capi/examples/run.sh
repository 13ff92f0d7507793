#!/usr/bin/env bash
# The C API end to end: builds libwasibox_capi.a, builds the conformance guests, turns
# each guest a case needs into a native C host (wasm2c + capi/examples/c-host/host.c +
# the wasm2c runtime + libwasibox_capi.a, with the system C compiler), and runs the
# cases listed in capi/examples/cases.txt through it on the posix and mem backends.
# Prints "capi: N passed, M failed" and fails if any case failed; then links one host
# against the shared library (libwasibox_capi.so) and runs it.
#
# Installs what it needs when missing (as root, with apt-get): wabt (wasm2c, wat2wasm,
# the wasm2c runtime), a C compiler, python3, and, through scripts/setup.sh, the guests'
# toolchain. Guests go to $WASIBOX_GUESTS (default target/guests, shared with the
# conformance suite); hosts to $CARGO_TARGET_DIR/capi-example.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
guests=${WASIBOX_GUESTS:-$root/target/guests}

need_apt=()
command -v wasm2c >/dev/null 2>&1 && command -v wat2wasm >/dev/null 2>&1 && [ -f /usr/include/wasm-rt.h ] \
  || need_apt+=(wabt)
command -v "${CC:-cc}" >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "capi: missing packages: ${need_apt[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
fi
bash scripts/setup.sh

cargo build -p wasibox-capi
bash conformance/guests/build.sh "$guests"
python3 capi/examples/run_cases.py --lib "$target/debug/libwasibox_capi.a" --guests "$guests" \
  --out "$target/capi-example" --backend posix --backend mem capi/examples/cases.txt

# The shared library serves the same host: relink the raw guest's host against it.
d="$target/capi-example/rust_raw"
"${CC:-cc}" "$d/host.o" "$d/guest.o" -lwasm-rt-impl -L"$target/debug" -lwasibox_capi -o "$d/host-shared"
code=0
out=$(LD_LIBRARY_PATH="$target/debug" "$d/host-shared" -- raw.wasm proc_exit_42) || code=$?
if [ "$code" != 42 ] || [ "$out" != "exiting with 42" ]; then
  echo "capi: the host linked against libwasibox_capi.so gave status $code and: $out" >&2
  exit 1
fi
echo "capi: the host linked against libwasibox_capi.so: ok"
