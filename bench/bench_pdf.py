"""PDF -> text benchmark: PyForge's pdf plugin against pypdf and pdfplumber
(and pypdfium2's Python binding, the same pdfium PyForge loads, to show
what the plugin adds to pdfium itself), on a generated document.

    .venv/bin/python bench/bench_pdf.py --pages 400 [--pyforge build/release/pyforge]
        [--repeats 3] [--peer-repeats 1] [--out docs/benchmarks_pdf.md]

The document is made here with reportlab, seeded (bench/data/pdf/
bench_<pages>.pdf): every page holds 45 lines of 10 words drawn from a
vocabulary with accented words, numbers and punctuation. Each tool
extracts the text of every page and writes it to a text file (PyForge also
writes the one-row-per-page Parquet file). PyForge's words are checked
against pypdf's, page by page, before anything is reported. Wall time is
the median of the repeats; CPU time is user + system of the process; peak
RSS its maximum resident set. Not a test: nothing here passes or fails a
build.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "interop"))
import pdf_fixtures as fx  # noqa: E402
from bench_dbf import measure  # noqa: E402  (one way to time a child process)

PYPDF = r"""
import sys
from pypdf import PdfReader
r = PdfReader(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(p.extract_text() for p in r.pages))
"""
PDFPLUMBER = r"""
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf, open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(p.extract_text() or "" for p in pdf.pages))
"""
PYPDFIUM2 = r"""
import sys, pypdfium2 as pdfium
doc = pdfium.PdfDocument(sys.argv[1])
out = []
for i in range(len(doc)):
    tp = doc[i].get_textpage()
    out.append(tp.get_text_range())
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(out))
"""


def verify(pdf: Path, pf_parquet: Path) -> int:
    import pyarrow.parquet as pq
    rows = pq.read_table(pf_parquet).to_pylist()
    theirs = fx.pypdf_pages(pdf)
    assert len(rows) == len(theirs), (len(rows), len(theirs))
    for r, t in zip(rows, theirs):
        assert fx.words(r["text"]) == fx.words(t), r["page"]
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--pyforge", default=str(ROOT / "build" / "release" / "pyforge"))
    ap.add_argument("--plugins", default=None,
                    help="the pdf plugin (default: plugins/pdf.so beside the binary)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--peer-repeats", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks_pdf.md"))
    args = ap.parse_args()
    import pypdfium2_raw
    pdfium = Path(pypdfium2_raw.__file__).parent / "libpdfium.so"
    plugin = args.plugins or str(Path(args.pyforge).parent / "plugins" / "pdf.so")
    os.environ.update(PYFORGE_PLUGIN_PATH=plugin, PYFORGE_PDFIUM=str(pdfium))
    data = ROOT / "bench" / "data" / "pdf"
    data.mkdir(parents=True, exist_ok=True)
    doc = data / f"bench_{args.pages}.pdf"
    if not doc.exists():
        t0 = time.perf_counter()
        fx.many_pages(doc, args.pages, seed=12, lines=45, per_line=10)
        print(f"generated {doc} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    pf_txt, pf_pq = data / "pyforge.txt", data / "pyforge.parquet"
    r = {"pages": args.pages, "input_bytes": doc.stat().st_size,
         "load_average_before": os.getloadavg()[0]}
    r["pyforge_txt"] = measure([args.pyforge, "convert", str(doc), str(pf_txt), "--force", "-q"],
                               args.repeats)
    r["pyforge_parquet"] = measure([args.pyforge, "convert", str(doc), str(pf_pq), "--force", "-q"],
                                   args.repeats)
    for name, script in (("pypdfium2", PYPDFIUM2), ("pypdf", PYPDF), ("pdfplumber", PDFPLUMBER)):
        r[name] = measure([sys.executable, "-c", script, str(doc), str(data / f"{name}.txt")],
                          args.peer_repeats)
    r["rows"] = verify(doc, pf_pq)
    r["text_bytes"] = pf_txt.stat().st_size
    r["speedup_vs_pypdf"] = r["pypdf"]["seconds"] / r["pyforge_txt"]["seconds"]
    r["speedup_vs_pdfplumber"] = r["pdfplumber"]["seconds"] / r["pyforge_txt"]["seconds"]
    r["load_average_after"] = os.getloadavg()[0]
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    r["results_file"] = f"bench/results/pdf_{stamp}.json"
    for name in (f"pdf_{stamp}.json", "pdf_latest.json"):
        (ROOT / "bench" / "results" / name).write_text(json.dumps(r, indent=1))
    print(json.dumps(r, indent=1))
    render(r, Path(args.out))


def render(r: dict, out: Path) -> None:
    base = r["pypdf"]

    def row(label, m):
        return (f"| {label} | {m['seconds']:.2f} s | {m['cpu_seconds']:.2f} s | "
                f"{m['peak_rss_mib']:.0f} MiB | {base['seconds'] / m['seconds']:.1f}x | "
                f"{base['cpu_seconds'] / m['cpu_seconds']:.1f}x |")
    out.write_text(f"""# Benchmark: PDF -> text

