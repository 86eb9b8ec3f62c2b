"""Bad input and hostile environments: each case must end with exit code 1,
a clear error on stderr ("pyforge: error: <file>: [place: ]message") whose
key words are asserted, naming the file (and the line where there is one),
and leave neither an output file nor a temporary file (".<name>.pyforge-
tmp-XXXXXX") in the output directory.
"""
from __future__ import annotations

import os
import random
import subprocess

import pytest


@pytest.fixture
def fails(run_pyforge, tmp_path, temp_files):
    """fails(input_path, *args, out=None) runs `pyforge convert` and checks
    the common contract of a failure; returns stderr."""
    def go(src, *args, out=None, outdir=None):
        outdir = outdir or tmp_path / "out"
        outdir.mkdir(exist_ok=True)
        out = out or outdir / "result.parquet"
        rc, so, se = run_pyforge("convert", src, out, *args)
        assert rc == 1, f"exit {rc}, expected 1\nstdout: {so}\nstderr: {se}"
        assert se.startswith("pyforge: error: "), se
        assert se.count("\n") <= 3, f"the error should be short:\n{se}"
        assert not os.path.lexists(out), f"an output was left at {out}"
        if os.path.isdir(os.path.dirname(out)):
            assert temp_files(os.path.dirname(out)) == [], "temporary files left behind"
            assert not os.path.lexists(str(out) + ".rejects.csv")
        return se
    return go


def advice_is_sound(err: str):
    """Options an input error suggests must be input options: `--format`
    chooses the OUTPUT format of convert; the input's is --input-format."""
    assert "--format" not in err.replace("--input-format", ""), \
        f"the error suggests --format (the output format) for an input problem:\n{err}"


def write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("size", ["small", "large"])
def test_unterminated_quote_at_end(fails, tmp_path, size):
    """A quoted field opens near the end and never closes. Rows before it
    use quotes properly. "small": the whole file fits the dialect sample;
    "large": the open quote is beyond it. Either way the error must be the
    unterminated quote at its line, not a guess at another dialect."""
    n = 3 if size == "small" else 30000
    lines = ["a,b"] + [f'{i},"v, {i}"' for i in range(n)] + [f'{n},"never closed', f"{n + 1},z"]
    src = write(tmp_path / "q.csv", ("\n".join(lines) + "\n").encode())
    err = fails(src)
    assert f"{src}: line {n + 2}" in err, err
    assert "quote" in err.lower(), err


def test_unterminated_quote_only_quote_in_file(fails, tmp_path):
    src = write(tmp_path / "q.csv", b'a,b\n1,x\n2,"never closed\n3,y\n4,z\n')
    err = fails(src)
    assert f"{src}: line 3" in err, err
    assert "quote" in err.lower(), err


def utf8_file_with_a_bad_byte(n_rows):
    """UTF-8 rows with accents; row n_rows + 1 (line n_rows + 2) holds a
    byte that cannot start a UTF-8 sequence; 99 more good rows follow."""
    lines = [b"id,name"] + [f"{i},caf\u00e9 \u6771\u4eac {i}".encode() for i in range(1, n_rows + 1)]
    lines.append(f"{n_rows + 1},bad ".encode() + b"\xff byte")
    lines += [f"{i},ok".encode() for i in range(n_rows + 2, n_rows + 100)]
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("n_rows", [30_000, 200_000], ids=["700KB", "5MB"])
def test_invalid_utf8_in_the_middle(fails, tmp_path, n_rows):
    """A UTF-8 file (every row has multi-byte characters) with one invalid
    byte: an error naming its line, not a silent decode as Windows-1252
    (which would garble every accented value). 700KB: the whole file is
    inside the encoding detection head (1 MiB); 5MB: the bad byte is far
    beyond it."""
    src = write(tmp_path / "u.csv", utf8_file_with_a_bad_byte(n_rows))
    err = fails(src)
    assert "UTF-8" in err or "utf-8" in err, err
    assert f"{src}: line {n_rows + 2}" in err, err
    assert "--encoding" in err, "the message should say how to read the file anyway"


def test_nul_bytes(fails, tmp_path):
    src = write(tmp_path / "nul.csv", b"a,b\n1,x\n2,y\x00z\n3,w\n")
    err = fails(src)
    assert "NUL" in err or "nul" in err.lower() or "binary" in err.lower(), err
    assert str(src) in err
    advice_is_sound(err)


