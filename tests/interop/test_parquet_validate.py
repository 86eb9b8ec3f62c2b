"""`pyforge validate` on Parquet (issue 9): every page of every column chunk
is read and decoded (levels, values, dictionaries, codecs, CRCs), the
result says so, and the row count is the one the pages hold. Files are
written here by pyarrow in every page version, codec and encoding it has;
the page decoder's values (tests/tools/parquet_pages) are compared with
pyarrow's value by value; damaged files are invalid with the column and
the reason; the Parquet magic is recognised whatever the file's name."""
from __future__ import annotations

import json
import math
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

REPO = Path(__file__).resolve().parents[2]


def _tool() -> Path | None:
    build = Path(os.environ.get("PYFORGE_BUILD_DIR", REPO / "build" / "release"))
    if not build.is_absolute():
        build = REPO / build
    for cand in (build / "tests" / "tools" / "parquet_pages", build / "parquet_pages"):
        if cand.is_file() and os.access(cand, os.X_OK):
            return cand
    return None


TOOL = _tool()
N = 1000


def table():
    rows = range(N)
    return pa.table({
        "i32": pa.array([None if r % 7 == 0 else (r * 37) % 1000 - 500 for r in rows], pa.int32()),
        "i64": pa.array([r * 1_000_003 - 2**40 for r in rows], pa.int64()),
        "f32": pa.array([None if r % 11 == 0 else r / 8 for r in rows], pa.float32()),
        "f64": pa.array([float("nan") if r == 5 else r * 0.1 for r in rows], pa.float64()),
        "s": pa.array([None if r % 13 == 0 else f"v{r % 40}-{'x' * (r % 5)}" for r in rows]),
        "b": pa.array([bytes([r % 256, (r * 3) % 256]) for r in rows], pa.binary()),
        "flag": pa.array([r % 3 == 0 for r in rows]),
        "fixed": pa.array([struct.pack("<i", r) for r in rows], pa.binary(4)),
        "lst": pa.array([None if r % 9 == 0 else list(range(r % 4)) for r in rows],
                        pa.list_(pa.int32())),
        "st": pa.array([{"a": r, "b": None if r % 2 else str(r)} for r in rows],
                       pa.struct([("a", pa.int64()), ("b", pa.string())])),
        "m": pa.array([[(f"k{r % 3}", r)] for r in rows], pa.map_(pa.string(), pa.int32())),
    })


FLAT = ["i32", "i64", "f32", "f64", "s", "b", "flag", "fixed"]
ENCODINGS = {
    "plain": {},
    "delta": {"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
              "s": "DELTA_BYTE_ARRAY", "b": "DELTA_LENGTH_BYTE_ARRAY",
              "fixed": "DELTA_BYTE_ARRAY"},
    "split": {"f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
              "i32": "BYTE_STREAM_SPLIT", "i64": "BYTE_STREAM_SPLIT", "fixed": "BYTE_STREAM_SPLIT"},
}


def write(path, *, compression="snappy", version="1.0", dictionary=True, encoding="plain",
          checksum=False, page=512, group=300):
    kw = {}
    if ENCODINGS[encoding]:
        kw["column_encoding"] = ENCODINGS[encoding]
        dictionary = False
    if checksum:
        kw["write_page_checksum"] = True
    pq.write_table(table(), path, compression=compression, data_page_version=version,
                   use_dictionary=dictionary, data_page_size=page, row_group_size=group, **kw)
    return path


def validate(run_pyforge, path, *args):
    rc, so, se = run_pyforge("validate", path, "--json", *args)
    assert rc in (0, 1), se
    return rc, json.loads(so)


CASES = [(c, v, d, e) for c in ("none", "snappy", "gzip", "zstd", "lz4")
         for v in ("1.0", "2.0") for d in (True, False) for e in ("plain",)]
CASES += [(c, v, False, e) for c in ("none", "zstd") for v in ("1.0", "2.0")
          for e in ("delta", "split")]


@pytest.mark.parametrize("compression,version,dictionary,encoding", CASES)
def test_every_page_read(run_pyforge, tmp_path, compression, version, dictionary, encoding):
    p = write(tmp_path / "t.parquet", compression=compression, version=version,
              dictionary=dictionary, encoding=encoding, checksum=version == "1.0")
    rc, res = validate(run_pyforge, p)
    assert rc == 0 and res["valid"], res
    assert res["rows"] == N and res["problems"] == []
    meta = pq.ParquetFile(p).metadata
    chunks = meta.num_row_groups * meta.num_columns
    assert res["checked"].startswith(f"every page of the {chunks} column chunks read and decoded"), res
    if version == "1.0":
        assert "page CRCs matched" in res["checked"], res


