"""The engine's log lines through Python's logging (logger "pyforge"), and
PYFORGE_LOG_LEVEL showing them on stderr as the command line does."""
import logging
import os
import subprocess
import sys


def test_engine_log_lines_reach_logging(pf, data, caplog):
    with caplog.at_level(logging.DEBUG, logger="pyforge"):
        pf.convert(data / "people.csv", progress=False, log_level="debug")
    lines = [r.getMessage() for r in caplog.records if r.name == "pyforge"]
    assert any("row group 0 written" in m for m in lines), lines
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="pyforge"):
        pf.convert(data / "people.csv", data / "q.parquet", progress=False)  # engine default: warn
    assert not [r for r in caplog.records if r.name == "pyforge"]


def test_pyforge_log_level_variable(data):
    env = dict(os.environ, PYFORGE_LOG_LEVEL="debug")
    code = f"import pyforge_cli as pf; pf.convert({str(data / 'people.csv')!r}, progress=False)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "pyforge: debug: parquet: row group 0 written" in p.stderr
    env["PYFORGE_LOG_LEVEL"] = "loud"
    p = subprocess.run([sys.executable, "-c", code.replace("progress=False", "progress=False, force=True")],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0 and "PYFORGE_LOG_LEVEL='loud' is not error, warn, info or debug" in p.stderr
