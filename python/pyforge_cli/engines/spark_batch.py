"""The native engine inside Spark tasks: ``read_spark`` (many files as one
Spark DataFrame) and the Spark side of ``batch_convert(engine="spark")``
(many files into one table, one commit).

The plan, with DataFrame APIs only (Spark Connect and serverless allow no
RDDs, no SparkContext):
1. the files: matched on the driver (local paths, ``/Volumes`` FUSE paths)
   into a DataFrame of paths, or -- where tasks cannot open the driver's
   paths (``input_mode="binary"``, or URIs such as ``dbfs:/``, ``s3://``)
   -- Spark's ``binaryFile`` rows, whose bytes the engine reads from memory;
2. the scan pass (``mapInArrow``, spark_tasks.scan): each file's schema,
   rows, or error; collected to the driver (one small row per file);
3. the schemas reconciled by the widening rules (reconcile()); a failed
   file is reported and left out, or with ``on_error="fail"`` the batch is
   refused before anything is written;
4. the rows pass (``mapInArrow``, spark_tasks.rows) gives the DataFrame;
   Spark's writer stores it as one commit (one Delta version) or
   ``saveAsTable`` for a catalog name.
"""
import functools
import json
import logging
import os
import re
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import _options
from ..errors import InvalidArgumentError, PyForgeError, from_engine
from . import spark_tasks
from .files import expand  # noqa: F401  (also this module's name for it)
from .select import SparkUnsupported

#: keywords of read_spark / batch_convert(engine="spark") that are not engine options
INPUT_MODES = ("auto", "path", "binary")
ON_ERROR = ("skip", "fail")
#: a Unity Catalog / metastore table name: catalog.schema.table or schema.table
TABLE_NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*){1,2}$|^`[^`]+`(\.`[^`]+`){1,2}$")


def is_table_name(target: str) -> bool:
    return bool(TABLE_NAME.match(target)) and not os.path.exists(target)


# ---- the files -------------------------------------------------------------

def _input_frame(spark: Any, files: List[Tuple[str, int]], uris: List[str], mode: str,
                 partitions: Optional[int]) -> Tuple[Any, str]:
    """The DataFrame each task reads its files from, and the mode used."""
    if mode == "auto":
        mode = "binary" if uris else "path"
    if mode == "path":
        if uris:
            raise SparkUnsupported(f"input_mode='path' needs paths tasks can open; got URIs ({uris[0]}): "
                                   "use input_mode='binary'")
        df = spark.createDataFrame([(p, n) for p, n in files], "path string, length long")
        n = partitions or min(len(files), 256)
        return df.repartition(max(n, 1)), mode
    # binaryFile: Spark lists and reads the files; a task holds the bytes of
    # its input batch (spark.sql.files.maxPartitionBytes of files, 128 MB by
    # default; a larger file alone)
    sources = [p for p, _ in files] + uris
    df = spark.read.format("binaryFile").load(sources).select("path", "length", "content")
    if partitions:
        df = df.repartition(partitions)
    return df, mode


# ---- schemas ---------------------------------------------------------------

def widen(a: Any, b: Any) -> Any:
    """The type two files' columns reconcile to: the same; null gives way;
    int64 and double -> double; anything else -> string."""
    import pyarrow as pa

    if a.equals(b):
        return a
    if pa.types.is_null(a):
        return b
    if pa.types.is_null(b):
        return a
    if {str(a), str(b)} == {"int64", "double"}:
        return pa.float64()
    return pa.string()