@pytest.mark.skipif(TOOL is None, reason="tests/tools/parquet_pages not built")
@pytest.mark.parametrize("compression,version,dictionary,encoding",
                         [("snappy", "1.0", True, "plain"), ("none", "2.0", False, "plain"),
                          ("zstd", "1.0", False, "delta"), ("gzip", "2.0", False, "delta"),
                          ("lz4", "1.0", False, "split"), ("none", "2.0", False, "split")])
def test_decoded_values_match_pyarrow(tmp_path, compression, version, dictionary, encoding):
    p = write(tmp_path / "t.parquet", compression=compression, version=version,
              dictionary=dictionary, encoding=encoding)
    out = subprocess.run([str(TOOL), str(p)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    cols = {c["column"]: c for c in map(json.loads, out.stdout.splitlines())}
    want = pq.read_table(p)
    for name in FLAT:
        got = cols[name]
        assert got["rows"] == N and got["entries"] == N, name
        for i, (g, w) in enumerate(zip(got["values"], want.column(name).to_pylist())):
            if w is None:
                assert g is None, (name, i)
            elif isinstance(w, bool):
                assert g == int(w), (name, i)
            elif isinstance(w, int):
                assert g == w, (name, i, g, w)
            elif isinstance(w, float):
                f = float(g["f"])
                assert (math.isnan(f) and math.isnan(w)) or f == w, (name, i, g, w)
            else:
                want_bytes = w.encode() if isinstance(w, str) else w
                assert g == {"hex": want_bytes.hex()}, (name, i, g, w)
    # nested: the rows the levels hold, and the entries (one per list item,
    # an empty or null list is one entry too)
    lists = want.column("lst").to_pylist()
    assert cols["lst.list.element"]["rows"] == N
    assert cols["lst.list.element"]["entries"] == sum(max(1, len(x or [])) for x in lists)
    assert cols["st.a"]["values"][:3] == [0, 1, 2]


def test_brotli_pages_are_said_unread(run_pyforge, tmp_path):
    p = write(tmp_path / "b.parquet", compression="brotli")
    rc, res = validate(run_pyforge, p)
    assert rc == 0 and res["valid"] and res["rows"] == N, res
    assert "checked by the footer only" in res["checked"] and "brotli" in res["checked"], res


def pages_of(p, column=0, group=0):
    c = pq.ParquetFile(p).metadata.row_group(group).column(column)
    start = c.dictionary_page_offset if c.has_dictionary_page else c.data_page_offset
    return start, c.total_compressed_size


def test_crc_mismatch_is_invalid(run_pyforge, tmp_path):
    p = write(tmp_path / "c.parquet", compression="none", checksum=True)
    data = bytearray(p.read_bytes())
    start, size = pages_of(p, column=1)
    data[start + size - 3] ^= 0x40  # inside the last page's values
    p.write_bytes(bytes(data))
    rc, res = validate(run_pyforge, p)
    assert rc == 1 and not res["valid"], res
    msg = res["problems"][0]["message"]
    assert "i64" in msg and "CRC does not match" in msg and "row group 0" in msg, msg
    assert "1 with the problem above" in res["checked"], res


def test_damaged_compressed_pages_are_invalid(run_pyforge, tmp_path):
    p = write(tmp_path / "d.parquet", compression="snappy", dictionary=False, group=N)
    data = bytearray(p.read_bytes())
    start, size = pages_of(p, column=4)  # s: snappy pages
    for k in range(start + 40, start + size, 97):
        data[k] = 0xFF
    p.write_bytes(bytes(data))
    rc, res = validate(run_pyforge, p)
    assert rc == 1 and not res["valid"], res
    assert any("column s" in x["message"] for x in res["problems"]), res


def test_rows_are_the_pages_rows(run_pyforge, tmp_path):
    """A table of 0 rows, and one of several row groups: the count comes
    from the pages, not a constant."""
    p = tmp_path / "z.parquet"
    pq.write_table(table().slice(0, 0), p)
    rc, res = validate(run_pyforge, p)
    assert rc == 0 and res["rows"] == 0, res
    p2 = write(tmp_path / "g.parquet", group=70)
    assert validate(run_pyforge, p2)[1]["rows"] == N


def test_magic_decides_whatever_the_name(run_pyforge, tmp_path):
    good = write(tmp_path / "t.parquet")
    disguised = tmp_path / "data.csv"
    shutil.copy(good, disguised)
    rc, res = validate(run_pyforge, disguised)
    assert rc == 0 and res["format"] == "parquet" and res["rows"] == N, res
    # an encrypted footer ("PARE" magic at both ends) under its usual name
    enc = tmp_path / "secret.parquet.encrypted"
    data = bytearray(good.read_bytes())
    data[:4] = b"PARE"
    data[-4:] = b"PARE"
    enc.write_bytes(bytes(data))
    rc, so, se = run_pyforge("info", enc)
    assert rc == 1 and "encrypted Parquet footer" in se and "cannot tell" not in se, se
