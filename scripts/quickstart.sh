#!/usr/bin/env bash
# Quick start: install what is missing, build a Release pyforge, convert the
# bundled sample files in samples/ and show what came out; then install the
# Python package (pyforge_cli, with its `pyforge` console script) from this
# clone into the virtualenv build/venv.
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
echo

# The Python package, built from this clone by pip (scikit-build-core runs the
# same CMake) into its own virtualenv, so the test venv (.venv) stays as it is.
venv=build/venv
echo "\$ python3 -m venv $venv && $venv/bin/pip install ."
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check .
echo "\$ $venv/bin/pyforge --version"
"$venv/bin/pyforge" --version
echo "\$ $venv/bin/python -c 'import pyforge_cli; ...'"
"$venv/bin/python" -c '
import pyforge_cli
print("pyforge_cli", pyforge_cli.__version__, "reads",
      ", ".join(f["name"] for f in pyforge_cli.formats() if f["kind"] == "input"))'
# The notebook API on the samples (docs/python.md).
echo "\$ $venv/bin/python  # pyforge_cli: convert, get_info, validate, read, batch_convert"
"$venv/bin/python" - "$out" <<'PYDEMO'
import sys
import pyforge_cli as pf

out = sys.argv[1]
r = pf.convert("samples/sales.csv", f"{out}/sales_from_python.parquet", compression="zstd",
               force=True, progress=False)
print(f"convert: {r.row_count} rows, {r.column_count} columns -> {r.output_path}")
book = pf.get_info("samples/quarterly_sales.xlsx")
print("get_info: " + ", ".join(f"{s['name']} ({s['rows']} rows) -> {s['group']}"
                               for s in book.sheets if s["group"]))
print(f"validate: sales.csv valid={pf.validate('samples/sales.csv').is_valid}")
b = pf.batch_convert(["samples/*.csv", "samples/*.tsv"], f"{out}/batch", force=True, progress=False)
print(f"batch_convert: {b.converted} of {b.files} files, {b.row_count} rows into {out}/batch")
try:
    import pyarrow as pa
    t = pa.table(pf.read("samples/orders.xml"))
    print(f"read -> pyarrow: {t.num_rows} rows, columns {', '.join(t.column_names[:4])}, ...")
except ImportError:
    print("read: install pyarrow, polars or duckdb to take pf.read(...) into a DataFrame")
PYDEMO
echo
echo "Python: $venv/bin/pyforge works as $bin; activate with . $venv/bin/activate"
