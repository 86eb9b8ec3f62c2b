"""Python extensions through entry points: a valid one (its command through
the console script, its parameter enhancement and post-convert hook), a
broken one (import error), an unavailable one, one whose initialize()
raises, one that is not a BaseExtension; PYFORGE_FORCE_CORE; reload; the
Databricks extension registered by this package. Each case runs in a
subprocess whose path holds fake distributions (dist-info + modules)."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

EXTS = {
    "goodext": ("good", "goodext:Good", '''
        from pyforge_cli.extensions.base import BaseExtension
        class Good(BaseExtension):
            version = "1.2"
            description = "a test extension"
            def get_commands(self):
                return {"hello": lambda argv: print("hello", *argv) or 3}
            def enhance_convert_command(self, ctx, **kw):
                kw.setdefault("compression", "zstd")
                return kw
            def post_convert(self, result):
                result["warnings"].append("seen by good")
                return result
        '''),
    "brokenext": ("broken", "brokenext:Broken", "import no_such_module_anywhere\n"),
    "unavailext": ("unavail", "unavailext:Unavail", '''
        from pyforge_cli.extensions.base import BaseExtension
        class Unavail(BaseExtension):
            unavailable_reason = "needs a GPU"
            def is_available(self):
                return False
        '''),
    "failext": ("failinit", "failext:FailInit", '''
        from pyforge_cli.extensions.base import BaseExtension
        class FailInit(BaseExtension):
            def initialize(self):
                raise RuntimeError("no licence")
        '''),
    "notext": ("notext", "notext:thing", "def thing():\n    pass\n"),
}


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    for mod, (ep, value, code) in EXTS.items():
        (site / f"{mod}.py").write_text(textwrap.dedent(code))
        info = site / f"{mod}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {mod}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[pyforge.extensions]\n{ep} = {value}\n")
        (info / "RECORD").write_text("")
    return site


def run_py(site, code, **env_extra):
    env = dict(os.environ, PYTHONPATH=str(site), **env_extra)
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def console(site, *args, **env_extra):
    env = dict(os.environ, PYTHONPATH=str(site), **env_extra)
    exe = str(Path(sys.executable).parent / "pyforge")
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=120)


LIST = """
    import json, pyforge_cli as pf
    print(json.dumps({e["name"]: e for e in pf.list_extensions()}))
"""


def test_states_and_reasons(site):
    exts = json.loads(run_py(site, LIST))
    assert exts["pyforge"]["kind"] == "built-in" and "csv" in exts["pyforge"]["formats"]
    assert exts["good"]["state"] == "loaded" and exts["good"]["version"] == "1.2"
    assert exts["good"]["commands"] == ["hello"] and exts["good"]["kind"] == "python"
    assert exts["broken"]["state"] == "failed" and "no_such_module_anywhere" in exts["broken"]["reason"]
    assert exts["unavail"]["state"] == "unavailable" and exts["unavail"]["reason"] == "needs a GPU"
    assert exts["failinit"]["state"] == "failed" and "initialize() raised RuntimeError: no licence" in exts["failinit"]["reason"]
    assert exts["notext"]["state"] == "failed" and "not a BaseExtension" in exts["notext"]["reason"]
    assert exts["databricks"]["state"] == "loaded" and "volumes" in exts["databricks"]["commands"]


def test_hooks_run_and_broken_ones_never_break_a_conversion(site, data):
    out = run_py(site, f"""
        import pyforge_cli as pf, pyarrow.parquet as pq
        r = pf.convert({str(data / 'people.csv')!r}, progress=False)
        print(r.row_count, r.warnings, pq.ParquetFile(r.output_path).metadata.row_group(0).column(0).compression)
    """)
    assert out.split()[0] == "3" and "seen by good" in out and "ZSTD" in out


def test_discovery_is_lazy(site, data):
    out = run_py(site, """
        import sys, pyforge_cli as pf
        from pyforge_cli.extensions import _registry
        print(_registry._records is None, "goodext" in sys.modules)
    """)
    assert out.split() == ["True", "False"]


def test_force_core(site, data):
    exts = json.loads(run_py(site, LIST, PYFORGE_FORCE_CORE="true"))
    assert {n: e["state"] for n, e in exts.items() if e["kind"] == "python"} == {
        "good": "disabled", "broken": "disabled", "unavail": "disabled", "failinit": "disabled",
        "notext": "disabled", "databricks": "disabled"}
    out = run_py(site, f"""
        import sys, pyforge_cli as pf
        r = pf.convert({str(data / 'people.csv')!r}, progress=False)
        print(r.warnings, "goodext" in sys.modules)
    """, PYFORGE_FORCE_CORE="1")
    assert out.strip() == "[] False"
    p = console(site, "hello", PYFORGE_FORCE_CORE="true")
    assert p.returncode == 2 and "unknown command 'hello'" in p.stderr


def test_console_script_runs_extension_commands(site, tmp_path):
    p = console(site, "hello", "a", "b")
    assert (p.returncode, p.stdout) == (3, "hello a b\n"), p.stderr
    p = console(site, "-q", "hello")
    assert p.returncode == 3
    p = console(site, "extensions")
    assert p.returncode == 0 and "good" in p.stdout and "failed" in p.stdout and "needs a GPU" in p.stdout
    rows = json.loads(console(site, "extensions", "--json").stdout)
    assert {r["name"] for r in rows} >= {"pyforge", "good", "broken", "databricks"}
    p = console(site, "nosuchcommand")
    assert p.returncode == 2 and "unknown command 'nosuchcommand'" in p.stderr
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "a.csv").write_text("x\n1\n")
    p = console(site, "volumes", "ls", str(tmp_path / "v"))
    assert p.returncode == 0 and "a.csv" in p.stdout
    p = console(site, "volumes", "parse", "/Volumes/main/sales")
    assert p.returncode == 1 and "<volume> part is missing" in p.stderr


def test_reload(site):
    out = run_py(site, f"""
        import pathlib, pyforge_cli as pf
        before = {{e["name"]: e["version"] for e in pf.list_extensions()}}["good"]
        p = pathlib.Path({str(site / 'goodext.py')!r})
        p.write_text(p.read_text().replace('version = "1.2"', 'version = "1.3"'))
        after = {{e["name"]: e["version"] for e in pf.reload_extensions()}}["good"]
        print(before, after)
    """)
    assert out.split() == ["1.2", "1.3"]


def test_databricks_forge_object(pf, data):
    from pyforge_cli.extensions.databricks import DatabricksExtension, PyForgeDatabricks, forge

    assert isinstance(forge, PyForgeDatabricks)
    for name in ("convert", "get_info", "validate", "read", "batch_convert", "get_environment_info",
                 "list_extensions", "reload_extensions", "volumes"):
        assert hasattr(forge, name), name
    r = forge.convert(data / "people.csv", progress=False)
    assert r.row_count == 3 and forge.get_info(r.output_path).rows == 3
    assert forge.is_databricks is False and "not on Databricks" in repr(forge)
    assert issubclass(DatabricksExtension, pf.extensions.base.BaseExtension)
