#!/usr/bin/env python3
"""Render a results JSON from run_bench.py into Markdown + a PNG chart.

  python bench/render.py [RESULTS.json] [--doc docs/benchmarks.md] [--img docs/img/benchmarks_csv.png]

Without RESULTS.json, bench/results/latest.json is used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TOOL_ORDER = ["pyforge", "pyforge-fsync", "duckdb", "polars", "pyarrow", "pandas", "pyforge-original"]
DATASET_ORDER = ["typed", "string_heavy", "wide", "quoted"]
COLORS = {"pyforge": "#d62728", "pyforge-fsync": "#ff9896", "duckdb": "#f2b701", "polars": "#1f77b4",
          "pyarrow": "#2ca02c", "pandas": "#9467bd", "pyforge-original": "#7f7f7f"}
DATASET_BLURB = {
    "typed": "int64 ids, doubles, int32 with nulls, dates, timestamps, booleans, short and medium strings",
    "string_heavy": "mostly free text (names, e-mails, 4–30-word comments with some non-ASCII), some nulls",
    "wide": "200 columns: ints, doubles, short strings, ints with nulls",
    "quoted": "every string field quoted; embedded commas, doubled quotes and line breaks",
}
GOAL_DUCKDB_X = 3.0  # issue 9: 3x DuckDB on typed, string_heavy and quoted
GOAL_ORIGINAL_X = 20.0
GOAL_RSS_MIB = 100.0
GOAL_VERSION_MS = 5.0
BIG_DATASETS = ("typed", "string_heavy")  # the ~200 MB files


def _f(x, nd=2):
    return "—" if x is None else f"{x:,.{nd}f}"


def _index(res):
    idx = {}
    for e in res["runs"]:
        idx[(e["dataset"], e["tool"])] = e
    return idx


def _datasets(res):
    return [d for d in DATASET_ORDER if d in res["datasets"]] + \
           [d for d in res["datasets"] if d not in DATASET_ORDER]


def _tools(res):
    return [t for t in TOOL_ORDER if t in res["tools"]] + [t for t in res["tools"] if t not in TOOL_ORDER]


def _mbps(res, d, e):
    m = e.get("median") if e else None
    return res["datasets"][d]["bytes"] / 1e6 / m["wall_s"] if m else None


def results_table(res) -> str:
    idx = _index(res)
    lines = [
        "| Dataset | Tool | Wall s | CPU s | Peak RSS MiB | Output MB | MB/s | Peer wall ÷ pyforge wall | Rows |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for d in _datasets(res):
        meta = res["datasets"][d]
        pf = idx.get((d, "pyforge"))
        pf_wall = pf["median"]["wall_s"] if pf and pf.get("median") else None
        first = True
        for t in _tools(res):
            e = idx.get((d, t))
            if e is None:
                continue
            label = res["tools"][t]["label"]
            dcell = f"**{d}** ({meta['bytes'] / 1e6:.0f} MB)" if first else ""
            first = False
            m = e.get("median")
            if e["status"] == "skipped":
                why = "binary not found" if t == "pyforge" else (e.get("note", "") or "")[:80]
                lines.append(f"| {dcell} | {label} | not run | | | | | | {why} |")
                continue
            if not m:
                err = (e.get("error") or "failed").replace("|", "/").replace("\n", " ")[:120]
                lines.append(f"| {dcell} | {label} | FAILED | | | | | | {err} |")
                continue
            if t == "pyforge":
                ratio = "1.00 (reference)"
            elif pf_wall:
                ratio = f"{m['wall_s'] / pf_wall:.2f}×"
            else:
                ratio = "— (no pyforge)"
            rows = f"{meta['rows']:,} ✓"
            lines.append(
                f"| {dcell} | {label} | {_f(m['wall_s'])} | {_f(m['cpu_s'])} | {_f(m['rss_kib'] / 1024, 0)} | "
                f"{_f(m['out_bytes'] / 1e6, 1)} | {_f(_mbps(res, d, e), 1)} | {ratio} | {rows} |")
    return "\n".join(lines)


GOAL_NAMES = [
    f"throughput ≥ {GOAL_DUCKDB_X:g}× DuckDB (each dataset)",
    f"throughput ≥ {GOAL_ORIGINAL_X:g}× original PyForge CLI (each dataset)",
    "peak RSS below DuckDB's (each dataset)",
    f"peak RSS < {GOAL_RSS_MIB:g} MiB on the ~200 MB files ({', '.join(BIG_DATASETS)})",
    f"`pyforge --version` < {GOAL_VERSION_MS:g} ms (median)",
]


def goals(res) -> tuple[str, list[str]]:
    idx = _index(res)
    rows = ["| Goal | Dataset | Measured | Met? |", "|---|---|---:|---|"]
    verdicts = []
    if not any(e["tool"] == "pyforge" and e.get("median") for e in res["runs"]):
        for g in GOAL_NAMES:
            rows.append(f"| {g} | all | — | not measured (no pyforge in this run) |")
        return "\n".join(rows), verdicts

    def med(d, t):
        e = idx.get((d, t))
        return e.get("median") if e else None

    for d in _datasets(res):
        pf, dk, og = med(d, "pyforge"), med(d, "duckdb"), med(d, "pyforge-original")
        if pf and dk:
            x = dk["wall_s"] / pf["wall_s"]
            ok = x >= GOAL_DUCKDB_X
            rows.append(f"| throughput ≥ {GOAL_DUCKDB_X:g}× DuckDB | {d} | {x:.2f}× | {'met' if ok else '**not met**'} |")
            verdicts.append(ok)
        else:
            rows.append(f"| throughput ≥ {GOAL_DUCKDB_X:g}× DuckDB | {d} | — | not measured |")
    for d in _datasets(res):
        pf, og = med(d, "pyforge"), med(d, "pyforge-original")
        if pf and og:
            x = og["wall_s"] / pf["wall_s"]
            ok = x >= GOAL_ORIGINAL_X
            rows.append(f"| throughput ≥ {GOAL_ORIGINAL_X:g}× original PyForge CLI | {d} | {x:.1f}× | "
                        f"{'met' if ok else '**not met**'} |")
            verdicts.append(ok)
        else:
            rows.append(f"| throughput ≥ {GOAL_ORIGINAL_X:g}× original PyForge CLI | {d} | — | not measured |")
    for d in _datasets(res):
        pf, dk = med(d, "pyforge"), med(d, "duckdb")
        if pf and dk:
            a, b = pf["rss_kib"] / 1024, dk["rss_kib"] / 1024
            ok = a < b
            rows.append(f"| peak RSS below DuckDB's | {d} | {a:.0f} vs {b:.0f} MiB | {'met' if ok else '**not met**'} |")
            verdicts.append(ok)
        else:
            rows.append(f"| peak RSS below DuckDB's | {d} | — | not measured |")
    for d in _datasets(res):
        if d not in BIG_DATASETS:
            continue
        pf = med(d, "pyforge")
        if pf:
            a = pf["rss_kib"] / 1024
            ok = a < GOAL_RSS_MIB
            big = res["datasets"][d]["bytes"] / 1e6
            rows.append(f"| peak RSS < {GOAL_RSS_MIB:g} MiB on the ~200 MB file | {d} ({big:.0f} MB) | {a:.0f} MiB | "
                        f"{'met' if ok else '**not met**'} |")
            verdicts.append(ok)
        else:
            rows.append(f"| peak RSS < {GOAL_RSS_MIB:g} MiB on the ~200 MB file | {d} | — | not measured |")
    vt = res.get("version_timing", {}).get("pyforge")
    if vt and vt.get("ok"):
        ok = vt["median_ms"] < GOAL_VERSION_MS
        rows.append(f"| `pyforge --version` < {GOAL_VERSION_MS:g} ms | — | {vt['median_ms']:.2f} ms (median of "
                    f"{vt['runs']}) | {'met' if ok else '**not met**'} |")
        verdicts.append(ok)
    else:
        rows.append(f"| `pyforge --version` < {GOAL_VERSION_MS:g} ms | — | — | not measured |")
    return "\n".join(rows), verdicts


def chart(res, img: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    idx = _index(res)
    ds = _datasets(res)
    tools = [t for t in _tools(res) if any((idx.get((d, t)) or {}).get("median") for d in ds)]
    fig, axes = plt.subplots(2, 1, figsize=(11, 8.5), dpi=110)
    width = 0.8 / max(1, len(tools))
    panels = [
        (axes[0], lambda d, e: _mbps(res, d, e), "Throughput (input MB/s, higher is better)", "{:.0f}"),
        (axes[1], lambda d, e: e["median"]["rss_kib"] / 1024 if e and e.get("median") else None,
         "Peak RSS (MiB, lower is better)", "{:.0f}"),
    ]
    for ax, getter, title, fmt in panels:
        for i, t in enumerate(tools):
            xs, ys = [], []
            for j, d in enumerate(ds):
                v = getter(d, idx.get((d, t)))
                if v is not None:
                    xs.append(j - 0.4 + width * (i + 0.5))
                    ys.append(v)
            bars = ax.bar(xs, ys, width * 0.95, label=res["tools"][t]["label"], color=COLORS.get(t, None),
                          edgecolor="black" if t == "pyforge" else "none", linewidth=1.2)
            for b, v in zip(bars, ys):
                ax.annotate(fmt.format(v), (b.get_x() + b.get_width() / 2, b.get_height()),
                            ha="center", va="bottom", fontsize=7, xytext=(0, 1), textcoords="offset points")
        ax.set_xticks(range(len(ds)))
        ax.set_xticklabels([f"{d}\n({res['datasets'][d]['bytes'] / 1e6:.0f} MB)" for d in ds])
        ax.set_title(title, fontsize=11)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        ax.margins(y=0.12)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(labels), fontsize=8.5,
               bbox_to_anchor=(0.5, 0.955), frameon=False)
    pf_note = "" if any(t == "pyforge" for t in tools) else "  [pyforge not measured]"
    fig.suptitle(f"CSV → Parquet (snappy), {res['threads']} threads, median of {res['repeats']} — "
                 f"{res['date'][:10]}{pf_note}", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    img.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(img)
    plt.close(fig)


def _rel(p: Path, base: Path) -> str:
    try:
        return p.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(p)


def render(results_path: Path, doc: Path, img: Path) -> None:
    res = json.loads(Path(results_path).read_text())
    chart(res, img)
    m = res["machine"]
    tools = _tools(res)
    quick = res["scale"] < 1
    pf_included = any(e["tool"] == "pyforge" and e.get("median") for e in res["runs"])
    goals_md, verdicts = goals(res)
    img_rel = os.path.relpath(img.resolve(), doc.resolve().parent)

    out = []
    out.append("# Benchmarks: CSV → Parquet\n")
    out.append(f"<!-- Generated by bench/render.py from {_rel(Path(results_path), REPO)}; "
               "do not edit by hand, re-run bench/run.sh. -->\n")
    out.append(f"Measured {res['date']} (UTC) on the machine below, {res['threads']} threads for every tool, "
               f"Snappy compression, median of {res['repeats']} timed run(s)"
               f"{' (original CLI: ' + str(res['original_repeats']) + ')' if res.get('original_repeats') != res['repeats'] else ''}"
               f"{', after ' + str(res['warmup']) + ' warm-up run(s)' if res.get('warmup') else ''}. "
               "Peers run in the same session as PyForge, so only the ratios are meant to travel; "
               "absolute numbers depend on the machine.\n")
    if quick:
        out.append(f"> **Quick run (scale {res['scale']:g})**: small files, timings dominated by process "
                   "start-up. Not representative; the goals below refer to full-scale runs.\n")
    if not pf_included:
        out.append("> **PyForge is not in this run** "
                   f"({res['tools'].get('pyforge', {}).get('note') or 'not selected'}). "
                   "The peers are measured; the ratio column and the goals fill in once "
                   "`build/release/pyforge` exists and `bench/run.sh` is re-run.\n")
    out.append(f"> Load average before / after the run: {res.get('load_before')} / {res.get('load_after')} "
               f"on {m.get('nproc')} CPUs. A load average above the number of CPUs means other work competed "
               "with the benchmark; treat differences under ~10 % as noise.\n"
               if res.get("load_before") else "")
    if res.get("note"):
        out.append(f"> Note: {res['note']}\n")
    out.append("Other formats, each measured by its own harness against its own peers: "
               "[Excel → Parquet](benchmarks_xlsx.md) (bench/bench_xlsx.py), "
               "[XML → Parquet](benchmarks_xml.md) (bench/bench_xml.py), "
               "[CSV → Delta Lake](benchmarks_delta.md) (bench/bench_delta.py).\n")

    out.append("## Goals\n")
    out.append("Targets the C engine is built to (see the project plan); each is checked against the peers "
               "measured in this same run.\n")
    out.append(goals_md + "\n")
    if verdicts:
        out.append(f"{sum(verdicts)} of {len(verdicts)} measured goals met.\n")

    out.append("## Results\n")
    out.append("MB = 10⁶ bytes; MB/s is input CSV bytes over wall time. *Peer wall ÷ pyforge wall* is how many "
               "times slower than PyForge a peer is (> 1: PyForge faster). Rows ✓: the Parquet output was read back "
               "with pyarrow and its row and column counts match the generated data. Output sizes differ because "
               "each tool infers types its own way (the original CLI writes every column as a string).\n")
    out.append(results_table(res) + "\n")
    out.append(f"![CSV to Parquet throughput and peak memory]({img_rel})\n")

    vt = res.get("version_timing", {})
    out.append("## Start-up\n")
    out.append("| Command | Median ms | p10 ms | p90 ms | Runs |\n|---|---:|---:|---:|---:|")
    for k, label in (("pyforge", "`pyforge --version`"), ("pyforge-original", "original `pyforge --version` (Python)")):
        v = vt.get(k)
        if v and v.get("ok"):
            out.append(f"| {label} | {v['median_ms']:.2f} | {v['p10_ms']:.2f} | {v['p90_ms']:.2f} | {v['runs']} |")
        elif v is not None:
            out.append(f"| {label} | not measured: {v.get('error', '')} | | | |")
    out.append("")

    out.append("## Machine\n")
    out.append(f"- CPU: {m.get('cpu_model', 'unknown')}, {m.get('nproc')} logical CPUs "
               f"({m.get('affinity')} usable by the benchmark)")
    out.append(f"- Memory: {m.get('mem_total_gib')} GiB")
    out.append(f"- Linux {m.get('kernel')}, harness Python {m.get('python')}\n")

    out.append("## Tool versions\n")
    for t in tools:
        info = res["tools"][t]
        ver = info.get("version") or "n/a"
        note = f" — {info['note']}" if info.get("note") else ""
        b = info.get("binary")
        if b:
            note += f" — binary `{b.get('path')}`, {b.get('bytes', 0) / 1e3:.0f} kB, built {b.get('mtime')}, sha256 `{b.get('sha256_16')}…`"
        out.append(f"- **{info['label']}**: {ver}{note}")
    out.append("")

    out.append("## Datasets\n")
    g = res.get("generator", {})
    out.append(f"Generated by `bench/gen_data.py` (generator v{g.get('generator_version')}, seed {g.get('seed')}, "
               f"scale {g.get('scale')}); same seed and scale give byte-identical files (sha256 below).\n")
    out.append("| Dataset | Rows | Columns | Size MB | Content | sha256 (first 16) |\n|---|---:|---:|---:|---|---|")
    for d in _datasets(res):
        x = res["datasets"][d]
        out.append(f"| {d} | {x['rows']:,} | {x['columns']} | {x['bytes'] / 1e6:.1f} | {DATASET_BLURB.get(d, '')} | "
                   f"`{x['sha256'][:16]}` |")
    out.append("")

    out.append("## Reproduce\n")
    out.append("```sh\nbench/run.sh                 # setup venvs (once), generate data, run, render this page\n"
               "bench/run.sh --quick         # small files, 1 repeat; writes bench/results/quick/ only\n"
               "bench/run.sh --pyforge /path/to/pyforge --repeats 5   # extra args go to run_bench.py\n```\n")
    out.append("The run that produced this page:\n")
    out.append(f"```sh\n{res['command']}\n```\n")

    out.append("## Method\n")
    out.append(
        "- Each conversion is its own child process; wall time is measured around spawn and `os.wait4`, CPU time "
        "(user + sys) and peak RSS (`ru_maxrss`) come from the child's rusage. Interpreter start-up and imports are "
        "part of every Python peer's time, as process start-up is part of PyForge's.\n"
        "- The input file is read once before each dataset so every tool starts with it in the page cache. "
        "Tools run round-robin within each repeat, so background load spreads over all of them.\n"
        f"- Threads: `--threads {res['threads']}` for PyForge, `SET threads` for DuckDB, `POLARS_MAX_THREADS` for "
        "Polars, `pa.set_cpu_count` for PyArrow and pandas' Parquet writer; `OMP_NUM_THREADS` is set for every "
        "child (it caps Arrow's default pool in the original CLI, which has no thread option). pandas' CSV "
        "parser and the original CLI are single-threaded by design.\n"
        "- Every tool uses its own defaults otherwise (type inference, row-group size, dictionary encoding). "
        "PyArrow is told `newlines_in_values=True` for the `quoted` dataset only; without it, it cannot read "
        "line breaks inside quoted fields.\n"
        "- Outputs are written to a fresh temporary directory and removed after the row-count check.\n")

    out.append("## What each tool runs\n")
    for t in tools:
        info = res["tools"][t]
        out.append(f"**{info['label']}**: `{info.get('command')}`\n")
        if info.get("snippet"):
            out.append("```python\n" + info["snippet"].rstrip() + "\n```\n")
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(out).replace("\n\n\n", "\n\n"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", type=Path, default=BENCH / "results" / "latest.json")
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    ap.add_argument("--img", type=Path, default=REPO / "docs" / "img" / "benchmarks_csv.png")
    args = ap.parse_args(argv)
    render(args.results, args.doc, args.img)
    print(f"wrote {args.doc} and {args.img}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
