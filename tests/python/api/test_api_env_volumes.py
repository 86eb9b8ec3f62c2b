"""get_environment_info in simulated environments (variables and fake
files only: a serverless box, classic 13.3 from a DBR_VERSION file, classic
15.4 in standard access mode, a Databricks Connect client, a laptop), and
forge.volumes against a fake Volumes root (PYFORGE_VOLUMES_ROOT)."""
import datetime
import json
import os
import subprocess
import sys
import textwrap

import pytest

ENV_SCRIPT = textwrap.dedent("""
    import json, pyforge_cli as pf
    e = pf.get_environment_info()
    print(json.dumps({k: e[k] for k in ("is_databricks", "compute_type", "runtime_version", "spark_connect",
                                        "databricks_client", "reasons", "variables", "available_engines",
                                        "engines", "python_version", "engine_version", "threads",
                                        "spark_session_active", "platform")}))
""")

CLEAN = ("DATABRICKS_RUNTIME_VERSION", "IS_SERVERLESS", "SPARK_CONNECT_MODE_ENABLED", "DATABRICKS_HOST",
         "DATABRICKS_TOKEN", "SPARK_REMOTE", "DATABRICKS_CLUSTER_ID", "DB_CLUSTER_ID", "DATABRICKS_WORKSPACE_ID")


