#!/usr/bin/env python3
"""Sweeps corpora of CSV/TSV files (other readers' test files) and compares
PyForge with independent readers; not a test, a finder of differences.

For every .csv/.tsv/.txt (also .gz) file under the given directories:
  pyforge   pyforge convert FILE out.parquet (auto-detection, strict mode),
            read back with pyarrow
  duckdb    read_csv(FILE) with auto-detection (its default, strict)
  pyarrow   pyarrow.csv told the dialect DuckDB's sniffer found (delimiter,
            quote, header), the second opinion on shape
Compared: row count, column count, header names, and every value rendered as
text the same way (None -> empty, integral doubles without ".0", dates ISO);
a value pair that differs as text but is equal as a number, or as a date /
timestamp, counts as a typing choice, not a difference.

Each file falls in one class:
  agree               same shape, header and values
  agree-typing        same, up to numeric/temporal rendering (typing choices)
  all-refuse          every reader fails
  pyforge-refuses[why]
                      PyForge fails where DuckDB reads (pyarrow agreeing on
                      the shape, or unable to read: "-alone" when it disagrees);
                      why: bad-row (strict mode; ",keep:" what --on-bad-rows
                      keep gives against DuckDB), nul-byte, open-quote, other
  others-refuse       PyForge reads where DuckDB fails
  rows / cols / header / values
                      the first kind of difference found; suffixed with
                      "@pa=pf" when pyarrow sides with PyForge, "@pa=dd" when
                      it sides with DuckDB, "@pa=?" when it sides with neither
Classifying a difference as PyForge's fault, the others', or a documented
choice is the reader's work: --list CLASS prints the files of a class with
the first differing detail.

  python bench/sweep_csv.py --pyforge build/release/pyforge /tmp/corpus/a /tmp/corpus/b
  python bench/sweep_csv.py ... --save run.json     # per-file results
  python bench/sweep_csv.py ... --compare run.json  # files whose class changed
"""
import argparse
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pollock import text as pollock_text  # noqa: E402  (one rendering for both)

EXTS = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".tbl")
G = {}


def text(v):
    """A value as text, as bench/pollock.py renders it (naive timestamps)."""
    if isinstance(v, datetime.datetime):
        v = v.replace(tzinfo=None)
    return pollock_text(v)


def same_typed(a, b):
    """Equal as numbers or as timestamps though rendered differently."""
    try:
        fa, fb = float(a), float(b)
        return fa == fb or (fa != fa and fb != fb) or abs(fa - fb) <= 1e-12 * max(abs(fa), abs(fb))
    except ValueError:
        pass
    for s in (a, b):
        if not s or not s[0].isdigit():
            return False
    na, nb = a.replace("T", " ").rstrip("0").rstrip("."), b.replace("T", " ").rstrip("0").rstrip(".")
    return na == nb or na.startswith(nb + " 00:00:00") or nb.startswith(na + " 00:00:00")


def table_of(header, columns):
    rows = [list(r) for r in zip(*columns)] if columns else []
    return {"header": list(header), "rows": [[text(v) for v in r] for r in rows]}


def read_pyforge(path, tmp, *extra):
    import pyarrow.parquet as pq
    out = os.path.join(tmp, "out.parquet")
    if os.path.exists(out):
        os.remove(out)
    cmd = [G["pyforge"], "convert", path, out, "--force", "-q", "-j", "1", "--input-format", "csv",
           *extra]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    if p.returncode != 0:
        return {"error": p.stderr.strip()[-300:] or f"exit {p.returncode}"}
    t = pq.read_table(out)
    return table_of(t.column_names, [c.to_pylist() for c in t.columns])


def read_duckdb(path):
    import duckdb
    con = duckdb.connect()
    try:
        rel = con.read_csv(path)
        cols = rel.columns
        rows = rel.fetchall()
        sniff = {}
        try:
            r = con.execute("SELECT Delimiter, Quote, Escape, HasHeader, SkipRows FROM sniff_csv(?)",
                            [path]).fetchone()
            sniff = dict(zip(("delimiter", "quote", "escape", "header", "skip"), r))
        except Exception:
            pass
        t = table_of(cols, list(zip(*rows)) if rows else [[] for _ in cols])
        t["sniff"] = sniff
        return t
    except Exception as e:
        return {"error": str(e).splitlines()[0][:300]}
    finally:
        con.close()


def read_pyarrow(path, sniff):
    import pyarrow.csv as pc
    if not sniff or len(sniff.get("delimiter") or "") != 1:
        return {"error": "no dialect"}
    try:
        q = sniff.get("quote") or ""
        po = pc.ParseOptions(delimiter=sniff["delimiter"], quote_char=q if len(q) == 1 else False,
                             double_quote=(sniff.get("escape") in ("", '"', None)),
                             escape_char=sniff["escape"] if sniff.get("escape") not in ("", '"', None, "\x00")
                             else False, newlines_in_values=True)
        ro = pc.ReadOptions(skip_rows=int(sniff.get("skip") or 0),
                            autogenerate_column_names=not sniff.get("header"))
        t = pc.read_csv(path, read_options=ro, parse_options=po)
        return table_of(t.column_names, [c.to_pylist() for c in t.columns])
    except Exception as e:
        return {"error": str(e).splitlines()[0][:300]}


