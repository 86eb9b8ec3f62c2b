"""Fixtures shared by the pytest tiers (2: CLI golden tests, 3: interop).

The binary under test is $PYFORGE_BIN; without it, the first of
build/release/pyforge and build/pyforge that exists. When none exists every
test that needs it is skipped with the reason; nothing else skips silently.

Fixtures
  pyforge_bin   absolute path of the binary (skips when missing)
  run_pyforge   run_pyforge(*args, input=None, env=None, cwd=None,
                timeout=120) -> (exit code, stdout, stderr) as str
                (UTF-8, undecodable bytes replaced). `input` is bytes,
                str or a path-like opened as stdin; `env` entries are added
                to (not replacing) the environment; a value None removes
                a variable.
  run_pyforge_bytes  the same, stdout/stderr as bytes
  data_dir      tests/data (small hand-written fixtures)
  work_dir      a fresh empty directory under pytest's tmp_path
  temp_files    temp_files(dir) -> names of PyForge temporaries left in dir
  assert_no_temp_files  assert_no_temp_files(dir) fails naming them
  interrupt     interrupt(popen, what) -> (stdout, stderr): sends SIGINT and
                waits up to 30 s; fails naming `what` if it is still running

Environment
  PYFORGE_BIN            the binary under test
  PYFORGE_UPDATE_GOLDEN  1: tests/cli rewrites its expected outputs (review!)

Markers
  bigfile   tests that generate or convert large inputs (hundreds of MB);
            deselect with -m "not bigfile".
"""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
DATA_DIR = TESTS_DIR / "data"

_DEFAULT_BINS = (
    REPO_DIR / "build" / "release" / "pyforge",
    REPO_DIR / "build" / "pyforge",
)


def find_pyforge_bin() -> Path | None:
    env = os.environ.get("PYFORGE_BIN")
    if env:
        p = Path(env)
        return p.resolve() if p.is_file() and os.access(p, os.X_OK) else None
    for p in _DEFAULT_BINS:
        if p.is_file() and os.access(p, os.X_OK):
            return p.resolve()
    return None


def _missing_reason() -> str:
    env = os.environ.get("PYFORGE_BIN")
    if env:
        return f"PYFORGE_BIN={env} is not an executable file"
    return ("pyforge binary not found (set PYFORGE_BIN or build "
            + " or ".join(str(p) for p in _DEFAULT_BINS) + ")")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "bigfile: generates or converts large inputs (slow; "
        "deselect with -m 'not bigfile')")


def pytest_report_header(config):
    b = find_pyforge_bin()
    return f"pyforge binary: {b if b else 'MISSING - ' + _missing_reason()}"


@pytest.fixture(scope="session")
def pyforge_bin() -> Path:
    b = find_pyforge_bin()
    if b is None:
        pytest.skip(_missing_reason())
    return b


def _merged_env(env: dict | None) -> dict:
    e = dict(os.environ)
    # The tests compare exact output: no colours, no locale surprises, and
    # the default log level unless a test asks for another.
    e.pop("PYFORGE_LOG_LEVEL", None)
    e["LC_ALL"] = "C.UTF-8"
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = str(v)
    return e


def _run(bin_path: Path, args, input, env, cwd, timeout):
    stdin = subprocess.DEVNULL
    data = None
    fh = None
    if isinstance(input, (bytes, bytearray)):
        data = bytes(input)
    elif isinstance(input, str):
        data = input.encode("utf-8")
    elif input is not None:  # a path
        fh = open(input, "rb")
        stdin = fh
    try:
        kw = {"input": data} if data is not None else {"stdin": stdin}
        p = subprocess.run([str(bin_path), *[str(a) for a in args]], **kw,
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=_merged_env(env),
                           cwd=str(cwd) if cwd else None, timeout=timeout)
    finally:
        if fh:
            fh.close()
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="session")
def run_pyforge_bytes(pyforge_bin):
    def run(*args, input=None, env=None, cwd=None, timeout=120):
        return _run(pyforge_bin, args, input, env, cwd, timeout)
    return run


@pytest.fixture(scope="session")
def run_pyforge(pyforge_bin):
    def run(*args, input=None, env=None, cwd=None, timeout=120):
        rc, out, err = _run(pyforge_bin, args, input, env, cwd, timeout)
        return (rc, out.decode("utf-8", "replace"),
                err.decode("utf-8", "replace"))
    return run


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def work_dir(tmp_path) -> Path:
    d = tmp_path / "work"
    d.mkdir()
    return d


def list_temp_files(directory) -> list[str]:
    """Names in directory that look like PyForge temporaries
    (".<target>.pyforge-tmp-XXXXXX")."""
    d = Path(directory)
    if not d.is_dir():
        return []
    return sorted(n for n in os.listdir(d)
                  if n.startswith(".") and "pyforge-tmp" in n)


@pytest.fixture(scope="session")
def temp_files():
    return list_temp_files


@pytest.fixture(scope="session")
def assert_no_temp_files():
    def check(directory):
        left = list_temp_files(directory)
        assert not left, f"temporary files left in {directory}: {left}"
    return check


@pytest.fixture(scope="session")
def interrupt():
    def send(p: subprocess.Popen, what: str = "pyforge"):
        p.send_signal(signal.SIGINT)
        try:
            return p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            pytest.fail(f"{what} did not stop within 30 s of SIGINT")
    return send
