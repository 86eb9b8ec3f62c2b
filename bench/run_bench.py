#!/usr/bin/env python3
"""CSV -> Parquet benchmark: PyForge against its peers, measured in the same run.

Each conversion runs as its own child process (a `python -c` snippet in the
peers venv, or a CLI). The harness measures, per child:
  wall    time.perf_counter() around spawn .. os.wait4()   (seconds)
  cpu     ru_utime + ru_stime of the child from os.wait4() (seconds)
  rss     ru_maxrss of the child from os.wait4()           (KiB on Linux)
  output  size of the Parquet file (or directory) written
Every output is checked afterwards (outside the timing) with pyarrow: its row
and column counts must equal the dataset's manifest. The median of the timed
repeats is reported. Outputs go to a fresh temp dir, removed after each run.

Results: bench/results/csv_<UTC timestamp>.json (+ latest.json), then
bench/render.py writes the Markdown report and the PNG chart.

Benchmarks are not tests: nothing in CI runs this file.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shlex
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
REPO = BENCH.parent
DEFAULT_PYFORGE = REPO / "build" / "release" / "pyforge"
PEERS_PY = BENCH / ".venv" / "bin" / "python"
ORIG_VENV = BENCH / ".venv-original"

TOOL_ORDER = ["pyforge", "pyforge-fsync", "duckdb", "polars", "pyarrow", "pandas", "pyforge-original"]
DATASET_ORDER = ["typed", "string_heavy", "wide", "quoted"]

# --------------------------------------------------------------------------
# What each peer runs. Every snippet gets: argv[1]=input CSV, argv[2]=output
# Parquet, argv[3]=threads, argv[4]="1" if the CSV has line breaks in quoted
# values (only pyarrow needs to be told; the others detect it).
# --------------------------------------------------------------------------

DUCKDB_SNIPPET = """\
import sys, duckdb
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lit = lambda s: "'" + s.replace("'", "''") + "'"
con = duckdb.connect()
con.execute(f"SET threads={n}")
con.execute(f"COPY (SELECT * FROM read_csv({lit(src)})) TO {lit(dst)} "
            "(FORMAT parquet, COMPRESSION snappy)")
"""

POLARS_SNIPPET = """\
import sys, polars as pl  # threads: POLARS_MAX_THREADS in the environment
pl.scan_csv(sys.argv[1]).sink_parquet(sys.argv[2], compression="snappy")
"""

PYARROW_SNIPPET = """\
import sys, pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq
src, dst, n, nl = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
pa.set_cpu_count(n); pa.set_io_thread_count(n)
t = pacsv.read_csv(src, read_options=pacsv.ReadOptions(use_threads=True),
                   parse_options=pacsv.ParseOptions(newlines_in_values=nl))
pq.write_table(t, dst, compression="snappy")
"""

PANDAS_SNIPPET = """\
import sys, pyarrow as pa, pandas as pd
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
pa.set_cpu_count(n)
pd.read_csv(src).to_parquet(dst, engine="pyarrow", compression="snappy")
"""

# Only used when pyforge-cli 1.0.9 itself cannot be installed (see setup.sh).
# Reproduces what its CSVConverter does, read from its released code:
# chardet on the first 32 KiB, csv.Sniffer on the first 8 KiB, pandas
# read_csv with dtype=str / na_filter=False / skipinitialspace=True, a
# per-cell Python pass turning every value into a string, astype(str), an
# all-string Arrow schema, and pq.write_table(snappy, dictionary, statistics).
ORIGINAL_FALLBACK_SNIPPET = """\
import sys, csv, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
try:
    import chardet
except ImportError:  # only in the last-resort peer-venv mode
    chardet = None
src, dst = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    head = f.read(32768)
enc = ((chardet.detect(head)["encoding"] if chardet else None) or "utf-8").lower()
enc = "utf-8" if enc == "ascii" else enc
with open(src, encoding=enc, newline="") as f:
    sample = f.read(8192)
