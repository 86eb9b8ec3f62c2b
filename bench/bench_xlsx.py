#!/usr/bin/env python3
"""Excel (.xlsx) -> Parquet benchmark: PyForge against its peers, measured in
the same run.

Input: a workbook generated with XlsxWriter in constant_memory mode (inline
strings, as large exports are often written), seeded, cached in
bench/data/xlsx/book_<rows>.xlsx: one sheet, --rows rows (default 1,000,000)
x 20 columns of mixed types: integers, doubles, repeated and unique strings,
dates, date-times, booleans. A second workbook with a quarter of the rows
shows whether peak RSS grows with the row count.

Tools (each a child process, measured with os.wait4 like bench/run_bench.py:
wall = perf_counter around spawn..wait4, cpu = ru_utime + ru_stime, rss =
ru_maxrss in KiB):
  pyforge          build/release/pyforge (or --pyforge PATH) convert
  fastexcel        fastexcel.read_excel(...).load_sheet(0).to_arrow() + pyarrow write
  calamine         python-calamine rows -> pyarrow table (types per column) + write
  polars           polars.read_excel (calamine engine via fastexcel) + write_parquet
  pandas+openpyxl  pandas.read_excel(engine="openpyxl") + to_parquet (the
                   original PyForge CLI's engine)
  duckdb           the excel extension, only when it loads without network
Every output's row count is checked with pyarrow after the run.

  bench/setup_xlsx.sh
  bench/.venv/bin/python bench/bench_xlsx.py --rows 1000000 --runs 3
  bench/.venv/bin/python bench/bench_xlsx.py --render bench/results/xlsx_<UTC>.json

Results: bench/results/xlsx_<UTC>.json; --render (implied after a run) writes
docs/benchmarks_xlsx.md and docs/img/benchmarks_xlsx.png.
Benchmarks are not tests: nothing in CI runs this.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS_PY = BENCH / ".venv" / "bin" / "python"
DATA = BENCH / "data" / "xlsx"
RESULTS = BENCH / "results"

FASTEXCEL = """\
import sys, fastexcel, pyarrow as pa, pyarrow.parquet as pq
rb = fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()
pq.write_table(pa.Table.from_batches([rb]), sys.argv[2], compression="snappy")
"""

CALAMINE = """\
import sys, pyarrow as pa, pyarrow.parquet as pq
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
header, body = rows[0], rows[1:]
def column(i):
    vals = [r[i] if i < len(r) and r[i] != "" else None for r in body]
    try:
        return pa.array(vals)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # mixed Python types
        return pa.array([None if v is None else str(v) for v in vals])
