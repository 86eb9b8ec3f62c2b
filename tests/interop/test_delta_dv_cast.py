"""Delta (issue 9): tables with deletion vectors are counted as their readers
count them (numRecords minus the vectors' cardinality), the log is replayed
by (path, deletion vector id) whatever the order of a commit's lines, a log
without a protocol action is refused as broken, and appends from CSV go
into `integer`/`short`/`byte`/`float`/`decimal` columns when every value
fits exactly (refused naming the row otherwise).

Tables with deletion vectors are made here by Spark (delta-spark jars in
build/jars, as in test_delta.py) and checked against Spark's own count and
an independent replay of the log written from PROTOCOL.md (the deltalake
package in the test environment does not read deletion vectors). Typed
tables are made by delta-rs and by Spark; appended rows are read back by
both."""
from __future__ import annotations

import decimal
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

from test_delta import spark  # noqa: F401  (the module-scoped Spark session)

D = decimal.Decimal


def info(run_pyforge, table, ok=True):
    rc, so, se = run_pyforge("info", str(table), "--json")
    if not ok:
        assert rc == 1, so
        return se
    assert rc == 0, se
    return json.loads(so)


def log_lines(table, v):
    return (Path(table) / "_delta_log" / f"{v:020d}.json").read_text().splitlines()


def write_log(table, v, lines):
    log = Path(table) / "_delta_log"
    (log / f"{v:020d}.json").write_text("\n".join(lines) + "\n")
    (log / f".{v:020d}.json.crc").unlink(missing_ok=True)  # Hadoop's checksum of the old text


def replay(table):
    """The live files per PROTOCOL.md "Action Reconciliation", written
    independently: a logical file is (path, dv uniqueId); within a commit
    actions are unordered; adds are unique by path."""
    def dv_id(a):
        dv = a.get("deletionVector")
        if not dv:
            return None
        off = dv.get("offset")
        return dv["storageType"] + dv["pathOrInlineDv"] + (f"@{off}" if off is not None else "")
    live = {}
    for f in sorted((Path(table) / "_delta_log").glob("*.json")):
        acts = [json.loads(x) for x in f.read_text().splitlines() if x.strip()]
        for a in acts:
            if "remove" in a:
                r = a["remove"]
                if r["path"] in live and live[r["path"]][0] == dv_id(r):
                    del live[r["path"]]
        for a in acts:
            if "add" in a:
                live[a["add"]["path"]] = (dv_id(a["add"]), a["add"])
    rows = 0
    for _, (_, add) in live.items():
        n = json.loads(add["stats"])["numRecords"]
        rows += n - (add.get("deletionVector") or {}).get("cardinality", 0)
    return len(live), rows


# ---- deletion vectors ------------------------------------------------------------

@pytest.fixture(scope="module")
def dv_table(spark, tmp_path_factory):  # noqa: F811
    """10 rows in one file; DELETE 3 and 7 (a deletion vector), then DELETE
    5 from the same file (remove with the old vector and add with a new one
    in one commit); 20 rows in a second file; a checkpoint at version 4."""
    t = tmp_path_factory.mktemp("dv") / "t"
    (spark.range(0, 10).coalesce(1).selectExpr("id", "cast(id * 2 as int) as v")
     .write.format("delta").option("delta.enableDeletionVectors", "true")
     .option("delta.checkpointInterval", "4").save(str(t)))
    spark.sql(f"DELETE FROM delta.`{t}` WHERE id IN (3, 7)")
    spark.sql(f"DELETE FROM delta.`{t}` WHERE id = 5")
    (spark.range(100, 120).coalesce(1).selectExpr("id", "cast(id * 2 as int) as v")
     .write.format("delta").mode("append").save(str(t)))
    spark.sql(f"DELETE FROM delta.`{t}` WHERE id >= 110 AND id < 112")
    return t


def spark_count(spark, t):  # noqa: F811
    return spark.read.format("delta").load(str(t)).count()


def test_rows_subtract_deletion_vectors(run_pyforge, spark, dv_table):  # noqa: F811
    want = spark_count(spark, dv_table)
    assert want == 10 - 3 + 20 - 2
    assert replay(dv_table) == (2, want)
    got = info(run_pyforge, dv_table)
    assert got["rows"] == want and got["properties"]["files"] == "2", got
    assert got["properties"]["deletion_vectors"] == "2 files, 5 rows deleted (not counted in rows)"
    hist = {s["name"]: s["properties"] for s in got["sections"] if s["kind"] == "version"}
    # version 2 re-adds the file with a new vector: 8 rows out, 7 in
    assert (hist["2"]["rows_removed"], hist["2"]["rows_added"]) == ("8", "7"), hist["2"]
    assert (Path(dv_table) / "_delta_log" / f"{4:020d}.checkpoint.parquet").exists()


