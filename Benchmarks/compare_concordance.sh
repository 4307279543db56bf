#!/usr/bin/env bash
# Harrell's C side by side: RiskEngine (RiskValidation, release build), R survival::concordance and
# Python lifelines concordance_index, on the same generated cohort, in one run, round-robin.
#
#   bash Benchmarks/compare_concordance.sh DATA_DIR [ROUNDS] [ROWS]
#
# Needs Rscript with survival, and python3 with numpy and lifelines. Not part of CI.
set -euo pipefail
DATA="${1:?usage: compare_concordance.sh DATA_DIR [ROUNDS] [ROWS]}"
ROUNDS="${2:-3}"
ROWS="${3:-1000000}"
PY="${PY:-python3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$DATA"
IN="$DATA/concordance_${ROWS}.csv"
[ -s "$IN" ] || "$PY" "$HERE/peers/gen_cohort.py" "$ROWS" "$IN"
(cd "$HERE" && swift build -c release --product ConcordanceTiming >/dev/null)
BIN="$(cd "$HERE" && swift build -c release --show-bin-path)/ConcordanceTiming"
for r in $(seq "$ROUNDS"); do
  "$BIN" "$IN"
  Rscript "$HERE/peers/peer_concordance.R" "$IN"
  "$PY" "$HERE/peers/peer_lifelines.py" "$IN"
done
