"""The Python API suite: runs INSIDE a fresh virtualenv with the wheel
installed (tests/python/test_api_suite.py makes it and runs pytest here),
never against the source tree. Fixtures make the inputs (CSV, workbooks
with openpyxl, XML) in a temporary directory.

PYFORGE_API_REQUIRE names packages that must be importable (comma
separated): a test needing one that is missing fails instead of skipping,
so CI cannot pass by skipping.
"""
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pyforge_cli

REQUIRED = {p for p in os.environ.get("PYFORGE_API_REQUIRE", "").split(",") if p}


def pytest_sessionstart(session):
    src = Path(__file__).resolve().parents[3] / "python"
    mod = Path(pyforge_cli.__file__).resolve()
    assert src not in mod.parents, f"pyforge_cli comes from the source tree ({mod}), not the wheel"


def need(module: str):
    """Imports a consumer package, or skips (fails when it is required)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if module in REQUIRED:
            pytest.fail(f"{module} is required here (PYFORGE_API_REQUIRE) but not importable")
        pytest.skip(f"{module} is not installed")


@pytest.fixture
def pf():
    return pyforge_cli


@pytest.fixture(scope="session")
def pyforge_exe() -> str:
    """The console script installed with the wheel (the CLI's outputs are
    what the API's are compared with)."""
    exe = Path(os.environ.get("PYFORGE_API_CLI") or Path(sys.executable).parent / "pyforge")
    assert exe.is_file(), f"no pyforge console script beside {sys.executable}"
    return str(exe)


CSV = ("id,name,price,day,ok\n"
       "1,ann,1.5,2024-01-02,true\n"
       "2,\"b, c\",,2024-02-29,false\n"
       "3,,-2.25,1999-12-31,\n")


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "people.csv").write_text(CSV)
    (d / "ragged.csv").write_text("a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n")
    (d / "latin1.csv").write_bytes("name,city\nJos\xe9,M\xfcnchen\n".encode("latin-1"))
    (d / "books.xml").write_text(
        "<catalog><book id='1'><title>A</title><price>10.5</price></book>"
        "<book id='2'><title>B</title><price>7</price></book></catalog>")
    (d / "broken.xml").write_text("<catalog><book id='1'><title>A</title></book>\n<book><title>B</tit></book></catalog>")
    return d


@pytest.fixture
def workbook(data) -> Path:
    openpyxl = need("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Q1"
    ws.append(["region", "units"])
    ws.append(["north", 10])
    ws.append(["south", 20])
    ws2 = wb.create_sheet("Q2")
    ws2.append(["region", "units"])
    ws2.append(["east", 5])
    ws3 = wb.create_sheet("Targets")
    ws3.append(["region", "target", "owner"])
    ws3.append(["north", 100, "ann"])
    p = data / "book.xlsx"
    wb.save(p)
    return p


def big_csv(path: Path, rows: int) -> Path:
    """A CSV of about rows * 40 bytes, written fast."""
    line = "{0},name{1},{2}.25,2024-01-{3:02d},true\n"
    with open(path, "w") as f:
        f.write("id,name,price,day,ok\n")
        chunk = []
        for i in range(rows):
            chunk.append(line.format(i, i % 1000, i, 1 + i % 28))
            if len(chunk) == 50000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))
    return path


def run_cli(exe: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=300)


def leftovers(d: Path):
    """Temporary files a conversion may have left (there must be none)."""
    return [p.name for p in Path(d).rglob("*") if "pyforge-tmp" in p.name]


def copy(src: Path, dst: Path) -> Path:
    shutil.copy(src, dst)
    return dst
