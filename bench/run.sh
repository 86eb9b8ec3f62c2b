#!/usr/bin/env bash
# One command for the CSV -> Parquet benchmark:
#   setup venvs (if needed) -> generate data -> run -> render.
#
#   bench/run.sh            full scale (~650 MB of CSV), 3 repeats, writes
#                           docs/benchmarks.md and docs/img/benchmarks_csv.png
#   bench/run.sh --quick    scale 0.05, 1 repeat; renders into bench/results/quick/
#                           so a smoke run never overwrites the published page
#   bench/run.sh --scale 0.5   another dataset scale (data in bench/data/s0.5)
#   Any other argument is passed to run_bench.py, e.g.
#   bench/run.sh --pyforge build/release/pyforge --repeats 5 --threads 2
#
# Benchmarks are not tests: CI never calls this script.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCALE=1
EXTRA=()
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --scale) SCALE="$2"; shift ;;
        --scale=*) SCALE="${1#--scale=}" ;;
        *) EXTRA+=("$1") ;;
    esac
    shift
done

"$BENCH/setup.sh"
PY="$BENCH/.venv/bin/python"

if [ "$QUICK" = 1 ]; then
    [ "$SCALE" = 1 ] && SCALE=0.05
    "$PY" "$BENCH/gen_data.py" --scale "$SCALE"
    exec "$PY" "$BENCH/run_bench.py" --scale "$SCALE" --repeats 1 --version-runs 50 \
        --original-version-runs 3 \
        --doc "$BENCH/results/quick/benchmarks.md" --img "$BENCH/results/quick/benchmarks_csv.png" \
        ${EXTRA[@]+"${EXTRA[@]}"}
fi

"$PY" "$BENCH/gen_data.py" --scale "$SCALE"
exec "$PY" "$BENCH/run_bench.py" --scale "$SCALE" ${EXTRA[@]+"${EXTRA[@]}"}