def test_same_file_re_added_in_one_commit_any_order(run_pyforge, spark, dv_table, tmp_path):  # noqa: F811
    """Spark writes the commit's add before its remove; both orders must
    give the table Spark reads."""
    want = spark_count(spark, dv_table)
    for order in ("remove-first", "add-first"):
        t = tmp_path / order
        shutil.copytree(dv_table, t)
        for p in (t / "_delta_log").glob("*checkpoint*"):
            p.unlink()
        (t / "_delta_log" / "_last_checkpoint").unlink(missing_ok=True)
        lines = log_lines(t, 2)
        kinds = [next(iter(json.loads(x))) for x in lines]
        assert "add" in kinds and "remove" in kinds, kinds
        key = (lambda x: 0 if '"remove"' in x[:12] else 1) if order == "remove-first" else (
            lambda x: 0 if '"add"' in x[:12] else 1)
        write_log(t, 2, sorted(lines, key=key))
        assert spark_count(spark, t) == want
        assert replay(t)[1] == want
        got = info(run_pyforge, t)
        assert got["rows"] == want and got["properties"]["files"] == "2", (order, got)


def test_checkpoint_with_deletion_vectors(run_pyforge, spark, dv_table, tmp_path):  # noqa: F811
    """Spark's checkpoint (version 4) holds add.deletionVector: with the
    JSON commits before it removed, the state comes from it; same count."""
    t = tmp_path / "t"
    shutil.copytree(dv_table, t)
    for v in range(0, 4):
        (t / "_delta_log" / f"{v:020d}.json").unlink()
    assert spark_count(spark, t) == spark_count(spark, dv_table)
    got = info(run_pyforge, t)
    assert got["rows"] == spark_count(spark, dv_table) and got["properties"]["version"] == "4"


