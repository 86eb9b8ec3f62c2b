"""Tier 3 interop: PyForge's Parquet read back by Apache Spark (pyspark,
local mode, one SparkSession for the module), type by type and value by
value against what the input holds under PyForge's rules (pfcheck.expect,
the independent model of docs/types.md the other readers are checked
against). The input is pfcheck.every_type_table (every type, nulls, nan and
inf, -0.0, years 1 to 9999, unicode, an all-null column), converted with
several row groups and every codec.

What Spark 3.5 makes of PyForge's Parquet types (asserted below):
  INT64                                  -> LongType
  DOUBLE                                 -> DoubleType
  BOOLEAN                                -> BooleanType
  INT32 DATE                             -> DateType
  INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false) -> TimestampNTZType
        (spark.sql.parquet.inferTimestampNTZ.enabled, default true since 3.4)
  INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true)  -> TimestampType (an instant)
  BYTE_ARRAY STRING                      -> StringType

Old dates and UTC timestamps: Spark 3.x, with its default
spark.sql.parquet.datetimeRebaseModeInRead=EXCEPTION, refuses to read a
DATE before 1582-10-15 or a UTC-adjusted TIMESTAMP before
1900-01-01T00:00:00Z from a file that Spark did not write (no
org.apache.spark.version key), because a Spark 2.x or legacy Hive file
would hold them in the hybrid Julian calendar. Parquet's DATE and TIMESTAMP
count days and microseconds from the Unix epoch (parquet-format
LogicalTypes.md), so PyForge's values are the proleptic Gregorian ones every
other reader shows; with the rebase mode CORRECTED Spark reads them as they
are. The tests read the full-range file with datetimeRebaseMode=CORRECTED,
a file with later values with Spark's defaults, and pin the refusal.
(Spark 4.0 makes CORRECTED the default: apache/spark#44388, SPARK-46440.)

UTC timestamps are compared as unix_micros (exact, independent of the
Python process's time zone, which pyspark would otherwise apply when it
collects a TimestampType) and as Spark renders them in the session time
zone (spark.sql.session.timeZone=UTC).

Skipped, with the reason, when no `java` is on PATH (scripts/install-deps.sh
--test installs a headless JRE).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pyarrow.parquet as pq
import pytest

from pfcheck import (BOOL, DATE, DOUBLE, INT, STRING, TS, TSUTC, Loaded,
                     assert_model_matches_csv, compare, every_type_table, expect,
                     parquet_codecs, render)

if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (java not on PATH, JAVA_HOME unset): Spark cannot run; "
                "scripts/install-deps.sh --test installs one", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

# pyspark starts the JVM with subprocess.Popen(preexec_fn=...), which
# makes polars (imported by another module of the session) warn that a
# fork of a process with its threads could deadlock. The child only resets
# SIGINT and execs java; it never touches polars.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Using fork\\(\\) can cause Polars to deadlock:RuntimeWarning")

SPARK_TYPES = {
    BOOL: T.BooleanType(), INT: T.LongType(), DOUBLE: T.DoubleType(), DATE: T.DateType(),
    TS: T.TimestampNTZType(), TSUTC: T.TimestampType(), STRING: T.StringType(),
}
EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

ROWS = 3000
ROW_GROUP = 700  # 5 row groups, the last one short
CORRECTED = {"datetimeRebaseMode": "CORRECTED"}


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    local = tmp_path_factory.mktemp("spark-local")
    s = (SparkSession.builder
         .master("local[2]")
         .appName("pyforge-interop")
         .config("spark.driver.memory", "512m")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.local.dir", str(local))
         .config("spark.sql.warehouse.dir", str(local / "warehouse"))
         # pyspark's SparkSession.builder is one shared object: options an
         # earlier test module set (the Delta tests read with CORRECTED)
         # would carry over. This module pins Spark's default on purpose.
         .config("spark.sql.parquet.datetimeRebaseModeInRead", "EXCEPTION")
         .config("spark.sql.parquet.int96RebaseModeInRead", "EXCEPTION")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def convert(run_pyforge, src, dst, *args):
    try:
        rc, so, se = run_pyforge("convert", src, dst, "--json", *args, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pyforge convert {' '.join(args)} did not finish within 60 s")
    assert rc == 0, f"pyforge convert {' '.join(args)}: exit {rc}\nstdout: {so}\nstderr: {se}"
    return json.loads(so)


def make_table(tmp_path_factory, name, **kw):
    header, rows, types = every_type_table(**kw)
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    exp = expect(header, rows)
    assert exp.types == types, "the test's own model disagrees with the intended types"
    p = tmp_path_factory.mktemp("spark-in") / f"{name}.csv"
    p.write_text(text, encoding="utf-8")
    return p, exp


@pytest.fixture(scope="module")
def full_range(tmp_path_factory):
    """Years 1 to 9999 in every date and timestamp column."""
    return make_table(tmp_path_factory, "full_range", seed=201, n=ROWS, ancient=True)


@pytest.fixture(scope="module")
def modern(tmp_path_factory):
    """Dates from 1582-10-15, UTC timestamps from 1900-01-01Z (naive ones
    from year 1): what Spark reads with its default settings."""
    return make_table(tmp_path_factory, "modern", seed=202, n=ROWS, ancient=False)


def spark_ts_text(v: dt.datetime) -> str:
    """A timestamp as Spark's CAST(... AS STRING) writes it: fraction
    without trailing zeros, none when zero."""
    s = (f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
         f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}")
    return s + ("." + f"{v.microsecond:06d}".rstrip("0") if v.microsecond else "")


def read_spark(spark, path, options=None) -> tuple[Loaded, list]:
    """(what Spark holds, ordered by id; the UTC timestamp columns as Spark
    renders them in the session time zone)."""
    df = spark.read.options(**(options or {})).parquet(str(path))
    fields = df.schema.fields
    assert all(f.nullable for f in fields), df.schema
    utc = [f.name for f in fields if isinstance(f.dataType, T.TimestampType)]
    sel = [F.unix_micros(df[f.name]).alias(f.name) if f.name in utc else df[f.name]
           for f in fields]
    sel += [df[n].cast("string").alias(f"{n}__text") for n in utc]
    rows = df.select(*sel).orderBy("id").collect()
    n = len(fields)
    cols = [[r[i] for r in rows] for i in range(n)]
    for i, f in enumerate(fields):
        if f.name in utc:
            cols[i] = [None if v is None else EPOCH_UTC + dt.timedelta(microseconds=v)
                       for v in cols[i]]
    texts = [[r[n + k] for r in rows] for k in range(len(utc))]
    return (Loaded("spark", [f.name for f in fields], [f.dataType for f in fields], cols),
            list(zip(utc, texts)))


def check_spark(spark, path, exp, options=None):
    loaded, utc_texts = read_spark(spark, path, options)
    compare(loaded, exp, type_map=SPARK_TYPES)
    for name, texts in utc_texts:
        want = [None if v is None else spark_ts_text(v)
                for v in exp.columns[exp.names.index(name)]]
        bad = [(i + 1, g, w) for i, (g, w) in enumerate(zip(texts, want)) if g != w]
        assert not bad, f"spark: {name} in session time zone UTC (row, got, want): {bad[:5]}"


def row_groups(path):
    md = pq.ParquetFile(path).metadata
    return [md.row_group(i).num_rows for i in range(md.num_row_groups)]


# ---- the tests ---------------------------------------------------------------

@pytest.mark.parametrize("codec,parquet_name", [
    ("snappy", "SNAPPY"), ("zstd", "ZSTD"), ("gzip", "GZIP"), ("lz4_raw", "LZ4_RAW"),
    ("none", "UNCOMPRESSED")])
def test_spark_reads_every_type(spark, run_pyforge, full_range, tmp_path, codec, parquet_name):
    src, exp = full_range
    out = tmp_path / f"{codec}.parquet"
    result = convert(run_pyforge, src, out, "--compression", codec,
                     "--row-group-size", str(ROW_GROUP))
    assert result["rows"] == ROWS
    assert row_groups(out) == [ROW_GROUP] * (ROWS // ROW_GROUP) + [ROWS % ROW_GROUP]
    assert parquet_codecs(out) == {parquet_name}
    check_spark(spark, out, exp, CORRECTED)


@pytest.mark.parametrize("vectorized", [True, False], ids=["vectorized", "parquet-mr"])
def test_spark_readers_plain_encoding(spark, run_pyforge, full_range, tmp_path, vectorized):
    """Without dictionary pages (PLAIN values), through both of Spark's
    Parquet readers: its vectorized one and parquet-mr's record reader."""
    src, exp = full_range
    out = tmp_path / "plain.parquet"
    convert(run_pyforge, src, out, "--no-dictionary", "--compression", "zstd",
            "--row-group-size", str(ROW_GROUP))
    key = "spark.sql.parquet.enableVectorizedReader"
    spark.conf.set(key, str(vectorized).lower())
    try:
        check_spark(spark, out, exp, CORRECTED)
    finally:
        spark.conf.unset(key)


