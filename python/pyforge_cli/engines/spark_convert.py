"""``convert(..., engine="spark")``: one file converted by Spark.

- CSV/TSV: Spark's own CSV reader. The dialect (delimiter, quote, escape,
  encoding, header) and the column types are the native engine's, from
  ``get_info`` (a sample of the file, not a read of it), given to Spark as
  its options and an explicit schema -- Spark's ``inferSchema`` would type
  ``00123`` as an int and a date as a string, and the result must be the
  same rows, types and values whichever engine wrote them. Spark reads
  with ``mode=FAILFAST`` and ``multiLine=true`` (a quoted newline is in
  its value, as in ours); a value Spark cannot parse as the type the sample
  gave (a late widening) fails the attempt, and the native engine does the
  work (fallback).
- XML, Excel, dBase: the native reader inside a Spark task (spark_batch's
  plan on one file). Spark 4's XML reader gives nested structs and arrays,
  ``_attr`` names and its own types; our flattening, namespace and array
  rules (docs/xml.md) would have to be rebuilt in Spark expressions and
  would still differ at the edges, so the native reader runs in the task
  and the rows are ours. Spark has no Excel reader on serverless.
- Outputs: Spark's writer: a Parquet directory (part files), a Delta
  table, or ``saveAsTable`` for a ``catalog.schema.table`` name.

Anything Spark cannot do as we do raises SparkUnsupported (the caller falls
back to the native engine): a list of null markers, skipped rows, rejected
rows kept in a file, Parquet tuning keys, ...
"""
import json
import os
import time
from typing import Any, Dict, List, Optional, Tuple

from .. import _native, _options
from . import spark_batch
from .select import SparkUnsupported

CSV_EXTENSIONS = (".csv", ".tsv", ".txt", ".tab", ".psv")
#: output keys Spark's writer does as we do
_OUTPUT_KEYS = {"output.path", "output.format", "output.force", "output.compression", "delta.mode",
                "delta.partition_by", "delta.merge_schema", "engine.threads", "engine.log_level",
                "engine.name"}
_SPARK_TYPES = {"int64": "bigint", "double": "double", "boolean": "boolean", "date": "date",
                "timestamp[us]": "timestamp_ntz", "timestamp[us, tz=UTC]": "timestamp",
                "string": "string", "null": "string"}


def _csv_reader_options(pairs: Dict[str, Any], props: Dict[str, Any]) -> Dict[str, str]:
    """Spark CSV options from the native engine's dialect for this file."""
    for key in ("csv.skip_rows",):
        if pairs.get(key) not in (None, "0"):
            raise SparkUnsupported(f"{key}: Spark's CSV reader cannot skip leading rows")
    nulls = pairs.get("csv.null_values")
    if isinstance(nulls, list) and len(nulls) > 1:
        raise SparkUnsupported("csv.null_values: Spark's CSV reader takes one null marker")
    bad = pairs.get("input.on_bad_rows", "error")
    if bad == "keep" or pairs.get("output.rejects"):
        raise SparkUnsupported("input.on_bad_rows=keep / output.rejects: Spark's CSV reader has no rejects file")
    escape = props.get("escape", "doubled quote")
    quote = props.get("quote", '"')
    o = {"header": "true" if props.get("header", "yes") == "yes" else "false",
         "sep": props.get("delimiter", ","),
         "encoding": props.get("encoding", "UTF-8"),
         "quote": "\u0000" if quote in ("none", "") else quote,
         "escape": quote if escape == "doubled quote" else ("\\" if escape == "backslash" else escape),
         "multiLine": "true",
         "mode": "DROPMALFORMED" if bad == "skip" else "FAILFAST",
         "enforceSchema": "true",
         "nullValue": nulls[0] if isinstance(nulls, list) and nulls else "",
         "emptyValue": "",
         "ignoreLeadingWhiteSpace": "false", "ignoreTrailingWhiteSpace": "false"}
    if props.get("compression", "none") != "none":
        raise SparkUnsupported(f"a {props['compression']}-compressed CSV: read by the native engine")
    if props.get("line_ending") in ("CR", "mixed"):
        # PyForge ends rows at LF, CR LF and a lone CR alike (docs/types.md)
        raise SparkUnsupported(f"{props['line_ending']} line endings: Spark's CSV reader splits lines at LF")
    return o