def test_append_to_a_table_with_deletion_vectors_is_refused(run_pyforge, dv_table, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("id,v\n1,2\n")
    rc, so, se = run_pyforge("convert", str(csv), str(dv_table), "--mode", "append")
    assert rc == 1 and "deletionVectors" in se, se


def test_rows_unknown_without_statistics(run_pyforge, tmp_path):
    t = tmp_path / "t"
    write_deltalake(str(t), pa.table({"a": [1, 2, 3]}))
    lines = [json.loads(x) for x in log_lines(t, 0)]
    for a in lines:
        if "add" in a:
            a["add"].pop("stats", None)
    write_log(t, 0, [json.dumps(a) for a in lines])
    got = info(run_pyforge, t)
    assert got["rows"] is None and "rows unknown" in got["properties"]["rows_note"], got


def test_log_without_protocol_is_refused(run_pyforge, tmp_path):
    t = tmp_path / "t"
    write_deltalake(str(t), pa.table({"a": [1, 2, 3]}))
    write_log(t, 0, [x for x in log_lines(t, 0) if '"protocol"' not in x[:15]])
    se = info(run_pyforge, t, ok=False)
    assert "no protocol action" in se and "broken" in se, se
    csv = tmp_path / "a.csv"
    csv.write_text("a\n4\n")
    rc, so, se = run_pyforge("convert", str(csv), str(t), "--mode", "append")
    assert rc == 1 and "no protocol action" in se, se


# ---- appends into narrower numeric columns ---------------------------------------

TYPED = pa.schema([("id", pa.int64()), ("i", pa.int32()), ("sh", pa.int16()), ("b", pa.int8()),
                   ("f", pa.float32()), ("d", pa.decimal128(10, 2)), ("s", pa.string())])
CSV_OK = ("id,i,sh,b,f,d,s\n"
          "3,30,3,3,1.1,3.5,c\n"
          "4,-2147483648,-32768,-128,0.25,12345678.99,d\n"
          "5,,,,,,\n"
          "6,7.0,8,9,3.0,0.1,x\n"
          "7,2147483647,32767,127,-16777216,-0.01,y\n")
WANT = [(3, 30, 3, 3, 1.1, D("3.50"), "c"), (4, -2147483648, -32768, -128, 0.25, D("12345678.99"), "d"),
        (5, None, None, None, None, None, None), (6, 7, 8, 9, 3.0, D("0.10"), "x"),
        (7, 2147483647, 32767, 127, -16777216.0, D("-0.01"), "y")]


def rs_rows(t):
    tab = DeltaTable(str(t)).to_pyarrow_table().sort_by("id")
    assert tab.schema == TYPED, tab.schema
    return [tuple(r.values()) for r in tab.to_pylist()]


def same(got, want):
    """float columns compare as float32 values."""
    for g, w in zip(got, want):
        assert len(g) == len(w)
        for a, b in zip(g, w):
            if isinstance(b, float):
                assert a == pa.scalar(b, pa.float32()).as_py(), (g, w)
            else:
                assert a == b, (g, w)


@pytest.fixture
def rs_typed(tmp_path):
    t = tmp_path / "rs"
    write_deltalake(str(t), pa.table([[1, 2], [10, 20], [1, 2], [1, 2], [1.5, 2.25],
                                      [D("1.10"), D("2.25")], ["a", "b"]], schema=TYPED))
    return t


def test_append_casts_into_delta_rs_typed_table(run_pyforge, spark, rs_typed, tmp_path):  # noqa: F811
    csv = tmp_path / "ok.csv"
    csv.write_text(CSV_OK)
    rc, so, se = run_pyforge("convert", str(csv), str(rs_typed), "--mode", "append", "--json")
    assert rc == 0, se
    same(rs_rows(rs_typed)[2:], WANT)
    df = spark.read.format("delta").load(str(rs_typed)).orderBy("id")
    assert [f.dataType.simpleString() for f in df.schema.fields] == [
        "bigint", "int", "smallint", "tinyint", "float", "decimal(10,2)", "string"]
    same([tuple(r) for r in df.collect()][2:], WANT)


def test_append_casts_into_spark_typed_table(run_pyforge, spark, tmp_path):  # noqa: F811
    t = tmp_path / "sp"
    spark.createDataFrame([(1, 10, 1, 1, 1.5, D("1.10"), "a")],
                          "id long, i int, sh short, b byte, f float, d decimal(10,2), s string") \
        .write.format("delta").save(str(t))
    csv = tmp_path / "ok.csv"
    csv.write_text(CSV_OK)
    rc, so, se = run_pyforge("convert", str(csv), str(t), "--mode", "append")
    assert rc == 0, se
    same(sorted(tuple(r) for r in spark.read.format("delta").load(str(t)).collect())[1:], WANT)
    same(rs_rows(t)[1:], WANT)


@pytest.mark.parametrize("column,value,why", [
    ("i", "3000000000", "integers from -2147483648 to 2147483647"),
    ("i", "1.5", "integers from -2147483648 to 2147483647"),
    ("sh", "40000", "integers from -32768 to 32767"),
    ("b", "200", "integers from -128 to 127"),
    ("f", "0.123456789", "about 7 significant digits"),
    ("f", "16777217", "about 7 significant digits"),
    ("d", "1.001", "at most 8 digits before the point and 2 after"),
    ("d", "123456789.5", "at most 8 digits before the point and 2 after"),
])
def test_a_value_that_does_not_fit_is_refused_naming_its_row(run_pyforge, rs_typed, tmp_path,
                                                             column, value, why):
    row = {"id": "9", "i": "1", "sh": "1", "b": "1", "f": "1", "d": "1", "s": "z"}
    csv = tmp_path / "bad.csv"
    good = ",".join(row.values())
    row[column] = value
    csv.write_text(",".join(row) + "\n" + good + "\n" + good + "\n" + ",".join(row.values()) + "\n")
    before = sorted(p.name for p in rs_typed.rglob("*.parquet"))
    rc, so, se = run_pyforge("convert", str(csv), str(rs_typed), "--mode", "append")
    assert rc == 1, so
    assert f"row 3" in se and f"column {column} is " in se and why in se and value in se, se
    assert DeltaTable(str(rs_typed)).version() == 0
    assert sorted(p.name for p in rs_typed.rglob("*.parquet")) == before


def test_a_stale_last_checkpoint_hint_gives_way_to_a_newer_checkpoint(run_pyforge, tmp_path):
    """_last_checkpoint names version 2, the log holds a checkpoint at 4 and
    no JSON commit before 4 (delta-rs' data_err_logs/table_g has this shape;
    Spark reads it at the newest checkpoint)."""
    t = tmp_path / "t"
    for i in range(5):
        write_deltalake(str(t), pa.table({"a": [i, i + 10]}), mode="append")
        if i in (2, 4):
            DeltaTable(str(t)).create_checkpoint()
    log = t / "_delta_log"
    hint = json.loads((log / "_last_checkpoint").read_text())
    assert hint["version"] == 4
    hint["version"] = 2
    (log / "_last_checkpoint").write_text(json.dumps(hint))
    for v in range(4):
        (log / f"{v:020d}.json").unlink()
    got = info(run_pyforge, t)
    assert got["properties"]["version"] == "4" and got["rows"] == 10, got
    assert DeltaTable(str(t)).to_pyarrow_table().num_rows == 10
