"""Excel workbooks -> Parquet, checked value by value.

Each workbook is written at test time by an independent writer (openpyxl or
XlsxWriter, including XlsxWriter's constant_memory mode, which writes inline
strings), converted with `pyforge convert`, read back with pyarrow AND
DuckDB, and compared with a model built from what openpyxl reads from the
same workbook, following the documented rules (docs/excel.md): header
detection, used column range, blank rows, types by number format, error
cells as nulls, mixed columns as text "as Excel shows it".
"""
from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
import xlsxwriter

from pfcheck import Loaded, header_names, read_duckdb, read_pyarrow

BOOL, INT, DOUBLE, DATE, TS, TIME, STRING = "bool", "int", "double", "date", "ts", "time", "string"
ARROW = {BOOL: pa.bool_(), INT: pa.int64(), DOUBLE: pa.float64(), DATE: pa.date32(),
         TS: pa.timestamp("us"), TIME: pa.time64("us"), STRING: pa.string()}
DUCK = {BOOL: "BOOLEAN", INT: "BIGINT", DOUBLE: "DOUBLE", DATE: "DATE", TS: "TIMESTAMP",
        TIME: "TIME", STRING: "VARCHAR"}


# ---- the model: what openpyxl reads, typed by the documented rules ----------

def fmt_class(code: str) -> str:
    """Date/time class of a number format, written independently of the C
    classifier from the rule in docs/excel.md."""
    code = code.split(";")[0]
    code = re.sub(r'"[^"]*"', "", code)
    code = re.sub(r"[\\_*].", "", code)
    if re.search(r"\[(h+|m+|s+)\]", code, re.I):
        return "number"
    code = re.sub(r"\[[^\]]*\]", "", code)
    code = re.sub(r"general", "", code, flags=re.I)
    time = bool(re.search(r"[hs]|am/pm|a/p", code, re.I))
    date = bool(re.search(r"[yd]", code, re.I)) or (not time and bool(re.search("m", code, re.I)))
    return "datetime" if date and time else "date" if date else "time" if time else "number"


def cell_model(cell):
    """(type, value) of an openpyxl cell, or None when empty."""
    v = cell.value
    if v is None:
        return None
    if cell.data_type == "e":
        return ("err", v)
    if isinstance(v, bool):
        return (BOOL, v)
    if isinstance(v, str):
        return (STRING, v)
    if isinstance(v, dt.datetime):
        if fmt_class(cell.number_format) == "date" and v.time() == dt.time(0):
            return (DATE, v.date())
        return (TS, v)
    if isinstance(v, dt.date):
        return (DATE, v)
    if isinstance(v, dt.time):
        return (TIME, v)
    if isinstance(v, (int, float)):
        f = float(v)
        if f.is_integer() and abs(f) < 2 ** 53:
            return (INT, int(f))
        return (DOUBLE, f)
    raise AssertionError(f"unexpected value {v!r} at {cell.coordinate}")


def widen(a, b):
    if a is None or a == b:
        return b
    if {a, b} == {INT, DOUBLE}:
        return DOUBLE
    if {a, b} == {DATE, TS}:
        return TS
    return STRING


def excel_text(t, v) -> str:
    if t == STRING:
        return v
    if t == BOOL:
        return "TRUE" if v else "FALSE"
    if t == INT:
        return str(v)
    if t == DOUBLE:
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v).upper()
    if t == DATE:
        return v.isoformat()
    if t == TS:
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        return s + (f".{v.microsecond:06d}".rstrip("0") if v.microsecond else "")
    if t == TIME:
        s = v.strftime("%H:%M:%S")
        return s + (f".{v.microsecond:06d}".rstrip("0") if v.microsecond else "")
    raise AssertionError(t)


def convert(t, ct, v):
    if ct == STRING:
        return excel_text(t, v)
    if ct == DOUBLE:
        return float(v)
    if ct == TS and t == DATE:
        return dt.datetime(v.year, v.month, v.day)
    return v


