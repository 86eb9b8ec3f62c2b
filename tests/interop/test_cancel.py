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
