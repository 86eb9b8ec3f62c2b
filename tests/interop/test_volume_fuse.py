"""Tier 3: every kind of output reaches a Unity Catalog Volume correctly.

The Volumes FUSE mount (/Volumes) has no rename, no link, no append and no
seek-back write (DESIGN.md section 7). tests/shim/fuse_shim.c, preloaded
into pyforge, gives a directory exactly those restrictions, so these tests
run each writer against it and read the result back with independent
readers (pyarrow and DuckDB for Parquet; delta-rs and Spark for Delta):

  one Parquet file, a workbook's several outputs, a rejects file, Delta
  create / append / overwrite / checkpoint,

each two ways: on a path PyForge knows is a Volume (the Volumes root is
moved to the restricted directory with PYFORGE_VOLUMES_ROOT and the path is
given as /Volumes/... or dbfs:/Volumes/...: the output is built in a local
temporary file and copied sequentially) and on a restricted mount it does not
know (rename and link are tried, refused with ENOSYS, and the copy takes
over). A copy that fails half-way (the shim fails a write with EIO) must
leave nothing: no partial target, no temporary on the mount or in TMPDIR.
The first test proves the shim itself refuses what it should.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from pfcheck import check_parquet, compare, every_type_table, read_duckdb, read_pyarrow
from test_delta import (DELTA_ARROW, SPARK_TYPES, as_delta, read_rs, read_spark,  # noqa: F401
                        spark, write_csv)

REPO = Path(__file__).resolve().parents[2]


def find_shim() -> Path | None:
    build = os.environ.get("PYFORGE_BUILD_DIR")
    cands = [Path(build)] if build else []
    cands += [REPO / "build" / "asan", REPO / "build" / "release"]
    for b in cands:
        p = b / "tests" / "shim" / "fuse_shim.so"
        if p.is_file():
            return p
    return None


SHIM = find_shim()
pytestmark = pytest.mark.skipif(SHIM is None, reason="tests/shim/fuse_shim.so not built "
                                "(build with the tests; set PYFORGE_BUILD_DIR)")


class Mount:
    """A restricted directory (the fake Volumes mount) and how to run
    pyforge against it."""

    def __init__(self, base: Path, known: bool):
        self.known = known
        self.root = base / "mnt"                 # restricted by the shim
        self.vol = self.root / "main" / "sales" / "raw"
        self.vol.mkdir(parents=True)
        self.tmp = base / "local-tmp"            # TMPDIR: must stay empty
        self.tmp.mkdir()
        self.log = base / "shim.log"

    def path(self, rel: str) -> str:
        """How the user names the file: /Volumes/... when PyForge knows the
        mount, else the plain path of the restricted directory."""
        if self.known:
            return f"/Volumes/main/sales/raw/{rel}"
        return str(self.vol / rel)

    def env(self, **extra) -> dict:
        asan = os.environ.get("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1")
        e = {"LD_PRELOAD": str(SHIM), "PF_FUSE_DIRS": str(self.root), "PF_FUSE_LOG": str(self.log),
             "TMPDIR": str(self.tmp),
             # the shim is preloaded ahead of the sanitizer runtime
             "ASAN_OPTIONS": asan + ":verify_asan_link_order=0"}
        if self.known:
            e["PYFORGE_VOLUMES_ROOT"] = str(self.root)
        e.update({k: str(v) for k, v in extra.items()})
        return e

    def refusals(self) -> list[str]:
        if not self.log.exists():
            return []
        return [ln for ln in self.log.read_text().splitlines() if not ln.startswith(("create ", "open "))]

    def assert_clean(self):
        """No temporary left on the mount or in the local temp directory."""
        left = [str(p) for p in self.root.rglob("*") if "pyforge-tmp" in p.name]
        assert not left, f"temporaries left on the mount: {left}"
        assert list(self.tmp.iterdir()) == [], f"left in TMPDIR: {list(self.tmp.iterdir())}"

    def assert_strategy(self):
        """Known mount: copied directly, rename never tried. Unknown mount:
        rename (or link) was tried and refused, so the copy really ran."""
        refused = self.refusals()
        bad = [r for r in refused if r.startswith(("open(O_APPEND)", "write EPERM", "ftruncate", "open(O_TMPFILE)"))]
        assert not bad, f"pyforge tried what the mount refuses: {bad}"
        if self.known:
            assert not [r for r in refused if r.startswith("rename")], refused
        else:
            assert any(r.startswith("rename ENOSYS") for r in refused), refused


@pytest.fixture(params=[True, False], ids=["volume", "unknown-mount"])
def mount(request, tmp_path):
    return Mount(tmp_path, request.param)


def run(run_pyforge, mount: Mount, *args, ok=True, **env):
    rc, so, se = run_pyforge(*args, env=mount.env(**env), timeout=300)
    if ok:
        assert rc == 0, f"pyforge {args}: exit {rc}\nstdout: {so}\nstderr: {se}"
    return rc, so, se


# ---- the shim does what the mount does ------------------------------------------

def test_shim_refuses_what_volumes_refuse(tmp_path):
    m = Mount(tmp_path, known=False)
    probe = r"""
