"""Which engine converts: the native engine (libpyforge in this process) or
Spark (the session the user has), and the fallback from Spark to native.

``engine="auto"`` (the default) chooses native unless the work is larger
than one machine should do -- at least ``min_bytes`` of input in total or
``min_files`` files -- *and* a Spark session is already active (auto never
starts one). ``engine="spark"`` asks for Spark: the active session, else a
new one (``SparkSession.builder.getOrCreate()``) when pyspark is installed.
``PYFORGE_FORCE_CORE=true`` makes every call native. The choice and its
reason are logged (logger ``pyforge``, at info: shown when the call's
``log_level`` is info or debug) and returned in the result
(``processing_engine``, ``engine_reason``).

Fallback: when the Spark engine fails (no pyspark, no session, a Spark
error, an option Spark cannot do), :func:`run` removes what the attempt
wrote (a PyForgeError -- the request's own error, such as an output that
exists -- is raised as it is: the native engine would refuse it too), warns naming the error, and runs the native engine; the result says
``fallback_used`` and ``fallback_reason``, and ``switch_seconds`` is the
time from the failure to the native engine's start.

Thresholds: ``PYFORGE_SPARK_MIN_BYTES`` (default 10G) and
``PYFORGE_SPARK_MIN_FILES`` (default 1000), or :func:`set_thresholds`.
Nothing here imports pyspark unless Spark is asked for or already imported.
"""
import logging
import os
import shutil
import sys
import time
import warnings
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

__all__ = ["Choice", "SparkUnavailable", "SparkUnsupported", "choose", "run", "set_thresholds",
           "thresholds", "active_session", "session_for"]

log = logging.getLogger("pyforge")

_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_thresholds: Dict[str, Optional[int]] = {"min_bytes": None, "min_files": None}


class SparkUnavailable(RuntimeError):
    """No Spark engine here: pyspark is not installed or no session can be had."""


class SparkUnsupported(RuntimeError):
    """A request the Spark engine cannot do as the native engine would (an
    option, an input format, an output): the native engine does it."""


def _size(text: str, name: str) -> int:
    t = text.strip().upper().rstrip("B")
    unit = t[-1:] if t[-1:] in _SIZE_UNITS else ""
    try:
        n = int(t[:len(t) - len(unit)] if unit else t)
    except ValueError:
        raise ValueError(f"{name} takes a size such as 10G or 500000000; got {text!r}") from None
    if n < 0:
        raise ValueError(f"{name} takes a size of 0 or more; got {text!r}")
    return n * _SIZE_UNITS[unit]


def set_thresholds(min_bytes: Optional[Any] = None, min_files: Optional[int] = None) -> None:
    """Sets when ``engine="auto"`` chooses Spark (with a session active):
    at least ``min_bytes`` of input (an int or a size such as ``"10G"``) or
    at least ``min_files`` files. ``None`` goes back to the variables
    ``PYFORGE_SPARK_MIN_BYTES`` / ``PYFORGE_SPARK_MIN_FILES`` (else 10G and
    1000)."""
    if min_bytes is not None and not isinstance(min_bytes, int):
        min_bytes = _size(str(min_bytes), "min_bytes")
    if min_files is not None and (not isinstance(min_files, int) or min_files < 1):
        raise ValueError(f"min_files takes a positive int; got {min_files!r}")
    _thresholds.update(min_bytes=min_bytes, min_files=min_files)


def thresholds() -> Dict[str, int]:
    """The thresholds in force: ``min_bytes`` and ``min_files``."""
    b = _thresholds["min_bytes"]
    if b is None:
        b = _size(os.environ.get("PYFORGE_SPARK_MIN_BYTES") or "10G", "PYFORGE_SPARK_MIN_BYTES")
    f = _thresholds["min_files"]
    if f is None:
        f = int(_size(os.environ.get("PYFORGE_SPARK_MIN_FILES") or "1000", "PYFORGE_SPARK_MIN_FILES"))
    return {"min_bytes": b, "min_files": max(int(f), 1)}


def force_core() -> bool:
    return os.environ.get("PYFORGE_FORCE_CORE", "").strip().lower() in ("1", "true", "yes", "on")


def active_session() -> Any:
    """The active SparkSession (classic or Spark Connect), or None. Never
    imports pyspark: a session exists only if pyspark was imported."""
    if "pyspark" not in sys.modules:
        return None
    for name in ("pyspark.sql.connect.session", "pyspark.sql"):
        mod = sys.modules.get(name)
        if mod is None:
            continue
        try:
            s = mod.SparkSession.getActiveSession()  # type: ignore[attr-defined]
        except Exception:
            s = None
        if s is not None:
            return s
    return None


def session_for(spark: Any = None) -> Any:
    """The session the Spark engine uses: ``spark`` if given, the active
    one, else a new one from ``SparkSession.builder.getOrCreate()``.
    Raises :class:`SparkUnavailable` saying why there is none."""
    if spark is not None:
        return spark
    s = active_session()
    if s is not None:
        return s
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise SparkUnavailable(f"pyspark is not installed ({e}); pip install pyspark, or use "
                               "engine='native'") from None
    try:
        return SparkSession.builder.getOrCreate()
    except Exception as e:  # no Java, a bad configuration, ...
        raise SparkUnavailable(f"no Spark session could be started: {type(e).__name__}: "
                               f"{str(e).splitlines()[0] if str(e) else ''}") from e


