"""The template plugin (JSON Lines) through the pyforge command: outputs
read back by pyarrow AND DuckDB and compared value by value with what the
input holds (parsed here with Python's json module), and DuckDB's own
read_json as an independent reading of the same input. Then what a real
format must do: widening after the sample (one restart, noted), new keys,
keys that become objects, bad lines (error, skip + rejects), compressed
and standard input, info, validate, nested=json, and a large input over
many blocks and threads giving the same rows as one thread."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import random

import pytest

from plugin_paths import jsonl_plugin, plugin_env

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

ALPHABET = "abcxyzé€😀\"\\/\n\t "


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def make_rows(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        r = {"id": i, "price": round(rng.uniform(-1000, 1000), 2), "name": _word(rng),
             "active": rng.random() < 0.5,
             "day": (dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))).isoformat(),
             "ts": (dt.datetime(2021, 6, 1) + dt.timedelta(seconds=rng.randint(0, 10**8))).isoformat(),
             "code": f"{rng.randint(0, 999):05d}",
             "big": 2**60 + i}
        if rng.random() < 0.8:
            r["addr"] = {"city": _word(rng), "geo": {"lat": round(rng.uniform(-90, 90), 6),
                                                      "lon": round(rng.uniform(-180, 180), 6)}}
        if rng.random() < 0.7:
            r["tags"] = [rng.choice([_word(rng), rng.randint(0, 9), None, True])
                         for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.5:
            r["opt"] = None if rng.random() < 0.3 else rng.randint(-5, 5)
        rows.append(r)
    return rows


def write_jsonl(path, rows, ensure_ascii=False, blank_every=0):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i, r in enumerate(rows):
            f.write(json.dumps(r, ensure_ascii=ensure_ascii) + ("\r\n" if i % 3 == 1 else "\n"))
            if blank_every and i % blank_every == 0:
                f.write("   \n")


COLUMNS = ["id", "price", "name", "active", "day", "ts", "code", "big", "addr.city", "addr.geo.lat",
           "addr.geo.lon", "tags", "opt"]


def expected(rows) -> list[dict]:
    """What each column should hold, by the plugin's documented rules."""
    out = []
    for r in rows:
        a = r.get("addr") or {}
        g = a.get("geo") or {}
        out.append({
            "id": r["id"], "price": float(r["price"]), "name": r["name"], "active": r["active"],
            "day": dt.date.fromisoformat(r["day"]), "ts": dt.datetime.fromisoformat(r["ts"]),
            "code": r["code"], "big": r["big"], "addr.city": a.get("city"),
            "addr.geo.lat": g.get("lat"), "addr.geo.lon": g.get("lon"),
            "tags": r.get("tags"), "opt": r.get("opt")})
    return out


def _norm(row: dict) -> dict:
    """tags hold JSON text: compared as the values they spell."""
    row = dict(row)
    if row.get("tags") is not None:
        row["tags"] = json.loads(row["tags"])
    return row


def convert(run_pyforge, src, out, *args, env_extra=None):
    env = plugin_env(jsonl_plugin())
    env.update(env_extra or {})
    rc, so, err = run_pyforge("convert", str(src), str(out), "--json", "--force", *args, env=env)
    assert rc == 0, err
    return json.loads(so), err


def test_values_read_back_by_pyarrow_and_duckdb(run_pyforge, work_dir):
    rows = make_rows(3000)
    src = work_dir / "data.jsonl"
    write_jsonl(src, rows, blank_every=250)
    res, _ = convert(run_pyforge, src, work_dir / "data.parquet")
    assert res["input_format"] == "jsonl" and res["rows"] == 3000 and res["restarts"] == 0
    assert [f["name"] for f in res["schema"]] == COLUMNS
    t = pq.read_table(work_dir / "data.parquet")
    types = {f.name: str(f.type) for f in t.schema}
    assert types == {"id": "int64", "price": "double", "name": "string", "active": "bool",
                     "day": "date32[day]", "ts": "timestamp[us]", "code": "string", "big": "int64",
                     "addr.city": "string", "addr.geo.lat": "double", "addr.geo.lon": "double",
                     "tags": "string", "opt": "int64"}
    want = expected(rows)
    got = [_norm(r) for r in t.to_pylist()]
    assert got == want
    con = duckdb.connect()
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    ddb = con.execute(f"SELECT {cols} FROM read_parquet(?) ORDER BY id", [str(work_dir / "data.parquet")]).fetchall()
    assert [_norm(dict(zip(COLUMNS, r))) for r in ddb] == want


