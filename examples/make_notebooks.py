"""Writes the example notebooks (examples/*.ipynb) from the cells below, so
their source stays reviewable as Python. The notebooks are committed
without outputs; CI executes each with a real Jupyter kernel against the
installed wheel (tests/python/api/test_notebooks.py), and the assertions in
their cells check the outputs. Run: python examples/make_notebooks.py"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

SETUP = '''# Where the samples are (this repository's samples/, or PYFORGE_SAMPLES), and
# a scratch directory for the outputs.
import os, shutil, tempfile
from pathlib import Path
SAMPLES = Path(os.environ.get("PYFORGE_SAMPLES", "../samples")).resolve()
WORK = Path(tempfile.mkdtemp(prefix="pyforge-example-"))
for f in SAMPLES.iterdir():
    shutil.copy(f, WORK / f.name)
sorted(p.name for p in WORK.iterdir())'''

#: markdown cells start with this marker (code cells are plain strings)
MD = "\x00md\x00"

NOTEBOOKS = {
    "01_basic_use": [
        MD + "# PyForge in a notebook: the basics\n\n`pip install pyforge-cli`, then convert, "
        "describe and check files. On Databricks the same calls are methods of "
        "`from pyforge_cli.extensions.databricks import forge`.",
        SETUP,
        "import pyforge_cli as pf\npf.__version__",
        MD + "## Convert a CSV file to Parquet\nThe output goes beside the input (`sales.csv` -> "
        "`sales.parquet`) unless you name one. The result is a dict with attributes, shown as a table.",
        "result = pf.convert(WORK / \"sales.csv\")\nresult",
        "assert result.row_count == 200 and result.output_path.endswith(\"sales.parquet\")\n"
        "assert result[\"processing_engine\"] == \"native\"\n"
        "[(c[\"name\"], c[\"type\"]) for c in result.schema]",
        MD + "## Options are keyword arguments\nEvery option of the command line is one "
        "(`help(pf.convert)` lists them all).",
        "r = pf.convert(WORK / \"events.tsv\", WORK / \"events.parquet\", compression=\"zstd\", force=True)\n"
        "assert r.column_count == 5\nr.output_path, r.bytes_out",
        MD + "## Describe a file without converting it",
        "info = pf.get_info(WORK / \"customers_eu.csv\")\n"
        "assert info.properties[\"delimiter\"] == \";\"\ninfo",
        MD + "## Check a file\n`validate` reads everything, writes nothing, and lists problems with their place.",
        "v = pf.validate(WORK / \"sales.csv\")\nassert v.is_valid\nv.is_valid, v.rows",
    ],
    "02_excel_workbooks": [
        MD + "# Excel workbooks with several sheets\n\nSheets with the same header are combined into one "
        "output with a `sheet_name` column; the others get their own.",
        SETUP,
        "import pyforge_cli as pf\nbook = WORK / \"quarterly_sales.xlsx\"\ninfo = pf.get_info(book)\ninfo.sheets",
        "groups = {s[\"name\"]: s[\"group\"] for s in info.sheets}\n"
        "assert groups[\"Q1\"] == groups[\"Q2\"] == \"Q1\" and groups[\"Targets\"] == \"Targets\"",
        "r = pf.convert(book)\nassert len(r.outputs) == 2\n[(o[\"path\"].split(\"/\")[-1], o[\"rows\"], o[\"tables\"]) for o in r.outputs]",
        MD + "## One sheet, or one output per sheet",
        "one = pf.convert(book, WORK / \"targets.parquet\", sheet=\"Targets\")\nassert one.row_count == 4\n"
        "sep = pf.convert(book, WORK / \"separate\", sheet_mode=\"separate\")\n"
        "assert len(sep.outputs) == 4\none.row_count, len(sep.outputs)",
        MD + "## Read a group straight into a DataFrame",
        "df = pf.read(book, table=\"Q2\").to_pandas()\nassert df[\"sheet_name\"].isin([\"Q1\", \"Q2\", \"Archive\"]).all()\ndf.head()",
    ],
    "03_xml": [
        MD + "# XML\n\nThe row element is detected (and explained); nested elements become columns "
        "joined with `.`, attributes get a `_` prefix, repeated elements are joined or exploded.",
        SETUP,
        "import pyforge_cli as pf\ninfo = pf.get_info(WORK / \"orders.xml\")\n"
        "assert info.properties[\"row_tag\"] == \"shop_order\"\n{k: info.properties[k] for k in (\"row_tag\", \"row_tag_reason\")}",
        "r = pf.convert(WORK / \"orders.xml\")\nassert r.row_count == 30\n[c[\"name\"] for c in r.schema][:6]",
        MD + "## One row per item",
        "items = pf.read(WORK / \"orders.xml\", array_handling=\"explode\").to_pandas()\n"
        "assert len(items) > 30\nitems.head()",
    ],
    "04_delta_tables": [
        MD + "# Delta Lake tables\n\n`output_format=\"delta\"` writes a table directory; appends add versions.",
        SETUP,
        "import pyforge_cli as pf\nlake = WORK / \"sales_lake\"\n"
        "r = pf.convert(WORK / \"sales.csv\", lake, output_format=\"delta\", partition_by=[\"region\"])\n"
        "assert r.table_version == 0\nr.table_version, sorted(p.name for p in lake.iterdir())[:3]",
        "r2 = pf.convert(WORK / \"sales.csv\", lake, output_format=\"delta\", mode=\"append\")\n"
        "assert r2.table_version == 1\nr2.table_version",
        "info = pf.get_info(lake)\nassert info.format == \"delta\" and info.rows == 400\ninfo.properties",
    ],
    "05_batch_conversion": [
        MD + "# Many files at once\n\n`batch_convert` takes paths and globs; the engine converts the files "
        "in parallel. One bad file never stops the others.",
        SETUP,
        "import pyforge_cli as pf\n(WORK / \"broken.csv\").write_text(\"a,b\\n1,2\\n3,4,5\\n\")\n"
        "batch = pf.batch_convert([str(WORK / \"*.csv\"), str(WORK / \"*.tsv\")], WORK / \"out\", progress=True)\nbatch",
        "assert batch.converted == 3 and batch.failed == 1\n"
        "failure = batch.failures[0]\nassert failure[\"error\"].line == 3\n"
        "failure[\"input_path\"].split(\"/\")[-1], str(failure[\"error\"])",
        "sorted(p.name for p in (WORK / \"out\").iterdir())",
        MD + "## The generated sample datasets\n`install_sample_datasets` writes realistic files "
        "(the same bytes on every machine, no network): sales as CSV, a workbook with title rows and "
        "a hidden sheet, namespaced XML orders, a dBase table with memos in a DOS code page, a PDF.",
        "samples = pf.install_sample_datasets(WORK / \"datasets\", formats=\"csv,excel,xml,dbf\", "
        "sizes=\"small\", progress=False)\n"
        "assert {f[\"state\"] for f in samples.files} == {\"installed\"}\nsamples",
        "inputs = [p for p in samples.paths.values() if not p.endswith(\".dbt\")]\n"
        "many = pf.batch_convert(inputs, WORK / \"datasets-out\", progress=False)\n"
        "assert many.converted == 4 and many.failed == 0\n"
        "sorted(p.name for p in (WORK / \"datasets-out\").iterdir())",
    ],
    "06_dataframes": [
        MD + "# Reading into pandas, polars, DuckDB and pyarrow\n\n`pf.read(path)` is an Arrow stream "
        "(the Arrow PyCapsule interface): each library takes it without a copy, and each use reads "
        "the file again.",
        SETUP,
        "import pyforge_cli as pf, pyarrow as pa, polars as pl, duckdb\nsales = pf.read(WORK / \"sales.csv\")\n"
        "t = pa.table(sales)\nassert t.num_rows == 200\nt.schema",
        "df = pl.DataFrame(sales)\nassert df.height == 200\ndf.group_by(\"region\").agg(pl.col(\"quantity\").sum()).sort(\"region\")",
        "by_region = duckdb.sql(\"select region, count(*) n from sales group by region order by region\").fetchall()\n"
        "assert sum(n for _, n in by_region) == 200\nby_region",
        "pdf = sales.to_pandas()\nassert len(pdf) == 200\npdf.dtypes",
    ],
    "07_troubleshooting": [
        MD + "# Troubleshooting\n\nErrors are `PyForgeError` subclasses that say where (file, line, row, "
        "column, sheet, XML path) and what to try.",
        SETUP,
        "import pyforge_cli as pf\nbad = WORK / \"ragged.csv\"\nbad.write_text(\"id,name\\n1,ann\\n2,bob,extra\\n3,cy\\n\")\n"
        "try:\n    pf.convert(bad)\nexcept pf.BadRowError as e:\n    err = e\n"
        "assert (err.line, err.row) == (3, 2)\nprint(type(err).__name__, err.place())\nprint(err)",
        MD + "## See every problem at once",
        "v = pf.validate(bad)\nassert not v.is_valid and v.issues[0][\"line\"] == 3\nv",
        MD + "## Skip bad rows into a rejects file",
        "r = pf.convert(bad, on_bad_rows=\"skip\")\nassert r.rows_rejected == 1\nprint(open(r.rejects_path).read())",
        MD + "## Encodings, and where PyForge runs",
        "r = pf.convert(WORK / \"customers_eu.csv\", force=True)\nassert r.row_count == 30\n"
        "env = pf.get_environment_info()\nassert env[\"compute_type\"] in (\"local\", \"classic\", \"serverless\")\n"
        "env[\"compute_type\"], env[\"reasons\"][\"is_databricks\"]",
        "exts = pf.list_extensions()\nassert any(e[\"name\"] == \"databricks\" for e in exts)\nexts",
    ],
}


def notebook(cells):
    out = []
    for i, src in enumerate(cells):
        kind = "markdown" if src.startswith(MD) else "code"
        src = src[len(MD):] if kind == "markdown" else src
        cell = {"cell_type": kind, "id": f"c{i:02d}", "metadata": {}, "source": src.splitlines(keepends=True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {"cells": out, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                      "language": "python"},
                                       "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        (HERE / f"{name}.ipynb").write_text(json.dumps(notebook(cells), indent=1) + "\n")
        print(f"examples/{name}.ipynb")
