#!/usr/bin/env bash
# Runs every test tier on a fresh machine: installs what is missing, builds
# with AddressSanitizer + UndefinedBehaviorSanitizer and in Release, then
#   1. C unit tests (ctest, sanitized build)
#   2. CLI golden tests and
#   3. interop tests (pytest: Parquet read back by pyarrow, DuckDB, polars
#      and Spark in local mode), against the sanitized binary
#   4. the Python package: the release wheel (scripts/build-wheel.sh) in
#      fresh venvs on Python 3.8 and the newest Python, in a minimal Debian
#      root (tests/python), and the CLI golden tests run again against its
#      pip-installed `pyforge` console script; the Spark suite (tests/spark:
#      pyspark 4 in local mode and through Spark Connect, build/spark-venv)
#   5. the fuzz corpus replayed through every reader harness (sanitized)
# Benchmarks are not run here (see bench/).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
jobs=$(nproc)

echo "== build (asan+ubsan) =="
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPF_SANITIZE=ON >/dev/null
ninja -C build/asan -j "$jobs"
echo "== build (release) =="
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release -j "$jobs"

echo "== build (release wheel) =="
wheel=$(scripts/build-wheel.sh)
export PYFORGE_WHEEL="$wheel"
export PYFORGE_DEBIAN_ROOT="$PWD/$(scripts/debian-root.sh)"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== tier 1: unit tests (ctest) =="
ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== tier 2+3+4: CLI golden, interop and Python package tests (pytest, sanitized binary) =="
export PYFORGE_BIN="$PWD/build/asan/pyforge"
export PYFORGE_BUILD_DIR="$PWD/build/asan"
set +e
.venv/bin/python -m pytest tests -q -p no:cacheprovider
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
[ "$rc" -eq 0 ] || exit "$rc"

echo "== tier 4: CLI golden tests against the wheel's pyforge console script =="
venv=build/wheel-venv
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install -q --no-index --disable-pip-version-check "$PYFORGE_WHEEL"
PYFORGE_BIN="$PWD/$venv/bin/pyforge" .venv/bin/python -m pytest tests/cli -q -p no:cacheprovider

echo "== tier 4: the Spark suite (pyspark 4: local mode and Spark Connect, the wheel in build/spark-venv) =="
start=$SECONDS
build/spark-venv/bin/pip install -q --no-index --no-deps --force-reinstall --disable-pip-version-check "$PYFORGE_WHEEL"
(cd build && PYFORGE_SPARK_SUITE=1 spark-venv/bin/python -m pytest ../tests/spark -q -p no:cacheprovider)
echo "the Spark suite took $((SECONDS - start)) s"

if [ -x fuzz/replay.sh ]; then
  echo "== tier 5: fuzz corpus replay (sanitized) =="
  fuzz/replay.sh build/asan
fi
echo "All test tiers passed."
