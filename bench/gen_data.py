#!/usr/bin/env python3
"""Deterministic CSV generators for the PyForge benchmarks.

Writes seeded, reproducible CSV files to bench/data/s<scale>/ (git-ignored)
and a manifest.json describing them (rows, columns, bytes, sha256). Values are
built column-wise with numpy and pyarrow.compute and written with
pyarrow.csv, so a full-scale run (about 650 MB in four files) takes well under
a minute.

Datasets (rows at --scale 1):
  typed         2,000,000 rows, 12 columns: int64 ids, doubles, int32 with
                nulls, dates, timestamps, booleans, short and medium strings.
  string_heavy  1,000,000 rows, 7 columns, mostly free text (some non-ASCII).
  wide            100,000 rows, 200 columns (ints, doubles, short strings).
  quoted          500,000 rows, 6 columns; every string field is quoted and
                many hold embedded commas, doubled quotes and line breaks.

Usage:
  python bench/gen_data.py [--scale 1.0] [--datasets typed,wide] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240601
BATCH_ROWS = 250_000
BENCH_DIR = Path(__file__).resolve().parent

BASE_ROWS = {
    "typed": 2_000_000,
    "string_heavy": 1_000_000,
    "wide": 100_000,
    "quoted": 500_000,
}
DATASET_NAMES = list(BASE_ROWS)

# --------------------------------------------------------------------------
# Vocabularies (deterministic: derived from a fixed seed, independent of scale)
# --------------------------------------------------------------------------

_LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_UNICODE_WORDS = [
    "café", "naïve", "Zürich", "façade", "smörgåsbord", "jalapeño", "crème",
    "Ελλάδα", "Москва", "東京", "서울", "مرحبا", "piñata", "Ångström", "über",
]
_COUNTRIES = (
    "US GB DE FR IT ES NL BE CH AT SE NO DK FI PL CZ PT IE GR HU RO BG HR SI SK "
    "EE LV LT LU MT CY IS CA MX BR AR CL CO PE JP CN KR IN ID TH VN PH MY SG AU "
    "NZ ZA EG NG KE MA TR IL SA AE"
).split()
_STATUSES = ["pending", "shipped", "delivered", "cancelled", "returned", "on_hold"]
_DOMAINS = ["example.com", "mail.test", "corp.example", "post.invalid", "web.test"]
# Tokens that force CSV quoting: commas, doubled quotes, line breaks.
_NASTY_TOKENS = [
    "a,b", "x, y, z", 'said "hi"', '"quoted"', 'it\'s "fine", ok', "line\nbreak",
    "two\nline\nbreaks", "comma,\nthen newline", '""', ",", "tab\there",
]


def _make_words(rng: np.random.Generator, n: int, min_len: int, max_len: int) -> list[str]:
    lens = rng.integers(min_len, max_len + 1, n)
    letters = rng.choice(_LETTERS, size=int(lens.sum()))
    buf = letters.tobytes().decode("ascii")
    out, pos = [], 0
    for ln in lens:
        out.append(buf[pos:pos + ln])
        pos += ln
    return out


def _vocabularies() -> dict[str, pa.Array]:
    rng = np.random.default_rng(7)
    words = _make_words(rng, 5000, 2, 10)
    first = [w.capitalize() for w in _make_words(rng, 800, 3, 8)]
    last = [w.capitalize() for w in _make_words(rng, 1500, 4, 10)]
    cities = [w.capitalize() for w in _make_words(rng, 400, 4, 11)]
    skus = [f"SKU-{i:06d}" for i in rng.choice(1_000_000, 50_000, replace=False)]
    short = _make_words(rng, 300, 3, 8)
    return {
        "words": pa.array(words, pa.string()),
        "words_unicode": pa.array(words + _UNICODE_WORDS * 20, pa.string()),
        "words_nasty": pa.array(words[:1000] + _NASTY_TOKENS * 40, pa.string()),
        "first": pa.array(first, pa.string()),
        "last": pa.array(last, pa.string()),
        "cities": pa.array(cities, pa.string()),
        "skus": pa.array(skus, pa.string()),
        "short": pa.array(short, pa.string()),
        "countries": pa.array(_COUNTRIES, pa.string()),
        "statuses": pa.array(_STATUSES, pa.string()),
        "domains": pa.array(_DOMAINS, pa.string()),
    }


# --------------------------------------------------------------------------
# Column helpers
# --------------------------------------------------------------------------

def _pick(rng, vocab: pa.Array, n: int) -> pa.Array:
    return vocab.take(pa.array(rng.integers(0, len(vocab), n)))


def _text(rng, vocab: pa.Array, n: int, kmin: int, kmax: int, sep: str = " ") -> pa.Array:
    """n strings of kmin..kmax words drawn from vocab, joined by sep."""
    k = rng.integers(kmin, kmax + 1, n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(k, out=offsets[1:])
    words = vocab.take(pa.array(rng.integers(0, len(vocab), int(offsets[-1]))))
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), words)
    return pc.binary_join(lists, sep)


def _with_nulls(rng, arr: pa.Array, frac: float) -> pa.Array:
    if frac <= 0:
        return arr
    mask = pa.array(rng.random(len(arr)) < frac)
    return pc.if_else(mask, pa.scalar(None, arr.type), arr)


def _dates(rng, n: int) -> pa.Array:
    days = rng.integers(10957, 21915, n).astype(np.int32)  # 2000-01-01 .. 2029-12-31
    return pa.array(days, pa.int32()).cast(pa.date32())


def _timestamps(rng, n: int) -> pa.Array:
    secs = rng.integers(946_684_800, 1_893_456_000, n).astype(np.int64)
    return pa.array(secs, pa.int64()).cast(pa.timestamp("s"))


# --------------------------------------------------------------------------
# Dataset batch builders: (rng, first_row_index, n_rows, vocab) -> pa.Table
# --------------------------------------------------------------------------

def _typed(rng, start, n, v) -> pa.Table:
    return pa.table({
        "id": pa.array(np.arange(start + 1, start + n + 1, dtype=np.int64)),
        "customer_id": pa.array(rng.integers(1, 1_000_000_000, n, dtype=np.int64)),
        "amount": _with_nulls(rng, pa.array(np.round(rng.gamma(2.0, 150.0, n), 2)), 0.05),
        "score": pa.array(np.round(rng.normal(0.0, 1.0, n), 4)),
        "quantity": _with_nulls(rng, pa.array(rng.integers(0, 1000, n, dtype=np.int32)), 0.02),
        "event_date": _dates(rng, n),
        "created_at": _timestamps(rng, n),
        "is_active": _with_nulls(rng, pa.array(rng.random(n) < 0.7), 0.01),
        "country": _pick(rng, v["countries"], n),
        "status": _pick(rng, v["statuses"], n),
        "sku": _pick(rng, v["skus"], n),
        "description": _with_nulls(rng, _text(rng, v["words"], n, 1, 4), 0.03),
    })


def _string_heavy(rng, start, n, v) -> pa.Table:
    first, last = _pick(rng, v["first"], n), _pick(rng, v["last"], n)
    email = pc.binary_join_element_wise(
        pc.utf8_lower(first), ".", pc.utf8_lower(last), "@", _pick(rng, v["domains"], n), "")
    return pa.table({
        "id": pa.array(np.arange(start + 1, start + n + 1, dtype=np.int64)),
        "name": pc.binary_join_element_wise(first, last, " "),
        "email": email,
        "city": _pick(rng, v["cities"], n),
        "comment": _with_nulls(rng, _text(rng, v["words_unicode"], n, 4, 30), 0.05),
        "tags": _with_nulls(rng, _text(rng, v["short"], n, 1, 4, ";"), 0.10),
        "title": _text(rng, v["words"], n, 2, 5),
    })


def _wide(rng, start, n, v) -> pa.Table:
    cols = {}
    for i in range(200):
        kind = i % 4
        if kind == 0:
            a = pa.array(rng.integers(0, 1_000_000, n, dtype=np.int64))
        elif kind == 1:
            a = pa.array(np.round(rng.uniform(-1000.0, 1000.0, n), 2))
        elif kind == 2:
            a = _pick(rng, v["short"], n)
        else:
            a = _with_nulls(rng, pa.array(rng.integers(0, 100, n, dtype=np.int32)), 0.05)
        cols[f"c{i:03d}"] = a
    return pa.table(cols)


def _quoted(rng, start, n, v) -> pa.Table:
    return pa.table({
        "id": pa.array(np.arange(start + 1, start + n + 1, dtype=np.int64)),
        "title": _text(rng, v["words_nasty"], n, 2, 5),
        "body": _text(rng, v["words_nasty"], n, 5, 25),
        "author": pc.binary_join_element_wise(
            _pick(rng, v["last"], n), _pick(rng, v["first"], n), ", "),
        "amount": pa.array(np.round(rng.uniform(0.0, 10000.0, n), 2)),
        "note": _with_nulls(rng, _text(rng, v["words_nasty"], n, 1, 3), 0.2),
    })


BUILDERS = {
    "typed": (_typed, "none"),
    "string_heavy": (_string_heavy, "none"),
    "wide": (_wide, "none"),
    "quoted": (_quoted, "needed"),  # 'needed' quotes every string field
}
NEWLINES_IN_VALUES = {"typed": False, "string_heavy": False, "wide": False, "quoted": True}


# --------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def generate(name: str, rows: int, seed: int, path: Path, vocab) -> dict:
    build, quoting = BUILDERS[name]
    tmp = path.with_suffix(".csv.tmp")
    columns = None
    with open(tmp, "wb") as f:
        start, batch_no = 0, 0
        while start < rows:
            n = min(BATCH_ROWS, rows - start)
            # Per-batch seed: the first k batches do not depend on the scale.
            rng = np.random.default_rng([seed, DATASET_NAMES.index(name), batch_no])
            table = build(rng, start, n, vocab)
            if columns is None:
                columns = table.column_names
                f.write((",".join(columns) + "\n").encode())  # unquoted header
            pacsv.write_csv(table, f, pacsv.WriteOptions(
                include_header=False, quoting_style=quoting, batch_size=8192))
            start += n
            batch_no += 1
    os.replace(tmp, path)
    return {
        "file": path.name,
        "rows": rows,
        "columns": len(columns),
        "bytes": path.stat().st_size,
        "sha256": _sha256(path),
        "newlines_in_values": NEWLINES_IN_VALUES[name],
    }


def data_dir_for(scale: float, base: Path | None = None) -> Path:
    base = base or BENCH_DIR / "data"
    return base / f"s{scale:g}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="row-count factor (default 1.0 = full size)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--datasets", default=",".join(DATASET_NAMES))
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="output directory (default bench/data/s<scale>)")
    ap.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = ap.parse_args(argv)

    names = [d.strip() for d in args.datasets.split(",") if d.strip()]
    for d in names:
        if d not in BUILDERS:
            ap.error(f"unknown dataset {d!r}; choose from {', '.join(DATASET_NAMES)}")
    if args.scale <= 0:
        ap.error("--scale must be > 0")

    out = args.data_dir or data_dir_for(args.scale)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    manifest = {}
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text())
        except ValueError:
            manifest = {}
    same_params = (manifest.get("generator_version") == GENERATOR_VERSION
                   and manifest.get("seed") == args.seed and manifest.get("scale") == args.scale)
    datasets = manifest.get("datasets", {}) if same_params else {}

    vocab = None
    for name in names:
        rows = max(1, int(round(BASE_ROWS[name] * args.scale)))
        path = out / f"{name}.csv"
        entry = datasets.get(name)
        if (not args.force and entry and entry.get("rows") == rows and path.exists()
                and path.stat().st_size == entry.get("bytes")):
            print(f"[gen] {name:13s} up to date: {path} ({entry['bytes'] / 1e6:.1f} MB, {rows:,} rows)")
            continue
        vocab = vocab or _vocabularies()
        t0 = time.perf_counter()
        datasets[name] = generate(name, rows, args.seed, path, vocab)
        dt = time.perf_counter() - t0
        print(f"[gen] {name:13s} wrote {path} ({datasets[name]['bytes'] / 1e6:.1f} MB, "
              f"{rows:,} rows, {datasets[name]['columns']} cols) in {dt:.1f}s")
        manifest = {"generator_version": GENERATOR_VERSION, "seed": args.seed,
                    "scale": args.scale, "datasets": datasets}
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")

    manifest = {"generator_version": GENERATOR_VERSION, "seed": args.seed,
                "scale": args.scale, "datasets": datasets}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
