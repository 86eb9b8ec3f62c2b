"""The rest of the original PyForge CLI's surface (issue 12).

- Inputs that are no delimited text (PDF, Access, JSON, images, archives,
  binary data) are refused saying what they are, never read as CSV.
- `info --json` carries the original's keys beside PyForge's.
- `--all-strings` writes the strings and names the original 1.0.9 wrote.
- `--flatten-strategy aggressive` makes one row per XML document.

Every fixture is made here. The expectations of --all-strings come from
independent models of the original's rules (what openpyxl reads from the
workbook, turned into strings by the rule in docs/excel.md; pandas' header
naming as docs/types.md states it), checked on Parquet read back with
pyarrow AND DuckDB. The models were checked against the original 1.0.9
itself, side by side (tests/tools/side_by_side_original.py).
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import sqlite3
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lxml import etree

from pfcheck import original_names, read_duckdb, read_pyarrow


def read_both(path):
    """(names, columns) read by pyarrow, after checking DuckDB reads the same
    (DuckDB renames a column whose name differs from another's only in
    letter case, as --all-strings' original names may: value, Value_1)."""
    a, d = read_pyarrow(path), read_duckdb(path)
    if len({n.lower() for n in a.names}) == len(a.names):
        assert a.names == d.names
    assert a.columns == d.columns
    return a.names, a.columns


# ---- inputs that are no delimited text ----------------------------------------

def _png() -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _pdf() -> bytes:
    body = b"BT /F1 12 Tf 72 712 Td (name,city) Tj ET"
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length " + str(len(body)).encode()
            + b" >>\nstream\n" + body + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
            b"%%EOF\n")


