#!/usr/bin/env bash
# Runs every test tier on a fresh machine: installs what is missing, builds
# with AddressSanitizer + UndefinedBehaviorSanitizer and in Release, then
#   1. C unit tests (ctest, sanitized build)
#   2. CLI golden tests and
#   3. interop tests (pytest: Parquet read back by pyarrow, DuckDB, polars
#      and Spark in local mode), against the sanitized binary
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

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== tier 1: unit tests (ctest) =="
ctest --test-dir build/asan --output-on-failure -j "$jobs"

echo "== tier 2+3: CLI golden and interop tests (pytest, sanitized binary) =="
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

if [ -x fuzz/replay.sh ]; then
  echo "== tier 5: fuzz corpus replay (sanitized) =="
  fuzz/replay.sh build/asan
fi
echo "All test tiers passed."
