"""The notebook API: convert, get_info, validate, read, batch_convert over
the libpyforge engine. ``pyforge_cli`` re-exports these; the Databricks
extension's ``forge`` object has them as methods.

Each call runs in the C engine with the GIL released (other threads run;
two threads converting two files use two cores). Ctrl-C or a notebook's
interrupt stops the engine within a moment, leaves no output and no
temporary file behind, and raises ``KeyboardInterrupt``. Errors raise
:class:`pyforge_cli.errors.PyForgeError` subclasses with the error's place.
Keyword arguments are the engine's options (see ``help(pyforge_cli.convert)``
for the list, generated from the engine's tables).
"""
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _logging, _native, _options, _progress
from .errors import PyForgeError, from_engine
from .results import BatchResult, ConvertResult, InfoResult, ValidationResult

PathArg = Union[str, "os.PathLike[str]"]

__all__ = ["convert", "get_info", "validate", "read", "batch_convert", "read_spark", "ENGINES"]

#: engine= values this version accepts
ENGINES = ("auto", "native", "spark")


def _path(p: Any, what: str) -> str:
    if isinstance(p, (str, os.PathLike)):
        return os.fspath(p)
    raise TypeError(f"{what} must be a str or os.PathLike; got {type(p).__name__}")


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine= takes one of {', '.join(ENGINES)}; got {engine!r}")


def _run(fn, pairs, progress, desc):
    sink = _progress.resolve(progress, desc)
    ok = False
    try:
        out = fn(pairs, sink)
        ok = True
        return out
    finally:
        if sink is not None:
            sink.close(ok)


def _convert_result(d: Dict[str, Any], input_path: str) -> ConvertResult:
    d = dict(d)
    d["input_path"] = input_path
    d["warnings"] = [_options.spell(w) for w in d.get("warnings", [])]
    return ConvertResult(d)


def convert(input_path: PathArg, output_path: Optional[PathArg] = None,
            output_format: Optional[str] = None, *, progress: _progress.ProgressArg = None,
            engine: str = "auto", spark: Any = None, **options: Any) -> ConvertResult:
    """Converts one file (CSV/TSV, Excel, XML, dBase, ...) to Parquet or a
    Delta Lake table, exactly as ``pyforge convert`` does.

    input_path: the file. output_path: where the result goes (default: as
    the CLI, beside the input: ``data.csv`` -> ``data.parquet``; a workbook
    with several groups of sheets -> a directory ``<stem>_parquet/``; Delta
    -> ``<stem>_delta``; with Spark also a table name
    ``catalog.schema.table``). output_format: ``"parquet"`` (default) or
    ``"delta"``. progress: True, False, or a callable(done, total, unit)
    that may return False to cancel (default: on in notebooks and
    terminals). engine: ``"auto"`` (default: native unless the input is
    larger than one machine should do and a Spark session is active),
    ``"native"`` or ``"spark"`` (docs/spark.md); if Spark fails the native
    engine does the work (``fallback_used``). spark: the SparkSession to
    use (default: the active one).

    Returns a :class:`~pyforge_cli.results.ConvertResult`. Raises a
    :class:`~pyforge_cli.errors.PyForgeError` subclass (nothing partial is
    left behind), ``TypeError`` for an unknown keyword.

    Keyword arguments (the engine's options):
    """
    from .engines import select
    from .extensions import _registry

    inp = _path(input_path, "input_path")
    _check_engine(engine)
    kwargs = _registry.enhance_convert(inp, output_path, output_format, options)
    pairs = _logging.with_level(_options.to_pairs("convert", kwargs), kwargs)
    pairs.insert(0, ("input.path", inp))
    out = _path(output_path, "output_path") if output_path is not None else None
    if out is not None:
        pairs.append(("output.path", out))
    if output_format is not None:
        pairs.append(("output.format", output_format))
    choice = select.choose(engine, *select.input_size([inp]), spark=spark)
    _registry.pre_convert(inp, output_path, kwargs)

    def native() -> Dict[str, Any]:
        return dict(_run(lambda p_, s_: _native.convert(p_, s_, _logging.engine_log), pairs, progress,
                         f"convert {os.path.basename(inp)}"))

    def on_spark(session: Any) -> Dict[str, Any]:
        from .engines import spark_convert

        return spark_convert.convert(session, inp, out, output_format, kwargs)

    target = out
    if choice.name == "spark" and target is None:
        from .engines.spark_convert import default_output

        target = default_output(inp, output_format or "parquet", pairs[1:])
    d = select.run(choice, on_spark, native, outputs=[target],
                   log_fn=lambda level, msg: _logging.python_log(pairs, level, msg))
    return _registry.post_convert(_convert_result(d, inp))


