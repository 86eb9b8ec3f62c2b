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
    assert exts["csv"]["kind"] == "built-in" and exts["csv"]["formats"] == ["csv (input)"]
    assert exts["parquet"]["formats"] == ["parquet (input)", "parquet (output)"]
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
    rows = {r["name"]: r for r in json.loads(console(site, "extensions", "--json").stdout)}
    assert {"csv", "good", "broken", "databricks"} <= set(rows)
    assert rows["csv"]["kind"] == "built-in" and rows["good"]["kind"] == "python"
    assert rows["good"]["description"] == "a test extension; commands: pyforge hello"
    assert rows["good"]["path"] == "goodext:Good" and rows["unavail"]["state"] == "unavailable"
    assert console(site, "-q", "--list-extensions").stdout == p.stdout
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


# ---- C plugins beside the Python extensions ----

def _plugin_env(*paths) -> dict:
    return {"PYFORGE_PLUGIN_PATH": ":".join(str(p) for p in paths)}


def jsonl_plugin() -> Path:
    """The template plugin built in Release (build/release/plugins/jsonl.so;
    test_api_suite.py names it): the wheel's module loads it as the C
    command line does."""
    p = Path(os.environ.get("PYFORGE_API_PLUGIN", ""))
    if not p.is_file():
        from conftest import REQUIRED

        if "jsonl_plugin" in REQUIRED:
            pytest.fail(f"the jsonl plugin is required here but {p} is not a file")
        pytest.skip("no built jsonl plugin (PYFORGE_API_PLUGIN)")
    return p


def test_c_plugins_listed_beside_python_extensions(site, tmp_path):
    bogus = tmp_path / "plugins" / "bogus.so"
    bogus.parent.mkdir()
    bogus.write_bytes(b"not a shared library\n")
    exts = json.loads(run_py(site, LIST, **_plugin_env(bogus.parent)))
    assert exts["bogus"]["kind"] == "c-plugin" and exts["bogus"]["state"] == "failed"
    assert exts["bogus"]["path"] == str(bogus) and exts["bogus"]["reason"]
    assert exts["good"]["kind"] == "python" and exts["csv"]["kind"] == "built-in"
    names = [e for e in exts]
    assert names.index("bogus") < names.index("good"), "the engine's entries come first"
    rows = json.loads(console(site, "extensions", "--json", **_plugin_env(bogus.parent)).stdout)
    assert [r["kind"] for r in rows if r["name"] in ("bogus", "good")] == ["c-plugin", "python"]
    exts = json.loads(run_py(site, LIST, PYFORGE_FORCE_CORE="true", **_plugin_env(bogus.parent)))
    assert exts["bogus"]["state"] == "disabled" and exts["good"]["state"] == "disabled"


def test_a_c_plugin_converts_through_the_api(site, tmp_path):
    plugin = jsonl_plugin()
    src = tmp_path / "rows.jsonl"
    src.write_text('{"id": 1, "name": "ann"}\n{"id": 2, "name": "bob"}\n')
    out = run_py(site, f"""
        import json, pyforge_cli as pf, pyarrow.parquet as pq
        e = {{x["name"]: x for x in pf.list_extensions()}}["jsonl"]
        r = pf.convert({str(src)!r}, progress=False)
        t = pq.read_table(r.output_path)
        print(json.dumps([e["kind"], e["state"], e["formats"], r.input_format, t.to_pylist()]))
    """, **_plugin_env(plugin))
    kind, state, formats, fmt, rows = json.loads(out)
    assert (kind, state, fmt) == ("c-plugin", "loaded", "jsonl")
    assert "jsonl (input)" in formats
    assert rows == [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}]


def test_the_package_plugin_directory_is_searched(site, tmp_path):
    """<site-packages>/pyforge_cli/plugins: found without PYFORGE_PLUGIN_PATH."""
    import pyforge_cli

    plugin = jsonl_plugin()
    pkg_dir = Path(pyforge_cli.__file__).resolve().parent / "plugins"
    made = not pkg_dir.exists()
    pkg_dir.mkdir(exist_ok=True)
    placed = pkg_dir / "jsonl.so"
    assert not placed.exists()
    placed.write_bytes(plugin.read_bytes())
    try:
        exts = json.loads(run_py(site, LIST, PYFORGE_PLUGIN_PATH=""))
        assert exts["jsonl"]["state"] == "loaded" and exts["jsonl"]["path"] == str(placed)
        p = console(site, "extensions", PYFORGE_PLUGIN_PATH="")
        assert p.returncode == 0 and str(placed) in p.stdout and "databricks" in p.stdout
    finally:
        placed.unlink()
        if made:
            pkg_dir.rmdir()
