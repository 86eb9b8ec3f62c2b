#!/usr/bin/env python3
"""Scores CSV loaders on the Pollock benchmark of polluted CSV files.

Pollock (HPI Information Systems, public on GitHub) holds 2,290 damaged
copies of one clean table (polluted_files/csv), the clean table each should
load as (polluted_files/clean), the dialect a person would give by hand
(polluted_files/parameters) and per-file weights (pollock_weights.json).
A loader's output is written as CSV and scored against the clean file by
header, record and cell precision/recall/F1 (multiset overlaps of
normalised values) plus "success" (the loader did not fail). The simple
score is the sum of those ten means (0..10); the weighted score weighs each
file by how common its kind of pollution is in open data.

Nothing of Pollock is copied here: pass the path of a checkout with
--pollock; the scoring functions are imported from it (pollock/metrics.py,
so the numbers are the benchmark's own) and need its dependencies
(requirements-pollock.txt).

Loaders (--loaders, comma-separated):
  pyforge-strict   pyforge convert FILE (the default: a bad row fails the file)
  pyforge-keep     ... --on-bad-rows keep
  pyforge-skip     ... --on-bad-rows skip
  duckdb-auto      read_csv with auto-detection (strict_mode off, ignore_errors,
                   null_padding: as Pollock's own DuckDB run; parallel off)
  duckdb-hand      read_csv told delimiter, quote, escape, rows to skip and the
                   column names from the parameters, all VARCHAR (Pollock's
                   "duckdbparse")
Every loader's values are rendered to text the same way (None -> empty,
integral doubles without ".0", dates ISO) so typing does not decide scores.

  python bench/pollock.py --pollock /path/to/Pollock --pyforge build/release/pyforge
  python bench/pollock.py ... --save before.json     # per-file scores
  python bench/pollock.py ... --compare before.json  # files whose score changed
  python bench/pollock.py ... --dataset survey_sample # 99 real files of the survey
"""
import argparse
import csv
import datetime
import decimal
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
from multiprocessing import Pool

MEASURES = ["success", "header_precision", "header_recall", "header_f1",
            "record_precision", "record_recall", "record_f1",
            "cell_precision", "cell_recall", "cell_f1"]
# Pollock's three groups of pollutions (evaluate.py's SUB_MEASURES)
GROUPS = {"table": r"file_double.*|file_header.*|file_no.*|file_one.*|file_multi.*|file_preamble.*",
          "inconsistent": r"row_less.*|row_more",
          "structural": r"file_field.*|row_field.*|file_quote.*|file_record_delimiter.*|"
                        r"row_extra_quote.*|file_escape.*"}
ALL_LOADERS = ["pyforge-strict", "pyforge-keep", "pyforge-skip", "duckdb-auto", "duckdb-hand"]

G = {}  # per worker process: options and imported metrics


