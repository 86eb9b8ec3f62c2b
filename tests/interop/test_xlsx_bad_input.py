"""Bad workbooks: each must fail with exit code 1, a short clear error that
names the part, sheet or cell concerned, and leave no output behind.

Inputs are damaged copies of workbooks written at test time by openpyxl,
LibreOffice-written fixtures (tests/data/xlsx, see
make_libreoffice_fixtures.sh) and, for the password-protected case, a
synthetic OLE2 compound file holding the EncryptionInfo/EncryptedPackage
stream names that Office writes (no writer here can encrypt).
"""
from __future__ import annotations

import io
import os
import struct
import zipfile

import pytest
import xlsxwriter


@pytest.fixture
def fails(run_pyforge, tmp_path, temp_files):
    def go(src, *args):
        outdir = tmp_path / "out"
        outdir.mkdir(exist_ok=True)
        out = outdir / "result.parquet"
        rc, so, se = run_pyforge("convert", src, out, *args)
        assert rc == 1, f"exit {rc}, expected 1\nstdout: {so}\nstderr: {se}"
        assert se.startswith("pyforge: error: "), se
        assert se.count("\n") <= 3, f"the error should be short:\n{se}"
        assert not os.path.lexists(out), "an output was left behind"
        assert temp_files(outdir) == [], "temporary files left behind"
        return se
    return go


def good_book(path, rows=200):
    """XlsxWriter writes shared strings (this openpyxl writes inline ones)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["a", "b"])
    for i in range(rows):
        ws.write_row(i + 1, 0, [i, f"text {i}"])
    wb.close()
    return path


def rewrite(src, dst, change):
    """Copies a ZIP archive member by member; change(name, data) returns
    the new data, or None to leave the member out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


def cfb(names):
    """A minimal OLE2 compound file header followed by a directory sector
    with the given stream names (UTF-16LE, 128-byte entries)."""
    head = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    head += struct.pack("<H", 9) + b"\0" * (512 - len(head) - 2)
    dir_sector = b""
    for n in ["Root Entry", *names]:
        u = n.encode("utf-16-le") + b"\0\0"
        dir_sector += u + b"\0" * (64 - len(u)) + struct.pack("<H", len(u)) + b"\0" * 62
    return head + dir_sector + b"\0" * (512 - len(dir_sector) % 512)


def test_encrypted_workbook(tmp_path, fails):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]))
    se = fails(p)
    assert "password-protected" in se and "remove the password" in se, se


def test_legacy_xls_renamed(tmp_path, fails, data_dir):
    p = tmp_path / "old.xlsx"
    p.write_bytes((data_dir / "xlsx" / "lo_legacy.xls").read_bytes())
    se = fails(p)
    assert "legacy" in se and ".xls" in se and "--convert-to xlsx" in se, se


def test_truncated_archive(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")
    data = book.read_bytes()
    for cut in (len(data) // 2, len(data) - 10):
        p = tmp_path / f"cut{cut}.xlsx"
        p.write_bytes(data[:cut])
        se = fails(p)
        assert "ZIP archive" in se and ("truncated" in se or "damaged" in se), se


def test_missing_sheet_part(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")
    p = rewrite(book, tmp_path / "nosheet.xlsx",
                lambda n, d: None if n == "xl/worksheets/sheet1.xml" else d)
    se = fails(p)
    assert "Data" in se and "xl/worksheets/sheet1.xml" in se, se


def test_missing_workbook_part(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")
    p = rewrite(book, tmp_path / "nowb.xlsx", lambda n, d: None if n == "xl/workbook.xml" else d)
    se = fails(p)
    assert "xl/workbook.xml" in se and "not an Excel workbook" in se, se


def test_broken_sheet_xml(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")

    def breakit(n, d):
        if n != "xl/worksheets/sheet1.xml":
            return d
        i = d.index(b"<row r=\"150\"")
        return d[:i] + b"<row r=\"150\"><c><v>1</c></row>" + d[i:]
    p = rewrite(book, tmp_path / "broken.xlsx", breakit)
    se = fails(p)
    assert "broken XML" in se and "xl/worksheets/sheet1.xml" in se and "line" in se, se
    assert "mismatched tag" in se, se


def test_broken_shared_strings(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")
    p = rewrite(book, tmp_path / "sst.xlsx",
                lambda n, d: d[: len(d) // 2] if n == "xl/sharedStrings.xml" else d)
    se = fails(p)
    assert "xl/sharedStrings.xml" in se, se


def test_doctype_refused(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")

    def dtd(n, d):
        if n != "xl/worksheets/sheet1.xml":
            return d
        body = d.split(b"?>", 1)[1]
        return (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + body)
    se = fails(rewrite(book, tmp_path / "dtd.xlsx", dtd))
    assert "DOCTYPE" in se, se


@pytest.mark.bigfile
def test_zip_bomb(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")

    def bomb(n, d):
        if n != "xl/worksheets/sheet1.xml":
            return d
        i = d.index(b"<sheetData>") + len(b"<sheetData>")
        return d[:i] + b" " * (200 << 20) + d[i:]
    se = fails(rewrite(book, tmp_path / "bomb.xlsx", bomb))
    assert "zip bomb" in se and "xl/worksheets/sheet1.xml" in se, se


def test_bad_shared_string_index(tmp_path, fails):
    book = good_book(tmp_path / "full.xlsx")

    def bad(n, d):
        if n != "xl/worksheets/sheet1.xml":
            return d
        i = d.index(b'<c r="B7" t="s"><v>')
        j = d.index(b"</v>", i)
        return d[: i] + b'<c r="B7" t="s"><v>99999' + d[j:]
    se = fails(rewrite(book, tmp_path / "idx.xlsx", bad))
    assert "Data!B7" in se and "shared string" in se, se


def test_not_a_workbook_zip(tmp_path, fails):
    p = tmp_path / "other.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    p.write_bytes(buf.getvalue())
    se = fails(p)
    assert "not an Excel workbook" in se, se


def test_empty_file(tmp_path, fails):
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    se = fails(p)
    assert "empty" in se, se
