"""Tier 3 interop for Delta checkpoints (src/writers/delta/delta_checkpoint*.c),
through tests/tools/delta_ckpt_tool (dump / rewrite).

1. Reading others' checkpoints: tables made by deltalake (delta-rs; several
   appends, a partitioned one with a null and a unicode partition value, an
   overwrite so there are removes, app transactions) and by Spark with
   delta-spark (a checkpoint every 10 commits) are dumped by the tool and
   compared field by field with an independent reading of the same file by
   pyarrow.parquet. The delta-rs checkpoint is also re-encoded by pyarrow
   with every codec, data page v1 and v2, with and without dictionaries,
   small pages and several row groups; each variant must dump the same.
2. Writing: our checkpoint replaces theirs (same version), the JSON commits
   up to that version are deleted so a reader MUST use the checkpoint, and
   deltalake and Spark must read the same rows, version, schema and
   partitions as before.

Spark needs the delta-spark and delta-storage jars in build/jars
(scripts/fetch-delta-jars.sh, or mvn dependency:copy); Spark never
downloads at run time. The Spark tests skip with the reason when the jars
or Java are missing; the tool must be built (PYFORGE_BUILD_DIR, or the
directory of PYFORGE_BIN).
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
deltalake = pytest.importorskip("deltalake")

REPO = Path(__file__).resolve().parents[2]
JARS = sorted(glob.glob(str(REPO / "build" / "jars" / "delta-*.jar")))


def _tool() -> Path | None:
    dirs = []
    if os.environ.get("PYFORGE_BUILD_DIR"):
        dirs.append(Path(os.environ["PYFORGE_BUILD_DIR"]))
    if os.environ.get("PYFORGE_BIN"):
        dirs.append(Path(os.environ["PYFORGE_BIN"]).resolve().parent)
    dirs += [REPO / "build" / "release", REPO / "build"]
    for d in dirs:
        d = d if d.is_absolute() else REPO / d
        for cand in (d / "tests" / "tools" / "delta_ckpt_tool", d / "delta_ckpt_tool"):
            if cand.is_file() and os.access(cand, os.X_OK):
                return cand
    return None


TOOL = _tool()
pytestmark = [
    pytest.mark.skipif(TOOL is None, reason="delta_ckpt_tool not built "
                       "(set PYFORGE_BUILD_DIR or PYFORGE_BIN)"),
    pytest.mark.filterwarnings(
        "ignore:Using fork\\(\\) can cause Polars to deadlock:RuntimeWarning"),
]


def ckpt_name(v: int) -> str:
    return f"{v:020d}.checkpoint.parquet"


def dump(path: Path) -> dict:
    proc = subprocess.run([str(TOOL), "dump", str(path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def rewrite(src: Path, table: Path, version: int) -> int:
    proc = subprocess.run([str(TOOL), "rewrite", str(src), str(table), str(version)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout)


# ---- the independent reading: pyarrow rows -> the tool's JSON shape --------


def _map(v) -> dict:
    return {} if v is None else {k: val for k, val in v}


def _features(lst, version: int, since: int):
    if lst is None and version < since:
        return None
    return list(lst or [])


def model(path: Path) -> dict:
    """What the checkpoint holds, read with pyarrow (no PyForge code)."""
    rows = pq.read_table(path).to_pylist()
    out = {"protocol": None, "metaData": None, "txns": [], "adds": [], "removes": []}
    for r in rows:
        if r.get("protocol"):
            p = r["protocol"]
            assert out["protocol"] is None
            out["protocol"] = {
                "minReaderVersion": p["minReaderVersion"],
                "minWriterVersion": p["minWriterVersion"],
                "readerFeatures": _features(p.get("readerFeatures"), p["minReaderVersion"], 3),
                "writerFeatures": _features(p.get("writerFeatures"), p["minWriterVersion"], 7),
            }
        if r.get("metaData"):
            m = r["metaData"]
            fmt = m.get("format") or {}
            out["metaData"] = {
                "id": m["id"], "name": m.get("name"), "description": m.get("description"),
                "format": {"provider": fmt.get("provider"), "options": _map(fmt.get("options"))},
                "schemaString": m["schemaString"],
                "partitionColumns": list(m.get("partitionColumns") or []),
                "configuration": _map(m.get("configuration")),
                "createdTime": m.get("createdTime"),
            }
        if r.get("txn"):
            t = r["txn"]
            out["txns"].append({"appId": t["appId"], "version": t["version"],
                                "lastUpdated": t.get("lastUpdated")})
        if r.get("add"):
            a = r["add"]
            out["adds"].append({
                "path": a["path"], "partitionValues": _map(a.get("partitionValues")),
                "size": a.get("size"), "modificationTime": a.get("modificationTime") or 0,
                "dataChange": bool(a.get("dataChange")), "stats": a.get("stats"),
                "tags": _map(a.get("tags")),
            })
        if r.get("remove"):
            x = r["remove"]
            out["removes"].append({
                "path": x["path"], "partitionValues": _map(x.get("partitionValues")),
                "size": x.get("size"), "deletionTimestamp": x.get("deletionTimestamp"),
                "extendedFileMetadata": bool(x.get("extendedFileMetadata")),
                "dataChange": bool(x.get("dataChange")), "tags": _map(x.get("tags")),
            })
    out["txns"].sort(key=lambda t: t["appId"])
    out["adds"].sort(key=lambda a: a["path"])
    out["removes"].sort(key=lambda a: a["path"])
    return out


def assert_dump_matches_model(path: Path) -> dict:
    got = dump(path)
    want = model(path)
    assert got["version"] == -1  # the tool does not know it; the caller sets it
    for key in ("protocol", "metaData", "txns"):
        assert got[key] == want[key], key
    assert len(got["adds"]) == len(want["adds"])
    for g, w in zip(got["adds"], want["adds"]):
        assert g == w
    assert len(got["removes"]) == len(want["removes"])
    for g, w in zip(got["removes"], want["removes"]):
        assert g == w
    return got


# ---- tables made by deltalake --------------------------------------------


def _rows(seed: int, n: int) -> pa.Table:
    cities = ["Zürich", "東京", None, "a b/c", "x=y"]
    return pa.table({
        "id": pa.array([seed * 1000 + i for i in range(n)], pa.int64()),
        "city": pa.array([cities[(seed + i) % len(cities)] for i in range(n)]),
        "v": pa.array([f"v{seed}-{i}-😀" for i in range(n)]),
    })


def make_deltalake_table(path: Path, partitioned: bool) -> int:
    from deltalake import CommitProperties, Transaction, write_deltalake
    part = ["city"] if partitioned else None
    write_deltalake(str(path), _rows(0, 6), partition_by=part)
    for i in range(1, 4):
        props = CommitProperties(app_transactions=[Transaction(app_id=f"app-{i % 2}",
                                                               version=i)])
        write_deltalake(str(path), _rows(i, 5), mode="append", partition_by=part,
                        commit_properties=props)
    write_deltalake(str(path), _rows(9, 7), mode="overwrite", partition_by=part)
    write_deltalake(str(path), _rows(10, 3), mode="append", partition_by=part)
    dt = deltalake.DeltaTable(str(path))
    dt.create_checkpoint()
    return dt.version()


def table_snapshot(path: Path) -> dict:
    dt = deltalake.DeltaTable(str(path))
    t = pa.table(dt.to_pyarrow_dataset().to_table()).sort_by("id")
    return {
        "version": dt.version(),
        "schema": dt.schema().to_json(),
        "partitions": dt.metadata().partition_columns,
        "rows": t.to_pylist(),
    }


@pytest.fixture(scope="module", params=[False, True], ids=["flat", "partitioned"])
def rs_table(request, tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("rs") / "table"
    v = make_deltalake_table(path, request.param)
    return path, v


def test_deltalake_checkpoint_read(rs_table):
    path, v = rs_table
    got = assert_dump_matches_model(path / "_delta_log" / ckpt_name(v))
    # the overwrite left tombstones and the appends app transactions
    assert got["removes"], "the overwrite should leave removes"
    assert {t["appId"] for t in got["txns"]} == {"app-0", "app-1"}
    live = deltalake.DeltaTable(str(path)).file_uris()
    assert len(got["adds"]) == len(live)


def test_deltalake_partition_values(tmp_path):
    path = tmp_path / "t"
    v = make_deltalake_table(path, True)
    got = dump(path / "_delta_log" / ckpt_name(v))
    values = {a["partitionValues"]["city"] for a in got["adds"]}
    assert None in values and "Zürich" in values and "東京" in values
    assert got["metaData"]["partitionColumns"] == ["city"]


@pytest.mark.parametrize("compression", ["none", "snappy", "gzip", "zstd", "lz4"])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
@pytest.mark.parametrize("dictionary", [True, False])
def test_encodings_reencoded_by_pyarrow(rs_table, tmp_path, compression, page_version,
                                        dictionary):
    path, v = rs_table
    src = path / "_delta_log" / ckpt_name(v)
    table = pq.read_table(src)
    dst = tmp_path / ckpt_name(v)
    pq.write_table(table, dst, compression=compression, data_page_version=page_version,
                   use_dictionary=dictionary, data_page_size=256, row_group_size=4,
                   write_statistics=True)
    meta = pq.ParquetFile(dst).metadata
    assert meta.num_row_groups > 1
    assert dump(dst) == dump(src)
    assert_dump_matches_model(dst)


def test_replace_deltalake_checkpoint_with_ours(rs_table, tmp_path):
    path, v = rs_table
    before = table_snapshot(path)
    theirs = dump(path / "_delta_log" / ckpt_name(v))
    copy = tmp_path / "table"
    shutil.copytree(path, copy)
    log = copy / "_delta_log"
    size = rewrite(path / "_delta_log" / ckpt_name(v), copy, v)
    assert size == (log / ckpt_name(v)).stat().st_size
    last = json.loads((log / "_last_checkpoint").read_text())
    assert last["version"] == v and last["sizeInBytes"] == size
    assert last["numOfAddFiles"] == len(theirs["adds"])
    assert last["size"] == 2 + len(theirs["txns"]) + len(theirs["adds"]) + len(
        theirs["removes"])
    for i in range(v + 1):
        (log / f"{i:020d}.json").unlink()
    ours = dump(log / ckpt_name(v))
    assert ours == theirs
    assert_dump_matches_model(log / ckpt_name(v))
    assert table_snapshot(copy) == before


# ---- Spark ----------------------------------------------------------------


def _spark_skip_reason() -> str | None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime: Spark cannot run"
    if len(JARS) < 2:
        return ("delta-spark/delta-storage 3.3.2 jars not in build/jars "
                "(run scripts/fetch-delta-jars.sh)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark not installed"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    reason = _spark_skip_reason()
    if reason:
        pytest.skip(reason)
    from pyspark.sql import SparkSession
    local = tmp_path_factory.mktemp("spark-local")
    s = (SparkSession.builder
         .master("local[2]")
         .appName("pyforge-delta-checkpoint")
         .config("spark.jars", ",".join(JARS))
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog",
                 "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.driver.memory", "512m")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.local.dir", str(local))
         .config("spark.sql.warehouse.dir", str(local / "warehouse"))
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def spark_snapshot(spark, path: Path) -> dict:
    df = spark.read.format("delta").load(str(path))
    log = spark._jvm.org.apache.spark.sql.delta.DeltaLog.forTable(spark._jsparkSession,
                                                                  str(path))
    detail = spark.sql(f"DESCRIBE DETAIL delta.`{path}`").collect()[0]
    return {
        "version": log.unsafeVolatileSnapshot().version(),
        "schema": df.schema.json(),
        "partitions": list(detail["partitionColumns"]),
        "files": detail["numFiles"],
        "rows": sorted((tuple(r) for r in df.collect()), key=repr),
    }


@pytest.fixture(scope="module")
def spark_table(spark, tmp_path_factory) -> Path:
    """11 commits (a checkpoint at version 10), partitioned with a null and
    a unicode value, an overwrite at version 5 (removes), app transactions."""
    path = tmp_path_factory.mktemp("sp") / "table"
    for i in range(11):
        rows = [(i * 10 + j, None if j == 0 else ("Zürich" if j % 2 else "東京"),
                 f"v{i}-{j}") for j in range(3)]
        df = spark.createDataFrame(rows, "id long, city string, v string")
        w = df.write.format("delta").mode("overwrite" if i == 5 else "append")
        if i in (2, 7):
            w = w.option("txnAppId", "spark-app").option("txnVersion", str(i))
        w.partitionBy("city").save(str(path))
    assert (path / "_delta_log" / ckpt_name(10)).is_file()
    return path


def test_spark_checkpoint_read(spark_table):
    got = assert_dump_matches_model(spark_table / "_delta_log" / ckpt_name(10))
    assert got["removes"]
    assert got["txns"] == [{"appId": "spark-app", "version": 7,
                            "lastUpdated": got["txns"][0]["lastUpdated"]}]
    assert {a["partitionValues"]["city"] for a in got["adds"]} == {None, "Zürich", "東京"}


def drop_commits_before(log: Path, v: int) -> None:
    """Deletes commits 0..v-1 (and Spark's .crc files), as log cleanup does:
    the state at v is then only in the checkpoint. Commit v stays: Spark
    refuses a log with no commit file at all ("Could not find any delta
    files for version v"), though it does not replay it over the
    checkpoint of the same version."""
    for i in range(v):
        (log / f"{i:020d}.json").unlink()
    for crc in log.glob("*.crc"):
        crc.unlink()


def test_replace_spark_checkpoint_with_ours(spark, spark_table, tmp_path):
    before = spark_snapshot(spark, spark_table)
    before_rs = table_snapshot(spark_table)
    copy = tmp_path / "table"
    shutil.copytree(spark_table, copy)
    log = copy / "_delta_log"
    rewrite(spark_table / "_delta_log" / ckpt_name(10), copy, 10)
    drop_commits_before(log, 10)
    assert dump(log / ckpt_name(10)) == dump(spark_table / "_delta_log" / ckpt_name(10))
    after = spark_snapshot(spark, copy)
    assert after == before
    assert table_snapshot(copy) == before_rs


def test_spark_reads_our_checkpoint_of_deltalake_table(spark, rs_table, tmp_path):
    path, v = rs_table
    copy = tmp_path / "table"
    shutil.copytree(path, copy)
    log = copy / "_delta_log"
    before = spark_snapshot(spark, path)
    rewrite(path / "_delta_log" / ckpt_name(v), copy, v)
    drop_commits_before(log, v)
    assert spark_snapshot(spark, copy) == before


def test_many_files_round_trip(rs_table, tmp_path):
    """30,000 adds (several data pages per column in our checkpoint, cut at
    row boundaries): pyarrow writes the input in delta-rs's checkpoint
    schema, the tool rewrites it, pyarrow reads ours back."""
    path, v = rs_table
    src = path / "_delta_log" / ckpt_name(v)
    base = pq.read_table(src)
    rows = [r for r in base.to_pylist() if not r.get("add")]
    proto = next(r for r in base.to_pylist() if r.get("add"))
    n = 30000
    for i in range(n):
        a = dict(proto["add"])
        a["path"] = f"city={i % 17}/part-{i:06d}-{'x' * (i % 50)}.parquet"
        a["partitionValues"] = [("city", None if i % 5 == 0 else f"c{i % 17}é")]
        a["size"] = i * 13
        a["modificationTime"] = 1_700_000_000_000 + i
        a["dataChange"] = i % 3 == 0
        a["stats"] = None if i % 4 == 0 else json.dumps({"numRecords": i, "v": "ü" * (i % 9)})
        a["tags"] = [("t", str(i))] if i % 11 == 0 else None
        rows.append({**{k: None for k in proto}, "add": a})
    big = tmp_path / ckpt_name(3)
    pq.write_table(pa.Table.from_pylist(rows, schema=base.schema), big)
    table = tmp_path / "table"
    (table / "_delta_log").mkdir(parents=True)
    rewrite(big, table, 3)
    ours = table / "_delta_log" / ckpt_name(3)
    got = assert_dump_matches_model(ours)
    assert len(got["adds"]) == n
    assert got == dump(big)
    last = json.loads((table / "_delta_log" / "_last_checkpoint").read_text())
    assert last == {"version": 3, "size": len(rows), "sizeInBytes": ours.stat().st_size,
                    "numOfAddFiles": n}
