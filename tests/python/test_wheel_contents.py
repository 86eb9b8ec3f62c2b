"""The release wheel as a file: its tags, size, contents, metadata and the
extension module's ELF dependencies and exports; the sdist beside it."""
from __future__ import annotations

import email
import re
import subprocess
import tarfile
import zipfile

import pytest
from packaging.version import Version

from wheel_util import VERSION, wheel_tags

MAX_WHEEL_BYTES = 10 * 1000 * 1000
# The glibc (and loader) libraries every manylinux system has; nothing else
# may be NEEDED: zlib, zstd, snappy, lz4, bzip2, expat and the C++ runtime
# are linked in.
GLIBC_LIBS = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
              "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}


def test_tags_are_abi3_manylinux_2_28_or_older(wheel_file):
    py, abi, plats = wheel_tags(wheel_file.name)
    assert (py, abi) == ("cp38", "abi3"), f"{wheel_file.name}: one abi3 wheel for 3.8+"
    many = [re.fullmatch(r"manylinux_2_(\d+)_(x86_64|aarch64)", p) for p in plats]
    assert all(many), f"{wheel_file.name}: platform tags {plats} are not all manylinux_2_NN"
    oldest = min(int(m.group(1)) for m in many)
    assert oldest <= 28, f"{wheel_file.name}: needs glibc 2.{oldest}, more than 2.28"


def test_size_under_10_mb(wheel_file):
    size = wheel_file.stat().st_size
    assert 100_000 < size < MAX_WHEEL_BYTES, f"{wheel_file.name} is {size} bytes"


def test_contents(wheel_file):
    with zipfile.ZipFile(wheel_file) as z:
        names = set(z.namelist())
    dist = f"pyforge_cli-{VERSION}.dist-info"
    for want in ("pyforge_cli/__init__.py", "pyforge_cli/__main__.py",
                 "pyforge_cli/_native.abi3.so", "pyforge_cli/_native.pyi",
                 "pyforge_cli/plugins/pdf.so",
                 "pyforge_cli/py.typed", "pyforge_cli/_spark_cli.py",
                 "pyforge_cli/engines/select.py", "pyforge_cli/engines/files.py", "pyforge_cli/engines/spark_tasks.py", f"{dist}/METADATA", f"{dist}/WHEEL",
                 f"{dist}/RECORD", f"{dist}/entry_points.txt"):
        assert want in names, f"{wheel_file.name} lacks {want}; has {sorted(names)}"
    # Nothing from the build or the source tree beyond the package.
    stray = [n for n in names if not n.startswith(("pyforge_cli/", f"{dist}/"))]
    assert not stray, f"unexpected files in the wheel: {stray}"


def test_metadata(wheel_file):
    dist = f"pyforge_cli-{VERSION}.dist-info"
    with zipfile.ZipFile(wheel_file) as z:
        meta = email.message_from_bytes(z.read(f"{dist}/METADATA"))
        entry_points = z.read(f"{dist}/entry_points.txt").decode()
    assert meta["Name"] == "pyforge-cli"
    assert meta["Version"] == VERSION
    # pip install -U must take it over the original Python pyforge-cli.
    assert Version(meta["Version"]) > Version("1.0.9")
    assert meta["Requires-Python"] == ">=3.8"
    assert "databricks" in meta.get_all("Provides-Extra", [])
    # The core installs with no dependency at all (a root without network);
    # extras only: pdf brings pypdfium2 (pdfium for the pdf plugin)
    requires = meta.get_all("Requires-Dist") or []
    assert all("extra ==" in r for r in requires), requires
    assert "pdf" in meta.get_all("Provides-Extra", [])
    assert any(r.startswith("pypdfium2") and "extra == \"pdf\"" in r for r in requires), requires
    assert re.search(r"^pyforge = pyforge_cli\.__main__:main$", entry_points, re.M), entry_points


@pytest.fixture(scope="module")
def native_so(wheel_file, tmp_path_factory):
    d = tmp_path_factory.mktemp("so")
    with zipfile.ZipFile(wheel_file) as z:
        return z.extract("pyforge_cli/_native.abi3.so", d)


def test_native_needs_only_glibc(native_so):
    out = subprocess.run(["readelf", "-d", native_so], capture_output=True, text=True,
                         check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))
    assert "libc.so.6" in needed, out
    assert needed <= GLIBC_LIBS, f"dynamic dependencies beyond glibc: {needed - GLIBC_LIBS}"
    assert not re.search(r"\((RPATH|RUNPATH)\)", out), "the module carries an rpath"


def test_native_exports_only_its_init(native_so):
    out = subprocess.run(["readelf", "--dyn-syms", "-W", native_so], capture_output=True,
                         text=True, check=True).stdout
    exported = set()
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[4] in ("GLOBAL", "WEAK") and f[6] != "UND":
            exported.add(f[7].split("@")[0])
    assert exported == {"PyInit__native"}, f"exported: {sorted(exported)[:20]}"


def test_sdist_builds_from_the_tree(sdist_file):
    with tarfile.open(sdist_file) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    for want in ("pyproject.toml", "CMakeLists.txt", "VERSION", "README.md",
                 "python/CMakeLists.txt", "python/native/pyforge_native.c",
                 "python/pyforge_cli/__init__.py", "include/pyforge/pyforge.h",
                 "cli/main.c", "src/core/error.c"):
        assert want in names, f"{sdist_file.name} lacks {want}"
    stray = sorted(n for n in names if n.split("/")[0] in ("build", ".venv", "bench", ".ci"))
    assert not stray, f"{sdist_file.name} carries {stray[:10]}"


def test_pdf_plugin_needs_only_glibc_and_exports_its_entry(wheel_file, tmp_path):
    """The pdf plugin ships in the wheel; pdfium does not (it is loaded at
    run time from pypdfium2): nothing beyond glibc is NEEDED."""
    with zipfile.ZipFile(wheel_file) as z:
        so = z.extract("pyforge_cli/plugins/pdf.so", tmp_path)
    out = subprocess.run(["readelf", "-d", so], capture_output=True, text=True,
                         check=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))
    assert needed <= GLIBC_LIBS, f"dynamic dependencies beyond glibc: {needed - GLIBC_LIBS}"
    syms = subprocess.run(["nm", "-D", "--defined-only", so], capture_output=True, text=True,
                          check=True).stdout.split()
    assert "pyforge_plugin_init" in syms
    assert not [s for s in syms if s.startswith(("pf_", "FPDF"))], syms
