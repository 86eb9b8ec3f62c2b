"""Standard input is told by its content like a file without an extension:
the session copies it once to an anonymous temporary file before the format
is chosen (src/engine/session.c), so a workbook, an XML document, a dBase
table, compressed CSV or Parquet piped in is read as what it is, and a PDF
or binary data is refused saying what it is - never read as delimited text.

Each input is converted (or described, validated) through `-` and by path,
and the two results must be the same (pyarrow reads both). The spool must
leave nothing in the temp directory (TMPDIR) after success or error, and a
spool that does not fit names that directory and TMPDIR.

Fixtures are made here: workbooks with xlsxwriter, Parquet with pyarrow,
dBase with dbf_fixtures.py, the rest as text.
"""
from __future__ import annotations

import gzip
import os
import resource
import shutil
import signal
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

import dbf_fixtures as fx
from dbf_fixtures import Field, Record, Table
from pfstream import run_job

CSV = "id,name,score\n1,Ada,9.5\n2,Bo,\n3,Cy,7\n"
XML = ('<?xml version="1.0"?>\n<rows><row><id>1</id><name>Ada</name></row>'
       '<row><id>2</id><name>Bo</name></row><row><id>3</id><name>Cy</name></row></rows>\n')
PDF = ("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def make_xlsx(path):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("People")
    ws.write_row(0, 0, ["id", "name", "score"])
    for i, (name, score) in enumerate([("Ada", 9.5), ("Bo", None), ("Cy", 7)], start=1):
        ws.write_row(i, 0, [i, name] + ([score] if score is not None else []))
    wb.close()


def make_dbf(path):
    fields = [Field("ID", "N", 4), Field("NAME", "C", 10)]
    recs = [Record([fx.num(i, 4), fx.text(n, 10)]) for i, n in ((1, "Ada"), (2, "Bo"), (3, "Cy"))]
    fx.write(path, Table(fields, recs))


def make_zstd(path):
    if not shutil.which("zstd"):
        pytest.skip("no zstd command to make the fixture")
    path.write_bytes(subprocess.run(["zstd", "-q", "-c"], input=CSV.encode(), check=True,
                                    capture_output=True).stdout)


FIXTURES = {
    "csv": lambda p: p.write_text(CSV),
    "csv.gz": lambda p: p.write_bytes(gzip.compress(CSV.encode(), mtime=0)),
    "csv.zst": make_zstd,
    "xml": lambda p: p.write_text(XML),
    "xlsx": make_xlsx,
    "dbf": make_dbf,
}
FORMAT = {"csv": "csv", "csv.gz": "csv", "csv.zst": "csv", "xml": "xml", "xlsx": "xlsx",
          "dbf": "dbf"}


@pytest.fixture
def spool_dir(tmp_path):
    d = tmp_path / "spool"
    d.mkdir()
    return d


def pipe(run_pyforge_bytes, spool_dir, *args, data: bytes, extra_env=None):
    env = {"TMPDIR": str(spool_dir), **(extra_env or {})}
    rc, out, err = run_pyforge_bytes(*args, input=data, env=env)
    assert os.listdir(spool_dir) == [], f"left in TMPDIR: {os.listdir(spool_dir)}"
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


@pytest.mark.parametrize("kind", list(FIXTURES))
def test_convert_stdin_like_the_file(run_pyforge, run_pyforge_bytes, tmp_path, spool_dir, kind):
    src = tmp_path / f"in.{kind}"
    FIXTURES[kind](src)
    by_path = tmp_path / "path.parquet"
    rc, _, err = run_pyforge("convert", src, by_path, "--quiet")
    assert rc == 0, err
    by_stdin = tmp_path / "stdin.parquet"
    rc, _, err = pipe(run_pyforge_bytes, spool_dir, "convert", "-", by_stdin, "--quiet",
                      data=src.read_bytes())
    assert rc == 0, err
    a, b = pq.read_table(by_stdin), pq.read_table(by_path)
    assert a.schema.equals(b.schema, check_metadata=False), (a.schema, b.schema)
    assert a.to_pydict() == b.to_pydict()
    assert a.num_rows == 3 and a.column(0).to_pylist() == [1, 2, 3]
    # info says the same format and size through -
    rc, out, err = pipe(run_pyforge_bytes, spool_dir, "info", "-", "--json",
                        data=src.read_bytes())
    assert rc == 0, err
    import json
    info = json.loads(out)
    assert info["format"] == FORMAT[kind] and info["size_bytes"] == src.stat().st_size, info


def test_workbook_info_through_stdin_equals_by_path(run_pyforge, run_pyforge_bytes, tmp_path,
                                                    spool_dir):
    src = tmp_path / "book.xlsx"
    make_xlsx(src)
    rc, by_path, err = run_pyforge("info", src)
    assert rc == 0, err
    rc, by_stdin, err = pipe(run_pyforge_bytes, spool_dir, "info", "-", data=src.read_bytes())
    assert rc == 0, err
    assert "Format          xlsx" in by_stdin and "sheet People" in by_stdin
    assert by_stdin.replace("File            -\n", "") == \
        by_path.replace(f"File            {src}\n", "")
    rc, out, err = pipe(run_pyforge_bytes, spool_dir, "validate", "-", data=src.read_bytes())
    assert rc == 0 and "-: valid xlsx file" in out, (out, err)


def test_parquet_through_stdin(run_pyforge, run_pyforge_bytes, tmp_path, spool_dir):
    src = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "name": ["a", None, "c"]}), src)
    rc, by_path, err = run_pyforge("info", src)
    assert rc == 0, err
    rc, by_stdin, err = pipe(run_pyforge_bytes, spool_dir, "info", "-", data=src.read_bytes())
    assert rc == 0, err
    assert "Format             parquet" in by_stdin and "Rows               3" in by_stdin
    assert by_stdin.replace("File               -\n", "") == \
        by_path.replace(f"File               {src}\n", "")
    rc, out, err = pipe(run_pyforge_bytes, spool_dir, "validate", "-", data=src.read_bytes())
    assert rc == 0 and out.startswith("-: valid parquet file, 3 rows, 2 columns"), (out, err)
    # converting Parquet is refused the same way whichever way it comes,
    # naming the input (not the output)
    rc1, _, err1 = run_pyforge("convert", src, tmp_path / "o1.parquet")
    rc2, _, err2 = pipe(run_pyforge_bytes, spool_dir, "convert", "-", tmp_path / "o2.parquet",
                        data=src.read_bytes())
    assert rc1 == rc2 != 0
    assert err1.startswith(f"pyforge: error: {src}: converting Parquet is not supported yet"), err1
    assert err2 == err1.replace(f"{src}: ", "-: ")


