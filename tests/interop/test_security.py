"""Tier 3: the security promises of docs/security.md, through the CLI.

- credentials in the environment and in paths never reach stdout, stderr
  or logs (`pyforge env`, errors, -vv logs);
- paths inside inputs never reach the file system: an XML external entity
  and a workbook relationship pointing at a local file are never opened
  (tests/shim/fuse_shim.c logs every open under a watched directory);
- paths a user passes are never run by a shell;
- a final output gets the mode the umask gives; --force replaces a symlink
  planted at the target's name and leaves the file it points to alone.
"""
from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from test_volume_fuse import SHIM

TOKEN = "dapi0123456789abcdef0123456789abcdef"
SECRET = "hunter2-Sup3rS3cret"


# ---- credentials ------------------------------------------------------------------

def test_env_never_prints_secrets(run_pyforge):
    env = {"DATABRICKS_HOST": f"https://me:{SECRET}@adb-1.azuredatabricks.net",
           "DATABRICKS_TOKEN": TOKEN, "DATABRICKS_CLIENT_SECRET": SECRET,
           "SPARK_REMOTE": f"sc://adb-1.azuredatabricks.net:443/;token={TOKEN};x-databricks-cluster-id=0101",
           "DATABRICKS_CONFIG_PROFILE": "dev"}
    for args in (["env"], ["env", "--json"], ["-vv", "env"]):
        rc, so, se = run_pyforge(*args, env=env)
        assert rc == 0, se
        for s in (TOKEN, SECRET, TOKEN[4:]):
            assert s not in so and s not in se, f"{args}: secret printed"
    rc, so, se = run_pyforge("env", env=env)
    assert "DATABRICKS_TOKEN" in so and "<redacted>" in so  # named, not shown
    assert "token=***" in so and "https://me:***@adb-1.azuredatabricks.net" in so
    assert "x-databricks-cluster-id=0101" in so  # not a secret: kept


def test_errors_and_logs_never_print_secrets(run_pyforge, tmp_path):
    bad = f"https://me:{SECRET}@example.com/data.csv?sig={SECRET}"
    rc, so, se = run_pyforge("-vv", "convert", bad, tmp_path / "o.parquet")
    assert rc != 0
    assert SECRET not in so + se, se
    assert "me:***@example.com" in se, se
    rc, so, se = run_pyforge("-vv", "info", f"s3://bucket/k.csv?X-Amz-Signature={SECRET}")
    assert rc != 0 and SECRET not in so + se, se


# ---- paths inside inputs never reach the file system ------------------------------

