"""Runs the Python API suite (tests/python/api) inside fresh virtualenvs
with the wheel installed: Python 3.8 and the newest Python here. The
consumer packages and the notebook kernel (pyarrow, polars, DuckDB, pandas,
nbclient, ipykernel, tqdm: tests/python/requirements-api*.txt) come from a
cache directory per Python version, build/pyapi-deps/<version>, which
scripts/install-deps.sh --test fills; a .pth file adds it to the venv's
path after the venv's own site-packages, so pyforge_cli is the wheel's and
the package itself still needs nothing. On the newest Python every
consumer and the notebooks are required (a missing one fails, it does not
skip)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from test_console_script import _pick
from wheel_util import REPO

SUITE = REPO / "tests" / "python" / "api"
DEPS = REPO / "build" / "pyapi-deps"
REQUIRE = {
    "3.8": "pytest,pyarrow,openpyxl",
    "newest": "pytest,pyarrow,polars,duckdb,pandas,openpyxl,nbclient,nbformat,ipykernel,tqdm,jsonl_plugin",
}
# the template C plugin as the Release build makes it (scripts/test.sh builds
# it before the tests; a sanitized build's cannot load into this Python)
JSONL_PLUGIN = REPO / "build" / "release" / "plugins" / "jsonl.so"


def _site_packages(venv: Path, python: Path) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    return Path(out)


@pytest.mark.parametrize("which", ["3.8", "newest"])
def test_api_suite(which, pythons, install_wheel, tmp_path):
    py = _pick(pythons, which)
    inst = install_wheel(py)
    ver = subprocess.run([str(inst.python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    deps = DEPS / ver
    assert deps.is_dir(), (f"{deps} is missing: scripts/install-deps.sh --test installs the API suite's "
                           f"packages there for Python {ver}")
    (_site_packages(inst.venv, inst.python) / "pyforge_api_deps.pth").write_text(str(deps) + "\n")
    env = dict(os.environ, PYFORGE_API_REQUIRE=REQUIRE[which], PYTHONDONTWRITEBYTECODE="1",
               PYFORGE_API_PLUGIN=str(JSONL_PLUGIN),
               PATH=f"{inst.venv / 'bin'}:{os.environ.get('PATH', '')}")
    for var in ("PYTHONPATH", "PYFORGE_API_CLI", "PYFORGE_BIN", "PYFORGE_PLUGIN_PATH",
                "PYFORGE_DISABLE_PLUGINS", "PYFORGE_FORCE_CORE", "PYFORGE_PLUGIN_RELOAD"):
        env.pop(var, None)
    p = subprocess.run([str(inst.python), "-m", "pytest", str(SUITE), "-q", "-p", "no:cacheprovider",
                        f"--confcutdir={SUITE}", f"--rootdir={SUITE}", f"--basetemp={tmp_path / 'api'}", "-rs"],
                       capture_output=True, text=True, env=env, cwd=str(SUITE), timeout=1500)
    tail = "\n".join((p.stdout + p.stderr).splitlines()[-60:])
    print(tail)
    assert p.returncode == 0, f"the API suite failed on Python {ver}:\n{tail}"
