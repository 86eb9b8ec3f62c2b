"""Helpers for the tier 4 tests (tests/python): where the wheel is, which
interpreters there are, a venv with the wheel installed. conftest.py makes
fixtures of them; the tests import the rest from here."""
from __future__ import annotations

import glob
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "build" / "wheel" / "dist"
VERSION = (REPO / "VERSION").read_text().strip()


def find_wheel() -> Path | None:
    env = os.environ.get("PYFORGE_WHEEL")
    if env:
        return Path(env) if Path(env).is_file() else None
    # this machine's architecture (build/wheel/dist may hold a cross build too)
    found = sorted(DIST.glob(f"pyforge_cli-*_{platform.machine()}.whl"),
                   key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([python, "-c", "import sys, platform; "
                              "print(platform.python_implementation(), *sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    if len(out) != 3 or out[0] != "CPython":
        return None
    return int(out[1]), int(out[2])


def find_pythons() -> dict[tuple[int, int], str]:
    env = os.environ.get("PYFORGE_TEST_PYTHONS")
    if env:
        candidates = [p for p in env.split(":") if p]
    else:
        root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        candidates = sorted(glob.glob(os.path.join(root, "versions", "3.*", "bin", "python3")))
        for minor in range(8, 20):
            p = shutil.which(f"python3.{minor}")
            if p:
                candidates.append(p)
    found: dict[tuple[int, int], str] = {}
    for c in candidates:
        v = _version_of(c)
        if v and v >= (3, 8) and v not in found:
            found[v] = c
    return found


@dataclass
class Installed:
    venv: Path
    python: Path
    pyforge: Path  # the console script

    def run(self, *args, **kw) -> subprocess.CompletedProcess:
        kw.setdefault("capture_output", True)
        kw.setdefault("timeout", 300)
        return subprocess.run([str(a) for a in args], **kw)


def wheel_tags(name: str) -> tuple[str, str, list[str]]:
    """(python tag, abi tag, platform tags) of a wheel file name."""
    m = re.fullmatch(r"pyforge_cli-[^-]+-([^-]+)-([^-]+)-([^-]+)\.whl", name)
    assert m, f"not a pyforge_cli wheel name: {name}"
    return m.group(1), m.group(2), m.group(3).split(".")
