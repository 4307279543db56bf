#!/usr/bin/env bash
# Side-by-side timing of `riskengine fit` (Cox, Efron) against R survival::coxph and Python
# lifelines CoxPHFitter on one generated cohort, in one run (issue 10 "Scale").
#
#   bash Benchmarks/compare_fit_peers.sh DATA_DIR [ROWS]
#
# The cohort comes from `riskengine synth --cohort` (seed 20261202); every peer fits the same ten
# terms. riskengine is timed end to end (reading the CSV included); the peers report the fit alone
# (reading excluded), which favours them. Not part of CI.
set -euo pipefail
DATA="${1:?usage: compare_fit_peers.sh DATA_DIR [ROWS]}"
ROWS="${2:-1000000}"
PY="${PY:-python3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TERMS="age + male + sbp + log(total_chol) + log(hdl) + smoker + diabetes + age:male + age:smoker + sbp:smoker"
mkdir -p "$DATA"
(cd "$ROOT" && swift build -c release --product riskengine >/dev/null)
RE="$ROOT/.build/release/riskengine"
IN="$DATA/cohort_${ROWS}.csv"
[ -s "$IN" ] || "$RE" synth --cohort --rows "$ROWS" --seed 20261202 -o "$IN"
start=$(date +%s.%N)
"$RE" fit "$IN" --time time --event event --terms "$TERMS" --summary "$DATA/riskengine_fit.json" > /dev/null
end=$(date +%s.%N)
echo "riskengine $(echo "$end - $start" | bc) (end to end, CSV read included)"
Rscript "$ROOT/Benchmarks/peers/fit_coxph.R" "$IN" "$TERMS"
"$PY" "$ROOT/Benchmarks/peers/fit_lifelines.py" "$IN" "$TERMS"
