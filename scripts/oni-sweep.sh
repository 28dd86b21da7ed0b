#!/usr/bin/env bash
# The ONI benchmark of docs/benchmarks.md ("LLM-feedback intrinsic rewards (ONI)"). It starts the stand-in LLM (a
# chat-completions server on 127.0.0.1 whose model is a keyword rule, not a language model), then runs, one at a time
# under nice -n 10, PPO on a sparse task (ReacherSparse-v1 unless --env says otherwise) for each seed: the sparse reward
# alone, then ONI retrieval, classification and ranking; then --cost-rounds pairs of cost cells (the same run and seed
# with annotation off and on, interleaved). Each cell is its own folder under the output folder; finished cells are
# skipped when the script is run again.
#
#   scripts/oni-sweep.sh [--env ID] [--steps N] [--cost-steps N] [--cost-rounds N] [--seeds "1 2"] [--out DIR]
#
# SIM_BIN names the folder holding sim.dll (default: the Release build), so a sweep can run from a copy while the
# tree is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."

env=ReacherSparse-v1 steps=250000 cost_steps=60000 cost_rounds=2 seeds="1 2" out=runs/oni
while [[ $# -gt 0 ]]; do
  case "$1" in
    --env) env="$2"; shift ;;
    --steps) steps="$2"; shift ;;
    --cost-rounds) cost_rounds="$2"; shift ;;
    --cost-steps) cost_steps="$2"; shift ;;
    --seeds) seeds="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "oni-sweep: unknown argument '$1': expected --env ID, --steps N, --cost-steps N, --cost-rounds N, --seeds \"1 2\" or --out DIR" >&2; exit 2 ;;
  esac
  shift
done
bin="${SIM_BIN:-src/Sim.Cli/bin/Release/net10.0}"
standin="${SIM_STANDIN_BIN:-tests/Sim.LlmStandIn/bin/Release/net10.0}"
[[ -f "$bin/sim.dll" ]] || { echo "oni-sweep: no sim.dll in '$bin': build src/Sim.Cli first" >&2; exit 2; }
[[ -f "$standin/Sim.LlmStandIn.dll" ]] || { echo "oni-sweep: no Sim.LlmStandIn.dll in '$standin': build tests/Sim.LlmStandIn first" >&2; exit 2; }
mkdir -p "$out"

# The stand-in prints its URL on its first line.
dotnet "$standin/Sim.LlmStandIn.dll" > "$out/standin.log" 2>&1 &
standin_pid=$!
trap 'kill "$standin_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "http://" "$out/standin.log" && break; sleep 0.1; done
url=$(grep -o "http://[^ ]*" "$out/standin.log" | head -1)
[[ -n "$url" ]] || { echo "oni-sweep: the stand-in did not start; see $out/standin.log" >&2; exit 1; }
echo "stand-in LLM at $url"

run_cell() { # name steps seed reward-args...
  local name=$1 cell_steps=$2 seed=$3; shift 3
  local folder="$out/$name"
  if compgen -G "$folder/*/timing.json" > /dev/null; then echo "$name: done"; return; fi
  rm -rf "$folder"; mkdir -p "$folder"
  echo "$name: $cell_steps steps ($(date -u +%H:%M:%S))"
  nice -n 10 dotnet "$bin/sim.dll" train --env "$env" --algo ppo --seed "$seed" --steps "$cell_steps" \
    --checkpoint-every 50000 --runs "$folder" "$@" > "$folder/train.log" 2>&1 || echo "$name: failed (see $folder/train.log)"
}

oni=(--reward oni --llm-url "$url" --llm-model stand-in-keyword-rule)
for seed in $seeds; do
  run_cell "sparse__$seed" "$steps" "$seed"
  for model in retrieval classification ranking; do run_cell "${model}__$seed" "$steps" "$seed" "${oni[@]}" --oni-model "$model"; done
done
for ((round = 1; round <= cost_rounds; round++)); do
  run_cell "cost_off__$round" "$cost_steps" 1
  run_cell "cost_on__$round" "$cost_steps" 1 "${oni[@]}" --oni-model retrieval
done