import errno, os, sys
d = sys.argv[1]
open(os.path.join(d, "a"), "w").write("x")
res = {}
def attempt(name, f):
    try:
        f(); res[name] = "allowed"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
attempt("rename", lambda: os.rename(os.path.join(d, "a"), os.path.join(d, "b")))
attempt("link", lambda: os.link(os.path.join(d, "a"), os.path.join(d, "c")))
attempt("symlink", lambda: os.symlink("a", os.path.join(d, "s")))
attempt("append", lambda: open(os.path.join(d, "a"), "a"))
def seek_back():
    fd = os.open(os.path.join(d, "w"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"abc"); os.lseek(fd, 0, 0); os.write(fd, b"x")
    finally:
        os.close(fd)
attempt("seek_back_write", seek_back)
def sequential():
    fd = os.open(os.path.join(d, "q"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"abc"); os.write(fd, b"def"); os.close(fd)
attempt("sequential_write", sequential)
attempt("unlink", lambda: os.unlink(os.path.join(d, "q")))
print(res)
"""
    env = dict(os.environ, **{k: v for k, v in m.env().items() if k != "ASAN_OPTIONS"})
    out = subprocess.run([sys.executable, "-c", probe, str(m.vol)], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert eval(out) == {"rename": "ENOSYS", "link": "ENOSYS", "symlink": "EPERM", "append": "EPERM",
                         "seek_back_write": "EPERM", "sequential_write": "allowed", "unlink": "allowed"}


# ---- Parquet --------------------------------------------------------------------

@pytest.fixture(scope="module")
def typed_csv(tmp_path_factory):
    header, rows, _ = every_type_table(seed=1301, n=3000, ancient=False)
    d = tmp_path_factory.mktemp("typed")
    exp = write_csv(d / "typed.csv", header, rows)
    return d / "typed.csv", exp


def test_parquet(run_pyforge, mount, typed_csv):
    src, exp = typed_csv
    run(run_pyforge, mount, "convert", src, mount.path("typed.parquet"), "--quiet")
    check_parquet(mount.vol / "typed.parquet", exp)
    mount.assert_strategy()
    mount.assert_clean()
    # --force over an existing file on the mount
    run(run_pyforge, mount, "convert", src, mount.path("typed.parquet"), "--force", "--quiet",
        "--compression", "zstd")
    check_parquet(mount.vol / "typed.parquet", exp)
    mount.assert_clean()


def test_parquet_dbfs_uri_and_default_name(run_pyforge, tmp_path, typed_csv):
    """dbfs:/Volumes/... names the same file; an input on the Volume gets
    its default output beside it."""
    m = Mount(tmp_path, known=True)
    src, exp = typed_csv
    (m.vol / "in.csv").write_bytes(src.read_bytes())
    rc, so, se = run(run_pyforge, m, "convert", "dbfs:/Volumes/main/sales/raw/in.csv", "--json")
    assert json.loads(so)["output"] == str(m.vol / "in.parquet")
    check_parquet(m.vol / "in.parquet", exp)
    m.assert_strategy()
    m.assert_clean()


# ---- a workbook's several outputs -------------------------------------------------

def test_workbook_outputs(run_pyforge, mount, tmp_path):
    book = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    data = {"Orders": (["id", "item", "qty"], [[i, f"item{i}", i * 3] for i in range(1, 400)]),
            "Staff": (["name", "age"], [[f"p{i}", 20 + i % 40] for i in range(250)])}
    for name, (hdr, rows) in data.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, hdr)
        for r, row in enumerate(rows, 1):
            ws.write_row(r, 0, row)
    wb.close()
    out = mount.path("book_out")
    (mount.vol / "book_out").mkdir()
    run(run_pyforge, mount, "convert", book, out, "--quiet")
    got = sorted(p.name for p in (mount.vol / "book_out").iterdir())
    assert got == ["book_Orders.parquet", "book_Staff.parquet"]
    ref = load_workbook(book, read_only=True)
    for name in data:
        rows = list(ref[name].iter_rows(values_only=True))
        want = [list(c) for c in zip(*rows[1:])]
        for loaded in (read_pyarrow(mount.vol / "book_out" / f"book_{name}.parquet"),
                       read_duckdb(mount.vol / "book_out" / f"book_{name}.parquet")):
            assert loaded.names == list(rows[0]), loaded.names
            assert loaded.columns == want, f"{loaded.reader}: {name} differs"
    mount.assert_strategy()
    mount.assert_clean()


# ---- rejects file ----------------------------------------------------------------

def test_rejects_file(run_pyforge, mount, tmp_path):
    src = tmp_path / "dirty.csv"
    src.write_text("id,name\n1,ann\n2,bob,EXTRA\n3,cy\n")
    run(run_pyforge, mount, "convert", src, mount.path("dirty.parquet"), "--on-bad-rows", "skip", "--quiet")
    assert read_pyarrow(mount.vol / "dirty.parquet").columns == [[1, 3], ["ann", "cy"]]
    assert (mount.vol / "dirty.parquet.rejects.csv").read_text().splitlines()[0] == "line,reason,row"
    assert "2,bob,EXTRA" in (mount.vol / "dirty.parquet.rejects.csv").read_text()
    mount.assert_strategy()
    mount.assert_clean()


def test_rejects_path_on_a_volume(run_pyforge, tmp_path):
    """--rejects dbfs:/Volumes/... (or /Volumes/...) names a file on the
    Volume, for convert and for a batch into one table, as the output does;
    before, the name was used as a local relative path."""
    m = Mount(tmp_path, known=True)
    src = tmp_path / "dirty.csv"
    src.write_text("id,name\n1,ann\n2,bob,EXTRA\n3,cy\n")
    run(run_pyforge, m, "convert", src, m.path("clean.parquet"), "--on-bad-rows", "skip",
        "--rejects", "dbfs:/Volumes/main/sales/raw/bad_rows.csv", "--quiet")
    assert "2,bob,EXTRA" in (m.vol / "bad_rows.csv").read_text()
    run(run_pyforge, m, "batch", src, "--format", "delta", "--table", m.path("lake"), "--on-bad-rows", "skip",
        "--rejects", "/Volumes/main/sales/raw/lake_rejects.csv", "--quiet")
    text = (m.vol / "lake_rejects.csv").read_text()
    assert text.splitlines()[0] == "file,line,reason,row" and "2,bob,EXTRA" in text
    assert not list(Path.cwd().glob("dbfs:*")), "a dbfs: name was used as a local path"
    m.assert_strategy()
    m.assert_clean()


# ---- Delta: create, append, overwrite, checkpoint ----------------------------------

def test_delta_lifecycle(run_pyforge, mount, tmp_path, spark):
    parts = []
    for k in range(3):
        header = ["id", "region", "amount"]
        rows = [[str(k * 1000 + i), ["eu", "us", "apac"][i % 3], f"{i * 1.5}"] for i in range(200)]
        parts.append(write_csv(tmp_path / f"p{k}.csv", header, rows))
    table = mount.path("sales_delta")
    conv = ("convert", "--format", "delta", "--json", "--checkpoint-interval", "2", "--partition-by", "region")

    def version_of(so):
        return json.loads(so)["table_version"]

    _, so, _ = run(run_pyforge, mount, conv[0], tmp_path / "p0.csv", table, *conv[1:])
    assert version_of(so) == 0
    _, so, _ = run(run_pyforge, mount, conv[0], tmp_path / "p1.csv", table, *conv[1:], "--mode", "append")
    assert version_of(so) == 1
    _, so, _ = run(run_pyforge, mount, conv[0], tmp_path / "p2.csv", table, *conv[1:], "--mode", "overwrite")
    assert version_of(so) == 2
    local = mount.vol / "sales_delta"
    log = local / "_delta_log"
    assert (log / f"{2:020d}.checkpoint.parquet").is_file(), sorted(p.name for p in log.iterdir())
    assert json.loads((log / "_last_checkpoint").read_text())["version"] == 2
    both = parts[0].columns, parts[1].columns
    v1 = type(parts[0])(parts[0].names, parts[0].types, [a + b for a, b in zip(*both)])
    for version, want in ((0, parts[0]), (1, v1), (2, parts[2])):
        compare(read_rs(local, version=version, sort="id"), as_delta(want), type_map=DELTA_ARROW)
    compare(read_spark(spark, local, sort="id"), as_delta(parts[2]), type_map=SPARK_TYPES)
    refused = mount.refusals()
    mount.assert_strategy()
    if not mount.known:
        assert any(r.startswith("link ENOSYS") for r in refused), refused  # commits: link tried
    mount.assert_clean()


# ---- a copy that fails half-way leaves nothing -------------------------------------

def test_failed_copy_leaves_nothing(run_pyforge, mount, typed_csv):
    src, _ = typed_csv
    rc, so, se = run(run_pyforge, mount, "convert", src, mount.path("broken.parquet"), ok=False,
                     PF_FUSE_FAIL_AFTER=20000)
    assert rc == 1, se
    assert "Input/output error" in se, se
    assert not (mount.vol / "broken.parquet").exists()
    assert list(mount.vol.iterdir()) == []
    mount.assert_clean()


def test_failed_delta_copy_leaves_table_unchanged(run_pyforge, mount, tmp_path):
    header = ["id", "v"]
    first = write_csv(tmp_path / "a.csv", header, [[str(i), f"x{i}"] for i in range(100)])
    # values that do not compress: the new data file is far larger than the
    # few kB the shim lets through
    write_csv(tmp_path / "b.csv", header,
              [[str(i), hashlib.sha256(str(i).encode()).hexdigest()] for i in range(100, 5000)])
    table = mount.path("t")
    run(run_pyforge, mount, "convert", tmp_path / "a.csv", table, "--format", "delta", "--quiet")
    before = sorted(str(p.relative_to(mount.vol)) for p in (mount.vol / "t").rglob("*"))
    written = sum(p.stat().st_size for p in (mount.vol / "t").rglob("*") if p.is_file())
    rc, so, se = run(run_pyforge, mount, "convert", tmp_path / "b.csv", table, "--format", "delta", "--mode",
                     "append", "--quiet", ok=False, PF_FUSE_FAIL_AFTER=written + 4000)
    assert rc == 1, se
    assert "Input/output error" in se, se
    after = sorted(str(p.relative_to(mount.vol)) for p in (mount.vol / "t").rglob("*"))
    assert after == before
    compare(read_rs(mount.vol / "t", sort="id"), as_delta(first), type_map=DELTA_ARROW)
    mount.assert_clean()


# ---- a missing privilege is named ------------------------------------------------

def test_missing_privilege_is_named(run_pyforge, tmp_path):
    """The shim refuses opens with EACCES the way the mount does for a user
    without READ VOLUME / WRITE VOLUME (the tests may run as root, whom
    file modes do not stop)."""
    m = Mount(tmp_path, known=True)
    (m.vol / "in.csv").write_text("id\n1\n")
    rc, so, se = run(run_pyforge, m, "convert", m.path("in.csv"), tmp_path / "o.parquet", ok=False,
                     PF_FUSE_DENY="read")
    assert rc == 1
    assert "needs the READ VOLUME privilege" in se and "GRANT READ VOLUME ON VOLUME main.sales.raw" in se, se
    rc, so, se = run(run_pyforge, m, "convert", m.vol / "in.csv",
                     m.path("out.parquet"), ok=False, PF_FUSE_DENY="write", PYFORGE_OUTPUT_STRATEGY="copy")
    assert rc == 1
    assert "needs the WRITE VOLUME privilege" in se and "GRANT WRITE VOLUME ON VOLUME main.sales.raw" in se, se
    assert not (m.vol / "out.parquet").exists()
    rc, so, se = run(run_pyforge, m, "convert", m.vol / "in.csv", m.path("lake"), "--format", "delta", ok=False,
                     PF_FUSE_DENY="write")
    assert rc == 1 and not (m.vol / "lake").exists(), se
    assert "needs the WRITE VOLUME privilege" in se, se
    m.assert_clean()