def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v == v and v not in (float("inf"), float("-inf")) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time, decimal.Decimal, int)):
        return str(v)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def write_rows(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        if header is not None:
            w.writerow(header)
        for r in rows:
            w.writerow([text(v) for v in r])


def write_error(path, message):
    with open(path, "w", encoding="utf-8") as f:
        f.write("Application Error\n" + message)


def load_pyforge(src, out_csv, mode, tmp):
    import pyarrow.parquet as pq
    pq_path = os.path.join(tmp, "out.parquet")
    for p in (pq_path, pq_path + ".rejects.csv"):
        if os.path.exists(p):
            os.remove(p)
    cmd = [G["pyforge"], "convert", src, pq_path, "--force", "-j", "1", "--input-format", "csv"]
    if mode != "strict":
        cmd += ["--on-bad-rows", mode]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        write_error(out_csv, p.stderr.strip())
        return {"exit": p.returncode, "stderr": p.stderr.strip()[-400:]}
    t = pq.read_table(pq_path)
    rows = zip(*[c.to_pylist() for c in t.columns]) if t.num_columns else []
    if t.num_columns == 0:
        open(out_csv, "w").close()
    else:
        write_rows(out_csv, t.column_names, rows)
    return {"exit": 0, "stderr": p.stderr.strip()[-400:]}


def load_duckdb(src, out_csv, hand, params):
    import duckdb
    # parallel=False: DuckDB refuses null_padding with quoted line breaks
    # in its parallel scanner and says to turn it off (Pollock's own runs
    # used an older DuckDB that did not ask)
    kw = {"strict_mode": False, "ignore_errors": True, "null_padding": True, "parallel": False}
    if hand:
        kw.update(delimiter=params["delimiter"], quotechar=params["quotechar"],
                  escapechar=params["escapechar"],
                  skiprows=params["preamble_lines"] + params["header_lines"], header=False,
                  columns={n: "VARCHAR" for n in params["column_names"]}, auto_detect=False)
    con = duckdb.connect()
    try:
        rel = con.read_csv(src, **kw)
        write_rows(out_csv, rel.columns, rel.fetchall())
        return {"exit": 0, "stderr": ""}
    except Exception as e:  # a loader failing is a score of 0, not a crash here
        write_error(out_csv, str(e))
        return {"exit": 1, "stderr": str(e)[:400]}
    finally:
        con.close()


def init_worker(opts):
    G.update(opts)
    sys.path.insert(0, opts["pollock"])
    import pollock.metrics as metrics
    # Cells repeat across the 2,290 files: normalise each distinct one once.
    metrics.normalize_cell = functools.lru_cache(maxsize=None)(metrics.normalize_cell)
    metrics.print = lambda *a, **k: None
    G["metrics"] = metrics
    G["tmp"] = tempfile.mkdtemp(prefix="pollock-")


def score_one(task):
    loader, name = task
    ds = os.path.join(G["pollock"], G["dataset"])
    src = os.path.join(ds, "csv", name)
    out_dir = os.path.join(G["work"], loader)
    out_csv = os.path.join(out_dir, name + "_converted.csv")
    with open(os.path.join(ds, "parameters", name + "_parameters.json")) as f:
        params = json.load(f)
    if loader.startswith("pyforge-"):
        run = load_pyforge(src, out_csv, loader.split("-", 1)[1], G["tmp"])
    else:
        run = load_duckdb(src, out_csv, loader == "duckdb-hand", params)
    m = G["metrics"]
    try:
        succ = m.successful_csv(out_csv)
        vals = list(m.header_record_cell_measures_csv(os.path.join(ds, "clean", name), out_csv, 1)) \
            if succ else [0.0] * 9
    except Exception as e:  # as Pollock's evaluate.py: an unreadable output scores 0
        succ, vals = 0, [0.0] * 9
        run["stderr"] = (run.get("stderr", "") + f" [scoring: {e}]")[-400:]
    return loader, name, dict(zip(MEASURES, [float(succ)] + [float(v) for v in vals])), run


def summarize(per_file, weights, loaders):
    table = {}
    wsum = sum(weights.get(f, -1) for f in next(iter(per_file.values())))
    for ld in loaders:
        files = per_file[ld]
        row = {k: sum(files[f][k] for f in files) / len(files) for k in MEASURES}
        row["simple"] = sum(row[k] for k in MEASURES)
        row["weighted"] = sum(sum(files[f][k] for k in MEASURES) * weights.get(f, -1) / wsum
                              for f in files)
        for g, rx in GROUPS.items():
            sel = [f for f in files if re.search(rx, f)]
            for k in ("success", "header_f1", "record_f1", "cell_f1"):
                row[f"{g}_{k}"] = sum(files[f][k] for f in sel) / len(sel) if sel else 0.0
        row["failed_files"] = sum(1 for f in files if files[f]["success"] == 0)
        table[ld] = row
    return table


def print_table(table):
    cols = [("success", "succ"), ("header_f1", "hdr F1"), ("record_precision", "rec P"),
            ("record_recall", "rec R"), ("record_f1", "rec F1"), ("cell_precision", "cell P"),
            ("cell_recall", "cell R"), ("cell_f1", "cell F1"), ("simple", "simple"),
            ("weighted", "weighted"), ("failed_files", "failed")]
    print("| loader | " + " | ".join(c[1] for c in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for ld, row in table.items():
        cells = [str(row[k]) if k == "failed_files" else f"{row[k]:.4f}" for k, _ in cols]
        print(f"| {ld} | " + " | ".join(cells) + " |")
    print()
    gcols = [f"{g}_{k}" for g in GROUPS for k in ("success", "record_f1", "cell_f1")]
    print("| loader | " + " | ".join(gcols) + " |")
    print("|---|" + "---:|" * len(gcols))
    for ld, row in table.items():
        print(f"| {ld} | " + " | ".join(f"{row[k]:.4f}" for k in gcols) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pollock", required=True, help="a checkout of the Pollock repository")
    ap.add_argument("--pyforge", default="build/release/pyforge")
    ap.add_argument("--loaders", default=",".join(ALL_LOADERS))
    ap.add_argument("--files", default="", help="regular expression: only matching files")
    ap.add_argument("--dataset", default="polluted_files",
                    help="polluted_files (weighted), or survey_sample (99 real files)")
    ap.add_argument("--work", default="", help="where loaded CSVs go (default: a temp dir)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--save", help="write per-file scores and runs as JSON")
    ap.add_argument("--compare", help="a --save file: list files whose simple score changed")
    a = ap.parse_args()
    loaders = [x for x in a.loaders.split(",") if x]
    for ld in loaders:
        if ld not in ALL_LOADERS:
            sys.exit(f"unknown loader {ld}; choose from {', '.join(ALL_LOADERS)}")
    pollock = os.path.abspath(a.pollock)
    ds = os.path.join(pollock, a.dataset)
    names = sorted(f for f in os.listdir(os.path.join(ds, "csv"))
                   if f.lower().endswith(".csv") and re.search(a.files, f)
                   and os.path.exists(os.path.join(ds, "clean", f))
                   and os.path.exists(os.path.join(ds, "parameters", f + "_parameters.json")))
    work = os.path.abspath(a.work or tempfile.mkdtemp(prefix="pollock-work-"))
    for ld in loaders:
        os.makedirs(os.path.join(work, ld), exist_ok=True)
    opts = {"pollock": pollock, "pyforge": os.path.abspath(a.pyforge), "work": work,
            "dataset": a.dataset}
    tasks = [(ld, n) for ld in loaders for n in names]
    per_file = {ld: {} for ld in loaders}
    runs = {ld: {} for ld in loaders}
    with Pool(a.jobs, initializer=init_worker, initargs=(opts,)) as pool:
        for ld, name, scores, run in pool.imap_unordered(score_one, tasks, chunksize=8):
            per_file[ld][name] = scores
            runs[ld][name] = run
    with open(os.path.join(pollock, "pollock_weights.json")) as f:
        weights = json.load(f)
    table = summarize(per_file, weights, loaders)
    print(f"Pollock {a.dataset}: {len(names)} files, loaded CSVs in {work}\n")
    print_table(table)
    if a.save:
        with open(a.save, "w") as f:
            json.dump({"summary": table, "files": per_file, "runs": runs}, f, indent=1)
    if a.compare:
        with open(a.compare) as f:
            old = json.load(f)["files"]
        for ld in loaders:
            if ld not in old:
                continue
            ch = []
            for n in names:
                if n not in old[ld]:
                    continue
                s0 = sum(old[ld][n][k] for k in MEASURES)
                s1 = sum(per_file[ld][n][k] for k in MEASURES)
                if abs(s1 - s0) > 1e-9:
                    ch.append((s1 - s0, n))
            ch.sort()
            up = sum(1 for d, _ in ch if d > 0)
            print(f"\n{ld}: {up} files better, {len(ch) - up} worse")
            for d, n in ch[:15]:
                if d < 0:
                    print(f"  worse {d:+.3f} {n}")


if __name__ == "__main__":
    main()