def _zip(path, members, first=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if first:
            z.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members:
            z.writestr(name, data)


def _sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    con.execute("INSERT INTO t VALUES (1, 'x')")
    con.commit()
    con.close()


# name, how it is made, words the message must hold
REFUSED = [
    ("report.pdf", lambda p: p.write_bytes(_pdf()), ["the file is a PDF document", "pdf plugin"]),
    ("scan", lambda p: p.write_bytes(_pdf()), ["the file is a PDF document"]),
    ("scan.gz", lambda p: p.write_bytes(gzip.compress(_pdf())), ["the file is a PDF document"]),
    ("empty.pdf", lambda p: p.write_bytes(b""), ["the name says a PDF document (.pdf)"]),
    ("old.mdb", lambda p: p.write_bytes(b"\0\1\0\0Standard Jet DB\0" + bytes(2000)),
     ["Microsoft Access database (.mdb, Jet)", "access plugin"]),
    ("new", lambda p: p.write_bytes(b"\0\1\0\0Standard ACE DB\0" + bytes(2000)),
     ["Microsoft Access database (.accdb, ACE)", "access plugin"]),
    ("data.json", lambda p: p.write_text('[{"a": 1, "b": "x"}]\n'), ["JSON", "jsonl plugin", "plugins/template"]),
    ("events", lambda p: p.write_text('{"a": 1}\n{"a": 2}\n'), ["JSON", "jsonl plugin", "plugins/template"]),
    ("numbers", lambda p: p.write_text("[1, 2, 3]\n"), ["JSON", "jsonl plugin", "plugins/template"]),
    ("pixel", lambda p: p.write_bytes(_png()), ["a PNG image"]),
    ("photo", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF\0" + bytes(100)),
     ["a JPEG image"]),
    ("anim", lambda p: p.write_bytes(b"GIF89a\1\0\1\0" + bytes(20)), ["a GIF image"]),
    ("app.db", _sqlite, ["an SQLite database"]),
    ("bundle.zip", lambda p: _zip(p, [("a.csv", "x,y\n1,2\n")]), ["ZIP archive", "unpack it"]),
    ("bundle", lambda p: _zip(p, [("a.csv", "x,y\n1,2\n")]), ["ZIP archive"]),
    ("sheet.ods", lambda p: _zip(p, [("content.xml", "<x/>")],
                                 ("mimetype", "application/vnd.oasis.opendocument.spreadsheet")),
     ["OpenDocument spreadsheet"]),
    ("legacy", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
     ["OLE2 compound document", ".xlsx or CSV"]),
    ("blob", lambda p: p.write_bytes(b"a,b\n1,\0\n2,3\n"), ["NUL bytes", "--encoding UTF-16LE"]),
    ("ctl", lambda p: p.write_bytes(bytes(range(1, 9)) * 40 + b"a,b\n1,2\n"),
     ["control characters"]),
]


@pytest.mark.parametrize("name,make,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_inputs_say_what_they_are(run_pyforge, work_dir, assert_no_temp_files,
                                          name, make, words):
    src = work_dir / name
    make(src)
    out = work_dir / "out.parquet"
    for args in (("convert", src, out), ("info", src), ("validate", src)):
        rc, so, se = run_pyforge(*args)
        assert rc == 1, (args, rc, so, se)
        assert so == ""
        assert se.startswith(f"pyforge: error: {src}: "), se
        for w in words + ["supported inputs: csv (", "xlsx (", "dbf ("]:
            assert w in se, (w, se)
        assert "cannot tell" in se or "which is not installed in this build" in se, se
    assert not out.exists()
    assert_no_temp_files(work_dir)


def test_text_is_still_delimited_text(run_pyforge, work_dir):
    """Text without a telling name stays CSV: a header starting with '[',
    UTF-16 with a byte-order mark (NUL bytes, but text), a file named .pdf
    when the user says --input-format csv."""
    cases = {
        "brackets": ("[x],y\n1,2\n".encode(), ["[x]", "y"]),
        "wide": ("name,city\nJosé,Málaga\n".encode("utf-16"), ["name", "city"]),
        "table.pdf": (b"a,b\n1,2\n", ["a", "b"]),
    }
    for name, (data, names) in cases.items():
        src = work_dir / name
        src.write_bytes(data)
        out = work_dir / (name.replace(".", "_") + ".parquet")
        extra = ("--input-format", "csv") if name.endswith(".pdf") else ()
        rc, so, se = run_pyforge("convert", src, out, *extra)
        assert rc == 0, (name, se)
        assert read_both(out)[0] == names


# ---- the original's options -----------------------------------------------------

CATALOG = """<?xml version="1.0"?>
<catalog>
  <book id="1"><title>A</title><author><name>X</name></author><tag>a</tag><tag>b</tag></book>
  <book id="2"><title>B</title><author><name>Y</name></author><tag>c</tag></book>
  <book id="3"><title>C</title></book>
</catalog>
"""


def test_flatten_strategy(run_pyforge, work_dir):
    """conservative and moderate: the rows the detection gives (one per
    book); aggressive: one row per document, every value kept (joined),
    where the original kept the last book's values only."""
    src = work_dir / "catalog.xml"
    src.write_text(CATALOG)
    tree = etree.parse(str(src))
    books = tree.findall("book")
    outs = {}
    for strategy in ("default", "conservative", "moderate", "aggressive"):
        out = work_dir / f"{strategy}.parquet"
        extra = () if strategy == "default" else ("--flatten-strategy", strategy)
        rc, so, se = run_pyforge("convert", src, out, *extra)
        assert rc == 0, se
        outs[strategy] = read_both(out)
    assert outs["conservative"] == outs["default"] == outs["moderate"]
    names, cols = outs["default"]
    assert len(cols[0]) == len(books)
    names, cols = outs["aggressive"]
    row = dict(zip(names, (c[0] for c in cols)))
    assert len(cols[0]) == 1
    assert row["book._id"] == "; ".join(b.get("id") for b in books)
    assert row["book.title"] == "; ".join(b.findtext("title") for b in books)
    assert row["book.tag"] == "; ".join(t.text for t in tree.iter("tag"))
    assert row["book.author.name"] == "X; Y"
    # two documents in one file: a row each
    two = work_dir / "two.xml"
    two.write_text(CATALOG + CATALOG.replace('"1"', '"9"'))
    out = work_dir / "two.parquet"
    rc, so, se = run_pyforge("convert", two, out, "--flatten-strategy", "aggressive")
    assert rc == 0, se
    names, cols = read_both(out)
    assert names[0] == "_document_id" and cols[0] == [1, 2]
    assert cols[names.index("book._id")] == ["1; 2; 3", "9; 2; 3"]


def test_flatten_strategy_conflicts_with_row_tag(run_pyforge, work_dir):
    src = work_dir / "catalog.xml"
    src.write_text(CATALOG)
    rc, so, se = run_pyforge("convert", src, work_dir / "o.parquet",
                             "--flatten-strategy", "aggressive", "--row-tag", "book")
    assert rc == 2
    assert "--flatten-strategy aggressive makes each document one row" in se
    assert not (work_dir / "o.parquet").exists()


# ---- info --json: the original's keys ---------------------------------------------

# file, bytes, the original 1.0.9's values of (encoding, delimiter,
# has_header, estimated_rows) -- except where noted
INFO_CASES = [
    ("comma.csv", b"name,n\nx,1\ny,2\n", ("utf-8", ",", True, 2)),
    ("semi.csv", b'x;y\n"1,5";true\n2;\n', ("utf-8", ";", True, 2)),
    ("tab.tsv", b"c1\tc2\n1\t2\n", ("utf-8", "\t", True, 1)),
    ("pipe.csv", b"a|b\n1|2\n3|4\n", ("utf-8", "|", True, 2)),
    ("nohdr.csv", b"1,2\n3,4\n", ("utf-8", ",", False, 2)),
    ("bom.csv", "\ufeffname,city\nJosé,Málaga\n".encode(), ("utf-8-sig", ",", True, 1)),
    ("u16.csv", "name,city\nJosé,Málaga\n".encode("utf-16"), ("utf-16", ",", True, 1)),
    # the original's chardet guessed latin-1 here; PyForge says cp1252
    ("w1252.csv", "name,city\nJosé,Málaga\nRené,Köln\n".encode("cp1252"),
     ("cp1252", ",", True, 2)),
]


@pytest.mark.parametrize("name,data,want", INFO_CASES, ids=[c[0] for c in INFO_CASES])
def test_info_json_has_the_original_keys(run_pyforge, work_dir, name, data, want):
    src = work_dir / name
    src.write_bytes(data)
    for flag in (("--json",), ("--format", "json")):
        rc, so, se = run_pyforge("info", src, *flag)
        assert rc == 0, se
        d = json.loads(so)
        # PyForge's own keys stay
        assert d["format"] == "csv" and d["size_bytes"] == len(data)
        st = os.stat(src)
        assert d["file_name"] == name
        assert d["file_path"] == str(src)
        assert d["file_size"] == st.st_size
        assert d["file_type"] == "CSV"
        assert abs(d["last_modified"] - st.st_mtime) < 1e-5
        assert (d["encoding"], d["delimiter"], d["has_header"], d["estimated_rows"]) == want


def test_info_json_original_keys_other_formats(run_pyforge, work_dir):
    xml = work_dir / "catalog.xml"
    xml.write_text(CATALOG)
    book = work_dir / "b.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a"])
    wb.active.append([1])
    wb.save(book)
    for src, ftype, extra in ((xml, "XML", {"root_element": "catalog", "encoding": "utf-8"}),
                              (book, "XLSX", {})):
        rc, so, se = run_pyforge("info", src, "--json")
        assert rc == 0, se
        d = json.loads(so)
        assert d["file_type"] == ftype and d["file_name"] == src.name
        assert d["file_size"] == src.stat().st_size
        assert d["estimated_rows"] == d["rows"]
        for k, v in extra.items():
            assert d[k] == v


