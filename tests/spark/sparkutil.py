"""What the Spark suite's two modules share: the Delta jars for Spark 4 and
the session settings (tests/spark/conftest.py says how the suite runs)."""
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


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