def env_in(tmp_path, **vars):
    env = {k: v for k, v in os.environ.items() if k not in CLEAN}
    env.setdefault("PYFORGE_DATABRICKS_ROOT", str(tmp_path / "no-databricks"))
    env.setdefault("PYFORGE_VOLUMES_ROOT", str(tmp_path / "no-volumes"))
    env.update(vars)
    p = subprocess.run([sys.executable, "-c", ENV_SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_laptop(tmp_path):
    e = env_in(tmp_path)
    assert (e["is_databricks"], e["compute_type"], e["runtime_version"], e["spark_connect"]) == (False, "local", None, False)
    assert e["available_engines"] == ["native"] and e["engines"]["spark"]["available"] is False
    assert e["python_version"] == ".".join(map(str, sys.version_info[:3]))
    assert e["threads"] >= 1 and e["spark_session_active"] is None and e["engine_version"]


def test_serverless(tmp_path):
    e = env_in(tmp_path, DATABRICKS_RUNTIME_VERSION="client.3.1", IS_SERVERLESS="TRUE")
    assert (e["is_databricks"], e["compute_type"], e["runtime_version"], e["spark_connect"]) == (True, "serverless", "client.3.1", True)
    assert "client." in e["reasons"]["compute_type"]


def test_classic_13_3_from_the_file(tmp_path):
    root = tmp_path / "databricks"
    root.mkdir()
    (root / "DBR_VERSION").write_text("13.3\n")
    e = env_in(tmp_path, PYFORGE_DATABRICKS_ROOT=str(root))
    assert (e["is_databricks"], e["compute_type"], e["runtime_version"], e["spark_connect"]) == (True, "classic", "13.3", False)
    assert "DBR_VERSION" in e["reasons"]["is_databricks"]


def test_classic_15_4_standard_mode(tmp_path):
    e = env_in(tmp_path, DATABRICKS_RUNTIME_VERSION="15.4", SPARK_CONNECT_MODE_ENABLED="1")
    assert (e["compute_type"], e["spark_connect"]) == ("classic", True)


def test_client_with_a_secret(tmp_path):
    e = env_in(tmp_path, DATABRICKS_HOST="https://x.cloud.databricks.com", DATABRICKS_TOKEN="dapi0123456789abcdef")
    assert (e["is_databricks"], e["databricks_client"]) == (False, True)
    assert "dapi0123456789abcdef" not in json.dumps(e)
    assert e["variables"]["DATABRICKS_TOKEN"] == "<redacted>"


def test_cached_and_fresh(pf):
    a = pf.get_environment_info()
    b = pf.get_environment_info()
    assert b["cached"] is True and a["compute_type"] == b["compute_type"]
    assert pf.get_environment_info(fresh=True)["cached"] is False
    assert "<th" in a._repr_html_() and "compute_type" in repr(a)


@pytest.fixture
def volumes_root(tmp_path, monkeypatch):
    root = tmp_path / "Volumes"
    d = root / "main" / "sales" / "landing"
    (d / "sub").mkdir(parents=True)
    (d / "a.csv").write_text("x\n1\n2\n")
    (d / "sub" / "b.csv").write_text("y\n3\n")
    monkeypatch.setenv("PYFORGE_VOLUMES_ROOT", str(root))
    return root


VOL_SCRIPT = textwrap.dedent("""
    import json, sys, pyforge_cli as pf
    v = pf.volumes
    out = {}
    out["parse"] = v.validate("dbfs:/Volumes/main/sales/landing/a.csv")
    out["exists"] = [v.exists("/Volumes/main/sales/landing/a.csv"), v.exists("/Volumes/main/sales/landing/zz.csv")]
    m = v.metadata("/Volumes/main/sales/landing")
    out["meta"] = {k: m[k] for k in ("kind", "files", "directories", "total_size", "volume", "uri")}
    out["file"] = v.metadata("/Volumes/main/sales/landing/a.csv")["size"]
    out["top"] = sorted(e["path"] for e in v.list("/Volumes/main/sales/landing"))
    out["all"] = sorted(e["path"] for e in v.list("/Volumes/main/sales/landing", recursive=True))
    r = pf.convert("/Volumes/main/sales/landing/a.csv", progress=False)
    out["convert"] = [r.output_path, r.row_count]
    try:
        v.validate("/Volumes/main/sales")
    except pf.InvalidArgumentError as e:
        out["bad"] = str(e)
    print(json.dumps(out, default=str))
""")


def test_volumes(volumes_root):
    p = subprocess.run([sys.executable, "-c", VOL_SCRIPT], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    o = json.loads(p.stdout)
    assert o["parse"]["kind"] == "volume" and o["parse"]["full_name"] == "main.sales.landing"
    assert o["parse"]["fuse_path"] == "/Volumes/main/sales/landing/a.csv"
    assert o["parse"]["uri"] == "dbfs:/Volumes/main/sales/landing/a.csv"
    assert o["parse"]["local_path"] == str(volumes_root / "main/sales/landing/a.csv")
    assert o["exists"] == [True, False]
    assert o["meta"] == {"kind": "directory", "files": 2, "directories": 1, "total_size": 10,
                         "volume": "main.sales.landing", "uri": "dbfs:/Volumes/main/sales/landing"}
    assert o["file"] == 6
    assert o["top"] == ["a.csv", "sub"] and o["all"] == ["a.csv", "sub", "sub/b.csv"]
    assert o["convert"][1] == 2 and o["convert"][0].endswith("main/sales/landing/a.parquet")
    assert "the <volume> part is missing" in o["bad"]


def test_volumes_not_mounted(pf, tmp_path, monkeypatch):
    script = textwrap.dedent("""
        import pyforge_cli as pf
        for call in (lambda: pf.volumes.exists("/Volumes/main/s/v/a.csv"), lambda: pf.convert("/Volumes/main/s/v/a.csv")):
            try:
                call()
            except pf.PyForgeError as e:
                print(type(e).__name__, "|", e)
    """)
    env = dict(os.environ, PYFORGE_VOLUMES_ROOT=str(tmp_path / "absent"))
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 2 and all("Volumes are not available on this machine" in ln for ln in lines), p.stdout


def test_local_paths(pf, data):
    v = pf.volumes.validate(data / "people.csv")
    assert v["kind"] == "local" and v["is_volume"] is False
    m = pf.volumes.metadata(data / "people.csv")
    assert m["kind"] == "file" and m["size"] == (data / "people.csv").stat().st_size
    assert isinstance(m["modified"], datetime.datetime)
    names = {e["name"] for e in pf.volumes.list(data)}
    assert {"people.csv", "books.xml"} <= names
    with pytest.raises(pf.InputNotFoundError):
        pf.volumes.metadata(data / "missing")
    pf.volumes.check(data / "people.csv")
    with pytest.raises(pf.PyForgeError):
        pf.volumes.check(data / "nodir" / "x.parquet", write=True)