def reconcile(schemas: List[Any], source_file: bool) -> Tuple[Any, List[str]]:
    """One Arrow schema for every file (columns by name, in the order they
    first appear), as Spark can hold it, and what was widened."""
    import pyarrow as pa

    types: Dict[str, Any] = {}
    seen: Dict[str, List[str]] = {}
    notes: List[str] = []
    for s in schemas:
        for f in s:
            types[f.name] = widen(types[f.name], f.type) if f.name in types else f.type
            if not pa.types.is_null(f.type) and str(f.type) not in seen.setdefault(f.name, []):
                seen[f.name].append(str(f.type))
    for name, kinds in seen.items():
        if len(kinds) > 1:
            notes.append(f"column '{name}': {' and '.join(sorted(kinds))} in different files: {types[name]}")
    fields = []
    for name, t in types.items():
        if pa.types.is_null(t):
            t = pa.string()  # all null in every file: Parquet/Delta need a type
        elif pa.types.is_time(t):
            t = pa.string()  # Spark has no time-of-day type: ISO text
            notes.append(f"column '{name}': time of day as text (Spark has no time type)")
        fields.append(pa.field(name, t, nullable=True))
    if source_file:
        if spark_tasks.SOURCE_FILE in types:
            raise InvalidArgumentError(f"source_file=True: the inputs already have a column "
                                       f"'{spark_tasks.SOURCE_FILE}'")
        fields.append(pa.field(spark_tasks.SOURCE_FILE, pa.string(), nullable=False))
    return pa.schema(fields), notes


def spark_schema(schema: Any) -> Any:
    """The Spark StructType of a reconciled Arrow schema."""
    import pyarrow as pa
    from pyspark.sql import types as T

    def one(t: Any) -> Any:
        if pa.types.is_int64(t):
            return T.LongType()
        if pa.types.is_float64(t):
            return T.DoubleType()
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_date32(t):
            return T.DateType()
        if pa.types.is_timestamp(t):
            return T.TimestampType() if t.tz else T.TimestampNTZType()
        if pa.types.is_decimal(t):
            return T.DecimalType(t.precision, t.scale)
        if pa.types.is_binary(t):
            return T.BinaryType()
        if pa.types.is_string(t):
            return T.StringType()
        raise SparkUnsupported(f"Arrow type {t} has no Spark type here")

    return T.StructType([T.StructField(f.name, one(f.type), f.nullable) for f in schema])


