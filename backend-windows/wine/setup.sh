#!/usr/bin/env bash
# Installs what building and testing wasibox-windows under Wine needs, if missing:
# Debian's mingw-w64 cross compiler and Wine, and the x86_64-pc-windows-gnu Rust target.
# Then prepares the private Wine prefix (runner.sh --prepare). Safe to run repeatedly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
# wine64 alone has no /usr/bin/wine; the `wine` package provides it.
command -v wine >/dev/null || missing+=(wine wine64)
if ((${#missing[@]})); then
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    rustup target add x86_64-pc-windows-gnu
fi

"$here/runner.sh" --prepare
