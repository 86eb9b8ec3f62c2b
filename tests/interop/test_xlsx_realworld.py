"""Workbooks as found in the world (issue 9): each test writes a workbook
whose XML is written here by hand (zipfile), in a shape that public test
corpora showed PyForge reading wrongly or refusing, and checks the values
against what openpyxl (an independent reader) reads from the same file,
or against values computed here from the XML, both through pyarrow and
DuckDB.

Classes: a 1904 date system followed by an extension's workbookPr, a
conditional format's numFmt reusing a format id, sheets in UTF-16, repeated
row numbers (one <row> per cell), lower-case cell references, t="d" text
with 17 fraction digits, date-formatted serials below 1 and negative,
empty cached strings (<v/>), _xHHHH_ escapes, a sheet without its
relationship id, a missing shared-strings part, a broken _rels/.rels, a
member failing its CRC (info and convert agree), one 1 MB text in 12,000
cells (bounded memory), and the input size reported.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from pfcheck import read_duckdb, read_pyarrow

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="rels" ContentType="application/'
      'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
      '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
      'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>')
ROOT_RELS = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELNS}/officeDocument"'
             ' Target="xl/workbook.xml"/></Relationships>')
# cellXfs: 0 General, 1 mm-dd-yy (built-in 14), 2 m/d/yy h:mm (22),
# 3 custom 164 yyyy-mm-dd, 4 h:mm:ss (21)
STYLES = (f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
          'formatCode="yyyy\\-mm\\-dd"/></numFmts><cellXfs count="5"><xf numFmtId="0"/>'
          '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/>'
          '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="21" applyNumberFormat="1"/>'
          '</cellXfs>{dxfs}</styleSheet>')


def sheet_xml(rows: str, decl='<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') -> str:
    return f'{decl}<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'


def book(path: Path, sheets, *, workbook_pr="<workbookPr/>", wb_ext="", sst=None,
         styles=None, parts=None, drop=(), rids=None, root_rels=ROOT_RELS) -> Path:
    """A workbook from hand-written parts. sheets: [(name, xml str or
    bytes)]; sst: list of strings or None (no shared-strings part);
    parts: extra or replaced members; drop: members left out."""
    names = "".join(
        f'<sheet name="{n}" sheetId="{i + 1}" r:id="{(rids or {}).get(n, f"rId{i + 1}")}"/>'
        for i, (n, _) in enumerate(sheets))
    wb = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELNS}">'
          f'{workbook_pr}<sheets>{names}</sheets>{wb_ext}</workbook>')
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{RELNS}/worksheet" '
                   f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
    rels += f'<Relationship Id="rId90" Type="{RELNS}/styles" Target="styles.xml"/>'
    rels += f'<Relationship Id="rId91" Type="{RELNS}/sharedStrings" Target="sharedStrings.xml"/>'
    members = {
        "[Content_Types].xml": CT.format(sheets=""),
        "_rels/.rels": root_rels,
        "xl/workbook.xml": wb,
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">{rels}</Relationships>',
        "xl/styles.xml": styles or STYLES.format(dxfs=""),
    }
    if sst is not None:
        members["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN}">' + "".join(
            f"<si><t xml:space=\"preserve\">{s}</t></si>" for s in sst) + "</sst>")
    for i, (_, xml) in enumerate(sheets):
        members[f"xl/worksheets/sheet{i + 1}.xml"] = xml
    members.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if name not in drop:
                z.writestr(name, data)
    return path


def convert(run_pyforge, src, out, *args, env=None, ok=True):
    rc, so, se = run_pyforge("convert", src, out, "--force", *args, env=env)
    if ok:
        assert rc == 0, f"exit {rc}\n{so}\n{se}"
    return rc, so, se


def both(out):
    """The output through pyarrow and DuckDB: (names, columns) each."""
    a, d = read_pyarrow(out), read_duckdb(out)
    assert a.names == d.names
    for ca, cd in zip(a.columns, d.columns):
        assert ca == cd, (ca[:5], cd[:5])
    return a


def openpyxl_rows(path, sheet=None):
    """Non-empty rows as openpyxl reads them (values, None for blanks),
    trimmed to the used columns."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    return rows


