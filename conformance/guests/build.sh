#!/usr/bin/env bash
# Build every conformance guest into OUT_DIR:
#   OUT_DIR/rust/<bin>.wasm   Rust guests (wasm32-wasip1), cargo target dir OUT_DIR/cargo
#   OUT_DIR/c/<name>.wasm     C guests (clang --target=wasm32-wasi + wasi-libc)
#   OUT_DIR/wat/<name>.wat    WAT guests, copied as text (the runner compiles them)
# Incremental: cargo decides for Rust; C and WAT are redone only when a source is newer.
# Needs: rustup target wasm32-wasip1 (added here if missing) and clang for wasm32 with
# wasi-libc (Debian: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32).
# Environment: WASI_CC overrides the C compiler (default: clang, clang-14...).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
mkdir -p "$OUT/rust" "$OUT/c" "$OUT/wat"

die() {
    echo "build.sh: $*" >&2
    exit 1
}

# ---- C compiler check (first, so a missing toolchain fails fast) ----------------------------
CC="${WASI_CC:-}"
if [ -z "$CC" ]; then
    for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
        if command -v "$c" >/dev/null 2>&1; then CC="$c"; break; fi
    done
fi
[ -n "$CC" ] || die "no clang found: the C guests need clang for wasm32 with wasi-libc.
    Debian/Ubuntu: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32
    (or set WASI_CC to a clang that targets wasm32-wasi, e.g. from wasi-sdk)"
PROBE="$OUT/c/.probe"
mkdir -p "$PROBE"
if [ ! -f "$PROBE/ok-$CC" ]; then
    printf '#include <stdio.h>\nint main(void){puts("x");return 0;}\n' >"$PROBE/p.c"
    if ! "$CC" --target=wasm32-wasi -O1 "$PROBE/p.c" -o "$PROBE/p.wasm" 2>"$PROBE/err"; then
        cat "$PROBE/err" >&2
        die "$CC cannot build for wasm32-wasi (missing wasm-ld, wasi-libc or compiler-rt for wasm32?).
    Debian/Ubuntu: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32"
    fi
    touch "$PROBE/ok-$CC"
fi

# ---- Rust ----------------------------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo not found"
if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1; then
        rustup target add wasm32-wasip1 >&2 || die "could not add the wasm32-wasip1 target"
    fi
fi
# Flags meant for the host build (RUSTFLAGS from a build script, say) must not reach this one.
env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_TARGET -u CARGO_BUILD_RUSTFLAGS \
    cargo build --quiet --release --target wasm32-wasip1 \
    --manifest-path "$HERE/rust/Cargo.toml" --target-dir "$OUT/cargo" \
    || die "cargo build of the Rust guests failed"
for f in "$OUT"/cargo/wasm32-wasip1/release/*.wasm; do
    [ -e "$f" ] || continue
    dst="$OUT/rust/$(basename "$f")"
    if ! cmp -s "$f" "$dst"; then cp "$f" "$dst"; fi
done

# ---- C -------------------------------------------------------------------------------------
# A C file may say how it is built in a first-lines comment:
#   // build: freestanding   no libc, imports declared by hand, entry _start (wasi_unstable guests)
#   // build: reactor        -mexec-model=reactor (exports _initialize, no _start)
CFLAGS=(-O2 -Wall -Wextra -Wno-unused-parameter -Werror)
for src in "$HERE"/c/*.c; do
    [ -e "$src" ] || continue
    name="$(basename "$src" .c)"
    dst="$OUT/c/$name.wasm"
    newest="$src"
    for h in "$HERE"/c/*.h; do
        [ -e "$h" ] && [ "$h" -nt "$newest" ] && newest="$h"
    done
    [ "$HERE/build.sh" -nt "$newest" ] && newest="$HERE/build.sh"
    if [ -f "$dst" ] && [ "$dst" -nt "$newest" ]; then continue; fi
    mode="$(head -5 "$src" | sed -n 's|^// build: *\([a-z]*\).*|\1|p' | head -1)"
    case "$mode" in
        freestanding)
            "$CC" --target=wasm32 -nostdlib "${CFLAGS[@]}" -fno-builtin \
                -Wl,--no-entry -Wl,--export=_start -Wl,--allow-undefined \
                -o "$dst.tmp" "$src" || die "failed to build $src" ;;
        reactor)
            "$CC" --target=wasm32-wasi -mexec-model=reactor "${CFLAGS[@]}" \
                -o "$dst.tmp" "$src" || die "failed to build $src" ;;
        *)
            "$CC" --target=wasm32-wasi "${CFLAGS[@]}" -o "$dst.tmp" "$src" \
                || die "failed to build $src" ;;
    esac
    mv "$dst.tmp" "$dst"
done

# ---- WAT -----------------------------------------------------------------------------------
for src in "$HERE"/wat/*.wat; do
    [ -e "$src" ] || continue
    dst="$OUT/wat/$(basename "$src")"
    if ! cmp -s "$src" "$dst"; then cp "$src" "$dst"; fi
done

echo "build.sh: guests are in $OUT" >&2