def _csv_schema(columns: List[Dict[str, Any]], all_strings: bool) -> str:
    cols = []
    for c in columns:
        t = "string" if all_strings else _SPARK_TYPES.get(c["type"])
        if t is None:
            raise SparkUnsupported(f"column '{c['name']}' of type {c['type']}: not mapped to Spark's CSV reader")
        cols.append(f"`{c['name'].replace('`', '``')}` {t}")
    return ", ".join(cols)


def _csv_frame(spark: Any, path: str, options: Dict[str, Any]) -> Any:
    from ..api import get_info

    info = get_info(path, **{k: v for k, v in options.items() if k in _options.names("get_info")})
    pairs = dict(_options.to_pairs("convert", options))
    reader_opts = _csv_reader_options(pairs, info["properties"])
    schema = _csv_schema(info["columns"], pairs.get("input.all_strings") == "true")
    return spark.read.options(**reader_opts).schema(schema).csv(_uri(path))


def _uri(path: str) -> str:
    return path if "://" in path or path.startswith(("dbfs:", "file:")) else "file://" + os.path.abspath(path)


def check_output_keys(pairs: List[Tuple[str, Any]]) -> None:
    for k, _ in pairs:
        if k not in _OUTPUT_KEYS and not k.startswith(("input.", "csv.", "excel.", "xml.", "dbf.")):
            raise SparkUnsupported(f"{k}: Spark's writer has no such setting; the native engine honours it")


def convert(spark: Any, input_path: str, output_path: Optional[str], output_format: Optional[str],
            options: Dict[str, Any]) -> Dict[str, Any]:
    """Converts one file with Spark; returns the result dict (ConvertResult's keys)."""
    t0 = time.perf_counter()
    if input_path == "-":
        raise SparkUnsupported("standard input: Spark's tasks cannot read it; the native engine does")
    pairs = _options.to_pairs("convert", options)
    check_output_keys(pairs)
    fmt = output_format or "parquet"
    if fmt not in ("parquet", "delta"):
        raise SparkUnsupported(f"output format {fmt!r}: Spark writes parquet and delta here")
    target = output_path or default_output(input_path, fmt, pairs)
    kv = dict(pairs)
    mode = kv.get("delta.mode", "error")
    if kv.get("output.force") == "true" and mode == "error":
        mode = "overwrite"
    spark_batch.refuse_existing(target, mode)
    if input_path.lower().endswith(CSV_EXTENSIONS) and kv.get("input.format") in (None, "csv"):
        jobs = [(target, _csv_frame(spark, input_path, options), None, [], [])]
        how = "Spark's CSV reader"
    else:
        jobs = _task_jobs(spark, input_path, target, fmt, options)
        how = "the native reader in a Spark task"
    partition_by = kv.get("delta.partition_by") or []
    outputs, notes, write_seconds = [], [], 0.0
    for out, frame, rows, job_notes, tables in jobs:
        w = spark_batch.write(frame, out if spark_batch.is_table_name(out) else _uri(out), fmt, mode=mode,
                              partition_by=partition_by if isinstance(partition_by, list) else [partition_by],
                              merge_schema=kv.get("delta.merge_schema") == "true",
                              compression=kv.get("output.compression"))
        write_seconds += w["write_seconds"]
        notes += job_notes
        rows = rows_written(spark, out, fmt) if rows is None else rows
        outputs.append({"path": out, "rows": rows, "columns": len(frame.schema.fields), "bytes": _size(out),
                        "tables": tables})
    first = jobs[0][1]
    return {"input_path": input_path, "output_path": target, "output_format": fmt,
            "input_format": _native_format(input_path),
            "row_count": sum(o["rows"] or 0 for o in outputs), "column_count": outputs[0]["columns"],
            "schema": [{"name": f.name, "type": f.dataType.simpleString(), "nullable": f.nullable, "note": None}
                       for f in first.schema.fields],
            "outputs": outputs, "warnings": notes, "spark_reader": how, "bytes_in": os.path.getsize(input_path),
            "bytes_out": _size(target), "table_version": spark_batch.delta_version(target) if fmt == "delta" else None,
            "duration_seconds": time.perf_counter() - t0, "write_seconds": write_seconds,
            "threads": None, "restarts": 0, "rows_rejected": 0, "rejects_path": None}