try:
    sep = csv.Sniffer().sniff(sample, delimiters=",;\\t|").delimiter
except csv.Error:
    sep = ","
df = pd.read_csv(src, sep=sep, encoding=enc, dtype=str, na_filter=False,
                 keep_default_na=False, skipinitialspace=True)
def cell(v):
    if v is None or pd.isna(v):
        return ""
    return v if isinstance(v, str) else str(v)
df = pd.DataFrame({c: df[c].apply(cell) for c in df.columns}).astype(str)
schema = pa.schema([(c, pa.string()) for c in df.columns])
pq.write_table(pa.Table.from_pandas(df, schema=schema), dst, compression="snappy",
               use_dictionary=True, write_statistics=True)
"""


class Tool:
    def __init__(self, name, label, argv_fn, env=None, display=None, snippet=None):
        self.name = name
        self.label = label
        self.argv_fn = argv_fn          # (src, dst, threads, newlines) -> argv
        self.env = env or (lambda threads: {})
        self.display = display          # human-readable command
        self.snippet = snippet
        self.available = True
        self.note = ""
        self.version = ""


def _py_tool(name, label, py, snippet, env=None):
    def argv(src, dst, threads, nl):
        return [str(py), "-c", snippet, str(src), str(dst), str(threads), "1" if nl else "0"]
    return Tool(name, label, argv, env=env, snippet=snippet,
                display=f"{_disp(py)} -c <snippet> INPUT OUTPUT THREADS NEWLINES_IN_VALUES")


def build_tools(args) -> dict[str, Tool]:
    tools: dict[str, Tool] = {}

    pf = Path(args.pyforge)
    t = Tool("pyforge", "pyforge",
             lambda s, d, n, nl: [str(pf), "convert", str(s), str(d), "--threads", str(n),
                                  "--compression", "snappy", "--force", "--json"],
             display=f"{_disp(pf)} convert INPUT OUTPUT --threads N --compression snappy --force --json")
    if not (pf.is_file() and os.access(pf, os.X_OK)):
        t.available = False
        t.note = f"pyforge binary not found at {_disp(pf)} (engine still being built?); skipped"
    tools["pyforge"] = t
    # the same with the output flushed to the disk before the rename: what
    # durability costs (no peer flushes its output; pyforge does on request)
    f = Tool("pyforge-fsync", "pyforge --fsync",
             lambda s, d, n, nl, base=t.argv_fn: base(s, d, n, nl) + ["--fsync"],
             display=t.display + " --fsync")
    f.available, f.note = t.available, t.note
    tools["pyforge-fsync"] = f

    tools["duckdb"] = _py_tool("duckdb", "DuckDB", PEERS_PY, DUCKDB_SNIPPET)
    tools["polars"] = _py_tool("polars", "Polars", PEERS_PY, POLARS_SNIPPET,
                               env=lambda n: {"POLARS_MAX_THREADS": str(n)})
    tools["pyarrow"] = _py_tool("pyarrow", "PyArrow", PEERS_PY, PYARROW_SNIPPET)
    tools["pandas"] = _py_tool("pandas", "pandas", PEERS_PY, PANDAS_SNIPPET)
    for name in ("duckdb", "polars", "pyarrow", "pandas"):
        if not PEERS_PY.exists():
            tools[name].available = False
            tools[name].note = f"{PEERS_PY} missing: run bench/setup.sh"

    status = _original_status()
    mode = status.get("mode", "missing")
    orig_cli = ORIG_VENV / "bin" / "pyforge"
    if mode in ("pinned", "released-code-nearest-deps") and orig_cli.exists():
        t = Tool("pyforge-original", "PyForge CLI 1.0.9 (original)",
                 lambda s, d, n, nl: [str(orig_cli), "convert", str(s), str(d),
                                      "--compression", "snappy", "--force"],
                 display=f"{_disp(orig_cli)} convert INPUT OUTPUT --compression snappy --force")
        if mode != "pinned":
            t.note = status.get("reason", "")
    elif mode.startswith("fallback-engine"):
        py = ORIG_VENV / "bin" / "python" if mode == "fallback-engine" else PEERS_PY
        t = _py_tool("pyforge-original", "PyForge CLI 1.0.9 engine (fallback)", py,
                     ORIGINAL_FALLBACK_SNIPPET)
        t.note = status.get("reason", "")
    else:
        t = Tool("pyforge-original", "PyForge CLI 1.0.9 (original)", lambda *a: [])
        t.available = False
        t.note = "bench/.venv-original not set up: run bench/setup.sh"
    tools["pyforge-original"] = t

    for tool in tools.values():
        base = tool.env
        # Same thread budget for everyone; OMP_NUM_THREADS also caps Arrow's
        # default CPU pool (the original CLI has no thread option).
        tool.env = (lambda b: (lambda n: {"OMP_NUM_THREADS": str(n), **b(n)}))(base)
    return tools


def _disp(p) -> str:
    """Path for display: relative to the repository when inside it."""
    s = str(p)
    root = str(REPO) + os.sep
    return s[len(root):] if s.startswith(root) else s


def _binary_info(p: Path) -> dict:
    import hashlib
    try:
        st = p.stat()
        h = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        mtime = _dt.datetime.fromtimestamp(st.st_mtime, _dt.timezone.utc).isoformat(timespec="seconds")
        return {"path": str(p), "sha256_16": h, "mtime": mtime, "bytes": st.st_size}
    except OSError:
        return {}


def _original_status() -> dict:
    try:
        return json.loads((ORIG_VENV / "pyforge-original.json").read_text())
    except (OSError, ValueError):
        return {}


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------

def run_child(argv, env, cwd, timeout, out_path=None, err_path=None) -> dict:
    """Spawn argv, wait with os.wait4, return wall/cpu/rss/exit code."""
    full_env = dict(os.environ)
    full_env.update(env)
    so = open(out_path, "wb") if out_path else subprocess.DEVNULL
    se = open(err_path, "wb") if err_path else subprocess.DEVNULL
    timed_out = threading.Event()
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, env=full_env, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=so, stderr=se, start_new_session=True)

        def _kill():
            timed_out.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, _kill) if timeout else None
        if timer:
            timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if timer:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if out_path:
            so.close()
        if err_path:
            se.close()
    return {
        "wall_s": wall,
        "cpu_s": ru.ru_utime + ru.ru_stime,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "rss_kib": ru.ru_maxrss,
        "exit_code": p.returncode,
        "timed_out": timed_out.is_set(),
    }


def parquet_counts(path: Path) -> tuple[int, int, int]:
    """(rows, columns, bytes) of a Parquet file or a directory of them."""
    import pyarrow.parquet as pq
    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    rows, cols, size = 0, 0, 0
    for f in files:
        md = pq.read_metadata(f)
        rows += md.num_rows
        cols = max(cols, md.num_columns)
        size += f.stat().st_size
    return rows, cols, size


def _tail(path: Path, n=600) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-n:].decode("utf-8", "replace").strip()


def one_run(tool: Tool, src: Path, meta: dict, threads: int, timeout: float, tmp_root) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"pyforge-bench-{tool.name}-", dir=tmp_root))
    try:
        dst = tmp / f"{src.stem}.parquet"
        argv = tool.argv_fn(src, dst, threads, meta.get("newlines_in_values", False))
        r = run_child(argv, tool.env(threads), tmp, timeout, tmp / "stdout.txt", tmp / "stderr.txt")
        errors = []
        if r["timed_out"]:
            errors.append(f"timed out after {timeout:.0f}s")
        if r["exit_code"] != 0:
            errors.append(f"exit code {r['exit_code']}: {_tail(tmp / 'stderr.txt')}")
        r["out_bytes"] = None
        r["rows"] = r["columns"] = None
        if dst.exists():
            try:
                r["rows"], r["columns"], r["out_bytes"] = parquet_counts(dst)
            except Exception as e:  # unreadable output is a failure, not a crash
                errors.append(f"output unreadable by pyarrow: {e}")
        elif not errors:
            errors.append("no output written")
        if r["rows"] is not None and r["rows"] != meta["rows"]:
            errors.append(f"row count {r['rows']} != expected {meta['rows']}")
        if r["columns"] is not None and r["columns"] != meta["columns"]:
            errors.append(f"column count {r['columns']} != expected {meta['columns']}")
        if tool.name in ("pyforge", "pyforge-fsync"):
            out = (tmp / "stdout.txt").read_text(errors="replace").strip()
            try:
                rep = json.loads(out.splitlines()[-1]) if out else None
                r["reported"] = rep
                if isinstance(rep, dict) and rep.get("rows") not in (None, meta["rows"]):
                    errors.append(f"--json reports rows={rep.get('rows')} != expected {meta['rows']}")
            except (ValueError, IndexError):
                errors.append(f"--json output is not JSON: {out[:200]!r}")
        r["ok"] = not errors
        r["errors"] = errors
        return r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def summarize(samples: list[dict]) -> dict | None:
    good = [s for s in samples if s["ok"]]
    if not good:
        return None
    med = lambda k: statistics.median(s[k] for s in good)
    return {
        "wall_s": med("wall_s"),
        "cpu_s": med("cpu_s"),
        "rss_kib": med("rss_kib"),
        "out_bytes": good[-1]["out_bytes"],
        "wall_min_s": min(s["wall_s"] for s in good),
        "wall_max_s": max(s["wall_s"] for s in good),
        "n": len(good),
    }


def time_version(argv, runs, timeout=60) -> dict:
    walls = []
    for _ in range(runs):
        r = run_child(argv, {}, None, timeout)
        if r["exit_code"] != 0:
            return {"ok": False, "error": f"exit code {r['exit_code']}", "runs": len(walls)}
        walls.append(r["wall_s"] * 1000.0)
    walls.sort()
    q = lambda f: walls[min(len(walls) - 1, int(f * len(walls)))]
    return {"ok": True, "runs": runs, "median_ms": statistics.median(walls),
            "min_ms": walls[0], "p10_ms": q(0.10), "p90_ms": q(0.90)}


# --------------------------------------------------------------------------
# Environment description
# --------------------------------------------------------------------------

def machine_info() -> dict:
    info = {"nproc": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
            "kernel": platform.release(), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["mem_total_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def tool_versions(tools: dict[str, Tool]) -> None:
    if PEERS_PY.exists():
        code = ("import json, duckdb, polars, pyarrow, pandas, numpy, matplotlib, sys;"
                "print(json.dumps({'duckdb': duckdb.__version__, 'polars': polars.__version__,"
                "'pyarrow': pyarrow.__version__, 'pandas': pandas.__version__,"
                "'numpy': numpy.__version__, 'python': sys.version.split()[0]}))")
        try:
            v = json.loads(subprocess.run([str(PEERS_PY), "-c", code], capture_output=True,
                                          text=True, check=True).stdout)
            tools["duckdb"].version = f"duckdb {v['duckdb']}"
            tools["polars"].version = f"polars {v['polars']}"
            tools["pyarrow"].version = f"pyarrow {v['pyarrow']}"
            tools["pandas"].version = f"pandas {v['pandas']} (pyarrow {v['pyarrow']}, numpy {v['numpy']})"
            for k in ("duckdb", "polars", "pyarrow", "pandas"):
                tools[k].version += f", Python {v['python']}"
        except (subprocess.CalledProcessError, ValueError) as e:
            print(f"[bench] could not read peer versions: {e}", file=sys.stderr)
    if tools["pyforge"].available:
        try:
            out = subprocess.run([tools["pyforge"].argv_fn("x", "y", 1, False)[0], "--version"],
                                 capture_output=True, text=True, timeout=30)
            tools["pyforge"].version = (out.stdout or out.stderr).strip().splitlines()[0] \
                if (out.stdout or out.stderr).strip() else f"exit {out.returncode}"
        except (OSError, subprocess.TimeoutExpired) as e:
            tools["pyforge"].version = f"unknown ({e})"
        tools["pyforge-fsync"].version = tools["pyforge"].version
    st = _original_status()
    if st:
        pk = st.get("packages", {})
        tools["pyforge-original"].version = (
            f"pyforge-cli {pk.get('pyforge-cli', 'n/a')} [{st.get('mode')}] (pandas {pk.get('pandas')}, "
            f"pyarrow {pk.get('pyarrow')}, numpy {pk.get('numpy')}, Python {st.get('python')})")


def load_avg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def warm_cache(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


# --------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pyforge", default=str(DEFAULT_PYFORGE), help="pyforge binary (default %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="threads for every tool (default 2)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per tool and dataset; median reported")
    ap.add_argument("--warmup", type=int, default=0, help="untimed runs before the timed ones (default 0)")
    ap.add_argument("--original-repeats", type=int, default=None,
                    help="timed runs for the (slow) original CLI (default: --repeats)")
    ap.add_argument("--scale", type=float, default=1.0, help="dataset scale, as given to gen_data.py")
    ap.add_argument("--data-dir", type=Path, default=None, help="default bench/data/s<scale>")
    ap.add_argument("--datasets", default=",".join(DATASET_ORDER))
    ap.add_argument("--tools", default=",".join(TOOL_ORDER))
    ap.add_argument("--version-runs", type=int, default=200, help="runs of `pyforge --version`")
    ap.add_argument("--original-version-runs", type=int, default=10,
                    help="runs of the original `pyforge --version` (0 to skip)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per child before it is killed")
    ap.add_argument("--tmp-dir", default=None, help="where outputs are written (default: $TMPDIR)")
    ap.add_argument("--results-dir", type=Path, default=BENCH / "results")
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    ap.add_argument("--img", type=Path, default=REPO / "docs" / "img" / "benchmarks_csv.png")
    ap.add_argument("--no-render", action="store_true")
    ap.add_argument("--note", default="", help="free text stored with the results and shown in the report")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(BENCH))
    from gen_data import data_dir_for

    data_dir = args.data_dir or data_dir_for(args.scale)
    manifest_path = data_dir / "manifest.json"
    if not manifest_path.exists():
        ap.error(f"{manifest_path} missing: run `python bench/gen_data.py --scale {args.scale:g}` first")
    manifest = json.loads(manifest_path.read_text())
    datasets = [d for d in args.datasets.split(",") if d]
    for d in datasets:
        if d not in manifest.get("datasets", {}):
            ap.error(f"dataset {d!r} not in {manifest_path}; generate it first")

    tools = build_tools(args)
    selected = [t for t in args.tools.split(",") if t]
    for t in selected:
        if t not in tools:
            ap.error(f"unknown tool {t!r}; choose from {', '.join(TOOL_ORDER)}")
    tool_versions(tools)
    for name in selected:
        t = tools[name]
        state = "ok" if t.available else "SKIPPED"
        print(f"[bench] {name:17s} {state:8s} {t.version or ''} {('- ' + t.note) if t.note else ''}",
              file=sys.stderr)

    started = _dt.datetime.now(_dt.timezone.utc)
    results = {
        "schema": 1,
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(shlex.quote(_disp(a)) for a in [sys.executable, *sys.argv]),
        "scale": args.scale, "threads": args.threads, "repeats": args.repeats,
        "original_repeats": args.original_repeats or args.repeats, "warmup": args.warmup,
        "note": args.note,
        "machine": machine_info(),
        "load_before": load_avg(),
        "generator": {k: manifest.get(k) for k in ("generator_version", "seed", "scale")},
        "datasets": {d: manifest["datasets"][d] for d in datasets},
        "tools": {n: {"label": tools[n].label, "available": tools[n].available, "note": tools[n].note,
                      "version": tools[n].version, "command": tools[n].display,
                      "snippet": tools[n].snippet} for n in selected},
        "runs": [],
    }
    if tools["pyforge"].available and "pyforge" in selected:
        results["tools"]["pyforge"]["binary"] = _binary_info(Path(args.pyforge))

    for d in datasets:
        meta = manifest["datasets"][d]
        src = data_dir / meta["file"]
        warm_cache(src)
        print(f"[bench] dataset {d}: {src} ({meta['bytes'] / 1e6:.1f} MB, {meta['rows']:,} rows, "
              f"{meta['columns']} cols)", file=sys.stderr)
        entries = {}
        for name in selected:
            entries[name] = {"dataset": d, "tool": name, "samples": [], "warmup": [],
                             "status": "skipped" if not tools[name].available else "pending",
                             "note": tools[name].note}
        max_reps = max(args.repeats, args.original_repeats or 0)
        for rep in range(args.warmup + max_reps):
            for name in selected:
                t, e = tools[name], entries[name]
                if e["status"] in ("skipped", "failed"):
                    continue
                n_timed = (args.original_repeats or args.repeats) if name == "pyforge-original" else args.repeats
                if rep >= args.warmup + n_timed:
                    continue
                r = one_run(t, src, meta, args.threads, args.timeout, args.tmp_dir)
                kind = "warmup" if rep < args.warmup else "samples"
                e[kind].append(r)
                tag = "warm-up" if kind == "warmup" else f"run {rep - args.warmup + 1}/{n_timed}"
                msg = (f"wall {r['wall_s']:.2f}s cpu {r['cpu_s']:.2f}s rss {r['rss_kib'] / 1024:.0f} MiB"
                       if r["ok"] else "FAILED: " + "; ".join(r["errors"])[:400])
                print(f"[bench]   {name:17s} {tag:9s} {msg}", file=sys.stderr, flush=True)
                if not r["ok"]:
                    e["status"] = "failed"
                    e["error"] = "; ".join(r["errors"])
        for name in selected:
            e = entries[name]
            if e["status"] == "pending":
                e["status"] = "ok"
            e["median"] = summarize(e["samples"]) if e["status"] == "ok" else None
            results["runs"].append(e)

    vt = {}
    if "pyforge" in selected:
        if tools["pyforge"].available and args.version_runs > 0:
            print(f"[bench] timing `pyforge --version` x{args.version_runs}", file=sys.stderr)
            vt["pyforge"] = time_version([args.pyforge, "--version"], args.version_runs)
        else:
            vt["pyforge"] = {"ok": False, "error": tools["pyforge"].note or "not run"}
    orig_cli = ORIG_VENV / "bin" / "pyforge"
    if "pyforge-original" in selected and args.original_version_runs > 0 and orig_cli.exists():
        print(f"[bench] timing original `pyforge --version` x{args.original_version_runs}", file=sys.stderr)
        vt["pyforge-original"] = time_version([str(orig_cli), "--version"], args.original_version_runs)
    results["version_timing"] = vt
    results["load_after"] = load_avg()
    results["finished"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")

    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out = args.results_dir / f"csv_{stamp}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    # latest.json is the last full-scale run (render.py's default input).
    latest = "latest.json" if args.scale == 1 else f"latest-s{args.scale:g}.json"
    shutil.copyfile(out, args.results_dir / latest)
    print(f"[bench] results: {out}", file=sys.stderr)

    if not args.no_render:
        from render import render
        render(out, args.doc, args.img)
        print(f"[bench] wrote {args.doc} and {args.img}", file=sys.stderr)
    failed = [f"{e['dataset']}/{e['tool']}" for e in results["runs"] if e["status"] == "failed"]
    if failed:
        print(f"[bench] FAILED: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