# ---- --all-strings: the original's names ------------------------------------------

def test_original_names_model():
    """The model against what the original 1.0.9 (pandas 1.5.3) printed."""
    assert original_names(["a", "", "a", " a ", "a.1", "b", "b", "a"]) == \
        ["a", "Unnamed: 1", "a.2", "a_duplicate_1", "a.1", "b", "b.1", "a.3"]
    assert original_names(["id", "value", "value", "Value", "name"]) == \
        ["id", "value", "value.1", "Value", "name"]
    assert original_names(["a", "a", "a.1", "a.1"]) == ["a", "a.2", "a.1", "a.1.1"]


def test_all_strings_csv_names(run_pyforge, work_dir):
    rnd = random.Random(12)
    alphabet = ["a", "a", "A", "a.1", "a.2", "", " a", "'a'", '"b"', "b", "b.1", "Unnamed: 2",
                "Column_3", " "]
    for trial in range(40):
        n = rnd.randint(1, 9)
        header = [rnd.choice(alphabet) for _ in range(n)]
        src = work_dir / f"h{trial}.csv"
        # quoted fields: spaces and quotes reach pandas as written
        line = ",".join('"' + h.replace('"', '""') + '"' for h in header)
        src.write_text(line + "\n" + ",".join(str(i) for i in range(n)) + "\n")
        out = work_dir / f"h{trial}.parquet"
        rc, so, se = run_pyforge("convert", src, out, "--all-strings", "--header")
        assert rc == 0, se
        names, cols = read_both(out)
        assert names == original_names(header), header
        assert cols == [[str(i)] for i in range(n)]


