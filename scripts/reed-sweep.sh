#!/usr/bin/env bash
# The label-efficiency sweep of docs/benchmarks.md ("Dynamics-aware rewards (REED)"): PPO-PbRL at 150k env steps on
# HalfCheetah-v1 and Walker2d-v1, oracle teacher, disagreement sampler, with and without --reed, beside the true reward;
# then PEBBLE with and without REED on Walker2d; then REED on HalfCheetah with its encoders copied before the first
# reward update only (reedf), and with that and states standardised before f_s (reedfs). Cells run in the order below (most important first), at most --jobs at
# once, each under nice -n 10 in its own folder under the output folder; a cell is done once its run has finished.
#
#   scripts/reed-sweep.sh [--resume] [--jobs N] [--out DIR] [--only REGEX] [--pebble-steps N] [--list]
#
# SIM_BIN=<folder with sim.dll> runs that build instead of building the tree.
# --resume continues a sweep that was stopped: finished cells are skipped, a stopped run continues from its latest
# checkpoint (sim train --resume), and a run stopped before its first checkpoint starts again. Without --resume the
# output folder must not hold any cell yet. --only runs the cells whose name matches REGEX; --list prints the cells.
set -euo pipefail
cd "$(dirname "$0")/.."

resume=0 jobs=2 out=runs/reed only="" list=0 pebble_steps=30000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --resume) resume=1 ;;
    --jobs) jobs="$2"; shift ;;
    --out) out="$2"; shift ;;
    --only) only="$2"; shift ;;
    --pebble-steps) pebble_steps="$2"; shift ;;
    --list) list=1 ;;
    *) echo "reed-sweep: unknown argument '$1': expected --resume, --jobs N, --out DIR, --only REGEX, --pebble-steps N or --list" >&2; exit 2 ;;
  esac
  shift
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "reed-sweep: --jobs '$jobs': expected a whole number of runs at least 1" >&2; exit 2; }
[[ "$pebble_steps" =~ ^[1-9][0-9]*$ ]] || { echo "reed-sweep: --pebble-steps '$pebble_steps': expected a whole number of env steps at least 1" >&2; exit 2; }

steps=150000
cells=()
ppo_cells() { # env seed
  local env=$1 seed=$2
  cells+=("$env|true|0|$seed" "$env|pref|50|$seed" "$env|reed|50|$seed" "$env|pref|100|$seed" "$env|reed|100|$seed"
          "$env|pref|200|$seed" "$env|pref|500|$seed" "$env|reed|500|$seed")
}
ppo_cells HalfCheetah-v1 1; ppo_cells HalfCheetah-v1 2
ppo_cells Walker2d-v1 1; ppo_cells Walker2d-v1 2
ppo_cells HalfCheetah-v1 3; ppo_cells Walker2d-v1 3
cells+=("HalfCheetah-v1|reedc|100|1" "HalfCheetah-v1|reedc|100|2")
# REED with its encoders copied before the first reward update only (--reed-set copy_encoders=FirstUpdate).
cells+=("HalfCheetah-v1|reedf|50|1" "HalfCheetah-v1|reedf|50|2" "HalfCheetah-v1|reedf|100|1" "HalfCheetah-v1|reedf|100|2")
# The same with states standardised before f_s (--reed-set standardize_states=true).
cells+=("HalfCheetah-v1|reedfs|50|1" "HalfCheetah-v1|reedfs|50|2" "HalfCheetah-v1|reedfs|100|1" "HalfCheetah-v1|reedfs|100|2")
cells+=("Walker2d-v1|pebble|500|1" "Walker2d-v1|pebble-reed|500|1")
# The first-update copy with standardised states (reedfs) on Walker2d-v1, at REED's 500 labels on HalfCheetah-v1, and
# on PEBBLE; they run after the Walker2d baseline cells above (select them with --only).
for seed in 1 2 3; do cells+=("Walker2d-v1|reedfs|50|$seed" "Walker2d-v1|reedfs|100|$seed" "Walker2d-v1|reedfs|500|$seed"); done
cells+=("HalfCheetah-v1|reedfs|500|1" "HalfCheetah-v1|reedfs|500|2" "HalfCheetah-v1|reedfs|500|3")
cells+=("Walker2d-v1|pebble-reedfs|500|1")
# Seeds 4 and 5 of the cells the bar compares (REED at 50 and 100 labels against the baseline at 200 and 500).
for seed in 4 5; do for env in HalfCheetah-v1 Walker2d-v1; do
  cells+=("$env|true|0|$seed" "$env|reedfs|50|$seed" "$env|pref|200|$seed" "$env|reedfs|100|$seed" "$env|pref|500|$seed")
done; done

