"""At interpreter exit the package shuts the C plugins down, as the pyforge
command does when it ends: an atexit handler (pyforge_cli/__init__.py ->
_native.shutdown) cancels the engine calls still running on other threads,
waits for them (5 s at most), then calls pf_plugins_shutdown, so each
plugin's shutdown hook runs in a Python process too. Nothing is unloaded
while an Arrow stream is still open (its reader may be the plugin's).

The plugin is the test plugin tpgood (tests/plugins/testplug.c) of the
release build, whose shutdown hook appends a line to $TP_SHUTDOWN_TRACE."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from wheel_util import REPO

TPGOOD = REPO / "build" / "release" / "tests" / "plugins" / "tpgood.so"


@pytest.fixture(scope="module")
def newest(pythons, install_wheel):
    if not TPGOOD.is_file():
        pytest.skip(f"{TPGOOD} is not built (cmake -S . -B build/release ...; scripts/test.sh "
                    "builds it before this tier)")
    return install_wheel(pythons[max(pythons)])


def _run(inst, code: str, tmp_path: Path):
    """Runs code in the venv's python with tpgood on the plugin path; it
    must exit 0. Returns (the trace the shutdown hook left, seconds taken)."""
    trace = tmp_path / "shutdown.trace"
    env = dict(os.environ, PYFORGE_PLUGIN_PATH=str(TPGOOD), TP_SHUTDOWN_TRACE=str(trace))
    for k in ("PYFORGE_FORCE_CORE", "PYFORGE_DISABLE_PLUGINS", "PYFORGE_PLUGIN_RELOAD"):
        env.pop(k, None)
    t0 = time.monotonic()
    p = inst.run(inst.python, "-c", code, cwd=str(tmp_path), text=True, env=env)
    took = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    return (trace.read_text() if trace.exists() else ""), took


def test_shutdown_hook_runs_at_exit(newest, tmp_path):
    code = ("import pyforge_cli as p\n"
            "names = [f['name'] for f in p.formats()]\n"
            "assert 'tplines' in names, names\n")
    trace, _ = _run(newest, code, tmp_path)
    assert trace == "tpgood shutdown 1\n"


def test_running_conversion_is_canceled_then_plugins_shut_down(newest, tmp_path):
    """A conversion still running on a daemon thread when the main thread
    ends: canceled (nothing is left behind), awaited, then the hook runs."""
    src = tmp_path / "big.csv"
    with open(src, "w") as f:
        f.write("id,name,value\n")
        line = "".join(f"{i},name {i},{i * 0.5}\n" for i in range(100_000))
        for _ in range(40):  # ~100 MB: seconds to convert with one thread
            f.write(line)
    code = ("import threading, pyforge_cli as p\n"
            "started = threading.Event()\n"
            "def progress(done, total, unit):\n"
            "    started.set()\n"
            "    return True\n"
            "def work():\n"
            "    try:\n"
            "        p.convert('big.csv', 'big.parquet', progress=progress, threads=1)\n"
            "    except p.CanceledError:\n"
            "        pass\n"
            "threading.Thread(target=work, daemon=True).start()\n"
            "assert started.wait(60)\n")
    trace, took = _run(newest, code, tmp_path)
    assert trace == "tpgood shutdown 1\n", trace
    assert not (tmp_path / "big.parquet").exists()
    assert not [x for x in os.listdir(tmp_path) if "pyforge-tmp" in x]
    assert took < 30, took


def test_open_stream_keeps_the_plugins(newest, tmp_path):
    """An Arrow stream never closed: nothing is unloaded (its release may
    still run while the interpreter finalizes), and exit does not wait."""
    (tmp_path / "a.tplines").write_text("x\ny\n")
    code = ("import pyforge_cli as p\n"
            "r = p.read('a.tplines')\n"
            "keep = r.__arrow_c_stream__()\n")
    trace, took = _run(newest, code, tmp_path)
    assert trace == ""
    assert took < 4.5, took  # not the handler's 5 s
