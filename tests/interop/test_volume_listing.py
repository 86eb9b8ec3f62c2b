"""Tier 3: Volume directory metadata and listings are streamed: a directory
of 100,000 files is counted and listed exactly, in the memory a directory of
ten takes (tests/tools/dir_stat calls pf_path_stat and pf_dir_list, the
functions forge.volumes is built on), and `pyforge info` on the directory
shows the same totals. The Volumes root is a temporary directory here."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from test_no_network import BUILD

N = 100_000


def tool(*args, env=None) -> dict:
    p = subprocess.run([str(BUILD / "tests" / "tools" / "dir_stat"), *map(str, args)], capture_output=True,
                       text=True, env=env, check=True, timeout=300)
    return p.stdout


def rss_kb(out: str) -> int:
    return int(out.strip().splitlines()[-1].split()[1])


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    if BUILD is None or not (BUILD / "tests" / "tools" / "dir_stat").is_file():
        pytest.skip("tests/tools/dir_stat not built (set PYFORGE_BUILD_DIR)")
    root = tmp_path_factory.mktemp("Volumes")
    big = root / "main" / "lake" / "landing" / "big"
    big.mkdir(parents=True)
    for i in range(N):
        fd = os.open(big / f"f{i:06d}.csv", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"x" * (i % 7))
        os.close(fd)
    small = root / "main" / "lake" / "landing" / "small"
    (small / "sub").mkdir(parents=True)
    for i in range(10):
        (small / ("sub" if i % 2 else ".") / f"s{i}.csv").write_bytes(b"ab")
    env = dict(os.environ, PYFORGE_VOLUMES_ROOT=str(root))
    return root, env


def test_hundred_thousand_files_in_bounded_memory(volume):
    root, env = volume
    small = tool("stat", "/Volumes/main/lake/landing/small", env=env)
    assert "files 10\n" in small and "dirs 1\n" in small and "size 20\n" in small, small
    big = tool("stat", "dbfs:/Volumes/main/lake/landing/big", env=env)
    assert f"files {N}\n" in big and f"size {sum(i % 7 for i in range(N))}\n" in big, big
    listed = tool("list", "/Volumes/main/lake/landing/big", env=env)
    names = [ln.split(" ", 2)[2] for ln in listed.splitlines()[:-1]]
    assert len(names) == N and len(set(names)) == N and sorted(names)[0] == "f000000.csv"
    small_list = tool("list", "/Volumes/main/lake/landing/small", env=env)
    assert sorted(ln.split(" ", 2)[2] for ln in small_list.splitlines()[:-1]) == sorted(
        ["sub"] + [f"s{i}.csv" for i in range(0, 10, 2)] + [f"sub/s{i}.csv" for i in range(1, 10, 2)])
    # memory does not grow with the entries (2 MB of slack for allocator noise)
    assert rss_kb(big) - rss_kb(small) < 2048, (rss_kb(small), rss_kb(big))
    assert rss_kb(listed) - rss_kb(small_list) < 2048, (rss_kb(small_list), rss_kb(listed))


def test_info_on_a_volume_directory(run_pyforge, volume):
    root, env = volume
    rc, so, se = run_pyforge("info", "/Volumes/main/lake/landing/big", "--json",
                             env={"PYFORGE_VOLUMES_ROOT": str(root)})
    assert rc == 0, se
    info = json.loads(so)
    assert info["format"] == "directory" and info["rows"] is None
    assert info["size_bytes"] == sum(i % 7 for i in range(N))
    p = info["properties"]
    assert (p["volume"], p["uri"], p["files"], p["directories"]) == (
        "main.lake.landing", "dbfs:/Volumes/main/lake/landing/big", str(N), "0"), p
