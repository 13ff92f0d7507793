#!/usr/bin/env bash
# Install what building and testing wasibox needs, when it is missing: the wasm32-wasip1
# Rust target (guest programs), clang + wasi-libc (C guests). Safe to run repeatedly.
set -euo pipefail
if ! rustup target list --installed | grep -q '^wasm32-wasip1$'; then
  rustup target add wasm32-wasip1
fi
need_apt=()
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
command -v wasm-ld >/dev/null 2>&1 || command -v wasm-ld-14 >/dev/null 2>&1 || need_apt+=(lld)
[ -d /usr/include/wasm32-wasi ] || [ -d /usr/lib/wasm32-wasi ] || need_apt+=(wasi-libc)
ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need_apt+=(libclang-rt-14-dev-wasm32)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing packages: ${need_apt[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
fi
