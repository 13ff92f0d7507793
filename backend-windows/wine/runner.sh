#!/usr/bin/env bash
# Cargo runner for x86_64-pc-windows-gnu: runs a Windows .exe under Wine, headless.
#
#   runner.sh PROGRAM.exe [ARGS...]   run it (what cargo does), exit code passed through
#   runner.sh --prepare               only create the prefix and install the shim
#   runner.sh --stop                  stop the prefix's wineserver (end of a CI run)
#
# A private WINEPREFIX (WASIBOX_WINEPREFIX, default ${TMPDIR:-/tmp}/wasibox-wine-$UID) is
# created once, under a lock, so that test binaries cargo starts in parallel share it.
# Wine before 8.13 lacks bcryptprimitives.dll's ProcessPrng, which Rust's std (since 1.78)
# imports: every Rust .exe would exit with code 53 before main. For those Wines a small
# stand-in DLL (processprng.c beside this script) is built with mingw and put in the
# prefix's system32. Nothing here is needed, or used, on real Windows.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${WASIBOX_WINEPREFIX:-${TMPDIR:-/tmp}/wasibox-wine-$(id -u)}"
export WINEPREFIX="$prefix"
export WINEDEBUG="${WASIBOX_WINEDEBUG:--all}"
# No Mono/Gecko installers, no desktop integration, no window.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml,winemenubuilder.exe=}"
unset DISPLAY WAYLAND_DISPLAY

die() { echo "wasibox wine runner: $*" >&2; exit 125; }
command -v wine >/dev/null || die "wine is not installed (run backend-windows/wine/setup.sh)"

# Does this Wine need the ProcessPrng stand-in? (Wine >= 8.13 has the real one.)
needs_shim() {
    local v major minor
    v="$(wine --version 2>/dev/null)" || return 0
    v="${v#wine-}"; v="${v%% *}"
    major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%[.-]*}"
    [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 0
    (( major < 8 || (major == 8 && minor < 13) ))
}

prepare() {
    mkdir -p "$(dirname "$prefix")"
    exec 9>"$prefix.lock"
    flock 9
    if [[ ! -f "$prefix/.wasibox-ready" ]]; then
        echo "wasibox wine runner: creating prefix $prefix (once; 10-20 s)" >&2
        rm -rf "$prefix"
        wineboot -i >/dev/null 2>&1 || die "wineboot failed for $prefix"
        wineserver -w
        touch "$prefix/.wasibox-ready"
    fi
    local dll="$prefix/drive_c/windows/system32/bcryptprimitives.dll"
    local stamp="$prefix/.wasibox-shim"
    if needs_shim && { [[ ! -f "$stamp" ]] || [[ "$here/processprng.c" -nt "$stamp" ]]; }; then
        command -v x86_64-w64-mingw32-gcc >/dev/null \
            || die "x86_64-w64-mingw32-gcc is missing (run backend-windows/wine/setup.sh)"
        local tmp
        tmp="$(mktemp -d)"
        x86_64-w64-mingw32-gcc -O2 -shared -s -o "$tmp/bcryptprimitives.dll" \
            "$here/processprng.c" "$here/processprng.def" -ladvapi32 \
            || { rm -rf "$tmp"; die "building the ProcessPrng shim failed"; }
        mv -f "$tmp/bcryptprimitives.dll" "$dll"
        rm -rf "$tmp"
        touch "$stamp"
    fi
    flock -u 9
    exec 9>&-
}

case "${1:-}" in
    "") die "usage: runner.sh PROGRAM.exe [ARGS...] | --prepare | --stop" ;;
    --prepare) prepare; exit 0 ;;
    --stop) if [[ -d "$prefix" ]]; then wineserver -k 2>/dev/null || true; fi; exit 0 ;;
esac

prepare
# Tests compare this with what the program detects itself (ntdll's wine_get_version).
export WASIBOX_UNDER_WINE=1
set +e
wine "$@" </dev/null
rc=$?
exit $rc
