"""Tier 3: a conversion killed with SIGKILL leaves its hidden temporary
(".out.parquet.pyforge-tmp-XXXXXXXXXXXX") beside the target; the next
conversion to the same target removes it and says so in the log, while a
temporary that a running conversion still holds is never touched (the
writer holds an flock on it; the kernel drops the lock of a dead process).
Real processes, real SIGKILL.
"""
from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import list_temp_files  # tests/conftest.py: the one definition of a temporary's name


def big_csv(path: Path, rows: int = 400_000, seed: int = 7):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("id,name,score,day\n")
        for i in range(rows):
            f.write(f"{i},n{rng.randrange(10**9)},{rng.random():.6f},2024-01-{1 + i % 28:02d}\n")


def start(pyforge_bin, *args) -> subprocess.Popen:
    e = dict(os.environ, LC_ALL="C.UTF-8")
    e.pop("PYFORGE_LOG_LEVEL", None)
    return subprocess.Popen([str(pyforge_bin), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=e)


def locked_by_another(path: Path) -> bool:
    """True when some other open file description holds the flock on path."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False  # not yet locked by the writer (ours is dropped by the close)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def wait_for_temp(proc: subprocess.Popen, d: Path, timeout=120) -> str:
    """The writer's temporary, once the writer holds its lock: the file is
    created, then locked, and a run stopped between the two leaves a
    temporary that nothing proves alive (the next run may rightly remove it)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        temps = list_temp_files(d)
        if temps and locked_by_another(d / temps[0]):
            return temps[0]
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"conversion ended (exit {proc.returncode}) before its temporary was seen: {err!r}")
        time.sleep(0.005)
    proc.kill()
    pytest.fail("no temporary file appeared")


def wait_until_locked(proc: subprocess.Popen, path: Path, timeout=120):
    """Until the conversion holds the flock on its temporary: it creates the
    file, then locks it, and a process stopped between the two holds
    nothing yet (a later run then rightly removes the file)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # held by the conversion
        finally:
            os.close(fd)  # drops our lock, if we took it
        if proc.poll() is not None:
            pytest.fail(f"conversion ended (exit {proc.returncode}) before it locked its temporary")
        time.sleep(0.005)
    proc.kill()
    pytest.fail("the conversion never locked its temporary")


@pytest.fixture(scope="module")
def slow_input(tmp_path_factory):
    d = tmp_path_factory.mktemp("abandoned")
    big_csv(d / "big.csv")
    return d / "big.csv"


def test_sigkill_leftover_is_removed_by_the_next_run(pyforge_bin, run_pyforge, slow_input, tmp_path):
    out = tmp_path / "out.parquet"
    # a tiny row group makes the writer write early and often
    p = start(pyforge_bin, "convert", slow_input, out, "--row-group-size", "1000")
    temp = wait_for_temp(p, tmp_path)
    # stopped at once, so a fast machine cannot finish the conversion before
    # the kill arrives (a sleep here raced with it); the temporary exists
    p.send_signal(signal.SIGSTOP)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL
    assert list_temp_files(tmp_path) == [temp], "the killed run's temporary should still be there"
    assert temp.startswith(".out.parquet.pyforge-tmp-") and len(temp) == len(".out.parquet.pyforge-tmp-") + 12
    assert not out.exists()
    # the next conversion to the same target: removes it, says so, converts
    small = tmp_path / "small.csv"
    small.write_text("id,name\n1,ann\n2,bob\n")
    rc, so, se = run_pyforge("-v", "convert", small, out)
    assert rc == 0, se
    assert f"removed {tmp_path}/{temp}: a temporary file left by an earlier conversion that was killed" in se, se
    assert list_temp_files(tmp_path) == []
    assert pq.read_table(out).column("name").to_pylist() == ["ann", "bob"]


def test_a_running_conversions_temporary_is_kept(pyforge_bin, run_pyforge, slow_input, tmp_path):
    out = tmp_path / "out.parquet"
    slow = start(pyforge_bin, "convert", slow_input, out, "--force", "--row-group-size", "1000")
    temp = wait_for_temp(slow, tmp_path)
    wait_until_locked(slow, tmp_path / temp)
    slow.send_signal(signal.SIGSTOP)  # alive, holding its temporary, not finishing
    try:
        small = tmp_path / "small.csv"
        small.write_text("id,name\n1,ann\n")
        rc, so, se = run_pyforge("-v", "convert", small, out, "--force")
        assert rc == 0, se
        assert "removed" not in se, se
        assert temp in list_temp_files(tmp_path), "a live conversion's temporary was removed"
    finally:
        slow.send_signal(signal.SIGCONT)
    so, se = slow.communicate(timeout=600)
    assert slow.returncode == 0, se
    assert pq.read_metadata(out).num_rows == 400_000  # the slow run finished last, intact
    assert list_temp_files(tmp_path) == []