def model(path, sheets, *, header_row=None, no_header=False, fill_merged=False,
          table_column=None):
    """Expected (names, types, columns) for the sheets combined by position."""
    wb = openpyxl.load_workbook(path, data_only=True)
    per_sheet = []
    for name in sheets:
        ws = wb[name]
        grid = {}
        for row in ws.iter_rows():
            for c in row:
                m = cell_model(c)
                if m is not None:
                    grid[(c.row, c.column)] = m
        if fill_merged:
            for rng in ws.merged_cells.ranges:
                top = grid.get((rng.min_row, rng.min_col))
                if top is None:
                    continue
                for r in range(rng.min_row, rng.max_row + 1):
                    for c in range(rng.min_col, rng.max_col + 1):
                        grid.setdefault((r, c), top)
        rows = sorted({r for r, _ in grid})
        hdr_row = None
        if header_row:
            hdr_row = header_row
            rows = [r for r in rows if r > header_row]
        elif not no_header and rows:
            def cells(r):
                return [v for (rr, _), v in grid.items() if rr == r]

            def one_text(r):
                c = cells(r)
                return len(c) == 1 and c[0][0] == STRING
            # leading rows of one text cell (at most 10): titles when a row
            # of two or more text cells follows, else a one-column table
            k = 0
            while k < len(rows) and k < 10 and one_text(rows[k]):
                k += 1
            nxt = cells(rows[k]) if k < len(rows) else []
            if k and len(nxt) >= 2 and all(t == STRING for t, _ in nxt):
                hdr_row = rows[k]
                rows = rows[k + 1:]
            elif k:
                hdr_row = rows[0]
                rows = rows[1:]
            elif all(t == STRING for t, _ in cells(rows[0])):
                hdr_row = rows[0]
                rows = rows[1:]
        cols = [c for (r, c) in grid if r in rows or r == hdr_row]
        lo, hi = (min(cols), max(cols)) if cols else (1, 0)
        hdr = None
        if hdr_row:
            hdr = [excel_text(*grid[(hdr_row, c)]) if (hdr_row, c) in grid else ""
                   for c in range(lo, hi + 1)]
        data = []
        if rows:
            for r in range(rows[0], rows[-1] + 1):
                data.append([grid.get((r, c)) for c in range(lo, hi + 1)])
        per_sheet.append((name, hdr, data, hi - lo + 1))
    width = max(w for *_, w in per_sheet)
    hdr = None
    for _, h, _, _ in per_sheet:
        if h is not None:
            hdr = (hdr or []) + [""] * (len(h) - len(hdr or []))
            hdr = [a or b for a, b in zip(hdr, h)] + hdr[len(h):]
    names = header_names([*(hdr or []), *[""] * (width - len(hdr or []))], width)
    types = [None] * width
    for _, _, data, _ in per_sheet:
        for row in data:
            for j, m in enumerate(row):
                if m is not None and m[0] != "err":
                    types[j] = widen(types[j], m[0])
    types = [t or STRING for t in types]
    cols = [[] for _ in range(width)]
    tcol = []
    for name, _, data, w in per_sheet:
        for row in data:
            tcol.append(name)
            for j in range(width):
                m = row[j] if j < w else None
                cols[j].append(None if m is None or m[0] == "err" else convert(m[0], types[j], m[1]))
    if table_column:
        return [table_column, *names], [STRING, *types], [tcol, *cols]
    return names, types, cols


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b) and a is not None and b is not None:
        return False
    return a == b


def check(out, expected):
    names, types, cols = expected
    for loaded, tmap in ((read_pyarrow(out), ARROW), (read_duckdb(out), DUCK)):
        who = loaded.reader
        assert loaded.names == names, f"{who}: names {loaded.names} != {names}"
        want = [tmap[t] for t in types]
        assert [str(t) for t in loaded.types] == [str(t) for t in want], \
            f"{who}: types {loaded.types} != {want}"
        problems = []
        for name, got, exp in zip(names, loaded.columns, cols):
            assert len(got) == len(exp), f"{who}: column {name}: {len(got)} rows, expected {len(exp)}"
            for i, (g, w) in enumerate(zip(got, exp)):
                if not same(g, w):
                    problems.append(f"{name} row {i + 1}: got {g!r}, expected {w!r}")
        assert not problems, f"{who}:\n  " + "\n  ".join(problems[:8])


