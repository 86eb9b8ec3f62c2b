#!/usr/bin/env bash
# Installs the packages the Python API suite (tests/python/api) uses beside
# the wheel (consumers: pyarrow, polars, DuckDB, pandas; the notebook kernel:
# nbclient, ipykernel; tqdm) into build/pyapi-deps/<major.minor>, one
# directory per interpreter: the newest Python gets tests/python/
# requirements-api.txt, Python 3.8 requirements-api-py38.txt. The wheel's
# fresh venvs see the directory through a .pth file; the package itself
# depends on none of them. Idempotent: a directory is remade only when its
# requirements change. Interpreters come from PYFORGE_TEST_PYTHONS (':'
# separated) or pyenv, as in tests/python/wheel_util.py.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() { # $1: "3.8" or "newest"
  local c v best="" bestv=0
  local cands=()
  if [ -n "${PYFORGE_TEST_PYTHONS:-}" ]; then
    IFS=: read -r -a cands <<< "$PYFORGE_TEST_PYTHONS"
  else
    cands=("${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*/bin/python3)
    for m in $(seq 8 19); do command -v "python3.$m" >/dev/null 2>&1 && cands+=("$(command -v "python3.$m")"); done
  fi
  for c in "${cands[@]}"; do
    [ -x "$c" ] || continue
    v=$("$c" -c 'import sys; print(sys.version_info[0] * 100 + sys.version_info[1])' 2>/dev/null) || continue
    if [ "$1" = "3.8" ]; then [ "$v" = 308 ] && { echo "$c"; return; }
    elif [ "$v" -gt "$bestv" ]; then best=$c; bestv=$v; fi
  done
  [ "$1" = newest ] && [ -n "$best" ] && echo "$best"
}

install() { # $1: interpreter, $2: requirements file
  local py=$1 req=$2 ver dir stamp sum
  ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  dir=build/pyapi-deps/$ver
  stamp=$dir/.requirements.sha
  sum=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return; fi
  echo "pyforge setup: installing the API suite's packages for Python $ver into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  "$py" -m pip install -q --disable-pip-version-check --no-warn-script-location --target "$dir" -r "$req"
  echo "$sum" > "$stamp"
}

newest=$(find_python newest || true)
old=$(find_python 3.8 || true)
if [ -z "$newest" ] || [ -z "$old" ]; then
  echo "pyforge setup: warning: Python 3.8 and a newer Python are needed for tests/python/api" >&2
  exit 0
fi
install "$newest" tests/python/requirements-api.txt
install "$old" tests/python/requirements-api-py38.txt
