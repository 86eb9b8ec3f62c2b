#!/usr/bin/env python3
"""The Arrow stream's cost over the reader alone (issue 10's goal: under 5%).

For each input (CSV typed / string-heavy / wide, an XLSX workbook, an XML
feed; generated here, seeded), tests/tools/stream_bench reads it R times
each way, alternating: the reader alone through the engine's session
(pf_convert's read side without the writer) and pf_stream_open with every
array exported and released. Reports medians, the ratio and throughput;
writes bench/results/stream_<UTC>.json and docs/benchmarks_stream.md.

    bench/bench_stream.py [--build build/release] [--repeats 5] [--threads 0]
                          [--scale 1.0] [--only csv_typed,xml]
    bench/bench_stream.py --render bench/results/stream_<UTC>.json

Uses the tests' venv for XlsxWriter (.venv). Not a test: nothing fails.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "stream"


def gen_csv_typed(path: Path, rows: int):
    rng = random.Random(1)
    with open(path, "w") as f:
        f.write("id,amount,qty,ratio,day,stamp,flag,code,name,note\n")
        for i in range(rows):
            day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
            f.write(f"{i},{rng.uniform(-1e6, 1e6):.2f},{rng.randrange(1000) if rng.random() > .1 else ''},"
                    f"{rng.random():.6f},{day},{day} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00,"
                    f"{'true' if rng.random() < .5 else 'false'},C{rng.randrange(500):04d},"
                    f"name{rng.randrange(100000)},{'x' * rng.randrange(30)}\n")


def gen_csv_strings(path: Path, rows: int):
    rng = random.Random(2)
    words = ["alpha", "beta", "gamma", "delta", "café", "naïve", "東京", "data", "lake", "forge"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("user,email,city,comment,tags\n")
        for i in range(rows):
            comment = " ".join(rng.choice(words) for _ in range(rng.randint(4, 30)))
            f.write(f"user{i},u{i}@example.com,{rng.choice(words)},\"{comment}, ok\","
                    f"{'|'.join(rng.sample(words, 3))}\n")


def gen_csv_wide(path: Path, rows: int):
    rng = random.Random(3)
    with open(path, "w") as f:
        f.write(",".join(f"c{i}" for i in range(200)) + "\n")
        for _ in range(rows):
            f.write(",".join(str(rng.randrange(10 ** 6)) if k % 3 == 0 else
                             f"{rng.random():.4f}" if k % 3 == 1 else f"s{rng.randrange(50)}"
                             for k in range(200)) + "\n")


def gen_xml(path: Path, rows: int):
    rng = random.Random(4)
    with open(path, "w") as f:
        f.write('<?xml version="1.0"?>\n<orders>\n')
        for i in range(rows):
            f.write(f'<order id="{i}" status="{rng.choice(["new", "paid", "sent"])}">'
                    f"<customer>c{rng.randrange(10 ** 5)}</customer><total>{rng.uniform(0, 1e4):.2f}</total>"
                    f"<day>{dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500))}</day>"
                    f"<item>a{rng.randrange(99)}</item><item>b{rng.randrange(99)}</item></order>\n")
        f.write("</orders>\n")


def gen_xlsx(path: Path, rows: int):
    import xlsxwriter  # from the tests' venv
    rng = random.Random(5)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["id", "amount", "qty", "day", "name", "flag", "ratio", "code"])
    for i in range(1, rows + 1):
        ws.write_number(i, 0, i)
        ws.write_number(i, 1, round(rng.uniform(-1e5, 1e5), 2))
        ws.write_number(i, 2, rng.randrange(1000))
        ws.write_datetime(i, 3, dt.datetime(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500)), date_fmt)
        ws.write_string(i, 4, f"name{rng.randrange(10 ** 5)}")
        ws.write_boolean(i, 5, rng.random() < .5)
        ws.write_number(i, 6, rng.random())
        ws.write_string(i, 7, f"C{rng.randrange(500):04d}")
    wb.close()


DATASETS = {  # name: (file, generator, rows at scale 1)
    "csv_typed": ("typed.csv", gen_csv_typed, 1_000_000),
    "csv_strings": ("strings.csv", gen_csv_strings, 400_000),
    "csv_wide": ("wide.csv", gen_csv_wide, 30_000),
    "xlsx": ("book.xlsx", gen_xlsx, 200_000),
    "xml": ("orders.xml", gen_xml, 300_000),
}


def ensure(name: str, scale: float) -> Path:
    fname, gen, rows = DATASETS[name]
    n = max(1000, int(rows * scale))
    d = DATA / f"s{scale}"
    d.mkdir(parents=True, exist_ok=True)
    p = d / fname
    if not p.exists():
        print(f"generating {p} ({n} rows)", file=sys.stderr)
        tmp = p.with_suffix(p.suffix + ".tmp")
        gen(tmp, n)
        tmp.rename(p)
    return p


def run(tool: Path, path: Path, repeats: int, threads: str, holdback: str | None) -> dict:
    cmd = [str(tool), "-t", threads, "-r", str(repeats)]
    if holdback is not None:
        cmd += ["-k", f"stream.holdback={holdback}"]
    out = subprocess.run(cmd + [str(path)], capture_output=True, text=True, check=True).stdout
    runs = [json.loads(line) for line in out.splitlines()]
    rows = {r["rows"] for r in runs}
    assert len(rows) == 1, f"row counts differ between runs: {rows}"
    res = {"file": path.name, "bytes": path.stat().st_size, "rows": rows.pop(),
           "repeats": repeats, "holdback": holdback or "64M (default)"}
    for what in ("seconds", "cpu"):
        med = {m: statistics.median(r[what] for r in runs if r["mode"] == m)
               for m in ("reader", "stream")}
        res[what] = {"reader": [r[what] for r in runs if r["mode"] == "reader"],
                     "stream": [r[what] for r in runs if r["mode"] == "stream"],
                     "reader_median": med["reader"], "stream_median": med["stream"],
                     "cost_pct": 100.0 * (med["stream"] / med["reader"] - 1.0)}
    res["stream_mb_s"] = res["bytes"] / 1e6 / res["seconds"]["stream_median"]
    return res


def render(results: dict, page: Path):
    lines = [
        "# Benchmark: the Arrow stream against the reader alone",
        "",
        "Generated by `bench/bench_stream.py` (not a test). Each input is read by its",
        "reader through the engine (pf_convert's read side, no writer) and through",
        "`pf_stream_open`, every array exported (it takes the batch's buffers, the reader",
        "refills buffers from a pool that released arrays give back) and released by the",
        "consumer; the two alternate, the medians are compared.",
        "Goal (issue 10): the stream costs under 5% over the reader alone.",
        "",
        "Two settings per input: the default `stream.holdback` (64M: a file smaller",
        "than that is held in memory whole before the first batch, so that a late",
        "widening can be read again unseen; XML holds nothing, its types are final",
        "after open) and `stream.holdback=0` (the steady state every stream reaches",
        "after its first 64M: buffers recycled, nothing copied). CPU is the process's",
        "user + system time over all threads: on a shared machine it is steadier",
        "than wall time, which other load inflates.",
        "",
        f"Machine: {results['machine']}; load average at start {results['load']}; "
        f"threads: {results['threads']}; build: `{results['build']}`; {results['when']}.",
        "",
        "| Input | Size | Rows | Holdback | Reader wall | Stream wall | Wall cost | "
        "Reader CPU | Stream CPU | CPU cost |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results["datasets"].items():
        w, c = r["seconds"], r["cpu"]
        lines.append(f"| {name.split('@')[0]} (`{r['file']}`) | {r['bytes'] / 1e6:.1f} MB | "
                     f"{r['rows']:,} | {r['holdback']} | {w['reader_median']:.3f} s | "
                     f"{w['stream_median']:.3f} s | {w['cost_pct']:+.1f}% | "
                     f"{c['reader_median']:.3f} s | {c['stream_median']:.3f} s | "
                     f"{c['cost_pct']:+.1f}% |")
    lines += ["", "Every run's seconds are in the results JSON "
              f"(`bench/results/{results['json']}`).", ""]
    page.write_text("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=str(REPO / "build" / "release"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", default="0")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default="")
    ap.add_argument("--page", default=str(REPO / "docs" / "benchmarks_stream.md"))
    ap.add_argument("--render", metavar="JSON", help="only render the page from a results file")
    a = ap.parse_args()
    if a.render:
        render(json.loads(Path(a.render).read_text()), Path(a.page))
        return
    tool = Path(a.build) / "tests" / "tools" / "stream_bench"
    if not tool.exists():
        sys.exit(f"{tool} not found: build {a.build} with the tests")
    names = [n for n in DATASETS if not a.only or n in a.only.split(",")]
    results = {"when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
               "threads": a.threads, "build": a.build, "scale": a.scale,
               "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "datasets": {}}
    for n in names:
        path = ensure(n, a.scale)
        for hb in (None, "0"):
            r = run(tool, path, a.repeats, a.threads, hb)
            results["datasets"][f"{n}@{hb or 'default'}"] = r
            print(f"{n:12s} holdback {hb or 'default':7s} wall {r['seconds']['cost_pct']:+6.1f}%  "
                  f"cpu {r['cpu']['cost_pct']:+6.1f}%", file=sys.stderr)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = REPO / "bench" / "results" / f"stream_{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    results["json"] = out.name
    out.write_text(json.dumps(results, indent=1))
    render(results, Path(a.page))
    print(f"wrote {out} and {a.page}", file=sys.stderr)


if __name__ == "__main__":
    main()
