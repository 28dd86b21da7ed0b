#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Sim needs, only when they are missing.
# Usage: scripts/native-deps.sh [runtime|viewer|test|fuzz]
#   runtime: MuJoCo (library, headers, samples for the C baseline)
#   viewer:  runtime + what the viewer and `sim clips` need (GLFW, Mesa's OpenGL on CPU, Xvfb, ffmpeg)
#   test:    viewer + what the tests need (gcc for the binding checks, chromium for the labeling page's browser tests)
#   fuzz:    AFL++ alone, for scripts/fuzz.sh (the test suite fuzzes in process and does not need it)
# Idempotent: when everything is present it only runs dpkg queries and returns in well under a second.
set -euo pipefail

profile="${1:-runtime}"
packages=(libmujoco-dev libmujoco-samples)
# The viewer is optional, so a plain runtime install stays MuJoCo only.
# With --no-install-recommends nothing pulls the Mesa GLX and EGL vendor libraries in, so they are named here.
viewer_packages=(libglfw3 libgl1-mesa-dri libglx-mesa0 libegl1 libegl-mesa0 xvfb xauth ffmpeg)
case "$profile" in
  runtime) ;;
  viewer) packages+=("${viewer_packages[@]}") ;;
  test) packages+=(gcc chromium "${viewer_packages[@]}") ;;
  # The loaders under fuzzing need no MuJoCo; AFL++ pulls clang in, which the other profiles should not carry.
  fuzz) packages=(afl++) ;;
  *) echo "native-deps.sh: unknown profile '$profile' (expected runtime, viewer, test or fuzz)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "native-deps.sh: missing packages ${missing[*]} and apt-get is not available; install them by hand" >&2
  exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "native-deps.sh: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "Installing native dependencies: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