# ---- 1. the date system: only the workbook's own workbookPr counts ----------

def test_date1904_with_extension_workbook_pr(run_pyforge, work_dir):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>day</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>n</t></is></c></row>'
            + "".join(f'<row r="{r}"><c r="A{r}" s="3"><v>{40000 + r}</v></c>'
                      f'<c r="B{r}"><v>{r}</v></c></row>' for r in range(2, 12)))
    ext = ('<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="http://schemas.'
           'microsoft.com/office/spreadsheetml/2010/11/main"><x15:workbookPr '
           'chartTrackingRefBase="1"/></ext></extLst>')
    # a conditional format's numFmt reusing id 164 as a number format
    styles = STYLES.format(dxfs='<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/>'
                                '</dxf></dxfs>')
    src = book(work_dir / "d1904.xlsx", [("S", sheet_xml(rows))], styles=styles,
               workbook_pr='<workbookPr date1904="1" defaultThemeVersion="166925"/>', wb_ext=ext)
    out = work_dir / "d1904.parquet"
    convert(run_pyforge, src, out)
    t = both(out)
    want = [r[0].date() for r in openpyxl_rows(src)[1:]]
    assert want[0] == dt.date(1904, 1, 1) + dt.timedelta(days=40002)
    assert t.columns[0] == want
    rc, so, se = run_pyforge("info", src)
    assert rc == 0 and "1904" in so, so


# ---- 2. sheets in UTF-16 lose no row, whichever reader reads them ----------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_sheet(run_pyforge, work_dir, codec):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>qty</t></is></c></row>'
            + "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Pfand {r} ä€</t></is></c>'
                      f'<c r="B{r}"><v>{r * 1.5}</v></c></row>' for r in range(2, 3002)))
    bom = "\ufeff".encode(codec)
    xml = bom + sheet_xml(rows, '<?xml version="1.0" encoding="UTF-16" standalone="yes"?>').encode(codec)
    src = book(work_dir / f"{codec}.xlsx", [("Blatt1", xml)])
    want = openpyxl_rows(src)
    assert len(want) == 3001
    outs = []
    for env in ({}, {"PYFORGE_XLSX_PARALLEL": "0"}, {"PYFORGE_XLSX_SCANNER": "check"}):
        out = work_dir / f"{codec}_{len(outs)}.parquet"
        convert(run_pyforge, src, out, "--threads", "2", env=env)
        t = both(out)
        assert t.names == ["name", "qty"]
        assert [list(r) for r in zip(*t.columns)] == [list(r) for r in want[1:]]
        outs.append(t.columns)
    rc, so, se = run_pyforge("info", src)
    assert rc == 0 and "3000" in so, so


# ---- 3. repeated row numbers: one row, cells placed by reference ------------

def test_repeated_row_numbers(run_pyforge, work_dir):
    """Every cell in a <row> of its own, all with the row's number (the
    ExcelDataReader issue-324 shape), some cells out of column order."""
    cells = []
    for r in range(1, 21):
        vals = [("A", f'<c r="A{r}" t="str"><v>name{r}</v></c>'),
                ("C", f'<c r="C{r}"><v>{r * 10}</v></c>'),
                ("B", f'<c r="B{r}" t="str"><v>{"hdr" if r == 1 else f"b{r}"}</v></c>')]
        if r == 1:
            vals = [("A", '<c r="A1" t="str"><v>name</v></c>'),
                    ("C", '<c r="C1" t="str"><v>num</v></c>'),
                    ("B", '<c r="B1" t="str"><v>label</v></c>')]
        cells += [f'<row r="{r}" spans="1:3">{c}</row>' for _, c in vals]
    src = book(work_dir / "dup.xlsx", [("S", sheet_xml("".join(cells)))])
    want = openpyxl_rows(src)
    assert len(want) == 20
    for env in ({}, {"PYFORGE_XLSX_PARALLEL": "0"}, {"PYFORGE_XLSX_SCANNER": "check"}):
        out = work_dir / "dup.parquet"
        convert(run_pyforge, src, out, env=env)
        t = both(out)
        assert t.names == want[0]
        assert [list(r) for r in zip(*t.columns)] == [list(r) for r in want[1:]], env
    rc, so, se = run_pyforge("info", src)
    assert rc == 0 and "rows" in so and "19" in so, so


