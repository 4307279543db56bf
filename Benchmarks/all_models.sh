#!/usr/bin/env bash
# Every shipped model in one pass: whole-process time, CPU and peak memory of
#   riskengine score SYNTH.csv --models <all> (Viet Nam run-wide values)
# on `riskengine synth` populations of 10^6 and 10^7 rows, with 1 and 2 workers, round-robin.
#
#   bash Benchmarks/all_models.sh DATA_DIR [ROUNDS] [SIZES]
#
# DATA_DIR receives the synthetic files and outputs (about 2 GB for 10^7 rows, plus 8 GB of output
# written and deleted per run). Prints one Markdown row per run: size, workers, wall s, M rows/s,
# CPU s (user + system), peak RSS MB. Not part of CI.
set -euo pipefail
DATA="${1:?usage: all_models.sh DATA_DIR [ROUNDS] [SIZES]}"
ROUNDS="${2:-2}"
SIZES="${3:-1000000 10000000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$DATA"
(cd "$ROOT" && swift build -c release --product riskengine >/dev/null)
RE="$ROOT/.build/release/riskengine"
ALL="$("$RE" models list | cut -f1 | paste -sd, -)"
PARAMS=(--param who_region=southeast_asia --param country=VNM --param score2_region=moderate
        --param kfre_calibration=non_north_american --param baseline_year=2020)
for n in $SIZES; do
  [ -s "$DATA/synth_$n.csv" ] || "$RE" synth --rows "$n" --seed 20261202 --output "$DATA/synth_$n.csv"
done
echo "| rows | workers | wall s | M rows/s | CPU s | peak RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|"
for r in $(seq 1 "$ROUNDS"); do
  for n in $SIZES; do
    for t in 1 2; do
      out="$DATA/all_out.csv"; rm -f "$out" "$out.manifest.json"
      m="$( { /usr/bin/time -f '%e %U %S %M' "$RE" score "$DATA/synth_$n.csv" --models "$ALL" "${PARAMS[@]}" \
              --threads "$t" -o "$out" --quiet; } 2>&1 | tail -1)"
      read -r wall user sys rss <<< "$m"
      awk -v n="$n" -v t="$t" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
        'BEGIN { printf "| %d | %d | %.2f | %.3f | %.2f | %.0f |\n", n, t, w, n / w / 1e6, u + s, r / 1024 }'
      rm -f "$out" "$out.manifest.json"
    done
  done
done
