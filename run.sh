#!/usr/bin/env bash
# The main job on the embedded defaults (CPU, local files): installs missing native packages,
# builds, and trains PPO on CartPole-v1 for 100k steps with the RL Zoo's tuned settings (about a
# minute on 2 cores; the return reaches 500), printing where the learning curve, metrics and
# checkpoint are. Arguments, when given, replace that job and go to `sim train`, e.g.
#   ./run.sh --env Hopper-v1 --steps 1e6
set -euo pipefail
cd "$(dirname "$0")"
scripts/native-deps.sh runtime
dotnet build src/Sim.Cli -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
[ $# -eq 0 ] && set -- --env CartPole-v1 --hparams zoo --steps 100000
exec dotnet src/Sim.Cli/bin/Release/net10.0/sim.dll train "$@"
