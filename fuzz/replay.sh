#!/usr/bin/env bash
# Replays each reader's seed corpus (fuzz/corpus/<reader>/) through its
# harness built in the given build directory (a sanitized one in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/asan}
status=0
# the PDF plugin's harness needs pdfium: the test venv's pypdfium2 (else it
# skips every input, saying why)
if [ -z "${PYFORGE_PDFIUM:-}" ]; then
  for lib in .venv/lib/python3*/site-packages/pypdfium2_raw/libpdfium.so; do
    [ -f "$lib" ] && export PYFORGE_PDFIUM="$PWD/$lib"
  done
fi
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
