"""`pyforge batch`: many files through the engine's batch, read back by
pyarrow and DuckDB value by value; good, empty, broken and unreadable files
side by side (one failure never stops the others, exit 1, each error with
its place); --json; PYFORGE_PARALLEL_WORKERS; Ctrl-C with a real SIGINT
(finished outputs stay, nothing half-written).
"""
from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import time

import duckdb
import pyarrow.parquet as pq
import pytest


def write_good(d, n_files=6, rows=50):
    """n_files CSV files of `rows` seeded rows; returns {stem: rows}."""
    rng = random.Random(15)
    expect = {}
    for k in range(n_files):
        rows_k = [(i, f"name {k}-{i}", round(rng.uniform(-1e4, 1e4), 2)) for i in range(rows + k)]
        with open(d / f"good{k}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "amount"])
            w.writerows(rows_k)
        expect[f"good{k}"] = rows_k
    return expect


def mixed_dir(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    expect = write_good(src)
    (src / "empty.csv").write_bytes(b"")
    (src / "broken.csv").write_text('id,name\n1,"never closed\n2,b\n')
    (src / "binary.csv").write_bytes(bytes(range(256)) * 8)
    os.symlink(src / "missing-target.csv", src / "dangling.csv")
    return src, expect


def check_outputs(out, expect):
    for stem, rows in expect.items():
        path = out / f"{stem}.parquet"
        t = pq.read_table(path)
        assert t.column_names == ["id", "name", "amount"]
        got = list(zip(*(t.column(c).to_pylist() for c in t.column_names)))
        assert got == rows, f"{path}: values differ from the CSV"
        dd = duckdb.sql(f"select id, name, amount from read_parquet('{path}') order by id").fetchall()
        assert dd == rows, f"{path}: DuckDB reads other values"


def test_batch_mixed_files(run_pyforge, tmp_path, assert_no_temp_files):
    src, expect = mixed_dir(tmp_path)
    out = tmp_path / "out"
    # a glob reports a dangling link as an item that fails (the same link
    # named as a path too is the same file: one item)
    code, so, se = run_pyforge("batch", str(src / "*.csv"), str(src / "dangling.csv"),
                               "--output-dir", str(out), "--workers", "3")
    assert code == 1, f"exit {code}, expected 1 (some files failed)\n{so}\n{se}"
    check_outputs(out, expect)
    # the empty file converts to an empty table; broken, binary and dangling fail with a place
    lines = {ln.split()[1].rstrip(":"): ln for ln in so.splitlines() if ln.startswith(("ok", "FAILED"))}
    assert lines[str(src / "empty.csv")].startswith("ok"), so
    assert "line 2" in lines[str(src / "broken.csv")] and "quote" in lines[str(src / "broken.csv")], so
    assert lines[str(src / "binary.csv")].startswith("FAILED"), so
    assert lines[str(src / "dangling.csv")].startswith("FAILED"), so
    assert "broken symbolic link" in lines[str(src / "dangling.csv")], so
    assert "missing-target.csv" in lines[str(src / "dangling.csv")], so
    assert "10 files: 7 converted, 3 failed" in so, so
    # each FAILED line names its file once: "FAILED   DIR/broken.csv: line 2, ..."
    for name in ("broken.csv", "binary.csv", "dangling.csv"):
        ln = lines[str(src / name)]
        assert ln.count(name) == 1, ln
    assert lines[str(src / "broken.csv")].startswith(f"FAILED   {src / 'broken.csv'}: line 2"), so
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{s}.parquet" for s in expect] + ["empty.parquet"])
    assert_no_temp_files(out)


def test_batch_json_and_workers_env(run_pyforge, tmp_path):
    src, expect = mixed_dir(tmp_path)
    out = tmp_path / "out"
    code, so, se = run_pyforge("batch", str(src / "good*.csv"), str(src / "broken.csv"),
                               str(src / "nothing-*.csv"), "-o", str(out), "--json",
                               env={"PYFORGE_PARALLEL_WORKERS": "2"})
    assert code == 1, se
    r = json.loads(so)
    assert (r["files"], r["converted"], r["failed"]) == (8, 6, 2)
    assert r["workers"] == 2, "PYFORGE_PARALLEL_WORKERS=2 not used"
    assert r["rows"] == sum(len(v) for v in expect.values())
    by_input = {it["input"]: it for it in r["items"]}
    assert by_input[str(src / "broken.csv")]["error"]["line"] == 2
    assert by_input[str(src / "nothing-*.csv")]["status"] == "ENOTFOUND"
    assert by_input[str(src / "good0.csv")]["result"]["rows"] == len(expect["good0"])
    check_outputs(out, expect)


def test_batch_all_good_exit_0_beside_inputs(run_pyforge, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    expect = write_good(src, n_files=3)
    code, so, se = run_pyforge("batch", str(src / "*.csv"))
    assert code == 0, se
    check_outputs(src, expect)
    code, so, se = run_pyforge("batch", str(src / "*.csv"))
    assert code == 1 and "--force" in so, "existing outputs must be refused without --force"
    code, so, se = run_pyforge("batch", str(src / "*.csv"), "--force", "-q")
    assert code == 0 and so == "", (so, se)


def test_batch_usage(run_pyforge):
    code, so, se = run_pyforge("batch", "x.csv", "--workers", "many")
    assert code == 2 and "--workers" in se
    code, so, se = run_pyforge("batch")
    assert code == 2 and "missing PATTERN" in se


def test_batch_sigint_keeps_finished_outputs(pyforge_bin, tmp_path, temp_files, interrupt):
    src = tmp_path / "in"
    src.mkdir()
    block = "".join(f"{i},{i * 7 % 1000},text number {i} with some words\n" for i in range(20000))
    n = 24
    for k in range(n):
        with open(src / f"f{k:02d}.csv", "w") as f:
            f.write("id,v,s\n")
            for _ in range(6):  # ~4 MB each
                f.write(block)
    out = tmp_path / "out"
    env = dict(os.environ)
    env.pop("PYFORGE_LOG_LEVEL", None)
    p = subprocess.Popen([str(pyforge_bin), "batch", str(src / "*.csv"), "-o", str(out),
                          "--workers", "2", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        if out.exists() and any(x.suffix == ".parquet" for x in out.iterdir()):
            break
        time.sleep(0.02)
    still_running = p.poll() is None
    so, se = interrupt(p, "pyforge batch")
    assert still_running, "the batch finished before it could be interrupted"
    assert p.returncode == 130, f"exit {p.returncode}\n{se.decode()}"
    r = json.loads(so)
    assert r["canceled"] > 0 and r["converted"] < n
    done = sorted(x.name for x in out.iterdir())
    assert temp_files(out) == [], "temporaries left after Ctrl-C"
    assert done == sorted(f"{os.path.basename(it['input'])[:-4]}.parquet"
                          for it in r["items"] if it["status"] == "OK")
    for name in done:  # every output left is complete
        assert pq.read_metadata(out / name).num_rows == 6 * 20000


def test_batch_to_delta_tables(run_pyforge, tmp_path):
    """-f delta: one Delta table per file (<stem>_delta), version 0 each,
    read back by delta-rs and by DuckDB over the files delta-rs lists."""
    import deltalake
    src = tmp_path / "in"
    src.mkdir()
    expect = write_good(src, n_files=3)
    (src / "broken.csv").write_text('id,name\n1,"never closed\n')
    out = tmp_path / "lake"
    code, so, se = run_pyforge("batch", str(src / "*.csv"), "-o", str(out), "-f", "delta", "--json")
    assert code == 1, se
    r = json.loads(so)
    assert (r["converted"], r["failed"]) == (3, 1)
    assert sorted(p.name for p in out.iterdir()) == ["good0_delta", "good1_delta", "good2_delta"]
    for stem, rows in expect.items():
        dt = deltalake.DeltaTable(str(out / f"{stem}_delta"))
        assert dt.version() == 0
        t = dt.to_pyarrow_table()
        got = sorted(zip(*(t.column(c).to_pylist() for c in ("id", "name", "amount"))))
        assert got == rows
        files = dt.file_uris()
        dd = duckdb.sql(f"select id, name, amount from read_parquet({files!r}) order by id").fetchall()
        assert dd == rows


def test_batch_ok_line_names_the_rejects_file(run_pyforge, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("a,b\n1,2\n3\n4,5\n")
    (src / "b.csv").write_text("a,b\n1,2\n")
    out = tmp_path / "out"
    code, so, se = run_pyforge("batch", str(src / "*.csv"), "-o", str(out), "--on-bad-rows", "skip")
    assert code == 0, f"{so}\n{se}"
    lines = {ln.split()[1]: ln for ln in so.splitlines() if ln.startswith("ok")}
    rejects = out / "a.parquet.rejects.csv"
    assert lines[str(src / "a.csv")].endswith(f"(1 rejected -> {rejects})"), so
    assert "rejected" not in lines[str(src / "b.csv")], so
    assert rejects.read_text().count("\n") == 2, rejects.read_text()  # its header and the bad row
    # one --rejects file for many files is refused before anything runs
    code, so, se = run_pyforge("batch", str(src / "*.csv"), "-o", str(tmp_path / "o2"),
                               "--on-bad-rows", "skip", "--rejects", str(tmp_path / "r.csv"))
    assert code == 2 and "beside its output" in se, f"{so}\n{se}"
    assert not (tmp_path / "o2").exists() and not (tmp_path / "r.csv").exists()