def _arrow_for_spark(schema: Any) -> Any:
    """The Arrow schema Spark expects back from mapInArrow (UTC timestamps
    in UTC, as pyspark's to_arrow_type gives them)."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, pa.timestamp("us", tz="UTC") if pa.types.is_timestamp(f.type)
                               and f.type.tz else f.type, f.nullable) for f in schema])


# ---- the plan ----------------------------------------------------------------

class Plan:
    """Files scanned and reconciled: ``frame`` (the DataFrame of the rows,
    lazy), ``files`` (each: path, rows, bytes, seconds, error),
    ``failures``, ``schema`` (Arrow), ``notes`` (widenings)."""

    def __init__(self) -> None:
        self.frame: Any = None
        self.files: List[Dict[str, Any]] = []
        self.schema: Any = None
        self.notes: List[str] = []
        self.mode = "path"
        self.scan_seconds = 0.0

    @property
    def failures(self) -> List[Dict[str, Any]]:
        return [f for f in self.files if f["error"] is not None]


def reading_pairs(options: Dict[str, Any]) -> List[Tuple[str, Any]]:
    """The engine keys of the reading keywords (those ``read`` takes)."""
    return _options.to_pairs("read", options)


def plan(spark: Any, patterns: Sequence[str], options: Dict[str, Any], *, source_file: bool = False,
         input_mode: str = "auto", on_error: str = "skip", partitions: Optional[int] = None) -> Plan:
    """Scans the files in Spark tasks and returns the Plan (see the class)."""
    import pyarrow as pa

    if input_mode not in INPUT_MODES:
        raise ValueError(f"input_mode= takes one of {', '.join(INPUT_MODES)}; got {input_mode!r}")
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error= takes one of {', '.join(ON_ERROR)}; got {on_error!r}")
    if partitions is not None and (not isinstance(partitions, int) or partitions < 1):
        raise ValueError(f"partitions= takes a positive int or None; got {partitions!r}")
    pairs = reading_pairs(options)
    from .. import _logging

    levels = _logging.with_level(list(pairs), options)

    def say(level: int, text: str) -> None:  # per file, at the call's log_level
        _logging.python_log(levels, level, text)

    # tasks always read with stream.type_scan=full (types final before the first batch)
    pairs = [(k, v) for k, v in pairs if k not in ("stream.type_scan", "stream.holdback")]
    files, uris, missing = expand(patterns)
    p = Plan()
    for m in missing:
        p.files.append({"path": m, "rows": None, "bytes": None, "seconds": 0.0, "schema": None,
                        "peak_rss_kb": None, "error": json.dumps({"status": "ENOTFOUND",
                                             "message": f"no file matches '{m}'"})})
    if not files and not uris:
        _finish_errors(p, on_error)
        raise from_engine(json.loads(p.files[0]["error"])) if p.files else ValueError("no inputs")
    t0 = time.perf_counter()
    inputs, p.mode = _input_frame(spark, files, uris, input_mode, partitions)
    scanned = inputs.mapInArrow(functools.partial(spark_tasks.scan, pairs),
                                "path string, schema binary, rows long, bytes long, seconds double, "
                                "error string, peak_rss_kb long").collect()
    p.scan_seconds = time.perf_counter() - t0
    for r in sorted(scanned, key=lambda r: r["path"]):  # the same order whatever the partitions
        p.files.append({"path": r["path"], "rows": r["rows"], "bytes": r["bytes"], "seconds": r["seconds"],
                        "schema": r["schema"], "error": r["error"], "peak_rss_kb": r["peak_rss_kb"]})
        if r["error"] is None:
            say(logging.INFO, f"{r['path']}: {r['rows']} rows ({r['seconds']:.3f} s in its task)")
        else:
            say(logging.WARNING, f"{r['path']}: {json.loads(r['error']).get('message')}")
    _finish_errors(p, on_error)
    good = [f for f in p.files if f["error"] is None]
    if not good:
        raise from_engine(json.loads(p.failures[0]["error"]))
    schemas = [pa.ipc.read_schema(pa.py_buffer(f["schema"])) for f in good]
    target, p.notes = reconcile(schemas, source_file)
    p.schema = _arrow_for_spark(target)
    keep = inputs
    if p.failures:
        bad = [f["path"] for f in p.failures]
        from pyspark.sql import functions as F

        keep = inputs.where(~F.col("path").isin(bad))
    p.frame = keep.mapInArrow(functools.partial(spark_tasks.rows, pairs, p.schema.serialize().to_pybytes(),
                                                source_file), spark_schema(p.schema))
    return p


def _finish_errors(p: Plan, on_error: str) -> None:
    for f in p.files:
        if f["error"] is not None and not isinstance(f["error"], PyForgeError):
            f["error"] = from_engine(json.loads(f["error"]))
    if on_error == "fail" and p.failures:
        first = p.failures[0]
        e = first["error"]
        raise type(e)(f"on_error='fail': {len(p.failures)} of {len(p.files)} files failed, nothing was "
                      f"written; the first, {first['path']}: {e.message}", status=e.status,
                      **{k: v for k, v in e.place().items()})


# ---- writing -----------------------------------------------------------------

def refuse_existing(target: str, mode: str) -> None:
    """mode error: an existing local output is refused before Spark runs,
    as the native engine refuses it."""
    if mode == "error" and not is_table_name(target) and "://" not in target and os.path.lexists(target):
        from ..errors import OutputExistsError

        raise OutputExistsError(f"{target}: exists; force=True (or mode='overwrite' / 'append' for a table) "
                                "replaces it", status="EEXIST", file=target)


def write(frame: Any, target: str, output_format: str, *, mode: str = "error",
          partition_by: Sequence[str] = (), merge_schema: bool = False,
          compression: Optional[str] = None) -> Dict[str, Any]:
    """Spark's writer: one commit. ``target``: a directory (``file:``,
    ``dbfs:``, ``s3://`` ...) or a table name (``saveAsTable``)."""
    w = frame.write.format(output_format).mode({"errorifexists": "error"}.get(mode, mode))
    if partition_by:
        w = w.partitionBy(*partition_by)
    if merge_schema:
        w = w.option("mergeSchema", "true")
    if compression and output_format == "parquet":
        w = w.option("compression", {"none": "uncompressed", "lz4_raw": "lz4"}.get(compression, compression))
    t0 = time.perf_counter()
    if is_table_name(target):
        w.saveAsTable(target)
        kind = "table"
    else:
        w.save(target)
        kind = "path"
    return {"write_seconds": time.perf_counter() - t0, "target_kind": kind}


