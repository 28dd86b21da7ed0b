#!/usr/bin/env bash
# Fuzzes one file loader with AFL++ through SharpFuzz, then replays what crashed.
# Usage: scripts/fuzz.sh <target> [seconds=600] [work dir=artifacts/fuzz]
#   targets: trajectory, segment-payload, reward-model, checkpoint-manifest, run-config (see tests/Sim.Fuzz)
# The harness is built as usual and copied to <work dir>/bin, where its Sim and MessagePack assemblies are instrumented;
# instrumented code runs only under afl-fuzz (outside it, it writes to a coverage map that does not exist), so seeds
# and replays use the normal build output. Findings go to <work dir>/<target>/findings; every crashing input is copied to
# tests/Sim.Learning.Tests/Fuzzing/Regressions/<target>/, where the test suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:?usage: scripts/fuzz.sh <target> [seconds] [work dir]}"
seconds="${2:-600}"
work="$(realpath -m "${3:-artifacts/fuzz}")"
targets="trajectory segment-payload reward-model checkpoint-manifest run-config"
# Refuse bad arguments before the minutes of building and instrumenting.
case " $targets " in *" $target "*) ;; *) echo "scripts/fuzz.sh: unknown target '$target': expected one of ${targets// /, }" >&2; exit 2 ;; esac
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "scripts/fuzz.sh: seconds = '$seconds': expected a positive whole number" >&2; exit 2; }
bin="$work/bin"
plain="$work/plain"

scripts/native-deps.sh fuzz
dotnet tool restore >/dev/null

# FUZZ_REUSE_BUILD=1 fuzzes the build the previous call made, so that a campaign over several targets tests one build
# even while the sources change.
if [ "${FUZZ_REUSE_BUILD:-0}" != 1 ] || [ ! -f "$bin/.instrumented" ]; then
  dotnet build tests/Sim.Fuzz -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
  rm -rf "$bin" "$plain"
  mkdir -p "$work"
  cp -r tests/Sim.Fuzz/bin/Release/net10.0 "$plain"
  cp -r "$plain" "$bin"
  for assembly in Sim.Foundation Sim.Core Sim.Rewards Sim.Rewards.Robot Sim.Learning MessagePack; do
    dotnet sharpfuzz "$bin/$assembly.dll" >/dev/null
  done
  touch "$bin/.instrumented"
fi

dir="$work/$target"
rm -rf "$dir"
mkdir -p "$dir/seeds"
dotnet "$plain/Sim.Fuzz.dll" "$target" seeds "$dir/seeds"

# dotnet itself is not instrumented (SharpFuzz reports coverage of the managed code), and this machine's CPU governor
# and core dump settings belong to whoever runs it, so AFL++'s checks of those are skipped.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
afl-fuzz -i "$dir/seeds" -o "$dir/findings" -t 10000 -m none -V "$seconds" -- dotnet "$bin/Sim.Fuzz.dll" "$target" >"$dir/afl.log" 2>&1 || {
  echo "afl-fuzz failed; the end of its log:" >&2
  tail -n 30 "$dir/afl.log" >&2
  exit 1
}

stats="$dir/findings/default/fuzzer_stats"
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "$target: $(stat execs_done) executions in $(stat run_time) s, $(stat corpus_count) corpus entries, $(stat saved_crashes) crashes, $(stat saved_hangs) hangs"

regressions="tests/Sim.Learning.Tests/Fuzzing/Regressions/$target"
shopt -s nullglob
for input in "$dir"/findings/default/crashes/id:* "$dir"/findings/default/hangs/id:*; do
  mkdir -p "$regressions"
  name="$(basename "$(dirname "$input")")-$(sha256sum "$input" | cut -c1-16).bin"
  cp "$input" "$regressions/$name"
  echo "kept $regressions/$name"
done
if [ -d "$regressions" ]; then
  # Bounded: an input kept as a hang may still hang the build that was fuzzed.
  timeout 120 dotnet "$plain/Sim.Fuzz.dll" "$target" replay "$regressions" | grep -v '^accepted\|^rejected' || true
fi
