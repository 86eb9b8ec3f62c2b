"""`pyforge batch PATTERN... --format delta --table DIR`: every file into ONE
Delta table in one commit, read back by two independent readers — delta-rs
(Python deltalake) and DuckDB over the data files the log's add actions
name — and compared value by value with what the CSV inputs hold.

Covered: files with different but compatible schemas (int and double ->
double, date and timestamp -> timestamp, integers and text -> string,
columns missing from some files -> null, letter case of names), a broken
file and an empty file among them (exactly one new version; the broken file
contributes nothing, not even unreferenced data files); an append whose
value does not fit the table's type (that file fails naming its row, the
others are committed); Ctrl-C mid-run (the table stays at its previous
version and no data file is left); refusals (--table without --format
delta, with --output-dir); the Delta commit's temporary in _delta_log that a
killed writer leaves is swept by the next writer.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from deltalake import DeltaTable


def batch(run_pyforge, *args, ok=True):
    rc, so, se = run_pyforge("batch", *map(str, args), "--format", "delta", "--json", timeout=300)
    if ok:
        assert rc in (0, 1), f"batch {args}: exit {rc}\nstdout: {so}\nstderr: {se}"
    return rc, (json.loads(so) if so.strip() else None), se


def versions(table: Path) -> list[int]:
    return sorted(int(p.stem) for p in (table / "_delta_log").glob("*.json"))


def log_actions(table: Path, version: int) -> list[dict]:
    p = table / "_delta_log" / f"{version:020d}.json"
    return [json.loads(line) for line in p.read_text().splitlines() if line.strip()]


def live_files(table: Path) -> set[str]:
    live = set()
    for v in versions(table):
        for a in log_actions(table, v):
            if "add" in a:
                live.add(a["add"]["path"])
            if "remove" in a:
                live.discard(a["remove"]["path"])
    return live


def data_files(table: Path) -> set[str]:
    return {str(p.relative_to(table)) for p in table.rglob("*.parquet")}


def rows_rs(table: Path) -> list[dict]:
    rows = DeltaTable(str(table)).to_pyarrow_table().to_pylist()
    return sorted(rows, key=lambda r: r["id"])


def rows_duckdb(table: Path) -> list[dict]:
    files = sorted(str(table / p) for p in live_files(table))
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    src = f"read_parquet({files!r}, union_by_name=true)"
    # UTC-adjusted timestamps come out as TIMESTAMPTZ (which needs pytz in
    # Python): their UTC wall time, naive
    tz = [c for c, t, *_ in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall() if "WITH TIME ZONE" in t]
    repl = f" REPLACE ({', '.join(f'CAST({c} AS TIMESTAMP) AS {c}' for c in tz)})" if tz else ""
    rel = con.execute(f"SELECT *{repl} FROM {src} ORDER BY id")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r)) for r in rel.fetchall()]


def naive(v):
    """delta-rs reads a Delta `timestamp` as UTC-aware; DuckDB as aware too."""
    return v.replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo else v


def compatible_files(src: Path) -> list[dict]:
    """Four CSV files whose schemas differ but reconcile; returns the rows
    the table must hold, in the table's types."""
    rng = random.Random(2615)
    expect = []
    # a: id, Amount (int), day (date), ref (int), city
    with open(src / "a.csv", "w") as f:
        f.write("id,Amount,day,ref,city\n")
        for i in range(0, 400):
            amount, ref = rng.randrange(-10**6, 10**6), rng.randrange(1, 10**9)
            day = dt.date(2024, 1, 1) + dt.timedelta(days=i % 366)
            city = rng.choice(["Oslo", "Zürich", "São Paulo", "", "a,b"])
            q = f'"{city}"' if "," in city else city
            f.write(f"{i},{amount},{day.isoformat()},{ref},{q}\n")
            expect.append({"id": i, "Amount": float(amount), "day": dt.datetime(day.year, day.month, day.day),
                           "ref": str(ref), "city": city or None, "note": None})
    # b: amount (double, other case), day (timestamp), ref (text), note; no city
    with open(src / "b.csv", "w") as f:
        f.write("id,amount,day,ref,note\n")
        for i in range(400, 700):
            amount = round(rng.uniform(-1e4, 1e4), 2)
            ts = dt.datetime(2023, 6, 1) + dt.timedelta(seconds=rng.randrange(10**8), microseconds=rng.randrange(10**6))
            ref = f"R-{rng.randrange(1000)}"
            f.write(f"{i},{amount!r},{ts.isoformat(sep=' ')},{ref},note {i}\n")
            expect.append({"id": i, "Amount": amount, "day": ts, "ref": ref, "city": None, "note": f"note {i}"})
    # c: only some columns, in another order
    with open(src / "c.csv", "w") as f:
        f.write("city,id\n")
        for i in range(700, 760):
            f.write(f"Bergen,{i}\n")
            expect.append({"id": i, "Amount": None, "day": None, "ref": None, "city": "Bergen", "note": None})
    (src / "empty.csv").write_bytes(b"")
    # broken: an unterminated quote after good rows (its rows must not appear)
    with open(src / "broken.csv", "w") as f:
        f.write("id,Amount,day\n")
        for i in range(10_000, 10_050):
            f.write(f"{i},1,2024-02-02\n")
        f.write('10050,"never closed,2024-02-02\n')
    return expect


