"""Runs PyForge's pdf plugin over a directory of PDF files (a public test
corpus fetched for the purpose, never committed) and compares each page's
words with pypdf's extraction. Not a test: it prints, per file, whether the
words agree, how close they are when not (the share of pypdf's words found
in PyForge's, as multisets), or each side's error; then the totals.

    PYFORGE_PLUGIN_PATH=build/release/plugins/pdf.so \\
    PYFORGE_PDFIUM=.venv/lib/python3.11/site-packages/pypdfium2_raw/libpdfium.so \\
    .venv/bin/python tests/tools/pdf_corpus_compare.py DIR [--pyforge build/release/pyforge]
        [--password PW]
"""
from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
from pathlib import Path


def pypdf_words(path: Path, password: str | None):
    from pypdf import PdfReader
    r = PdfReader(str(path))
    if r.is_encrypted and not r.decrypt(password or ""):
        raise ValueError("encrypted")
    return [(p.extract_text() or "").split() for p in r.pages]


def pyforge_words(binary: str, path: Path, password: str | None):
    import pyarrow.parquet as pq
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "o.parquet"
        cmd = [binary, "convert", str(path), str(out), "-f", "parquet", "-q"]
        if password:
            cmd += ["--password", password]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise ValueError(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "failed")
        return [r["text"].split() for r in pq.read_table(out).to_pylist()]


def overlap(ours, theirs) -> float:
    a, b = collections.Counter(ours), collections.Counter(theirs)
    return sum((a & b).values()) / max(1, sum(b.values()))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--pyforge", default="build/release/pyforge")
    ap.add_argument("--password", default=None)
    args = ap.parse_args()
    tally = collections.Counter()
    for f in sorted(Path(args.dir).glob("*.pdf")):
        try:
            theirs = pypdf_words(f, args.password)
        except Exception as e:  # pypdf's failure is information, not ours
            theirs = e
        try:
            ours = pyforge_words(args.pyforge, f, args.password)
        except Exception as e:
            ours = e
        if isinstance(ours, Exception) and isinstance(theirs, Exception):
            kind = "both fail"
        elif isinstance(ours, Exception):
            kind = "pyforge fails"
        elif isinstance(theirs, Exception):
            kind = "pypdf fails"
        elif len(ours) != len(theirs):
            kind = "page counts differ"
        elif ours == theirs:
            kind = "same words"
        else:
            kind = "words differ"
        tally[kind] += 1
        detail = ""
        if kind == "words differ":
            flat_o = [w for p in ours for w in p]
            flat_t = [w for p in theirs for w in p]
            detail = f"{overlap(flat_o, flat_t):.0%} of pypdf's words found"
        elif kind in ("pyforge fails", "both fail"):
            detail = f"pyforge: {ours}"
            if kind == "both fail":
                detail += f"; pypdf: {type(theirs).__name__}: {theirs}"
        elif kind == "pypdf fails":
            detail = f"pypdf: {type(theirs).__name__}: {str(theirs)[:120]}"
        elif kind == "page counts differ":
            detail = f"{len(ours)} pages vs {len(theirs)}"
        print(f"{f.name}: {kind}{': ' + detail if detail else ''}")
    print("totals: " + ", ".join(f"{k} {v}" for k, v in tally.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