def test_random_binary_named_csv(fails, tmp_path):
    rng = random.Random(99)
    src = write(tmp_path / "random.csv", bytes(rng.randrange(256) for _ in range(20000)))
    err = fails(src)
    assert str(src) in err
    assert any(w in err.lower() for w in ("binary", "nul", "not a text", "not text")), err
    advice_is_sound(err)


def test_png_named_csv(fails, tmp_path):
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
           b"\x00\x00\x00\x1f\xf3\xffa" + bytes(range(256)) * 8)
    src = write(tmp_path / "image.csv", png)
    err = fails(src)
    assert str(src) in err
    assert any(w in err.lower() for w in ("binary", "nul", "not a text", "not text")), err
    advice_is_sound(err)


def test_field_over_the_limit_small(fails, tmp_path):
    src = tmp_path / "wide_field.csv"
    src.write_bytes(b"id,blob\n1,small\n2," + b"x" * (2 << 20) + b"\n3,small\n")
    err = fails(src, "--max-field-size", "1M")
    assert "--max-field-size" in err, err
    assert f"{src}: line 3" in err, err


@pytest.mark.bigfile
def test_field_of_100mb(fails, tmp_path):
    """The default limit (64 MiB) stops a 100 MB field; written streaming."""
    src = tmp_path / "huge_field.csv"
    chunk = b"y" * (1 << 20)
    with open(src, "wb") as f:
        f.write(b"id,blob\n1,small\n2,")
        for _ in range(100):
            f.write(chunk)
        f.write(b"\n3,small\n")
    try:
        err = fails(src)
        assert "--max-field-size" in err, err
        assert f"{src}: line 3" in err, err
    finally:
        src.unlink()


def test_too_many_columns_small(fails, tmp_path):
    src = write(tmp_path / "cols.csv", (",".join(f"c{i}" for i in range(200)) + "\n"
                                        + ",".join("1" for _ in range(200)) + "\n").encode())
    err = fails(src, "--max-columns", "100")
    assert "--max-columns" in err, err
    assert str(src) in err


def test_10000_columns(fails, tmp_path):
    n = 10_000
    src = write(tmp_path / "cols.csv", (",".join(f"c{i}" for i in range(n)) + "\n"
                                        + ",".join(str(i) for i in range(n)) + "\n").encode())
    err = fails(src)
    assert "--max-columns" in err, err
    assert "10000" in err.replace(",", ""), "the message should say how many columns there are"


@pytest.mark.parametrize("mode", ["error", "skip", "keep"])
@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \n\n"], ids=["0B", "bom", "blank"])
def test_empty_file(run_pyforge, tmp_path, mode, data):
    """A file without text gives, in every mode, an output of one string
    column and no rows that pyarrow and DuckDB read (as DuckDB reads the
    file itself), with a warning; info and validate say the same."""
    import duckdb
    import pyarrow.parquet as pq
    src = write(tmp_path / "empty.csv", data)
    out = tmp_path / "empty.parquet"
    rc, so, se = run_pyforge("convert", src, out, "--on-bad-rows", mode)
    assert rc == 0, se
    assert "pyforge: warning: the file is empty" in se and "Column_1" in se, se
    t = pq.read_table(out)
    assert t.column_names == ["Column_1"] and t.num_rows == 0
    assert str(t.schema.field("Column_1").type) == "string"
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{out}')").fetchone() == (0,)
    assert [d[0] for d in con.execute(f"select * from read_parquet('{out}')").description] \
        == ["Column_1"]
    rc, so, se = run_pyforge("info", src, "--on-bad-rows", mode)
    assert rc == 0 and "the file is empty" in so, (so, se)
    rc, so, _ = run_pyforge("validate", src)
    assert rc == 0 and "0 rows" in so, so


