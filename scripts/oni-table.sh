#!/usr/bin/env bash
# Summarises scripts/oni-sweep.sh's cells as the Markdown tables of docs/benchmarks.md.
#
#   scripts/oni-table.sh [DIR] [BUCKET] [FLOOR]
#
# DIR: the sweep's output folder (runs/oni); BUCKET: env steps per column (50000); FLOOR: the return of an episode that
# never reached the target (0 for ReacherSparse-v1, whose return counts steps on the target; -100 for ArmPush-v1, whose
# sparse reward is -1 per step off it). Learning: for each cell, the mean true return of the training episodes that
# ended within each BUCKET of env steps, and the share of those episodes that reached the target at least once
# (return > FLOOR) and the success rate (the mean of charts/success, the env's is_success at the episode's last step);
# then per reward, the mean over seeds. Cost: training steps/s of each cost cell (timing.json) and the on/off ratio.
set -euo pipefail
out=${1:-runs/oni}
bucket=${2:-50000}
floor=${3:-0}
[[ -d "$out" ]] || { echo "oni-table: '$out' is not a folder: expected the sweep's output folder" >&2; exit 2; }

cells=$(for t in "$out"/*/*/timing.json; do [[ -e "$t" ]] && basename "$(dirname "$(dirname "$t")")"; done | grep -v '^cost_' || true)

if [[ -n "$cells" ]]; then
  per_cell() { # cell → "cell r1 reached1 success1 r2 reached2 success2 …" per bucket
    local metrics; metrics=$(ls "$out/$1"/*/metrics.csv | head -n 1)
    awk -F, -v cell="$1" -v bucket="$bucket" -v floor="$floor" '
      $2 == "charts/episodic_return" { b = int(($1 - 1) / bucket); n[b]++; s[b] += $3; if ($3 > floor) hit[b]++; if (b > last) last = b; if ($1 > top) top = $1 }
      $2 == "charts/success" { b = int(($1 - 1) / bucket); ns[b]++; succ[b] += $3 }
      END {
        # A last bucket covering less than half its span (the budget rounded up to whole rollouts) is left out.
        if (top - last * bucket < bucket / 2) last--
        printf "%s", cell
        for (b = 0; b <= last; b++) printf " %.1f %.2f %s", s[b] / n[b], hit[b] / n[b], ns[b] ? sprintf("%.2f", succ[b] / ns[b]) : "-"
        printf "\n" }' "$metrics"
  }
  rows=$(for c in $cells; do per_cell "$c"; done)
  columns=$(echo "$rows" | awk '{ if (NF > m) m = NF } END { print (m - 1) / 3 }')

  header() {
    printf "| %s |" "$1"; for ((b = 1; b <= columns; b++)); do printf " %dk |" $((b * bucket / 1000)); done; printf "\n|---|"
    for ((b = 1; b <= columns; b++)); do printf -- "---|"; done; printf "\n"
  }
  echo "Mean return (share of episodes that reached the target / success rate at the episode's end) per ${bucket} env steps, each run:"
  echo
  header run
  echo "$rows" | sort | awk '{ printf "| %s |", $1; for (i = 2; i < NF; i += 3) printf " %s (%s / %s) |", $i, $(i + 1), $(i + 2); printf "\n" }'
  echo
  echo "Mean over seeds:"
  echo
  header reward
  echo "$rows" | awk '{ split($1, p, "__"); k = p[1]; seeds[k]++; for (i = 2; i <= NF; i++) sum[k, i] += $i; if (NF > nf[k]) nf[k] = NF }
    END { for (k in seeds) { printf "| %s (%d seeds) |", k, seeds[k]
            for (i = 2; i < nf[k]; i += 3) printf " %.1f (%.2f / %.2f) |", sum[k, i] / seeds[k], sum[k, i + 1] / seeds[k], sum[k, i + 2] / seeds[k]
            printf "\n" } }' | sort
fi

cost=$(for t in "$out"/cost_*/*/timing.json; do [[ -e "$t" ]] || continue
  c=$(basename "$(dirname "$(dirname "$t")")"); printf "%s %s\n" "$c" "$(grep -o '"TrainingStepsPerSecond": [0-9.]*' "$t" | awk '{ print $2 }')"; done)
if [[ -n "$cost" ]]; then
  echo
  echo "| cost cell | training steps/s |"
  echo "|---|---|"
  echo "$cost" | awk '{ printf "| %s | %.0f |\n", $1, $2 }'
  echo "$cost" | awk '$1 ~ /^cost_on/ { on += $2; n1++ } $1 ~ /^cost_off/ { off += $2; n0++ }
    END { if (n1 && n0) printf "\nannotation on ÷ off (mean of %d and %d runs): %.3f\n", n1, n0, (on / n1) / (off / n0) }'
fi