@pytest.fixture
def convert_sheet(run_pyforge, work_dir, assert_no_temp_files):
    def go(book, *args, out=None):
        out = out or work_dir / (Path(book).stem + "_" + str(abs(hash(args)) % 10000) + ".parquet")
        rc, so, se = run_pyforge("convert", book, out, "--force", *args)
        assert rc == 0, f"exit {rc}\nstdout: {so}\nstderr: {se}"
        assert_no_temp_files(out.parent)
        return out, se
    return go


# ---- workbooks ---------------------------------------------------------------

def book_types_openpyxl(path):
    rnd = random.Random(7)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Types"
    ws.append(["id", "name", "price", "ratio", "day", "stamp", "clock", "flag", "amount", "mixed"])
    for i in range(1, 301):
        ws.append([
            i * 1000003 - 5,
            rnd.choice(["alpha", "Ελλάδα", "東京", "café 😀", " padded ", "x" * 40]),
            round(rnd.uniform(-1e6, 1e6), rnd.randint(0, 6)),
            rnd.random(),
            dt.date(1900, 3, 1) + dt.timedelta(days=rnd.randint(0, 60000)),
            dt.datetime(2001, 2, 3, 4, 5, 6) + dt.timedelta(seconds=rnd.randint(0, 10 ** 9)),
            dt.time(rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)),
            rnd.random() < 0.5,
            rnd.randint(-10 ** 6, 10 ** 6) / 100,
            [17, "text", 2.5, True, dt.date(2020, 1, 2)][i % 5],
        ])
        r = ws.max_row
        ws.cell(r, 3).number_format = '"$"#,##0.00'
        ws.cell(r, 4).number_format = "0.00%"
        ws.cell(r, 5).number_format = "dd/mm/yyyy"
        ws.cell(r, 6).number_format = "yyyy-mm-dd hh:mm:ss"
        ws.cell(r, 7).number_format = "h:mm:ss AM/PM"
        ws.cell(r, 9).number_format = "#,##0.00 [$€-407];[Red]-#,##0.00"
        if i % 5 == 4:
            ws.cell(r, 10).number_format = "yyyy-mm-dd"
    ws.cell(50, 3).value = None     # empty cells are nulls
    ws.cell(51, 8).value = None
    wb.save(path)


def test_types_openpyxl(work_dir, convert_sheet):
    book = work_dir / "types.xlsx"
    book_types_openpyxl(book)
    out, _ = convert_sheet(book, "--sheet", "Types")
    check(out, model(book, ["Types"]))
    exp = model(book, ["Types"])
    assert exp[1] == [INT, STRING, DOUBLE, DOUBLE, DATE, TS, TIME, BOOL, DOUBLE, STRING]


