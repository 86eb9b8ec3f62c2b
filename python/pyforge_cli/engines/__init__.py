"""The processing engines: native (libpyforge, in this process) and Spark.

- select.py: engine="auto" | "native" | "spark", thresholds, fallback;
- spark_convert.py: one file converted by Spark (Spark's CSV reader; the
  native reader in a task for XML, Excel, dBase);
- spark_batch.py: many files as one DataFrame / one table (read_spark,
  batch_convert(engine="spark")) with the native engine in Spark tasks;
- spark_tasks.py: what those tasks run (imported by Spark's workers).

Nothing here imports pyspark until Spark is asked for.
"""
from .select import SparkUnavailable, SparkUnsupported, set_thresholds, thresholds

__all__ = ["SparkUnavailable", "SparkUnsupported", "set_thresholds", "thresholds"]