class Choice:
    """The engine a call runs on and why."""

    def __init__(self, name: str, reason: str, session: Any = None) -> None:
        self.name = name
        self.reason = reason
        self.session = session

    def __repr__(self) -> str:
        return f"Choice({self.name!r}, {self.reason!r})"


def _fmt_size(n: int) -> str:
    for unit, div in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


def choose(engine: str, total_bytes: int, files: int, spark: Any = None) -> Choice:
    """The engine for ``files`` inputs of ``total_bytes`` in all. For
    ``"spark"`` the session is found (or made) later, by :func:`run`, so
    that not having one falls back like any other Spark failure."""
    if engine not in ("auto", "native", "spark"):
        raise ValueError(f"engine= takes one of auto, native, spark; got {engine!r}")
    if force_core():
        c = Choice("native", f"PYFORGE_FORCE_CORE=true: the native engine (engine={engine!r} set aside)")
    elif engine == "native":
        c = Choice("native", "engine='native' was asked for")
    elif engine == "spark":
        c = Choice("spark", "engine='spark' was asked for", spark)
    else:
        c = _choose_auto(total_bytes, files, spark)
    return c


def _choose_auto(total_bytes: int, files: int, spark: Any) -> Choice:
    t = thresholds()
    size = f"{files} file{'s' if files != 1 else ''}, {_fmt_size(total_bytes)}"
    big = []
    if total_bytes >= t["min_bytes"]:
        big.append(f"at least {_fmt_size(t['min_bytes'])}")
    if files >= t["min_files"]:
        big.append(f"at least {t['min_files']} files")
    if not big:
        return Choice("native", f"engine='auto': the native engine: {size} is within one machine (Spark "
                      f"from {_fmt_size(t['min_bytes'])} or {t['min_files']} files)")
    session = spark if spark is not None else active_session()
    if session is None:
        return Choice("native", f"engine='auto': {size} ({' and '.join(big)}) but no Spark session is "
                      "active: the native engine")
    return Choice("spark", f"engine='auto': {size} ({' and '.join(big)}) and a Spark session is active",
                  session)


def remove_output(path: Optional[str], existed: bool) -> None:
    """Removes what a failed Spark attempt wrote at ``path`` (a file or a
    directory), unless it was there before the attempt."""
    if not path or existed or "://" in path or not os.path.lexists(path):
        return
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    first = text[0] if text else ""
    if len(first) > 400:
        first = first[:400] + "..."
    return f"{type(e).__name__}: {first}" if first else type(e).__name__


def run(choice: Choice, spark_fn: Callable[[Any], Dict[str, Any]], native_fn: Callable[[], Dict[str, Any]],
        outputs: Iterable[Optional[str]] = (), fallback: bool = True,
        log_fn: Callable[[int, str], None] = lambda level, msg: log.log(level, msg)) -> Dict[str, Any]:
    """Runs ``spark_fn(session)`` when Spark was chosen, else ``native_fn()``;
    a Spark failure runs ``native_fn()`` instead (``fallback=False``:
    re-raised). ``outputs``: what the Spark attempt may create, removed
    after a failure unless it existed before. Adds ``processing_engine``,
    ``engine_reason``, ``fallback_used``, ``fallback_reason`` and
    ``switch_seconds`` to the dict returned. ``log_fn(level, text)``
    logs the choice (info) and a fallback (warning)."""
    log_fn(logging.INFO, f"engine {choice.name}: {choice.reason}")
    if choice.name == "native":
        d = native_fn()
        d.update(processing_engine="native", engine_reason=choice.reason, fallback_used=False,
                 fallback_reason=None, switch_seconds=None)
        return d
    outs = [(p, os.path.lexists(p)) for p in outputs if p and "://" not in p]
    try:
        d = spark_fn(session_for(choice.session))
        d.update(processing_engine="spark", engine_reason=choice.reason, fallback_used=False,
                 fallback_reason=None, switch_seconds=None)
        return d
    except (KeyboardInterrupt, SystemExit):
        for p, existed in outs:
            remove_output(p, existed)
        raise
    except Exception as e:
        t0 = time.perf_counter()
        for p, existed in outs:
            remove_output(p, existed)
        from ..errors import PyForgeError

        if not fallback or isinstance(e, PyForgeError):
            raise  # the request's own error (an output that exists, a bad file with on_error='fail'):
            # the native engine would refuse it too
        why = _reason(e)
        warnings.warn(f"pyforge: the Spark engine failed ({why}); the native engine does the work",
                      RuntimeWarning, stacklevel=3)
        log_fn(logging.WARNING, f"the Spark engine failed ({why}): falling back to the native engine")
        switch = time.perf_counter() - t0
        d = native_fn()
        d.update(processing_engine="native", engine_reason=choice.reason, fallback_used=True,
                 fallback_reason=why, switch_seconds=round(switch, 6))
        return d


def input_size(paths: Iterable[str]) -> Tuple[int, int]:
    """(total bytes, files) of the paths that exist."""
    total = n = 0
    for p in paths:
        try:
            total += os.path.getsize(p)
        except OSError:
            pass
        n += 1
    return total, n
