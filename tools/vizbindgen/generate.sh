#!/usr/bin/env bash
# Regenerates src/Sim.Viewer/Generated/MjvLayout.g.cs (MuJoCo's visualisation and rendering structs) from the
# installed MuJoCo headers.
# Usage: tools/vizbindgen/generate.sh [output-file]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../src/Sim.Viewer/Generated/MjvLayout.g.cs}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gcc -std=c11 -O0 -o "$tmp/mjvizbindgen" "$here/mjvizbindgen.c" -lmujoco
mkdir -p "$(dirname "$out")"
"$tmp/mjvizbindgen" > "$tmp/out.cs"
mv "$tmp/out.cs" "$out"
