"""dBase inputs that are damaged or incomplete: each gives a clear error
that names the place (file, record, field) and what to do, exit 1 and no
output; or, with the lenient option the error names, the records that can
be read plus a warning."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

import dbf_fixtures as fx
from dbf_fixtures import Field, Record, Table


def simple(n=5, **kw) -> Table:
    fields = [Field("ID", "N", 4), Field("NAME", "C", 6)]
    return Table(fields, [Record([fx.num(i, 4), fx.text(f"r{i}", 6)]) for i in range(n)], **kw)


def fails(run_pyforge, work_dir, src, *args, code=1):
    out = work_dir / "out.parquet"
    rc, so, se = run_pyforge("convert", src, out, *args)
    assert rc == code, (rc, so, se)
    assert not out.exists(), "a failed conversion left an output"
    assert not [p for p in work_dir.iterdir() if "pyforge-tmp" in p.name]
    return se


def test_truncated_file_names_the_record(run_pyforge, work_dir):
    t = simple(10)
    full = len(fx.table_bytes(t))
    t.truncate_to = full - 1 - 4  # no end marker, record 10 cut short
    path = work_dir / "trunc.dbf"
    fx.write(path, t)
    se = fails(run_pyforge, work_dir, path)
    assert "record 10" in se and "promises 10 records" in se and "--allow-truncated" in se, se
    rc, so, se = run_pyforge("convert", path, work_dir / "ok.parquet", "--allow-truncated")
    assert rc == 0, se
    assert "holds 9" in se, se
    assert pq.read_table(work_dir / "ok.parquet").column("ID").to_pylist() == list(range(9))


def test_truncated_compressed_stream(run_pyforge, work_dir):
    import gzip
    t = simple(10)
    t.truncate_to = len(fx.table_bytes(t)) - 1 - 15  # record 9 cut short
    path = work_dir / "trunc.dbf.gz"
    path.write_bytes(gzip.compress(fx.table_bytes(t)))
    se = fails(run_pyforge, work_dir, path)
    assert "record 9" in se and "--allow-truncated" in se, se
    rc, so, se = run_pyforge("convert", path, work_dir / "ok.parquet", "--allow-truncated")
    assert rc == 0 and pq.read_table(work_dir / "ok.parquet").num_rows == 8, se


def test_end_marker_before_the_promised_records(run_pyforge, work_dir):
    t = simple(4, n_records=6)
    path = work_dir / "eof.dbf"
    data = fx.table_bytes(t) + b" " * 22  # room for two more records, but 0x1A comes first
    path.write_bytes(data)
    se = fails(run_pyforge, work_dir, path)
    assert "record 5" in se and "end-of-file marker" in se, se
    rc, so, se = run_pyforge("convert", path, work_dir / "ok.parquet", "--allow-truncated")
    assert rc == 0 and pq.read_table(work_dir / "ok.parquet").num_rows == 4, se


@pytest.mark.parametrize("patch,words", [
    (dict(rec_len=0), "records are 0 bytes long"),
    (dict(rec_len=6), "ends at byte 10 of a record the header says is 6 bytes long"),
    (dict(header_len=20), "too short to describe a field"),
    (dict(header_len=4000, truncate_to=200), "the file ends after 200 bytes"),
])
def test_absurd_headers_are_refused(run_pyforge, work_dir, patch, words):
    path = work_dir / "bad.dbf"
    fx.write(path, simple(3, **patch))
    se = fails(run_pyforge, work_dir, path, "--input-format", "dbf")
    assert words in se and "bad.dbf" in se, se


def test_wrong_length_for_a_binary_type(run_pyforge, work_dir):
    path = work_dir / "len.dbf"
    fx.write(path, Table([Field("I", "I", 3)], [Record([b"abc"])], version=0x30))
    se = fails(run_pyforge, work_dir, path)
    assert "field 'I' of type I has length 3" in se and "4 bytes" in se, se


def test_short_and_empty_files(run_pyforge, work_dir):
    (work_dir / "empty.dbf").write_bytes(b"")
    se = fails(run_pyforge, work_dir, work_dir / "empty.dbf")
    assert "empty" in se, se
    (work_dir / "short.dbf").write_bytes(b"\x03\x01\x02")
    se = fails(run_pyforge, work_dir, work_dir / "short.dbf")
    assert "32-byte header" in se, se


def memo_table(path):
    fields = [Field("ID", "N", 3), Field("NOTES", "M", 10), Field("PIC", "G", 10)]
    recs = [Record([fx.num(1, 3), fx.memo_ref(1), fx.memo_ref(0)])]
    fx.write(path, Table(fields, recs, version=0x83))


def test_missing_memo_file(run_pyforge, work_dir):
    path = work_dir / "memo.dbf"
    memo_table(path)
    se = fails(run_pyforge, work_dir, path)
    assert "memo file memo.dbt is missing" in se and "NOTES, PIC" in se and "--ignore-missing-memo" in se, se
    out = work_dir / "ok.parquet"
    rc, so, se = run_pyforge("convert", path, out, "--ignore-missing-memo")
    assert rc == 0, se
    assert "memo columns NOTES, PIC left out" in se, se
    assert pq.read_table(out).to_pylist() == [{"ID": 1}]


def test_memo_pointer_past_the_memo_file(run_pyforge, work_dir):
    dbt, blocks = fx.memo_dbt3([b"one"])
    fields = [Field("ID", "N", 3), Field("NOTES", "M", 10)]
    recs = [Record([fx.num(1, 3), fx.memo_ref(blocks[0])]), Record([fx.num(2, 3), fx.memo_ref(99)]),
            Record([fx.num(3, 3), fx.memo_ref(blocks[0])])]
    path = work_dir / "mp.dbf"
    fx.write(path, Table(fields, recs, version=0x83))
    (work_dir / "mp.dbt").write_bytes(dbt)
    se = fails(run_pyforge, work_dir, path)
    assert "record 2" in se and "NOTES" in se and "memo block 99 is past the end" in se, se
    out = work_dir / "ok.parquet"
    rc, so, se = run_pyforge("convert", path, out, "--on-bad-rows", "skip")
    assert rc == 0, se
    assert pq.read_table(out).column("ID").to_pylist() == [1, 3]
    rejects = (work_dir / "ok.parquet.rejects.csv").read_text()
    assert "memo block 99" in rejects and "\n2," in rejects, rejects
    rc, so, se = run_pyforge("validate", path, "--json")
    assert rc == 1 and "memo block 99" in so, so


def test_text_not_valid_in_its_code_page(run_pyforge, work_dir):
    path = work_dir / "enc.dbf"
    fx.write(path, Table([Field("T", "C", 4)], [Record([b"ok  "]), Record([b"\xff\xfe  "])]))
    se = fails(run_pyforge, work_dir, path, "--encoding", "utf-8")
    assert "record 2" in se and "not valid UTF-8" in se, se


def test_bad_deletion_flag(run_pyforge, work_dir):
    path = work_dir / "flag.dbf"
    data = bytearray(fx.table_bytes(simple(3)))
    hl = len(fx.header_bytes(simple(3)))
    data[hl + 11] = ord("X")  # record 2's flag
    path.write_bytes(bytes(data))
    se = fails(run_pyforge, work_dir, path)
    assert "record 2" in se and "deletion flag is 0x58" in se, se


def test_unknown_encoding(run_pyforge, work_dir):
    path = work_dir / "u.dbf"
    fx.write(path, simple(1))
    se = fails(run_pyforge, work_dir, path, "--encoding", "no-such-code-page", code=2)
    assert "unknown encoding 'no-such-code-page'" in se, se


def test_info_on_a_truncated_file_says_so(run_pyforge, work_dir):
    t = simple(10)
    t.truncate_to = len(fx.table_bytes(t)) - 12
    path = work_dir / "t.dbf"
    fx.write(path, t)
    rc, so, se = run_pyforge("info", path, "--json", "--allow-truncated")
    assert rc == 0, se
    info = json.loads(so)
    assert info["rows"] == 9, so
