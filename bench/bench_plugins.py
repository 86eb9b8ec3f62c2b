#!/usr/bin/env python3
"""What plugins cost (issue 10's goals: `pyforge --version` under 5 ms with
no plugins; discovering 20 plugins adds under 10 ms), and the template
plugin's speed against a built-in reader on the same data.

1. Start-up: `pyforge --version` and `pyforge formats` run R times each
   (alternating) with 0, 1 (the template, jsonl.so) and 20 plugins in
   PYFORGE_PLUGIN_PATH, plus `/bin/true` for the cost of starting any
   process from here. The 20 are built here from one small generated
   source (a line reader, a key and a flag each, names bench00..bench19),
   against include/pyforge/plugin.h only, with hidden visibility.
2. Throughput: the same rows (seeded) as CSV and as JSON Lines, flat and
   with nested objects, converted to Parquet by the CSV reader and by the
   jsonl plugin; DuckDB's read_json into Parquet on the same file as a
   reference when duckdb is importable.

Writes bench/results/plugins_<UTC>.json and docs/benchmarks_plugins.md.

    bench/bench_plugins.py [--build build/release] [--repeats 200]
                           [--rows 1000000] [--threads 2]
    bench/bench_plugins.py --render bench/results/plugins_<UTC>.json

Not a test: nothing fails.
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

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data" / "plugins"

# A small, complete plugin: reader benchNN (.benchNN, one string column per
# text line), option benchNN.upper (--benchNN-upper). Only its name differs
# between the 20 copies.
PLUGIN_SRC = r"""
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "pyforge/plugin.h"

static const pf_host *H;

typedef struct rd {
  pf_source *src;
  pf_schema *schema;
  pf_batch *batch;
  char buf[65536];
  size_t len;
  int eof, upper;
} rd;

static void rd_close(void *s) {
  rd *r = s;
  if (!r) return;
  if (r->src) H->source_close(r->src);
  if (r->schema) H->schema_free(r->schema);
  if (r->batch) H->batch_free(r->batch);
  free(r);
}

static pf_status rd_open(const pf_reader_env *env, void **state, pf_error *err) {
  rd *r = calloc(1, sizeof *r);
  *state = r;
  if (!r) return H->error_set(err, PF_ENOMEM, "out of memory");
  r->upper = (int)H->option_int(env->opts, NAME ".upper", 0);
  pf_status st = H->source_open(env, &r->src, err);
  if (st != PF_OK) return st;
  r->schema = H->schema_new(1);
  if (!r->schema || H->schema_set(r->schema, 0, "line", PF_TYPE_STRING, 1) != PF_OK ||
      H->batch_create(r->schema, 4096, &r->batch) != PF_OK)
    return H->error_set(err, PF_ENOMEM, "out of memory");
  return PF_OK;
}

static const pf_schema *rd_schema(void *s) { return ((rd *)s)->schema; }

static pf_status rd_next(void *s, pf_batch **out, pf_error *err) {
  rd *r = s;
  *out = NULL;
  H->batch_reset(r->batch, r->schema);
  size_t row = 0;
  while (row < r->batch->cap_rows) {
    char *nl = memchr(r->buf, '\n', r->len);
    if (!nl && !r->eof && r->len < sizeof r->buf) {
      size_t got = 0;
      pf_status st = H->source_read(r->src, r->buf + r->len, sizeof r->buf - r->len, &got, err);
      if (st != PF_OK) return st;
      r->len += got;
      r->eof = got == 0;
      continue;
    }
    if (!nl && r->len == 0) break;
    size_t n = nl ? (size_t)(nl - r->buf) : r->len;
    if (r->upper)
      for (size_t i = 0; i < n; i++) r->buf[i] = (char)toupper((unsigned char)r->buf[i]);
    if (pf_col_push_str(H, &r->batch->cols[0], row, r->buf, n) != PF_OK)
      return H->error_set(err, PF_ENOMEM, "out of memory");
    row++;
    size_t used = nl ? n + 1 : n;
    memmove(r->buf, r->buf + used, r->len - used);
    r->len -= used;
  }
  r->batch->n_rows = row;
  if (row) *out = r->batch;
  return PF_OK;
}

