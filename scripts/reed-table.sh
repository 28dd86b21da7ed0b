#!/usr/bin/env bash
# Summarises the finished cells of scripts/reed-sweep.sh as the Markdown tables of docs/benchmarks.md: one row per run,
# then one per (env, reward, labels) with the mean and spread (min–max) over seeds.
#
#   scripts/reed-table.sh [DIR]      # DIR: the sweep's output folder, runs/reed by default
#
# Return is the mean true return of the last 10 training episodes and length their mean length in steps; recovered is return ÷ the same seed's true-reward
# return; held-out accuracy and reward correlation are the last round's; REED share is the auxiliary phase's wall time
# over the run's.
set -euo pipefail
out=${1:-runs/reed}
[[ -d "$out" ]] || { echo "reed-table: '$out' is not a folder: expected the sweep's output folder" >&2; exit 2; }

rows=$(for done in "$out"/*/done; do
  [[ -e "$done" ]] || continue
  cell=$(basename "$(dirname "$done")")
  metrics=$(ls "$(dirname "$done")"/*/metrics.csv | head -n 1)
  IFS='_' read -r env _ variant _ labels _ seed <<<"${cell//__/_ _}"
  awk -F, -v cell="$cell" '
    NR == 1 { next }
    { if (first == "") first = $4; last = $4 }
    $2 == "charts/episodic_return" { r[n++] = $3 }
    $2 == "charts/episodic_length" { len[nl++] = $3 }
    $2 == "preference/held_out_accuracy" { acc = $3 }
    $2 == "preference/reward_correlation" { corr = $3 }
    $2 == "preference/labels" { labels = $3 }
    $2 == "reed/seconds" { reed += $3 }
    END {
      k = n < 10 ? n : 10; s = 0; for (i = n - k; i < n; i++) s += r[i]
      kl = nl < 10 ? nl : 10; sl = 0; for (i = nl - kl; i < nl; i++) sl += len[i]
      printf "%s %.1f %s %s %s %.2f %.3f %.0f\n", cell, s / k, acc == "" ? "-" : acc, corr == "" ? "-" : corr, labels == "" ? "-" : labels, (last - first) / 60, reed / (last - first), sl / kl
    }' "$metrics"
done | sort -V)

echo "| run | return | length | recovered | held-out acc. | reward corr. | labels used | wall time | REED share |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "$rows" | awk '
  { split($1, p, "__"); env = p[1]; seed = p[4]; ret[$1] = $2; if (p[2] == "true") truth[env, seed] = $2; line[NR] = $0 }
  END {
    for (i = 1; i <= NR; i++) {
      split(line[i], f, " "); split(f[1], p, "__")
      t = truth[p[1], p[4]]
      rec = (t == "" || p[2] == "true") ? (p[2] == "true" ? "100 %" : "—") : sprintf("%.0f %%", 100 * f[2] / t)
      printf "| %s | %.1f | %s | %s | %s | %s | %s | %.1f min | %s |\n", f[1], f[2], f[8], rec,
        f[3] == "-" ? "—" : sprintf("%.3f", f[3]), f[4] == "-" ? "—" : sprintf("%.2f", f[4]), f[5] == "-" ? "—" : f[5], f[6],
        p[2] ~ /reed|pebble-reed/ ? sprintf("%.0f %%", 100 * f[7]) : "—"
    }
  }'

echo
echo "| env | reward | labels | seeds | return, mean (min–max) | recovered, mean | held-out acc., mean | reward corr., mean |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
echo "$rows" | awk '
  { split($1, p, "__"); env = p[1]; v = p[2]; l = p[3]; seed = p[4]
    if (v == "true") truth[env, seed] = $2
    key = env "|" v "|" l; if (!(key in n)) order[++m] = key
    n[key]++; sum[key] += $2; if (!(key in lo) || $2 < lo[key]) lo[key] = $2; if (!(key in hi) || $2 > hi[key]) hi[key] = $2
    if ($3 != "-") { acc[key] += $3; nacc[key]++ } if ($4 != "-") { corr[key] += $4; ncorr[key]++ }
    runs[key, n[key]] = seed SUBSEP $2 }
  END {
    for (i = 1; i <= m; i++) {
      key = order[i]; split(key, k, "|"); rs = 0; nr = 0
      for (j = 1; j <= n[key]; j++) { split(runs[key, j], s, SUBSEP); t = truth[k[1], s[1]]; if (t != "" && t != 0) { rs += s[2] / t; nr++ } }
      printf "| %s | %s | %s | %d | %.1f (%.1f – %.1f) | %s | %s | %s |\n", k[1], k[2], k[2] == "true" ? "—" : k[3], n[key], sum[key] / n[key], lo[key], hi[key],
        (nr > 0) ? sprintf("%.0f %%", 100 * rs / nr) : "—", nacc[key] ? sprintf("%.3f", acc[key] / nacc[key]) : "—", ncorr[key] ? sprintf("%.2f", corr[key] / ncorr[key]) : "—"
    }
  }'