cols = {str(h): column(i) for i, h in enumerate(header)}
pq.write_table(pa.table(cols), sys.argv[2], compression="snappy")
"""

POLARS = """\
import sys, polars as pl
pl.read_excel(sys.argv[1]).write_parquet(sys.argv[2], compression="snappy")
"""

PANDAS = """\
import sys, pandas as pd
pd.read_excel(sys.argv[1], engine="openpyxl").to_parquet(sys.argv[2], compression="snappy")
"""

DUCKDB = """\
import sys, duckdb
c = duckdb.connect()
c.execute("LOAD excel")
lit = lambda s: "'" + s.replace("'", "''") + "'"
c.execute(f"COPY (SELECT * FROM read_xlsx({lit(sys.argv[1])})) TO {lit(sys.argv[2])} (FORMAT parquet)")
"""

TOOL_ORDER = ["pyforge", "fastexcel", "calamine", "polars", "duckdb", "pandas+openpyxl"]


def generate(path: Path, rows: int, seed: int = 42):
    import xlsxwriter
    rnd = random.Random(seed)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    tsfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    money = wb.add_format({"num_format": "#,##0.00"})
    names = ["id", "customer", "city", "qty", "price", "discount", "order_date", "ship_date",
             "created_at", "paid", "score", "code", "note", "units", "weight", "region",
             "rating", "updated_at", "flag", "comment"]
    ws.write_row(0, 0, names)
    cities = [f"City {i}" for i in range(500)]
    regions = ["North", "South", "East", "West", "Central"]
    base = dt.datetime(2015, 1, 1)
    for r in range(1, rows + 1):
        d = base + dt.timedelta(days=rnd.randint(0, 3650))
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, f"Customer {rnd.randint(1, 50000)}")
        ws.write_string(r, 2, rnd.choice(cities))
        ws.write_number(r, 3, rnd.randint(1, 500))
        ws.write_number(r, 4, round(rnd.uniform(0.5, 5000), 2), money)
        ws.write_number(r, 5, rnd.random() / 4)
        ws.write_datetime(r, 6, d, dfmt)
        ws.write_datetime(r, 7, d + dt.timedelta(days=rnd.randint(1, 20)), dfmt)
        ws.write_datetime(r, 8, d + dt.timedelta(seconds=rnd.randint(0, 86399)), tsfmt)
        ws.write_boolean(r, 9, rnd.random() < 0.7)
        ws.write_number(r, 10, rnd.gauss(50, 15))
        ws.write_string(r, 11, f"C{rnd.randint(0, 10**8):08d}")
        ws.write_string(r, 12, rnd.choice(["ok", "late", "returned", "gift wrap", "fragile"]))
        ws.write_number(r, 13, rnd.randint(-1000, 100000))
        ws.write_number(r, 14, rnd.uniform(0, 100))
        ws.write_string(r, 15, rnd.choice(regions))
        ws.write_number(r, 16, rnd.randint(1, 5))
        ws.write_datetime(r, 17, base + dt.timedelta(seconds=rnd.randint(0, 3 * 10**8)), tsfmt)
        ws.write_boolean(r, 18, rnd.random() < 0.1)
        ws.write_string(r, 19, f"row {r} " + "x" * rnd.randint(0, 30))
    wb.close()
    tmp.rename(path)


def dataset(rows: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    p = DATA / f"book_{rows}.xlsx"
    if not p.exists():
        print(f"[bench] generating {p} ...", file=sys.stderr)
        generate(p, rows)
    return p


def measure(argv, env=None):
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss,
            "rc": p.returncode, "stderr": err.decode(errors="replace")[-2000:]}


def rows_of(path: Path) -> int:
    import pyarrow.parquet as pq
    if path.is_dir():
        return sum(pq.ParquetFile(f).metadata.num_rows for f in path.glob("*.parquet"))
    return pq.ParquetFile(path).metadata.num_rows


def duckdb_available() -> tuple[bool, str]:
    r = subprocess.run([str(PEERS_PY), "-c", "import duckdb; duckdb.connect().execute('LOAD excel')"],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return True, ""
    return False, "the excel extension is not installed locally and the benchmark does not download at run time"


def tools(args):
    t = {"pyforge": lambda s, d: [args.pyforge, "convert", s, d, "--force", "-q"]}
    for name, snip in (("fastexcel", FASTEXCEL), ("calamine", CALAMINE), ("polars", POLARS),
                       ("pandas+openpyxl", PANDAS), ("duckdb", DUCKDB)):
        t[name] = (lambda sn: lambda s, d: [str(PEERS_PY), "-c", sn, s, d])(snip)
    return t


def run(args):
    big = dataset(args.rows)
    small = dataset(max(args.rows // 4, 1000))
    avail, why = duckdb_available()
    skipped = {} if avail else {"duckdb": why}
    only = [x for x in (args.tools.split(",") if args.tools else TOOL_ORDER) if x not in skipped]
    if args.skip_pandas and "pandas+openpyxl" in only:
        only.remove("pandas+openpyxl")
        skipped["pandas+openpyxl"] = "skipped with --skip-pandas"
    tl = tools(args)
    out = {"when": dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
           "host": platform.node(), "cpus": os.cpu_count(), "load": os.getloadavg(),
           "rows": args.rows, "columns": 20, "runs": args.runs, "provisional": args.provisional,
           "inputs": {str(big.name): big.stat().st_size, str(small.name): small.stat().st_size},
           "skipped": skipped, "results": []}
    for book, n in ((big, args.rows), (small, max(args.rows // 4, 1000))):
        for name in only:
            if book is small and name not in ("pyforge", "fastexcel"):
                continue  # the RSS-vs-rows check: PyForge and the fastest peer
            runs = []
            for k in range(args.runs):
                tmp = Path(tempfile.mkdtemp(prefix="pfx-"))
                dst = tmp / "out.parquet"
                m = measure(tl[name](str(book), str(dst)))
                if m["rc"] == 0:
                    got = rows_of(dst)
                    if got != n:
                        m["rc"] = -1
                        m["stderr"] = f"wrong row count {got}, expected {n}"
                shutil.rmtree(tmp, ignore_errors=True)
                runs.append(m)
                print(f"[bench] {name:16s} {book.name}: wall {m['wall']:.2f}s cpu {m['cpu']:.2f}s "
                      f"rss {m['rss_kib'] / 1024:.0f} MiB rc {m['rc']}", file=sys.stderr)
                if m["rc"] != 0:
                    print(m["stderr"], file=sys.stderr)
                    break
            ok = [r for r in runs if r["rc"] == 0]
            out["results"].append({
                "tool": name, "input": book.name, "rows": n, "ok": len(ok) == len(runs),
                "wall": statistics.median(r["wall"] for r in ok) if ok else None,
                "cpu": statistics.median(r["cpu"] for r in ok) if ok else None,
                "rss_mib": max(r["rss_kib"] for r in ok) / 1024 if ok else None,
                "runs": runs})
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"xlsx_{out['when']}.json"
    path.write_text(json.dumps(out, indent=1))
    print(f"[bench] wrote {path}", file=sys.stderr)
    return path


def render(path: Path):
    res = json.loads(Path(path).read_text())
    big = [r for r in res["results"] if r["rows"] == res["rows"] and r["ok"]]
    pf = next((r for r in big if r["tool"] == "pyforge"), None)
    peers = [r for r in big if r["tool"] != "pyforge"]
    lines = ["# Benchmark: Excel (.xlsx) to Parquet", ""]
    if res.get("provisional"):
        lines += ["**Provisional:** measured at reduced scale on a machine shared with other "
                  "work; the full-scale run replaces these numbers.", ""]
    lines += [f"Workbook: {res['rows']:,} rows x {res['columns']} columns (XlsxWriter "
              "constant_memory, inline strings; integers, doubles, strings, dates, date-times, "
              f"booleans), {max(res['inputs'].values()) / 1e6:.0f} MB. Median of {res['runs']} "
              f"run(s); {res['cpus']} CPUs; load average at start {res['load'][0]:.1f}. "
              f"Results: `bench/results/{Path(path).name}`. Made by `bench/bench_xlsx.py`."
              + (" Merged from: " + "; ".join(res["merged_from"]) + "." if res.get("merged_from") else ""),
              "",
              "| Tool | Wall (s) | CPU (s) | Peak RSS (MiB) | PyForge faster (wall) | PyForge cheaper (CPU) |",
              "|---|---:|---:|---:|---:|---:|"]
    for r in sorted(big, key=lambda r: r["wall"]):
        me = r["tool"] == "pyforge" or not pf
        ratio = "" if me else f"{r['wall'] / pf['wall']:.2f}x"
        cratio = "" if me else f"{r['cpu'] / pf['cpu']:.2f}x"
        lines.append(f"| {r['tool']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mib']:.0f} | {ratio} | {cratio} |")
    lines.append("")
    if pf and peers:
        fastest = min(peers, key=lambda r: r["wall"])
        pandas = next((r for r in peers if r["tool"] == "pandas+openpyxl"), None)
        lines.append("Goals (wall time): at least 2x the fastest peer (here "
                     f"{fastest['tool']}: {fastest['wall'] / pf['wall']:.2f}x), at least 20x "
                     "pandas + openpyxl ("
                     + (f"{pandas['wall'] / pf['wall']:.1f}x wall, {pandas['cpu'] / pf['cpu']:.1f}x CPU"
                        if pandas else "not measured")
                     + "), peak RSS flat in the row count (below). On a loaded machine the "
                     "CPU column is the steadier comparison.")
        lines.append("")
    small = [r for r in res["results"] if r["rows"] != res["rows"] and r["ok"]]
    if small:
        lines += ["Peak RSS against rows (the same columns):", "",
                  "| Tool | Rows | Peak RSS (MiB) | Wall (s) |", "|---|---:|---:|---:|"]
        for r in sorted(small + [b for b in big if b["tool"] in {s["tool"] for s in small}],
                        key=lambda r: (r["tool"], r["rows"])):
            lines.append(f"| {r['tool']} | {r['rows']:,} | {r['rss_mib']:.0f} | {r['wall']:.2f} |")
        lines.append("")
    for t, why in res.get("skipped", {}).items():
        lines.append(f"- {t} not measured: {why}.")
    lines.append("")
    (REPO / "docs").mkdir(exist_ok=True)
    (REPO / "docs" / "benchmarks_xlsx.md").write_text("\n".join(lines))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        rows = sorted(big, key=lambda r: r["wall"])
        fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(rows)))
        ax.barh([r["tool"] for r in rows][::-1], [r["wall"] for r in rows][::-1],
                color=["#d62728" if r["tool"] == "pyforge" else "#7f7f7f" for r in rows][::-1])
        ax.set_xlabel("wall seconds (lower is better)")
        ax.set_title(f"xlsx -> Parquet, {res['rows']:,} rows x 20 columns"
                     + (" (provisional)" if res.get("provisional") else ""))
        fig.tight_layout()
        (REPO / "docs" / "img").mkdir(exist_ok=True)
        fig.savefig(REPO / "docs" / "img" / "benchmarks_xlsx.png", dpi=110)
    except ImportError:
        print("[bench] matplotlib missing: no chart", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pyforge", default=str(REPO / "build" / "release" / "pyforge"))
    ap.add_argument("--tools", help="comma-separated subset of " + ",".join(TOOL_ORDER))
    ap.add_argument("--skip-pandas", action="store_true", help="leave out pandas+openpyxl (slow)")
    ap.add_argument("--provisional", action="store_true", help="mark the report provisional")
    ap.add_argument("--render", metavar="RESULTS_JSON", help="only render a results file")
    args = ap.parse_args()
    if args.render:
        render(Path(args.render))
        return
    render(run(args))


if __name__ == "__main__":
    main()