def test_duckdb_read_json_agrees(run_pyforge, work_dir):
    """DuckDB's JSON reader as an independent reading of the input."""
    rows = make_rows(1500, seed=11)
    src = work_dir / "data.jsonl"
    write_jsonl(src, rows, ensure_ascii=True)
    convert(run_pyforge, src, work_dir / "data.parquet")
    con = duckdb.connect()
    theirs = con.execute(
        "SELECT id, price, name, active, day::DATE, ts::TIMESTAMP, code::VARCHAR, big::BIGINT, "
        "addr.city, addr.geo.lat, addr.geo.lon, to_json(tags)::VARCHAR, opt "
        "FROM read_json(?, format='newline_delimited', "
        "columns={id:'BIGINT', price:'DOUBLE', name:'VARCHAR', active:'BOOLEAN', day:'VARCHAR',"
        " ts:'VARCHAR', code:'VARCHAR', big:'BIGINT',"
        " addr:'STRUCT(city VARCHAR, geo STRUCT(lat DOUBLE, lon DOUBLE))', tags:'JSON', opt:'BIGINT'})"
        " ORDER BY id", [str(src)]).fetchall()
    ours = con.execute(
        "SELECT id, price, name, active, day, ts, code, big, \"addr.city\", \"addr.geo.lat\", "
        "\"addr.geo.lon\", tags, opt FROM read_parquet(?) ORDER BY id",
        [str(work_dir / "data.parquet")]).fetchall()
    assert len(theirs) == len(ours) == 1500
    for a, b in zip(theirs, ours):
        a, b = list(a), list(b)
        a[11] = json.loads(a[11]) if a[11] is not None else None  # the same JSON values
        b[11] = json.loads(b[11]) if b[11] is not None else None
        assert a == b


def test_widening_after_the_sample_restarts_once_with_notes(run_pyforge, work_dir):
    rows = [{"n": i, "v": i} for i in range(5000)]
    rows[4000]["v"] = "text"          # int64 -> string
    rows[4500]["late"] = 1.5          # a key never seen in the sample
    rows[4700]["n"] = {"inner": True}  # n holds an object: n._VALUE and n.inner
    src = work_dir / "w.jsonl"
    write_jsonl(src, rows)
    res, err = convert(run_pyforge, src, work_dir / "w.parquet", "--jsonl-sample-rows", "100",
                       "--threads", "2")
    assert res["restarts"] == 0  # within the first block: settled while the reader opens
    names = [f["name"] for f in res["schema"]]
    assert names == ["n._VALUE", "v", "late", "n.inner"]
    notes = {f["name"]: f["note"] for f in res["schema"]}
    assert notes["v"] == "widened from int64 to string at row 4001 (line 4001): value 'text'"
    assert notes["late"].startswith("first seen at row 4501 (line 4501), after the sampled rows")
    t = pq.read_table(work_dir / "w.parquet").to_pylist()
    assert t[0] == {"n._VALUE": 0, "v": "0", "late": None, "n.inner": None}
    assert t[4000]["v"] == "text" and t[4500]["late"] == 1.5
    assert t[4700] == {"n._VALUE": None, "v": "4700", "late": None, "n.inner": True}
    assert "column 'v': widened from int64 to string at row 4001" in err


def test_a_change_after_the_first_block_restarts_once(run_pyforge, work_dir):
    rows = [{"k": i, "pad": "x" * 40} for i in range(200_000)]
    rows[190_000]["k"] = 0.5     # past the first 4 MiB block: batches were written
    rows[199_999]["tail"] = "t"  # and a new key, found by the same read of the rest
    src = work_dir / "r.jsonl"
    write_jsonl(src, rows)
    assert src.stat().st_size > 8 << 20
    res, err = convert(run_pyforge, src, work_dir / "r.parquet")
    assert res["restarts"] == 1  # the rest read once, then one restart with the final schema
    t = pq.read_table(work_dir / "r.parquet")
    assert [str(f.type) for f in t.schema] == ["double", "string", "string"]
    k = t.column("k").to_pylist()
    assert k[190_000] == 0.5 and k[189_999] == 189_999.0 and len(k) == 200_000
    assert t.column("tail").to_pylist()[199_999] == "t"
    assert "widened from int64 to double at row 190001 (line 190001): value '0.5'" in err


def test_lines_that_are_not_objects_and_arrays(run_pyforge, work_dir):
    src = work_dir / "s.ndjson"
    src.write_text('[1, 2]\n"x"\n{"a": [], "b": {}}\n42\n')
    res, _ = convert(run_pyforge, src, work_dir / "s.parquet")
    t = pq.read_table(work_dir / "s.parquet").to_pylist()
    assert [f["name"] for f in res["schema"]] == ["_VALUE", "a"]
    assert [r["_VALUE"] for r in t] == ["[1, 2]", "x", None, "42"]
    assert [r["a"] for r in t] == [None, None, "[]", None]


def test_json_the_plugin_does_not_take_is_refused_naming_it(run_pyforge, work_dir):
    """A JSON document (an array) is no JSON Lines: with the plugin loaded
    the refusal says the jsonl plugin did not recognise it; without the
    plugin it says the plugin is needed and where it comes from."""
    src = work_dir / "doc.json"
    src.write_text('[{"id": 1}, {"id": 2}]\n')
    rc, so, err = run_pyforge("convert", str(src), env=plugin_env(jsonl_plugin()))
    assert rc == 1, (so, err)
    assert "the file is JSON (or JSON Lines), which the jsonl plugin did not recognise" in err
    assert "jsonl (.jsonl .ndjson" in err  # among the supported inputs
    assert "not installed" not in err
    rc, so, err = run_pyforge("convert", str(src), env={"PYFORGE_FORCE_CORE": "true"})
    assert rc == 1, (so, err)
    assert "reading it needs the jsonl plugin (JSON Lines, one object per line: the " \
           "template plugin, plugins/template" in err, err
    assert not (work_dir / "doc.parquet").exists()


