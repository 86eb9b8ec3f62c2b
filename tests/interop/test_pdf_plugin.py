"""The PDF plugin (plugins/pdf) through the pyforge command, on documents
made here with reportlab: the text of every page compared word by word
with what was drawn AND with pypdf's extraction (the independent reader);
Parquet rows read back by pyarrow and DuckDB; the txt output byte for byte
against the original CLI's rule ("\\n".join of the pages, markers with
-m); page ranges; info (metadata, dates, page count, encrypted); a page
with only an image (empty text, one warning naming it); encrypted
documents (no password, wrong, right, owner-only); truncated and damaged
files (an error, no output); pdfium missing or not pdfium (unavailable,
with how to get it); standard input and gzip; many pages over batches."""
from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from plugin_paths import pdf_plugin, plugin_env

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")
pytest.importorskip("reportlab")
pytest.importorskip("pypdf")
raw = pytest.importorskip("pypdfium2_raw")

import pdf_fixtures as fx  # noqa: E402

PDFIUM = Path(raw.__file__).parent / "libpdfium.so"


def _runner(run_pyforge, base):
    def go(*args, env=None, **kw):
        e = dict(base)
        e.update(env or {})
        return run_pyforge(*[str(a) for a in args], env=e, **kw)
    return go


@pytest.fixture
def run(run_pyforge):
    """pyforge with the plugin and the test venv's pdfium."""
    if not PDFIUM.is_file():
        pytest.skip(f"{PDFIUM} missing (pip install pypdfium2)")
    return _runner(run_pyforge, {**plugin_env(pdf_plugin()), "PYFORGE_PDFIUM": str(PDFIUM)})


@pytest.fixture
def run_bare(run_pyforge):
    """pyforge with the plugin, pdfium left to each test."""
    return _runner(run_pyforge, plugin_env(pdf_plugin()))


WHEN = datetime(2023, 5, 17, 8, 30, 15, tzinfo=timezone.utc)


@pytest.fixture
def doc(work_dir):
    """5 pages: text, text, only an image, text (two columns of lines),
    blank; metadata set."""
    import random
    rng = random.Random(11)
    pages = [fx.random_lines(rng, 12, 8), fx.random_lines(rng, 30, 6), "image",
             fx.random_lines(rng, 5, 12), "blank"]
    path = work_dir / "report.pdf"
    drawn = fx.make_pdf(path, pages, title="Quarterly Report", author="Jane Doe",
                        subject="Numbers", creator="pyforge tests", keywords="a, b", when=WHEN)
    return path, drawn


def read_rows(path):
    t = pq.read_table(path)
    rows = t.to_pylist()
    con = duckdb.connect()
    d = con.execute(f"SELECT page, text, char_count FROM read_parquet('{path}') ORDER BY page"
                    ).fetchall()
    assert [(r["page"], r["text"], r["char_count"]) for r in rows] == d
    return t, rows


def test_default_output_is_txt_with_every_page_word_by_word(run, doc):
    path, drawn = doc
    rc, out, err = run("convert", path)
    assert rc == 0, err
    txt = path.with_suffix(".txt")
    assert txt.is_file() and not path.with_suffix(".parquet").exists()
    text = txt.read_text(encoding="utf-8")
    assert fx.words(text) == fx.words([ln for p in drawn for ln in p])
    # pypdf, page by page, agrees on the words
    theirs = fx.pypdf_pages(path)
    assert [fx.words(t) for t in theirs] == [fx.words(p) for p in drawn]
    # one warning naming the pages without text
    warnings = [ln for ln in err.splitlines() if "warning" in ln]
    assert len(warnings) == 1 and "2 of 5 pages have no text" in warnings[0], err
    assert warnings[0].rstrip().endswith("pages 3, 5"), warnings[0]


def original_txt(texts: dict[int, str], markers: bool) -> str:
    """The original CLI's file: "\\n".join of the pieces of each page with
    text (PyMuPDF ended every line with \\n)."""
    pieces = []
    for n, t in texts.items():
        if not t.strip():
            continue
        if markers:
            pieces.append(f"\n--- Page {n} ---\n")
        pieces.append(t if t.endswith("\n") else t + "\n")
        if markers:
            pieces.append(f"\n--- End Page {n} ---\n")
    return "\n".join(pieces)