def _columns(schema: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [dict(c, note=_options.spell(c["note"]) if c.get("note") else None) for c in schema or []]


def _props(pairs: List[Any]) -> Dict[str, str]:
    return {k: _options.spell(v) if isinstance(v, str) else v for k, v in pairs}


def get_info(path: PathArg, **options: Any) -> InfoResult:
    """Describes a file without converting it, as ``pyforge info``: format,
    size, rows, columns with their types, the format's facts (dialect and
    encoding of a CSV, row groups of a Parquet file, a Delta table's version
    and files); for a workbook every sheet with its rows, columns and the
    output group it joins. Keyword arguments: the reading options (the same
    as ``convert``'s that say ``info``).
    """
    p = _path(path, "path")
    pairs = _logging.with_level(_options.to_pairs("get_info", options), options)
    pairs.insert(0, ("input.path", p))
    d = _native.info(pairs, _logging.engine_log)
    sections = [{"kind": s["kind"], "name": s["name"], "properties": _props(s["props"])}
                for s in d["sections"]]
    out: Dict[str, Any] = {
        "path": d["path"], "format": d["format"], "size_bytes": d["size_bytes"], "rows": d["rows"],
        "columns": _columns(d["schema"]), "properties": _props(d["props"]), "sections": sections,
    }
    sheets = [s for s in sections if s["kind"] == "sheet"]
    if sheets:
        tables = {t["name"]: t for t in _native.tables(pairs)["tables"]}
        out["sheets"] = [_sheet(s, tables.get(s["name"], {})) for s in sheets]
    return InfoResult(out)


def _int(v: Any) -> Any:
    try:
        return int(str(v).replace(",", ""))
    except (TypeError, ValueError):
        return v


def _sheet(section: Dict[str, Any], table: Dict[str, Any]) -> Dict[str, Any]:
    props = section["properties"]
    rows = table.get("rows")
    if rows is None and "rows" in props:
        rows = _int(props["rows"])
    return {"name": section["name"], "rows": rows, "columns": _int(props.get("columns")),
            "group": table.get("group"), "hidden": table.get("hidden", False),
            "selected": table.get("selected", False)}


#: the place keys every issue has (None when unknown)
_ISSUE_PLACE = ("file", "line", "row", "column", "column_name", "sheet", "xml_path")


def validate(path: PathArg, *, progress: _progress.ProgressArg = None,
             **options: Any) -> ValidationResult:
    """Reads the whole file as ``convert`` would, without writing anything,
    and lists every problem with its place (line, row, column, sheet, XML
    path), as ``pyforge validate``. Returns a
    :class:`~pyforge_cli.results.ValidationResult` (``is_valid``,
    ``issues``, ``warnings``); raises only when the check cannot run at all
    (a missing file, an unknown format).
    """
    p = _path(path, "path")
    pairs = _logging.with_level(_options.to_pairs("validate", options), options)
    pairs.insert(0, ("input.path", p))
    d = _run(lambda p_, s_: _native.validate(p_, s_, _logging.engine_log), pairs, progress,
             f"validate {os.path.basename(p)}")
    issues = []
    for e in d["issues"]:
        exc = from_engine(e)
        issue = {"message": exc.message, "status": exc.status}
        issue.update({k: getattr(exc, k) for k in _ISSUE_PLACE})
        issue.update(exc.place())
        issues.append(issue)
    cols = _columns(d["schema"])
    warnings = [f"column '{c['name']}': {c['note']}" for c in cols if c.get("note")]
    return ValidationResult({
        "path": p, "is_valid": d["is_valid"], "format": d["format"], "rows": d["rows"],
        "issues": issues, "issues_total": d["problems_total"], "warnings": warnings,
        "columns": cols, "checked": d["checked"]})


def read(path: PathArg, **options: Any) -> "Reader":
    """The rows of a file as an Arrow stream: an object with
    ``__arrow_c_stream__`` (the Arrow PyCapsule interface) that
    ``pyarrow.table(x)``, ``polars.DataFrame(x)``, ``duckdb.sql("select ...
    from x")`` and pandas (through pyarrow) consume without copying, plus
    ``to_arrow()``, ``to_pandas()``, ``to_polars()`` and ``batches()``. Each
    consumer gets a fresh stream; batches are read as they are asked for,
    in bounded memory. Types and values are those ``convert`` writes.

    Keyword arguments: the reading options (``convert``'s that say
    ``read``), and for workbooks with several groups of sheets ``table=``
    (a sheet of the group to read).
    """
    from .reader import Reader

    p = _path(path, "path")
    pairs = _options.to_pairs("read", options)
    pairs.insert(0, ("input.path", p))
    if p != "-":
        _native.path_check(p, False)  # a missing file fails here, not in a consumer
    return Reader(p, pairs)


def batch_convert(file_patterns: Union[PathArg, Sequence[PathArg]], output_dir: Optional[PathArg] = None,
                  max_workers: Optional[int] = None, *, output_format: Optional[str] = None,
                  progress: _progress.ProgressArg = None, engine: str = "auto", spark: Any = None,
                  source_file: bool = False, input_mode: str = "auto", on_error: str = "skip",
                  partitions: Optional[int] = None, table: Optional[PathArg] = None,
                  **options: Any) -> BatchResult:
    """Converts many files with one call, in the C engine: ``file_patterns``
    is a path or glob (``"landing/*.csv"``, ``"data/**/*.xlsx"``) or a list
    of them; each file converts exactly as ``convert`` would, its output in
    ``output_dir`` (created if missing; default: beside each input).
    ``max_workers`` files convert at once (default: the variable
    ``PYFORGE_PARALLEL_WORKERS``, else the cores), each with cores/workers
    threads. One bad file never stops the others: its error (with its
    place) is in its entry of ``results`` and in ``failures``. Progress
    covers the whole batch. Returns a :class:`~pyforge_cli.results.BatchResult`.

    ``engine="spark"`` (or ``"auto"`` with a Spark session active and at
    least the thresholds' files or bytes, docs/spark.md): the native engine
    runs inside Spark tasks and every file's rows go into ONE table,
    ``output_dir`` (a directory, or ``catalog.schema.table``), with one
    commit (``output_format`` default ``"delta"``); schemas reconcile by the
    widening rules; ``source_file=True`` adds ``_source_file``;
    ``on_error="skip"`` (default) reports a bad file and writes the others,
    ``"fail"`` writes nothing; ``input_mode`` ``"path"`` (tasks open the
    paths), ``"binary"`` (Spark's binaryFile bytes, read from memory) or
    ``"auto"``; ``partitions``: Spark partitions of the file list. If Spark
    fails, the native engine converts each file into ``output_dir``
    (``fallback_used``).

    ``table="dir"`` (native engine, ``output_format`` ``"delta"`` or
    unset, no ``output_dir``): every file goes into that ONE Delta table in
    one commit, created if missing; ``mode="append"`` adds to an existing
    table, ``mode="overwrite"`` replaces its rows (unset: an existing table
    is refused). Schemas are reconciled by the widening rules (an existing
    table's columns keep their types; values that do not fit fail their
    file, naming the row); a file that fails adds nothing; ``table_version``
    is the version committed (docs/delta.md).

    Keyword arguments: as ``convert``'s.
    """
    from .engines import select

    _check_engine(engine)
    if isinstance(file_patterns, (str, os.PathLike)):
        file_patterns = [file_patterns]
    sources = [_path(p, "file_patterns") for p in file_patterns]
    if not sources:
        raise ValueError("batch_convert() needs at least one path or pattern")
    if max_workers is not None and (not isinstance(max_workers, int) or isinstance(max_workers, bool)
                                    or max_workers < 1):
        raise ValueError(f"max_workers= takes a positive int or None; got {max_workers!r}")
    pairs = _logging.with_level(_options.to_pairs("batch_convert", options), options)
    if output_format is not None:
        pairs.append(("output.format", output_format))
    out_dir = _path(output_dir, "output_dir") if output_dir is not None else None
    if table is not None:
        if out_dir is not None:
            raise ValueError("batch_convert(): table= writes every file into one table and output_dir= one output "
                             "per file: give one of them")
        if engine == "spark":
            raise ValueError("batch_convert(table=...) runs in the native engine; with engine='spark', "
                             "output_dir= names the one table")
        return _native_table_batch(pairs, sources, _path(table, "table"), max_workers, progress)
    if engine == "spark" and out_dir is None:
        raise ValueError("batch_convert(engine='spark') writes one table: output_dir= names it (a directory "
                         "or catalog.schema.table)")
    from .engines.files import expand

    files, _uris, _missing = expand(sources)
    choice = select.choose(engine, sum(n for _, n in files), len(files), spark=spark)
    if choice.name == "spark" and out_dir is None:
        choice = select.Choice("native", choice.reason + "; no output_dir: each file's output beside it, natively")

    def native() -> Dict[str, Any]:
        return _native_batch(pairs, sources, out_dir, max_workers, progress)

    def on_spark(session: Any) -> Dict[str, Any]:
        from .engines import spark_batch

        return spark_batch.batch(session, sources, out_dir, output_format, options, source_file=source_file,
                                 input_mode=input_mode, on_error=on_error, partitions=partitions)

    d = select.run(choice, on_spark, native, outputs=[out_dir],
                   log_fn=lambda level, msg: _logging.python_log(pairs, level, msg))
    d.setdefault("table_version", None)
    for entry in d["results"]:
        if entry["result"] is not None:
            entry["result"].update(processing_engine=d["processing_engine"], engine_reason=d["engine_reason"],
                                   fallback_used=d["fallback_used"])
    return BatchResult(d)


def read_spark(paths: Union[PathArg, Sequence[PathArg]], *, spark: Any = None, source_file: bool = False,
               input_mode: str = "auto", on_error: str = "skip", partitions: Optional[int] = None,
               **options: Any) -> Any:
    """Many files' rows as one Spark DataFrame, each file read by the native
    engine inside a Spark task (``mapInArrow`` over the engine's Arrow
    stream): the same types and values as ``read``/``convert``, with the
    files' schemas reconciled by the widening rules (int64 and double ->
    double, else string; a column a file lacks is null). ``paths``: paths,
    globs or URIs (``dbfs:/...``, read with Spark's ``binaryFile``).
    ``spark``: the session (default: the active one, else a new local one).
    ``source_file=True`` adds ``_source_file``. A file that fails is left
    out with a ``RuntimeWarning`` naming its error (``on_error="fail"``:
    raised instead); ``df.pyforge_files`` lists each file's rows or error.
    ``input_mode``: ``"path"`` (tasks open the paths), ``"binary"`` (the
    files' bytes from Spark's ``binaryFile``, for tasks that cannot open
    the driver's paths) or ``"auto"``. The files are scanned when this is
    called (types, rows, errors); the DataFrame reads them again when it
    runs. Spark Connect and serverless work (DataFrame APIs only).

    Keyword arguments: the reading options (``read``'s).
    """
    from .engines import select, spark_batch

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    sources = [_path(p, "paths") for p in paths]
    if not sources:
        raise ValueError("read_spark() needs at least one path or pattern")
    session = select.session_for(spark)
    frame, plan = spark_batch.read_spark(session, sources, options, source_file=source_file,
                                         input_mode=input_mode, on_error=on_error, partitions=partitions)
    try:
        frame.pyforge_files = plan.files
    except AttributeError:  # a DataFrame class that takes no attributes
        pass
    return frame


def _native_table_batch(pairs: List[Tuple[str, Any]], sources: List[str], table: str,
                        max_workers: Optional[int], progress: _progress.ProgressArg) -> BatchResult:
    d = _native_batch(pairs, sources, None, max_workers, progress, table=table)
    d.update(output_dir=table, processing_engine="native", engine_reason="table= is written by the native engine",
             fallback_used=False)
    for entry in d["results"]:
        if entry["result"] is not None:
            entry["result"].update(processing_engine="native", engine_reason=d["engine_reason"], fallback_used=False)
    return BatchResult(d)


def _native_batch(pairs: List[Tuple[str, Any]], sources: List[str], out_dir: Optional[str],
                  max_workers: Optional[int], progress: _progress.ProgressArg,
                  table: Optional[str] = None) -> Dict[str, Any]:
    from .extensions import _registry

    def run(pairs_, sink):
        return _native.batch(pairs_, sources, out_dir, max_workers or 0, sink, None, _logging.engine_log, table)

    d = _run(run, pairs, progress, f"batch of {len(sources)} pattern{'s' if len(sources) != 1 else ''}")
    results = []
    for it in d["items"]:
        if it["status"] == "OK":
            r = dict(it["result"], processing_engine="native")
            res = _registry.post_convert(_convert_result(r, it["input_path"]))
            entry = {"input_path": it["input_path"], "status": "converted", "result": res, "error": None}
        else:
            err = from_engine(it["error"])
            word = "canceled" if it["status"] == "ECANCELED" else "failed"
            entry = {"input_path": it["input_path"], "status": word, "result": None, "error": err}
        entry.update(source=it["source"], seconds=it["seconds"], bytes=it["bytes"])
        results.append(entry)
    summary = {k: d[k] for k in ("files", "converted", "failed", "canceled", "row_count", "rows_rejected",
                                 "bytes_in", "bytes_out", "bytes_total", "duration_seconds", "workers",
                                 "threads_per_file")}
    summary.update(output_dir=out_dir, results=results)
    if table is not None:
        summary.update(table_version=d.get("table_version"))
    return summary


def _add_option_docs() -> None:
    """Appends each function's keyword arguments, from the engine's tables."""
    for fn, call in ((convert, "convert"), (get_info, "get_info"), (validate, "validate"),
                     (read, "read"), (batch_convert, "batch_convert"), (read_spark, "read")):
        doc = fn.__doc__ or ""
        if "Keyword arguments (the engine's options):" not in doc:
            doc += "\n    Keyword arguments (the engine's options):\n"
        fn.__doc__ = doc + _options.describe(call) + "\n"


try:
    _add_option_docs()
except PyForgeError:  # never stops an import
    pass
