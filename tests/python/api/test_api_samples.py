"""forge.install_sample_datasets and its companions: the same bytes as the
console script's `pyforge install sample-datasets`, the states the CLI
reports, filters as str or list, a directory bundle, progress and cancel,
the errors as PyForgeError subclasses."""
import hashlib
import json
from pathlib import Path

import pytest

from conftest import run_cli


def files_of(d: Path):
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_same_bytes_as_the_cli(pf, pyforge_exe, tmp_path):
    s = pf.install_sample_datasets(tmp_path / "api", formats=["csv", "xml", "dbf"], sizes="small", progress=False)
    assert sorted(f["path"] for f in s.files) == ["csv/small/sales.csv", "dbf/small/customers.dbf",
                                                 "dbf/small/customers.dbt", "xml/small/orders.xml"]
    assert {f["state"] for f in s.files} == {"installed"}
    for rel, p in s.paths.items():
        data = Path(p).read_bytes()
        f = next(x for x in s.files if x["path"] == rel)
        assert len(data) == f["bytes"] and hashlib.sha256(data).hexdigest() == f["sha256"]
    r = run_cli(pyforge_exe, "install", "sample-datasets", tmp_path / "cli", "-f", "csv,xml,dbf", "-s", "small")
    assert r.returncode == 0, r.stderr
    assert files_of(tmp_path / "api") == files_of(tmp_path / "cli"), "the API and the CLI wrote different bytes"
    again = pf.install_sample_datasets(tmp_path / "api", formats="csv", sizes=["small"], progress=False)
    assert [f["state"] for f in again.files] == ["present"]


def test_installed_uninstall_and_catalogue(pf, tmp_path):
    d = tmp_path / "s"
    pf.install_sample_datasets(d, formats="csv,pdf", sizes="small", progress=False)
    assert pf.installed_sample_datasets(d).changed == 0
    (d / "csv/small/sales.csv").write_text("changed\n")
    got = pf.installed_sample_datasets(d)
    assert got.changed == 1
    assert {f["path"]: f["state"] for f in got.files}["csv/small/sales.csv"] == "changed"
    with pytest.raises(pf.OutputExistsError):
        pf.install_sample_datasets(d, formats="csv", sizes="small", progress=False)
    pf.install_sample_datasets(d, formats="csv", sizes="small", force=True, progress=False)
    assert pf.installed_sample_datasets(d).changed == 0
    gone = pf.uninstall_sample_datasets(d)
    assert {f["state"] for f in gone.files} == {"removed"}
    assert list(d.iterdir()) == []
    cat = pf.list_sample_datasets()
    assert {c["format"] for c in cat} == {"csv", "excel", "xml", "dbf", "pdf", "access"}
    assert [c["generated"] for c in cat if c["format"] == "access"] == [False, False, False]
    from pyforge_cli.extensions.databricks import forge
    assert forge.install_sample_datasets is pf.install_sample_datasets


def test_bundle_and_errors(pf, tmp_path):
    src = tmp_path / "bundle"
    pf.install_sample_datasets(src, formats="xml", sizes="small", progress=False)
    got = pf.install_sample_datasets(tmp_path / "dest", from_=str(src), sizes="small", progress=False)
    assert got.source == str(src) and [f["state"] for f in got.files] == ["installed"]
    assert [f["path"] for f in pf.list_sample_datasets(from_=str(src))] == ["xml/small/orders.xml"]
    m = json.loads((src / "manifest.json").read_text())
    m["files"][0]["sha256"] = "0" * 64
    (src / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(pf.InputError, match="SHA-256"):
        pf.install_sample_datasets(tmp_path / "bad", from_=str(src), sizes="small", progress=False)
    assert not any((tmp_path / "bad").rglob("*.xml"))
    with pytest.raises(pf.UnsupportedError, match="bundle"):
        pf.install_sample_datasets(tmp_path / "x", formats="access", progress=False)
    with pytest.raises(pf.InvalidArgumentError, match="csv, excel, xml, dbf, access, pdf"):
        pf.install_sample_datasets(tmp_path / "x", formats="parquet", progress=False)
    with pytest.raises(TypeError):
        pf.install_sample_datasets(tmp_path / "x", sizes=3)


def test_progress_and_cancel(pf, tmp_path):
    seen = []
    pf.install_sample_datasets(tmp_path / "p", formats="csv", sizes="small",
                               progress=lambda done, total, unit: seen.append((done, total, unit)))
    assert seen and seen[-1][0] >= 1_000_000 and seen[-1][1] == 1_000_000 and seen[-1][2] == "bytes"

    def stop(done, total, unit):
        return done < 5_000_000

    with pytest.raises(pf.CanceledError):
        pf.install_sample_datasets(tmp_path / "c", formats="csv", sizes="medium", progress=stop)
    assert not (tmp_path / "c" / "csv" / "medium" / "sales.csv").exists()
    assert not [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
