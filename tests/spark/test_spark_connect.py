"""The Spark engine through Spark Connect (``SparkSession.builder.remote(
"local[2]")``: pyspark 4's wheel starts a local Connect server; the client
has no SparkContext and no RDDs, as on serverless and shared clusters).
One session for the module. read_spark in both input modes, a batch into
one Delta table (one version, read by delta-rs), Spark's CSV reader, the
fallback when a Connect call fails."""
import os

import pyarrow.dataset as pads
import pytest
from sparkutil import spark_conf

import pyforge_cli as pf
from pyforge_cli.engines import spark_batch


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    # the builder's settings go to the local server it starts
    s = spark_conf(SparkSession.builder.remote("local[2]"), tmp_path_factory.mktemp("warehouse"))
    with _quiet():
        s = s.getOrCreate()
    assert type(s).__module__.startswith("pyspark.sql.connect")
    yield s
    s.stop()


class _quiet:
    """The Connect client tries to set the static settings again once the
    server runs and warns that it cannot; the server has them already."""

    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.filterwarnings("ignore", message="Failed to set", category=UserWarning)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("connect")
    for i in range(6):
        body = "\n".join(f"{i * 10 + j},{'v' * (j % 3)},{j if i != 2 else j + 0.25}" for j in range(10))
        (d / f"f{i}.csv").write_text("k,s,x\n" + body + "\n")
    (d / "bad.csv").write_bytes(b'k,s,x\n1,"never closed,2\n')
    return d


def test_connect_session_has_no_spark_context(spark):
    with pytest.raises(Exception):
        spark.sparkContext  # Connect: DataFrame APIs only


def test_read_spark_over_connect_in_both_modes(spark, files):
    paths = [str(files / f"f{i}.csv") for i in range(6)]
    a = pf.read_spark(paths, spark=spark, input_mode="path", source_file=True)
    b = pf.read_spark(paths, spark=spark, input_mode="binary", source_file=True)
    assert [f.name for f in a.schema.fields] == ["k", "s", "x", "_source_file"]
    assert a.schema["x"].dataType.simpleString() == "double"  # f2 has 0.25s
    ra = sorted(tuple(r) for r in a.collect())
    rb = sorted((r[0], r[1], r[2], r[3].replace("file:", "")) for r in b.collect())
    assert ra == rb and len(ra) == 60
    native = {r["k"]: r for f in paths for r in pf.read(f).to_arrow().to_pylist()}
    for k, s, x, src in ra:
        assert (s, x) == (native[k]["s"], float(native[k]["x"]))
        assert src == str(files / f"f{k // 10}.csv")


def test_batch_over_connect_one_delta_version(spark, files, tmp_path):
    out = tmp_path / "t"
    b = pf.batch_convert(str(files / "*.csv"), out, engine="spark", spark=spark, progress=False)
    assert (b.processing_engine, b.converted, b.failed, b.row_count) == ("spark", 6, 1, 60)
    assert b.failures[0]["input_path"].endswith("bad.csv") and b.table_version == 0
    from deltalake import DeltaTable

    t = DeltaTable(str(out))
    assert t.version() == 0 and sorted(t.to_pyarrow_table().column("k").to_pylist()) == list(range(60))


def test_csv_reader_over_connect_equals_native(spark, files, tmp_path):
    r = pf.convert(files / "f2.csv", tmp_path / "f2.parquet", engine="spark", spark=spark, progress=False)
    assert r.processing_engine == "spark" and r.spark_reader == "Spark's CSV reader"
    ours = pads.dataset(str(tmp_path / "f2.parquet")).to_table()
    native = pf.read(files / "f2.csv").to_arrow()
    assert ours.schema == native.schema
    assert sorted(ours.to_pylist(), key=lambda r: r["k"]) == native.to_pylist()


def test_fallback_when_a_connect_call_fails(spark, files, tmp_path, monkeypatch):
    def fail(*a, **k):
        raise RuntimeError("injected: the Connect channel closed")

    monkeypatch.setattr(spark_batch, "plan", fail)
    with pytest.warns(RuntimeWarning, match="the Connect channel closed"):
        b = pf.batch_convert(str(files / "f*.csv"), tmp_path / "fb", engine="spark", spark=spark, progress=False)
    assert (b.processing_engine, b.fallback_used, b.converted) == ("native", True, 6)
    assert sorted(os.listdir(tmp_path / "fb")) == [f"f{i}.parquet" for i in range(6)]