def test_info_and_validate_agree_with_convert(run_pyforge, tmp_path):
    """info and validate read with convert's dialect, header and bad-row
    verdicts: a short row and a long row fail all three by default."""
    src = write(tmp_path / "r.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
    for cmd in ("convert", "info"):
        args = [cmd, src] + ([tmp_path / "o.parquet"] if cmd == "convert" else [])
        rc, out, err = run_pyforge(*args)
        assert rc == 1, (cmd, out, err)
        assert f"{src}: line 3, row 2" in err and "2 fields where the header has 3" in err, err
    rc, out, _ = run_pyforge("validate", src)
    assert rc == 1 and "invalid: 2 problems" in out, out
    for line in (3, 4):
        assert f"{src}: line {line}" in out, out
    rc, out, err = run_pyforge("info", src, "--on-bad-rows", "skip", "--json")
    assert rc == 0, err
    import json as _json
    info = _json.loads(out)
    assert info["rows"] == 2, info
    rc, out, err = run_pyforge("info", src, "--on-bad-rows", "keep", "--json")
    assert rc == 0 and _json.loads(out)["rows"] == 4, (out, err)


def test_missing_file(fails, tmp_path):
    src = tmp_path / "does_not_exist.csv"
    err = fails(src)
    assert "no such file" in err.lower(), err
    assert str(src) in err


def test_input_is_a_directory(fails, tmp_path):
    d = tmp_path / "adir.csv"
    d.mkdir()
    err = fails(d)
    assert "directory" in err.lower(), err


def test_output_under_a_regular_file(fails, tmp_path):
    src = write(tmp_path / "ok.csv", b"a,b\n1,2\n")
    blocker = tmp_path / "not_a_dir"
    blocker.write_bytes(b"I am a file")
    out = blocker / "result.parquet"
    err = fails(src, out=out)
    assert str(out) in err, err
    assert "not a directory" in err.lower(), err
    assert blocker.read_bytes() == b"I am a file"


def test_output_directory_missing(fails, tmp_path):
    src = write(tmp_path / "ok.csv", b"a,b\n1,2\n")
    out = tmp_path / "no" / "such" / "dir" / "result.parquet"
    err = fails(src, out=out)
    assert "does not exist" in err, err


def test_unwritable_directory(fails, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: permission bits do not stop root, and no "
                    "read-only mount is available to the tests")
    src = write(tmp_path / "ok.csv", b"a,b\n1,2\n")
    ro = tmp_path / "readonly"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        err = fails(src, outdir=ro)
        assert "permission denied" in err.lower(), err
        assert os.listdir(ro) == []
    finally:
        ro.chmod(0o755)


def test_file_size_limit_while_writing(pyforge_bin, tmp_path, temp_files):
    """A full disk, simulated with `ulimit -f`: the limit hits while the
    Parquet file is written (SIGXFSZ is ignored by pyforge, so write(2)
    fails with EFBIG)."""
    rng = random.Random(5)
    src = tmp_path / "in.csv"
    with open(src, "w") as f:
        f.write("id,payload\n")
        for i in range(20000):
            f.write(f"{i},{''.join(rng.choice('0123456789abcdef') for _ in range(100))}\n")
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "result.parquet"
    # bash counts -f in 1024-byte blocks: 200 KiB, far below the ~2 MB output
    cmd = 'ulimit -f 200; exec "$0" convert "$1" "$2" --compression none'
    p = subprocess.run(["bash", "-c", cmd, str(pyforge_bin), str(src), str(out)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    err = p.stderr.decode()
    assert p.returncode == 1, f"exit {p.returncode}\n{err}"
    assert err.startswith("pyforge: error: ")
    assert "size limit" in err or "no space" in err.lower() or "too large" in err.lower(), err
    assert str(out) in err, err
    assert not out.exists()
    assert temp_files(outdir) == []
    assert os.listdir(outdir) == []


def test_validate_lists_every_problem_with_its_line(run_pyforge, tmp_path):
    """validate goes on after a problem: rows with extra fields and a line
    that is not UTF-8 (beyond the detection head) are all listed."""
    data = utf8_file_with_a_bad_byte(60_000)  # bad byte on line 60002
    lines = data.split(b"\n")
    lines[10] = lines[10] + b",extra"          # line 11
    lines[60_050] = lines[60_050] + b",x,y"    # line 60051
    src = write(tmp_path / "v.csv", b"\n".join(lines))
    rc, out, err = run_pyforge("validate", src)
    assert rc == 1, (out, err)
    assert "invalid: 3 problems" in out, out
    for line in (11, 60002, 60051):
        assert f"{src}: line {line}" in out, out


def test_validate_unterminated_quote(run_pyforge, tmp_path):
    lines = ["a,b"] + [f'{i},"v, {i}"' for i in range(30000)] + ['30000,"never closed', "30001,z"]
    src = write(tmp_path / "q.csv", ("\n".join(lines) + "\n").encode())
    rc, out, err = run_pyforge("validate", src)
    assert rc == 1, (out, err)
    assert f"{src}: line 30002" in out, out
    assert "quote" in out.lower()
