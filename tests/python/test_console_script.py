"""The installed package on Python 3.8 and on the newest Python here: it
imports, knows its version and formats, and its `pyforge` console script
behaves as the C executable (same bytes out, same exit codes, same deaths
by signal, Ctrl-C -> 130 with nothing left behind).

The CLI golden cases (tests/cli) also run against the console script:
scripts/test.sh runs them with PYFORGE_BIN set to it."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from wheel_util import REPO, VERSION

SAMPLES = REPO / "samples"


def _pick(pythons, which):
    if which == "3.8":
        if (3, 8) not in pythons:
            pytest.fail("no CPython 3.8 on this machine (pyenv versions; or set "
                        "PYFORGE_TEST_PYTHONS): the wheel must be checked on 3.8")
        return pythons[(3, 8)]
    newest = max(pythons)
    assert newest >= (3, 12), f"the newest Python found is {newest}: expected 3.12 or later"
    return pythons[newest]


@pytest.fixture(scope="module", params=["3.8", "newest"])
def installed(request, pythons, install_wheel):
    return install_wheel(_pick(pythons, request.param))


@pytest.fixture(scope="module")
def newest(pythons, install_wheel):
    return install_wheel(_pick(pythons, "newest"))


def test_import_version_and_formats(installed, run_pyforge):
    code = ("import json, sys, pyforge_cli, pyforge_cli._native as n;"
            "print(json.dumps({'py': list(sys.version_info[:2]), 'file': pyforge_cli.__file__,"
            "'version': pyforge_cli.__version__, 'engine': pyforge_cli.engine_version(),"
            "'so': n.__file__, 'formats': pyforge_cli.formats()}))")
    # the built-in formats on both sides (the wheel's pdf plugin: its own test)
    core = {"PYFORGE_FORCE_CORE": "true"}
    p = installed.run(installed.python, "-c", code, cwd="/", text=True,
                      env=dict(os.environ, **core))
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    # imported from the venv, not from the source tree
    assert got["file"].startswith(str(installed.venv)), got["file"]
    assert got["so"].endswith("_native.abi3.so"), got["so"]
    assert got["version"] == got["engine"] == VERSION
    rc, out, err = run_pyforge("formats", "--json", env=core)
    assert rc == 0, err
    listed = json.loads(out)
    # formats() has every key of `pyforge formats --json`, and the description
    # its table shows
    assert [{k: f[k] for k in c} for f, c in zip(got["formats"], listed)] == listed
    assert len(got["formats"]) == len(listed)
    rc, table, err = run_pyforge("formats", env=core)
    for f in got["formats"]:
        assert f["description"] and f["description"] in table, f


def test_version_from_script_and_module(installed):
    for argv in ([installed.pyforge, "--version"],
                 [installed.python, "-m", "pyforge_cli", "--version"]):
        p = installed.run(*argv, text=True)
        assert (p.returncode, p.stdout, p.stderr) == (0, f"pyforge {VERSION}\n", ""), argv


def _same_env():
    # the built-in formats on both sides: the wheel ships the pdf plugin
    e = dict(os.environ, LC_ALL="C.UTF-8", PYFORGE_FORCE_CORE="true")
    e.pop("PYFORGE_LOG_LEVEL", None)
    return e


COMMANDS = [
    ["--help"],
    ["formats"],
    ["no-such-command"],
    ["convert"],
    ["convert", "missing.csv", "x.parquet"],
    ["info", "{samples}/sales.csv"],
    ["info", "{samples}/quarterly_sales.xlsx", "--json"],
    ["validate", "{samples}/customers_eu.csv"],
    ["validate", "{data}/ragged.csv"],
    ["convert", "{samples}/orders.xml", "{tmp}/orders.parquet"],
    ["convert", "{samples}/support_tickets.csv.gz", "{tmp}/t.parquet", "-q"],
    ["convert", "-", "{tmp}/stdin.parquet", "--input-format", "csv"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_same_as_c_executable(args, newest, pyforge_bin, data_dir, tmp_path):
    """Byte for byte: exit code, stdout, stderr, and the files written."""
    results = []
    for name, exe in (("c", pyforge_bin), ("script", newest.pyforge)):
        tmp = tmp_path / name
        tmp.mkdir()
        argv = [a.format(samples=SAMPLES, data=data_dir, tmp=tmp) for a in args]
        stdin = (SAMPLES / "sales.csv").read_bytes() if "-" in argv else b""
        p = subprocess.run([str(exe), *argv], input=stdin, capture_output=True,
                           env=_same_env(), cwd=tmp, timeout=300)
        files = sorted(f.name for f in tmp.iterdir())
        out = p.stdout.replace(str(tmp).encode(), b"{tmp}")
        out = re.sub(rb"(?m)^  time .*$", b"  time {timing}", out)
        err = p.stderr.replace(str(tmp).encode(), b"{tmp}")
        results.append((p.returncode, out, err, files))
    assert results[0] == results[1], f"C: {results[0]}\nconsole script: {results[1]}"


def test_env_names_the_hosting_python(newest, pyforge_bin):
    """The one intended difference: the engine reports the Python it runs
    in, and the console script runs in one (the golden env cases accept
    either)."""
    c = subprocess.run([str(pyforge_bin), "env"], capture_output=True, text=True,
                       env=_same_env(), timeout=120)
    s = newest.run(newest.pyforge, "env", text=True, env=_same_env())
    v = newest.run(newest.python, "-c", "import platform; print(platform.python_version())",
                   text=True).stdout.strip()
    assert c.returncode == s.returncode == 0, (c.stderr, s.stderr)
    assert "\nPython             - (not running inside Python)\n" in c.stdout, c.stdout
    assert f"\nPython             {v}\n" in s.stdout, s.stdout
    strip = lambda t: [ln for ln in t.splitlines()
                       if not ln.startswith(("Python ", "Detected in "))]
    assert strip(s.stdout) == strip(c.stdout)


def test_closed_stdout_pipe_ends_it_as_the_c_one(newest, pyforge_bin):
    """A C program writing to a pipe nobody reads dies of SIGPIPE; CPython
    ignores SIGPIPE, so the console script must restore it for the CLI."""
    codes = []
    for exe in (pyforge_bin, newest.pyforge):
        r, w = os.pipe()
        os.close(r)
        try:
            p = subprocess.run([str(exe), "formats"], stdout=w, stderr=subprocess.PIPE,
                               env=_same_env(), timeout=120)
        finally:
            os.close(w)
        codes.append(p.returncode)
    assert codes[0] == -signal.SIGPIPE, f"the C executable: {codes[0]}"
    assert codes[1] == codes[0], f"console script {codes[1]}, C executable {codes[0]}"


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    """~150 MB of CSV: long enough to be interrupted mid-conversion."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    row = "{},2024-03-{:02d},{}.25,true,\"text, with a comma {}\"\n"
    block = "".join(row.format(i, i % 28 + 1, i * 7, i % 97) for i in range(20000))
    with open(path, "w") as f:
        f.write("id,day,amount,flag,note\n")
        for _ in range(150_000_000 // len(block) + 1):
            f.write(block)
    return path


@pytest.mark.bigfile
@pytest.mark.parametrize("which", ["c", "script"])
def test_sigint_is_130_and_leaves_nothing(which, newest, pyforge_bin, big_csv, tmp_path,
                                          temp_files, interrupt):
    exe = pyforge_bin if which == "c" else newest.pyforge
    out = tmp_path / "big.parquet"
    p = subprocess.Popen([str(exe), "convert", str(big_csv), str(out), "--threads", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_same_env())
    # The conversion has begun (and its Ctrl-C handler is in place) once its
    # temporary output exists.
    deadline = time.monotonic() + 60
    while not temp_files(tmp_path) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    started = bool(temp_files(tmp_path)) and p.poll() is None
    so, se = interrupt(p, which)
    assert started, f"{which}: the conversion ended before it could be interrupted"
    assert p.returncode == 130, f"{which}: exit {p.returncode}; stderr: {se!r}"
    assert b"cancel" in se.lower(), se
    assert not out.exists(), "a canceled conversion left its output"
    assert not temp_files(tmp_path), f"temporary files left: {temp_files(tmp_path)}"


def test_c_plugin_loads_into_the_wheel(newest, pyforge_bin, tmp_path):
    """The wheel links the engine statically and exports only PyInit__native,
    yet a C plugin loads into it: a plugin imports nothing from libpyforge
    (docs/extensions.md). The release build's template plugin (an ASan build's
    would need the sanitizer runtime) is listed loaded, and a JSON Lines file
    converts to the same values as with the C executable."""
    plugin_dir = REPO / "build" / "release" / "plugins"
    if not (plugin_dir / "jsonl.so").is_file():
        pytest.skip(f"{plugin_dir}/jsonl.so not built (build/release)")
    src = tmp_path / "events.jsonl"
    rows = [{"id": 1, "user": {"name": "ann", "age": 31}, "ok": True},
            {"id": 2, "user": {"name": "bob", "age": None}, "ok": False},
            {"id": 3, "user": {"name": "cé", "age": 7.5}, "ok": None}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    env = dict(_same_env(), PYFORGE_PLUGIN_PATH=str(plugin_dir))
    for k in ("PYFORGE_DISABLE_PLUGINS", "PYFORGE_FORCE_CORE", "PYFORGE_PLUGIN_RELOAD"):
        env.pop(k, None)
    s = newest.run(newest.pyforge, "extensions", "--json", text=True, env=env)
    assert s.returncode == 0, s.stderr
    jsonl = [e for e in json.loads(s.stdout) if e["name"] == "jsonl"]
    assert [(e["kind"], e["state"], e["reason"]) for e in jsonl] == [("c-plugin", "loaded", "")], jsonl
    import pyarrow.parquet as pq
    tables = {}
    for name, exe in (("c", str(pyforge_bin)), ("script", str(newest.pyforge))):
        out = tmp_path / f"{name}.parquet"
        p = subprocess.run([exe, "convert", str(src), str(out)], capture_output=True, text=True,
                           env=env, timeout=120)
        assert p.returncode == 0, p.stderr
        tables[name] = pq.read_table(out)
    assert tables["c"].equals(tables["script"])
    assert tables["script"].to_pylist() == [
        {"id": r["id"], "user.name": r["user"]["name"], "user.age": r["user"]["age"], "ok": r["ok"]}
        for r in rows]


def test_pdf_plugin_ships_and_finds_pdfium(newest, tmp_path):
    """The wheel's pdf plugin loads from pyforge_cli/plugins: unavailable
    without pdfium (pypdfium2 is not in the fresh venv: the `pdf` extra),
    converting once PYFORGE_PDFIUM names the test venv's libpdfium.so."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYFORGE_", "VIRTUAL_ENV", "CONDA_PREFIX"))}
    env["PATH"] = f"{newest.venv / 'bin'}:/usr/bin:/bin"
    p = newest.run(newest.pyforge, "extensions", "--json", env=env, text=True)
    assert p.returncode == 0, p.stderr
    pdf = {e["name"]: e for e in json.loads(p.stdout)}["pdf"]
    assert pdf["path"].startswith(str(newest.venv)) and pdf["path"].endswith(
        "pyforge_cli/plugins/pdf.so"), pdf
    assert pdf["state"] == "unavailable" and "pip install pypdfium2" in pdf["reason"], pdf
    raw = pytest.importorskip("pypdfium2_raw")
    pytest.importorskip("reportlab")
    lib = Path(raw.__file__).parent / "libpdfium.so"
    doc = tmp_path / "two.pdf"
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(doc))
    for n in (1, 2):
        c.drawString(72, 720, f"page {n} text")
        c.showPage()
    c.save()
    p = newest.run(newest.pyforge, "convert", doc, env=dict(env, PYFORGE_PDFIUM=str(lib)),
                   text=True)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "two.txt").read_text() == "page 1 text\n\npage 2 text\n"


@pytest.mark.parametrize("which", ["3.8", "newest"])
def test_api_needs_no_third_party_package(pythons, wheel_file, tmp_path, which):
    """The bare wheel (no pyarrow, pandas or pyspark in its venv) converts,
    inspects and batch-converts through the API: batch_convert's file
    listing once imported the Spark task module, which needs pyarrow, and
    the quick start's Python demo failed with ModuleNotFoundError. A venv of
    its own: the shared ones get the API suite's packages."""
    venv = tmp_path / "bare"
    subprocess.run([_pick(pythons, which), "-m", "venv", str(venv)], check=True, timeout=300)
    py = str(venv / "bin" / "python")
    p = subprocess.run([py, "-m", "pip", "install", "--no-index", "--no-deps",
                        "--disable-pip-version-check", "-q", str(wheel_file)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([py, "-c", "import importlib.util as u; "
                        "print([m for m in ('pyarrow', 'pandas', 'pyspark') if u.find_spec(m)])"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "[]", (p.stdout, p.stderr)
    for n in (1, 2):
        (tmp_path / f"part{n}.csv").write_text(f"id,name\n{n},n{n}\n{n + 10},m{n}\n")
    code = ("import sys, pyforge_cli as f; d = sys.argv[1];"
            "r = f.batch_convert([d + '/part*.csv'], output_dir=d + '/out', progress=False);"
            "c = f.convert(d + '/part1.csv', d + '/one.parquet', progress=False);"
            "print(r['converted'], r['files'], c['row_count'], f.get_info(d + '/part2.csv')['rows'])")
    p = subprocess.run([py, "-c", code, str(tmp_path)], cwd="/", capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, PYFORGE_FORCE_CORE="true"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["2", "2", "2", "2"], p.stdout
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == ["part1.parquet", "part2.parquet"]
