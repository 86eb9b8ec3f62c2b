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

if os.environ.get("PYFORGE_SPARK_SUITE") != "1":
    collect_ignore_glob = ["test_*.py"]
