#!/usr/bin/env bash
# Build wasibox-core (feature wasmi, no default features), wasibox-mem (no default
# features) and the example port wasibox-example-romfs for bare-metal targets, then link
# a small firmware that embeds core and mem (bench/footprint) and report its code size.
#
# The size reported is that of a linked image, not of the rlibs: an rlib holds metadata
# and uninstantiated generic code, while a device carries only what the linker keeps.
# bench/footprint is a no_std, no_main program whose entry point calls the dispatcher
# (`wasibox_core::call` over `MemPlatform`: every syscall, the fd table, the path walk,
# the in-memory filesystem) and, in the second variant, the wasmi engine glue
# (`run_command`: a complete runtime with wasmi's interpreter and validator). It is built
# with opt-level "s", LTO, panic=abort and --gc-sections. "flash" is .text + .rodata
# (+ .ARM.exidx) + .data; "RAM" is .data + .bss less the firmware's own 32 KiB heap arena.
#
# usage: scripts/bare-metal.sh [TARGET...]   (default: thumbv7em-none-eabihf riscv32imac-unknown-none-elf)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(thumbv7em-none-eabihf riscv32imac-unknown-none-elf)
out=${CARGO_TARGET_DIR:-target}/bare-metal
arena=$((32 * 1024))
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
sizer=llvm-size
command -v llvm-size >/dev/null || sizer=size

echo "== libraries"
for t in "${targets[@]}"; do
  cargo build --quiet --release --target "$t" --target-dir "$out/lib" -p wasibox-core --no-default-features --features wasmi
  cargo build --quiet --release --target "$t" --target-dir "$out/lib" -p wasibox-mem --no-default-features
  echo "ok: wasibox-core (wasmi, no default features) and wasibox-mem (no default features) for $t"
  cargo build --quiet --release --target "$t" --target-dir "$out/lib" -p wasibox-example-romfs
  echo "ok: wasibox-example-romfs (the porting guide's example port) for $t"
done

echo "== firmware images (bench/footprint: opt-level s, LTO, --gc-sections)"
printf '| target | image | flash (text+rodata+data) | RAM (data+bss, less the heap arena) |\n|---|---|---:|---:|\n'
for t in "${targets[@]}"; do
  for variant in dispatcher engine; do
    features=()
    [ "$variant" = engine ] && features=(--features engine)
    dir="$out/fw-$variant"
    RUSTFLAGS="-C link-arg=--gc-sections" cargo build --quiet --release \
      --manifest-path bench/footprint/Cargo.toml --target "$t" --target-dir "$dir" "${features[@]}"
    elf="$dir/$t/release/wasibox-footprint"
    read -r text data bss _ < <($sizer "$elf" | awk 'NR==2 {print $1, $2, $3, $4}')
    label="core + mem (dispatcher, all calls)"
    [ "$variant" = engine ] && label="core + mem + wasmi engine"
    printf '| %s | %s | %d B (%.1f KiB) | %d B |\n' "$t" "$label" "$((text + data))" \
      "$(awk "BEGIN {print ($text + $data) / 1024}")" "$((data + bss - arena))"
  done
done
