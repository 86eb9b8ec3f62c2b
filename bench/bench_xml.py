#!/usr/bin/env python3
"""XML -> Parquet benchmark: PyForge against pandas.read_xml (lxml parser,
iterparse) + pyarrow, and Spark's XML data source (Databricks spark-xml) in
local mode.

Inputs are generated (seeded) and cached in bench/data/xml/:
  orders_<MB>.xml   nested orders: attributes, a customer element with an
                    attribute, repeated line items (with repeated options)
                    and repeated notes; the main file (--size-mb, 500 by
                    default), a fifth of it and any --pyforge-sizes, run
                    with PyForge alone, to show its peak RSS as the file
                    grows.
Each tool runs as a child process measured with os.wait4 like
bench/run_bench.py:
  wall  time.perf_counter() around spawn .. os.wait4()
  cpu   ru_utime + ru_stime of the child (and its waited-for children)
  rss   ru_maxrss (KiB): the largest resident set among them
Row counts are checked (every tool must write one row per order).
Results go to bench/results/xml_<UTC>.json; --render writes
docs/benchmarks_xml.md and docs/img/benchmarks_xml.png from a results file.

  bench/setup_xml.sh                       # once: venv + spark-xml jars
  bench/.venv-xml/bin/python bench/bench_xml.py --size-mb 500 --runs 3
  bench/.venv-xml/bin/python bench/bench_xml.py --render bench/results/xml_<UTC>.json

Benchmarks are not tests: nothing in CI runs this.
"""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data" / "xml"
RESULTS = BENCH / "results"
FIELDS = ["id", "status", "date", "type", "name", "email", "city", "sku", "qty", "price",
          "option", "note", "total"]


# ---- data -----------------------------------------------------------------------

def gen_orders(path: Path, size_mb: float, seed: int = 20261121) -> int:
    """Writes orders until the file reaches size_mb; returns the order count."""
    rnd = random.Random(seed)
    target = int(size_mb * 1024 * 1024)
    cities = ["Berlin", "Lyon", "Austin", "Osaka", "Lima", "Perth", "Oslo", "Pune"]
    n = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<orders generator="pyforge-bench">\n')
        written = 0
        buf = []
        while written < target:
            n += 1
            items = []
            total = 0.0
            for _ in range(rnd.randint(1, 5)):
                qty = rnd.randint(1, 9)
                price = rnd.randint(100, 99999) / 100
                total += qty * price
                opts = "".join(f"<option>o{rnd.randint(0, 20)}</option>"
                               for _ in range(rnd.randint(0, 2)))
                items.append(f'<item sku="SKU-{rnd.randint(1, 99999):05d}"><qty>{qty}</qty>'
                             f'<price currency="EUR">{price}</price>{opts}</item>')
            notes = "".join(f"<note>note {rnd.randint(0, 999)} &amp; more</note>"
                            for _ in range(rnd.randint(0, 2)))
            day = dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randint(0, 1500))
            rec = (f'  <order id="{n}" status="{rnd.choice(["new", "paid", "shipped"])}">'
                   f"<date>{day.isoformat()}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00</date>"
                   f'<customer type="{rnd.choice(["retail", "b2b"])}"><name>Customer {rnd.randint(1, 10**6)}</name>'
                   f"<email>c{rnd.randint(1, 10**6)}@example.com</email>"
                   f"<address><city>{rnd.choice(cities)}</city><zip>{rnd.randint(1000, 99999):05d}</zip></address>"
                   f"</customer><items>{''.join(items)}</items>{notes}"
                   f"<total>{total:.2f}</total></order>\n")
            buf.append(rec)
            written += len(rec)
            if len(buf) >= 2000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
        f.write("</orders>\n")
    tmp.rename(path)
    (path.parent / (path.name + ".count")).write_text(str(n))
    return n


def dataset(size_mb: float) -> tuple[Path, int]:
    DATA.mkdir(parents=True, exist_ok=True)
    p = DATA / f"orders_{size_mb:g}.xml"
    c = DATA / (p.name + ".count")
    if p.exists() and c.exists():
        return p, int(c.read_text())
    print(f"[bench_xml] generating {p} ({size_mb:g} MB)", file=sys.stderr)
    return p, gen_orders(p, size_mb)


# ---- tools ------------------------------------------------------------------------

PANDAS_SNIPPET = r"""
import sys, pandas as pd
src, dst = sys.argv[1], sys.argv[2]
fields = sys.argv[3].split(",")
df = pd.read_xml(src, parser="lxml", iterparse={"order": fields})
df.to_parquet(dst, engine="pyarrow", index=False)
print(len(df))
"""

SPARK_SNIPPET = r"""
import sys
from pyspark.sql import SparkSession
src, dst = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("bench_xml").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
df = spark.read.format("xml").option("rowTag", "order").load(src)
df.write.mode("overwrite").parquet(dst)
spark.stop()
"""


def spark_submit(spark_python: str) -> str | None:
    """The spark-submit of the pyspark next to spark_python: it execs the
    JVM, so os.wait4 on it measures the JVM (and the Python driver the JVM
    waits for)."""
    bindir = Path(spark_python).parent
    for c in [bindir / "spark-submit",
              *sorted(bindir.parent.glob("lib/python3*/site-packages/pyspark/bin/spark-submit"))]:
        if c.exists():
            return str(c)
    return None


