#!/usr/bin/env bash
# Side-by-side timing of `riskengine score` against the peer pipelines of the performance
# baseline (pandas, polars, DuckDB, hand-written C), on the same generated file, in one run.
#
#   bash Benchmarks/compare_peers.sh PEER_BENCH_DIR DATA_DIR [ROUNDS] [ROWS]
#
# PEER_BENCH_DIR holds gen_population.py, peer_*.py, limit_c.c and timeit.py (the team's
# performance-baseline folder); DATA_DIR receives data, outputs and results. PY must have numpy,
# pandas, polars, duckdb and pyarrow. Rounds are round-robin so machine noise hits all alike.
# Not part of CI: it needs the peer scripts and their Python packages.
set -euo pipefail
PEERS="$(cd "${1:?usage: compare_peers.sh PEER_BENCH_DIR DATA_DIR [ROUNDS] [ROWS]}" && pwd)"
DATA="${2:?usage}"
ROUNDS="${3:-3}"
ROWS="${4:-1000000}"
PY="${PY:-python3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$DATA/out"
IN="$DATA/pop_${ROWS}.csv"
[ -s "$IN" ] || "$PY" "$PEERS/gen_population.py" --rows "$ROWS" --out "$IN"
(cd "$ROOT" && swift build -c release --product riskengine >/dev/null)
RE="$ROOT/.build/release/riskengine"
gcc -O3 -march=native -ffp-contract=off -o "$DATA/limit_c" "$PEERS/limit_c.c" -lm -lpthread
RES="$DATA/results_${ROWS}.jsonl"
: > "$RES"
PIPES=(
  "riskengine-2t|$RE score @IN@ --models pce2013,framingham2008_lab -o @OUT@ --quiet"
  "riskengine-1t|$RE score @IN@ --models pce2013,framingham2008_lab -o @OUT@ --quiet --threads 1"
  "c-1t|$DATA/limit_c @IN@ @OUT@"
  "c-2t|$DATA/limit_c @IN@ @OUT@ --threads 2"
  "pandas|$PY $PEERS/peer_pandas.py @IN@ @OUT@"
  "polars|$PY $PEERS/peer_polars.py @IN@ @OUT@"
  "duckdb|$PY $PEERS/peer_duckdb.py @IN@ @OUT@"
)
# ONLY="riskengine-2t c-2t duckdb" limits the pipelines (e.g. at 10^7 rows, where pandas takes minutes).
if [ -n "${ONLY:-}" ]; then
  kept=()
  for p in "${PIPES[@]}"; do case " $ONLY " in *" ${p%%|*} "*) kept+=("$p") ;; esac; done
  PIPES=("${kept[@]}")
fi
cat "$IN" > /dev/null
for r in $(seq 0 "$ROUNDS"); do
  for p in "${PIPES[@]}"; do
    IFS='|' read -r label cmd <<< "$p"
    o="$DATA/out/${label}.csv"; rm -f "$o"
    c="${cmd//@IN@/$IN}"; c="${c//@OUT@/$o}"
    json=""; [ "$r" -gt 0 ] && json="--json $RES"   # round 0 is an unrecorded warm-up
    eval "\"$PY\" \"$PEERS/timeit.py\" --runs 1 --warmup 0 --label \"$label\" --rows $ROWS --bytes $(stat -c %s "$IN") $json -- $c"
  done
done
"$PY" "$PEERS/summarize.py" "$RES" | tee "$DATA/results_${ROWS}.md"
# Agreement: riskengine's PCE and Framingham against the C probe on every row riskengine scored.
[ -s "$DATA/out/c-1t.csv" ] || exit 0
"$PY" - "$DATA/out/riskengine-2t.csv" "$DATA/out/c-1t.csv" <<'PYEOF'
import csv, sys
ours = csv.DictReader(open(sys.argv[1], newline=""))
ref = csv.DictReader(open(sys.argv[2], newline=""))
n = same = worst = 0
for a, b in zip(ours, ref):
    assert a["id"] == b["id"], "row order differs"
    for col, refcol, st in (("pce2013_ascvd_10y", "pce_risk", "pce2013_status"),
                            ("framingham2008_lab_cvd_10y", "framingham_risk", "framingham2008_lab_status")):
        if a[st] != "ok":
            continue
        n += 1
        same += a[col] == b[refcol]
        worst = max(worst, abs(float(a[col]) - float(b[refcol])))
print(f"agreement with c-1t on rows riskengine scored: {same}/{n} risks identical at 2 decimals, max |diff| {worst:.2f}")
PYEOF