def test_repeated_rows_across_parallel_parts(run_pyforge, work_dir):
    """Large enough for the parallel reader's rounds and parts: a row's
    <row> elements may fall on both sides of a cut."""
    parts = []
    for r in range(1, 12001):
        for c, col in enumerate("ABCDEF"):
            v = f'<c r="{col}{r}" t="inlineStr"><is><t>h{c}</t></is></c>' if r == 1 else \
                f'<c r="{col}{r}"><v>{r * 7 + c}</v></c>'
            parts.append(f'<row r="{r}">{v}</row>')
    src = book(work_dir / "dup_big.xlsx", [("S", sheet_xml("".join(parts)))])
    outs = []
    for env in ({}, {"PYFORGE_XLSX_PARALLEL": "0"}, {"PYFORGE_XLSX_SCANNER": "check"}):
        out = work_dir / f"dup_big{len(outs)}.parquet"
        convert(run_pyforge, src, out, "--threads", "3", env=env)
        t = both(out)
        assert t.names == [f"h{c}" for c in range(6)]
        assert t.columns[0] == [r * 7 for r in range(2, 12001)]
        assert t.columns[5] == [r * 7 + 5 for r in range(2, 12001)]
        outs.append(t.columns)
    assert outs[0] == outs[1] == outs[2]


def test_rows_out_of_order_refused(run_pyforge, work_dir):
    rows = ('<row r="1"><c r="A1"><v>1</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>'
            '<row r="2"><c r="A2"><v>2</v></c></row>')
    src = book(work_dir / "order.xlsx", [("S", sheet_xml(rows))])
    rc, so, se = convert(run_pyforge, src, work_dir / "order.parquet", ok=False)
    assert rc == 1 and "out of order" in se and "S" in se, se
    assert not (work_dir / "order.parquet").exists()


# ---- 4. lower-case cell references ----------------------------------------

def test_lower_case_references(run_pyforge, work_dir):
    rows = ('<row r="1"><c r="a1" t="inlineStr"><is><t>a</t></is></c><c r="c1" t="inlineStr">'
            '<is><t>c</t></is></c></row><row r="2"><c r="a2"><v>1</v></c><c r="c2"><v>3</v></c>'
            '</row><row r="3"><c r="b3"><v>2</v></c><c r="aa3"><v>27</v></c></row>')
    src = book(work_dir / "lower.xlsx", [("S", sheet_xml(rows))])
    out = work_dir / "lower.parquet"
    convert(run_pyforge, src, out)
    t = both(out)
    # columns A..AA: the cells stay in their columns (B, AA), none packed left
    assert len(t.names) == 27 and t.names[:3] == ["a", "Column_2", "c"]
    assert t.columns[0] == [1, None] and t.columns[1] == [None, 2]
    assert t.columns[2] == [3, None] and t.columns[26] == [None, 27]


# ---- 5. t="d": any number of fraction digits ------------------------------

