"""``forge.read(path)``: a file's rows as Arrow streams (the Arrow PyCapsule
interface). pyarrow, polars, DuckDB and pandas are the user's packages,
imported only when a ``to_*`` method asks for one."""
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import _native
from .errors import CanceledError, from_engine


class _Capsule:
    """Hands one capsule to a consumer that asks through __arrow_c_stream__."""

    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        c, self.capsule = self.capsule, None
        if c is None:
            raise RuntimeError("this stream was consumed already")
        return c


class Reader:
    """The rows of one input. Every consumer gets a fresh stream: ``x`` may
    be read any number of times (each reads the input again)."""

    def __init__(self, path: str, pairs: List[Tuple[str, Any]]) -> None:
        self.path = path
        self._pairs = pairs

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self._pairs if k != "input.path")
        return f"<pyforge_cli.Reader {self.path!r}{' ' + opts if opts else ''}>"

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """A new ArrowArrayStream in a PyCapsule (``requested_schema`` is
        ignored: the engine's types are the ones ``convert`` writes)."""
        capsule, _status = _native.open_stream(self._pairs)
        return capsule

    def _consume(self, fn) -> Any:
        capsule, status = _native.open_stream(self._pairs)
        try:
            return fn(_Capsule(capsule))
        except Exception as e:
            err = status.error()
            if err is None:
                raise
            exc = from_engine(err)
            if isinstance(exc, CanceledError):
                # Ctrl-C: the engine stopped; Python's own handler raises
                # KeyboardInterrupt as soon as the interpreter checks
                raise KeyboardInterrupt("canceled: " + exc.text) from None
            raise exc from e

    def batches(self) -> Iterator[Any]:
        """pyarrow RecordBatches, one at a time (needs pyarrow)."""
        import pyarrow as pa

        capsule, status = _native.open_stream(self._pairs)
        reader = pa.RecordBatchReader.from_stream(_Capsule(capsule))
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except Exception as e:
                err = status.error()
                if err is None:
                    raise
                raise from_engine(err) from e
            yield batch

    def to_arrow(self) -> Any:
        """A pyarrow.Table (needs pyarrow)."""
        import pyarrow as pa

        return self._consume(lambda c: pa.RecordBatchReader.from_stream(c).read_all())

    def to_pandas(self, **kwargs: Any) -> Any:
        """A pandas.DataFrame, through pyarrow (needs pandas and pyarrow);
        keyword arguments go to ``pyarrow.Table.to_pandas``."""
        return self.to_arrow().to_pandas(**kwargs)

    def to_polars(self) -> Any:
        """A polars.DataFrame (needs polars)."""
        import polars as pl

        return self._consume(lambda c: pl.DataFrame(c))

    def tables(self) -> Dict[str, Any]:
        """Workbooks: each sheet with the output group it falls in (read the
        group holding a sheet with ``read(path, table=sheet)``)."""
        return _native.tables(self._pairs)

    def schema(self) -> Optional[Any]:
        """The pyarrow.Schema of the stream (needs pyarrow; opens the input)."""
        import pyarrow as pa

        return self._consume(lambda c: pa.RecordBatchReader.from_stream(c).schema)
