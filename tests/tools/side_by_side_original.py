#!/usr/bin/env python3
"""Runs the original PyForge CLI 1.0.9 and this PyForge side by side on
inputs made here, and compares what they write and print where PyForge
promises the original's behaviour (docs/compatibility.md):

  - --all-strings: CSV and Excel values and column names
  - info --format json: the original's keys
  - --flatten-strategy: rows per strategy
  - output naming without -f (the original's <stem>.txt holding Parquet,
    and <stem>_parquet/<stem>.parquet for a combined group) and --version

Not part of CI: it needs the original installed (bench/setup.sh makes
bench/.venv-original; any `pyforge` of pyforge-cli==1.0.9 will do), and
CI never downloads at test time.

    tests/tools/side_by_side_original.py [--original BIN] [--pyforge BIN] [--keep DIR]

Prints one line per check: "same", "differs (known: why)" or "DIFFERS";
exits 1 when a difference is not a known, documented one.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "interop"))
from test_original_surface import (CATALOG, INFO_CASES, book_openpyxl,  # noqa: E402
                                   book_xlsxwriter)

CSV_CASES = {
    "dup.csv": "id,value,value,Value,name\n1,a,b,c,x\n2,,e,f,\n3,1.5,2,true,2024-01-15\n",
    "dup2.csv": "a,,a, a ,a.1,b,b,a\n1,2,3,4,5,6,7,8\n9,10,11,12,13,14,15,16\n",
    "quoted.csv": '"id","note"\n1,"a, b"\n2,"say ""hi"""\n3,\n',
    "semi.csv": 'x;y\n"1,5";true\n2;\n',
    "tab.tsv": "c1\tc2\n1\t2\n00123\t-0\n",
}

failures = 0


def report(what: str, same: bool, known: str | None = None, detail: str = "") -> None:
    global failures
    if same:
        print(f"same      {what}")
    elif known:
        print(f"differs   {what} (known: {known})")
    else:
        failures += 1
        print(f"DIFFERS   {what}: {detail}")


