"""``get_environment_info()``: where PyForge runs. The engine decides the
Databricks facts (docs/databricks.md: Databricks or not, serverless /
classic / local, Spark Connect, the runtime version, a Databricks Connect
client, each with its reason; no Spark is touched, no network); this adds
what only Python knows: the interpreter, pyspark's version when installed
and whether a Spark session is active (only if pyspark was imported
already: asking never imports it), and the engines available. Secrets in
the environment are never shown (``"<redacted>"``)."""
import json
import os
import platform
import sys
from typing import Any, Dict, Optional

from . import _native
from .results import EnvironmentInfo


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _pyspark_version() -> Optional[str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyspark")
    except PackageNotFoundError:
        return None


def _active_spark_session() -> Optional[bool]:
    """None when pyspark is not imported (we never import it to ask)."""
    mod = sys.modules.get("pyspark.sql")
    if mod is None:
        return None
    try:
        return mod.SparkSession.getActiveSession() is not None  # type: ignore[attr-defined]
    except Exception:
        return False


def engines() -> Dict[str, Dict[str, Any]]:
    """The processing engines and whether each can run here, with why
    (Spark: pyspark installed; whether a session can start is known only by
    starting one, which this never does)."""
    v = _pyspark_version()
    active = _active_spark_session()
    if v is None:
        spark = {"available": False, "reason": "pyspark is not installed (pip install pyspark): "
                                               "engine='spark' falls back to the native engine"}
    else:
        spark = {"available": True, "reason": f"pyspark {v} is installed"
                 + ("; a Spark session is active" if active else "; engine='spark' uses the active "
                    "session or starts one (engine='auto' only uses an active one)")}
    return {
        "native": {"available": True,
                   "reason": "the libpyforge C engine inside this package (the default)"},
        "spark": spark,
    }


def get_environment_info(fresh: bool = False) -> EnvironmentInfo:
    """Where PyForge runs. Keys: ``is_databricks``, ``compute_type``
    (``"serverless"``, ``"classic"``, ``"local"``), ``runtime_version``,
    ``runtime`` (parsed), ``spark_connect``, ``databricks_client``,
    ``cluster_id``, ``workspace_id``, ``volumes`` (root, available),
    ``reasons`` (why each conclusion), ``notes``, ``variables`` (the ones
    looked at, secrets redacted), ``system``, ``python_version``,
    ``python_implementation``, ``platform``, ``engine_version``,
    ``package_version``, ``threads``, ``pyspark_version``,
    ``spark_session_active``, ``available_engines``, ``engines`` (each
    with ``available`` and ``reason``). The engine's answer is computed
    once per process and cached; ``fresh=True`` looks again."""
    d: Dict[str, Any] = json.loads(_native.env_json(bool(fresh)))
    eng = engines()
    d.update(
        python_version=platform.python_version(),
        python_implementation=platform.python_implementation(),
        platform=platform.platform(),
        engine_version=_native.version(),
        package_version=_native.version(),
        threads=_threads(),
        pyspark_version=_pyspark_version(),
        spark_session_active=_active_spark_session(),
        available_engines=[k for k, v in eng.items() if v["available"]],
        engines=eng,
    )
    return EnvironmentInfo(d)