def tools(args) -> dict:
    jars = sorted(glob.glob(str(BENCH / "jars" / "*.jar")))
    submit = spark_submit(args.spark_python)
    job = DATA / "spark_xml_job.py"
    DATA.mkdir(parents=True, exist_ok=True)
    job.write_text(SPARK_SNIPPET)
    return {
        "pyforge": dict(label="PyForge",
                        argv=lambda s, d: [args.pyforge, "convert", str(s), str(d), "--force",
                                           "--quiet", "--row-tag", "order"]),
        "pandas": dict(label="pandas.read_xml (lxml, iterparse) + pyarrow",
                       argv=lambda s, d: [sys.executable, "-c", PANDAS_SNIPPET, str(s), str(d),
                                          ",".join(FIELDS)]),
        "spark": dict(label="Spark 3.5 local[*] + spark-xml 0.18",
                      argv=lambda s, d: [submit, "--master", "local[*]", "--driver-memory", "2g",
                                         "--conf", "spark.ui.enabled=false",
                                         "--conf", "spark.sql.shuffle.partitions=4",
                                         "--jars", ",".join(jars), str(job), str(s), str(d)],
                      env={"PYSPARK_PYTHON": args.spark_python,
                           "PYSPARK_DRIVER_PYTHON": args.spark_python},
                      missing=None if jars and submit else
                      "no spark-xml jars in bench/jars (run bench/setup_xml.sh) or no spark-submit"),
    }


