"""The engine's log lines, through Python's ``logging`` (logger
``"pyforge"``). As a library should, the package adds only a NullHandler:
configure logging to see them. ``PYFORGE_LOG_LEVEL`` (``error``, ``warn``,
``info``, ``debug``: as for the ``pyforge`` command) sets the engine's level
and shows the lines on stderr as plain ``pyforge: LEVEL: message`` text.
What a conversion has to tell is also in its result's ``warnings``."""
import logging
import os
import sys
from typing import Any, List, Optional, Tuple

logger = logging.getLogger("pyforge")
logger.addHandler(logging.NullHandler())

#: the engine's levels (pf_log_level) as logging's
_LEVELS = (logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG)
_NAMES = {"error": 0, "warn": 1, "warning": 1, "info": 2, "debug": 3}
_env_level: Optional[str] = None


def _from_env() -> Optional[str]:
    text = os.environ.get("PYFORGE_LOG_LEVEL", "").strip().lower()
    if not text:
        return None
    if text in _NAMES:
        return text
    if text.isdigit() and int(text) <= 3:
        return ("error", "warn", "info", "debug")[int(text)]
    print(f"pyforge: warning: PYFORGE_LOG_LEVEL='{text}' is not error, warn, info or debug; using warn",
          file=sys.stderr)
    return None


_env_level = _from_env()
class _Plain(logging.Formatter):
    """pyforge: warning: ... as the command line writes it."""

    def format(self, record: logging.LogRecord) -> str:
        return f"pyforge: {record.levelname.lower()}: {record.getMessage()}"


if _env_level is not None:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(_Plain())
    logger.addHandler(_handler)
    logger.setLevel(_LEVELS[_NAMES[_env_level]])


def engine_log(level: int, message: str) -> None:
    """The native module's log callable."""
    from ._options import spell

    logger.log(_LEVELS[min(max(level, 0), 3)], spell(message))


def with_level(pairs: List[Tuple[str, Any]], options: dict) -> List[Tuple[str, Any]]:
    """PYFORGE_LOG_LEVEL as engine.log_level unless log_level= was given."""
    if _env_level is not None and "log_level" not in options:
        pairs.append(("engine.log_level", _env_level))
    return pairs


def python_log(pairs: List[Tuple[str, Any]], level: int, message: str) -> None:
    """A line of the Python layer (the engine chosen, a Spark fallback) at
    ``level``, shown only when the call's engine.log_level lets it through,
    as the engine's own lines are."""
    text = dict(pairs).get("engine.log_level", "warn")
    if level >= _LEVELS[_NAMES.get(text, 1)]:
        logger.log(level, message)
