"""Discovery of Python extensions (entry points ``pyforge.extensions``),
their states, their hooks around conversions, and the listing that puts
them beside the engine's C plugins.

Discovery is lazy and cached: it runs the first time something needs it
(a conversion's hooks, ``list_extensions()``, an unknown console command)
and once per process (``reload_extensions()`` forgets and starts again).
The entry points are read with ``importlib.metadata`` (the
``importlib_metadata`` backport where the standard library's API is the
older one, Python < 3.10, if installed).
"""
import atexit
import importlib
import os
import sys
import threading
import warnings
from typing import Any, Dict, List, Optional

from .base import BaseExtension, ConvertContext

GROUP = "pyforge.extensions"

_lock = threading.RLock()
_records: Optional[List[Dict[str, Any]]] = None
_loaded: List[BaseExtension] = []


def force_core() -> bool:
    """PYFORGE_FORCE_CORE=true (1, yes, on) disables every extension."""
    return os.environ.get("PYFORGE_FORCE_CORE", "").strip().lower() in ("1", "true", "yes", "on")


def _entry_points() -> List[Any]:
    if sys.version_info >= (3, 10):
        from importlib.metadata import entry_points

        return list(entry_points(group=GROUP))
    try:  # the backport has the selectable API on older Pythons
        import importlib_metadata  # type: ignore[import-not-found]

        return list(importlib_metadata.entry_points(group=GROUP))
    except ImportError:
        from importlib.metadata import entry_points

        return list(entry_points().get(GROUP, []))


def _dist_version(ep: Any) -> str:
    dist = getattr(ep, "dist", None)
    return getattr(dist, "version", "") or ""


def _record(ep: Any, state: str, reason: str = "", ext: Optional[BaseExtension] = None) -> Dict[str, Any]:
    commands: List[str] = []
    if ext is not None and state == "loaded":
        try:
            commands = sorted(ext.get_commands())
        except Exception as e:  # a broken get_commands does not hide the extension
            reason = f"get_commands() raised {type(e).__name__}: {e}"
    return {
        "name": (ext.name if ext is not None and ext.name else ep.name),
        "kind": "python",
        "state": state,
        "reason": reason,
        "version": (ext.version if ext is not None and ext.version else _dist_version(ep)),
        "description": (ext.description if ext is not None else ""),
        "entry_point": ep.value,
        "commands": commands,
        "formats": [],
        "path": None,
        "abi": None,
        "instance": ext if state == "loaded" else None,
    }


def _load(ep: Any) -> Dict[str, Any]:
    try:
        cls = ep.load()
    except Exception as e:
        return _record(ep, "failed", f"cannot be imported: {type(e).__name__}: {e}")
    if not (isinstance(cls, type) and issubclass(cls, BaseExtension)):
        return _record(ep, "failed", f"{ep.value} is not a BaseExtension subclass")
    try:
        ext = cls()
        if not ext.name:
            ext.name = ep.name
    except Exception as e:
        return _record(ep, "failed", f"cannot be created: {type(e).__name__}: {e}")
    try:
        available = ext.is_available()
    except Exception as e:
        return _record(ep, "unavailable", f"is_available() raised {type(e).__name__}: {e}", ext)
    if not available:
        return _record(ep, "unavailable", ext.unavailable_reason or "is_available() returned False", ext)
    try:
        ok = ext.initialize()
    except Exception as e:
        return _record(ep, "failed", f"initialize() raised {type(e).__name__}: {e}", ext)
    if ok is False:
        return _record(ep, "failed", "initialize() returned False", ext)
    return _record(ep, "loaded", "", ext)


def discover() -> List[Dict[str, Any]]:
    """Every extension's record (loading them the first time)."""
    global _records
    with _lock:
        if _records is not None:
            return _records
        records: List[Dict[str, Any]] = []
        try:
            eps = _entry_points()
        except Exception as e:  # broken metadata never breaks a conversion
            eps = []
            warnings.warn(f"pyforge: extensions could not be listed: {e}", RuntimeWarning, stacklevel=2)
        seen = set()
        for ep in sorted(eps, key=lambda e: e.name):
            if ep.name in seen:  # the same distribution seen twice on sys.path
                continue
            seen.add(ep.name)
            if force_core():
                records.append(_record(ep, "disabled", "PYFORGE_FORCE_CORE is set"))
            else:
                records.append(_load(ep))
        _loaded[:] = [r["instance"] for r in records if r["state"] == "loaded"]
        _records = records
        return records


def loaded() -> List[BaseExtension]:
    discover()
    return list(_loaded)


def commands() -> Dict[str, Any]:
    """Command name -> (function, extension name) over loaded extensions."""
    out: Dict[str, Any] = {}
    for ext in loaded():
        try:
            for name, fn in ext.get_commands().items():
                out.setdefault(name, (fn, ext.name))
        except Exception:
            continue
    return out


