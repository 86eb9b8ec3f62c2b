"""Where outputs go: an existing directory as OUTPUT receives the file under
its default name (as cp does), for single outputs and for a workbook's
several outputs; a second run without --force is refused and keeps the
first file; standard input still needs a file name."""
from __future__ import annotations

import pyarrow.parquet as pq
import xlsxwriter


def test_csv_into_existing_directory(run_pyforge, work_dir, assert_no_temp_files):
    src = work_dir / "people.csv"
    src.write_text("id,name\n1,ann\n2,bob\n", encoding="utf-8")
    out = work_dir / "out"
    out.mkdir()
    rc, so, se = run_pyforge("convert", src, out, "--quiet")
    assert rc == 0, se
    t = pq.read_table(out / "people.parquet")
    assert t.column("id").to_pylist() == [1, 2] and t.column("name").to_pylist() == ["ann", "bob"]
    before = (out / "people.parquet").read_bytes()
    rc, so, se = run_pyforge("convert", src, out, "--quiet")
    assert rc == 1 and "people.parquet" in se and "--force" in se
    assert (out / "people.parquet").read_bytes() == before
    assert_no_temp_files(out)
    rc, so, se = run_pyforge("convert", "-", out, "--quiet", input=b"a\n1\n")
    assert rc != 0 and "directory" in se


def test_workbook_into_existing_directory(run_pyforge, work_dir):
    book = work_dir / "book.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    for name, hdr in (("A", ["x", "y"]), ("B", ["p", "q", "r"])):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, hdr)
        ws.write_row(1, 0, list(range(len(hdr))))
    wb.close()
    out = work_dir / "out"
    out.mkdir()
    rc, so, se = run_pyforge("convert", book, out, "--quiet")
    assert rc == 0, se
    assert sorted(p.name for p in out.iterdir()) == ["book_A.parquet", "book_B.parquet"]
    assert pq.read_table(out / "book_B.parquet").column_names == ["p", "q", "r"]
    rc, so, se = run_pyforge("convert", book, out, "--sheet", "A", "--quiet")
    assert rc == 0, se
    assert pq.read_table(out / "book.parquet").column_names == ["x", "y"]


def test_fsync_only_when_asked(run_pyforge, work_dir, monkeypatch):
    """Outputs are atomic but flushed to the disk only with --fsync (and its
    rejects file with it); Delta tables always are. -vv tells each flush."""
    monkeypatch.delenv("PYFORGE_FSYNC", raising=False)
    src = work_dir / "rows.csv"
    src.write_text("id,name\n1,ann\n2,bob,extra\n3,cy\n", encoding="utf-8")
    out = work_dir / "rows.parquet"
    rc, so, se = run_pyforge("convert", src, out, "--on-bad-rows", "skip", "-vv")
    assert rc == 0, se
    assert "flushed" not in se
    rc, so, se = run_pyforge("convert", src, out, "--on-bad-rows", "skip", "--force", "--fsync", "-vv")
    assert rc == 0, se
    assert f"flushed {out} to the disk" in se
    assert f"flushed {work_dir / 'rows.parquet.rejects.csv'} to the disk" in se
    assert pq.read_table(out).column("id").to_pylist() == [1, 3]
    rc, so, se = run_pyforge("convert", src, work_dir / "t_delta", "-f", "delta", "--on-bad-rows", "skip", "-vv")
    assert rc == 0, se
    assert "flushed " in se and "t_delta/part-" in se
