#!/usr/bin/env bash
# Replays each reader's seed corpus (fuzz/corpus/<reader>/) through its
# harness built in the given build directory (a sanitized one in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/asan}
status=0
for dir in fuzz/corpus/*/; do
  reader=$(basename "$dir")
  bin="$build/fuzz_replay_$reader"
  if [ ! -x "$bin" ]; then
    echo "fuzz: no harness binary $bin" >&2
    status=1
    continue
  fi
  mapfile -t files < <(find "$dir" -type f | sort)
  echo "fuzz: $reader: ${#files[@]} corpus inputs"
  "$bin" "${files[@]}" || status=1
done
exit $status