static pf_status rd_rewind(void *s, pf_error *err) {
  rd *r = s;
  r->len = 0;
  r->eof = 0;
  return H->source_rewind(r->src, err);
}

static pf_status rd_info(void *s, pf_info *info, pf_error *err) {
  (void)s;
  (void)err;
  return H->info_prop(info, "reader", "plugin " NAME);
}

static const pf_reader_def reader = {
    .struct_size = sizeof(pf_reader_def), .name = NAME,
    .description = "benchmark plugin: one string column per line",
    .extensions = "." NAME, .open = rd_open, .schema = rd_schema, .next = rd_next,
    .rewind = rd_rewind, .info = rd_info, .close = rd_close, .types_final = 1};

static const pf_option_flag flags[] = {{"--" NAME "-upper", NULL}, {NULL, NULL}};
static const pf_option_desc options[] = {
    {.struct_size = sizeof(pf_option_desc), .key = NAME ".upper", .name = NAME "_upper",
     .section = "Reading options (" NAME ")", .type = PF_OPTION_BOOL, .uses = PF_USE_READ,
     .default_value = "false", .takes = "true or false", .help = "lines in upper case",
     .cli = flags}};

PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err);
PF_PLUGIN_EXPORT pf_status pyforge_plugin_init(const pf_host *host, pf_plugin *plugin,
                                               pf_error *err) {
  pf_status st = pf_plugin_begin(host, plugin, 0);
  if (st != PF_OK) return st;
  H = host;
  plugin->name = NAME;
  plugin->version = "1.0.0";
  plugin->description = "benchmark plugin";
  st = host->add_reader(plugin, &reader, err);
  if (st == PF_OK) st = host->add_options(plugin, NAME, options, 1, err);
  return st;
}
"""


def build_bench_plugins(build: Path, out: Path, n: int) -> list[Path]:
    cc = os.environ.get("CC", "cc")
    src = out / "benchplug.c"
    src.write_text(PLUGIN_SRC)
    libs = []
    for i in range(n):
        name = f"bench{i:02d}"
        lib = out / f"{name}.so"
        subprocess.run([cc, "-std=c11", "-O2", "-shared", "-fPIC", "-fvisibility=hidden",
                        f'-DNAME="{name}"', "-I", str(REPO / "include"), "-I",
                        str(build / "include"), "-o", str(lib), str(src)], check=True)
        libs.append(lib)
    src.unlink()
    return libs


def time_runs(cmds: dict[str, tuple[list[str], dict]], repeats: int) -> dict[str, list[float]]:
    """Wall time of each command, R runs alternating between them (ms)."""
    times = {k: [] for k in cmds}
    for _ in range(repeats):
        for k, (argv, env) in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            times[k].append((time.perf_counter() - t0) * 1000)
    return times


def summary(ms: list[float]) -> dict:
    s = sorted(ms)
    return {"median_ms": statistics.median(s), "min_ms": s[0],
            "p90_ms": s[int(len(s) * 0.9) - 1] if len(s) >= 10 else s[-1]}


def startup(build: Path, repeats: int) -> dict:
    pyforge = str(build / "pyforge")
    tmp = Path(tempfile.mkdtemp(prefix="pf-bench-plugins-"))
    try:
        dirs = {0: tmp / "none", 1: tmp / "one", 20: tmp / "twenty"}
        for d in dirs.values():
            d.mkdir()
        shutil.copy(build / "plugins" / "jsonl.so", dirs[1] / "jsonl.so")
        build_bench_plugins(build, dirs[20], 20)
        base = {k: v for k, v in os.environ.items() if not k.startswith("PYFORGE_")}
        cmds = {"true": (["/bin/true"], base)}
        for n, d in dirs.items():
            env = dict(base, PYFORGE_PLUGIN_PATH=str(d))
            cmds[f"version_{n}"] = ([pyforge, "--version"], env)
            cmds[f"formats_{n}"] = ([pyforge, "formats"], env)
        # the plugins really load (else the figures would measure nothing)
        for n, d in dirs.items():
            out = subprocess.run([pyforge, "extensions", "--json"], env=cmds[f"formats_{n}"][1],
                                 capture_output=True, text=True, check=True).stdout
            loaded = sum(1 for e in json.loads(out) if e["kind"] == "c-plugin" and e["state"] == "loaded")
            if loaded != n:
                sys.exit(f"expected {n} plugins loaded from {d}, got {loaded}")
        times = time_runs(cmds, repeats)
        return {k: summary(v) for k, v in times.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def gen_rows(rows: int, nested: bool):
    rng = random.Random(7 if nested else 5)
    for i in range(rows):
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        rec = {"id": i, "amount": round(rng.uniform(-1e6, 1e6), 2),
               "qty": rng.randrange(1000) if rng.random() > .1 else None,
               "day": day.isoformat(), "flag": rng.random() < .5,
               "code": f"C{rng.randrange(500):04d}", "name": f"name{rng.randrange(100000)}"}
        if nested:
            rec["geo"] = {"lat": round(rng.uniform(-90, 90), 5), "lon": round(rng.uniform(-180, 180), 5),
                          "city": {"name": f"city{rng.randrange(300)}", "zip": f"{rng.randrange(100000):05d}"}}
        yield rec


def flat(rec: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in rec.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def csv_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def gen_data(rows: int) -> dict[str, Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    files = {}
    for nested in (False, True):
        tag = f"{'nested' if nested else 'flat'}_{rows}"
        jl, cs = DATA / f"{tag}.jsonl", DATA / f"{tag}.csv"
        if not (jl.exists() and cs.exists()):
            with open(jl, "w") as fj, open(cs, "w") as fc:
                header = None
                for rec in gen_rows(rows, nested):
                    fj.write(json.dumps(rec, separators=(",", ":")) + "\n")
                    f = flat(rec)
                    if header is None:
                        header = list(f)
                        fc.write(",".join(header) + "\n")
                    fc.write(",".join(csv_text(f[k]) for k in header) + "\n")
        files[f"{'nested' if nested else 'flat'}_jsonl"] = jl
        files[f"{'nested' if nested else 'flat'}_csv"] = cs
    return files


def best_of(argv: list[str], env: dict, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - t0)
    return out


def throughput(build: Path, rows: int, threads: int, repeats: int) -> dict:
    files = gen_data(rows)
    pyforge = str(build / "pyforge")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYFORGE_")}
    env["PYFORGE_PLUGIN_PATH"] = str(build / "plugins")
    res = {}
    tmp = Path(tempfile.mkdtemp(prefix="pf-bench-plugins-"))
    try:
        for key, path in files.items():
            out = tmp / f"{key}.parquet"
            argv = [pyforge, "-q", "convert", str(path), str(out), "--force", "--threads", str(threads)]
            t = best_of(argv, env, repeats)
            res[key] = {"bytes": path.stat().st_size, "rows": rows, "median_s": statistics.median(t),
                        "min_s": min(t)}
        try:
            import duckdb  # noqa: F401
            have_duckdb = True
        except ImportError:
            have_duckdb = False
        if have_duckdb:
            for key in ("flat_jsonl", "nested_jsonl"):
                code = ("import duckdb,sys; q=lambda s: \"'\" + s.replace(\"'\", \"''\") + \"'\"; "
                        "c=duckdb.connect(); c.execute('SET threads=%d'); c.execute('SET enable_progress_bar=false'); "
                        "c.execute('COPY (SELECT * FROM read_json(' + q(sys.argv[1]) + "
                        "\", format='newline_delimited')) TO \" + q(sys.argv[2]) + "
                        "' (FORMAT parquet, COMPRESSION snappy)')" % threads)
                code = code.replace("c.execute('COPY", "import time; t0=time.perf_counter(); c.execute('COPY", 1)
                code += "; print(time.perf_counter() - t0)"
                argv = [sys.executable, "-c", code, str(files[key]), str(tmp / f"{key}.duckdb.parquet")]
                # the query's own time: Python and duckdb's import left out
                t = [float(subprocess.run(argv, env=env, check=True, capture_output=True,
                                          text=True).stdout.split()[-1]) for _ in range(repeats)]
                res[f"{key}_duckdb"] = {"bytes": files[key].stat().st_size, "rows": rows,
                                        "median_s": statistics.median(t), "min_s": min(t)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def render(result: dict) -> str:
    st, tp = result["startup"], result["throughput"]
    lines = [
        "# Benchmarks: plugins",
        "",
        "Generated by `bench/bench_plugins.py` (not a test). "
        f"{result['when']}, {result['machine']}, {result['cpus']} CPUs shared with other work; "
        f"`{result['build']}` (Release).",
        "",
        "## Start-up with 0, 1 and 20 plugins",
        "",
        f"Wall time of one process, {result['repeats']} runs each, alternating; the plugins in "
        "`PYFORGE_PLUGIN_PATH` (1: the template `jsonl.so`; 20: generated line readers with a key "
        "and a flag each, all loaded). `/bin/true` is the cost of starting any process from the "
        "harness.",
        "",
        "| Command | 0 plugins | 1 plugin | 20 plugins | 20 − 0 |",
        "|---|---|---|---|---|",
        f"| `/bin/true` | {st['true']['min_ms']:.2f} ({st['true']['median_ms']:.2f}) ms | | | |",
    ]
    for cmd in ("version", "formats"):
        lo = [st[f"{cmd}_{n}"]["min_ms"] for n in (0, 1, 20)]
        med = [st[f"{cmd}_{n}"]["median_ms"] for n in (0, 1, 20)]
        lines.append(f"| `pyforge {'--version' if cmd == 'version' else 'formats'}` | "
                     + " | ".join(f"{a:.2f} ({b:.2f}) ms" for a, b in zip(lo, med))
                     + f" | {lo[2] - lo[0]:+.2f} ({med[2] - med[0]:+.2f}) ms |")
    lines += [
        "",
        "Minimum (median) of the runs: on a machine shared with other work the minimum is "
        "the least disturbed run, the median shows the load; 90th percentiles are in the "
        "JSON. `--version` loads nothing (discovery is lazy), so its three columns differ by "
        "noise only; `formats` needs the registry, so it pays for discovery: opening, "
        "initialising and checking each plugin, and one registry snapshot.",
        "",
        f"## The template plugin against the CSV reader ({result['rows']:,} rows, "
        f"{result['threads']} threads)",
        "",
        "The same rows as JSON Lines and as CSV (nested: `geo.lat`, `geo.city.name`, ... as "
        "CSV columns), converted to Parquet (snappy) by `pyforge convert` (the whole process); "
        "DuckDB's `read_json` into Parquet on the same JSON Lines file for reference (the "
        "query's time, without starting Python and importing duckdb). Medians of "
        f"{result['tp_repeats']} runs.",
        "",
        "| Input | Reader | Size | Time | MB/s | Rows/s |",
        "|---|---|---|---|---|---|",
    ]
    for shape in ("flat", "nested"):
        for key, reader in ((f"{shape}_csv", "pyforge, CSV (built in)"),
                            (f"{shape}_jsonl", "pyforge, jsonl plugin"),
                            (f"{shape}_jsonl_duckdb", "DuckDB read_json")):
            if key not in tp:
                continue
            r = tp[key]
            lines.append(f"| {shape} {key.split('_')[1]} | {reader} | {r['bytes'] / 1e6:.1f} MB | "
                         f"{r['median_s']:.2f} s | {r['bytes'] / 1e6 / r['median_s']:.0f} | "
                         f"{r['rows'] / r['median_s'] / 1e6:.2f} M |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=str(REPO / "build" / "release"))
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tp-repeats", type=int, default=3)
    ap.add_argument("--render")
    a = ap.parse_args()
    if a.render:
        result = json.loads(Path(a.render).read_text())
    else:
        build = Path(a.build).resolve()
        result = {
            "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.system()} {platform.machine()}", "cpus": os.cpu_count(),
            "build": os.path.relpath(build, REPO), "repeats": a.repeats, "rows": a.rows,
            "threads": a.threads, "tp_repeats": a.tp_repeats,
            "startup": startup(build, a.repeats),
            "throughput": throughput(build, a.rows, a.threads, a.tp_repeats),
        }
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        out = REPO / "bench" / "results" / f"plugins_{stamp}.json"
        out.write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {out.relative_to(REPO)}")
    page = REPO / "docs" / "benchmarks_plugins.md"
    page.write_text(render(result))
    print(page.read_text())


if __name__ == "__main__":
    main()
