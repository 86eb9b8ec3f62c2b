"""Keyword arguments from the engine's option tables.

Every option the engine knows is a key in a table a format declares
(``csv.delimiter``, ``excel.sheets``, ``output.compression``, ...), with a
short name that is a Python identifier (``delimiter``, ``sheet``,
``compression``). Those names are the keyword arguments of ``convert``,
``get_info``, ``validate``, ``read`` and ``batch_convert``: nothing here
lists them by hand, so a new format's options arrive as keywords without a
change to this package. Each call takes the keys the engine reads for it
(the table's ``uses``); any other keyword is a ``TypeError`` naming the
valid ones.

Python values become the keys' text: ``True``/``False`` for booleans, ints
for numbers and sizes (or text such as ``"64M"``), lists (or tuples) for
list keys (``partition_by=["year", "month"]``, ``sheet=["Q1", "Q2"]``), str
or ``os.PathLike`` for the rest; ``None`` leaves a key at its default.
"""
import os
from typing import Any, Dict, Iterable, List, Optional, Tuple

#: Python-only aliases: name -> the table's name
ALIASES = {"sheets": "sheet"}
#: table names that are explicit parameters of the functions, not keywords
PARAMETERS = {"input": "input_path", "output": "output_path", "format": "output_format", "engine": "engine"}
#: the calls and the table's word for what they read
USES = {"convert": "convert", "get_info": "info", "validate": "validate", "read": "read",
        "batch_convert": "convert"}

_table: Optional[List[Dict[str, Any]]] = None
_by_name: Dict[str, Dict[str, Any]] = {}


def table() -> List[Dict[str, Any]]:
    """Every option the engine declares, in ``--help`` order (cached)."""
    global _table
    if _table is None:
        from . import _native

        t = _native.option_table()
        _by_name.update((d["name"], d) for d in t)
        _table = t
    return _table


def find(name: str) -> Optional[Dict[str, Any]]:
    table()
    return _by_name.get(ALIASES.get(name, name))


def names(call: str) -> List[str]:
    """The keyword names ``call`` takes, in table order."""
    use = USES[call]
    return [d["name"] for d in table() if use in d["uses"] and d["name"] not in PARAMETERS]


def _unknown(call: str, name: str) -> TypeError:
    valid = names(call)
    d = find(name)
    if d is not None and d["name"] in PARAMETERS:
        return TypeError(f"{call}() takes {d['name']!r} as its parameter {PARAMETERS[d['name']]!r}")
    if d is not None:
        return TypeError(f"{call}() does not use {name!r} ({d['key']}: read by "
                         f"{', '.join(d['uses'])}); it takes: {', '.join(valid)}")
    import difflib

    near = difflib.get_close_matches(name, valid + list(ALIASES), n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return TypeError(f"{call}() got an unexpected keyword argument {name!r}{hint}; it takes: "
                     f"{', '.join(valid)}")


def _text(d: Dict[str, Any], name: str, v: Any) -> Any:
    t = d["type"]
    if t == "list":
        items = [v] if isinstance(v, (str, bytes, os.PathLike)) else v
        if not isinstance(items, (list, tuple)):
            raise TypeError(f"{name}= takes a list of str (or one str); got {type(v).__name__}")
        return [_scalar(d, name, x) for x in items]
    return _scalar(d, name, v)


def _scalar(d: Dict[str, Any], name: str, v: Any) -> str:
    t = d["type"]
    if isinstance(v, os.PathLike):
        v = os.fspath(v)
    if isinstance(v, bytes):
        v = os.fsdecode(v)
    if t == "bool":
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int) and v in (0, 1):
            return "true" if v else "false"
        if isinstance(v, str):
            return v  # "auto", "yes", ...: the engine checks it
        also = ' or "auto"' if d["auto"] else ""
        raise TypeError(f"{name}= takes True or False{also}; got {v!r}")
    if t in ("int", "size"):
        if isinstance(v, bool):
            raise TypeError(f"{name}= takes a number; got {v!r}")
        if isinstance(v, int):
            return str(v)
        if isinstance(v, str):
            return v
        also = ' or a size such as "64M"' if t == "size" else ""
        raise TypeError(f"{name}= takes a number{also}; got {v!r}")
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and t in ("string", "char", "enum"):
        return str(v)
    raise TypeError(f"{name}= takes {d['takes'] or 'a str'}; got {v!r}")


def to_pairs(call: str, options: Dict[str, Any]) -> List[Tuple[str, Any]]:
    """(key, text) pairs for the native module from ``call``'s keywords."""
    use = USES[call]
    pairs: List[Tuple[str, Any]] = []
    seen: Dict[str, str] = {}
    for name, v in options.items():
        d = find(name)
        if d is None or use not in d["uses"] or d["name"] in PARAMETERS:
            raise _unknown(call, name)
        if d["key"] in seen:
            raise TypeError(f"{call}() got {name!r} and {seen[d['key']]!r}, which are the same option")
        seen[d["key"]] = name
        if v is None:
            continue
        pairs.append((d["key"], _text(d, name, v)))
    return pairs


def describe(call: str) -> str:
    """The keyword arguments ``call`` takes, for its docstring."""
    use = USES[call]
    lines: List[str] = []
    section = None
    for d in table():
        if use not in d["uses"] or d["name"] in PARAMETERS:
            continue
        if d["section"] != section:
            section = d["section"]
            lines.append(f"\n    {section}:")
        default = f" (default {d['default']})" if d["default"] not in (None, "") else ""
        values = f" Values: {d['values']}." if d["values"] else ""
        lines.append(f"      {d['name']} [{python_type(d)}]: {d['help']}{default}.{values}  ({d['key']})")
    return "\n".join(lines)


def python_type(d: Dict[str, Any]) -> str:
    """The Python type a keyword takes, as text ("bool | str")."""
    t = d["type"]
    base = {"bool": "bool", "int": "int", "size": "int | str", "enum": "str", "char": "str",
            "string": "str", "list": "list[str] | str"}[t]
    if d["auto"] and t in ("bool", "int"):
        base += ' | "auto"'
    return base


def spell(text: str) -> str:
    """A library message with its option keys in Python's spelling."""
    from . import _native

    return _native.spell(text)


def python_names(call: str) -> Iterable[str]:
    """names(call) plus the Python-only aliases that map into it."""
    n = names(call)
    return n + [a for a, target in ALIASES.items() if target in n]
