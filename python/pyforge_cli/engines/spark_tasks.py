"""What runs inside Spark tasks: the native engine's Arrow stream over one
file at a time, for ``mapInArrow``. Imported by Spark's Python workers, so
it needs only pyarrow (which ``mapInArrow`` needs anyway) and this package;
never pyspark.

Two passes (spark_batch.py drives them):
- scan: each file read once to its end with ``stream.type_scan=full`` (its
  types are then final), giving its Arrow schema, its row count, or its
  error (status, message and place) -- one small row per file;
- rows: each file's batches, conformed to the batch's reconciled schema
  (widened columns cast, missing ones null, ``_source_file`` added).

Memory per task: one Arrow batch of the engine (up to 65,536 rows) at a
time, plus, in ``binary`` input mode, the bytes of the files Spark put in
the input batch (``binaryFile`` rows).
"""
import json
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pyarrow as pa

from .. import _native
from ..errors import PyForgeError

#: the scan pass's output: one row per file
SCAN_SCHEMA = pa.schema([("path", pa.string()), ("schema", pa.binary()), ("rows", pa.int64()),
                         ("bytes", pa.int64()), ("seconds", pa.float64()), ("error", pa.string()),
                         ("peak_rss_kb", pa.int64())])

SOURCE_FILE = "_source_file"


def error_json(e: BaseException) -> str:
    """An exception as JSON the driver turns back into a PyForgeError."""
    if isinstance(e, PyForgeError):
        d = {"status": e.status, "code": e.code, "message": e.message, "text": e.text, "hint": e.hint}
        for k in ("file", "line", "row", "column", "column_name", "offset", "table", "table_kind",
                  "inner_path"):
            d[k] = getattr(e, k)
    else:
        d = {"status": "EINTERNAL", "message": f"{type(e).__name__}: {e}"}
    return json.dumps(d)


def _name(path: str) -> str:
    """input.path for a file read from memory: its name (for the format and
    the messages), without a URI scheme."""
    if "://" in path or path.startswith(("file:", "dbfs:")):
        path = path.split(":", 1)[1].lstrip("/")
        path = "/" + path
    return path


def open_file(pairs: Sequence[Tuple[str, Any]], path: str,
              content: Optional[bytes]) -> Tuple[pa.RecordBatchReader, Any]:
    """The engine's stream over one file (from its path, or its bytes), and
    the status that holds its error."""
    from ..reader import _Capsule

    p = list(pairs) + [("input.path", _name(path) if content is not None else path),
                       ("stream.type_scan", "full")]
    capsule, status = _native.open_stream(p, content)
    try:
        return pa.RecordBatchReader.from_stream(_Capsule(capsule)), status
    except Exception as e:
        raise _engine_error(status, e) from e


def _engine_error(status: Any, e: BaseException) -> BaseException:
    from ..errors import from_engine

    err = status.error()
    return from_engine(err) if err is not None else e


def batches(pairs: Sequence[Tuple[str, Any]], path: str, content: Optional[bytes]) -> Iterator[pa.RecordBatch]:
    reader, status = open_file(pairs, path, content)
    while True:
        try:
            b = reader.read_next_batch()
        except StopIteration:
            return
        except Exception as e:
            raise _engine_error(status, e) from e
        yield b


def _rows_of(batch: pa.RecordBatch) -> Iterator[Tuple[str, Optional[bytes], int]]:
    paths = batch.column(batch.schema.get_field_index("path")).to_pylist()
    i = batch.schema.get_field_index("content")
    contents = batch.column(i) if i >= 0 else None
    j = batch.schema.get_field_index("length")
    lengths = batch.column(j).to_pylist() if j >= 0 else [None] * len(paths)
    for k, p in enumerate(paths):
        data = contents[k].as_py() if contents is not None else None
        size = lengths[k]
        if size is None:
            try:
                size = os.path.getsize(p) if data is None else len(data)
            except OSError:
                size = -1
        yield p, data, size


def scan(pairs: Sequence[Tuple[str, Any]], it: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow function of the scan pass (functools.partial binds pairs)."""
    import time

    for batch in it:
        out: Dict[str, List[Any]] = {f.name: [] for f in SCAN_SCHEMA}
        for path, data, size in _rows_of(batch):
            t0 = time.perf_counter()
            schema = rows = error = None
            try:
                reader, status = open_file(pairs, path, data)
                rows = 0
                while True:
                    try:
                        rows += reader.read_next_batch().num_rows
                    except StopIteration:
                        break
                    except Exception as e:
                        raise _engine_error(status, e) from e
                schema = reader.schema.serialize().to_pybytes()
            except Exception as e:  # the file is reported, the others go on
                error, rows = error_json(e), None
            for k, v in (("path", path), ("schema", schema), ("rows", rows), ("bytes", size),
                         ("seconds", time.perf_counter() - t0), ("error", error), ("peak_rss_kb", _peak_rss_kb())):
                out[k].append(v)
        yield pa.RecordBatch.from_pydict(out, schema=SCAN_SCHEMA)


def _peak_rss_kb() -> int:
    """The Python worker's peak resident memory so far (KiB; -1 unknown)."""
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):
        return -1


def conform(batch: pa.RecordBatch, target: pa.Schema, source: Optional[str]) -> pa.RecordBatch:
    """``batch`` with ``target``'s columns in its order: a column of the
    batch cast to the target's type (the widening reconcile() decided: int64
    to double exactly, anything to string), a missing one all null,
    ``_source_file`` the file's path."""
    n = batch.num_rows
    cols = []
    for f in target:
        if f.name == SOURCE_FILE and source is not None:
            cols.append(pa.array([source] * n, pa.string()))
            continue
        i = batch.schema.get_field_index(f.name)
        if i < 0:
            cols.append(pa.nulls(n, f.type))
            continue
        col = batch.column(i)
        if not col.type.equals(f.type):
            col = cast(col, f.type)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, schema=target)


def cast(col: pa.Array, to: pa.DataType) -> pa.Array:
    """A column cast by the widening rules (pyarrow's safe casts: an int64
    that a double cannot hold exactly fails rather than change)."""
    if pa.types.is_null(col.type):
        return pa.nulls(len(col), to)
    if pa.types.is_string(to) and pa.types.is_time(col.type):
        return pa.array([None if v is None else v.isoformat() for v in col.to_pylist()], pa.string())
    return col.cast(to, safe=True)


def rows(pairs: Sequence[Tuple[str, Any]], target_bytes: bytes, source_file: bool,
         it: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow function of the rows pass (functools.partial binds the rest)."""
    target = pa.ipc.read_schema(pa.py_buffer(target_bytes))
    for batch in it:
        for path, data, _size in _rows_of(batch):
            for b in batches(pairs, path, data):
                yield conform(b, target, path if source_file else None)
