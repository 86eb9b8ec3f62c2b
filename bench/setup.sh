#!/usr/bin/env bash
# Creates the benchmark environments (idempotent; re-running is cheap):
#   bench/.venv           pinned peers (bench/requirements-peers.txt)
#   bench/.venv-original  the original PyForge CLI 1.0.9 from PyPI
# Records how the original was installed in
#   bench/.venv-original/pyforge-original.json
# Benchmarks are not tests: nothing in CI calls this.
#
# Environment: PYTHON (default python3, expected 3.11), FORCE=1 to rebuild.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
FORCE="${FORCE:-0}"
ORIG_VERSION="1.0.9"

log() { printf '[setup] %s\n' "$*" >&2; }

pyver="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[ "$pyver" = "3.11" ] || log "warning: Python $pyver (benchmarks were specified on 3.11)"

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- peers venv
PEERS_VENV="$BENCH/.venv"
PEERS_STAMP="$(stamp_of "$BENCH/requirements-peers.txt" "$BENCH/setup.sh")"
if [ "$FORCE" != 1 ] && [ -x "$PEERS_VENV/bin/python" ] \
   && [ "$(cat "$PEERS_VENV/.bench-stamp" 2>/dev/null)" = "$PEERS_STAMP" ]; then
    log "peers venv up to date: $PEERS_VENV"
else
    log "creating peers venv: $PEERS_VENV"
    "$PY" -m venv --clear "$PEERS_VENV"
    "$PEERS_VENV/bin/pip" install --quiet --only-binary=:all: -r "$BENCH/requirements-peers.txt"
    "$PEERS_VENV/bin/python" -c 'import duckdb, polars, pyarrow, pandas, matplotlib'
    echo "$PEERS_STAMP" > "$PEERS_VENV/.bench-stamp"
    log "peers venv ready"
fi

# ------------------------------------------------------------- original venv
ORIG_VENV="$BENCH/.venv-original"
ORIG_STAMP="$(stamp_of "$BENCH/requirements-original.txt" "$BENCH/setup.sh")"
STATUS="$ORIG_VENV/pyforge-original.json"
LOGS="$BENCH/.venv-original-logs"   # outside the venv: venv --clear must not eat them
if [ "$FORCE" != 1 ] && [ -f "$STATUS" ] \
   && [ "$(cat "$ORIG_VENV/.bench-stamp" 2>/dev/null)" = "$ORIG_STAMP" ]; then
    log "original venv up to date: $ORIG_VENV ($(sed -n 's/.*"mode": "\([^"]*\)".*/\1/p' "$STATUS"))"
    exit 0
fi

write_status() {  # mode reason
    MODE="$1" REASON="$2" ORIG_VENV="$ORIG_VENV" PINNED_LOG="$LOGS/install-pinned.log" \
    "$PEERS_VENV/bin/python" - <<'EOF'
import json, os, subprocess, sys, datetime
venv = os.environ["ORIG_VENV"]
py = os.path.join(venv, "bin", "python")
freeze = ""
if os.path.exists(py):
    freeze = subprocess.run([py, "-m", "pip", "freeze"], capture_output=True, text=True).stdout
pkgs = {}
for line in freeze.splitlines():
    if "==" in line:
        k, v = line.split("==", 1)
        pkgs[k.lower()] = v
tail = ""
try:
    with open(os.environ["PINNED_LOG"], errors="replace") as f:
        lines = [l.rstrip() for l in f if l.strip()]
    keys = ("rror", "Failed", "failed", "No matching", ".tar.gz")
    errs = [l.strip() for l in lines if any(k in l for k in keys)]
    tail = "\n".join((errs[-4:] if errs else lines[-6:]))
except OSError:
    pass
status = {
    "mode": os.environ["MODE"],
    "reason": os.environ["REASON"],
    "pinned_install_error": tail,
    "python": sys.version.split()[0],
    "packages": {k: pkgs[k] for k in ("pyforge-cli", "pandas", "numpy", "pyarrow", "chardet") if k in pkgs},
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
}
with open(os.path.join(venv, "pyforge-original.json"), "w") as f:
    json.dump(status, f, indent=2)
    f.write("\n")
print(json.dumps(status, indent=2))
EOF
}

log "creating original venv: $ORIG_VENV"
mkdir -p "$LOGS"
"$PY" -m venv --clear "$ORIG_VENV"
OPIP="$ORIG_VENV/bin/pip"

# 1. Exactly what a user would type, with the published pins.
log "attempt 1: pip install pyforge-cli==$ORIG_VERSION (published pins)"
if timeout 900 "$OPIP" install "pyforge-cli==$ORIG_VERSION" > "$LOGS/install-pinned.log" 2>&1 \
   && "$ORIG_VENV/bin/pyforge" --version > /dev/null 2>&1; then
    write_status "pinned" "pyforge-cli $ORIG_VERSION installed with its published dependency pins"
else
    log "attempt 1 failed (see $LOGS/install-pinned.log)"
    "$PY" -m venv --clear "$ORIG_VENV"
    # 2. Released code unchanged, nearest installable dependency set.
    log "attempt 2: requirements-original.txt + pyforge-cli==$ORIG_VERSION --no-deps"
    if "$OPIP" install --quiet --only-binary=:all: -r "$BENCH/requirements-original.txt" \
            > "$LOGS/install-nearest.log" 2>&1 \
       && "$OPIP" install --quiet --no-deps "pyforge-cli==$ORIG_VERSION" >> "$LOGS/install-nearest.log" 2>&1 \
       && "$ORIG_VENV/bin/pyforge" --version > /dev/null 2>&1; then
        write_status "released-code-nearest-deps" \
            "published pins do not install on Python $pyver (pyarrow==8.0.0 has no cp311 wheel and its sdist fails to build); running the released pyforge-cli $ORIG_VERSION code unchanged with pyarrow 10.0.1 and the other pins as published"
    else
        log "attempt 2 failed (see $LOGS/install-nearest.log)"
        "$PY" -m venv --clear "$ORIG_VENV"
        # 3. Engine reproduction (see run_bench.py ORIGINAL_FALLBACK).
        if "$OPIP" install --quiet --only-binary=:all: pandas==1.5.3 numpy==1.23.5 pyarrow==10.0.1 chardet==5.2.0 \
                > "$LOGS/install-fallback.log" 2>&1; then
            write_status "fallback-engine" \
                "pyforge-cli $ORIG_VERSION could not be installed on Python $pyver; timing a reproduction of its CSV engine (pandas 1.5.3 read_csv dtype=str + per-cell str conversion + pyarrow write) instead"
        else
            write_status "fallback-engine-peer-venv" \
                "neither pyforge-cli $ORIG_VERSION nor pandas 1.5.3 installs on Python $pyver; timing a reproduction of its CSV engine with the peers venv's pandas"
        fi
    fi
fi
echo "$ORIG_STAMP" > "$ORIG_VENV/.bench-stamp"
log "original venv ready"