def test_iso_cells_with_long_fractions(run_pyforge, work_dir):
    vals = ["2009-01-01T11:00:00.00000020954757600", "2014-01-16T15:59:59.99999979045242400",
            "2021-12-31T23:59:59.9999996", "2020-02-29T12:00:00", "2020-03-01"]
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>at</t></is></c></row>' + "".join(
        f'<row r="{r}"><c r="A{r}" t="d"><v>{v}</v></c></row>' for r, v in enumerate(vals, 2))
    src = book(work_dir / "iso.xlsx", [("S", sheet_xml(rows))])
    out = work_dir / "iso.parquet"
    convert(run_pyforge, src, out)
    t = both(out)
    want = [dt.datetime(2009, 1, 1, 11), dt.datetime(2014, 1, 16, 16),
            dt.datetime(2022, 1, 1), dt.datetime(2020, 2, 29, 12), dt.datetime(2020, 3, 1)]
    assert t.columns[0] == want
    # a time of day alone, and a zone
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>t</t></is></c></row>'
            '<row r="2"><c r="A2" t="d"><v>10:59:59.9999999999984025</v></c></row>'
            '<row r="3"><c r="A3" t="d"><v>01:34:00.00000000000154875</v></c></row>')
    src = book(work_dir / "isot.xlsx", [("S", sheet_xml(rows))])
    convert(run_pyforge, src, out)
    assert both(out).columns[0] == [dt.time(11, 0), dt.time(1, 34)]


# ---- 6. date-formatted serials below 1 and negative -------------------------

def test_date_format_serials_below_one_and_negative(run_pyforge, work_dir):
    serials = [0, 0.5, 0.75, 0.000011574074074074073]
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>t</t></is></c><c r="B1" t="inlineStr"><is><t>u</t></is></c></row>'
    rows += "".join(f'<row r="{r}"><c r="A{r}" s="1"><v>{v}</v></c><c r="B{r}" s="2"><v>{v}</v></c></row>'
                    for r, v in enumerate(serials, 2))
    src = book(work_dir / "small.xlsx", [("S", sheet_xml(rows))])
    out = work_dir / "small.parquet"
    convert(run_pyforge, src, out)
    t = both(out)
    want = [r[0] for r in openpyxl_rows(src)[1:]]  # openpyxl: times of day
    assert want == [dt.time(0), dt.time(12), dt.time(18), dt.time(0, 0, 1)]
    assert t.columns[0] == want and t.columns[1] == want
    # negative serials under a date format: no date (Excel shows ####); the
    # number, as text, in a column that is then text
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row>'
            '<row r="2"><c r="A2" s="3"><v>45000</v></c></row>'
            '<row r="3"><c r="A3" s="3"><v>-1.25</v></c></row>')
    src = book(work_dir / "neg.xlsx", [("S", sheet_xml(rows))])
    convert(run_pyforge, src, out)
    assert both(out).columns[0] == ["2023-03-15", "-1.25"]


# ---- 7. empty texts are empty cells ---------------------------------------

def test_empty_cached_strings_are_empty_cells(run_pyforge, work_dir):
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>k</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>v</t></is></c></row>']
    for r in range(2, 52):
        if r % 5 == 0:  # a formula that shows nothing, in every column
            rows.append(f'<row r="{r}"><c r="A{r}" t="str"><f>IF(1,"","")</f><v/></c>'
                        f'<c r="B{r}" t="str"><f>""</f><v></v></c></row>')
        else:
            rows.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="str"><f>""</f>'
                        f'<v/></c></row>')
    # trailing rows of empty texts only: shared (index 1 is ""), inline
    rows.append('<row r="60"><c r="A60" t="s"><v>1</v></c><c r="B60" t="inlineStr"><is><t/></is></c></row>')
    src = book(work_dir / "empty.xlsx", [("S", sheet_xml("".join(rows)))], sst=["x", ""])
    out = work_dir / "empty.parquet"
    convert(run_pyforge, src, out)
    t = both(out)
    assert t.names == ["k", "v"]
    # rows 2..51 (row 60 shows nothing: no trailing blank rows), numbers stay
    # numbers, a column of empty texts only is all nulls
    assert t.columns[0] == [None if r % 5 == 0 else r for r in range(2, 52)]
    assert t.columns[1] == [None] * 50
    assert str(t.types[0]) == "int64"