def book_formulas_errors(path, constant_memory=False, date_1904=False):
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "date_1904": date_1904})
    ws = wb.add_worksheet("Calc")
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    tfmt = wb.add_format({"num_format": "hh:mm"})
    pct = wb.add_format({"num_format": "0%"})
    bold = wb.add_format({"bold": True, "italic": True})
    ws.write_row(0, 0, ["n", "twice", "label", "ratio", "when", "at", "rich", "err"])
    errors = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"]
    for r in range(1, 200):
        ws.write_number(r, 0, r)
        ws.write_formula(r, 1, f"=A{r + 1}*2", None, r * 2)
        ws.write_formula(r, 2, f'="L"&A{r + 1}', None, f"L{r}")
        ws.write_number(r, 3, r / 400, pct)
        ws.write_datetime(r, 4, dt.datetime(1999, 12, 31) + dt.timedelta(days=r * 37), dfmt)
        ws.write_datetime(r, 5, dt.time((r * 7 % 1440) // 60, r * 7 % 60), tfmt)
        ws.write_rich_string(r, 6, "plain ", bold, f"bold{r}", " tail")
        if r % 10 == 3:
            ws.write_formula(r, 7, f"=1/0+{r}", None, errors[r % 4])
        else:
            ws.write_number(r, 7, r * 0.5)
    wb.close()


@pytest.mark.parametrize("constant_memory", [False, True])
@pytest.mark.parametrize("date_1904", [False, True])
def test_xlsxwriter_formulas_rich_errors(work_dir, convert_sheet, constant_memory, date_1904):
    book = work_dir / f"calc_{int(constant_memory)}{int(date_1904)}.xlsx"
    book_formulas_errors(book, constant_memory, date_1904)
    if constant_memory:
        assert b"inlineStr" in _part(book, "xl/worksheets/sheet1.xml")
    out, se = convert_sheet(book, "--sheet", "Calc")
    exp = model(book, ["Calc"])
    assert exp[1] == [INT, INT, STRING, DOUBLE, DATE, TIME, STRING, DOUBLE]
    check(out, exp)
    # Error cells are nulls, counted in a warning naming the first places.
    assert "20 error cells read as null" in se, se
    assert "#REF! at Calc!H4, #DIV/0! at Calc!H14" in se, se


def _part(book, name):
    import zipfile
    with zipfile.ZipFile(book) as z:
        return z.read(name)


def test_offset_table_blank_rows_and_columns(work_dir, convert_sheet):
    """A table starting at C5, a blank row inside, blank rows/columns around."""
    book = work_dir / "offset.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    ws["C5"], ws["D5"], ws["F5"] = "Region", "Sales", "Note"
    for i, (reg, s) in enumerate([("North", 10), ("South", 20.5), (None, None), ("East", 7)]):
        ws.cell(6 + i, 3, reg)
        ws.cell(6 + i, 4, s)
    ws["F7"] = "late"
    ws["H20"].number_format = "0.00"  # styled but empty: not data
    wb.save(book)
    out, _ = convert_sheet(book)
    exp = model(book, ["Report"])
    assert exp[0] == ["Region", "Sales", "Column_3", "Note"]
    assert len(exp[2][0]) == 4
    check(out, exp)


def test_header_row_and_no_header(work_dir, convert_sheet):
    book = work_dir / "hdr.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["Quarterly report"])
    ws.append([])
    ws.append(["a", "b", "a"])
    for i in range(5):
        ws.append([i, f"v{i}", i * 0.5])
    wb.save(book)
    out, _ = convert_sheet(book, "--header-row", "3")
    exp = model(book, ["S"], header_row=3)
    assert exp[0] == ["a", "b", "a_2"]
    check(out, exp)
    out, _ = convert_sheet(book, "--no-header")
    exp = model(book, ["S"], no_header=True)
    assert exp[0] == ["Column_1", "Column_2", "Column_3"]
    check(out, exp)
    # Detected: the one-cell row above the row of text cells is a title,
    # left out; row 3 names the columns.
    out, _ = convert_sheet(book)
    exp = model(book, ["S"])
    assert exp[0] == ["a", "b", "a_2"]
    check(out, exp)


def test_title_rows_and_one_column_tables(work_dir, convert_sheet):
    # a merged caption and a subtitle above the header, as reports have
    book = work_dir / "titles.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("Report")
    ws.merge_range(0, 0, 0, 3, "Sales report", wb.add_format({"bold": True}))
    ws.write_string(1, 1, "generated 2026-11-21")
    ws.write_row(3, 0, ["region", "units", "price", "day"])
    for i in range(20):
        ws.write_row(4 + i, 0, [f"r{i % 3}", i, i / 4])
        ws.write_datetime(4 + i, 3, dt.datetime(2026, 1, 1 + i), wb.add_format({"num_format": "yyyy-mm-dd"}))
    wb.close()
    out, _ = convert_sheet(book)
    exp = model(book, ["Report"])
    assert exp[0] == ["region", "units", "price", "day"] and len(exp[2][0]) == 20
    check(out, exp)
    # a one-column table of text: the first cell names it, the rest is data
    book = work_dir / "onecol.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Names"
    for v in ["name", "Ann", "Bob", "Chloé"]:
        ws.append([v])
    wb.save(book)
    out, _ = convert_sheet(book)
    exp = model(book, ["Names"])
    assert exp[0] == ["name"] and exp[2] == [["Ann", "Bob", "Chloé"]]
    check(out, exp)
    # more one-cell rows than the title limit, then numbers
    book = work_dir / "long1col.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "L"
    for v in ["code", *[f"c{i}" for i in range(14)], 7, 8]:
        ws.append([v])
    wb.save(book)
    out, _ = convert_sheet(book)
    exp = model(book, ["L"])
    assert exp[0] == ["code"] and len(exp[2][0]) == 16
    check(out, exp)


def test_merged_cells(work_dir, convert_sheet):
    book = work_dir / "merged.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("M")
    f = wb.add_format({"align": "center"})
    ws.write_row(0, 0, ["group", "item", "qty"])
    ws.merge_range("A2:A4", "fruit", f)
    ws.merge_range("A5:A6", "veg", f)
    ws.merge_range("B7:C7", "total", f)
    for r, (item, q) in enumerate([("apple", 3), ("pear", 4), ("plum", 5), ("leek", 1), ("kale", 2)]):
        ws.write(1 + r, 1, item)
        ws.write(1 + r, 2, q)
    wb.close()
    out, _ = convert_sheet(book, "--fill-merged")
    exp = model(book, ["M"], fill_merged=True)
    assert exp[2][0] == ["fruit"] * 3 + ["veg"] * 2 + [None]
    assert exp[1][2] == STRING  # "total" filled into the qty column
    check(out, exp)
    out, _ = convert_sheet(book)
    exp = model(book, ["M"])
    assert exp[2][0] == ["fruit", None, None, "veg", None, None]
    check(out, exp)


def book_several(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Jan"
    ws.append(["Id", "Amount"])
    ws.append([1, 10])
    ws.append([2, 20])
    ws = wb.create_sheet("Feb")
    ws.append(["id ", "amount"])  # same header once trimmed and lower-cased
    ws.append([3, 30.5])
    ws = wb.create_sheet("Notes")
    ws.append(["text"])
    ws.append(["hello"])
    ws = wb.create_sheet("Secret")
    ws.sheet_state = "hidden"
    ws.append(["k"])
    ws.append([True])
    wb.create_sheet("Empty")
    wb.save(path)


def test_several_sheets_combined_and_separate(work_dir, run_pyforge, assert_no_temp_files):
    book = work_dir / "months.xlsx"
    book_several(book)
    rc, so, se = run_pyforge("convert", book)
    assert rc == 0, se
    outdir = work_dir / "months_parquet"
    files = sorted(p.name for p in outdir.iterdir())
    assert files == ["months_Jan.parquet", "months_Notes.parquet", "months_Secret.parquet"], files
    check(outdir / "months_Jan.parquet", model(book, ["Jan", "Feb"], table_column="sheet_name"))
    check(outdir / "months_Notes.parquet", model(book, ["Notes"]))
    check(outdir / "months_Secret.parquet", model(book, ["Secret"]))
    assert_no_temp_files(outdir)
    sep = work_dir / "sep"
    rc, so, se = run_pyforge("convert", book, sep, "--separate")
    assert rc == 0, se
    assert sorted(p.name for p in sep.iterdir()) == [
        "months_Feb.parquet", "months_Jan.parquet", "months_Notes.parquet", "months_Secret.parquet"]
    check(sep / "months_Feb.parquet", model(book, ["Feb"]))


def test_sheet_selection_and_unknown_sheet(work_dir, run_pyforge):
    book = work_dir / "months.xlsx"
    book_several(book)
    out = work_dir / "feb.parquet"
    rc, so, se = run_pyforge("convert", book, out, "--sheet", "Feb")
    assert rc == 0, se
    check(out, model(book, ["Feb"]))
    rc, so, se = run_pyforge("convert", book, work_dir / "x.parquet", "--sheet", "March")
    assert rc == 1
    assert "March" in se and "Jan" in se, se
    assert not (work_dir / "x.parquet").exists()


def test_widening_late_value_restarts(work_dir, convert_sheet):
    """A text value after the sampled rows widens an int column to string."""
    book = work_dir / "late.xlsx"
    wb = xlsxwriter.Workbook(str(book), {"constant_memory": True})
    ws = wb.add_worksheet("L")
    ws.write_row(0, 0, ["k", "v"])
    for r in range(1, 5001):
        ws.write_number(r, 0, r)
        if r == 4000:
            ws.write_string(r, 1, "n/a")
        elif r == 2000:
            ws.write_number(r, 1, 0.25)
        else:
            ws.write_number(r, 1, r * 3)
    wb.close()
    out, se = convert_sheet(book)
    assert "widened from" in se and "L!B" in se, se
    exp = model(book, ["L"])
    assert exp[1] == [INT, STRING]
    check(out, exp)


def test_wide_and_long_cells(work_dir, convert_sheet, run_pyforge):
    book = work_dir / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(book), {"constant_memory": True})
    ws = wb.add_worksheet("W")
    ws.write_row(0, 0, [f"c{i}" for i in range(16384)])
    ws.write_row(1, 0, list(range(16384)))
    ws.write_row(2, 0, ["é" * 32767] + [None] * 16382 + [1.5])
    wb.close()
    out, _ = convert_sheet(book, "--max-columns", "16384")
    check(out, model(book, ["W"]))
    rc, so, se = run_pyforge("convert", book, work_dir / "w2.parquet")
    assert rc == 1 and "16384 columns" in se and "--max-columns" in se, se
    assert not (work_dir / "w2.parquet").exists()


def test_sniff_without_extension(work_dir, run_pyforge):
    book = work_dir / "data.xlsx"
    book_types_openpyxl(book)
    plain = work_dir / "download.bin"
    plain.write_bytes(book.read_bytes())
    out = work_dir / "sniffed.parquet"
    rc, so, se = run_pyforge("convert", plain, out)
    assert rc == 0, se
    check(out, model(book, ["Types"]))


def test_info_lists_sheets(work_dir, run_pyforge):
    book = work_dir / "months.xlsx"
    book_several(book)
    rc, so, se = run_pyforge("info", book)
    assert rc == 0, se
    for word in ("Jan", "Feb", "Notes", "Secret", "hidden", "1900"):
        assert word in so, so


def test_parallel_and_serial_agree(work_dir, run_pyforge):
    """Several threads cut the sheet XML at <row> starts (xlsx_par.c); one
    thread reads it as one stream. Same output, also where the parallel
    reader must hand over to the serial one: a comment inside sheetData
    (after rows were taken) and rows without r= attributes."""
    import zipfile
    import pyarrow.parquet as pq
    book = work_dir / "big.xlsx"
    wb = xlsxwriter.Workbook(str(book), {"constant_memory": True})
    ws = wb.add_worksheet("B")
    ws.write_row(0, 0, ["k", "s", "d"])
    dfmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r in range(1, 25001):
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, f"v{r % 977} <&> é")
        if r % 7:
            ws.write_datetime(r, 2, dt.datetime(2000, 1, 1) + dt.timedelta(days=r % 5000), dfmt)
    wb.close()
    sheet = _part(book, "xl/worksheets/sheet1.xml")
    i = sheet.index(b'<row r="21000"')
    variants = {
        "plain": sheet,
        "comment": sheet[:i] + b"<!-- <row r=\"1\"> --><?pi x?>" + sheet[i:],
        "no_r": re.sub(rb'<row r="\d+"', b"<row", sheet),
    }
    for name, data in variants.items():
        src = work_dir / f"{name}.xlsx"
        with zipfile.ZipFile(book) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                d = zin.read(info.filename)
                zout.writestr(info.filename, data if info.filename == "xl/worksheets/sheet1.xml" else d)
        par, ser = work_dir / f"{name}_par.parquet", work_dir / f"{name}_ser.parquet"
        rc, so, se = run_pyforge("convert", src, par, "--threads", "4")
        assert rc == 0, se
        rc, so, se = run_pyforge("convert", src, ser, "--threads", "4",
                                 env={"PYFORGE_XLSX_PARALLEL": "0"})
        assert rc == 0, se
        a, b = pq.read_table(par), pq.read_table(ser)
        assert a.num_rows == 25000, (name, a.num_rows)
        assert a.equals(b), name
        if name == "plain":
            check(par, model(src, ["B"]))
