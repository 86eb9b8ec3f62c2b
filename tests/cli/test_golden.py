"""Tier 2: CLI golden tests. Every tests/cli/cases/*.case file is one test.

Case file format
----------------
A case is a sequence of directives, each on a line starting with "@@ ".
Lines before the first directive are free text (describe the case there).
Block directives own the lines that follow them up to the next directive
line (blank lines included, so do not add blank lines for looks); a block's
text is its lines each ended by "\\n", or nothing for an empty block. The
modifier `noeol` drops the final "\\n".

  @@ copy SRC DST        copy a file (setup)
  @@ write PATH          block: create PATH (and its missing parent
                         directories) with the block's text (setup)
  @@ run pyforge ARGS    run the binary; ARGS are split like a POSIX shell
                         (shlex). The run's working directory is {tmp}.
  @@ stdin PATH          (after run) the run's standard input
  @@ env NAME=VALUE      (after run, repeatable) extra environment
  @@ exit N              the expected exit code (required for every run)
  @@ stdout [MODS]       block: the expected standard output (exact)
  @@ stderr [MODS]       block: the expected standard error (exact)
                         A run without a stdout/stderr block expects it empty.
  @@ file PATH [noeol]   block: PATH holds exactly this text ({...} allowed)
  @@ nofile PATH         PATH must not exist
  @@ notemp DIR          DIR holds no PyForge temp file (".*pyforge-tmp*")

MODS for stdout/stderr:
  noeol                  the text does not end with a newline
  json                   compare as JSON values rather than text
  ignore=K1,K2           (with json) drop keys K1, K2 at any depth from both
                         sides first (timings: seconds, mb_per_second)

Every run starts without the host's Databricks and Spark variables
(DATABRICKS_*, DB_*, SPARK_*, PYSPARK_*, IS_SERVERLESS), so that `pyforge env`
cases mean the same on a laptop and on a Databricks machine; a case sets
what it simulates with @@ env (and fake files under PYFORGE_DATABRICKS_ROOT /
PYFORGE_VOLUMES_ROOT). Likewise without the plugin variables
(PYFORGE_PLUGIN_PATH, PYFORGE_DISABLE_PLUGINS, PYFORGE_FORCE_CORE,
PYFORGE_PLUGIN_RELOAD), and with PYFORGE_FORCE_CORE=true (the wheel's
console script ships the pdf plugin): the cases describe the built-in
formats.

Placeholders, substituted in arguments, paths and expected texts:
  {data}     tests/data (small checked-in fixtures; never written to)
  {tmp}      a fresh temporary directory for the case
  {version}  the content of the VERSION file
  {...}      (expected texts only) any characters within one line

Updating
--------
PYFORGE_UPDATE_GOLDEN=1 rewrites every run's exit/stdout/stderr from the
actual output, with the tmp and data paths (and "pyforge <version>") put
back as placeholders; ignored JSON keys are written as 0. The test then
fails with the list of rewritten files, so that each change is reviewed
(git diff tests/cli/cases) before it is accepted.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CASES_DIR = Path(__file__).resolve().parent / "cases"
TESTS_DIR = CASES_DIR.parent.parent
DATA_DIR = TESTS_DIR / "data"
VERSION = (TESTS_DIR.parent / "VERSION").read_text().strip()
UPDATE = os.environ.get("PYFORGE_UPDATE_GOLDEN") == "1"

BLOCKS = {"write", "stdout", "stderr", "file"}
# what environment detection reads, and where plugins are looked for: never
# taken from the host (see above; the plugins' own tests set them)
HOST_ENV_PREFIXES = ("DATABRICKS_", "DB_", "SPARK_", "PYSPARK_", "IS_SERVERLESS",
                     "PYFORGE_PLUGIN_PATH", "PYFORGE_DISABLE_PLUGINS", "PYFORGE_FORCE_CORE",
                     "PYFORGE_PLUGIN_RELOAD")
KNOWN = BLOCKS | {"copy", "run", "stdin", "env", "exit", "nofile", "notemp"}


@dataclass(eq=False)  # identity: equal-looking directives are distinct
class Directive:
    name: str
    arg: str
    body: list[str] | None = None  # block lines, without their "\n"
    lineno: int = 0

    def text(self) -> str:
        t = "".join(line + "\n" for line in self.body or [])
        if "noeol" in self.arg.split() and t.endswith("\n"):
            t = t[:-1]
        return t


@dataclass
class Case:
    path: Path
    preamble: list[str] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)


def parse_case(path: Path) -> Case:
    case = Case(path)
    cur: Directive | None = None
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith("@@ ") or line == "@@":
            name, _, arg = line[3:].strip().partition(" ")
            if name not in KNOWN:
                raise ValueError(f"{path.name}:{n}: unknown directive '@@ {name}'")
            cur = Directive(name, arg.strip(), [] if name in BLOCKS else None, n)
            case.directives.append(cur)
        elif cur is None:
            case.preamble.append(line)
        elif cur.body is not None:
            cur.body.append(line)
        elif line.strip():
            raise ValueError(f"{path.name}:{n}: text after '@@ {cur.name}', "
                             "which is not a block directive")
    # The file's final newline ends the last line; it is not an empty line.
    last = case.directives[-1] if case.directives else None
    if last and last.body and last.body[-1] == "":
        last.body.pop()
    elif not last and case.preamble and case.preamble[-1] == "":
        case.preamble.pop()
    return case


def write_case(case: Case) -> None:
    out = [line + "\n" for line in case.preamble]
    for d in case.directives:
        out.append(f"@@ {d.name}{' ' + d.arg if d.arg else ''}\n")
        for line in d.body or []:
            out.append(line + "\n")
    case.path.write_text("".join(out), encoding="utf-8")


class Subst:
    def __init__(self, tmp: Path):
        self.tmp = str(tmp)
        self.data = str(DATA_DIR)

    def fwd(self, s: str) -> str:
        return (s.replace("{tmp}", self.tmp).replace("{data}", self.data)
                .replace("{version}", VERSION))

    def back(self, s: str) -> str:
        s = s.replace(self.tmp, "{tmp}").replace(self.data, "{data}")
        s = s.replace(f"pyforge {VERSION}", "pyforge {version}")
        return s.replace(f"pyforge version {VERSION}", "pyforge version {version}")


def drop_keys(v, keys):
    if isinstance(v, dict):
        return {k: drop_keys(x, keys) for k, x in v.items() if k not in keys}
    if isinstance(v, list):
        return [drop_keys(x, keys) for x in v]
    return v


def zero_keys(v, keys):
    if isinstance(v, dict):
        return {k: (0 if k in keys else zero_keys(x, keys)) for k, x in v.items()}
    if isinstance(v, list):
        return [zero_keys(x, keys) for x in v]
    return v


def mods_of(d: Directive) -> tuple[set, set]:
    flags, ignore = set(), set()
    for m in d.arg.split():
        if m.startswith("ignore="):
            ignore |= set(filter(None, m[len("ignore="):].split(",")))
        else:
            flags.add(m)
    return flags, ignore


def text_matches(expected: str, actual: str) -> bool:
    if "{...}" not in expected:
        return expected == actual
    rx = "[^\n]*".join(re.escape(p) for p in expected.split("{...}"))
    return re.fullmatch(rx, actual, flags=re.S) is not None


def diff(expected: str, actual: str, what: str) -> str:
    d = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                             f"expected {what}", f"actual {what}")
    return "".join(d) or f"(no line diff; expected {expected!r}, actual {actual!r})"


def compare_stream(d: Directive | None, actual: str, sub: Subst, what: str,
                   problems: list[str]) -> None:
    if d is None:
        if actual != "":
            problems.append(f"{what}: expected nothing\n" + diff("", actual, what))
        return
    flags, ignore = mods_of(d)
    expected = sub.fwd(d.text())
    if "json" in flags:
        try:
            a = json.loads(actual)
        except ValueError as e:
            problems.append(f"{what}: not JSON ({e}):\n{actual}")
            return
        e = json.loads(expected)
        if drop_keys(a, ignore) != drop_keys(e, ignore):
            problems.append(f"{what} (JSON, ignoring {sorted(ignore)}):\n" + diff(
                json.dumps(drop_keys(e, ignore), indent=1, ensure_ascii=False) + "\n",
                json.dumps(drop_keys(a, ignore), indent=1, ensure_ascii=False) + "\n",
                what))
        return
    if not text_matches(expected, actual):
        problems.append(f"{what}:\n" + diff(expected, actual, what))


def updated_body(d: Directive, actual: str, sub: Subst) -> tuple[str, list[str]]:
    """New (arg, body) for a stdout/stderr directive from the actual text."""
    flags, ignore = mods_of(d)
    if "json" in flags:
        try:
            v = zero_keys(json.loads(actual), ignore)
            actual = json.dumps(v, ensure_ascii=False, separators=(",", ":")) + "\n"
        except ValueError:
            pass
    old = sub.fwd(d.text()) if d.body is not None else None
    if old is not None and text_matches(old, actual):
        return d.arg, d.body  # keep wildcards that still match
    text = sub.back(actual)
    args = [m for m in d.arg.split() if m != "noeol"]
    if text and not text.endswith("\n"):
        args.append("noeol")
        text += "\n"
    return " ".join(args), text.split("\n")[:-1] if text else []


@dataclass
class Run:
    directive: Directive
    stdin: str | None = None
    env: dict = field(default_factory=dict)
    exit: Directive | None = None
    stdout: Directive | None = None
    stderr: Directive | None = None


def case_files():
    return sorted(CASES_DIR.glob("*.case"))


@pytest.mark.parametrize("case_path", case_files(), ids=lambda p: p.stem)
def test_golden(case_path: Path, pyforge_bin: Path, run_pyforge, tmp_path: Path):
    case = parse_case(case_path)
    tmp = tmp_path / "t"
    tmp.mkdir()
    sub = Subst(tmp)
    problems: list[str] = []
    changed = False

    # Group each run with the directives that belong to it.
    steps: list = []
    for d in case.directives:
        if d.name == "run":
            steps.append(Run(d))
        elif d.name in ("stdin", "env", "exit", "stdout", "stderr"):
            if not steps or not isinstance(steps[-1], Run):
                raise ValueError(f"{case_path.name}:{d.lineno}: '@@ {d.name}' "
                                 "must follow '@@ run'")
            r = steps[-1]
            if d.name == "stdin":
                r.stdin = d.arg
            elif d.name == "env":
                k, eq, v = d.arg.partition("=")
                assert eq, f"{case_path.name}:{d.lineno}: env needs NAME=VALUE"
                r.env[k] = v
            else:
                setattr(r, d.name, d)
        else:
            steps.append(d)

    for n, step in enumerate(steps):
        if isinstance(step, Directive):
            d = step
            if d.name == "copy":
                src, dst = (sub.fwd(x) for x in shlex.split(d.arg))
                shutil.copyfile(src, dst)
            elif d.name == "write":
                dst = Path(sub.fwd(d.arg.split()[0]))
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_text(d.text(), encoding="utf-8")
            elif d.name == "file":
                p = Path(sub.fwd(d.arg.split()[0]))
                if not p.is_file():
                    problems.append(f"line {d.lineno}: {p} does not exist")
                elif not text_matches(sub.fwd(d.text()),
                                      p.read_bytes().decode("utf-8", "replace")):
                    problems.append(f"line {d.lineno}: {p} content:\n" + diff(
                        sub.fwd(d.text()), p.read_bytes().decode("utf-8", "replace"),
                        p.name))
            elif d.name == "nofile":
                p = Path(sub.fwd(d.arg))
                if os.path.lexists(p):
                    problems.append(f"line {d.lineno}: {p} exists but should not")
            elif d.name == "notemp":
                p = Path(sub.fwd(d.arg))
                left = [x for x in os.listdir(p)
                        if x.startswith(".") and "pyforge-tmp" in x]
                if left:
                    problems.append(f"line {d.lineno}: temp files left in {p}: {left}")
            continue

        r: Run = step
        argv = [sub.fwd(a) for a in shlex.split(r.directive.arg)]
        assert argv and argv[0] == "pyforge", \
            f"{case_path.name}:{r.directive.lineno}: a run starts with 'pyforge'"
        env = {k: None for k in os.environ if k.startswith(HOST_ENV_PREFIXES)}
        # the built-in formats only, also from the wheel's console script,
        # which ships the pdf plugin (a case may set it otherwise)
        env["PYFORGE_FORCE_CORE"] = "true"
        env.update({k: sub.fwd(v) for k, v in r.env.items()})
        stdin = Path(sub.fwd(r.stdin)) if r.stdin else None
        rc, out, err = run_pyforge(*argv[1:], input=stdin, env=env, cwd=tmp)
        where = f"run at line {r.directive.lineno} ({r.directive.arg})"
        if UPDATE:
            # Rewrite this run's expectations in place (creating missing ones
            # right after the run and its stdin/env lines).
            idx = case.directives.index(r.directive)
            insert_at = idx + 1
            while (insert_at < len(case.directives)
                   and case.directives[insert_at].name in ("stdin", "env")):
                insert_at += 1
            for name, actual in (("exit", None), ("stdout", out), ("stderr", err)):
                d = getattr(r, name)
                if d is None:
                    d = Directive(name, "", [] if name != "exit" else None)
                    case.directives.insert(insert_at, d)
                    setattr(r, name, d)
                    changed = True
                insert_at = case.directives.index(d) + 1
                if name == "exit":
                    if d.arg != str(rc):
                        d.arg, changed = str(rc), True
                else:
                    arg, body = updated_body(d, actual, sub)
                    if (arg, body) != (d.arg, d.body):
                        d.arg, d.body, changed = arg, body, True
            continue
        if r.exit is None:
            problems.append(f"{where}: the case has no '@@ exit' for this run "
                            "(PYFORGE_UPDATE_GOLDEN=1 adds it)")
        elif str(rc) != r.exit.arg.strip():
            problems.append(f"{where}: exit code {rc}, expected {r.exit.arg}\n"
                            f"stdout:\n{out}\nstderr:\n{err}")
        before = len(problems)
        compare_stream(r.stdout, out, sub, "stdout", problems)
        compare_stream(r.stderr, err, sub, "stderr", problems)
        for i in range(before, len(problems)):
            problems[i] = f"{where}: {problems[i]}"

    if UPDATE and changed:
        write_case(case)
        pytest.fail(f"PYFORGE_UPDATE_GOLDEN=1: rewrote {case_path}; review the diff")
    assert not problems, f"{case_path.name}:\n" + "\n".join(problems)


def test_cases_exist():
    """The runner must find its cases (a typo in the path must not pass)."""
    assert len(case_files()) >= 10, f"too few cases in {CASES_DIR}"
