#!/usr/bin/env python3
"""Runs PyForge's Access plugin over real databases (public test corpora
fetched outside the repository, e.g. mdbtools/mdbtestdata) and compares
every value of every table with Jackcess reading the same file
(tests/tools/AccessFixture.java). Not a test: the files are not ours to
commit.

    PYFORGE_BUILD_DIR=build/release .venv/bin/python tests/tools/access_world.py DB...
"""
from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "interop"))
import access_fixtures as fx  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from plugin_paths import build_dir  # noqa: E402


def sanitize(name: str) -> str:
    return re.sub(r'[<>:"/\\|?*\x00-\x20\x7f]+', "_", name)


def same(ov, jv, kind: str) -> bool:
    if ov is None or jv is None:
        return ov is jv
    if kind == "FLOAT":
        return abs(ov - jv) <= 1e-6 * max(1.0, abs(jv))
    if isinstance(jv, float):
        return ov == jv or (math.isnan(ov) and math.isnan(jv))
    if kind == "GUID":
        return ov.upper() == jv.upper()
    return ov == jv


def main(paths: list[str]) -> int:
    env = dict(os.environ, PYFORGE_PLUGIN_PATH=str(build_dir() / "plugins"))
    total = bad = 0
    for db in map(Path, paths):
        out = Path("/tmp") / f"pf-access-world-{db.stem}"
        r = subprocess.run([str(build_dir() / "pyforge"), "convert", str(db), str(out), "--force", "-q"],
                           env=env, capture_output=True, text=True)
        print(f"{db.name}: convert exit {r.returncode} {r.stderr.strip()}")
        try:
            dump = fx.jackcess_dump(db)
        except AssertionError as e:  # a file Jackcess cannot open either
            print(f"  Jackcess cannot read it: {str(e).splitlines()[-1][:200]}")
            continue
        for name, t in dump.items():
            p = out / (sanitize(name) + ".parquet")
            if name.startswith("MSys"):
                continue  # a system table Jackcess lists (MSysCompactError): left out by rule
            if not p.exists():
                refused = f"table '{name}'" in r.stderr
                print(f"  {name}: no output{' (refused, the error names it)' if refused else ''}")
                bad += 0 if refused else 1
                continue
            ours = pq.read_table(p).to_pylist()
            kinds = dict(t["columns"])
            diffs = 0
            if len(ours) != len(t["rows"]):
                print(f"  {name}: {len(ours)} rows, Jackcess {len(t['rows'])}")
                bad += 1
                continue
            for i, (o, j) in enumerate(zip(ours, t["rows"])):
                for (c, kind), jv in zip(t["columns"], j):
                    total += 1
                    if not same(o.get(c), jv, kinds[c]):
                        diffs += 1
                        if diffs <= 3:
                            print(f"  {name} row {i + 1} {c} ({kind}): ours {o.get(c)!r}, Jackcess {jv!r}")
            bad += diffs
            print(f"  {name}: {len(ours)} rows x {len(t['columns'])} columns, {diffs} differences")
    print(f"values compared: {total}, differences: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