def names(header):
    """Header names compared: case and outer space ignored; generated names
    (PyForge's Column_1.., DuckDB's column0.., pyarrow's f0..) as their
    position; a duplicate's suffix (PyForge name_2, DuckDB name_1: a
    documented choice, compatibility.md) dropped."""
    out, seen = [], set()
    for i, h in enumerate(header):
        k = h.strip().lower()
        if re.fullmatch(r"column_?0*\d+|f\d+", k) and (
                k == f"column_{i + 1}" or re.fullmatch(rf"column0*{i}", k) or k == f"f{i}"):
            k = f"#{i}"
        m = re.fullmatch(r"(.*)_(\d+)", k)
        if m and m.group(1) in seen:
            k = m.group(1) + "_dup"
        seen.add(k)
        out.append(k)
    return out


def first_diff(a, b):
    """The first kind of difference between two read tables, or None / 'typing'."""
    if len(a["rows"]) != len(b["rows"]):
        return "rows", f"{len(a['rows'])} vs {len(b['rows'])} rows"
    if len(a["header"]) != len(b["header"]):
        return "cols", f"{len(a['header'])} vs {len(b['header'])} columns"
    ha, hb = names(a["header"]), names(b["header"])
    if ha != hb:
        i = next(i for i in range(len(ha)) if ha[i] != hb[i])
        return "header", f"column {i + 1}: {a['header'][i]!r} vs {b['header'][i]!r}"
    typing = None
    for r, (ra, rb) in enumerate(zip(a["rows"], b["rows"])):
        for c, (va, vb) in enumerate(zip(ra, rb)):
            if va != vb:
                if same_typed(va, vb):
                    typing = typing or f"row {r + 1} col {c + 1}: {va!r} vs {vb!r}"
                    continue
                return "values", f"row {r + 1} col {a['header'][c]!r}: {va[:60]!r} vs {vb[:60]!r}"
    return ("typing", typing) if typing else (None, None)


def refusal(message):
    """Why PyForge refused, in a word (its error messages' own wording)."""
    for key, why in (("where the header has", "bad-row"), ("where the other rows have", "bad-row"),
                     ("NUL byte", "nul-byte"), ("unterminated quote", "open-quote")):
        if key in message:
            return why
    return "other"


def classify(path):
    tmp = G.setdefault("tmp", tempfile.mkdtemp(prefix="sweep-"))
    pf = read_pyforge(path, tmp)
    dd = read_duckdb(path)
    pa = read_pyarrow(path, dd.get("sniff")) if "error" not in dd else {"error": "no dialect"}
    res = {"path": path}
    if "error" in pf and "error" in dd:
        res.update(cls="all-refuse", detail=pf["error"][-160:])
    elif "error" in pf:
        alone = "error" not in pa and first_diff(pa, dd)[0] not in (None, "typing")
        why = refusal(pf["error"])
        if why == "bad-row":  # strict mode; what does the lenient mode give?
            keep = read_pyforge(path, tmp, "--on-bad-rows", "keep")
            why += ",keep:" + ("fails" if "error" in keep else
                               {None: "agree", "typing": "agree"}.get(first_diff(keep, dd)[0],
                                                                      first_diff(keep, dd)[0]))
        res.update(cls=f"pyforge-refuses[{why}]" + ("-alone" if alone else ""),
                   detail=pf["error"][-200:], dd_shape=f"{len(dd['rows'])}x{len(dd['header'])}")
    elif "error" in dd:
        res.update(cls="others-refuse", detail=dd["error"][:200],
                   pf_shape=f"{len(pf['rows'])}x{len(pf['header'])}")
    else:
        kind, detail = first_diff(pf, dd)
        if kind is None:
            res.update(cls="agree")
        elif kind == "typing":
            res.update(cls="agree-typing", detail=detail)
        else:
            side = "?"
            if "error" not in pa:
                if first_diff(pa, pf)[0] in (None, "typing"):
                    side = "pf"
                elif first_diff(pa, dd)[0] in (None, "typing"):
                    side = "dd"
            else:
                side = "x"
            res.update(cls=f"{kind}@pa={side}", detail=detail)
    return res


def files_under(dirs):
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in sorted(names):
                if n.lower().endswith(EXTS):
                    yield os.path.join(root, n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--pyforge", default="build/release/pyforge")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--save")
    ap.add_argument("--compare")
    ap.add_argument("--list", action="append", default=[], help="print the files of a class")
    o = ap.parse_args()
    G["pyforge"] = os.path.abspath(o.pyforge)
    files = list(files_under(o.dirs))
    with Pool(o.jobs, initializer=G.update, initargs=({"pyforge": G["pyforge"]},)) as pool:
        results = pool.map(classify, files, chunksize=4)
    counts = collections.Counter(r["cls"] for r in results)
    print(f"{len(results)} files")
    print("| class | files |\n|---|---:|")
    for cls, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"| {cls} | {n} |")
    for cls in o.list:
        print(f"\n## {cls}")
        for r in results:
            if r["cls"] == cls or (cls == "all" and r["cls"] not in ("agree", "agree-typing")):
                print(f"{r['path']}\t{r['cls']}\t{r.get('detail', '')}")
    if o.compare:
        with open(o.compare) as f:
            before = {r["path"]: r["cls"] for r in json.load(f)}
        moved = collections.Counter()
        for r in results:
            b = before.get(r["path"])
            if b is not None and b != r["cls"]:
                moved[(b, r["cls"])] += 1
                print(f"{r['path']}: {b} -> {r['cls']}")
        for (b, a), n in sorted(moved.items()):
            print(f"| {b} -> {a} | {n} |")
    if o.save:
        with open(o.save, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