def test_nested_json_keeps_objects_as_text(run_pyforge, work_dir):
    rows = make_rows(50, seed=3)
    src = work_dir / "n.jsonl"
    write_jsonl(src, rows)
    convert(run_pyforge, src, work_dir / "n.parquet", "--jsonl-nested", "json")
    t = pq.read_table(work_dir / "n.parquet")
    assert "addr" in t.column_names and "addr.city" not in t.column_names
    for r, got in zip(rows, t.column("addr").to_pylist()):
        assert (json.loads(got) if got is not None else None) == r.get("addr")


def test_bad_lines_error_or_go_to_the_rejects_file(run_pyforge, work_dir):
    src = work_dir / "b.jsonl"
    src.write_bytes(b'{"a": 1}\n{"a": 2,}\n{"a": "\xff"}\n{"a": 4}\n{"a": [1\n')
    env = plugin_env(jsonl_plugin())
    rc, _, err = run_pyforge("convert", str(src), str(work_dir / "b.parquet"), env=env)
    assert rc == 1
    assert "line 2: not a JSON value: an object's key is not a string (--on-bad-rows skip" in err
    assert not (work_dir / "b.parquet").exists()
    res, err = convert(run_pyforge, src, work_dir / "b.parquet", "--on-bad-rows", "skip")
    assert res["rows"] == 2 and res["rows_rejected"] == 3
    rejects = (work_dir / "b.parquet.rejects.csv").read_text(encoding="utf-8", errors="replace")
    assert rejects.splitlines()[0] == "line,reason,row"
    assert [l.split(",")[0] for l in rejects.splitlines()[1:]] == ["2", "3", "5"]
    assert "a string is not valid UTF-8" in rejects
    assert pq.read_table(work_dir / "b.parquet").column("a").to_pylist() == [1, 4]
    rc, out, _ = run_pyforge("validate", str(src), "--json", env=env)
    assert rc == 1
    v = json.loads(out)
    assert v["valid"] is False and v["problems_total"] == 3


def test_compressed_and_standard_input(run_pyforge, work_dir):
    rows = make_rows(200, seed=5)
    plain = work_dir / "c.jsonl"
    write_jsonl(plain, rows)
    gz = work_dir / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    convert(run_pyforge, gz, work_dir / "gz.parquet")
    env = plugin_env(jsonl_plugin())
    rc, _, err = run_pyforge("convert", "-", str(work_dir / "stdin.parquet"), "--input-format", "jsonl",
                             input=plain, env=env)
    assert rc == 0, err
    want = expected(rows)
    for name in ("gz.parquet", "stdin.parquet"):
        assert [_norm(r) for r in pq.read_table(work_dir / name).to_pylist()] == want


def test_info_describes_the_input(run_pyforge, work_dir):
    rows = make_rows(300, seed=9)
    rows[290]["late"] = "x"
    src = work_dir / "i.jsonl"
    write_jsonl(src, rows)
    env = plugin_env(jsonl_plugin())
    rc, out, err = run_pyforge("info", str(src), "--json", "--jsonl-sample-rows", "10", env=env)
    assert rc == 0, err
    info = json.loads(out)
    assert info["format"] == "jsonl" and info["rows"] == 300
    assert info["properties"]["records"] == "300"
    assert info["properties"]["nested_objects"] == "flatten"
    assert [c["name"] for c in info["columns"]][-1] == "late"  # info reads it all: final columns


def test_many_blocks_and_threads_give_the_same_rows(run_pyforge, work_dir):
    rows = [{"i": i, "s": f"row {i}", "f": i / 8, "o": {"k": i % 7}} for i in range(150_000)]
    src = work_dir / "big.jsonl"
    write_jsonl(src, rows)
    assert src.stat().st_size > 8 << 20  # more than two 4 MiB blocks
    r1, _ = convert(run_pyforge, src, work_dir / "t1.parquet", "--threads", "1")
    r4, _ = convert(run_pyforge, src, work_dir / "t4.parquet", "--threads", "4")
    assert r1["rows"] == r4["rows"] == 150_000
    con = duckdb.connect()
    q = ("SELECT count(*), sum(i), sum(f), count(DISTINCT s), sum(\"o.k\"), "
         "bool_and(s = 'row ' || i) FROM read_parquet(?)")
    want = (150_000, sum(range(150_000)), sum(i / 8 for i in range(150_000)), 150_000,
            sum(i % 7 for i in range(150_000)), True)
    assert con.execute(q, [str(work_dir / "t1.parquet")]).fetchone() == want
    assert con.execute(q, [str(work_dir / "t4.parquet")]).fetchone() == want
    a = pq.read_table(work_dir / "t1.parquet")
    b = pq.read_table(work_dir / "t4.parquet")
    assert a.equals(b)
