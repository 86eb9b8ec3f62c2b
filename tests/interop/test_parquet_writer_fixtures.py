"""Tier 3 interop for the Parquet writer alone: tests/tools/parquet_fixture_writer
writes files of every type (nulls, empty and unicode strings, strings over
64 bytes, decimals up to 38 digits, NaN/-0.0/inf, an all-null column,
required columns) with every codec, several row groups and page sizes, with
and without dictionaries, 0 rows and 1,500 columns; pyarrow and DuckDB read
each file back and every value is compared with what this file computes
independently from the same rules (mirroring row_all / row_wide / row_bench
in the tool).

The tool is found in $PYFORGE_BUILD_DIR (default build/release) under
tests/tools/ or at its root; the tests skip when it has not been built.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

REPO = Path(__file__).resolve().parents[2]
EPOCH = dt.date(1970, 1, 1)
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
MASK64 = 2**64 - 1


def _tool() -> Path | None:
    build = Path(os.environ.get("PYFORGE_BUILD_DIR", REPO / "build" / "release"))
    if not build.is_absolute():
        build = REPO / build
    for cand in (build / "tests" / "tools" / "parquet_fixture_writer",
                 build / "parquet_fixture_writer"):
        if cand.is_file() and os.access(cand, os.X_OK):
            return cand
    return None


TOOL = _tool()
pytestmark = pytest.mark.skipif(
    TOOL is None, reason="parquet_fixture_writer not built (set PYFORGE_BUILD_DIR)")


def write(tmp_path: Path, *args: str, name: str = "out.parquet") -> tuple[Path, dict]:
    out = tmp_path / name
    proc = subprocess.run([str(TOOL), *args, str(out)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out, json.loads(proc.stdout)


# ---- expected values (mirrors the tool's generators) --------------------------

def dec(unscaled: int, scale: int) -> decimal.Decimal:
    sign = 1 if unscaled < 0 else 0
    return decimal.Decimal((sign, tuple(int(c) for c in str(abs(unscaled))), -scale))


def expected_all(n: int) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in (
        "b", "i64", "f64", "day", "ts", "ts_utc", "tm", "s", "bin", "dec38", "dec9",
        "nul", "req", "req_s")}
    for i in range(n):
        cols["b"].append(None if i % 11 == 3 else (i * 7) % 3 == 0)
        if i % 7 == 3:
            v = None
        elif i == 1:
            v = I64_MAX
        elif i == 2:
            v = I64_MIN
        else:
            v = (i * 2654435761) % 2000003 - 1000000
        cols["i64"].append(v)
        if i % 13 == 5:
            f = None
        else:
            f = {4: math.nan, 6: -0.0, 8: math.inf, 9: -math.inf}.get(i, i * 1.5 - 300.125)
        cols["f64"].append(f)
        cols["day"].append(None if i % 9 == 2 else (i * 37) % 40000 - 20000)
        cols["ts"].append(None if i % 10 == 1 else i * 3600000123 - 1000000000000000)
        cols["ts_utc"].append(None if i % 10 == 2 else i * 86400000001 + 1600000000000000)
        cols["tm"].append(None if i % 8 == 7 else (i * 1000003) % 86400000000)
        m = i % 5
        cols["s"].append(None if m == 0 else "" if m == 1 else
                         f"héllo-ü-{i % 100}-日本" if m == 2 else
                         "x" * 100 + str(i) if m == 3 else f"k{i % 17}")
        cols["bin"].append(None if i % 6 == 0 else bytes([i % 256, (i * 7) % 256, 0, 255]))
        if i % 4 == 1:
            cols["dec38"].append(None)
        else:
            u = (i - 500) * 10**30 + i if i % 3 == 0 else (i - 500) * 1234567
            cols["dec38"].append(dec(u, 4))
        cols["dec9"].append(None if i % 12 == 0 else dec(i * 101 - 5000, 2))
        cols["nul"].append(None)
        cols["req"].append(i * 3)
        cols["req_s"].append(f"r{i % 1000}")
    return cols


ALL_TYPES = {
    "b": pa.bool_(), "i64": pa.int64(), "f64": pa.float64(), "day": pa.date32(),
    "ts": pa.timestamp("us"), "ts_utc": pa.timestamp("us", tz="UTC"),
    "tm": pa.time64("us"), "s": pa.string(), "bin": pa.binary(),
    "dec38": pa.decimal128(38, 4), "dec9": pa.decimal128(9, 2), "nul": pa.null(),
    "req": pa.int64(), "req_s": pa.string(),
}
TEMPORAL = {"day", "ts", "ts_utc", "tm"}


def splitmix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def expected_bench(n: int) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in (
        "id", "category", "name", "amount", "qty", "day", "ts", "flag", "code", "note")}
    for i in range(n):
        h = splitmix(i)
        cols["id"].append(i)
        cols["category"].append(f"category_{i * 7919 % 50}")
        cols["name"].append(f"name_{h % 10000}")
        cols["amount"].append(((h >> 8) % 1000000) / 100.0)
        cols["qty"].append((h >> 20) % 1000)
        cols["day"].append(18000 + (h >> 30) % 2000)
        cols["ts"].append(1600000000000000 + i * 1000003)
        cols["flag"].append(bool(h & 1))
        cols["code"].append(f"{splitmix(h):016x}")
        cols["note"].append(None if h % 10 < 3 else f"note {(h >> 40) % 100000}")
    return cols


# ---- comparing ---------------------------------------------------------------

def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b if a is not None and b is not None else a is b


def assert_column(reader: str, name: str, got: list, want: list) -> None:
    assert len(got) == len(want), f"{reader} {name}: {len(got)} rows, want {len(want)}"
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if not same(g, w)]
    assert not bad, f"{reader} {name}: {len(bad)} values differ; first: " + "; ".join(
        f"row {i}: got {g!r}, want {w!r}" for i, g, w in bad[:5])


def pyarrow_columns(path: Path, temporal: set[str]) -> tuple[pa.Table, dict[str, list]]:
    table = pq.read_table(path)
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if name in temporal:
            col = col.cast(pa.int32() if pa.types.is_date32(col.type) else pa.int64())
        out[name] = col.to_pylist()
    return table, out


def duck_value(v, kind: str | None):
    if v is None or kind is None:
        return v
    if kind == "date":
        return (v - EPOCH).days
    if kind == "time":
        return ((v.hour * 60 + v.minute) * 60 + v.second) * 1000000 + v.microsecond
    return v


def duckdb_columns(path: Path, kinds: dict[str, str], order_by: str) -> dict[str, list]:
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    rel = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    names = [r[0] for r in rel]
    exprs = [f'epoch_us("{n}")' if kinds.get(n) == "ts" else f'"{n}"' for n in names]
    rows = con.execute(f"SELECT {', '.join(exprs)} FROM read_parquet('{path}') "
                       f'ORDER BY "{order_by}"').fetchall()
    cols = {n: [duck_value(r[k], kinds.get(n)) for r in rows] for k, n in enumerate(names)}
    con.close()
    return cols


ALL_DUCK_KINDS = {"day": "date", "ts": "ts", "ts_utc": "ts", "tm": "time"}


def check_all(path: Path, n: int) -> None:
    want = expected_all(n)
    table, got = pyarrow_columns(path, TEMPORAL)
    for name, typ in ALL_TYPES.items():
        assert table.schema.field(name).type == typ, f"{name}: {table.schema.field(name).type}"
    assert not table.schema.field("req").nullable
    assert not table.schema.field("req_s").nullable
    for name in ALL_TYPES:
        assert_column("pyarrow", name, got[name], want[name])
    dgot = duckdb_columns(path, ALL_DUCK_KINDS, "req")
    for name in ALL_TYPES:
        assert_column("duckdb", name, dgot[name], want[name])


# ---- tests ---------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["snappy", "gzip", "zstd", "lz4_raw", "none"])
def test_every_type_every_codec(tmp_path, codec):
    path, res = write(tmp_path, "-s", "all", "-n", "3000", "-c", codec)
    assert res["rows"] == 3000
    md = pq.ParquetFile(path).metadata
    assert md.num_rows == 3000
    assert md.created_by.startswith("pyforge version ")
    want_codec = "UNCOMPRESSED" if codec == "none" else codec.upper()
    # pyarrow names Parquet's LZ4_RAW "LZ4" (its LZ4_HADOOP is Parquet's old LZ4)
    arrow_codec = "LZ4" if codec == "lz4_raw" else want_codec
    for c in range(md.num_columns):
        assert md.row_group(0).column(c).compression == arrow_codec
    con = duckdb.connect()
    codecs = con.execute(f"SELECT DISTINCT compression FROM parquet_metadata('{path}')").fetchall()
    assert codecs == [(want_codec,)]
    check_all(path, 3000)


@pytest.mark.parametrize("level_args", [["-c", "zstd", "-l", "9"], ["-c", "gzip", "-l", "1"],
                                        ["-c", "lz4_raw", "-l", "4"]])
def test_compression_levels(tmp_path, level_args):
    path, _ = write(tmp_path, "-s", "all", "-n", "2000", *level_args)
    check_all(path, 2000)


def test_row_groups_pages_and_uneven_batches(tmp_path):
    path, _ = write(tmp_path, "-s", "all", "-n", "5000", "-g", "700", "-p", "300", "-B", "333")
    md = pq.ParquetFile(path).metadata
    assert md.num_row_groups == 8
    assert [md.row_group(g).num_rows for g in range(8)] == [700] * 7 + [100]
    check_all(path, 5000)


def test_no_dictionary(tmp_path):
    path, _ = write(tmp_path, "-s", "all", "-n", "3000", "-D")
    md = pq.ParquetFile(path).metadata
    for c in range(md.num_columns):
        col = md.row_group(0).column(c)
        assert not col.has_dictionary_page
        assert "RLE_DICTIONARY" not in col.encodings
    check_all(path, 3000)


def test_dictionary_fallback_and_statistics(tmp_path):
    # 40,000 distinct 100-byte strings pass the 1 MiB dictionary limit
    path, _ = write(tmp_path, "-s", "all", "-n", "200000")
    md = pq.ParquetFile(path).metadata
    s = md.row_group(0).column(7)
    assert s.has_dictionary_page and {"PLAIN", "RLE_DICTIONARY"} <= set(s.encodings)
    want = expected_all(200000)
    # statistics agree with the data
    table = pq.read_table(path)
    for name in ("i64", "day", "dec9", "req", "req_s"):
        st = md.row_group(0).column(table.column_names.index(name)).statistics
        vals = [v for v in want[name] if v is not None]
        assert st.null_count == len(want[name]) - len(vals)
        lo, hi = st.min, st.max
        if name == "day":
            lo, hi = (lo - EPOCH).days, (hi - EPOCH).days
        assert (lo, hi) == (min(vals), max(vals)), name
    sst = md.row_group(0).column(7).statistics
    assert sst.min == ""  # the empty string is the exact minimum
    assert sst.max.startswith("x" * 63) and sst.max > "x" * 100  # a bound above every value
    check_all(path, 200000)


def test_zero_rows(tmp_path):
    path, _ = write(tmp_path, "-s", "all", "-n", "0")
    f = pq.ParquetFile(path)
    assert f.metadata.num_rows == 0 and f.metadata.num_row_groups == 0
    assert [f.schema_arrow.field(n).type for n in ALL_TYPES] == list(ALL_TYPES.values())
    assert pq.read_table(path).num_rows == 0
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == 0
    assert len(con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()) == 14


def test_one_thread_matches(tmp_path):
    path, _ = write(tmp_path, "-s", "all", "-n", "4000", "-t", "1", "-g", "1500")
    check_all(path, 4000)


def test_wide_1500_columns(tmp_path):
    n, w = 60, 1500
    path, _ = write(tmp_path, "-s", "wide", "-n", str(n), "-w", str(w))
    table = pq.read_table(path)
    assert table.num_columns == w
    for j in (0, 1, 777, w - 1):
        assert table.column(f"c{j}").to_pylist() == [i * w + j for i in range(n)]
    con = duckdb.connect()
    row = con.execute(f"SELECT c0, c1499, c750 FROM read_parquet('{path}') ORDER BY c0").fetchall()
    assert row == [(i * w, i * w + 1499, i * w + 750) for i in range(n)]


def test_bench_schema_values(tmp_path):
    n = 150000
    path, _ = write(tmp_path, "-s", "bench", "-n", str(n), "-c", "zstd")
    want = expected_bench(n)
    _, got = pyarrow_columns(path, {"day", "ts"})
    for name in want:
        assert_column("pyarrow", name, got[name], want[name])
    dgot = duckdb_columns(path, {"day": "date", "ts": "ts"}, "id")
    for name in want:
        assert_column("duckdb", name, dgot[name], want[name])
