#!/usr/bin/env bash
# The main job on the embedded defaults (CPU, local files): installs missing native packages,
# builds, and runs `sim demo` (a random-policy Hopper rollout, recorded and timed).
# Extra arguments go to `sim demo`, e.g. ./run.sh --env Walker2d-v1 --num-envs 32
set -euo pipefail
cd "$(dirname "$0")"
scripts/native-deps.sh runtime
dotnet build src/Sim.Cli -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
exec dotnet src/Sim.Cli/bin/Release/net10.0/sim.dll demo "$@"