# ---- --all-strings: the original's Excel strings -----------------------------------

def original_text(v) -> str:
    """The original's string for a value openpyxl read (docs/excel.md)."""
    if v is None:
        return ""
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        return str(Decimal(str(v)))
    return str(v)


def original_sheet(path, sheet):
    """(names, columns) the original wrote for a sheet whose first row is
    the header: blank rows left out, values as original_text."""
    wb = openpyxl.load_workbook(path, data_only=True)
    rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    names = original_names([None if h is None else str(h) for h in header])
    cols = [[original_text(r[j] if j < len(r) else None) for r in body]
            for j in range(len(header))]
    return names, cols


def random_float(rnd) -> float:
    mant = rnd.uniform(-10, 10)
    return float(f"{mant:.{rnd.randint(1, 17)}g}") * 10.0 ** rnd.randint(-12, 22)


def book_openpyxl(path, rnd):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Types"
    ws.append(["id", "name", "value", "value", "flag", "when", "day", "at", "small", "big",
               "whole", "blank", "Value", "err"])
    fixed = [
        [1, "alpha", 1.5, 2, True, dt.datetime(2024, 1, 15, 13, 45, 30), dt.date(2024, 1, 15),
         dt.time(9, 5, 7), 1e-7, 12345678901234.5, 3, None, "x", "#N/A"],
        [2, "", None, -7, False, dt.datetime(2024, 2, 29), dt.date(1999, 12, 31),
         dt.time(0, 0), 0.00001, 1e20, -0.0, None, "y", "#DIV/0!"],
        [3, " spaced ", 0.1, 100, None, dt.datetime(2024, 3, 1, 23, 59, 59, 500000), None,
         dt.time(23, 59, 59, 250000), 123.456789, 1e15, 2 ** 60, None, None, None],
        [4, "gamma", 0.1 + 0.2, 1 / 3, True, dt.datetime(1900, 1, 1, 6), dt.date(1900, 3, 1),
         None, 1.5e-6, 1e16, -12, None, "z", "#VALUE!"],
    ]
    for r in fixed:
        ws.append(r)
    ws.append([None] * 14)  # a blank row between data rows: left out
    for i in range(300):
        ws.append([5 + i, f"r{i}", random_float(rnd), random_float(rnd), rnd.random() < 0.5,
                   dt.datetime(1990, 1, 1) + dt.timedelta(seconds=rnd.randint(0, 10 ** 9),
                                                           milliseconds=rnd.randint(0, 999)),
                   dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randint(0, 40000)),
                   dt.time(rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)),
                   random_float(rnd), rnd.randint(-10 ** 15, 10 ** 15), rnd.randint(-999, 999),
                   None, f"v{i}", None])
    wb.save(path)


