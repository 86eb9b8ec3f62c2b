"""The Arrow stream (pf_stream_open) read by pyarrow through a ctypes shim
(pfstream.py) equals, value by value, the Parquet pf_convert writes for the
same input and options - checked with pyarrow and with DuckDB - for CSV,
XLSX and XML inputs, given as a path, a memory buffer or a descriptor.

Fixtures are generated here: CSV from the every-type model (pfcheck.py),
workbooks with openpyxl, XML as text.
"""
from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

import pfcheck
from pfstream import run_job


def convert(run_pyforge, src: Path, out: Path, *args):
    rc, so, se = run_pyforge("convert", src, out, "--quiet", *args)
    assert rc == 0, se
    return out


def check(job, tmp_path):
    r = run_job(job, tmp_path)
    assert r["ok"], r.get("diff") or r.get("error")
    return r


@pytest.fixture(scope="module")
def every_type_csv(tmp_path_factory):
    header, rows, _ = pfcheck.every_type_table(seed=7, n=3000)
    p = tmp_path_factory.mktemp("stream") / "every.csv"
    p.write_text(pfcheck.render(header, rows), encoding="utf-8", newline="")
    return p


@pytest.mark.parametrize("via", ["path", "buffer", "fd"])
def test_csv_every_type(run_pyforge, every_type_csv, tmp_path, via):
    pq = convert(run_pyforge, every_type_csv, tmp_path / "every.parquet")
    r = check({"input": str(every_type_csv), "parquet": str(pq), "via": via}, tmp_path)
    assert r["rows"] == 3000


def test_csv_options_and_many_batches(run_pyforge, tmp_path):
    # semicolons, a null token, bad rows skipped; 300k rows: several batches
    lines = ["id;amount;tag"] + [f"{i};{i * 0.25};{'NA' if i % 7 == 0 else 'x' + str(i % 13)}"
                                 for i in range(300000)]
    lines.insert(1000, "1;2;3;4")  # a bad row, left out with skip
    src = tmp_path / "semi.txt"
    src.write_text("\n".join(lines) + "\n")
    opts = ["--delimiter", ";", "--null-value", "NA", "--on-bad-rows", "skip"]
    pq = convert(run_pyforge, src, tmp_path / "semi.parquet", *opts)
    r = check({"input": str(src), "parquet": str(pq),
               "options": {"csv.delimiter": "semicolon", "csv.null_values": "NA",
                           "input.on_bad_rows": "skip"}}, tmp_path)
    assert r["rows"] == 300000


def test_csv_late_widening_inside_the_window(run_pyforge, tmp_path):
    # gzip is read from the start only, so the sample cannot see the last
    # row, past the first 4 MiB block: pf_convert restarts; the stream
    # re-reads inside its window, unseen
    src = tmp_path / "late.csv.gz"
    n = 500000
    with gzip.open(src, "wt") as f:
        f.write("a,b\n" + "".join(f"{i},{i % 1000}\n" for i in range(1, n + 1)) + f"{n + 1},1.5\n")
    pq = convert(run_pyforge, src, tmp_path / "late.parquet")
    r = check({"input": str(src), "parquet": str(pq)}, tmp_path)
    assert "b: double" in r["schema"]
    # outside the window: an error that says what to do, never other values
    r = run_job({"input": str(src), "parquet": str(pq),
                 "options": {"stream.holdback": "0"}}, tmp_path)
    assert not r["ok"]
    assert "column 2 (b)" in r["error"] and "stream.type_scan=full" in r["error"]
    check({"input": str(src), "parquet": str(pq),
           "options": {"stream.holdback": "0", "stream.type_scan": "full"}}, tmp_path)