# ---- 8. _xHHHH_ escapes ---------------------------------------------------

def test_text_escapes_decoded(run_pyforge, work_dir):
    sst = ["a_x000D_b", "_x005F_x000D_", "_x005F_x005F_", "_xD83D__xDE00_", "_xd800_x", "_X0041_"]
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>s</t></is></c></row>' + "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{i}</v></c></row>' for i, r in enumerate(range(2, 8)))
    rows += '<row r="8"><c r="A8" t="inlineStr"><is><t>in_x0009_line</t></is></c></row>'
    rows += '<row r="9"><c r="A9" t="str"><f>A1</f><v>f_x000A_x</v></c></row>'
    src = book(work_dir / "esc.xlsx", [("S", sheet_xml(rows))], sst=sst)
    out = work_dir / "esc.parquet"
    convert(run_pyforge, src, out)
    assert both(out).columns[0] == ["a\rb", "_x000D_", "_x005F_", "\U0001F600", "_xd800_x",
                                    "_X0041_", "in\tline", "f\nx"]


# ---- 9. damage Excel repairs: read on, and say so -------------------------

def test_sheet_without_relationship_id(run_pyforge, work_dir):
    s1 = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')
    s2 = sheet_xml('<row r="1"><c r="A1"><v>2</v></c></row>')
    # one sheet without its r:id, one worksheet no sheet names: that one
    src = book(work_dir / "rid.xlsx", [("One", s1), ("Two", s2)], rids={"Two": ""})
    out = work_dir / "rid_out"
    rc, so, se = convert(run_pyforge, src, out, "--separate")
    assert "'Two' has no relationship" in se and "sheet2.xml" in se, se
    assert both(out / "rid_Two.parquet").columns == [[2]]
    # a macro sheet without a part: read as empty, said
    src = book(work_dir / "rid2.xlsx", [("One", s1), ("Module", s2)], rids={"Module": ""},
               drop=("xl/worksheets/sheet2.xml",),
               parts={"xl/_rels/workbook.xml.rels":
                      f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELNS}/'
                      'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'})
    rc, so, se = convert(run_pyforge, src, work_dir / "rid2.parquet")
    assert "'Module' has no relationship" in se and "read as empty" in se, se
    assert both(work_dir / "rid2.parquet").columns == [[1]]
    rc, so, se = run_pyforge("info", src)
    assert rc == 0 and "Module" in so, so


