"""Tier 4 fixtures: the pyforge-cli wheel, installed into fresh virtualenvs.

The tests run in the test venv (.venv, with pyarrow); the package under test
never comes from the source tree: each interpreter gets a new virtualenv in
pytest's temporary directory with the wheel pip-installed from the file
(--no-index: nothing is downloaded), and the tests run its `pyforge`
console script and its python in subprocesses.

Environment
  PYFORGE_WHEEL         the wheel under test (scripts/test.sh sets it); else
                        the newest build/wheel/dist/pyforge_cli-*_ARCH.whl of
                        this machine's architecture; without one every test
                        here skips, saying so
  PYFORGE_SDIST         the sdist built with it (else the .tar.gz beside it)
  PYFORGE_TEST_PYTHONS  interpreters to install into, separated by ':' (else
                        every CPython 3.8+ found in pyenv and on PATH); the
                        tests use Python 3.8 and the newest of them

Fixtures
  wheel_file       Path of the wheel
  sdist_file       Path of the sdist
  pythons          {(major, minor): interpreter path} found
  install_wheel    install_wheel(python) -> Installed (venv python, pyforge
                   script), one fresh venv per interpreter per session
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from wheel_util import DIST, VERSION, Installed, find_pythons, find_wheel

# tests/python/api runs inside the wheel's venvs (test_api_suite.py), not here
collect_ignore = ["api"]


@pytest.fixture(scope="session")
def wheel_file() -> Path:
    w = find_wheel()
    if w is None:
        env = os.environ.get("PYFORGE_WHEEL")
        pytest.skip(f"PYFORGE_WHEEL={env} is not a file" if env else
                    f"no wheel in {DIST} (run scripts/build-wheel.sh or set PYFORGE_WHEEL)")
    return w


@pytest.fixture(scope="session")
def sdist_file(wheel_file) -> Path:
    env = os.environ.get("PYFORGE_SDIST")
    p = Path(env) if env else wheel_file.parent / f"pyforge_cli-{VERSION}.tar.gz"
    assert p.is_file(), f"no sdist at {p} (scripts/build-wheel.sh writes it beside the wheel)"
    return p


@pytest.fixture(scope="session")
def pythons() -> dict:
    return find_pythons()


@pytest.fixture(scope="session")
def install_wheel(wheel_file, tmp_path_factory):
    cache: dict = {}

    def install(python: str) -> Installed:
        if python in cache:
            return cache[python]
        venv = tmp_path_factory.mktemp("venv")
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
        py = venv / "bin" / "python"
        p = subprocess.run([str(py), "-m", "pip", "install", "--no-index", "--no-deps",
                            "--disable-pip-version-check", "-q", str(wheel_file)],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, f"pip install of {wheel_file.name} failed:\n{p.stderr}"
        inst = Installed(venv, py, venv / "bin" / "pyforge")
        assert inst.pyforge.is_file(), "the wheel installed no pyforge console script"
        cache[python] = inst
        return inst
    return install