def delta_version(target: str) -> Optional[int]:
    """The latest version of a local Delta table (its _delta_log), else None."""
    log_dir = os.path.join(target, "_delta_log")
    try:
        names = os.listdir(log_dir)
    except OSError:
        return None
    versions = [int(n[:20]) for n in names if len(n) == 25 and n.endswith(".json") and n[:20].isdigit()]
    return max(versions) if versions else None


def _file_entry(f: Dict[str, Any], output: str) -> Dict[str, Any]:
    ok = f["error"] is None
    entry = {"input_path": f["path"], "status": "converted" if ok else "failed", "error": f["error"],
             "result": None, "source": f["path"], "seconds": f["seconds"], "bytes": f["bytes"],
             "rows": f["rows"]}
    if ok:
        from ..results import ConvertResult

        entry["result"] = ConvertResult({"input_path": f["path"], "output_path": output, "row_count": f["rows"],
                                         "bytes_in": f["bytes"], "processing_engine": "spark",
                                         "duration_seconds": f["seconds"]})
    return entry


def batch(spark: Any, patterns: Sequence[str], output: str, output_format: Optional[str],
          options: Dict[str, Any], *, source_file: bool = False, input_mode: str = "auto",
          on_error: str = "skip", partitions: Optional[int] = None) -> Dict[str, Any]:
    """Every file's rows into one table at ``output`` (a directory or a
    catalog name) with one Spark commit; the BatchResult's keys."""
    t0 = time.perf_counter()
    pairs = _options.to_pairs("batch_convert", options)
    from .spark_convert import check_output_keys

    check_output_keys(pairs)
    kv = dict(pairs)
    fmt = output_format or "delta"
    if fmt not in ("parquet", "delta"):
        raise SparkUnsupported(f"output format {fmt!r}: Spark writes parquet and delta here")
    mode = kv.get("delta.mode", "error")
    if kv.get("output.force") == "true" and mode == "error":
        mode = "overwrite"
    refuse_existing(output, mode)
    reading = {k: v for k, v in options.items() if k in _options.names("read")}
    p = plan(spark, patterns, reading, source_file=source_file, input_mode=input_mode, on_error=on_error,
             partitions=partitions)
    from .spark_convert import _uri

    parts = kv.get("delta.partition_by") or []
    w = write(p.frame, output if is_table_name(output) else _uri(output), fmt, mode=mode,
              partition_by=parts if isinstance(parts, list) else [parts],
              merge_schema=kv.get("delta.merge_schema") == "true", compression=kv.get("output.compression"))
    results = [_file_entry(f, output) for f in p.files]
    good = [f for f in p.files if f["error"] is None]
    return {"files": len(p.files), "converted": len(good), "failed": len(p.failures), "canceled": 0,
            "row_count": sum(f["rows"] for f in good), "rows_rejected": 0,
            "bytes_in": sum(f["bytes"] or 0 for f in good), "bytes_out": None,
            "bytes_total": sum(f["bytes"] or 0 for f in p.files if f["bytes"] and f["bytes"] > 0),
            "duration_seconds": time.perf_counter() - t0, "scan_seconds": p.scan_seconds,
            "write_seconds": w["write_seconds"], "workers": None, "threads_per_file": None,
            "task_peak_rss_kb": max((f["peak_rss_kb"] or 0 for f in p.files), default=0),
            "output_dir": output, "output_format": fmt, "input_mode": p.mode,
            "table_version": delta_version(output) if fmt == "delta" else None,
            "schema": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in p.schema],
            "warnings": p.notes, "results": results}


def read_spark(spark: Any, patterns: Sequence[str], options: Dict[str, Any], *, source_file: bool = False,
               input_mode: str = "auto", on_error: str = "skip", partitions: Optional[int] = None) -> Any:
    """The DataFrame of every file's rows (see pyforge_cli.read_spark)."""
    p = plan(spark, patterns, options, source_file=source_file, input_mode=input_mode, on_error=on_error,
             partitions=partitions)
    for f in p.failures:
        import warnings

        warnings.warn(f"pyforge: {f['path']} left out: {f['error']}", RuntimeWarning, stacklevel=3)
    return p.frame, p
