"""The Spark engine in local mode (pyspark 4, one classic session for the
module): every converter's output equals the native engine's value by
value; a batch of many files (one with a wider type, one broken) is one
Delta version that delta-rs and Spark read with every row once; read_spark;
engine selection; fallback when Spark fails (an exception injected, an
option Spark cannot do), leaving nothing behind; the console script's
``--engine spark``."""
import datetime as dt
import json
import os
import random
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from sparkutil import spark_conf

import pyforge_cli as pf
from pyforge_cli.engines import select, spark_batch, spark_convert


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    s = spark_conf(SparkSession.builder.master("local[2]").appName("pyforge-spark-suite"),
                   tmp_path_factory.mktemp("warehouse")).getOrCreate()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return make_inputs(tmp_path_factory.mktemp("in"))


def make_inputs(d: Path) -> Path:
    """Deterministic inputs: CSV with every type (leading zeros, quotes,
    embedded newlines, nulls), a workbook with two sheets of one header and
    one of another, an XML feed with attributes and nested elements."""
    rnd = random.Random(14)
    lines = ["id,name,price,day,flag,code,ts"]
    for i in range(1, 301):
        name = rnd.choice(["plain", '"quoted, comma"', '"line\nbreak"', '"say ""hi"""', "", "café"])
        price = "" if i % 17 == 0 else f"{rnd.randint(0, 99999) / 100}"
        day = (dt.date(2020, 1, 1) + dt.timedelta(days=i * 3)).isoformat()
        flag = ["true", "false", ""][i % 3]
        ts = "" if i % 11 == 0 else f"2024-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{i % 60:02d}"
        lines.append(f"{i},{name},{price},{day},{flag},{i:05d},{ts}")
    (d / "typed.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(d / "book.xlsx"))
    for sheet in ("Q1", "Q2"):
        ws = wb.add_worksheet(sheet)
        ws.write_row(0, 0, ["region", "units", "amount"])
        for r in range(1, 41):
            ws.write_row(r, 0, [f"{sheet}-r{r % 5}", r, r * 1.25])
    other = wb.add_worksheet("Notes")
    other.write_row(0, 0, ["note"])
    other.write_row(1, 0, ["ignored by default grouping"])
    wb.close()

    items = "".join(f'<item id="{i}"><name>n{i}</name><price currency="EUR">{i * 1.5}</price>'
                    f'<meta><tag>t{i % 4}</tag></meta></item>' for i in range(1, 120))
    (d / "feed.xml").write_text(f'<?xml version="1.0" encoding="UTF-8"?><feed>{items}</feed>', encoding="utf-8")
    return d


def rows_of(table: pa.Table, key: str):
    return sorted(table.to_pylist(), key=lambda r: (r[key] is None, r[key]))


def native_table(path: Path, **options) -> pa.Table:
    return pf.read(path, **options).to_arrow()


def read_output(path: str) -> pa.Table:
    return pads.dataset(path, format="parquet").to_table()


def assert_same(ours: pa.Table, native: pa.Table, key: str) -> None:
    """Same columns, types and values, row by row (order aside)."""
    assert ours.schema.names == native.schema.names
    for f in native.schema:
        assert ours.schema.field(f.name).type == f.type, f.name
    assert ours.num_rows == native.num_rows
    assert rows_of(ours, key) == rows_of(native, key)


# ---- converters -------------------------------------------------------------

def test_csv_through_sparks_reader_equals_native(spark, data, tmp_path):
    r = pf.convert(data / "typed.csv", tmp_path / "t.parquet", engine="spark", spark=spark, progress=False)
    assert (r.processing_engine, r.fallback_used, r.spark_reader) == ("spark", False, "Spark's CSV reader")
    assert r.row_count == 300 and r.engine_reason == "engine='spark' was asked for"
    assert (tmp_path / "t.parquet").is_dir()  # Spark's part files
    assert_same(read_output(str(tmp_path / "t.parquet")), native_table(data / "typed.csv"), "id")


def test_csv_to_delta_and_table_name(spark, data, tmp_path):
    r = pf.convert(data / "typed.csv", tmp_path / "t_delta", "delta", engine="spark", spark=spark, progress=False)
    assert r.processing_engine == "spark" and r.table_version == 0 and r.row_count == 300
    from deltalake import DeltaTable

    assert_same(DeltaTable(str(tmp_path / "t_delta")).to_pyarrow_table(), native_table(data / "typed.csv"), "id")
    r = pf.convert(data / "typed.csv", "default.typed_rows", "delta", engine="spark", spark=spark, progress=False)
    assert r.processing_engine == "spark" and r.row_count == 300
    got = pa.Table.from_pylist([x.asDict() for x in spark.table("default.typed_rows").collect()])
    assert sorted(got.column("code").to_pylist()) == [f"{i:05d}" for i in range(1, 301)]


def test_workbook_groups_through_the_native_reader_in_tasks(spark, data, tmp_path):
    out = tmp_path / "book_parquet"
    r = pf.convert(data / "book.xlsx", out, engine="spark", spark=spark, progress=False)
    assert r.processing_engine == "spark" and r.spark_reader == "the native reader in a Spark task"
    native = pf.convert(data / "book.xlsx", tmp_path / "native_parquet", progress=False)
    assert [(Path(o["path"]).name, o["rows"], o["tables"]) for o in r.outputs] == \
        [(Path(o["path"]).name, o["rows"], o["tables"]) for o in native.outputs]
    assert [o["tables"] for o in r.outputs] == [["Q1", "Q2"], ["Notes"]] and r.row_count == 81
    for mine, theirs in zip(r.outputs, native.outputs):  # sheet_name first in the combined group
        ours, nat = read_output(mine["path"]), pq.read_table(theirs["path"])
        assert ours.schema == nat.schema
        key = [(c, "ascending") for c in nat.schema.names]
        assert ours.sort_by(key).to_pylist() == nat.sort_by(key).to_pylist()


def test_xml_through_the_native_reader_in_a_task(spark, data, tmp_path):
    out = tmp_path / "feed.parquet"
    r = pf.convert(data / "feed.xml", out, engine="spark", spark=spark, progress=False)
    assert r.processing_engine == "spark" and r.row_count == 119
    assert_same(read_output(str(out)), native_table(data / "feed.xml"), "_id")


# ---- many files: the native engine in tasks, one commit -----------------------

@pytest.fixture(scope="module")
def many(tmp_path_factory):
    d = tmp_path_factory.mktemp("many")
    for i in range(12):
        rows = [f"{i * 100 + j},{'x' if j % 7 else ''},{j * 2}" for j in range(50)]
        if i == 5:  # a wider type: amount is double here, int64 in the others
            rows = [f"{i * 100 + j},y,{j}.5" for j in range(50)]
        if i == 8:  # an extra column, missing from the others
            (d / f"part_{i:02d}.csv").write_text("id,label,amount,extra\n" + "\n".join(r + ",e" for r in rows) + "\n")
            continue
        (d / f"part_{i:02d}.csv").write_text("id,label,amount\n" + "\n".join(rows) + "\n")
    (d / "part_99.csv").write_bytes(b'id,label,amount\n1,"never closed\n')  # broken
    return d


def test_batch_one_delta_version_read_by_delta_rs_and_spark(spark, many, tmp_path):
    out = tmp_path / "lake"
    b = pf.batch_convert(str(many / "*.csv"), out, engine="spark", spark=spark, source_file=True,
                         partitions=3, progress=False)
    assert (b.processing_engine, b.fallback_used, b.files, b.converted, b.failed) == ("spark", False, 13, 12, 1)
    assert b.failures[0]["input_path"].endswith("part_99.csv")
    assert isinstance(b.failures[0]["error"], pf.ParseError) and b.failures[0]["error"].line is not None
    commits = sorted(n for n in os.listdir(out / "_delta_log") if n.endswith(".json") and not n.startswith("."))
    assert b.table_version == 0 and commits == ["00000000000000000000.json"]
    assert b.row_count == 600
    assert {c["name"]: c["type"] for c in b.schema} == {"id": "int64", "label": "string", "amount": "double",
                                                        "extra": "string", "_source_file": "string"}
    assert any("amount" in w and "double" in w for w in b.warnings)
    from deltalake import DeltaTable

    t = DeltaTable(str(out)).to_pyarrow_table()
    got = spark.read.format("delta").load(str(out)).collect()
    for rows in (t.to_pylist(), [r.asDict() for r in got]):
        assert sorted(r["id"] for r in rows) == sorted(i * 100 + j for i in range(12) for j in range(50))
        by_id = {r["id"]: r for r in rows}
        assert by_id[0]["amount"] == 0.0 and by_id[549]["amount"] == 49.5 and by_id[101]["amount"] == 2.0
        assert by_id[101]["label"] == "x" and by_id[100]["label"] is None
        assert by_id[800]["extra"] == "e" and by_id[0]["extra"] is None
        assert by_id[1107]["_source_file"] == str(many / "part_11.csv")
    # each file's values equal the native engine's
    native = native_table(many / "part_05.csv")
    assert [(r["id"], r["label"], r["amount"]) for r in sorted(t.to_pylist(), key=lambda r: r["id"])
            if 500 <= r["id"] < 600] == [(r["id"], r["label"], r["amount"]) for r in native.to_pylist()]


def test_batch_refused_as_a_whole_writes_nothing(spark, many, tmp_path):
    out = tmp_path / "refused"
    with pytest.raises(pf.ParseError, match=r"on_error='fail': 1 of 13 files failed, nothing was written"):
        pf.batch_convert(str(many / "*.csv"), out, engine="spark", spark=spark, on_error="fail", progress=False)
    assert not out.exists()


def test_read_spark_binary_mode_equals_path_mode(spark, many):
    files = [str(many / f"part_0{i}.csv") for i in range(10)] + [str(many / "part_99.csv")]
    with pytest.warns(RuntimeWarning, match="part_99.csv left out"):
        by_path = pf.read_spark(files, spark=spark, input_mode="path")
    with pytest.warns(RuntimeWarning, match="part_99.csv left out"):
        by_bytes = pf.read_spark(files, spark=spark, input_mode="binary", on_error="skip")
    assert by_path.schema == by_bytes.schema
    a = sorted(tuple(r) for r in by_path.collect())
    assert a == sorted(tuple(r) for r in by_bytes.collect()) and len(a) == 500
    assert [f["path"] for f in by_bytes.pyforge_files if f["error"] is not None][0].endswith("part_99.csv")


def test_widening_rules():
    assert str(spark_batch.widen(pa.int64(), pa.float64())) == "double"
    assert str(spark_batch.widen(pa.null(), pa.date32())) == "date32[day]"
    assert str(spark_batch.widen(pa.int64(), pa.date32())) == "string"
    assert str(spark_batch.widen(pa.bool_(), pa.int64())) == "string"
    s, notes = spark_batch.reconcile([pa.schema([("a", pa.int64()), ("t", pa.time64("us"))]),
                                      pa.schema([("a", pa.string()), ("n", pa.null())])], False)
    assert [(f.name, str(f.type)) for f in s] == [("a", "string"), ("t", "string"), ("n", "string")]
    assert len(notes) == 2


# ---- selection and fallback -------------------------------------------------

def test_auto_chooses_spark_only_past_the_thresholds(spark, many, tmp_path, monkeypatch):
    assert select.active_session() is not None
    c = select.choose("auto", 10, 3)
    assert c.name == "native" and "within one machine" in c.reason
    select.set_thresholds(min_files=5)
    try:
        c = select.choose("auto", 10, 13)
        assert c.name == "spark" and "at least 5 files" in c.reason and "session is active" in c.reason
        monkeypatch.setenv("PYFORGE_FORCE_CORE", "true")
        assert select.choose("auto", 10, 13).name == "native"
        assert select.choose("spark", 10, 13).name == "native"
        r = pf.batch_convert(str(many / "part_0[0-4].csv"), tmp_path / "forced", progress=False)
        assert r.processing_engine == "native" and "PYFORGE_FORCE_CORE" in r.engine_reason
    finally:
        select.set_thresholds()
    monkeypatch.setenv("PYFORGE_SPARK_MIN_BYTES", "1K")
    assert select.thresholds()["min_bytes"] == 1024


def test_fallback_on_an_injected_spark_error_leaves_nothing(spark, data, tmp_path, monkeypatch):
    def broken_write(frame, target, *a, **k):
        os.makedirs(target.replace("file://", ""), exist_ok=True)  # a partial attempt
        (Path(target.replace("file://", "")) / "part-0000.parquet").write_bytes(b"partial")
        raise RuntimeError("injected: executor lost")

    monkeypatch.setattr(spark_batch, "write", broken_write)
    out = tmp_path / "fb.parquet"
    with pytest.warns(RuntimeWarning, match=r"Spark engine failed \(RuntimeError: injected: executor lost\)"):
        r = pf.convert(data / "typed.csv", out, engine="spark", spark=spark, progress=False)
    assert (r.processing_engine, r.fallback_used) == ("native", True)
    assert r.fallback_reason == "RuntimeError: injected: executor lost" and r.switch_seconds < 1.0
    assert out.is_file()  # the native engine's single file, not the partial directory
    assert_same(pq.read_table(out), native_table(data / "typed.csv"), "id")
    assert sorted(os.listdir(tmp_path)) == ["fb.parquet"]


def test_fallback_on_an_option_spark_cannot_do(spark, data, tmp_path):
    with pytest.warns(RuntimeWarning, match="SparkUnsupported: csv.skip_rows"):
        r = pf.convert(data / "typed.csv", tmp_path / "s.parquet", engine="spark", spark=spark, skip_rows=1,
                       progress=False)
    assert r.fallback_used and r.processing_engine == "native"
    assert r.row_count == pf.convert(data / "typed.csv", tmp_path / "n.parquet", skip_rows=1, progress=False).row_count
    with pytest.warns(RuntimeWarning, match="SparkUnsupported: output.row_group_size"):
        r = pf.convert(data / "feed.xml", tmp_path / "f.parquet", engine="spark", spark=spark,
                       row_group_size=10, progress=False)
    assert r.fallback_used and r.row_count == 119


def test_an_existing_output_is_refused_not_fallen_back(spark, data, tmp_path):
    (tmp_path / "x.parquet").write_bytes(b"keep")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(pf.OutputExistsError):
            pf.convert(data / "typed.csv", tmp_path / "x.parquet", engine="spark", spark=spark, progress=False)
    assert (tmp_path / "x.parquet").read_bytes() == b"keep"


def test_console_script_engine_spark(spark, data, tmp_path, capsys):
    from pyforge_cli.__main__ import main

    out = tmp_path / "cli.parquet"
    assert main(["pyforge", "convert", str(data / "typed.csv"), str(out), "--force-pyspark", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["processing_engine"], d["row_count"], d["fallback_used"]) == ("spark", 300, False)
    assert_same(read_output(str(out)), native_table(data / "typed.csv"), "id")
    assert main(["pyforge", "convert", str(data / "typed.csv"), str(out), "--engine", "spark"]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["pyforge", "convert", str(data / "typed.csv"), "--engine=spark", "--bogus"]) == 2