name_of() { IFS='|' read -r env variant labels seed <<<"$1"; echo "${env}__${variant}__${labels}__s${seed}"; }

args_of() {
  IFS='|' read -r env variant labels seed <<<"$1"
  local common=(--env "$env" --seed "$seed")
  case "$variant" in
    true) echo "${common[@]} --algo ppo --steps $steps" ;;
    pref) echo "${common[@]} --algo ppo --steps $steps --reward preference --labels $labels --sampler disagreement" ;;
    reed) echo "${common[@]} --algo ppo --steps $steps --reward preference --labels $labels --sampler disagreement --reed simsiam" ;;
    reedf) echo "${common[@]} --algo ppo --steps $steps --reward preference --labels $labels --sampler disagreement --reed simsiam --reed-set copy_encoders=FirstUpdate" ;;
    reedfs) echo "${common[@]} --algo ppo --steps $steps --reward preference --labels $labels --sampler disagreement --reed simsiam --reed-set copy_encoders=FirstUpdate --reed-set standardize_states=true" ;;
    reedc) echo "${common[@]} --algo ppo --steps $steps --reward preference --labels $labels --sampler disagreement --reed contrastive" ;;
    pebble) echo "${common[@]} --algo sac --steps $pebble_steps --reward preference --labels $labels --sampler disagreement --unsupervised-steps 2000 --torch-threads 1" ;;
    pebble-reed) echo "${common[@]} --algo sac --steps $pebble_steps --reward preference --labels $labels --sampler disagreement --unsupervised-steps 2000 --torch-threads 1 --reed simsiam" ;;
    pebble-reedfs) echo "${common[@]} --algo sac --steps $pebble_steps --reward preference --labels $labels --sampler disagreement --unsupervised-steps 2000 --torch-threads 1 --reed simsiam --reed-set copy_encoders=FirstUpdate --reed-set standardize_states=true" ;;
  esac
}

if [[ $list == 1 ]]; then
  for cell in "${cells[@]}"; do n=$(name_of "$cell"); [[ -z "$only" || "$n" =~ $only ]] && echo "$n: sim train $(args_of "$cell")"; done
  exit 0
fi

if [[ $resume == 0 && -d "$out" ]] && compgen -G "$out/*__s*" >/dev/null; then
  echo "reed-sweep: '$out' already holds cells: continue them with --resume, or give another --out" >&2
  exit 2
fi

mkdir -p "$out"
if [[ -n "${SIM_BIN:-}" ]]; then
  # A build given from outside (a folder holding sim.dll), so that several sweeps can share one fixed build.
  [[ -f "$SIM_BIN/sim.dll" ]] || { echo "reed-sweep: SIM_BIN='$SIM_BIN' holds no sim.dll" >&2; exit 2; }
  sim="$SIM_BIN/sim.dll"
else
  dotnet build src/Sim.Cli -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
  # The runs use a copy of the build, so that building the tree while the sweep goes on cannot change a running sim.
  build="$out/sim-build-$(date -u +%Y%m%dT%H%M%S)"
  cp -r src/Sim.Cli/bin/Release/net10.0 "$build"
  sim="$build/sim.dll"
fi

run_cell() { # cell
  local cell=$1 dir run
  dir="$out/$(name_of "$cell")"
  mkdir -p "$dir"
  run=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  if [[ -n "$run" ]] && ! compgen -G "$run/checkpoints/step_*" >/dev/null; then
    rm -rf "$run"   # stopped before its first checkpoint: nothing to continue
    run=""
  fi
  local status=0
  if [[ -n "$run" ]]; then
    echo "$(date -u +%H:%M:%S) resume $(basename "$dir")"
    nice -n 10 dotnet "$sim" train --resume "$run" >>"$dir/train.log" 2>&1 || status=$?
  else
    echo "$(date -u +%H:%M:%S) start  $(basename "$dir")"
    # shellcheck disable=SC2046
    nice -n 10 dotnet "$sim" train $(args_of "$cell") --runs "$dir" >>"$dir/train.log" 2>&1 || status=$?
  fi
  if [[ $status == 0 ]]; then touch "$dir/done"; echo "$(date -u +%H:%M:%S) done   $(basename "$dir")"
  else echo "$(date -u +%H:%M:%S) failed $(basename "$dir") (exit $status; see $dir/train.log)"; fi
}

for cell in "${cells[@]}"; do
  n=$(name_of "$cell")
  [[ -n "$only" && ! "$n" =~ $only ]] && continue
  [[ -f "$out/$n/done" ]] && continue
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n || true; done
  run_cell "$cell" &
done
wait
echo "$(date -u +%H:%M:%S) sweep finished: $(compgen -G "$out/*/done" | wc -l) cells done"
