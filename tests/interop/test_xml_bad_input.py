"""XML bad input: every case must end with exit code 1, a short clear error
("pyforge: error: <file>: [place: ]message") whose key words and place are
asserted, and leave neither an output file nor a temporary file."""
from __future__ import annotations

import gzip
import os

import pytest


@pytest.fixture
def fails(run_pyforge, tmp_path, temp_files):
    def go(data: bytes, *args, name="bad.xml"):
        src = tmp_path / name
        src.write_bytes(data)
        outdir = tmp_path / "out"
        outdir.mkdir(exist_ok=True)
        out = outdir / "result.parquet"
        rc, so, se = run_pyforge("convert", src, out, *args)
        assert rc == 1, f"exit {rc}, expected 1\nstdout: {so}\nstderr: {se}"
        assert se.startswith("pyforge: error: "), se
        assert se.count("\n") <= 3, f"the error should be short:\n{se}"
        assert str(src) in se
        assert not os.path.lexists(out), "an output was left"
        assert temp_files(outdir) == [], "temporary files left behind"
        return se
    return go


def test_malformed_mismatched_tag(fails):
    data = b"<catalog>\n  <book><title>A</title></book>\n  <book><title>B</titel></book>\n</catalog>\n"
    err = fails(data)
    assert "malformed XML" in err and "mismatched tag" in err, err
    assert "/catalog/book/title" in err and "line 3" in err and "column 19" in err, err


def test_malformed_late_in_a_big_file_writes_nothing(fails):
    body = b"".join(b"<r><v>%d</v></r>\n" % i for i in range(50000))
    err = fails(b"<root>\n" + body + b"<r><v>1</v></root>\n")
    assert "line 50002" in err and "malformed XML" in err, err


def test_unclosed_document(fails):
    err = fails(b"<a><r>1</r><r>2</r>")
    assert "malformed XML" in err and "no element found" in err or "unclosed" in err, err


def test_billion_laughs(fails):
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">' for i in range(1, 10)]
    data = ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n" + "\n".join(ents) +
            "\n]>\n<lolz><r>&lol9;</r><r>x</r></lolz>\n").encode()
    err = fails(data)
    assert "entity expansion" in err and "billion laughs" in err, err


def test_external_entity_refused(fails, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
            '<r><i>&xxe;</i><i>2</i></r>\n').encode()
    err = fails(data)
    assert "external entit" in err and "XXE" in err and "TOPSECRET" not in err, err


def test_external_parameter_entity_refused(fails):
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.com/x.dtd">'
            b"%p;]>\n<r><i>1</i><i>2</i></r>\n")
    err = fails(data)
    assert "external" in err and "never loads" in err, err


def test_declared_utf8_but_latin1_bytes(fails):
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n<l>\n<r>caf\xe9</r><r>x</r></l>\n'
    err = fails(data)
    assert "not valid UTF-8" in err and "line 3" in err and "encoding=" in err, err


def test_unsupported_encoding(fails):
    data = b'<?xml version="1.0" encoding="x-nowhere-1"?>\n<l><r>x</r><r>y</r></l>\n'
    err = fails(data)
    assert "x-nowhere-1" in err and "not supported" in err and "iconv" in err, err


def test_text_over_the_limit(fails):
    data = b"<l><r>" + b"x" * 5000 + b"</r><r>y</r></l>"
    err = fails(data, "--max-field-size", "1K")
    assert "text value of more than 1024 bytes" in err and "--max-field-size" in err, err
    assert "/l/r" in err, err


def test_attribute_over_the_limit(fails):
    data = b'<l><r a="' + b"x" * 5000 + b'"/><r/></l>'
    err = fails(data, "--max-field-size", "1K")
    assert "attribute value of more than 1024 bytes" in err, err


def test_empty_file(fails):
    err = fails(b"")
    assert "empty" in err, err


def test_whitespace_only(fails):
    err = fails(b"  \n\n ")
    assert "only whitespace" in err, err


def test_declaration_only(fails):
    err = fails(b'<?xml version="1.0"?>\n<!-- nothing -->\n')
    assert "no XML element" in err, err


def test_row_tag_not_found(run_pyforge, tmp_path, temp_files):
    """A row tag the file does not have is an argument error (exit 2) that
    lists the elements that could be rows."""
    src = tmp_path / "x.xml"
    src.write_bytes(b"<a><b><c>1</c></b><b><c>2</c></b></a>")
    rc, so, se = run_pyforge("convert", src, tmp_path / "o.parquet", "--row-tag", "nothere")
    assert rc == 2, se
    assert "'nothere' does not occur" in se and "b (2)" in se, se
    assert not (tmp_path / "o.parquet").exists() and temp_files(tmp_path) == []


def test_too_deep(fails):
    data = b"<a>" * 3000 + b"</a>" * 3000
    err = fails(data)
    assert "nested more than 2048 deep" in err, err


def test_too_many_columns(fails):
    data = ("<l>" + "".join(f"<r><c{i}>1</c{i}></r>" for i in range(60)) + "</l>").encode()
    err = fails(data, "--max-columns", "50")
    assert "more than the limit of 50" in err and "--row-tag" in err, err


def test_truncated_gzip(fails):
    packed = gzip.compress(b"<l>" + b"<r><v>1</v></r>" * 5000 + b"</l>")
    err = fails(packed[: len(packed) // 2], name="bad.xml.gz")
    assert "gzip" in err.lower() or "truncated" in err.lower() or "malformed" in err, err


def test_junk_after_document(fails):
    err = fails(b"<a><r>1</r><r>2</r></a>\nnot xml at all\n")
    assert "malformed XML" in err and "line 2" in err, err


def test_bad_array_handling_option(run_pyforge, tmp_path):
    src = tmp_path / "x.xml"
    src.write_bytes(b"<a><r>1</r><r>2</r></a>")
    rc, so, se = run_pyforge("convert", src, tmp_path / "o.parquet", "--array-handling", "zip")
    assert rc == 2 and "--array-handling" in se


def test_record_over_the_limit(fails):
    """Many small values in one record: the record (4 x --max-field-size)
    is the limit, not one value."""
    data = b"<l><r>" + b"<v>12345678</v>" * 600 + b"</r><r><v>1</v></r></l>"
    err = fails(data, "--max-field-size", "1K", "--row-tag", "r")
    assert "a record of more than 4096 bytes" in err and "--max-field-size" in err, err


def test_unbound_prefix(fails):
    err = fails(b"<l><r><x:v>1</x:v></r><r/></l>")
    assert "malformed XML" in err and "unbound prefix" in err, err


def test_validate_reports_malformed_xml(run_pyforge, tmp_path):
    src = tmp_path / "v.xml"
    src.write_bytes(b"<a>\n<r>1</r>\n<r>2</q>\n</a>")
    rc, so, se = run_pyforge("validate", src)
    assert rc == 1 and "invalid" in so and "line 3" in so and "mismatched tag" in so, so + se