def _task_jobs(spark: Any, input_path: str, target: str, fmt: str, options: Dict[str, Any]) -> List[Any]:
    """(output, frame, rows, notes, tables) for each output of a file read
    by the native reader in a task: one, or for a workbook whose sheets make
    several groups one per group, as the native engine names them
    (``<target>/<stem>_<first sheet>.parquet``)."""
    reading = {k: v for k, v in options.items() if k in _options.names("read")}
    groups: Dict[str, List[str]] = {}
    if _native_format(input_path) == "xlsx":
        pairs = [("input.path", input_path)] + _options.to_pairs("read", reading)
        for t in _native.tables(pairs)["tables"]:
            if t["selected"]:
                groups.setdefault(t["group"], []).append(t["name"])
    if len(groups) <= 1:
        p = spark_batch.plan(spark, [input_path], reading, on_error="fail")
        return [(target, p.frame, p.files[0]["rows"], p.notes, next(iter(groups.values()), []))]
    if fmt != "parquet" or spark_batch.is_table_name(target):
        raise SparkUnsupported(f"a workbook with {len(groups)} groups of sheets into {fmt}: the native engine "
                               "writes its outputs")
    os.makedirs(target, exist_ok=True)
    stem = os.path.splitext(os.path.basename(input_path))[0]
    jobs = []
    for group, sheets in groups.items():
        p = spark_batch.plan(spark, [input_path], dict(reading, table=group), on_error="fail")
        jobs.append((os.path.join(target, f"{stem}_{group}.parquet"), p.frame, p.files[0]["rows"], p.notes, sheets))
    return jobs


def default_output(input_path: str, fmt: str, pairs: List[Tuple[str, Any]]) -> str:
    p = [("input.path", input_path)] + [(k, v) for k, v in pairs if k.startswith(("output.format", "input."))]
    if not any(k == "output.format" for k, _ in p):
        p.append(("output.format", fmt))
    return _native.default_output(p)


def _native_format(path: str) -> str:
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    return {"tsv": "csv", "txt": "csv", "tab": "csv", "psv": "csv", "xls": "xlsx", "xlsm": "xlsx"}.get(ext, ext)


def _size(path: str) -> Optional[int]:
    if not os.path.exists(path):
        return None
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def rows_written(spark: Any, target: str, fmt: str) -> Optional[int]:
    """Rows of the commit just made: the Delta log's operationMetrics, or
    the Parquet footers' counts (Spark reads only metadata for count())."""
    if fmt == "delta":
        if spark_batch.is_table_name(target):
            h = spark.sql(f"DESCRIBE HISTORY {target} LIMIT 1").collect()
            m = h[0]["operationMetrics"] if h else None
            return int(m["numOutputRows"]) if m and "numOutputRows" in m else None
        v = spark_batch.delta_version(target)
        if v is None:
            return None
        with open(os.path.join(target, "_delta_log", f"{v:020d}.json")) as f:
            for line in f:
                d = json.loads(line)
                if "commitInfo" in d:
                    n = d["commitInfo"].get("operationMetrics", {}).get("numOutputRows")
                    return int(n) if n is not None else None
        return None
    if spark_batch.is_table_name(target):
        return None
    return spark.read.parquet(_uri(target)).count()