def shutdown() -> None:
    with _lock:
        for ext in _loaded:
            try:
                ext.shutdown()
            except Exception:
                pass
        _loaded.clear()


def reload() -> List[Dict[str, Any]]:
    """Shuts the loaded extensions down, re-imports their modules (so
    edits take effect) and discovers again; C plugins whose file changed
    are loaded again too (pf_plugins_reload; a warning when another call
    is using them at that moment)."""
    global _records
    from .. import _native
    from ..errors import PyForgeError

    try:
        _native.plugins_reload()
    except PyForgeError as e:
        warnings.warn(f"pyforge: the C plugins were not reloaded: {e}", RuntimeWarning, stacklevel=3)
    with _lock:
        modules = {type(e).__module__ for e in _loaded}
        shutdown()
        _records = None
        importlib.invalidate_caches()
        for name in sorted(modules):
            mod = sys.modules.get(name)
            if mod is not None and not name.startswith("pyforge_cli."):
                try:
                    importlib.reload(mod)
                except Exception:
                    pass  # its failure shows when it loads again
        return discover()


atexit.register(shutdown)


# ---- hooks around conversions: a failing hook is a warning, never a failure ----

def _warn(ext: BaseExtension, hook: str, e: BaseException) -> None:
    from .. import _native

    text = _native.redact(f"pyforge extension {ext.name}: {hook} raised {type(e).__name__}: {e}; "
                          "the conversion goes on without it")
    warnings.warn(text, RuntimeWarning, stacklevel=4)


def enhance_convert(input_path: str, output_path: Any, output_format: Optional[str],
                    options: Dict[str, Any]) -> Dict[str, Any]:
    exts = loaded()
    if not exts:
        return options
    ctx = ConvertContext(input_path, None if output_path is None else os.fspath(output_path), output_format)
    kwargs = dict(options)
    for ext in exts:
        try:
            out = ext.enhance_convert_command(ctx, **kwargs)
            if isinstance(out, dict):
                kwargs = out
        except Exception as e:
            _warn(ext, "enhance_convert_command", e)
    return kwargs


def pre_convert(input_path: str, output_path: Any, options: Dict[str, Any]) -> None:
    for ext in loaded():
        try:
            ext.pre_convert(input_path, None if output_path is None else os.fspath(output_path), dict(options))
        except Exception as e:
            _warn(ext, "pre_convert", e)


def post_convert(result: Any) -> Any:
    for ext in loaded():
        try:
            out = ext.post_convert(result)
            if out is not None:
                result = out
        except Exception as e:
            _warn(ext, "post_convert", e)
            if isinstance(result, dict) and isinstance(result.get("warnings"), list):
                result["warnings"].append(f"extension {ext.name}: post_convert raised {type(e).__name__}: {e}")
    return result


# ---- the listing, Python extensions beside the engine's plugins ----

def c_plugin_entries() -> List[Dict[str, Any]]:
    """The engine's side of the listing (pf_extensions_list): the built-in
    format families (kind ``"built-in"``) and the C plugins (``"c-plugin"``:
    PYFORGE_PLUGIN_PATH, then this package's ``plugins/`` directory), each
    with the keys of ``_record``. The engine finds its plugins on the first
    call that needs them; the Python extensions it may also list (those
    ``register_with_engine`` put there) come from ``discover()`` instead."""
    import json

    from .. import _native

    out = []
    for e in json.loads(_native.extensions_json()):
        if e["kind"] == "python":
            continue
        out.append({"name": e["name"], "kind": e["kind"], "state": e["state"], "reason": e["reason"],
                    "version": e["version"], "description": e["description"], "entry_point": None,
                    "commands": [], "formats": [f for f in e["formats"].split(", ") if f],
                    "path": e["path"] or None, "abi": e["abi"] or None, "instance": None})
    return out


def register_with_engine() -> None:
    """Puts every Python extension's record in the engine's own list
    (pf_extension_register, kind ``"python"``), so the C command line's
    ``pyforge extensions`` and ``--list-extensions``, run in this process
    by the console script, list them beside the C plugins. The commands an
    extension adds are named in its description."""
    from .. import _native

    for r in discover():
        desc = r["description"] or ""
        if r["commands"]:
            desc += ("; " if desc else "") + "commands: " + ", ".join("pyforge " + c for c in r["commands"])
        _native.extension_register(r["name"], r["version"] or "", r["state"], r["reason"] or "", desc,
                                   r["entry_point"] or "")


def listing() -> List[Dict[str, Any]]:
    """Every extension, the engine's first; dicts without the instance."""
    rows = c_plugin_entries() + discover()
    return [{k: v for k, v in r.items() if k != "instance"} for r in rows]
