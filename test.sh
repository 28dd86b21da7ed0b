#!/usr/bin/env bash
# Runs the whole test suite: installs missing native packages, builds in Release and tests every
# project (and the single-file demos), then prints one summary line. Extra arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")"
scripts/native-deps.sh test || exit 1
dotnet build Sim.sln -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" || exit 1
# The single-file demos are not in the solution; building them keeps them in step with the library.
for demo in demos/*.cs; do
  dotnet build "$demo" -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" || { echo "demo $demo does not build" >&2; exit 1; }
done
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test Sim.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
awk '
  /(Passed|Failed)! +- +Failed:/ {
    gsub(/,/, "");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1);
      if ($i == "Passed:") p += $(i + 1);
      if ($i == "Skipped:") s += $(i + 1);
    }
    runs++
  }
  END { printf "\n%d passed, %d failed, %d skipped (%d test projects)\n", p, f, s, runs }
' "$log"
exit "$status"