def run_child(argv, timeout, env=None) -> dict:
    """Spawn argv, wait with os.wait4; stderr kept for failures."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=errf, start_new_session=True, env=full_env)
        timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        errf.seek(0)
        err = errf.read()
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss,
            "exit_code": os.waitstatus_to_exitcode(status),
            "stderr_tail": err.decode("utf-8", "replace")[-800:]}


def parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq
    files = [path] if path.is_file() else sorted(path.rglob("*.parquet"))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def measure(args) -> dict:
    ts = tools(args)
    sizes = sorted({args.size_mb / 5, args.size_mb, *args.pyforge_sizes})
    res = {"main_size_mb": args.size_mb, "started_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
           "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                       "python": platform.python_version(),
                       "loadavg_start": list(os.getloadavg())},
           "note": args.note, "runs": args.runs, "pyforge_binary": args.pyforge,
           "files": [], "tools": {}}
    for name, t in ts.items():
        res["tools"][name] = {"label": t["label"], "missing": t.get("missing")}
    for size in sizes:
        src, n_orders = dataset(size)
        entry = {"path": str(src.relative_to(ROOT)), "size_bytes": src.stat().st_size,
                 "orders": n_orders, "results": {}}
        for name, t in ts.items():
            if name not in args.tools or t.get("missing"):
                continue
            if name != "pyforge" and size != args.size_mb and not (args.peers_small and
                                                                   size == args.size_mb / 5):
                continue
            samples = []
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory(prefix="bench_xml_", dir=args.tmp) as tmp:
                    dst = Path(tmp) / ("out.parquet" if name != "spark" else "out_dir")
                    with open(src, "rb") as f:  # warm the page cache like run_bench.py
                        while f.read(1 << 24):
                            pass
                    r = run_child(t["argv"](src, dst), args.timeout, t.get("env"))
                    r["rows"] = parquet_rows(dst) if r["exit_code"] == 0 and dst.exists() else None
                    r["rows_ok"] = r["rows"] == n_orders
                    samples.append(r)
                    print(f"[bench_xml] {name} {src.name}: {r['wall_s']:.2f}s cpu {r['cpu_s']:.2f}s "
                          f"rss {r['rss_kib'] / 1024:.0f} MiB rows {r['rows']} "
                          f"exit {r['exit_code']}", file=sys.stderr)
            ok = [s for s in samples if s["exit_code"] == 0 and s["rows_ok"]]
            entry["results"][name] = {
                "samples": samples,
                "median_wall_s": statistics.median(s["wall_s"] for s in ok) if ok else None,
                "median_cpu_s": statistics.median(s["cpu_s"] for s in ok) if ok else None,
                "max_rss_kib": max(s["rss_kib"] for s in ok) if ok else None,
            }
        res["files"].append(entry)
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    return res


# ---- rendering -------------------------------------------------------------------

def render(res: dict, results_path: Path) -> None:
    main_mb = res.get("main_size_mb")
    big = next((f for f in res["files"] if main_mb and f["path"].endswith(f"orders_{main_mb:g}.xml")),
               res["files"][-1])
    r = big["results"]
    pf = r.get("pyforge", {})
    lines = [
        "# XML benchmark: PyForge vs pandas and Spark",
        "",
        "Generated by `bench/bench_xml.py --render` from "
        f"`{results_path.relative_to(ROOT) if results_path.is_absolute() else results_path}`"
        f" (run {res['started_utc']}). {res.get('note') or ''}",
        "",
        f"Input: `{big['path']}`, {big['size_bytes'] / 2**20:.0f} MiB of nested orders "
        f"({big['orders']:,} orders; attributes, a customer element, repeated items and notes); "
        f"machine: {res['machine']['cpus']} CPUs, {res['machine']['platform']}, load average "
        f"{res['machine']['loadavg_start'][0]:.1f} at the start. Median of {res['runs']} run(s); "
        "every tool wrote one row per order (checked).",
        "",
        "| tool | wall (s) | CPU (s) | peak RSS (MiB) | PyForge faster by (wall / CPU) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, tr in r.items():
        if tr["median_wall_s"] is None:
            lines.append(f"| {res['tools'][name]['label']} | failed | | | |")
            continue
        ratio = (tr["median_wall_s"] / pf["median_wall_s"]) if pf.get("median_wall_s") else None
        cratio = (tr["median_cpu_s"] / pf["median_cpu_s"]) if pf.get("median_cpu_s") else None
        lines.append(f"| {res['tools'][name]['label']} | {tr['median_wall_s']:.2f} | "
                     f"{tr['median_cpu_s']:.2f} | {tr['max_rss_kib'] / 1024:.0f} | "
                     + (f"{ratio:.1f}x / {cratio:.1f}x" if name != "pyforge" and ratio else "")
                     + " |")
    flat = [(f["size_bytes"], f["orders"], f["results"]["pyforge"]) for f in res["files"]
            if f["results"].get("pyforge", {}).get("max_rss_kib")]
    if len(flat) > 1:
        lines += ["", "PyForge's memory as the file grows (peak RSS of the whole conversion):", "",
                  "| input | orders | wall (s) | peak RSS (MiB) |", "|---:|---:|---:|---:|"]
        for size, orders, pr in flat:
            lines.append(f"| {size / 2**20:.0f} MiB | {orders:,} | {pr['median_wall_s']:.2f} | "
                         f"{pr['max_rss_kib'] / 1024:.0f} |")
        lines += ["", "The XML reader itself holds the element paths, one record and one batch; "
                  "the rest is the Parquet row group being built (up to 1,048,576 rows or "
                  "32 MiB encoded), so peak RSS grows with the input only until the first row "
                  "group is full and is flat after that."]
    lines += ["", "![wall time and peak RSS](img/benchmarks_xml.png)", "",
              "What each tool does: PyForge `convert --row-tag order` (two streaming passes with "
              "expat: discovery, then read; repeated elements joined); pandas "
              "`read_xml(parser=\"lxml\", iterparse={\"order\": [...]})` then `to_parquet` "
              "(iterparse keeps the first value of a repeated field); Spark "
              "`spark.read.format(\"xml\").option(\"rowTag\", \"order\")` with spark-xml "
              "(nested structs and arrays), written with `df.write.parquet`. Reproduce: "
              "`bench/setup_xml.sh`, then `bench/.venv-xml/bin/python bench/bench_xml.py`.", ""]
    (ROOT / "docs" / "benchmarks_xml.md").write_text("\n".join(lines))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("[bench_xml] matplotlib missing: no chart", file=sys.stderr)
        return
    names = [n for n, tr in r.items() if tr["median_wall_s"] is not None]
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    ax[0].barh(names, [r[n]["median_wall_s"] for n in names], color="#3b6ea8")
    ax[0].set_xlabel("wall time (s), lower is better")
    ax[1].barh(names, [r[n]["max_rss_kib"] / 1024 for n in names], color="#a8563b")
    ax[1].set_xlabel("peak RSS (MiB)")
    fig.suptitle(f"XML -> Parquet, {big['size_bytes'] / 2**20:.0f} MiB of nested orders")
    fig.tight_layout()
    (ROOT / "docs" / "img").mkdir(exist_ok=True)
    fig.savefig(ROOT / "docs" / "img" / "benchmarks_xml.png", dpi=110)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pyforge", default=str(ROOT / "build" / "release" / "pyforge"))
    ap.add_argument("--spark-python", default=os.environ.get("SPARK_PYTHON",
                                                             str(ROOT / ".venv" / "bin" / "python")))
    ap.add_argument("--size-mb", type=float, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pyforge-sizes", default="",
                    help="extra input sizes (MB, comma-separated) run with PyForge only, "
                         "to show its memory as the file grows")
    ap.add_argument("--tools", default="pyforge,pandas,spark")
    ap.add_argument("--peers-small", action="store_true", help="also run the peers on the small file")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--note", default="")
    ap.add_argument("--render", metavar="RESULTS_JSON")
    args = ap.parse_args(argv)
    if args.render:
        p = Path(args.render).resolve()
        render(json.loads(p.read_text()), p)
        return 0
    args.tools = args.tools.split(",")
    args.pyforge_sizes = [float(x) for x in args.pyforge_sizes.split(",") if x]
    if not shutil.which(args.pyforge) and not Path(args.pyforge).exists():
        ap.error(f"no pyforge binary at {args.pyforge} (use --pyforge PATH)")
    res = measure(args)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"xml_{res['started_utc']}.json"
    out.write_text(json.dumps(res, indent=1))
    print(out)
    render(res, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
