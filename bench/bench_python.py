#!/usr/bin/env python3
"""The Python package against its peers and against the command line, in
one run on the same files (docs/benchmarks_python.md):

1. read: forge.read(...) into pyarrow (pa.table), polars (pl.DataFrame) and
   DuckDB (a count over the stream) against pyarrow.csv.read_csv,
   polars.read_csv and duckdb.read_csv on the same CSV files (bench/gen_data.py:
   typed, string_heavy), wall time, median of --repeats, in fresh processes;
2. convert: forge.convert against the pyforge executable on the same file,
   same threads: the overhead of the Python layer (goal: under 5%);
3. memory: peak RSS of a process that streams a --stream-gb file through
   forge.read batch by batch (flat: it must not grow with the file);
4. import: what `import pyforge_cli` adds to a fresh interpreter's peak RSS
   (goal: under 50 MB) and start-up time;
5. discovery: extensions found with 50 unrelated distributions on the path
   (goal: under 100 ms).

Run it with an interpreter where the installed wheel and the consumers import
(for instance a venv with the wheel and build/pyapi-deps/<version> on a .pth,
as tests/python/test_api_suite.py makes):

  python bench/bench_python.py --scale 0.5 --repeats 5 --cli build/release/pyforge
  python bench/bench_python.py --render bench/results/python.json   # page only

Not a test: nothing here passes or fails; it reports numbers and ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DOC = REPO / "docs" / "benchmarks_python.md"


def run_py(code: str, *args: str, env=None) -> dict:
    """Runs code in a fresh interpreter; it prints one JSON object."""
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                       env=env, timeout=3600)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


# (imports, then the timed statement): the timer starts after the imports
READ = {
    "forge.read -> pyarrow": ("import pyforge_cli as pf, pyarrow as pa", "n = pa.table(pf.read(src, threads=T)).num_rows"),
    "pyarrow.csv.read_csv": ("import pyarrow as pa, pyarrow.csv as c; pa.set_cpu_count(T); pa.set_io_thread_count(T)",
                             "n = c.read_csv(src).num_rows"),
    "forge.read -> polars": ("import pyforge_cli as pf, polars as pl", "n = pl.DataFrame(pf.read(src, threads=T)).height"),
    "polars.read_csv": ("import polars as pl", "n = pl.read_csv(src, n_threads=T).height"),
    "forge.read -> DuckDB": ("import pyforge_cli as pf, duckdb; con = duckdb.connect(config={'threads': T})",
                             "x = pf.read(src, threads=T); n = con.sql('select count(*) from x').fetchone()[0]"),
    "duckdb.read_csv": ("import duckdb; con = duckdb.connect(config={'threads': T})",
                        "n = con.sql(f\"select count(*) from read_csv('{src}')\").fetchone()[0]"),
}

TIMED = """
import json, sys, time
src, T = sys.argv[1], int(sys.argv[2])
{imports}
t0 = time.perf_counter()
{stmt}
print(json.dumps({{"seconds": time.perf_counter() - t0, "rows": n}}))
"""


def bench_read(files, repeats, threads):
    out = {}
    for f in files:
        res = {}
        for name, (imports, stmt) in READ.items():
            times, rows = [], None
            for _ in range(repeats):
                r = run_py(TIMED.format(imports=imports, stmt=stmt), str(f), str(threads))
                times.append(r["seconds"])
                rows = r["rows"]
            res[name] = {"median_s": statistics.median(times), "min_s": min(times), "rows": rows}
            print(f"  read {f.name:<20} {name:<24} {statistics.median(times):8.3f} s", flush=True)
        out[f.name] = res
    return out


def bench_convert(src, cli, repeats, threads, work):
    """The call in one process (the first call, which also finds the
    extensions, and the next ones) against the executable, same threads."""
    py = f"""
import json, sys, time
import pyforge_cli as pf
times = []
for i in range({repeats + 1}):
    t0 = time.perf_counter()
    pf.convert(sys.argv[1], sys.argv[2], force=True, threads={threads}, progress=False)
    times.append(time.perf_counter() - t0)