Generated by `bench/bench_pdf.py --pages {r['pages']}` (results in
`{r['results_file']}`). A {r['pages']}-page document made with reportlab
({r['input_bytes'] / 1e6:.1f} MB; 45 lines of 10 words a page, accented
words, numbers, punctuation; {r['text_bytes'] / 1e6:.2f} MB of text). Each tool
extracts every page's text and writes a text file; PyForge's words are
checked page by page against pypdf's before the figures are taken. Wall
time is the median of the runs, CPU time is user + system of the process,
peak RSS its maximum resident set. The machine (2 cores) was shared: load
average {r['load_average_before']:.1f} before and {r['load_average_after']:.1f} after, so wall
times carry waiting for a core; CPU times do not.

| Tool | Wall time | CPU time | Peak RSS | Wall vs pypdf | CPU vs pypdf |
|---|---|---|---|---|---|
{row("PyForge (pdf plugin) -> .txt", r["pyforge_txt"])}
{row("PyForge (pdf plugin) -> .parquet, a row per page", r["pyforge_parquet"])}
{row("pypdfium2 5.15.2 (Python binding of the same pdfium)", r["pypdfium2"])}
{row("pypdf 7.1.0", r["pypdf"])}
{row("pdfplumber 0.11.10", r["pdfplumber"])}

The goal of issue 12 was at least 10x pypdf: {"met" if r["speedup_vs_pypdf"] >= 10 else "not met"}
here ({r["speedup_vs_pypdf"]:.1f}x in wall time, {base["cpu_seconds"] / r["pyforge_txt"]["cpu_seconds"]:.1f}x in CPU time on this document: pypdf 7 is fast
on reportlab's simple text, and PyForge's CPU time is pdfium's own, as the
pypdfium2 row shows). Pages are read one after
another: pdfium is not thread-safe, not even across documents, so the
plugin holds one lock around every pdfium call and the engine's thread
pool has nothing to split (a second thread would only wait for the lock);
what PyForge adds to pdfium is the UTF-16 to UTF-8 conversion and the
output, which the pypdfium2 row shows as the difference. Against
pdfplumber PyForge is {r["speedup_vs_pdfplumber"]:.0f}x faster in wall time.

Where the CPU time goes (perf, this document): about 60% in pdfium's text
page (character boxes, line flow), about a quarter in the kernel, mostly
page faults and brk calls from glibc's heap growing and trimming around
pdfium's per-page allocations. With the heap kept
(`MALLOC_TRIM_THRESHOLD_=134217728 MALLOC_TOP_PAD_=67108864`) the CPU
time fell from 0.30 s to 0.22 s in a separate run; a library must not
change its host's allocator settings, so the plugin does not, but the
`pyforge` command could.
""")


if __name__ == "__main__":
    main()
