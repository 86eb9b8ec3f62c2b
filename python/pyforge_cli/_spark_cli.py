"""``pyforge convert ... --engine spark`` (or ``--force-pyspark``, the
original CLI's spelling) through the pip-installed console script: the
conversion runs on the Spark engine (engines/spark_convert.py) when pyspark
is installed and a session can be had (the active one, else a local one),
else it fails with a clear error (exit 1; without pyspark the C command
line's own, the same as the C-only executable's). A Spark failure after that falls
back to the native engine, with a warning naming the error, as in Python.

The arguments are read with the engine's option tables (each option's
command-line flags), so they mean what they mean to the C command line;
the C-only ``pyforge`` executable keeps refusing ``--engine spark``."""
import json
import sys
import warnings
from typing import Any, Dict, List, Optional, Tuple

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

_SWITCHES = {"--json", "-q", "--quiet", "-v", "--verbose", "-vv"}


def wants_spark(argv: List[str]) -> bool:
    """True when the convert arguments ask for the Spark engine."""
    for i, a in enumerate(argv):
        if a == "--force-pyspark" or a == "--engine=spark":
            return True
        if a == "--engine" and i + 1 < len(argv) and argv[i + 1] == "spark":
            return True
    return False


def _flags() -> Dict[str, Tuple[Dict[str, Any], Optional[str]]]:
    from . import _options

    out: Dict[str, Tuple[Dict[str, Any], Optional[str]]] = {}
    for d in _options.table():
        if "convert" not in d["uses"]:
            continue
        for flag, fixed in d["cli"]:
            out[flag] = (d, fixed)
    return out


def _usage(msg: str) -> int:
    print(f"pyforge convert: {msg}\nTry 'pyforge convert --help'.", file=sys.stderr)
    return EXIT_USAGE


def parse(argv: List[str]) -> Tuple[Optional[Dict[str, Any]], int]:
    """(the call's arguments, 0) or (None, exit code)."""
    flags = _flags()
    pos: List[str] = []
    kw: Dict[str, Any] = {}
    seen = set()
    i = 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if not a.startswith("-") or a == "-":
            pos.append(a)
            continue
        if a in _SWITCHES:
            seen.add(a)
            continue
        name, eq, val = a.partition("=")
        if name not in flags:
            return None, _usage(f"unknown option '{name}' (with --engine spark)")
        d, fixed = flags[name]
        if fixed is not None:
            value: Any = fixed
        elif eq:
            value = val
        elif i < len(argv):
            value, i = argv[i], i + 1
        else:
            return None, _usage(f"option '{name}' needs a value")
        if d["type"] == "list":
            items = value.split(",") if d["commas"] else [value]
            kw.setdefault(d["name"], []).extend(items)
        else:
            kw[d["name"]] = value
    if not pos:
        return None, _usage("missing INPUT")
    if len(pos) > 2:
        return None, _usage(f"unexpected argument '{pos[2]}'")
    kw.pop("engine", None)
    fmt = kw.pop("format", None)
    return {"input": pos[0], "output": pos[1] if len(pos) > 1 else None, "format": fmt, "options": kw,
            "json": "--json" in seen, "quiet": bool(seen & {"-q", "--quiet"})}, EXIT_OK


def run(argv: List[str]) -> int:
    """``pyforge convert`` with the Spark engine; argv: the words after
    ``convert``."""
    if any(a in ("-h", "--help") for a in argv):
        return -1  # the C command line's help
    call, rc = parse(argv)
    if call is None:
        return rc
    from . import api
    from .engines import select
    from .errors import PyForgeError

    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        return -1  # the C command line's error: the Spark engine is not available here
    try:
        session = select.session_for(None)
    except select.SparkUnavailable as e:
        print(f"pyforge: error: --engine spark: {e}", file=sys.stderr)
        return EXIT_FAIL
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            r = api.convert(call["input"], call["output"], call["format"], engine="spark", spark=session,
                            progress=False, **call["options"])
        for w in caught:
            print(f"pyforge: warning: {str(w.message).replace('pyforge: ', '', 1)}", file=sys.stderr)
    except (PyForgeError, ValueError, TypeError) as e:
        print(f"pyforge: error: {e}", file=sys.stderr)
        return EXIT_FAIL
    if call["json"]:
        print(json.dumps(dict(r), default=str))
    elif not call["quiet"]:
        print(f"{r.input_path} -> {r.output_path}: {r.row_count} rows, {r.column_count} columns "
              f"({r.processing_engine} engine{', fallback: ' + r.fallback_reason if r.fallback_used else ''})")
    return EXIT_OK
