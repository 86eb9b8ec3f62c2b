#!/usr/bin/env bash
# Quick start: install what is missing, build a Release pyforge, convert the
# bundled sample files in samples/ and show what came out.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPF_TESTS=OFF >/dev/null
ninja -C build/release pyforge >/dev/null
bin=build/release/pyforge
echo "Built $($bin --version) at $bin"
echo

out=build/samples-out
rm -rf "$out"
mkdir -p "$out"
for f in samples/*; do
  name=$(basename "$f")
  stem=${name%%.*}
  case "$name" in
    *.xlsx) target="$out/$stem" ;;   # several sheet groups: a directory
    *) target="$out/$stem.parquet" ;;
  esac
  echo "\$ pyforge convert $f $target"
  "$bin" convert "$f" "$target"
  echo
done
echo "\$ pyforge info $out/sales.parquet"
"$bin" info "$out/sales.parquet"
echo
echo "\$ pyforge convert samples/sales.csv $out/sales_delta --format delta --partition-by region"
"$bin" convert samples/sales.csv "$out/sales_delta" --format delta --partition-by region
echo "\$ pyforge convert samples/sales.csv $out/sales_delta --mode append"
"$bin" convert samples/sales.csv "$out/sales_delta" --mode append
echo "\$ pyforge info $out/sales_delta"
"$bin" info "$out/sales_delta"
echo
echo "Outputs are in $out/. Try: $bin info samples/quarterly_sales.xlsx"