print(json.dumps(times))
"""
    p = subprocess.run([sys.executable, "-c", py, str(src), str(work / "py.parquet")], capture_output=True,
                       text=True, check=True)
    calls = json.loads(p.stdout.strip().splitlines()[-1])
    def cli_median(exe):
        ts = []
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            subprocess.run([exe, "convert", str(src), str(work / "cli.parquet"), "--force", "-q", "-j", str(threads)],
                           check=True)
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts[1:])

    # the wheel's own command line (the same engine build as the API), and
    # the executable built from the tree (another compiler and libraries)
    script = Path(sys.executable).parent / "pyforge"
    m_cli = cli_median(str(script)) if script.is_file() else None
    m_exe = cli_median(cli) if cli and Path(cli).is_file() else None
    base = m_cli or m_exe
    first, warm = calls[0], statistics.median(calls[1:])
    print(f"  convert: first call {first:.3f} s, next calls {warm:.3f} s, console script {m_cli} s, "
          f"executable {m_exe} s", flush=True)
    return {"first_call_s": first, "convert_call_s": warm, "cli_process_s": m_cli, "exe_process_s": m_exe,
            "overhead_call_pct": 100 * (warm / base - 1), "overhead_first_call_pct": 100 * (first / base - 1)}


def bench_memory(path, threads):
    code = f"""
import json, resource, sys, threading, time
import pyforge_cli as pf, pyarrow as pa
peak = [0]
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
samples = []
stop = threading.Event()
def sample():
    while not stop.is_set():
        samples.append(rss()); time.sleep(0.05)
th = threading.Thread(target=sample); th.start()
t0 = time.perf_counter()
rows = 0
reader = pa.RecordBatchReader.from_stream(pf.read(sys.argv[1], threads={threads}))
for b in reader:
    rows += b.num_rows
