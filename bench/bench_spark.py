#!/usr/bin/env python3
"""The Spark engine against the native engine, in one run on one machine
(docs/spark.md has the page with the numbers):

1. one file each of CSV, XLSX and XML (--mb MB of CSV; the workbook and the
   feed at the rows that size gives): forge.convert with engine="native"
   against engine="spark" (Spark's CSV reader; the native reader in a task
   for XLSX and XML), Spark in local mode with --cores cores, the session
   started before the clock;
2. many CSV files (--files, each --file-mb MB) into one Delta table:
   batch_convert(engine="spark") (the native engine in Spark tasks, one
   commit) against Spark's own CSV reader writing the same table, the
   one-machine batch_convert (native, one Parquet file per input) and a
   delta-rs loop (forge.read of each file appended with
   deltalake.write_deltalake: one version per file); with the peak RSS of
   Spark's Python workers (the scan pass's).

Run it in the Spark suite's venv (scripts/spark-deps.sh) with the wheel:

  build/spark-venv/bin/python bench/bench_spark.py --mb 20 --files 50,200,800 --file-mb 0.5

Not a test: it reports numbers and ratios (median of --repeats for the
single files, one run per batch size).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def gen_csv(path: Path, mb: float, seed: int, start: int = 0) -> int:
    """A typed CSV of about mb MB (ints, doubles, dates, timestamps, text
    with quotes); returns the rows."""
    rnd = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "eps", 'say ""hi""', "zeta", "eta"]
    target = int(mb * 1e6)
    rows = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,customer,amount,qty,day,ts,note\n")
        size = 0
        while size < target:
            i = start + rows
            line = (f"{i},C{rnd.randint(1, 99999):06d},{rnd.randint(0, 10 ** 7) / 100},{rnd.randint(1, 500)},"
                    f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},2024-05-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00,"
                    f'"{rnd.choice(words)}, {rnd.choice(words)}"\n')
            f.write(line)
            size += len(line)
            rows += 1
    return rows


def gen_xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["id", "region", "amount", "qty"])
    for i in range(1, rows + 1):
        ws.write_row(i, 0, [i, f"R{i % 17}", i * 0.25, i % 500])
    wb.close()


def gen_xml(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<orders>\n')
        for i in range(rows):
            f.write(f'<order id="{i}"><customer><name>c{i % 991}</name><city>x{i % 31}</city></customer>'
                    f'<amount currency="EUR">{i * 0.5}</amount><day>2024-01-{1 + i % 28:02d}</day></order>\n')
        f.write("</orders>\n")


def session(cores: int, jars: str):
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    return (SparkSession.builder.master(f"local[{cores}]").appName("pyforge-bench")
            .config("spark.jars", jars)
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", str(cores))
            .config("spark.driver.memory", "2g").getOrCreate())


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def single_files(spark, work: Path, mb: float, repeats: int) -> list:
    import pyforge_cli as pf

    csv = work / "one.csv"
    rows = gen_csv(csv, mb, 1)
    xlsx, xml = work / "one.xlsx", work / "one.xml"
    gen_xlsx(xlsx, rows)
    gen_xml(xml, rows)
    out = []
    for src in (csv, xlsx, xml):
        res = {}
        for engine in ("native", "spark"):
            dest = work / f"out_{src.suffix[1:]}_{engine}.parquet"

            def run():
                r = pf.convert(src, dest, engine=engine, spark=spark, force=True, progress=False)
                assert r.processing_engine == engine and not r.fallback_used, r
                res[f"{engine}_rows"] = r.row_count

            res[engine] = timed(run, repeats)
        out.append({"input": src.suffix[1:], "bytes": src.stat().st_size, "rows": res["native_rows"],
                    "native_s": round(res["native"], 3), "spark_s": round(res["spark"], 3),
                    "spark_over_native": round(res["spark"] / res["native"], 2)})
        print(json.dumps(out[-1]), flush=True)
    return out


def many_files(spark, work: Path, n: int, file_mb: float, cores: int) -> dict:
    import pyforge_cli as pf

    src = work / f"landing_{n}"
    src.mkdir()
    for i in range(n):
        gen_csv(src / f"f{i:04d}.csv", file_mb, 100 + i, start=i * 10 ** 6)
    total = sum(p.stat().st_size for p in src.iterdir())
    pattern = str(src / "*.csv")
    res = {"files": n, "bytes": total}

    t0 = time.perf_counter()
    b = pf.batch_convert(pattern, work / f"tasks_{n}", engine="spark", spark=spark, partitions=cores * 4,
                         progress=False)
    res["native_in_tasks_s"] = round(time.perf_counter() - t0, 3)
    assert b.processing_engine == "spark" and b.failed == 0, b
    res["rows"] = b.row_count
    res["task_peak_rss_mb"] = round(b.task_peak_rss_kb / 1024, 1)
    res["scan_s"], res["write_s"] = round(b.scan_seconds, 3), round(b.write_seconds, 3)

    t0 = time.perf_counter()
    (spark.read.options(header="true", inferSchema="true", multiLine="true", escape='"').csv(pattern)
     .write.format("delta").save(str(work / f"sparkcsv_{n}")))
    res["spark_csv_s"] = round(time.perf_counter() - t0, 3)

    t0 = time.perf_counter()
    nb = pf.batch_convert(pattern, work / f"native_{n}", progress=False)
    res["native_batch_s"] = round(time.perf_counter() - t0, 3)
    assert nb.failed == 0

    from deltalake import write_deltalake

    t0 = time.perf_counter()
    for f in sorted(src.iterdir()):
        write_deltalake(str(work / f"deltars_{n}"), pf.read(f).to_arrow(), mode="append")
    res["deltars_loop_s"] = round(time.perf_counter() - t0, 3)
    for k in ("spark_csv_s", "native_batch_s", "deltars_loop_s"):
        res[k.replace("_s", "_over_tasks")] = round(res[k] / res["native_in_tasks_s"], 2)
    shutil.rmtree(src)
    print(json.dumps(res), flush=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=20.0, help="size of the single CSV file (MB)")
    ap.add_argument("--files", default="50,200,800", help="batch sizes (files)")
    ap.add_argument("--file-mb", type=float, default=0.5, help="size of each batch file (MB)")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jars", default=",".join(sorted(glob.glob(str(REPO / "build" / "jars-spark4" / "*.jar")))))
    ap.add_argument("--out", default=str(HERE / "results" / "spark.json"))
    a = ap.parse_args()
    import pyspark

    t0 = time.perf_counter()
    spark = session(a.cores, a.jars)
    startup = time.perf_counter() - t0
    work = Path(tempfile.mkdtemp(prefix="pyforge-bench-spark-"))
    try:
        result = {"machine": {"cores_for_spark": a.cores, "cpus": os.cpu_count(), "pyspark": pyspark.__version__,
                              "session_start_s": round(startup, 1)},
                  "single": single_files(spark, work, a.mb, a.repeats),
                  "batch": [many_files(spark, work, int(n), a.file_mb, a.cores) for n in a.files.split(",")]}
    finally:
        shutil.rmtree(work, ignore_errors=True)
        spark.stop()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
