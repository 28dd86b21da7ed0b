#!/usr/bin/env bash
# Regenerates src/Sim.MuJoCo/Generated/MjLayout.g.cs from the installed MuJoCo headers.
# Usage: tools/bindgen/generate.sh [output-file]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../src/Sim.MuJoCo/Generated/MjLayout.g.cs}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gcc -std=c11 -O0 -o "$tmp/mjbindgen" "$here/mjbindgen.c" -lmujoco
mkdir -p "$(dirname "$out")"
"$tmp/mjbindgen" > "$tmp/out.cs"
mv "$tmp/out.cs" "$out"