def run(binary, *args, cwd):
    return subprocess.run([str(binary), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=600)


def table(path):
    """(names, columns); duplicate names allowed (the original wrote them)."""
    t = pq.ParquetFile(str(path)).read()
    return t.schema.names, [c.to_pylist() for c in t.columns]


def compare_tables(what, orig, ours, known_names=None):
    (on, oc), (pn, pc) = table(orig), table(ours)
    report(f"{what}: names", on == pn, known_names if on != pn else None, f"{on} vs {pn}")
    diffs = [(pn[j] if j < len(pn) else j, i, a, b) for j, (x, y) in enumerate(zip(oc, pc))
             for i, (a, b) in enumerate(zip(x, y)) if a != b]
    same = not diffs and len(oc) == len(pc) and all(len(x) == len(y) for x, y in zip(oc, pc))
    report(f"{what}: values", same, None, f"{len(diffs)} cells differ, first {diffs[:3]}")


def csv_checks(orig, ours, d):
    for name, text in CSV_CASES.items():
        src = d / name
        src.write_text(text)
        r = run(orig, "convert", src, d / f"o_{src.stem}.parquet", "-f", "parquet", cwd=d)
        p = run(ours, "convert", src, d / f"p_{src.stem}.parquet", "--all-strings", cwd=d)
        if r.returncode or p.returncode:
            report(f"csv {name}: convert", False, None, r.stderr[-300:] + p.stderr[-300:])
            continue
        compare_tables(f"csv {name} --all-strings", d / f"o_{src.stem}.parquet",
                       d / f"p_{src.stem}.parquet")


def excel_checks(orig, ours, d):
    books = {"types.xlsx": ("Types", lambda p: book_openpyxl(p, random.Random(7))),
             "calc.xlsx": ("Calc", lambda p: book_xlsxwriter(p, random.Random(7))),
             "calc1904.xlsx": ("Calc", lambda p: book_xlsxwriter(p, random.Random(7), True))}
    for name, (sheet, make) in books.items():
        src = d / name
        make(src)
        r = run(orig, "convert", src, "-f", "parquet", "--separate", cwd=d)
        p = run(ours, "convert", src, d / f"p_{src.stem}.parquet", "--sheet", sheet,
                "--all-strings", cwd=d)
        o = d / f"{src.stem}_parquet" / f"{src.stem}_{sheet}.parquet"
        if p.returncode or not o.exists():
            report(f"xlsx {name}: convert", False, None, r.stdout[-300:] + p.stderr[-300:])
            continue
        compare_tables(f"xlsx {name} --all-strings", o, d / f"p_{src.stem}.parquet",
                       known_names="the original wrote two columns named 'value', which "
                                   "pyarrow's read_table refuses; PyForge names the second "
                                   "'value.1' as pandas did for CSV")


def info_checks(orig, ours, d):
    keys = ("file_name", "file_size", "file_type", "encoding", "delimiter", "has_header",
            "estimated_rows")
    for name, data, _ in INFO_CASES:
        src = d / name
        src.write_bytes(data)
        r = run(orig, "info", src, "--format", "json", cwd=d)
        p = run(ours, "info", src, "--format", "json", cwd=d)
        o = json.loads(r.stdout[r.stdout.index("{"):])
        q = json.loads(p.stdout)
        diff = {k: (o.get(k), q.get(k)) for k in keys if o.get(k) != q.get(k)}
        close = abs(o["last_modified"] - q["last_modified"]) < 1e-5
        known = ("the original's chardet guessed latin-1; PyForge tells cp1252"
                 if set(diff) == {"encoding"} and diff["encoding"] == ("latin-1", "cp1252")
                 else None)
        report(f"info {name}: original keys", not diff and close, known, str(diff))


def xml_checks(orig, ours, d):
    src = d / "catalog.xml"
    src.write_text(CATALOG)
    for strategy in ("conservative", "moderate", "aggressive"):
        r = run(orig, "convert", src, d / f"o_x_{strategy}.parquet", "-f", "parquet",
                "--flatten-strategy", strategy, cwd=d)
        p = run(ours, "convert", src, d / f"p_x_{strategy}.parquet", "--flatten-strategy",
                strategy, cwd=d)
        if r.returncode or p.returncode:
            report(f"xml {strategy}: convert", False, None, r.stderr[-300:] + p.stderr[-300:])
            continue
        rows = (pq.read_metadata(d / f"o_x_{strategy}.parquet").num_rows,
                pq.read_metadata(d / f"p_x_{strategy}.parquet").num_rows)
        report(f"xml --flatten-strategy {strategy}: rows {rows[0]} vs {rows[1]}",
               rows[0] == rows[1], None, str(rows))


def naming_checks(orig, ours, d):
    src = d / "plain.csv"
    src.write_text("a,b\n1,2\n")
    run(orig, "convert", src, cwd=d)
    txt = d / "plain.txt"
    report("original without -f writes <stem>.txt holding Parquet",
           txt.exists() and txt.read_bytes()[:4] == b"PAR1", None, "no plain.txt")
    import openpyxl
    book = d / "grp.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Jan"
    for ws, rows in ((wb.active, [[1, 10], [2, 20]]), (wb.create_sheet("Feb"), [[3, 30], [4, 40]]),
                     (wb.create_sheet("Notes list"), [["a", "b"], ["c", "d"]])):
        ws.append(["id", "amount"] if ws.title != "Notes list" else ["k", "v"])
        for row in rows:
            ws.append(row)
    wb.save(book)
    run(orig, "convert", book, "-f", "parquet", cwd=d)
    got = sorted(p.name for p in (d / "grp_parquet").iterdir())
    report(f"original combined group name: {got}", got == ["grp.parquet", "grp_Notes_list.parquet"],
           None, str(got))
    r, p = run(orig, "--version", cwd=d), run(ours, "--version", cwd=d)
    report(f"--version: {r.stdout.strip()!r} vs {p.stdout.strip()!r}", False,
           "PyForge prints 'pyforge X.Y.Z'; 2.0.0 > 1.0.9")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--original", default=str(REPO / "bench" / ".venv-original" / "bin" / "pyforge"))
    ap.add_argument("--pyforge", default=str(REPO / "build" / "release" / "pyforge"))
    ap.add_argument("--keep", help="work in this directory and keep it")
    a = ap.parse_args()
    orig, ours = Path(a.original).absolute(), Path(a.pyforge).resolve()
    v = run(orig, "--version", cwd=".")
    if v.returncode or "1.0.9" not in v.stdout:
        print(f"{orig} is not pyforge-cli 1.0.9 ({v.stdout.strip() or v.stderr.strip()}); "
              "see bench/setup.sh", file=sys.stderr)
        return 2
    d = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="pyforge-sbs-"))
    d.mkdir(parents=True, exist_ok=True)
    try:
        for check in (csv_checks, excel_checks, info_checks, xml_checks, naming_checks):
            check(orig, ours, d)
    finally:
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)
    print(f"{failures} unexpected difference(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
