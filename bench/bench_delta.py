#!/usr/bin/env python3
"""CSV -> Delta Lake benchmark: PyForge against delta-rs
(deltalake.write_deltalake of pyarrow.csv.read_csv), polars (read_csv +
write_delta, which also goes through delta-rs) and, optionally, Apache Spark
local mode with delta-spark.

Inputs are bench/gen_data.py's datasets (bench/data/s<scale>/, seeded; make
them with `python bench/gen_data.py --scale 0.25`). Each conversion runs as
its own child process, measured like bench/run_bench.py:
  wall  time.perf_counter() around spawn .. os.wait4()
  cpu   ru_utime + ru_stime of the child (and the children it waited for)
  rss   ru_maxrss (KiB): the child's peak resident set
Every table is checked afterwards (outside the timing) with deltalake: its
row count must equal the dataset manifest's, at version 0. Medians of the
timed runs are reported, with each peer's ratio to PyForge.

  python bench/bench_delta.py --scale 0.25 --runs 3 [--datasets typed]
         [--pyforge build/release/pyforge] [--spark]
         [--partition-by country]
  python bench/bench_delta.py --render bench/results/delta_<UTC>.json [more.json ...]

Results: bench/results/delta_<UTC>.json; --render (also done after a run)
writes docs/benchmarks_delta.md. Peers' Python: --python (default: this
interpreter; it needs pyarrow, deltalake, polars and for --spark pyspark
3.5 + Java, with the jars of scripts/fetch-delta-jars.sh in build/jars).
Pins: bench/requirements-delta.txt. Benchmarks are not tests.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

DELTA_RS = """\
import sys, pyarrow.csv as pc
from deltalake import write_deltalake
src, dst, parts = sys.argv[1], sys.argv[2], sys.argv[3]
write_deltalake(dst, pc.read_csv(src), partition_by=parts.split(",") if parts else None)
"""

# polars 1.17's DataFrame.write_delta passes an argument deltalake 1.x no
# longer takes, so polars reads and delta-rs writes its Arrow table.
POLARS = """\
import sys, polars as pl
from deltalake import write_deltalake
src, dst, parts = sys.argv[1], sys.argv[2], sys.argv[3]
write_deltalake(dst, pl.read_csv(src, try_parse_dates=True, infer_schema_length=10000).to_arrow(),
                partition_by=parts.split(",") if parts else None)
"""

SPARK = """\
import sys, glob
from pyspark.sql import SparkSession
src, dst, jars, parts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
s = (SparkSession.builder.master("local[*]").config("spark.jars", jars)
     .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
     .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
     .config("spark.ui.enabled", "false").config("spark.driver.memory", "2g").getOrCreate())
