"""PyForge: convert CSV/TSV, Excel, XML and dBase files into Parquet files and
Delta Lake tables, with the libpyforge C engine, from Python.

>>> import pyforge_cli as pf
>>> r = pf.convert("sales.xlsx")              # -> sales.parquet (or sales_parquet/)
>>> r.row_count, r.output_path
>>> pf.get_info("sales.csv").columns
>>> pf.validate("sales.csv").issues
>>> pf.read("sales.csv").to_pandas()          # or pyarrow/polars/DuckDB, no copy
>>> pf.batch_convert("landing/*.csv", "out/")
>>> pf.install_sample_datasets("samples", sizes="small")   # files to try

On Databricks the same functions are methods of a ready-made object:
``from pyforge_cli.extensions.databricks import forge``. Installing the
package also gives the ``pyforge`` command (docs/cli.md). Keyword arguments
are the engine's options (``help(pyforge_cli.convert)`` lists them). No
telemetry, ever: the package makes no network call, except
``install_sample_datasets(from_="http(s)://...")`` fetching the bundle asked for.
"""
import atexit
from typing import Dict, List, Optional

from . import _native
from .errors import (BadRowError, CanceledError, EmptyInputError, EncodingError, FormatError,
                     InputError, InputNotFoundError, InternalError, InvalidArgumentError, LimitError,
                     NoSpaceError, OutOfMemoryError, OutputError, OutputExistsError, ParseError,
                     PyForgeError, UnsupportedError, from_engine)

_native.set_error_factory(from_engine)
# At interpreter exit: engine calls still running on other threads are
# canceled and awaited (5 s at most), then the C plugins are shut down, so
# their shutdown hooks run as at the end of the pyforge command (nothing is
# unloaded while a call runs or an Arrow stream is open).
atexit.register(_native.shutdown, 5.0)

from .api import batch_convert, convert, get_info, read, read_spark, validate  # noqa: E402
from .environment import get_environment_info  # noqa: E402
from .extensions import list_extensions, reload_extensions  # noqa: E402
from .samples import (install_sample_datasets, installed_sample_datasets,  # noqa: E402
                      list_sample_datasets, uninstall_sample_datasets)
from .volumes import volumes  # noqa: E402

__all__ = [
    "__version__", "engine_version", "formats", "options",
    "convert", "get_info", "validate", "read", "batch_convert", "read_spark",
    "get_environment_info", "list_extensions", "reload_extensions", "volumes",
    "install_sample_datasets", "installed_sample_datasets", "uninstall_sample_datasets",
    "list_sample_datasets",
    "PyForgeError", "InvalidArgumentError", "UnsupportedError", "InputNotFoundError", "InputError",
    "FormatError", "ParseError", "EncodingError", "BadRowError", "EmptyInputError",
    "OutputExistsError", "OutputError", "NoSpaceError", "OutOfMemoryError", "LimitError",
    "CanceledError", "InternalError",
]

#: The package version; equal to the engine's (both come from VERSION).
__version__: str = _native.version()


def engine_version() -> str:
    """The version of the libpyforge engine inside this package ("2.0.0")."""
    return _native.version()


def formats() -> List[Dict[str, Optional[str]]]:
    """The input and output formats the engine knows, as ``pyforge formats
    --json`` lists them: one dict per format with ``name``, ``kind``
    (``"input"`` or ``"output"``), ``extensions``, ``description``,
    ``origin`` (``"built-in"`` or a plugin's path) and ``plugin`` (the
    plugin's name; ``None`` for built-in formats)."""
    return _native.formats()


def options(call: str = "convert") -> List[Dict[str, object]]:
    """The keyword arguments a call takes (``"convert"``, ``"get_info"``,
    ``"validate"``, ``"read"``, ``"batch_convert"``), from the engine's
    option tables: ``name``, ``key``, ``type``, ``default``, ``values``,
    ``help``, ``section``."""
    from . import _options

    wanted = set(_options.names(call))
    return [{k: d[k] for k in ("name", "key", "type", "default", "values", "help", "section")}
            for d in _options.table() if d["name"] in wanted]
