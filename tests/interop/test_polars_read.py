"""Tier 3 interop: PyForge's Parquet read back by polars' own (Rust)
Parquet reader, `pl.read_parquet`, value by value against what the input
holds under PyForge's rules (pfcheck.expect, the independent model of
docs/types.md that the pyarrow and DuckDB tests use).

The input is pfcheck.every_type_table: int64 extremes, doubles with the
IEEE values spelled nan/inf/Infinity next to the null token NaN, -0.0 and
subnormals, booleans, dates and naive and UTC timestamps from year 1 to
9999, unicode strings, quoted empties, null tokens kept as text in a string
column, and a column of nulls only. Each file has several row groups, and
every codec PyForge writes is read, with dictionary pages and without.

polars maps the Parquet types to: INT64 -> Int64, DOUBLE -> Float64,
BOOLEAN -> Boolean, DATE -> Date, TIMESTAMP(MICROS, isAdjustedToUTC=false)
-> Datetime("us") without a time zone, TIMESTAMP(MICROS,
isAdjustedToUTC=true) -> Datetime("us", "UTC"), STRING -> String.
"""
from __future__ import annotations

import json
import subprocess

import polars as pl
import pyarrow.parquet as pq
import pytest

from pfcheck import (BOOL, DATE, DOUBLE, INT, STRING, TS, TSUTC, Loaded,
                     assert_model_matches_csv, compare, every_type_table, expect,
                     parquet_codecs, render)

POLARS_TYPES = {
    BOOL: pl.Boolean(), INT: pl.Int64(), DOUBLE: pl.Float64(), DATE: pl.Date(),
    TS: pl.Datetime("us", None), TSUTC: pl.Datetime("us", "UTC"), STRING: pl.String(),
}

ROWS = 5000
ROW_GROUP = 1200  # 5 row groups, the last one short


def read_polars(path) -> Loaded:
    df = pl.read_parquet(str(path))
    return Loaded("polars", df.columns, list(df.dtypes),
                  [df.get_column(c).to_list() for c in df.columns])


@pytest.fixture(scope="module")
def table():
    header, rows, types = every_type_table(seed=101, n=ROWS)
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    exp = expect(header, rows)
    assert exp.types == types, "the test's own model disagrees with the intended types"
    return text, exp


@pytest.fixture(scope="module")
def csv_file(table, tmp_path_factory):
    p = tmp_path_factory.mktemp("polars") / "every_type.csv"
    p.write_text(table[0], encoding="utf-8")
    return p


def convert(run_pyforge, src, dst, *args):
    try:
        rc, so, se = run_pyforge("convert", src, dst, "--json", *args, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pyforge convert {' '.join(args)} did not finish within 60 s")
    assert rc == 0, f"pyforge convert {' '.join(args)}: exit {rc}\nstdout: {so}\nstderr: {se}"
    return json.loads(so)


def test_polars_type_map_is_what_the_docs_say():
    """The expectations below lean on these polars dtypes being distinct:
    a naive and a UTC datetime must not compare equal."""
    assert pl.Datetime("us", None) != pl.Datetime("us", "UTC")
    assert pl.Datetime("us", None) != pl.Datetime("ns", None)


@pytest.mark.parametrize("dictionary", [True, False], ids=["dictionary", "plain"])
@pytest.mark.parametrize("codec,parquet_name", [
    ("snappy", "SNAPPY"), ("zstd", "ZSTD"), ("gzip", "GZIP"), ("lz4_raw", "LZ4_RAW"),
    ("none", "UNCOMPRESSED")])
def test_polars_reads_every_type(run_pyforge, table, csv_file, tmp_path, codec,
                                 parquet_name, dictionary):
    _, exp = table
    out = tmp_path / f"{codec}.parquet"
    args = ["--compression", codec, "--row-group-size", str(ROW_GROUP)]
    if not dictionary:
        args.append("--no-dictionary")
    result = convert(run_pyforge, csv_file, out, *args)
    assert result["rows"] == ROWS and result["columns"] == len(exp.names), result
    # the file is what the test means it to be
    md = pq.ParquetFile(out).metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == \
        [ROW_GROUP] * (ROWS // ROW_GROUP) + [ROWS % ROW_GROUP]
    assert parquet_codecs(out) == {parquet_name}
    compare(read_polars(out), exp, type_map=POLARS_TYPES)


def test_polars_lazy_scan_with_filter_and_projection(run_pyforge, table, csv_file, tmp_path):
    """scan_parquet pushes the projection and a predicate into the reader
    (row-group statistics decide what is skipped): the rows it returns are
    exactly the model's rows that satisfy the predicate."""
    _, exp = table
    out = tmp_path / "scan.parquet"
    convert(run_pyforge, csv_file, out, "--row-group-size", str(ROW_GROUP))
    got = (pl.scan_parquet(str(out))
           .filter(pl.col("id") > 3000)
           .select(["id", "day", "ts_utc", "text"])
           .collect())
    idx = [exp.names.index(c) for c in ("id", "day", "ts_utc", "text")]
    want = [tuple(exp.columns[i][r] for i in idx) for r in range(exp.n_rows)
            if exp.columns[idx[0]][r] > 3000]
    assert got.rows() == want