def test_parquet_one_row_per_page_and_txt_bytes(run, doc, work_dir):
    path, drawn = doc
    out = work_dir / "pages.parquet"
    rc, _, err = run("convert", path, out, "-f", "parquet")
    assert rc == 0, err
    t, rows = read_rows(out)
    assert t.schema.names == ["page", "text", "char_count"]
    assert str(t.schema.field("page").type) == "int64"
    assert [r["page"] for r in rows] == [1, 2, 3, 4, 5]
    for r, lines in zip(rows, drawn):
        # each drawn line is one line of text, in reading order
        assert r["text"].split("\n") == lines if lines else r["text"] == ""
        assert r["char_count"] == len(r["text"])
    texts = {r["page"]: r["text"] for r in rows}
    for markers in (False, True):
        target = work_dir / f"m{int(markers)}.txt"
        args = ["convert", path, target] + (["-m"] if markers else [])
        rc, _, err = run(*args)
        assert rc == 0, err
        assert target.read_bytes() == original_txt(texts, markers).encode("utf-8")


def test_non_latin_text(run, work_dir):
    if not fx.have_dejavu():
        pytest.skip("DejaVuSans.ttf not installed")
    import random
    rng = random.Random(5)
    pages = [fx.random_lines(rng, 10, 6, wide=True) for _ in range(3)]
    path = work_dir / "wide.pdf"
    drawn = fx.make_pdf(path, pages, wide=True)
    out = work_dir / "wide.parquet"
    rc, _, err = run("convert", path, out)
    assert rc == 0, err
    _, rows = read_rows(out)
    assert [r["text"].split("\n") for r in rows] == drawn
    assert [fx.words(t) for t in fx.pypdf_pages(path)] == [fx.words(p) for p in drawn]


@pytest.mark.parametrize("spec,pages", [
    ("2", [2]), ("2-4", [2, 3, 4]), ("4-", [4, 5]), ("-2", [1, 2]), ("1-99", [1, 2, 3, 4, 5]),
    ("1,4-5", [1, 4, 5]), ("5,1", [1, 5])])
def test_pages(run, doc, work_dir, spec, pages):
    path, _ = doc
    out = work_dir / "p.parquet"
    rc, _, err = run("convert", path, out, "-p", spec)
    assert rc == 0, err
    assert [r["page"] for r in read_rows(out)[1]] == pages
    rc, info, err = run("info", path, "--pages", spec, "--format", "json")
    assert rc == 0, err
    assert json.loads(info)["rows"] == len(pages)


@pytest.mark.parametrize("spec,why", [
    ("6", "past the last page, 5"), ("0", "count from 1"), ("3-2", "ends before it starts"),
    ("x", "not a page number"), ("-", "needs a first or last page"), ("1-2-3", "not a page range")])
def test_bad_pages_are_errors_without_output(run, doc, work_dir, spec, why):
    path, _ = doc
    rc, _, err = run("convert", path, "-p", spec)
    assert rc != 0 and why in err and "--pages" in err, err
    assert not path.with_suffix(".txt").exists()


def test_info(run, doc):
    path, _ = doc
    rc, out, err = run("info", path, "--format", "json")
    assert rc == 0, err
    j = json.loads(out)
    p = j["properties"]
    assert j["format"] == "pdf" and j["rows"] == 5
    assert p["title"] == "Quarterly Report" and p["author"] == "Jane Doe"
    assert p["subject"] == "Numbers" and p["creator"] == "pyforge tests" and p["keywords"] == "a, b"
    assert p["producer"].startswith("ReportLab")
    assert p["creation_date"] == "2023-05-17T08:30:15+00:00"
    assert p["modification_date"] == "2023-05-17T08:30:15+00:00"
    assert p["page_count"] == "5" and p["encrypted"] == "no"
    from pypdf import PdfReader
    meta = PdfReader(str(path)).metadata
    assert (meta.title, meta.author, meta.subject) == (p["title"], p["author"], p["subject"])
    assert [c["name"] for c in j["columns"]] == ["page", "text", "char_count"]
    rc, out, err = run("info", path)
    assert rc == 0 and "Quarterly Report" in out and "Page count" in out, out + err


@pytest.fixture
def encrypted(doc, work_dir):
    path, drawn = doc
    enc = work_dir / "locked.pdf"
    fx.encrypt(path, enc, "user-pw", "owner-pw")
    owner_only = work_dir / "owner_only.pdf"
    fx.encrypt(path, owner_only, "", "owner-pw", algorithm="RC4-128")
    return enc, owner_only, drawn