def test_spark_default_settings_read_modern_values(spark, run_pyforge, modern, tmp_path):
    """With Spark's default settings (no rebase option), dates from
    1582-10-15 and UTC timestamps from 1900-01-01Z read exactly; naive
    timestamps read exactly from year 1."""
    src, exp = modern
    out = tmp_path / "modern.parquet"
    convert(run_pyforge, src, out, "--row-group-size", str(ROW_GROUP))
    check_spark(spark, out, exp)


def test_spark_session_time_zone_moves_only_utc_timestamps(spark, run_pyforge, modern, tmp_path):
    """A TimestampNTZ value is wall-clock time: the session time zone does
    not change it. A TimestampType value is an instant: rendered in session
    time zone -05:30 it is the UTC value minus 5 h 30 min, same unix_micros."""
    src, exp = modern
    out = tmp_path / "tz.parquet"
    convert(run_pyforge, src, out)
    key = "spark.sql.session.timeZone"
    spark.conf.set(key, "-05:30")
    try:
        df = spark.read.parquet(str(out))
        rows = df.select("id", df["ts"].cast("string"), df["ts_utc"].cast("string"),
                         F.unix_micros("ts_utc")).orderBy("id").collect()
    finally:
        spark.conf.set(key, "UTC")
    naive = exp.columns[exp.names.index("ts")]
    utc = exp.columns[exp.names.index("ts_utc")]
    off = dt.timedelta(hours=5, minutes=30)
    got = [tuple(r[1:]) for r in rows]
    want = [(None if n is None else spark_ts_text(n),
             None if u is None else spark_ts_text(u.replace(tzinfo=None) - off),
             None if u is None else (u - EPOCH_UTC) // dt.timedelta(microseconds=1))
            for n, u in zip(naive, utc)]
    bad = [(i + 1, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not bad, f"(row, got, want): {bad[:5]}"
    assert [r[0] for r in rows] == exp.columns[0]


@pytest.mark.parametrize("column,value,refused", [
    ("day", "1582-10-14", True),
    ("day", "1582-10-15", False),
    ("ts_utc", "1899-12-31T23:59:59.999999Z", True),
    ("ts_utc", "1900-01-01T00:00:00Z", False),
    ("ts", "0001-01-01 00:00:00", False),
])
def test_spark_default_rebase_mode_and_old_values(spark, run_pyforge, tmp_path, column, value,
                                                  refused):
    """Pins the limit above: with Spark's default rebase mode the oldest
    values are refused (INCONSISTENT_BEHAVIOR_CROSS_VERSION.
    READ_ANCIENT_DATETIME), the boundary itself and naive timestamps are
    read; with datetimeRebaseMode=CORRECTED every value reads as written.
    If this starts to fail, Spark or PyForge changed how old values are
    handled (Spark 4.0 reads them by default): update the module docstring
    and docs."""
    src = tmp_path / "old.csv"
    src.write_text(f"id,{column}\n1,{value}\n2,\n", encoding="utf-8")
    out = tmp_path / "old.parquet"
    convert(run_pyforge, src, out)
    exp = expect(["id", column], [["1", value], ["2", ""]])
    if refused:
        with pytest.raises(Exception, match="READ_ANCIENT_DATETIME"):
            spark.read.parquet(str(out)).collect()
    else:
        check_spark(spark, out, exp)
    check_spark(spark, out, exp, CORRECTED)
