"""dBase tables converted by PyForge and read back by pyarrow AND DuckDB,
value by value, against dbfread (the independent reader) where it reads the
variant right, and against the fixture's own model where dbfread cannot
(dBase 7 binary types, VFP _NullFlags and varchar, dBase IV memo blocks).

Fixtures are made here: the `dbf` package writes dBase III, Clipper,
FoxPro and Visual FoxPro tables with memos; tests/interop/dbf_fixtures.py
writes the rest byte by byte from the format description.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import dbf
import dbfread
import duckdb
import pyarrow.parquet as pq
import pytest

import dbf_fixtures as fx
from dbf_fixtures import Field, Record, Table


# ---- reading back --------------------------------------------------------

def rows_pyarrow(path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def rows_duckdb(path) -> list[dict]:
    con = duckdb.connect()
    cur = con.execute(f"SELECT * FROM read_parquet('{path}')")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def rows_dbfread(path, **kw) -> list[dict]:
    out = []
    for rec in dbfread.DBF(str(path), **kw):
        out.append({k: v for k, v in rec.items() if k != "_NULLFLAGS"})
    return out


def same(a, b) -> bool:
    if isinstance(a, (Decimal, float, int)) and isinstance(b, (Decimal, float, int)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b and type(a) is type(b) or (isinstance(a, bytes) and bytes(b) == a)


def assert_rows(got: list[dict], want: list[dict], who: str) -> None:
    assert len(got) == len(want), f"{who}: {len(got)} rows, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert list(g) == list(w), f"{who}: row {i} columns {list(g)} != {list(w)}"
        for k in w:
            assert same(g[k], w[k]), f"{who}: row {i} column {k}: {g[k]!r} != {w[k]!r}"


def convert(run_pyforge, src, *args, out=None) -> Path:
    out = Path(out or Path(src).with_suffix(".parquet"))
    rc, so, se = run_pyforge("convert", src, out, "--force", *args)
    assert rc == 0, se
    return out


def check_both(out, want) -> None:
    assert_rows(rows_pyarrow(out), want, "pyarrow")
    assert_rows(rows_duckdb(out), want, "duckdb")


# ---- tables the dbf package writes ---------------------------------------

WORDS = ["Zoë", "Müller", "café", "naïve", "Ærø", "plain", "", "a b", "  lead", "x" * 40]


def random_rows(rng, n):
    rows = []
    for i in range(n):
        rows.append((
            rng.choice(WORDS) + str(i % 7),
            rng.choice([None, rng.randint(-9999, 99999)]),
            rng.choice([None, round(rng.uniform(-1e6, 1e6), 2)]),
            rng.choice([None, dt.date(1900, 1, 1) + dt.timedelta(days=rng.randint(0, 60000))]),
            rng.choice([None, True, False]),
            rng.choice(["", "short memo é", "long " * 300, "two\r\nlines"]),
        ))
    return rows


@pytest.mark.parametrize("kind", ["db3", "fp", "clp"])
def test_dbase3_foxpro_clipper_with_memos_vs_dbfread(run_pyforge, work_dir, kind):
    rng = random.Random(12)
    path = work_dir / f"t_{kind}.dbf"
    spec = "name C(45); qty N(5,0); price N(12,2); born D; ok L; notes M"
    t = dbf.Table(str(path), spec, dbf_type=kind, codepage="cp1252")
    t.open(dbf.READ_WRITE)
    for r in random_rows(rng, 300):
        t.append(r)
    for i in range(0, 300, 17):
        dbf.delete(t[i])
    t.close()
    want = rows_dbfread(path)
    assert len(want) == 300 - len(range(0, 300, 17))
    out = convert(run_pyforge, path)
    check_both(out, want)
    types = {f.name: str(f.type) for f in pq.read_schema(out)}
    assert types == {"NAME": "string", "QTY": "int64", "PRICE": "double", "BORN": "date32[day]",
                     "OK": "bool", "NOTES": "string"}


def test_visual_foxpro_types_vs_dbfread(run_pyforge, work_dir):
    path = work_dir / "vfp.dbf"
    t = dbf.Table(str(path), "name C(20); n N(8,0); i I; y Y; b B; t T; d D; ok L; notes M",
                  dbf_type="vfp", codepage="cp1252")
    t.open(dbf.READ_WRITE)
    t.append(("Zoë", 42, 7, Decimal("12.3456"), 1.5, dt.datetime(2020, 1, 2, 3, 4, 5, 123000),
              dt.date(2020, 1, 2), True, "memo é"))
    t.append(("", None, -2147483647, Decimal("-922337203685477.5807"), -2.25e300, None, None, None, ""))
    t.append(("x", -1, 2147483646, Decimal("922337203685477.5807"), 0.1,
              dt.datetime(1899, 12, 31, 23, 59, 59, 999000), dt.date(1, 1, 1), False, "m" * 5000))
    t.close()
    out = convert(run_pyforge, path)
    check_both(out, rows_dbfread(path))
    s = pq.read_schema(out)
    assert str(s.field("Y").type) == "decimal128(19, 4)"
    assert str(s.field("T").type) == "timestamp[us]"
    assert str(s.field("I").type) == "int64"
    assert str(s.field("B").type) == "double"


# ---- variants written byte by byte ---------------------------------------

def test_vfp_nullflags_varchar_varbinary(run_pyforge, work_dir):
    # fields: C nullable (bit 1 after V's bit 0?) -- order: V var bit, V null bit, C null, Q var bit
    fields = [Field("V", "V", 10, flags=0x02), Field("C", "C", 5, flags=0x02),
              Field("Q", "Q", 6), Field("N", "N", 4, flags=0x02),
              Field("_NullFlags", "0", 1, flags=0x05)]
    # bits: V.var=0 V.null=1 C.null=2 Q.var=3 N.null=4

    def flags(*bits):
        return bytes([sum(1 << b for b in bits)])

    recs = [
        Record([b"abc" + b"\0" * 6 + b"\x03", b"hi   ", b"\x01\x02" + b"\0" * 3 + b"\x02", b"  12", flags(0, 3)]),
        Record([b"0123456789", b"full ", b"\xff" * 6, b"   1", flags()]),
        Record([b"\0" * 10, b"     ", b"\0" * 6, b"    ", flags(1, 2, 4)]),
        Record([b"  pad     ", b"x    ", b"\0" * 5 + b"\x00", b"-5  ", flags(3)]),
    ]
    path = work_dir / "vq.dbf"
    fx.write(path, Table(fields, recs, version=0x32, ldid=0x03))
    out = convert(run_pyforge, path)
    want = [
        {"V": "abc", "C": "hi", "Q": b"\x01\x02", "N": 12},
        {"V": "0123456789", "C": "full", "Q": b"\xff" * 6, "N": 1},
        {"V": None, "C": None, "Q": b"\0" * 6, "N": None},
        {"V": "  pad     ", "C": "x", "Q": b"", "N": -5},
    ]
    check_both(out, want)


def test_dbase7_binary_types(run_pyforge, work_dir):
    fields = [Field("LONG_FIELD_NAME_OF_DBASE7", "I", 4), Field("AUTO", "+", 4),
              Field("DBL", "O", 8), Field("TS", "@", 8), Field("D", "D", 8),
              Field("NAME", "C", 12), Field("AMOUNT", "N", 10, 2), Field("OK", "L", 1)]
    rows = [
        (123456, 1, 3.25, dt.datetime(2024, 2, 29, 13, 45, 30, 250000), dt.date(2024, 2, 29), "dBase 7", "1234.50", True),
        (-5, 2, -0.001, dt.datetime(1850, 1, 1, 0, 0, 0), dt.date(1850, 1, 1), "", "-0.01", False),
        (None, 3, None, None, None, "ÿ", None, None),
        (2147483647, -2147483647, 1e300, dt.datetime(9999, 12, 31, 23, 59, 59, 999000), dt.date(9999, 12, 31), "z", "9999999.99", True),
    ]
    recs = [Record([fx.db7_int(a), fx.db7_int(b), fx.db7_double(c), fx.db7_ts(d), fx.date(e),
                    fx.text(f, 12), fx.num(g, 10, 2), fx.logical(h)]) for a, b, c, d, e, f, g, h in rows]
    path = work_dir / "d7.dbf"
    fx.write(path, Table(fields, recs, version=0x04, ldid=0x57, ld_name=b"DBWINUS0"))
    out = convert(run_pyforge, path)
    want = [{"LONG_FIELD_NAME_OF_DBASE7": a, "AUTO": b, "DBL": c, "TS": d, "D": e, "NAME": f,
             "AMOUNT": None if g is None else float(g), "OK": h} for a, b, c, d, e, f, g, h in rows]
    check_both(out, want)
    rc, so, se = run_pyforge("info", path, "--json")
    info = json.loads(so)
    assert info["format"] == "dbf" and info["rows"] == 4, so


def test_dbase4_dbt_memo_blocks(run_pyforge, work_dir):
    texts = [b"first memo \xe9", b"m" * 1500, b"", b"binary\x00\x01\x02"]
    dbt, blocks = fx.memo_dbt4(texts)
    fields = [Field("ID", "N", 3), Field("NOTES", "M", 10), Field("BLOB", "B", 10), Field("OLE", "G", 10)]
    recs = [
        Record([fx.num(1, 3), fx.memo_ref(blocks[0]), fx.memo_ref(blocks[3]), fx.memo_ref(0)]),
        Record([fx.num(2, 3), fx.memo_ref(blocks[1]), fx.memo_ref(0), fx.memo_ref(blocks[3])]),
        Record([fx.num(3, 3), fx.memo_ref(blocks[2]), fx.memo_ref(0), fx.memo_ref(0)]),
        Record([fx.num(4, 3), fx.memo_ref(0), fx.memo_ref(0), fx.memo_ref(0)]),
    ]
    path = work_dir / "d4.dbf"
    fx.write(path, Table(fields, recs, version=0x8B, ldid=0x57))
    (work_dir / "D4.DBT").write_bytes(dbt)  # found ignoring letter case
    out = convert(run_pyforge, path)
    want = [
        {"ID": 1, "NOTES": "first memo é", "BLOB": b"binary\x00\x01\x02", "OLE": None},
        {"ID": 2, "NOTES": "m" * 1500, "BLOB": None, "OLE": b"binary\x00\x01\x02"},
        {"ID": 3, "NOTES": "", "BLOB": None, "OLE": None},
        {"ID": 4, "NOTES": None, "BLOB": None, "OLE": None},
    ]
    check_both(out, want)


def test_foxpro_fpt_picture_and_text_blocks(run_pyforge, work_dir):
    fpt, blocks = fx.memo_fpt([(1, "Привет".encode("cp866")), (0, b"\x89PNG\r\n"), (2, b"OLE")])
    fields = [Field("TXT", "M", 4), Field("PIC", "P", 4), Field("GEN", "G", 4)]
    recs = [Record([fx.memo_ref(blocks[0], 4), fx.memo_ref(blocks[1], 4), fx.memo_ref(blocks[2], 4)]),
            Record([fx.memo_ref(0, 4)] * 3)]
    path = work_dir / "fox.dbf"
    fx.write(path, Table(fields, recs, version=0x30, ldid=0x65))  # cp866
    (work_dir / "fox.fpt").write_bytes(fpt)
    out = convert(run_pyforge, path)
    check_both(out, [{"TXT": "Привет", "PIC": b"\x89PNG\r\n", "GEN": b"OLE"},
                     {"TXT": None, "PIC": None, "GEN": None}])


# ---- code pages ----------------------------------------------------------

CP_CASES = [
    # (ldid, encoding used to write, text)
    (0x65, "cp866", "Съешь же ещё этих мягких булок"),
    (0xC9, "cp1251", "Съешь же ещё этих мягких булок"),
    (0xC8, "cp1250", "Příliš žluťoučký kůň úpěl"),
    (0x02, "cp850", "Größe café naïve"),
    (0x7B, "cp932", "日本語のテキスト"),
    (0x4D, "gbk", "中文文本测试"),
    (0x03, "cp1252", "Zoë – “quoted” €5"),
]


@pytest.mark.parametrize("ldid,enc,words", CP_CASES)
def test_code_page_from_language_driver(run_pyforge, work_dir, ldid, enc, words):
    fields = [Field("T", "C", 60)]
    recs = [Record([fx.text(words, 60, enc)]), Record([fx.text(words[:5], 60, enc)])]
    path = work_dir / "cp.dbf"
    fx.write(path, Table(fields, recs, version=0x03, ldid=ldid))
    out = convert(run_pyforge, path)
    want = [{"T": words}, {"T": words[:5]}]
    check_both(out, want)
    if enc not in ("gbk",):  # dbfread names this one cp936, the same table
        assert_rows(rows_dbfread(path), want, "dbfread")


DETECT_CASES = [
    ("cp1252", "Müller Straße café crème brûlée Ærø"),
    ("cp1251", "Москва улица Пушкина дом Колотушкина"),
    ("cp850", "Müller Straße café crème"),
    ("utf-8", "Zoë Müller 日本 Москва"),
]


@pytest.mark.parametrize("enc,words", DETECT_CASES)
def test_code_page_detected_without_language_driver(run_pyforge, work_dir, enc, words):
    fields = [Field("T", "C", 80), Field("U", "C", 20)]
    recs = [Record([fx.text(w, 80, enc), fx.text("ascii", 20)]) for w in words.split(" ")]
    recs.append(Record([fx.text(words, 80, enc), fx.text("", 20)]))
    path = work_dir / "nold.dbf"
    fx.write(path, Table(fields, recs, version=0x03, ldid=0))
    out = convert(run_pyforge, path)
    want = [{"T": w, "U": "ascii"} for w in words.split(" ")] + [{"T": words, "U": ""}]
    check_both(out, want)


def test_cpg_file_and_encoding_option(run_pyforge, work_dir):
    words = "Ελληνικά κείμενα"
    path = work_dir / "shp.dbf"
    fx.write(path, Table([Field("T", "C", 40)], [Record([fx.text(words, 40, "cp1253")])], ldid=0x57))
    # the language driver says cp1252; a shapefile's .cpg file says otherwise
    (work_dir / "shp.cpg").write_text("ANSI 1253\n")
    check_both(convert(run_pyforge, path), [{"T": words}])
    (work_dir / "shp.cpg").unlink()
    # --encoding wins over everything
    check_both(convert(run_pyforge, path, "--encoding", "cp1253"), [{"T": words}])
    rc, so, se = run_pyforge("info", path, "--encoding", "cp1253", "--json")
    assert rc == 0 and "CP1253" in so or "cp1253" in so, so


def test_language_driver_contradicted_by_utf8_text(run_pyforge, work_dir):
    path = work_dir / "u.dbf"
    fx.write(path, Table([Field("T", "C", 30)], [Record([fx.text("Zoë 日本", 30, "utf-8")])], ldid=0x57))
    check_both(convert(run_pyforge, path), [{"T": "Zoë 日本"}])


# ---- records, types, options ---------------------------------------------

def deleted_table(path):
    fields = [Field("ID", "N", 5), Field("NAME", "C", 8)]
    recs = [Record([fx.num(i, 5), fx.text(f"n{i}", 8)], deleted=i % 3 == 0) for i in range(10)]
    fx.write(path, Table(fields, recs))


def test_deleted_records_left_out_and_kept(run_pyforge, work_dir):
    path = work_dir / "del.dbf"
    deleted_table(path)
    rc, so, se = run_pyforge("convert", path, "--force")
    assert rc == 0
    assert "4 deleted records left out" in se
    check_both(work_dir / "del.parquet", [{"ID": i, "NAME": f"n{i}"} for i in range(10) if i % 3])
    out = convert(run_pyforge, path, "--keep-deleted", out=work_dir / "keep.parquet")
    check_both(out, [{"ID": i, "NAME": f"n{i}", "_deleted": i % 3 == 0} for i in range(10)])
    rc, so, se = run_pyforge("info", path, "--json")
    info = json.loads(so)
    props = info.get("properties", info.get("props", {}))
    text = json.dumps(info)
    assert info["rows"] == 6 and '"deleted"' in text and "4" in json.dumps(props), so


def test_numbers_exact_types_and_overflow_markers(run_pyforge, work_dir):
    fields = [Field("I18", "N", 18), Field("I20", "N", 20), Field("D15", "N", 15, 3),
              Field("W", "N", 24, 6), Field("F", "F", 10, 4)]
    recs = [
        Record([fx.num("999999999999999999", 18), fx.num("99999999999999999999", 20),
                fx.num("12345678901.123", 15), fx.num("123456789012345.123456", 24), fx.num("1,5", 10)]),
        Record([fx.num("-000042", 18), fx.num("-1", 20), fx.num("0.1", 15), fx.num("-0.000001", 24),
                fx.num("1.5E+3", 10)]),
        Record([fx.num(None, 18), b"*" * 20, fx.num(None, 15), fx.num(None, 24), b"*" * 10]),
    ]
    path = work_dir / "nums.dbf"
    fx.write(path, Table(fields, recs))
    rc, so, se = run_pyforge("convert", path, "--force")
    assert rc == 0, se
    assert "2 numeric values filled with '*'" in se
    out = work_dir / "nums.parquet"
    s = pq.read_schema(out)
    assert [str(f.type) for f in s] == ["int64", "decimal128(20, 0)", "double", "decimal128(23, 6)", "double"]
    want = [
        {"I18": 999999999999999999, "I20": Decimal("99999999999999999999"), "D15": 12345678901.123,
         "W": Decimal("123456789012345.123456"), "F": 1.5},
        {"I18": -42, "I20": Decimal(-1), "D15": 0.1, "W": Decimal("-0.000001"), "F": 1500.0},
        {"I18": None, "I20": None, "D15": None, "W": None, "F": None},
    ]
    check_both(out, want)


def test_value_that_contradicts_its_type_widens_to_string(run_pyforge, work_dir):
    fields = [Field("N", "N", 5), Field("D", "D", 8), Field("L", "L", 1)]
    recs = [Record([fx.num(i, 5), fx.date(dt.date(2020, 1, 1)), b"T"]) for i in range(70000)]
    recs[69000] = Record([b"  abc", b"20240231", b"X"])
    path = work_dir / "wide.dbf"
    fx.write(path, Table(fields, recs))
    rc, so, se = run_pyforge("convert", path, "--force", "-j", "2", "--json")
    assert rc == 0, se
    res = json.loads(so)
    warn = " ".join(res["warnings"])
    assert "record 69001" in warn and "'abc'" in warn and "20240231" in warn, warn
    t = pq.read_table(work_dir / "wide.parquet")
    assert [str(f.type) for f in t.schema] == ["string", "string", "string"]
    assert t.column("N")[69000].as_py() == "abc" and t.column("N")[5].as_py() == "5"
    assert t.column("D")[69000].as_py() == "20240231" and t.column("D")[0].as_py() == "20200101"
    assert t.column("L")[69000].as_py() == "X" and t.column("L")[0].as_py() == "T"
    assert duckdb.sql(f"select count(*) from '{work_dir / 'wide.parquet'}'").fetchone()[0] == 70000


def test_all_strings(run_pyforge, work_dir):
    path = work_dir / "vfp.dbf"
    t = dbf.Table(str(path), "name C(10); n N(6,2); d D; ok L; y Y; t T; i I",
                  dbf_type="vfp", codepage="cp1252")
    t.open(dbf.READ_WRITE)
    t.append(("Zoë", 1.5, dt.date(2020, 1, 2), True, Decimal("12.3400"), dt.datetime(2020, 1, 2, 3, 4, 5), 7))
    t.append(("", None, None, None, Decimal(0), None, -1))
    t.close()
    out = convert(run_pyforge, path, "--all-strings")
    check_both(out, [
        {"NAME": "Zoë", "N": "1.50", "D": "2020-01-02", "OK": "true", "Y": "12.34",
         "T": "2020-01-02 03:04:05", "I": "7"},
        {"NAME": "", "N": "", "D": "", "OK": "", "Y": "0", "T": "", "I": "-1"},
    ])


def big_table(path, n):
    fields = [Field("ID", "N", 9), Field("NAME", "C", 16), Field("AMT", "N", 12, 2),
              Field("DAY", "D", 8), Field("FLAG", "L", 1)]
    recs = []
    for i in range(n):
        recs.append(Record([fx.num(i, 9), fx.text(f"näme {i % 1000}", 16),
                            fx.num(f"{(i * 7919) % 1000000 / 100:.2f}", 12),
                            fx.date(dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000)),
                            b"TF?"[i % 3:i % 3 + 1]], deleted=i % 97 == 0))
    fx.write(path, Table(fields, recs))


def test_parallel_and_compressed_give_the_same_rows(run_pyforge, work_dir):
    path = work_dir / "big.dbf"
    big_table(path, 200_000)
    a = convert(run_pyforge, path, "-j", "1", out=work_dir / "a.parquet")
    b = convert(run_pyforge, path, "-j", "4", out=work_dir / "b.parquet")
    gz = work_dir / "big2.dbf.gz"
    with open(path, "rb") as f, gzip.open(gz, "wb") as g:
        shutil.copyfileobj(f, g)
    c = convert(run_pyforge, gz, "-j", "3", out=work_dir / "c.parquet")
    ta, tb, tc = pq.read_table(a), pq.read_table(b), pq.read_table(c)
    assert ta.num_rows == 200_000 - len(range(0, 200_000, 97))
    assert ta.equals(tb) and ta.equals(tc)
    want = rows_dbfread(path)
    got = duckdb.sql(f"select * from '{b}'").fetchall()
    assert len(got) == len(want)
    for i in range(0, len(want), 997):
        assert list(got[i]) == [want[i][k] for k in want[i]], i


def test_sniffed_without_extension(run_pyforge, work_dir):
    path = work_dir / "table.bin"
    deleted_table(path)
    rc, so, se = run_pyforge("info", path, "--json")
    assert rc == 0 and json.loads(so)["format"] == "dbf", so + se


def test_info_fields_and_code_page(run_pyforge, work_dir):
    path = work_dir / "inf.dbf"
    fx.write(path, Table([Field("NAME", "C", 10), Field("AMT", "N", 20, 4), Field("_NullFlags", "0", 1, flags=1)],
                         [Record([fx.text("a", 10), fx.num("1.5", 20), b"\0"])], version=0x30, ldid=0xC9))
    rc, so, se = run_pyforge("info", path)
    assert rc == 0, se
    assert "0x30 Visual FoxPro" in so and "CP1251" in so and "language driver 0xC9" in so
    assert "N(20,4)" in so and "decimal(19,4)" in so and "(null flags, not a column)" in so


def test_what_real_writers_do(run_pyforge, work_dir):
    # exponents in N fields (shapelib writes them when a number is too wide),
    # a NUL deletion flag for kept records, a zero-length field, NUL padding
    fields = [Field("E", "N", 18, 4), Field("Z", "C", 0), Field("P", "N", 8)]
    recs = [Record([fx.num("1.5e+002", 18), b"", b"3444165\0"]),
            Record([fx.num("-2.5E-3", 18), b"", fx.num(7, 8)])]
    data = bytearray(fx.table_bytes(Table(fields, recs)))
    data[len(fx.header_bytes(Table(fields, recs)))] = 0  # record 1's flag: NUL
    path = work_dir / "real.dbf"
    path.write_bytes(bytes(data))
    out = convert(run_pyforge, path)
    assert str(pq.read_schema(out).field("E").type) == "decimal128(17, 4)"
    check_both(out, [{"E": Decimal("150.0000"), "Z": "", "P": 3444165},
                     {"E": Decimal("-0.0025"), "Z": "", "P": 7}])