def test_encrypted(run, encrypted, work_dir):
    enc, owner_only, drawn = encrypted
    rc, _, err = run("convert", enc)
    assert rc != 0 and "encrypted" in err and "--password" in err, err
    rc, _, err = run("convert", enc, "--password", "wrong")
    assert rc != 0 and "does not open it" in err, err
    assert not enc.with_suffix(".txt").exists()
    assert sorted(p.name for p in work_dir.iterdir()) == ["locked.pdf", "owner_only.pdf",
                                                          "report.pdf"]
    for pw in ("user-pw", "owner-pw"):
        out = work_dir / f"{pw}.parquet"
        rc, _, err = run("convert", enc, out, "--password", pw)
        assert rc == 0, err
        assert [fx.words(r["text"]) for r in read_rows(out)[1]] == [fx.words(p) for p in drawn]
    rc, out, err = run("info", enc, "--password", "user-pw", "--format", "json")
    assert rc == 0 and json.loads(out)["properties"]["encrypted"].startswith("yes"), err
    # only an owner password: opens without one, and says it is encrypted
    rc, out, err = run("info", owner_only, "--format", "json")
    assert rc == 0, err
    assert json.loads(out)["properties"]["encrypted"].startswith("yes")
    assert [fx.words(t) for t in fx.pypdf_pages(owner_only)] == [fx.words(p) for p in drawn]


