#!/usr/bin/env bash
# Adds the Excel benchmark's peers (bench/requirements-xlsx.txt) to the
# benchmark venv bench/.venv (created by bench/setup.sh when missing).
# Benchmarks are not tests: nothing in CI calls this.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -x "$BENCH/.venv/bin/python" ] || "$BENCH/setup.sh"
"$BENCH/.venv/bin/python" -m pip install --quiet -r "$BENCH/requirements-xlsx.txt"
echo "[setup_xlsx] peers installed in $BENCH/.venv"