def _workbook(path: Path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Jan"
    for name in ("Jan", "Feb"):
        s = ws if name == "Jan" else wb.create_sheet(name)
        s.append(["id", "amount", "when", "note"])
        for i in range(1, 120):
            s.append([i, i * 1.5 if i % 5 else None, dt.date(2024, 1 if name == "Jan" else 2, 1 + i % 28),
                      None if i % 9 == 0 else f"{name}-{i}"])
    s = wb.create_sheet("Summary")
    s.append(["month", "total", "closed"])
    s.append(["Jan", 123.25, True])
    s.append(["Feb", 99, False])
    wb.create_sheet("Blank")
    wb.save(path)


@pytest.mark.parametrize("via", ["path", "buffer"])
def test_xlsx_groups(run_pyforge, tmp_path, via):
    book = tmp_path / "book.xlsx"
    _workbook(book)
    out = tmp_path / "out"
    rc, so, se = run_pyforge("convert", book, out, "--quiet")
    assert rc == 0, se
    combined, summary = out / "book_Jan.parquet", out / "book_Summary.parquet"
    assert combined.is_file() and summary.is_file()
    # any sheet of the combined group reads the group, with its sheet_name column
    r = check({"input": str(book), "parquet": str(combined), "via": via,
               "options": {"stream.table": "Feb"}}, tmp_path)
    assert r["rows"] == 238 and "sheet_name: string" in r["schema"]
    check({"input": str(book), "parquet": str(summary), "via": via,
           "options": {"stream.table": "Summary"}}, tmp_path)
    # one sheet chosen as convert chooses it
    one = tmp_path / "feb.parquet"
    rc, so, se = run_pyforge("convert", book, one, "--sheet", "Feb", "--quiet")
    assert rc == 0, se
    check({"input": str(book), "parquet": str(one), "via": via,
           "options": {"excel.sheets": "Feb"}}, tmp_path)
    # no choice among two groups: the error lists them
    r = run_job({"input": str(book), "parquet": str(one), "via": via}, tmp_path)
    assert not r["ok"] and "(Jan,Feb), (Summary)" in r["error"], r


XML_FEED = """<?xml version="1.0"?>
<feed xmlns:m="urn:meta">
  <item id="1" m:lang="en"><title>One</title><tag>a</tag><tag>b</tag><price currency="EUR">1.50</price><when>2024-05-01T10:00:00Z</when></item>
  <item id="2"><title>Two &amp; more</title><tag>c</tag><price currency="USD">2</price></item>
  <item id="3" m:lang="fr"><title/><price>-3.25</price><when>2024-05-03T00:00:00+02:00</when></item>
</feed>
"""


@pytest.mark.parametrize("args,options", [
    ([], {}),
    (["--array-handling", "explode", "--namespace-handling", "strip"],
     {"xml.arrays": "explode", "xml.namespaces": "strip"}),
    (["--array-handling", "json", "--attribute-prefix", "@"],
     {"array_handling": "json_string", "attribute_prefix": "@"}),
])
def test_xml(run_pyforge, tmp_path, args, options):
    src = tmp_path / "feed.xml"
    src.write_text(XML_FEED)
    pq = convert(run_pyforge, src, tmp_path / "feed.parquet", *args)
    for via in ("path", "buffer", "fd"):
        check({"input": str(src), "parquet": str(pq), "options": options, "via": via}, tmp_path)


def test_xml_books_fixture(run_pyforge, data_dir, tmp_path):
    src = data_dir / "xml" / "books.xml"
    pq = convert(run_pyforge, src, tmp_path / "books.parquet")
    check({"input": str(src), "parquet": str(pq)}, tmp_path)


def test_errors_reach_python_with_their_place(tmp_path):
    r = run_job({"input": str(tmp_path / "nope.csv"), "parquet": "unused"}, tmp_path)
    assert not r["ok"] and "nope.csv" in r["error"] and "no such file" in r["error"]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(200000)) + "1,2,3\n")
    r = run_job({"input": str(bad), "parquet": "unused",
                 "options": {"stream.holdback": "0"}}, tmp_path)
    # raised by pyarrow from get_last_error(): the message and its place
    assert not r["ok"] and "bad.csv: line 200002" in r["error"], r
    r = run_job({"input": str(bad), "parquet": "unused",
                 "options": {"csv.delimiter": "ab"}}, tmp_path)
    assert "csv.delimiter takes one character" in r["error"], r