@pytest.fixture
def watched(tmp_path):
    """A directory holding a secret file; the shim logs every open in it."""
    if SHIM is None:
        pytest.skip("tests/shim/fuse_shim.so not built")
    d = tmp_path / "watched"
    d.mkdir()
    (d / "secret.txt").write_text("SECRET-FILE-CONTENT")
    log = tmp_path / "opens.log"
    env = {"LD_PRELOAD": str(SHIM), "PF_FUSE_DIRS": str(d), "PF_FUSE_LOG": str(log), "PF_FUSE_LOG_OPENS": "1",
           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=1") + ":verify_asan_link_order=0"}
    # the watch works: an open of the file is logged
    subprocess.run([sys.executable, "-c", f"open({str(d / 'secret.txt')!r}).read()"],
                   env=dict(os.environ, **{k: v for k, v in env.items() if k != "ASAN_OPTIONS"}), check=True)
    assert opened(log) == [f"open {d / 'secret.txt'}"], opened(log)
    log.unlink()
    return d, log, env


def opened(log: Path) -> list[str]:
    return [ln for ln in log.read_text().splitlines() if ln.startswith("open ")] if log.exists() else []


def test_xml_external_entity_is_never_read(run_pyforge, tmp_path, watched):
    d, log, env = watched
    secret = d / "secret.txt"
    xml = tmp_path / "xxe.xml"
    xml.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rows [<!ENTITY leak SYSTEM "file://{secret}">\n'
                   f'<!ENTITY % p SYSTEM "file://{secret}"> ]>\n'
                   '<rows><row><v>&leak;</v><w>x</w></row><row><v>b</v><w>y</w></row></rows>\n')
    rc, so, se = run_pyforge("convert", xml, tmp_path / "x.parquet", env=env)
    # whatever PyForge decides about the entity, it never opens the file
    assert opened(log) == [], opened(log)
    if rc == 0:
        t = pq.read_table(tmp_path / "x.parquet")
        assert "SECRET-FILE-CONTENT" not in str(t.to_pylist())
    assert "SECRET-FILE-CONTENT" not in so + se


def test_workbook_paths_never_reach_the_file_system(run_pyforge, tmp_path, watched):
    d, log, env = watched
    secret = d / "secret.txt"
    rel = os.path.relpath(secret, "/")
    book = tmp_path / "evil.xlsx"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/worksheet" Target="../../../../../../../../{rel}"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'sharedStrings" Target="file://{secret}" TargetMode="External"/></Relationships>',
        f"../../../../{rel}": "zip-slip member name",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    book.write_bytes(buf.getvalue())
    for args in (["info", book], ["convert", book, tmp_path / "out"], ["validate", book]):
        rc, so, se = run_pyforge(*args, env=env)
        assert opened(log) == [], (args, opened(log))
        assert "SECRET-FILE-CONTENT" not in so + se
    assert (secret.read_text() == "SECRET-FILE-CONTENT")


def test_paths_are_never_run_by_a_shell(run_pyforge, tmp_path):
    for name in ("$(touch pwned1).csv", "`touch pwned2`.csv", "a;touch pwned3;.csv", "a|touch pwned4.csv"):
        src = tmp_path / name
        src.write_text("id\n1\n")
        rc, so, se = run_pyforge("convert", src, "--quiet", cwd=tmp_path)
        assert rc == 0, se
        rc, so, se = run_pyforge("info", src, cwd=tmp_path)
        assert rc == 0, se
    assert not list(tmp_path.glob("pwned*"))
    assert len(list(tmp_path.glob("*.parquet"))) == 4


# ---- modes and symlinks ----------------------------------------------------------

@pytest.mark.parametrize("strategy", ["rename", "copy"])
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_output_mode_follows_umask(pyforge_bin, tmp_path, strategy, mask):
    src = tmp_path / "a.csv"
    src.write_text("id\n1\n")
    env = dict(os.environ, PYFORGE_OUTPUT_STRATEGY=strategy)
    for fmt, out in (("parquet", tmp_path / "a.parquet"), ("delta", tmp_path / "lake")):
        p = subprocess.run([str(pyforge_bin), "convert", str(src), str(out), "--format", fmt, "--quiet"],
                           env=env, capture_output=True, text=True, preexec_fn=lambda: os.umask(mask))
        assert p.returncode == 0, p.stderr
    want = 0o666 & ~mask
    files = [tmp_path / "a.parquet"] + [p for p in (tmp_path / "lake").rglob("*") if p.is_file()]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == want, f"{f}: {oct(f.stat().st_mode)} with umask {oct(mask)}"


@pytest.mark.parametrize("strategy", ["rename", "copy"])
def test_force_replaces_a_planted_symlink(run_pyforge, tmp_path, strategy):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "out.parquet"
    target.symlink_to(victim)
    src = tmp_path / "a.csv"
    src.write_text("id\n1\n2\n")
    env = {"PYFORGE_OUTPUT_STRATEGY": strategy}
    rc, so, se = run_pyforge("convert", src, target, "--quiet", env=env)
    assert rc == 1 and "already exists" in se, se  # a link is an existing output
    rc, so, se = run_pyforge("convert", src, target, "--force", "--quiet", env=env)
    assert rc == 0, se
    assert victim.read_text() == "precious"
    assert not target.is_symlink() and pq.read_table(target).column("id").to_pylist() == [1, 2]
