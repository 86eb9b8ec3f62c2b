"""The release wheel where users are: a minimal Debian root (debootstrap
--variant=minbase, Debian's python3 and python3-venv, no compiler, no -dev
package; scripts/debian-root.sh) gets a venv, the wheel pip-installed from
the file, and converts every file in samples/ with the installed `pyforge`
console script. The outputs are copied out and read by the host's pyarrow,
and must equal, value for value, what the C executable built here writes.

Needs root (chroot) and PYFORGE_DEBIAN_ROOT, the root's directory
(scripts/test.sh sets both up); without it the test skips, saying so."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from wheel_util import REPO, VERSION

SAMPLES = REPO / "samples"
# Databricks serverless runs glibc 2.35: the root must not be newer.
MAX_GLIBC = (2, 35)


@pytest.fixture(scope="module")
def debian_root() -> Path:
    env = os.environ.get("PYFORGE_DEBIAN_ROOT")
    if not env:
        pytest.skip("PYFORGE_DEBIAN_ROOT is not set (scripts/debian-root.sh makes the root)")
    root = Path(env).resolve()
    assert (root / "usr" / "bin" / "python3").exists(), f"{root} has no python3"
    if os.geteuid() != 0:
        pytest.skip("chroot needs root")
    return root


def chroot(root: Path, script: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": "/root"}
    exe = shutil.which("chroot") or "/usr/sbin/chroot"
    return subprocess.run([exe, str(root), "/bin/sh", "-ec", script], env=env,
                          capture_output=True, text=True, timeout=600)


def test_root_is_minimal_and_old(debian_root):
    for tool in ("cc", "gcc", "clang", "ld", "make"):
        assert not (debian_root / "usr" / "bin" / tool).exists(), f"the root has {tool}"
    for header in ("usr/include/zlib.h", "usr/include/zstd.h", "usr/include/expat.h",
                   "usr/include/stdio.h"):
        assert not (debian_root / header).exists(), f"the root has {header}"
    p = chroot(debian_root, "ldd --version | head -1")
    assert p.returncode == 0, p.stderr
    m = re.search(r"(\d+)\.(\d+)\s*$", p.stdout.strip())
    assert m and (int(m.group(1)), int(m.group(2))) <= MAX_GLIBC, p.stdout


def _target(name: str) -> str:
    """Where a sample goes, as scripts/quickstart.sh names it: a workbook's
    groups of sheets into a directory, the others into <stem>.parquet."""
    stem = name.split(".")[0]
    return stem if name.endswith(".xlsx") else f"{stem}.parquet"


def _c_outputs(pyforge_bin, dest: Path) -> None:
    dest.mkdir()
    for f in sorted(SAMPLES.iterdir()):
        subprocess.run([str(pyforge_bin), "convert", str(f), str(dest / _target(f.name))],
                       check=True, capture_output=True, env=dict(os.environ, LC_ALL="C.UTF-8"))


def _tables(directory: Path) -> dict:
    """{relative path of each Parquet file: pyarrow table} under directory."""
    return {str(p.relative_to(directory)): pq.read_table(p)
            for p in sorted(directory.rglob("*.parquet"))}


def test_wheel_installs_and_converts_the_samples(debian_root, wheel_file, pyforge_bin, tmp_path):
    work = debian_root / "tmp" / "pyforge-wheel-test"
    shutil.rmtree(work, ignore_errors=True)
    (work / "samples").mkdir(parents=True)
    try:
        shutil.copy(wheel_file, work)
        converts = []
        for f in sorted(SAMPLES.iterdir()):
            shutil.copy(f, work / "samples")
            converts.append(f"venv/bin/pyforge -q convert samples/{f.name} out/{_target(f.name)}")
        nl = "\n"
        script = f"""
            cd /tmp/pyforge-wheel-test
            python3 -m venv venv
            venv/bin/pip install -q --no-index --disable-pip-version-check ./{wheel_file.name}
            venv/bin/python -c 'import pyforge_cli, sys; print(pyforge_cli.__version__, sys.version_info[0], sys.version_info[1])'
            venv/bin/pyforge --version
            mkdir out
            {nl.join(converts)}
            venv/bin/pyforge info samples/sales.csv >/dev/null
        """
        p = chroot(debian_root, script)
        assert p.returncode == 0, f"in the Debian root:\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
        lines = p.stdout.splitlines()
        ver, major, minor = lines[0].split()
        assert ver == VERSION and (int(major), int(minor)) >= (3, 8), lines
        assert lines[1] == f"pyforge {VERSION}", lines
        assert p.stderr == "", p.stderr

        expected_dir = tmp_path / "c"
        _c_outputs(pyforge_bin, expected_dir)
        got, expected = _tables(work / "out"), _tables(expected_dir)
        assert len(expected) >= len(list(SAMPLES.iterdir())), sorted(expected)
        assert sorted(got) == sorted(expected)
        for name, table in expected.items():
            assert table.num_rows > 0, name
            assert got[name].equals(table), f"{name}: the root's output differs from the C executable's"
    finally:
        shutil.rmtree(work, ignore_errors=True)