def test_truncated_and_damaged_are_errors_without_output(run, doc, work_dir, assert_no_temp_files):
    path, _ = doc
    data = path.read_bytes()
    cases = {"cut_half.pdf": data[: len(data) // 2], "cut_end.pdf": data[:-40],
             "cut_head.pdf": data[:300], "no_header.pdf": b"hello" + data[20:],
             "zeroed.pdf": data[:400] + b"\0" * (len(data) - 800) + data[-400:],
             "empty.pdf": b"", "csv.pdf": b"a,b\n1,2\n"}
    for name, body in cases.items():
        p = work_dir / name
        p.write_bytes(body)
        for fmt in ("txt", "parquet"):
            rc, _, err = run("convert", p, "-f", fmt)
            assert rc != 0, (name, err)
            assert "error" in err and "Traceback" not in err, (name, err)
            assert not p.with_suffix("." + fmt).exists(), name
    assert_no_temp_files(work_dir)
    rc, _, err = run("convert", work_dir / "cut_half.pdf")
    assert "truncated" in err, err
    rc, _, err = run("convert", work_dir / "zeroed.pdf")
    assert "damaged" in err, err
    rc, _, err = run("convert", work_dir / "csv.pdf")
    assert "not a PDF" in err, err
    rc, out, err = run("validate", work_dir / "cut_half.pdf")
    assert rc == 1 and "invalid" in out + err and "truncated" in out + err, out + err
    rc, out, err = run("validate", path)
    assert rc == 0 and "valid pdf file, 5 rows" in out, out + err


def test_pdfium_missing_or_wrong_is_unavailable(run_bare, doc):
    run = run_bare
    path, _ = doc
    for bogus, what in (("/nonexistent/libpdfium.so", "was not found"),
                        (str(pdf_plugin()), "lacks FPDF_")):
        env = {"PYFORGE_PDFIUM": bogus}
        rc, out, err = run("extensions", "--json", env=env)
        assert rc == 0, err
        ext = {e["name"]: e for e in json.loads(out)}
        if what == "was not found":
            assert ext["pdf"]["state"] == "unavailable", ext["pdf"]
            assert "pip install pypdfium2" in ext["pdf"]["reason"]
            rc, out, err = run("formats", env=env)
            assert "unavailable" in out and "pip install pypdfium2" in out, out
        rc, _, err = run("convert", path, env=env)
        assert rc != 0 and what in err and "pypdfium2" in err, err
        assert not path.with_suffix(".txt").exists()


def test_found_on_path_without_the_variable(run, doc):
    """pypdfium2 in the Python environment on PATH is found by itself."""
    path, drawn = doc
    prefix = PDFIUM.parents[4]  # <prefix>/lib/python3.X/site-packages/pypdfium2_raw
    env = {"PYFORGE_PDFIUM": None, "VIRTUAL_ENV": None, "CONDA_PREFIX": None,
           "PATH": f"{prefix / 'bin'}:/usr/bin:/bin"}
    rc, out, err = run("extensions", "--json", env=env)
    assert {e["name"]: e for e in json.loads(out)}["pdf"]["state"] == "loaded", out
    rc, _, err = run("convert", path, env=env)
    assert rc == 0, err


def test_stdin_gzip_and_all_strings(run, doc, work_dir):
    path, drawn = doc
    data = path.read_bytes()
    out = work_dir / "stdin.parquet"
    rc, _, err = run("convert", "-", out, "--input-format", "pdf", input=data)
    assert rc == 0, err
    ref = read_rows(out)[1]
    # told by its content, like a file without an extension
    told = work_dir / "told.parquet"
    rc, _, err = run("convert", "-", told, input=data)
    assert rc == 0, err
    assert read_rows(told)[1] == ref
    gz = work_dir / "report.pdf.gz"
    gz.write_bytes(gzip.compress(data))
    out2 = work_dir / "gz.parquet"
    rc, _, err = run("convert", gz, out2)
    assert rc == 0, err
    assert read_rows(out2)[1] == ref
    out3 = work_dir / "s.parquet"
    rc, _, err = run("convert", path, out3, "--all-strings")
    assert rc == 0, err
    t = pq.read_table(out3)
    assert [str(f.type) for f in t.schema] == ["string", "string", "string"]
    assert [(int(r["page"]), r["text"], int(r["char_count"])) for r in t.to_pylist()] == \
        [(r["page"], r["text"], r["char_count"]) for r in ref]


def test_txt_is_for_pdf_only(run, work_dir):
    csv = work_dir / "a.csv"
    csv.write_text("x,y\n1,2\n")
    for args in (("-f", "txt"), (work_dir / "a.txt",)):
        rc, _, err = run("convert", csv, *args)
        assert rc != 0 and "text output of PDF documents" in err, err
        assert not (work_dir / "a.txt").exists()
    rc, _, err = run("convert", csv)
    assert rc == 0 and (work_dir / "a.parquet").is_file(), err


def test_metadata_needs_txt(run, doc):
    path, _ = doc
    rc, _, err = run("convert", path, "-m", "-f", "parquet")
    assert rc != 0 and "-m" in err and "txt" in err, err


def test_output_directory_gets_txt(run, doc, work_dir):
    path, _ = doc
    d = work_dir / "outdir"
    d.mkdir()
    rc, _, err = run("convert", path, d)
    assert rc == 0 and (d / "report.txt").is_file(), err


def test_delta_one_row_per_page(run, doc, work_dir):
    deltalake = pytest.importorskip("deltalake")
    path, drawn = doc
    target = work_dir / "pages_delta"
    rc, _, err = run("convert", path, target, "-f", "delta")
    assert rc == 0, err
    rows = sorted(deltalake.DeltaTable(str(target)).to_pyarrow_table().to_pylist(),
                  key=lambda r: r["page"])
    assert [fx.words(r["text"]) for r in rows] == [fx.words(p) for p in drawn]


def test_many_pages_over_batches(run, work_dir):
    path = work_dir / "long.pdf"
    drawn = fx.many_pages(path, 600, lines=3, per_line=5)
    out = work_dir / "long.parquet"
    rc, _, err = run("convert", path, out)
    assert rc == 0, err
    _, rows = read_rows(out)
    assert [r["page"] for r in rows] == list(range(1, 601))
    assert [r["text"].split("\n") for r in rows] == drawn
    txt = work_dir / "long.txt"
    rc, _, err = run("convert", path, txt, "-p", "250-260")
    assert rc == 0, err
    assert fx.words(txt.read_text()) == fx.words([ln for p in drawn[249:260] for ln in p])


def test_padding_after_the_end_marker_is_not_truncation(run, doc, work_dir):
    """Some writers pad a file to a block size after %%EOF (NUL bytes, white
    space): it reads like the unpadded file."""
    path, drawn = doc
    padded = work_dir / "padded.pdf"
    padded.write_bytes(path.read_bytes() + b"\0" * 5000 + b" \r\n" * 300)
    out = work_dir / "padded.parquet"
    rc, _, err = run("convert", padded, out)
    assert rc == 0, err
    assert [r["text"].split("\n") if r["text"] else [] for r in read_rows(out)[1]] == drawn


def test_line_end_hyphens_stay_as_drawn(run, work_dir):
    """pdfium joins a line ending in a hyphen with the next and marks the
    place with U+FFFE; the text keeps what the page shows (no U+FFFE)."""
    lines = ["it became too conspicuous and dan-", "gerous for use. A report creeps",
             "into camp that Johnston is com-", "ing with fifty thousand men"]
    path = work_dir / "hyphens.pdf"
    fx.make_pdf(path, [lines])
    out = work_dir / "h.parquet"
    rc, _, err = run("convert", path, out)
    assert rc == 0, err
    (row,) = read_rows(out)[1]
    assert row["text"].split("\n") == lines and "\ufffe" not in row["text"]
    assert row["char_count"] == len(row["text"])
    assert fx.words(fx.pypdf_pages(path)[0]) == fx.words(lines)