w = s.read.option("header", True).option("inferSchema", True).csv(src).write.format("delta")
(w.partitionBy(*parts.split(",")) if parts else w).save(dst)
s.stop()
"""


def run_child(argv, env=None):
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env=dict(os.environ, **(env or {})))
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{argv[:3]} exit {code}: {err.decode(errors='replace')[-2000:]}")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss}


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def check_rows(py, table, want):
    # os._exit: deltalake 1.6 sometimes aborts in its runtime's shutdown at
    # interpreter exit ("terminate called without an active exception"),
    # whatever table it read; the answer is printed before that.
    code = ("import os, sys; from deltalake import DeltaTable; t = DeltaTable(sys.argv[1]); "
            "print(t.version(), t.to_pyarrow_table().num_rows, flush=True); os._exit(0)")
    out = subprocess.run([py, "-c", code, str(table)], capture_output=True, text=True, check=True)
    version, rows = map(int, out.stdout.split())
    if version != 0 or rows != want:
        raise RuntimeError(f"{table}: version {version}, {rows} rows; expected version 0, {want} rows")


def tools(args):
    jars = ",".join(sorted(glob.glob(str(REPO / "build" / "jars" / "*.jar"))))
    pb = args.partition_by or ""
    t = {
        "pyforge": lambda src, dst: [args.pyforge, "convert", src, dst, "--format", "delta", "--quiet"]
        + (["--partition-by", pb] if pb else []),
        "delta-rs": lambda src, dst: [args.python, "-c", DELTA_RS, src, dst, pb],
        "polars": lambda src, dst: [args.python, "-c", POLARS, src, dst, pb],
    }
    if args.spark:
        if not jars:
            sys.exit("--spark: no jars in build/jars (run scripts/fetch-delta-jars.sh)")
        t["spark"] = lambda src, dst: [args.python, "-c", SPARK, src, dst, jars, pb]
    return t


def run(args):
    data = BENCH / "data" / f"s{args.scale:g}"
    manifest = json.loads((data / "manifest.json").read_text())
    results = {"when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "scale": args.scale, "runs": args.runs, "host": platform.node(),
               "cpus": os.cpu_count(), "python": args.python, "pyforge": str(args.pyforge),
               "note": args.note, "partition_by": args.partition_by, "datasets": {}}
    ts = tools(args)
    for name in args.datasets:
        ds = manifest["datasets"][name]
        src = str(data / ds["file"])
        per = {}
        for tool, argv_fn in ts.items():
            samples = []
            for r in range(args.runs + 1):  # the first run warms the page cache
                tmp = Path(tempfile.mkdtemp(prefix="bench-delta-"))
                dst = tmp / "table"
                try:
                    m = run_child(argv_fn(src, str(dst)))
                    check_rows(args.python, dst, ds["rows"])
                    m["bytes"] = dir_size(dst)
                    if r > 0:
                        samples.append(m)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
            med = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
            per[tool] = {"median": med, "samples": samples}
            print(f"{name:14s} {tool:9s} wall {med['wall']:7.2f}s cpu {med['cpu']:7.2f}s "
                  f"rss {med['rss_kib'] / 1024:7.1f} MiB out {med['bytes'] / 1e6:7.1f} MB", flush=True)
        results["datasets"][name] = {"rows": ds["rows"], "bytes": ds["bytes"], "tools": per}
    tag = "_part" if args.partition_by else ""
    out = BENCH / "results" / f"delta{tag}_{results['when'].replace('-', '').replace(':', '')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"wrote {out}")
    render(out)  # the page shows this run; --render A B shows several


def render(*paths: Path):
    runs = [(Path(p), json.loads(Path(p).read_text())) for p in paths]
    lines = ["# Benchmarks: CSV to Delta Lake", ""]
    for path, r in runs:
        part = f", partitioned by `{r['partition_by']}`" if r.get("partition_by") else ", unpartitioned"
        lines += [
            f"## Scale {r['scale']:g}{part}",
            "",
            f"Measured {r['when']} on {r['cpus']} CPUs, datasets of bench/gen_data.py at scale "
            f"{r['scale']:g}, median of {r['runs']} runs after a warm-up run; "
            f"results: `bench/results/{path.name}`. {r.get('note') or ''}".rstrip(),
            "",
            "| dataset | rows | tool | wall s | CPU s | peak RSS MiB | table MB | wall ratio | RSS ratio |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, d in r["datasets"].items():
            base = d["tools"]["pyforge"]["median"]
            for tool, t in d["tools"].items():
                m = t["median"]
                if tool == "spark":  # the JVM is not a waited-for child: not in rusage
                    cpu, rss, rr = "n/a", "n/a", "n/a"
                else:
                    cpu, rss = f"{m['cpu']:.2f}", f"{m['rss_kib'] / 1024:.0f}"
                    rr = f"{m['rss_kib'] / base['rss_kib']:.2f}x"
                lines.append(f"| {name} | {d['rows']:,} | {tool} | {m['wall']:.2f} | {cpu} | {rss} | "
                             f"{m['bytes'] / 1e6:.1f} | {m['wall'] / base['wall']:.2f}x | {rr} |")
        lines.append("")
    lines += [
        "Each tool writes a new Delta table (version 0) from the CSV; every table is read back with "
        "deltalake and must hold the dataset's rows. Ratios are the peer's wall time (and peak RSS) "
        "divided by PyForge's: above 1 means PyForge is faster (smaller).",
        "",
        "How each peer runs (`bench/bench_delta.py`):",
        "",
        "- delta-rs: `deltalake.write_deltalake(dst, pyarrow.csv.read_csv(src), partition_by=...)` "
        "(the whole CSV in memory as an Arrow table first).",
        "- polars: `write_deltalake(dst, pl.read_csv(src, try_parse_dates=True).to_arrow(), ...)` "
        "(polars 1.17's `write_delta` is incompatible with deltalake 1.x, so delta-rs writes).",
        "- spark (with --spark): local[*], `spark.read.csv(header, inferSchema).write.format(\"delta\")`; "
        "JVM start-up included in the wall time. Its CPU and RSS are n/a: pyspark's JVM is not a "
        "child the Python process waits for, so `os.wait4` does not count it.",
        "- pyforge: `pyforge convert src dst --format delta [--partition-by ...]` (type inference, snappy).",
        "",
        "Reproduce: `python bench/gen_data.py --scale S` then "
        "`python bench/bench_delta.py --scale S --runs 3 --pyforge build/release/pyforge [--spark] "
        "[--partition-by country]`; `--render A.json B.json` writes this page from several runs.",
    ]
    out = REPO / "docs" / "benchmarks_delta.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--datasets", nargs="+", default=["typed"])
    ap.add_argument("--pyforge", default=str(REPO / "build" / "release" / "pyforge"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--spark", action="store_true")
    ap.add_argument("--partition-by", default="", help="partition columns (comma-separated) for every tool")
    ap.add_argument("--note", default="")
    ap.add_argument("--render", type=Path, nargs="+")
    args = ap.parse_args()
    if args.render:
        render(*args.render)
    else:
        run(args)


if __name__ == "__main__":
    main()
