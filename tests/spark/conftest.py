"""The Spark suite (tier 4, slower): the Spark engine with pyspark 4 in local
mode (test_spark_engine.py) and through Spark Connect (test_spark_connect.py,
``SparkSession.builder.remote("local[2]")``), one session per module (start-up
is ~30 s here). It runs in its own virtualenv, build/spark-venv
(scripts/spark-deps.sh: tests/spark/requirements.txt and the wheel), from
scripts/test.sh with PYFORGE_SPARK_SUITE=1; the main pytest run (.venv,
pyspark 3.5 for the interop tier) skips this folder. Delta jars for Spark 4
(Scala 2.13) come from Maven (scripts/fetch-delta-jars.sh) into
build/jars-spark4; Spark never downloads anything at run time."""
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

if os.environ.get("PYFORGE_SPARK_SUITE") != "1":
    collect_ignore_glob = ["test_*.py"]


def delta_jars() -> str:
    d = Path(os.environ.get("PYFORGE_SPARK_JARS", REPO / "build" / "jars-spark4"))
    jars = sorted(str(p) for p in d.glob("*.jar"))
    if len(jars) < 2:
        pytest.fail(f"no Delta jars for Spark 4 in {d}: scripts/fetch-delta-jars.sh (DELTA_VERSION=4.0.0 "
                    "SCALA_VERSION=2.13) puts them there")
    return ",".join(jars)


def spark_conf(builder, warehouse: Path):
    """The settings both sessions share."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("no Java runtime: scripts/install-deps.sh --test installs one")
    # Spark's Python workers run this interpreter (with pyarrow and the wheel)
    os.environ["PYSPARK_PYTHON"] = sys.executable
    return (builder.config("spark.jars", delta_jars())
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.warehouse.dir", str(warehouse))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "1g"))