def test_missing_shared_strings_part(run_pyforge, work_dir):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>'
            '<row r="2"><c r="A2"><v>5</v></c></row>')
    src = book(work_dir / "nosst.xlsx", [("S", sheet_xml(rows))], sst=None)
    rc, so, se = convert(run_pyforge, src, work_dir / "nosst.parquet")
    assert "no such part" in se and "read without them" in se, se
    assert both(work_dir / "nosst.parquet").columns == [[5]]
    # a cell that uses one is still an error naming it
    src = book(work_dir / "nosst2.xlsx", [("S", sheet_xml(rows + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>'))])
    rc, so, se = convert(run_pyforge, src, work_dir / "nosst2.parquet", ok=False)
    assert rc == 1 and "S!A3" in se and "shared string" in se, se


@pytest.mark.parametrize("damage", ["broken", "crc"])
def test_broken_root_rels(run_pyforge, work_dir, damage):
    rows = '<row r="1"><c r="A1"><v>7</v></c></row>'
    src = book(work_dir / "rels.xlsx", [("S", sheet_xml(rows))],
               root_rels="<Relationships><Relationship Id=" if damage == "broken" else ROOT_RELS)
    if damage == "crc":
        src.write_bytes(corrupt_crc(src.read_bytes(), "_rels/.rels"))
    rc, so, se = convert(run_pyforge, src, work_dir / "rels.parquet")
    assert "_rels/.rels cannot be read" in se and "xl/workbook.xml" in se, se
    assert both(work_dir / "rels.parquet").columns == [[7]]


def corrupt_crc(data: bytes, member: str) -> bytes:
    """The archive with member's stored CRC-32 changed (local header and
    central directory), its data intact."""
    buf = bytearray(data)
    name = member.encode()
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        i = 0
        while (i := buf.find(sig, i)) >= 0:
            nl = struct.unpack_from("<H", buf, i + (26 if sig == b"PK\x03\x04" else 28))[0]
            start = i + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(buf[start:start + nl]) == name:
                crc = struct.unpack_from("<I", buf, i + off)[0]
                struct.pack_into("<I", buf, i + off, crc ^ 0xDEADBEEF)
            i += 4
    return bytes(buf)


def test_bad_crc_member_info_and_convert_agree(run_pyforge, work_dir):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200))
    xml = sheet_xml(rows)[:-len("</worksheet>")] + '<pageMargins left="0.7" right="0.7" top="0.75" ' \
        'bottom="0.75" header="0.3" footer="0.3"/>' + "x" * 0 + "</worksheet>"
    src = book(work_dir / "crc.xlsx", [("S", xml)])
    src.write_bytes(corrupt_crc(src.read_bytes(), "xl/worksheets/sheet1.xml"))
    for env in ({}, {"PYFORGE_XLSX_PARALLEL": "0"}):
        rc, so, se = convert(run_pyforge, src, work_dir / "crc.parquet", env=env, ok=False)
        assert rc == 1 and "CRC-32" in se and "sheet1.xml" in se, se
    rc, so, se = run_pyforge("info", src)
    assert rc == 1 and "CRC-32" in se and "sheet1.xml" in se, (so, se)


# ---- 10. large texts: batches cut by bytes ---------------------------------

def test_one_megabyte_text_in_many_cells(run_pyforge, work_dir):
    """One 1 MiB shared string in 3,000 cells: 3 GiB of text, more than a
    batch column may hold (2 GiB) unless batches are cut by bytes."""
    big = ("y" * 1023 + "\n") * 1024
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>n</t></is></c></row>']
    rows += [f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}"><v>{r}</v></c></row>'
             for r in range(2, 3002)]
    src = book(work_dir / "bigtext.xlsx", [("S", sheet_xml("".join(rows)))], sst=[big])
    out = work_dir / "bigtext.parquet"
    convert(run_pyforge, src, out)
    import duckdb
    got = duckdb.sql(f"select count(*), count(distinct text), min(length(text)), "
                     f"max(length(text)), sum(n) from '{out}'").fetchall()
    assert got == [(3000, 1, 1 << 20, 1 << 20, sum(range(2, 3002)))]


# ---- 11. the input's size is the file's -----------------------------------

def test_bytes_in_is_the_file_size(run_pyforge, work_dir):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 50))
    src = book(work_dir / "size.xlsx", [("S", sheet_xml(rows))])
    rc, so, se = run_pyforge("convert", src, work_dir / "size.parquet", "--json")
    assert rc == 0, se
    assert json.loads(so)["bytes_in"] == src.stat().st_size


def test_member_stored_twice_reads_the_later(run_pyforge, work_dir):
    """An archive updated by appending: the later copy of a name is the
    member (as Python's zipfile, openpyxl and calamine read it)."""
    import warnings
    src = book(work_dir / "twice.xlsx", [("S", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    with warnings.catch_warnings(), zipfile.ZipFile(src, "a") as z:
        warnings.simplefilter("ignore")  # "Duplicate name": the point here
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml('<row r="1"><c r="A1"><v>2</v></c></row>'))
    assert openpyxl_rows(src) == [[2]]
    convert(run_pyforge, src, work_dir / "twice.parquet")
    assert both(work_dir / "twice.parquet").columns == [[2]]