def book_xlsxwriter(path, rnd, date_1904=False):
    """Numbers written as XlsxWriter writes them (%.16G), formulas with
    cached results (number, text, boolean, error), dates under formats."""
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    ws = wb.add_worksheet("Calc")
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    tfmt = wb.add_format({"num_format": "hh:mm:ss"})
    dtfmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"})
    ws.write_row(0, 0, ["n", "f", "d", "t", "dt", "text"])
    for r in range(1, 200):
        ws.write_number(r, 0, random_float(rnd))
        kind = r % 4
        if kind == 0:
            ws.write_formula(r, 1, f"=A{r + 1}*2", None, r * 2.5)
        elif kind == 1:
            ws.write_formula(r, 1, '="a"&"b"', None, "ab")
        elif kind == 2:
            ws.write_formula(r, 1, "=1=1", None, True)
        else:
            ws.write_formula(r, 1, "=1/0", None, "#DIV/0!")
        ws.write_datetime(r, 2, dt.datetime(1905, 1, 1) + dt.timedelta(days=rnd.randint(0, 60000)),
                          dfmt)
        ws.write_datetime(r, 3, dt.datetime(1905, 1, 1, rnd.randint(0, 23), rnd.randint(0, 59)),
                          tfmt)
        ws.write_datetime(r, 4, dt.datetime(1905, 1, 1) + dt.timedelta(
            seconds=rnd.randint(0, 3 * 10 ** 9), milliseconds=rnd.randint(0, 999)), dtfmt)
        ws.write_string(r, 5, f"t{r}")
    wb.close()


@pytest.mark.parametrize("maker,sheet", [("openpyxl", "Types"), ("xlsxwriter", "Calc"),
                                         ("xlsxwriter_1904", "Calc")])
def test_all_strings_excel_like_the_original(run_pyforge, work_dir, maker, sheet):
    rnd = random.Random(7)
    book = work_dir / f"{maker}.xlsx"
    if maker == "openpyxl":
        book_openpyxl(book, rnd)
    else:
        book_xlsxwriter(book, rnd, date_1904=maker.endswith("1904"))
    out = work_dir / f"{maker}.parquet"
    rc, so, se = run_pyforge("convert", book, out, "--sheet", sheet, "--all-strings")
    assert rc == 0, se
    names, cols = read_both(out)
    want_names, want_cols = original_sheet(book, sheet)
    assert names == want_names
    for name, got, want in zip(names, cols, want_cols):
        bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
        assert not bad and len(got) == len(want), (name, bad[:5])


def test_all_strings_excel_fixed_texts(run_pyforge, work_dir):
    """The texts the original 1.0.9 wrote for these cells, literally."""
    book = work_dir / "fixed.xlsx"
    book_openpyxl(book, random.Random(7))
    out = work_dir / "fixed.parquet"
    rc, so, se = run_pyforge("convert", book, out, "--sheet", "Types", "--all-strings")
    assert rc == 0, se
    names, cols = read_both(out)
    rows = list(zip(*cols))
    assert names[:5] == ["id", "name", "value", "value.1", "flag"]
    assert rows[0] == ("1", "alpha", "1.5", "2", "True", "2024-01-15T13:45:30",
                       "2024-01-15T00:00:00", "09:05:07", "1E-7", "12345678901234.5", "3", "",
                       "x", "#N/A")
    assert rows[1][:11] == ("2", "", "", "-7", "False", "2024-02-29T00:00:00",
                            "1999-12-31T00:00:00", "00:00:00", "0.00001", "1E+20", "0")
    assert rows[2][5] == "2024-03-01T23:59:59.500000"
    # openpyxl writes 2**60 as the float text 1.152921504606847e+18
    assert rows[2][9:11] == ("1000000000000000", "1.152921504606847E+18")
    assert rows[3][8:10] == ("0.0000015", "1E+16")
    assert rows[4][0] == "5"  # the blank row is left out
    rc, so, se = run_pyforge("info", book, "--sheet", "Types", "--all-strings", "--json")
    assert rc == 0, se
    assert json.loads(so)["rows"] == len(rows)  # info counts the rows convert writes
