"""The pyforge command with plugins: a valid one (the template, jsonl), a
broken one, several at once; how `pyforge extensions`, `formats`, `--help`
and `help --markdown` show them; disabling; a broken plugin never breaks a
command that does not need it; a shipped plugin imports no pf_ symbol."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from plugin_paths import built_test_plugin, jsonl_plugin, plugin_env


def _extensions(run_pyforge, env) -> list[dict]:
    rc, out, err = run_pyforge("extensions", "--json", env=env)
    assert rc == 0, err
    return json.loads(out)


def _named(exts, name, kind="c-plugin"):
    found = [e for e in exts if e["name"] == name and e["kind"] == kind]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_shipped_plugin_imports_no_pf_symbol_and_exports_only_its_entry():
    nm = shutil.which("nm")
    if not nm:
        pytest.skip("nm not found (binutils)")
    so = jsonl_plugin()
    undefined = subprocess.run([nm, "-u", str(so)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1] for line in undefined.splitlines() if line.strip()]
    assert names, "nm -u listed nothing: the check would prove nothing"
    assert [n for n in names if n.startswith("pf_") or n.startswith("pf__")] == []
    exported = subprocess.run([nm, "-D", "--defined-only", str(so)], capture_output=True,
                              text=True, check=True).stdout
    ours = [line.split()[-1] for line in exported.splitlines()
            if line.split() and line.split()[1] in ("T", "D", "B", "R")
            and not line.split()[-1].startswith("_")]
    assert ours == ["pyforge_plugin_init"]


def test_valid_plugin_listed_and_its_format_converts(run_pyforge, work_dir):
    env = plugin_env(jsonl_plugin())
    exts = _extensions(run_pyforge, env)
    assert [e["name"] for e in exts[:6]] == ["csv", "xlsx", "xml", "dbf", "parquet", "delta"]
    assert all(e["kind"] == "built-in" and e["state"] == "loaded" for e in exts[:6])
    j = _named(exts, "jsonl")
    assert (j["state"], j["reason"], j["formats"], j["abi"], j["path"]) == \
        ("loaded", "", "jsonl (input)", "1.0", str(jsonl_plugin()))
    # --list-extensions is the same list as text
    rc, out, _ = run_pyforge("--list-extensions", env=env)
    assert rc == 0 and "jsonl      1.0.0     c-plugin  loaded      jsonl (input)" in out
    # formats says where each comes from
    rc, out, _ = run_pyforge("formats", env=env)
    line = [l for l in out.splitlines() if l.startswith("jsonl ")]
    assert line and "plugin jsonl" in line[0] and ".jsonl .ndjson" in line[0]
    rc, out, _ = run_pyforge("formats", "--json", env=env)
    f = [x for x in json.loads(out) if x["name"] == "jsonl"][0]
    assert (f["plugin"], f["origin"], f["kind"]) == ("jsonl", str(jsonl_plugin()), "input")
    src = work_dir / "a.jsonl"
    src.write_text('{"x": 1}\n{"x": 2}\n')
    rc, out, err = run_pyforge("convert", str(src), "--json", env=env)
    assert rc == 0, err
    r = json.loads(out)
    assert (r["input_format"], r["rows"], r["output"]) == ("jsonl", 2, str(work_dir / "a.parquet"))


def test_plugin_keys_are_flags_help_and_docs(run_pyforge, work_dir):
    env = plugin_env(jsonl_plugin())
    rc, out, _ = run_pyforge("convert", "--help", env=env)
    assert rc == 0
    assert "Reading options (JSON Lines, plugin jsonl):" in out
    assert "--jsonl-nested MODE" in out and "--jsonl-sample-rows N" in out
    rc, md, _ = run_pyforge("help", "--markdown", env=env)
    assert "| `--jsonl-nested MODE` | `jsonl.nested` (`jsonl_nested`) | `flatten` | all |" in md
    # a bad value is reported like a built-in key's, in the CLI's spelling
    src = work_dir / "a.jsonl"
    src.write_text('{"x": 1}\n')
    rc, _, err = run_pyforge("convert", str(src), "--jsonl-nested", "deep", env=env)
    assert rc == 2
    assert "--jsonl-nested takes flatten or json; got 'deep'" in err
    # without the plugin the flag is unknown and the format too
    rc, _, err = run_pyforge("convert", str(src), "--jsonl-nested", "json", env=plugin_env())
    assert rc == 2 and "unknown option '--jsonl-nested'" in err
    rc, _, err = run_pyforge("convert", str(src), "--input-format", "jsonl", env=plugin_env())
    assert rc == 2 and "unknown input format 'jsonl'; known: csv (" in err


def test_broken_plugins_break_no_command_that_does_not_need_them(run_pyforge, work_dir, data_dir):
    junk = work_dir / "plugins" / "junk.so"
    junk.parent.mkdir()
    junk.write_bytes(bytes(range(256)) * 4)
    fails = built_test_plugin("tpfails")
    env = plugin_env(junk.parent, fails)
    exts = _extensions(run_pyforge, env)
    j = _named(exts, "junk")
    assert j["state"] == "failed" and j["reason"].startswith("not a plugin: not a shared library")
    f = _named(exts, "tpfails")
    assert (f["state"], f["reason"]) == ("failed", "init failed: the license file is missing")
    # the list's own output carries no warning lines (the list says it)
    rc, out, err = run_pyforge("extensions", env=env)
    assert rc == 0 and err == ""
    assert "init failed: the license file is missing" in out
    # a CSV conversion works, and says what failed on stderr
    rc, out, err = run_pyforge("convert", str(data_dir / "people.csv"), str(work_dir / "p.parquet"),
                               "--quiet", env=env)
    assert rc == 0, err
    assert (work_dir / "p.parquet").stat().st_size > 0
    rc, out, err = run_pyforge("convert", str(data_dir / "people.csv"), str(work_dir / "q.parquet"),
                               env=env)
    assert rc == 0
    assert "pyforge: warning: [tpfails] plugin " in err and "failed: init failed: the license" in err


def test_several_plugins_at_once(run_pyforge, work_dir):
    env = plugin_env(jsonl_plugin(), built_test_plugin("tpgood"), built_test_plugin("tpclash"))
    exts = _extensions(run_pyforge, env)
    assert [e["name"] for e in exts if e["kind"] == "c-plugin"] == ["jsonl", "tpgood", "tpclash"]
    assert _named(exts, "tpclash")["reason"] == \
        "refused: format name 'csv' clashes with the built-in csv reader"
    lines = work_dir / "t.tplines"
    lines.write_text("one\ntwo\n")
    rc, _, err = run_pyforge("convert", str(lines), str(work_dir / "t.tptext"), "--tp-upper",
                             "--tp-separator", ";", "-q", env=env)
    assert rc == 0, err
    assert (work_dir / "t.tptext").read_text() == "ONE\nTWO\n"
    js = work_dir / "t.jsonl"
    js.write_text('{"a": "x", "b": 2}\n')
    rc, _, err = run_pyforge("convert", str(js), str(work_dir / "t2.tptext"), "-q", env=env)
    assert rc == 0, err
    assert (work_dir / "t2.tptext").read_text() == "x\t2\n"  # jsonl in, the test writer out


def test_disabling_by_name_and_force_core(run_pyforge, work_dir):
    env = plugin_env(jsonl_plugin(), built_test_plugin("tpgood"))
    env["PYFORGE_DISABLE_PLUGINS"] = "jsonl"
    exts = _extensions(run_pyforge, env)
    assert _named(exts, "jsonl")["state"] == "disabled"
    assert _named(exts, "tpgood")["state"] == "loaded"
    env["PYFORGE_FORCE_CORE"] = "true"
    exts = _extensions(run_pyforge, env)
    assert {e["state"] for e in exts if e["kind"] == "c-plugin"} == {"disabled"}
    src = work_dir / "a.jsonl"
    src.write_text('{"x": 1}\n')
    rc, out, err = run_pyforge("convert", str(src), "--json", env=env)
    # the plugin's reader is not used (whatever the built-in sniffing makes of the text)
    assert rc != 0 or json.loads(out)["input_format"] != "jsonl"
    rc, out, _ = run_pyforge("formats", env=env)
    assert "jsonl" not in out


def test_version_loads_no_plugin(run_pyforge):
    # a plugin that would log its init at debug level: --version must not load it
    env = plugin_env(jsonl_plugin())
    env["PYFORGE_LOG_LEVEL"] = "debug"
    rc, out, err = run_pyforge("--version", env=env)
    assert rc == 0 and err == ""
    rc, out, err = run_pyforge("formats", env=env)
    assert "[jsonl] loaded jsonl 1.0.0" in err  # the same variables do load it for formats