stop.set(); th.join()
print(json.dumps({{"rows": rows, "seconds": time.perf_counter() - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_quartiles_mb": [s / 2**20 for s in statistics.quantiles(samples, n=4)] if len(samples) > 4 else []}}))
"""
    code = "import statistics\n" + code
    r = run_py(code, str(path))
    r["file_mb"] = path.stat().st_size / 1e6
    print(f"  memory: {r['file_mb']:.0f} MB streamed, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    return r


def bench_import(repeats):
    code = """
import json, sys, time
t0 = time.perf_counter()
if sys.argv[1] == "1":
    import pyforge_cli
took = time.perf_counter() - t0
with open("/proc/self/statm") as f:
    rss = int(f.read().split()[1]) * 4096 / 2**20
print(json.dumps({"seconds": took, "rss_mb": rss}))
"""
    base = [run_py(code, "0") for _ in range(repeats)]
    imp = [run_py(code, "1") for _ in range(repeats)]
    wall = []
    for arg in ("pass", "import pyforge_cli"):
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", arg], check=True)
            ts.append(time.perf_counter() - t0)
        wall.append(statistics.median(ts))
    r = {"import_s": statistics.median(x["seconds"] for x in imp),
         "rss_added_mb": statistics.median(x["rss_mb"] for x in imp) - statistics.median(x["rss_mb"] for x in base),
         "startup_python_s": wall[0], "startup_with_import_s": wall[1]}
    print(f"  import: {r['import_s'] * 1000:.1f} ms, +{r['rss_added_mb']:.1f} MB RSS", flush=True)
    return r


def bench_discovery(repeats, work):
    site = work / "site"
    site.mkdir(exist_ok=True)
    for i in range(50):
        info = site / f"unrelated{i}-1.0.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: unrelated{i}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[console_scripts]\nu{i} = unrelated{i}:main\n")
        (site / f"unrelated{i}.py").write_text("def main():\n    pass\n")
    code = """
import json, time
from pyforge_cli.extensions import _registry
t0 = time.perf_counter()
recs = _registry.discover()
print(json.dumps({"seconds": time.perf_counter() - t0, "found": len(recs)}))
"""
    env = dict(os.environ, PYTHONPATH=str(site) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rs = [run_py(code, env=env) for _ in range(repeats)]
    r = {"distributions_added": 50, "discover_s": statistics.median(x["seconds"] for x in rs),
         "extensions_found": rs[0]["found"]}
    print(f"  discovery: {r['discover_s'] * 1000:.1f} ms with 50 unrelated distributions", flush=True)
    return r


def make_stream_file(path: Path, gb: float) -> Path:
    if path.exists() and path.stat().st_size >= gb * 1e9 * 0.98:
        return path
    line = "{0},name{1},{2}.25,2024-01-{3:02d},true,some text that pads the row a little {1}\n"
    with open(path, "w") as f:
        f.write("id,name,price,day,ok,text\n")
        i = 0
        while f.tell() < gb * 1e9:
            f.write("".join(line.format(k, k % 997, k, 1 + k % 28) for k in range(i, i + 100_000)))
            i += 100_000
    return path


def render(res: dict) -> str:
    lines = ["# Benchmarks: the Python package", "",
             "Generated by `bench/bench_python.py` (see its docstring to reproduce); "
             f"{res['machine']}, Python {res['python']}, {res['threads']} engine threads, "
             f"median of {res['repeats']} runs, each in a fresh process. Not a test: numbers, not verdicts.", "",
             "## forge.read into DataFrames against each library's own CSV reader", "",
             "| File | Rows | Tool | Seconds | forge.read / peer |", "|---|---|---|---|---|"]
    pairs = [("forge.read -> pyarrow", "pyarrow.csv.read_csv"), ("forge.read -> polars", "polars.read_csv"),
             ("forge.read -> DuckDB", "duckdb.read_csv")]
    for f, r in res["read"].items():
        for ours, peer in pairs:
            a, b = r[ours]["median_s"], r[peer]["median_s"]
            lines.append(f"| {f} | {r[ours]['rows']:,} | {ours} | {a:.3f} | {a / b:.2f} |")
            lines.append(f"| {f} | {r[peer]['rows']:,} | {peer} | {b:.3f} | |")
    c = res["convert"]
    lines += ["", "## forge.convert against the command line", "",
              f"The same file ({res['convert_file']}), the same threads.", "",
              "| | Seconds |", "|---|---|",
              f"| `pyforge convert`, the wheel's console script (the same engine build; a process per run) | {c['cli_process_s']:.3f} |",
              f"| `pyforge convert`, the executable built from the tree (gcc, system libraries) | {c['exe_process_s']:.3f} |",
              f"| `forge.convert(...)`, first call in a process (also finds the extensions) | {c['first_call_s']:.3f} |",
              f"| `forge.convert(...)`, later calls | {c['convert_call_s']:.3f} |", "",
              f"Overhead of the Python layer against the console script: {c['overhead_call_pct']:+.1f}% per call "
              f"({c['overhead_first_call_pct']:+.1f}% for the first; goal: under 5%). The machine is shared "
              "(2 cores, other builds running): differences of a few percent are noise."]
    m = res["memory"]
    lines += ["", "## Memory while streaming", "",
              f"`forge.read` of a {m['file_mb']:,.0f} MB CSV consumed batch by batch through pyarrow: "
              f"{m['rows']:,} rows in {m['seconds']:.1f} s, peak RSS {m['peak_rss_mb']:.0f} MB "
              f"(RSS quartiles while reading: {', '.join(f'{q:.0f}' for q in m['rss_quartiles_mb'])} MB). "
              "Flat: memory follows the batches held, not the file."]
    i = res["import"]
    lines += ["", "## Import cost", "",
              f"`import pyforge_cli`: {i['import_s'] * 1000:.1f} ms, +{i['rss_added_mb']:.1f} MB resident memory "
              f"(goal: under 50 MB); `python -c pass` {i['startup_python_s'] * 1000:.0f} ms, "
              f"`python -c 'import pyforge_cli'` {i['startup_with_import_s'] * 1000:.0f} ms."]
    d = res["discovery"]
    lines += ["", "## Extension discovery", "",
              f"With {d['distributions_added']} unrelated distributions on the path: "
              f"{d['discover_s'] * 1000:.1f} ms to find and load the extensions ({d['extensions_found']} found; "
              "goal: under 100 ms). Core commands and `import pyforge_cli` never run it.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.25, help="bench/gen_data.py scale of the CSV files")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--stream-gb", type=float, default=2.0, help="size of the file streamed for memory")
    ap.add_argument("--cli", default=str(REPO / "build" / "release" / "pyforge"))
    ap.add_argument("--out", default=str(BENCH / "results" / "python.json"))
    ap.add_argument("--render", metavar="JSON", help="only rewrite docs/benchmarks_python.md from a result")
    a = ap.parse_args(argv)
    if a.render:
        DOC.write_text(render(json.loads(Path(a.render).read_text())))
        return 0
    sys.path.insert(0, str(BENCH))
    import gen_data

    subprocess.run([sys.executable, str(BENCH / "gen_data.py"), "--scale", str(a.scale), "--datasets",
                    "typed,string_heavy"], check=True)
    data = gen_data.data_dir_for(a.scale)
    files = [data / "typed.csv", data / "string_heavy.csv"]
    res = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "python": platform.python_version(),
           "threads": a.threads, "repeats": a.repeats, "scale": a.scale}
    with tempfile.TemporaryDirectory(prefix="pyforge-bench-") as tmp:
        work = Path(tmp)
        res["read"] = bench_read(files, a.repeats, a.threads)
        res["convert"] = bench_convert(files[0], a.cli, a.repeats, a.threads, work)
        res["convert_file"] = files[0].name
        res["import"] = bench_import(max(a.repeats, 5))
        res["discovery"] = bench_discovery(max(a.repeats, 5), work)
        big = make_stream_file(data / f"stream_{a.stream_gb:g}gb.csv", a.stream_gb)
        res["memory"] = bench_memory(big, a.threads)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2))
    DOC.write_text(render(res))
    print(f"wrote {a.out} and {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
