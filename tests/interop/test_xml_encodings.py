"""XML encodings (issue 9): PyForge decodes what lxml (libxml2) decodes —
UTF-32 with and without a byte-order mark, UTF-16 whatever alias its
declaration uses ("u16", "utf16", "utf_16", "UCS-2"), multi-byte encodings
such as Shift_JIS — and converts them to the same rows as the lxml model
(read back by pyarrow and DuckDB). A doubled UTF-8 byte-order mark is read
with a warning; what is not supported is refused with a plain message."""
from __future__ import annotations

import pytest
from lxml import etree

from test_xml_to_parquet import convert, run_case  # noqa: F401  (fixture)

DOC = ('<?xml version="1.0" encoding="{enc}"?>\n'
       '<catalog>\n <book id="b1"><title>Caf\u00e9 \u20ac</title><n>1</n></book>\n'
       ' <book id="b2"><title>\u65e5\u672c\u8a9e</title><n>22</n></book>\n'
       ' <book id="b3"><title>x &amp; y</title><n>333</n></book>\n</catalog>\n')
NODECL = DOC.split("\n", 1)[1]

CASES = {
    # name: (bytes, what info reports)
    "utf32le-bom": (b"\xff\xfe\x00\x00" + DOC.format(enc="UTF-32").encode("utf-32-le"),
                    "UTF-32LE (byte-order mark)"),
    "utf32be-bom": (b"\x00\x00\xfe\xff" + DOC.format(enc="UTF-32").encode("utf-32-be"),
                    "UTF-32BE (byte-order mark)"),
    "utf32le": (DOC.format(enc="UTF-32").encode("utf-32-le"), "UTF-32LE (told by the first"),
    "utf32be-nodecl": (NODECL.encode("utf-32-be"), "UTF-32BE (told by the first"),
    "utf16-u16": (b"\xff\xfe" + DOC.format(enc="u16").encode("utf-16-le"), "UTF-16LE"),
    "utf16-utf16": (b"\xfe\xff" + DOC.format(enc="utf16").encode("utf-16-be"), "UTF-16BE"),
    "utf16-utf_16": (b"\xff\xfe" + DOC.format(enc="utf_16").encode("utf-16-le"), "UTF-16LE"),
    "utf16-utf_16-nobom": (DOC.format(enc="utf_16").encode("utf-16-le"), "UTF-16LE"),
    "utf16-ucs2": (b"\xff\xfe" + DOC.format(enc="UCS-2").encode("utf-16-le"), "UTF-16LE"),
    "shift_jis": (DOC.format(enc="Shift_JIS").replace("\u00e9", "e").replace("\u20ac", "E")
                  .encode("shift_jis"), "Shift_JIS (declared, transcoded"),
    "gb18030": (DOC.format(enc="GB18030").encode("gb18030"), "GB18030 (declared, transcoded"),
    "euc-jp": (DOC.format(enc="EUC-JP").replace("\u00e9", "e").replace("\u20ac", "E")
               .encode("euc_jp"), "EUC-JP (declared, transcoded"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_decoded_like_lxml(convert, run_pyforge, tmp_path, name):  # noqa: F811
    data, label = CASES[name]
    etree.fromstring(data)  # lxml reads it: the premise of the case
    want, _ = run_case(convert, data, name=f"{name}.xml")
    assert want.row_tag == "book" and len(want.rows) == 3
    rc, so, se = run_pyforge("info", tmp_path / f"{name}.xml")
    assert rc == 0, se
    enc = [ln for ln in so.splitlines() if ln.startswith("Encoding")]
    assert enc and label in enc[0], so


def test_doubled_utf8_bom_is_read_with_a_warning(convert, run_pyforge, tmp_path):  # noqa: F811
    one = b"\xef\xbb\xbf" + DOC.format(enc="UTF-8").encode()
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(b"\xef\xbb\xbf" + one)  # lxml refuses it; the intent is plain
    src = tmp_path / "bom2.xml"
    src.write_bytes(b"\xef\xbb\xbf" + one)
    out = tmp_path / "bom2.parquet"
    rc, so, se = run_pyforge("convert", src, out)
    assert rc == 0, se
    assert "2 UTF-8 byte-order marks" in se and "ignored" in se, se
    want, _ = run_case(convert, b"\xef\xbb\xbf" + one, docs=[one], name="bom2b.xml")
    assert len(want.rows) == 3


def test_utf32_several_documents(convert):  # noqa: F811
    docs = [b'<?xml version="1.0" encoding="UTF-32"?><r><i><v>1</v></i><i><v>2</v></i></r>',
            b'<r><i><v>3</v></i><i><v>\xc3\xa9</v></i></r>']
    text = b"\n".join(docs).decode()
    data = b"\xff\xfe\x00\x00" + text.encode("utf-32-le")
    want, _ = run_case(convert, data, docs=[d.decode().encode("utf-32") for d in docs],
                       name="many32.xml")
    assert [r[0] for r in want.rows] == [1, 1, 2, 2]


@pytest.fixture
def refused(run_pyforge, tmp_path):
    def go(data: bytes, name="bad.xml"):
        src = tmp_path / name
        src.write_bytes(data)
        out = tmp_path / "o.parquet"
        rc, so, se = run_pyforge("convert", src, out)
        assert rc == 1, f"exit {rc}\n{so}\n{se}"
        assert se.startswith("pyforge: error: ") and not out.exists(), se
        return se
    return go


def test_unknown_declared_encoding(refused):
    err = refused(b'<?xml version="1.0" encoding="x-no-such-charset"?><l><r>1</r><r>2</r></l>')
    assert "'x-no-such-charset' is not supported" in err and "UTF-32" in err, err


def test_ebcdic_is_refused_plainly(refused):
    err = refused('<?xml version="1.0" encoding="IBM037"?><l><r>1</r><r>2</r></l>'
                  .encode("cp037"))
    assert "EBCDIC" in err and "iconv" in err, err


def test_utf16_cut_inside_a_character(refused):
    data = b"\xff\xfe" + "<l>\n<r>1</r>\n<r>2</r></l>".encode("utf-16-le")
    err = refused(data[:-1])
    assert "ends inside a UTF-16LE character" in err and "line 3" in err, err


def test_utf16_lone_surrogate(refused):
    data = b"\xff\xfe" + "<l>\n<r>1</r>\n<r>\ud800</r></l>".encode("utf-16-le", "surrogatepass")
    err = refused(data)
    assert "not valid UTF-16LE" in err and "byte-order mark" in err and "line 3" in err, err


def test_declared_utf8_with_latin1_bytes_still_names_the_line(refused):
    err = refused(b'<?xml version="1.0" encoding="UTF-8"?>\n<l>\n<r>caf\xe9</r><r>x</r></l>\n')
    assert "not valid UTF-8" in err and "line 3" in err, err