def check_table(table: Path, expect: list[dict]):
    for name, got in (("delta-rs", rows_rs(table)), ("duckdb", rows_duckdb(table))):
        assert len(got) == len(expect), f"{name}: {len(got)} rows, expected {len(expect)}"
        for g, e in zip(got, expect):
            g = {k: naive(v) for k, v in g.items()}
            assert g == e, f"{name}: row id {e['id']}: {g} != {e}"


def test_compatible_schemas_one_commit(run_pyforge, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    expect = compatible_files(src)
    table = tmp_path / "lake"
    rc, r, se = batch(run_pyforge, src / "*.csv", "--table", table, "--workers", "2")
    assert rc == 1, "the broken file fails: exit 1"
    assert r["table"] == str(table) and r["table_version"] == 0
    by = {os.path.basename(it["input"]): it for it in r["items"]}
    assert by["broken.csv"]["status"] == "EPARSE" or by["broken.csv"]["status"] != "OK"
    assert by["broken.csv"]["error"]["line"] == 52, by["broken.csv"]["error"]
    assert by["empty.csv"]["status"] == "OK" and by["empty.csv"]["result"]["rows"] == 0
    assert {k: by[k]["result"]["rows"] for k in ("a.csv", "b.csv", "c.csv")} == {"a.csv": 400, "b.csv": 300,
                                                                                "c.csv": 60}
    assert r["converted"] == 4 and r["failed"] == 1 and r["rows"] == 760

    assert versions(table) == [0], "exactly one version"
    dtab = DeltaTable(str(table))
    assert dtab.version() == 0 and len(dtab.history()) == 1
    acts = log_actions(table, 0)
    info = acts[0]["commitInfo"]
    assert info["operationParameters"]["inputFiles"] == "4"
    schema = json.loads(next(a["metaData"]["schemaString"] for a in acts if "metaData" in a))
    assert [(f["name"], f["type"]) for f in schema["fields"]] == [
        ("id", "long"), ("Amount", "double"), ("day", "timestamp"), ("ref", "string"), ("city", "string"),
        ("note", "string")]
    # the broken file left no data file, referenced or not
    assert data_files(table) == live_files(table)
    assert sum(a["add"]["size"] > 0 for a in acts if "add" in a) == 3
    check_table(table, expect)


def test_append_value_that_does_not_fit(run_pyforge, tmp_path):
    src = tmp_path / "v0"
    src.mkdir()
    (src / "first.csv").write_text("id,qty\n1,10\n2,20\n")
    table = tmp_path / "lake"
    rc, r, _ = batch(run_pyforge, src / "*.csv", "--table", table)
    assert rc == 0 and r["table_version"] == 0
    more = tmp_path / "v1"
    more.mkdir()
    (more / "fits.csv").write_text("id,qty\n3,30.0\n4,40\n")        # qty double, every value a long
    (more / "half.csv").write_text("id,qty\n5,50\n6,6.5\n7,70\n")   # 6.5 is no long: the file fails
    (more / "text.csv").write_text("id,qty\n8,eight\n")             # a string into long: refused
    files_before = data_files(table)
    rc, r, _ = batch(run_pyforge, more / "*.csv", "--table", table, "--mode", "append")
    assert rc == 1
    by = {os.path.basename(it["input"]): it for it in r["items"]}
    assert by["fits.csv"]["status"] == "OK"
    half = by["half.csv"]["error"]
    assert by["half.csv"]["status"] != "OK" and half["row"] == 2 and "6.5" in half["message"], half
    assert "long" in half["message"] or "int64" in half["message"]
    assert "string" in by["text.csv"]["error"]["message"]
    assert r["table_version"] == 1 and versions(table) == [0, 1]
    schema = json.loads(next(a["metaData"]["schemaString"] for a in log_actions(table, 0) if "metaData" in a))
    assert [f["type"] for f in schema["fields"]] == ["long", "long"], "the table's types do not change"
    assert not any("metaData" in a for a in log_actions(table, 1))
    assert data_files(table) == live_files(table) and len(data_files(table) - files_before) == 1
    expect = [{"id": i, "qty": q} for i, q in ((1, 10), (2, 20), (3, 30), (4, 40))]
    assert rows_rs(table) == expect
    assert rows_duckdb(table) == expect


def test_ctrl_c_leaves_the_previous_version(pyforge_bin, run_pyforge, tmp_path, interrupt, temp_files):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a0.csv").write_text("id,v,s\n0,0,zero\n")
    table = tmp_path / "lake"
    rc, r, _ = batch(run_pyforge, src / "a0.csv", "--table", table)
    assert rc == 0 and r["table_version"] == 0
    before = data_files(table)
    block = "".join(f"{i},{i * 7 % 1000},text number {i} with some words\n" for i in range(20000))
    for k in range(8):
        with open(src / f"f{k}.csv", "w") as f:
            f.write("id,v,s\n")
            for _ in range(8):  # ~5 MB each
                f.write(block)
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("PYFORGE_LOG_LEVEL", None)
    p = subprocess.Popen([str(pyforge_bin), "batch", str(src / "f*.csv"), "--format", "delta", "--table",
                          str(table), "--mode", "append", "--workers", "2", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:  # the write pass has begun: data files appear
        if data_files(table) - before:
            break
        time.sleep(0.02)
    still_running = p.poll() is None
    so, se = interrupt(p, "pyforge batch --table")
    assert still_running, "the batch finished before it could be interrupted"
    assert p.returncode == 130, f"exit {p.returncode}\n{se.decode()}"
    r = json.loads(so)
    assert r["table_version"] == -1 and r["converted"] == 0 and r["canceled"] == 8
    assert versions(table) == [0] and DeltaTable(str(table)).version() == 0
    assert data_files(table) == before, "data files of the canceled run were left"
    assert temp_files(table) == [] and temp_files(table / "_delta_log") == []
    assert rows_rs(table) == [{"id": 0, "v": 0, "s": "zero"}]


def test_refusals_and_broken_link(run_pyforge, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("id\n1\n")
    os.symlink(src / "gone.csv", src / "link.csv")
    rc, so, se = run_pyforge("batch", str(src / "*.csv"), "--table", str(tmp_path / "t"))
    assert rc == 2 and "--format delta" in se
    rc, so, se = run_pyforge("batch", str(src / "*.csv"), "--format", "delta", "--table", str(tmp_path / "t"),
                             "-o", str(tmp_path / "o"))
    assert rc == 2 and "--output-dir" in se
    assert not (tmp_path / "t").exists() and not (tmp_path / "o").exists()
    # a glob match that is a broken link is an item with its error, not dropped
    rc, r, _ = batch(run_pyforge, src / "*.csv", "--table", tmp_path / "t")
    assert rc == 1 and r["files"] == 2 and r["table_version"] == 0
    link = next(it for it in r["items"] if it["input"].endswith("link.csv"))
    assert link["status"] == "ENOTFOUND" and "broken symbolic link" in link["error"]["message"]
    assert "gone.csv" in link["error"]["message"]
    # text output: each file, then the table's new version
    rc, so, se = run_pyforge("batch", str(src / "a.csv"), "--format", "delta", "--table", str(tmp_path / "t"),
                             "--mode", "append")
    assert rc == 0 and "version 1" in so and "a.csv" in so, so


def test_commit_temporary_of_a_killed_writer_is_swept(run_pyforge, tmp_path):
    """A writer killed between writing its commit's temporary and linking it
    leaves `.<version>.json.pyforge-tmp-<random>` in _delta_log, unlocked;
    the next writer removes it (a temporary some process still holds would
    be locked, and is kept)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("id\n1\n")
    table = tmp_path / "lake"
    rc, r, _ = batch(run_pyforge, src / "a.csv", "--table", table)
    assert rc == 0
    log = table / "_delta_log"
    assert [p.name for p in log.iterdir() if p.name.startswith(".")] == [], "the commit left its temporary"
    left = log / ".00000000000000000001.json.pyforge-tmp-abcdefghijkl"
    left.write_text('{"commitInfo":{}}\n')
    rc, r, _ = batch(run_pyforge, src / "a.csv", "--table", table, "--mode", "append")
    assert rc == 0 and r["table_version"] == 1
    assert not left.exists(), "the abandoned commit temporary was not swept"
    assert (log / "00000000000000000001.json").stat().st_mode & 0o777 != 0o600


def test_data_temporaries_in_partition_directories_are_swept(run_pyforge, tmp_path):
    """A killed writer's data-file temporaries inside a partition directory
    (`p=x/q=1/`) are removed by the next writer that writes into that
    partition, when no process holds them. A held one stays, and so do
    temporaries in partitions this write does not touch (`p=w/q=9/`: the
    sweep's cost follows the partitions written, not the table's), above
    or below the data directories, in directories not named column=value,
    or behind a symbolic link."""
    import fcntl
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("id,p,q\n1,x,1\n2,y,2\n")
    table = tmp_path / "lake"
    rc, r, _ = batch(run_pyforge, src / "a.csv", "--table", table, "--partition-by", "p,q")
    assert rc == 0 and r["table_version"] == 0
    assert (table / "p=x" / "q=1").is_dir()
    name = ".part-00000-abc.snappy.parquet.pyforge-tmp-{}"
    above = table / "p=x" / name.format("abandoned001")
    left = table / "p=x" / "q=1" / name.format("abandoned002")
    (table / "p=w" / "q=9").mkdir(parents=True)
    untouched = table / "p=w" / "q=9" / name.format("untouched001")
    held = table / "p=y" / "q=2" / name.format("heldheldheld")
    deeper = table / "p=x" / "q=1" / "r=0"
    deeper.mkdir()
    too_deep = deeper / name.format("toodeep00001")
    other = table / "notapartition"
    other.mkdir()
    not_part = other / name.format("notpart00001")
    outside = tmp_path / "outside"
    outside.mkdir()
    behind_link = outside / name.format("behindlink01")
    os.symlink(outside, table / "p=z")
    for f in (above, left, untouched, held, too_deep, not_part, behind_link):
        f.write_bytes(b"half a parquet file")
    fd = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        rc, r, _ = batch(run_pyforge, src / "a.csv", "--table", table, "--mode", "append", "--partition-by", "p,q")
        assert rc == 0 and r["table_version"] == 1
        assert not left.exists(), "an abandoned temporary in a partition written to was not swept"
        assert held.exists(), "a temporary a process holds was removed"
        assert untouched.exists() and above.exists()
        assert too_deep.exists() and not_part.exists() and behind_link.exists()
        # the next write into p=w/q=9 removes what was left there
        (src / "b.csv").write_text("id,p,q\n3,w,9\n")
        rc, r, _ = batch(run_pyforge, src / "b.csv", "--table", table, "--mode", "append", "--partition-by", "p,q")
        assert rc == 0 and r["table_version"] == 2
        assert not untouched.exists()
    finally:
        os.close(fd)


def convert_rows(run_pyforge, src: Path, out: Path) -> list[dict]:
    """`pyforge convert` of one file to Parquet, read back by pyarrow, ordered by id."""
    import pyarrow.parquet as pq
    rc, so, se = run_pyforge("convert", str(src), str(out), "--force")
    assert rc == 0, se
    return sorted(pq.read_table(out).to_pylist(), key=lambda r: r["id"])


def table_schema(table: Path) -> list[tuple]:
    acts = log_actions(table, max(versions(table)))
    schema = json.loads(next(a["metaData"]["schemaString"] for a in acts if "metaData" in a))
    return [(f["name"], f["type"]) for f in schema["fields"]]


# file a: each column typed on its own (int64, int64 with a null token,
# double, boolean, date, timestamp), in spellings a canonical text changes
A_CSV = ("id,n,m,x,flag,day,ts\n"
         "1,+5,NA,1e3,TRUE,2024-01-05,2024-01-05T00:00:00\n"
         "2,-0,12,1.50,false,2024-02-29,2024-01-06 10:00:00.500\n"
         "3,+12,,-0.0,True,,2024-01-07T01:02:03\n"
         "4,,N/A,2.5E-3,FALSE,2023-12-31,\n")
# file b: text in every one of those columns, so the table makes them strings
B_CSV = "id,N,m,x,flag,day,ts\n5,abc,m5,x5,maybe,soon,later\n"
A_TEXT = [  # what the table must hold for file a: the file's text (empty: null)
    {"id": 1, "n": "+5", "m": "NA", "x": "1e3", "flag": "TRUE", "day": "2024-01-05", "ts": "2024-01-05T00:00:00"},
    {"id": 2, "n": "-0", "m": "12", "x": "1.50", "flag": "false", "day": "2024-02-29",
     "ts": "2024-01-06 10:00:00.500"},
    {"id": 3, "n": "+12", "m": None, "x": "-0.0", "flag": "True", "day": None, "ts": "2024-01-07T01:02:03"},
    {"id": 4, "n": None, "m": "N/A", "x": "2.5E-3", "flag": "FALSE", "day": "2023-12-31", "ts": None},
]


def test_column_made_string_keeps_the_files_text(run_pyforge, tmp_path):
    """A column one file types (int64, double, boolean, date, timestamp) and
    another makes string holds the first file's text as written — as
    `pyforge convert` of the two files concatenated gives — not a canonical
    rendering of its values (`+5` -> `5`, `1e3` -> `1000`, `TRUE` -> `true`)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text(A_CSV)
    (src / "b.csv").write_text(B_CSV)
    import pyarrow.parquet as pq
    rc, _, se = run_pyforge("convert", str(src / "a.csv"), str(tmp_path / "a.parquet"))
    assert rc == 0, se
    types = {f.name: str(f.type) for f in pq.read_schema(tmp_path / "a.parquet")}
    assert types == {"id": "int64", "n": "int64", "m": "int64", "x": "double", "flag": "bool", "day": "date32[day]",
                     "ts": "timestamp[us]"}, "file a's columns must be typed for this test to mean anything"
    table = tmp_path / "lake"
    rc, r, se = batch(run_pyforge, src / "a.csv", src / "b.csv", "--table", table, "--workers", "2")
    assert rc == 0 and r["converted"] == 2, (r, se)
    assert table_schema(table) == [("id", "long")] + [(c, "string") for c in ("n", "m", "x", "flag", "day", "ts")]
    expect = A_TEXT + [{"id": 5, "n": "abc", "m": "m5", "x": "x5", "flag": "maybe", "day": "soon", "ts": "later"}]
    check_table(table, expect)
    # the same as converting the concatenation (b's header dropped)
    (tmp_path / "ab.csv").write_text(A_CSV + B_CSV.split("\n", 1)[1])
    assert convert_rows(run_pyforge, tmp_path / "ab.csv", tmp_path / "ab.parquet") == expect
    # an append into the table's string columns keeps the text too
    (src / "c.csv").write_text(A_CSV.replace("\n1,", "\n11,").replace("\n2,", "\n12,").replace("\n3,", "\n13,")
                               .replace("\n4,", "\n14,"))
    rc, r, se = batch(run_pyforge, src / "c.csv", "--table", table, "--mode", "append")
    assert rc == 0 and r["table_version"] == 1, (r, se)
    more = [dict(e, id=e["id"] + 10) for e in A_TEXT]
    check_table(table, sorted(expect + more, key=lambda e: e["id"]))


def test_workbook_column_made_string_keeps_the_cells_text(run_pyforge, tmp_path):
    """The same for workbooks: a column of numbers, booleans and dates in one
    workbook, text in the other, holds what a string column of the one
    workbook holding both sheets' rows gets from `pyforge convert`."""
    import xlsxwriter
    a_rows = [(1, 5, 1000.0, True, dt.date(2024, 1, 5)), (2, -7, 0.1, False, dt.date(2024, 2, 29)),
              (3, 123456789012, 2.5e-3, True, dt.date(1999, 12, 31))]
    b_rows = [(4, "abc", "x4", "maybe", "soon")]

    def book(path, rows):
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("data")
        fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, ["id", "n", "x", "flag", "day"])
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row):
                if isinstance(v, dt.date):
                    ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), fmt)
                else:
                    ws.write(i, j, v)
        wb.close()

    src = tmp_path / "in"
    src.mkdir()
    book(src / "a.xlsx", a_rows)
    book(src / "b.xlsx", b_rows)
    book(tmp_path / "ab.xlsx", a_rows + b_rows)
    expect = convert_rows(run_pyforge, tmp_path / "ab.xlsx", tmp_path / "ab.parquet")
    assert [e["flag"] for e in expect] == ["TRUE", "FALSE", "TRUE", "maybe"], expect
    assert [e["day"] for e in expect][:3] == ["2024-01-05", "2024-02-29", "1999-12-31"], expect
    table = tmp_path / "lake"
    rc, r, se = batch(run_pyforge, src / "a.xlsx", src / "b.xlsx", "--table", table)
    assert rc == 0 and r["converted"] == 2, (r, se)
    assert table_schema(table) == [("id", "long")] + [(c, "string") for c in ("n", "x", "flag", "day")]
    check_table(table, expect)
