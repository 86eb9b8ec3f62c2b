"""Ctrl-C: SIGINT during a conversion stops it with exit code 130, a short
message, no output and no temporary file left behind.

The ~200 MB input is generated once per session (seeded, streaming) into a
cache directory from tmp_path_factory.
"""
from __future__ import annotations

import os
import random
import subprocess
import time

import pytest

BIG_MB = 200


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("bigcache") / "big.csv"
    rng = random.Random(2024)
    # One block of 2,000 varied rows, written again with a changing id
    # column until the file reaches BIG_MB.
    block = []
    for i in range(2000):
        block.append(f"{rng.randint(-10**6, 10**6)},{rng.random()!r},"
                     f"{rng.choice(['true', 'false'])},2024-{rng.randint(1, 12):02d}-"
                     f"{rng.randint(1, 28):02d},\"{''.join(rng.choice('abc, xyz') for _ in range(30))}\"")
    with open(path, "w") as f:
        f.write("id,a,b,c,d,e\n")
        n, size = 0, 0
        while size < BIG_MB * 1_000_000:
            chunk = "".join(f"{n + j},{line}\n" for j, line in enumerate(block))
            n += len(block)
            size += len(chunk)
            f.write(chunk)
    return path


@pytest.mark.bigfile
@pytest.mark.parametrize("threads", [1, 2])
def test_sigint_cancels_cleanly(pyforge_bin, big_csv, tmp_path, temp_files, interrupt,
                                threads):
    out = tmp_path / "big.parquet"
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("PYFORGE_LOG_LEVEL", None)
    p = subprocess.Popen([str(pyforge_bin), "convert", str(big_csv), str(out),
                          "--threads", str(threads)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(0.3)
    still_running = p.poll() is None
    so, se = interrupt(p)
    assert still_running, ("the conversion finished within 0.3 s; the test input "
                           "is too small to test cancelling")
    err = se.decode()
    assert p.returncode == 130, f"exit {p.returncode}, expected 130\n{err}"
    assert "cancel" in err.lower(), err
    assert not out.exists(), "a (partial) output was left after Ctrl-C"
    assert temp_files(tmp_path) == [], "temporary files left after Ctrl-C"
    assert not (tmp_path / "big.parquet.rejects.csv").exists()


def test_sigint_while_standard_input_is_quiet(pyforge_bin, tmp_path, temp_files):
    """Ctrl-C while standard input is open but sends nothing (a producer that
    stalls, or one that ignores SIGINT): the copy of the input stops within
    a fraction of a second, exit 130, nothing left. Before, the read stayed
    blocked until the producer wrote again or closed the pipe."""
    import signal
    out = tmp_path / "piped.parquet"
    env = dict(os.environ, LC_ALL="C.UTF-8", TMPDIR=str(tmp_path))
    p = subprocess.Popen([str(pyforge_bin), "convert", "-", str(out)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        p.stdin.write(b"id,name\n1,ann\n")
        p.stdin.flush()
        time.sleep(0.5)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        try:
            rc = p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pytest.fail("pyforge did not stop within 5 s of SIGINT while standard input was quiet")
        took = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
        p.stdin.close()
        p.wait()
    err = p.stderr.read().decode()
    assert rc == 130, f"exit {rc}\n{err}"
    assert "canceled while reading standard input" in err, err
    assert took < 2.0, f"took {took:.2f} s to stop"
    assert not out.exists() and temp_files(tmp_path) == []