def test_pdf_through_stdin_is_refused_as_pdf(run_pyforge_bytes, tmp_path, spool_dir):
    rc, out, err = pipe(run_pyforge_bytes, spool_dir, "convert", "-", tmp_path / "o.parquet",
                        data=PDF.encode())
    assert rc != 0
    assert err.startswith("pyforge: error: -: ") and "PDF" in err, err
    assert not (tmp_path / "o.parquet").exists()


def test_binary_through_stdin_is_refused(run_pyforge_bytes, tmp_path, spool_dir):
    data = bytes(range(256)) * 16
    rc, out, err = pipe(run_pyforge_bytes, spool_dir, "convert", "-", tmp_path / "o.parquet",
                        data=data)
    assert rc != 0 and "cannot tell the format" in err and err.startswith("pyforge: error: -: "), err


def test_input_format_still_forces_a_reader(run_pyforge_bytes, tmp_path, spool_dir):
    # XML text read as CSV when asked: the content does not overrule the option
    rc, _, err = pipe(run_pyforge_bytes, spool_dir, "convert", "-", tmp_path / "o.parquet",
                      "--input-format", "csv", "--quiet", data=b"a;b\n1;2\n")
    assert rc == 0, err
    assert pq.read_table(tmp_path / "o.parquet").to_pydict() == {"a": [1], "b": [2]}


def test_error_while_reading_leaves_no_spool(run_pyforge_bytes, tmp_path, spool_dir):
    data = ("a,b\n" + "".join(f"{i},{i}\n" for i in range(5000)) + "1,2,3\n").encode()
    rc, _, err = pipe(run_pyforge_bytes, spool_dir, "convert", "-", tmp_path / "o.parquet",
                      data=data)
    assert rc != 0 and "-: line 5002" in err, err


def test_spool_that_does_not_fit_names_the_temp_dir(pyforge_bin, tmp_path, spool_dir):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    data = b"a,b\n" + b"1,2\n" * 100000
    env = dict(os.environ, TMPDIR=str(spool_dir), LC_ALL="C.UTF-8")
    p = subprocess.run([str(pyforge_bin), "convert", "-", str(tmp_path / "o.parquet")], input=data,
                       capture_output=True, env=env, preexec_fn=limit, timeout=120)
    err = p.stderr.decode()
    assert p.returncode != 0
    assert f"cannot copy standard input to a temporary file in {spool_dir}" in err, err
    assert "set TMPDIR" in err, err
    assert os.listdir(spool_dir) == []


def test_temp_dir_that_cannot_be_written_is_named(run_pyforge_bytes, tmp_path):
    missing = tmp_path / "no-such-dir"
    rc, _, err = run_pyforge_bytes("convert", "-", tmp_path / "o.parquet", input=b"a\n1\n",
                                   env={"TMPDIR": str(missing)})
    err = err.decode()
    assert rc != 0 and str(missing) in err and "TMPDIR" in err, err


@pytest.mark.parametrize("via", ["pipe", "stdin"])
@pytest.mark.parametrize("kind", ["xlsx", "xml", "csv.gz"])
def test_stream_api_reads_a_pipe_by_content(run_pyforge, tmp_path, kind, via):
    src = tmp_path / f"in.{kind}"
    FIXTURES[kind](src)
    want = tmp_path / "want.parquet"
    rc, _, err = run_pyforge("convert", src, want, "--quiet")
    assert rc == 0, err
    r = run_job({"input": str(src), "parquet": str(want), "via": via}, tmp_path)
    assert r["ok"], r.get("diff") or r.get("error")
    assert r["rows"] == 3
