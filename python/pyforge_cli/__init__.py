"""PyForge: convert CSV/TSV, Excel, XML and dBase files into Parquet files and
Delta Lake tables, with the libpyforge C engine.

Installing this package gives the ``pyforge`` command (the same command line
as the C build: see docs/cli.md). From Python, this version offers the
engine's version and its formats; the notebook API (``forge.convert``,
``forge.read``, ...) builds on the same module.
"""
from typing import Dict, List, Optional

from . import _native

__all__ = ["__version__", "engine_version", "formats"]

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
