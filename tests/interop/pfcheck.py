"""What the interop tests share: a model of CSV content, the CSV writer that
renders it in any dialect, PyForge's documented type and null rules
(docs/types.md, src/core/infer.h) as an independent Python implementation,
and readers that load a Parquet file back with pyarrow and with DuckDB.

The model is what a test means the file to hold; tests cross-check that
Python's csv module parses the rendered bytes into exactly the model's
texts (so the expectation is "what the input holds", not what the writer
intended), and the model additionally knows which empty fields were quoted,
which the csv module cannot tell.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

csv.field_size_limit(sys.maxsize)  # the tests hold 1 MB values

# ---- the model -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    quoted: bool = False  # written in quotes even when not needed


def Q(text: str) -> Cell:
    return Cell(text, True)


def cells(values) -> list[Cell]:
    return [v if isinstance(v, Cell) else Cell(v) for v in values]


@dataclass
class Dialect:
    delimiter: str = ","
    quote: str = '"'
    escape: str | None = None  # None: doubled quotes; "\\": backslash
    eol: str = "\n"


def render_field(c: Cell, d: Dialect) -> str:
    t = c.text
    special = (d.delimiter in t or d.quote in t or "\n" in t or "\r" in t
               or (d.escape and d.escape in t))
    if not (c.quoted or special):
        return t
    if d.escape:
        t = t.replace(d.escape, d.escape + d.escape).replace(d.quote, d.escape + d.quote)
    else:
        t = t.replace(d.quote, d.quote + d.quote)
    return d.quote + t + d.quote


def render(header: list | None, rows: list[list], d: Dialect = Dialect(),
           final_eol: bool = True) -> str:
    lines = []
    for r in ([header] if header is not None else []) + rows:
        lines.append(d.delimiter.join(render_field(c, d) for c in cells(r)))
    return d.eol.join(lines) + (d.eol if final_eol and lines else "")


def python_csv_parse(text: str, d: Dialect = Dialect()) -> list[list[str]]:
    """Rows as Python's csv module reads them (empty lines dropped)."""
    kw = dict(delimiter=d.delimiter, quotechar=d.quote, strict=True)
    if d.escape:
        kw.update(escapechar=d.escape, doublequote=False)
    return [r for r in csv.reader(io.StringIO(text, newline=""), **kw) if r]


def assert_model_matches_csv(text: str, header, rows, d: Dialect = Dialect()):
    parsed = python_csv_parse(text, d)
    want = [[c.text for c in cells(r)]
            for r in ([header] if header is not None else []) + rows]
    assert len(parsed) == len(want), \
        f"python csv sees {len(parsed)} rows, the model has {len(want)}"
    for i, (p, w) in enumerate(zip(parsed, want)):
        assert p == w, f"row {i}: python csv {p!r} != model {w!r}"


# ---- PyForge's type rules, implemented independently -----------------------

NULL, BOOL, INT, DOUBLE, DATE, TS, TSUTC, STRING = (
    "null", "bool", "int64", "double", "date", "timestamp", "timestamp_utc", "string")
NULL_TOKENS = {"NULL", "null", "NA", "N/A", "NaN"}
EXACT = 2 ** 53

_INT = re.compile(r"[+-]?(0|[1-9][0-9]*)\Z")
_DBL = re.compile(r"[+-]?((0|[1-9][0-9]*)(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_TS = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})"
                 r"(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?(Z|[+-][0-9]{2}:[0-9]{2})?\Z")


def parse_int(s: str):
    if not _INT.match(s):
        return None
    v = int(s)
    return v if -2 ** 63 <= v < 2 ** 63 else None


def _sig_digits(mantissa: str) -> str:
    return mantissa.replace(".", "").lstrip("0").rstrip("0")


def parse_double(s: str):
    low = s.lower()
    if low in ("inf", "+inf", "infinity", "+infinity"):
        return math.inf
    if low in ("-inf", "-infinity"):
        return -math.inf
    if low == "nan":
        return math.nan
    if not _DBL.match(s):
        return None
    v = float(s)
    if math.isinf(v):
        return None
    mant = re.split(r"[eE]", s.lstrip("+-"))[0]
    want = _sig_digits(mant)
    if v == 0.0:
        return v if want == "" else None  # underflow is not a double
    got = _sig_digits(re.split(r"e", repr(abs(v)))[0])
    return v if got == want else None


def parse_date(s: str):
    m = _DATE.match(s)
    if not m:
        return None
    try:
        y, mo, d = (int(x) for x in m.groups())
        return dt.date(y, mo, d) if y >= 1 else None
    except ValueError:
        return None


def parse_timestamp(s: str):
    """(datetime, utc) or None. UTC values are converted to UTC."""
    m = _TS.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, tz = m.groups()
    try:
        v = dt.datetime(int(y), int(mo), int(d), int(hh), int(mi),
                        int(ss or 0), int((frac or "0").ljust(6, "0")))
    except ValueError:
        return None
    if int(y) < 1:
        return None
    if tz is None:
        return v, False
    off = dt.timedelta(0)
    if tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        off = sign * dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return (v - off).replace(tzinfo=dt.timezone.utc), True


def value_type(s: str) -> tuple[str, bool]:
    """The narrowest ladder type of one non-null text and its 'big' flag."""
    if s == "":
        return NULL, False
    if s.lower() in ("true", "false"):
        return BOOL, False
    v = parse_int(s)
    if v is not None:
        return INT, abs(v) > EXACT
    if parse_double(s) is not None:
        return DOUBLE, False
    if parse_date(s) is not None:
        return DATE, False
    t = parse_timestamp(s)
    if t is not None:
        return (TSUTC if t[1] else TS), False
    return STRING, False


def widen(a: str, a_big: bool, b: str, b_big: bool) -> str:
    if a == NULL:
        return b
    if b == NULL or a == b:
        return a
    if {a, b} == {INT, DOUBLE}:
        return STRING if (a_big or b_big) else DOUBLE
    if {a, b} == {DATE, TS}:
        return TS
    return STRING


def is_null_field(c: Cell, typ: str, null_values=None) -> bool:
    """Null in a column of type typ. Default rule: an unquoted empty field
    is null everywhere, a quoted one ("") only in typed columns; the tokens
    NULL/null/NA/N/A/NaN are null in typed columns and text in string
    columns. With custom null values (--null-value), exactly those strings
    are null in every column, quoted or not, and the tokens are text."""
    if c.text == "" and (not c.quoted or typ != STRING):
        return True
    if null_values is not None:
        return c.text in null_values
    return typ != STRING and c.text in NULL_TOKENS


def column_type(col: list[Cell], null_values=None) -> str:
    nulls = NULL_TOKENS if null_values is None else set(null_values)
    t, big = NULL, False
    for c in col:
        if c.text == "" or c.text in nulls:
            continue  # null for inference (tokens are literal only in strings)
        vt, vb = value_type(c.text)
        t = widen(t, big, vt, vb)
        big = big or vb
    return STRING if t == NULL else t


def convert_value(c: Cell, typ: str, null_values=None):
    if is_null_field(c, typ, null_values):
        return None
    s = c.text
    if typ == STRING:
        return s
    if typ == BOOL:
        return s.lower() == "true"
    if typ == INT:
        return parse_int(s)
    if typ == DOUBLE:
        v = parse_double(s)
        assert v is not None, f"model error: {s!r} is not a double"
        return v
    if typ == DATE:
        return parse_date(s)
    if typ in (TS, TSUTC):
        d = parse_date(s)
        if d is not None and typ == TS:
            return dt.datetime(d.year, d.month, d.day)
        return parse_timestamp(s)[0]
    raise AssertionError(typ)


def header_names(header: list[str] | None, n_cols: int) -> list[str]:
    """The documented naming rule (src/readers/csv/csv_header.c): names are
    trimmed of spaces and tabs; no header -> Column_1..N; an empty name ->
    Column_N (1-based position); duplicates, ignoring ASCII case: the first
    keeps its name, later ones become name_2, name_3, ..., skipping any name
    used by another column ("a,a,a_2" -> a, a_3, a_2)."""
    if header is None:
        return [f"Column_{i + 1}" for i in range(n_cols)]

    def key(n):
        return n.translate(_ASCII_LOWER)

    base = []
    for i in range(n_cols):
        n = (header[i] if i < len(header) else "").strip(" \t")
        base.append(n or f"Column_{i + 1}")
    every = {key(n) for n in base}
    used: set[str] = set()
    names = []
    for n in base:
        if key(n) in used:
            k = 2
            while key(f"{n}_{k}") in every or key(f"{n}_{k}") in used:
                k += 1
            n = f"{n}_{k}"
        names.append(n)
        used.add(key(n))
    return names


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def original_names(header: list[str | None]) -> list[str]:
    """The original's column names for a CSV header (None: no such field):
    pandas 1.5 names an empty field 'Unnamed: I' and a duplicate 'name.K'
    (K the next count that no header name holds), case-sensitively; the
    original then stripped white space and quotes, and renamed an empty
    name Column_N and a repeated one '<name>_duplicate_K'."""
    names = [f"Column_{i + 1}" if h is None else h if h else f"Unnamed: {i}"
             for i, h in enumerate(header)]
    counts: dict[str, int] = {}
    for i, col in enumerate(names):
        base, cur = col, counts.get(col, 0)
        if cur > 0:
            while cur > 0:
                counts[base] = cur + 1
                col = f"{base}.{cur}"
                cur = cur + 1 if col in names else counts.get(col, 0)
            names[i] = col
        counts[col] = cur + 1
    out, seen = [], set()
    for i, col in enumerate(names):
        col = col.strip(" \t\n\r\v\f").strip('"').strip("'")
        if col in seen or not col:
            k = 1
            new = f"{col}_duplicate_{k}" if col else f"Column_{i + 1}"
            while new in seen:
                k += 1
                new = f"{col}_duplicate_{k}" if col else f"Column_{i + 1}_duplicate_{k - 1}"
            col = new
        out.append(col)
        seen.add(col)
    return out


@dataclass
class Expected:
    names: list[str]
    types: list[str]
    columns: list[list]  # Python values per column

    @property
    def n_rows(self):
        return len(self.columns[0]) if self.columns else 0


def expect(header, rows, *, has_header=True, all_strings=False,
           null_values=None) -> Expected:
    """What PyForge must produce from header + rows (model cells)."""
    hdr = [c.text for c in cells(header)] if (header is not None and has_header) else None
    n_cols = len(hdr) if hdr is not None else max((len(r) for r in rows), default=0)
    body = [cells(r) + [Cell("")] * (n_cols - len(r)) for r in rows]
    cols = [[r[i] for r in body] for i in range(n_cols)]
    names = header_names(hdr, n_cols)
    if all_strings:
        # Original PyForge rules: every column a string, nothing null; an
        # empty field is the empty string; the original's names.
        names = original_names([hdr[i] if hdr is not None and i < len(hdr) else None
                                for i in range(n_cols)])
        return Expected(names, [STRING] * n_cols, [[c.text for c in col] for col in cols])
    types = [column_type(col, null_values) for col in cols]
    return Expected(names, types, [[convert_value(c, t, null_values) for c in col]
                                   for col, t in zip(cols, types)])


# ---- reading Parquet back ---------------------------------------------------

ARROW_TYPES = {
    BOOL: pa.bool_(), INT: pa.int64(), DOUBLE: pa.float64(), DATE: pa.date32(),
    TS: pa.timestamp("us"), TSUTC: pa.timestamp("us", tz="UTC"), STRING: pa.string(),
}
DUCKDB_TYPES = {
    BOOL: "BOOLEAN", INT: "BIGINT", DOUBLE: "DOUBLE", DATE: "DATE",
    TS: "TIMESTAMP", TSUTC: "TIMESTAMP WITH TIME ZONE", STRING: "VARCHAR",
}


@dataclass
class Loaded:
    reader: str
    names: list[str]
    types: list  # reader-specific type objects/names
    columns: list[list]


def read_pyarrow(path) -> Loaded:
    t = pq.read_table(str(path))
    return Loaded("pyarrow", t.schema.names, [f.type for f in t.schema],
                  [c.to_pylist() for c in t.columns])


def read_duckdb(path) -> Loaded:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone='UTC'")
        desc = con.execute("SELECT column_name, column_type FROM "
                           "(DESCRIBE SELECT * FROM read_parquet(?))", [str(path)]).fetchall()
        # TIMESTAMPTZ values need pytz in Python; read them as UTC wall
        # time (TimeZone is UTC) and mark them UTC again below.
        sel = ", ".join(
            (f'CAST("{name}" AS TIMESTAMP)' if typ == "TIMESTAMP WITH TIME ZONE"
             else f'"{name}"') for name, typ in
            ((d[0].replace('"', '""'), d[1]) for d in desc)) or "*"
        rows = con.execute(f"SELECT {sel} FROM read_parquet(?)", [str(path)]).fetchall()
    finally:
        con.close()
    n = len(desc)
    cols = [[r[i] for r in rows] for i in range(n)]
    for i, d in enumerate(desc):
        if d[1] == "TIMESTAMP WITH TIME ZONE":
            cols[i] = [v if v is None else v.replace(tzinfo=dt.timezone.utc) for v in cols[i]]
    return Loaded("duckdb", [d[0] for d in desc], [d[1] for d in desc], cols)


def parquet_codecs(path) -> set[str]:
    """The codecs of every column chunk, as Parquet names them (DuckDB
    reports the footer's enum: SNAPPY, ZSTD, GZIP, LZ4_RAW, UNCOMPRESSED)."""
    con = duckdb.connect()
    try:
        return {r[0] for r in con.execute(
            "SELECT DISTINCT compression FROM parquet_metadata(?)", [str(path)]).fetchall()}
    finally:
        con.close()


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if type(a) is not type(b) and not (a is None or b is None):
        # bool vs int, date vs datetime: a type mismatch is a difference
        if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
            return a == b
        return False
    return a == b


def _short(v, n=80):
    r = repr(v)
    return r if len(r) <= n else r[:n] + f"...({len(r)} chars)"


def compare(loaded: Loaded, exp: Expected, *, max_report=5, type_map=None):
    """loaded must hold exp: names, types (type_map: model type -> the
    reader's type object; default by reader name, pyarrow or DuckDB) and
    every value."""
    who = loaded.reader
    assert loaded.names == exp.names, f"{who}: column names {loaded.names[:20]} != {exp.names[:20]}"
    if type_map is None:
        type_map = ARROW_TYPES if who == "pyarrow" else DUCKDB_TYPES
    want_types = [type_map[t] for t in exp.types]
    bad_types = [(exp.names[i], str(g), str(w)) for i, (g, w)
                 in enumerate(zip(loaded.types, want_types)) if g != w]
    assert not bad_types, f"{who}: column types differ (name, got, want): {bad_types[:10]}"
    problems = []
    for name, got, want in zip(exp.names, loaded.columns, exp.columns):
        if len(got) != len(want):
            problems.append(f"column {name}: {len(got)} values, expected {len(want)}")
            continue
        for i, (g, w) in enumerate(zip(got, want)):
            if not _same(g, w):
                problems.append(f"column {name} row {i + 1}: got {_short(g)}, expected {_short(w)}")
                if len(problems) >= max_report:
                    break
        if len(problems) >= max_report:
            break
    assert not problems, f"{who}: values differ:\n  " + "\n  ".join(problems)


def check_parquet(path, exp: Expected):
    """Reads path with pyarrow and with DuckDB; both must hold exp."""
    assert Path(path).is_file(), f"no output at {path}"
    compare(read_pyarrow(path), exp)
    compare(read_duckdb(path), exp)


# ---- one table of every type, for the third-party reader tests ---------------

UNICODE_WORDS = ["東京", "서울", "Ελλάδα", "Москва", "مرحبا", "café", "naïve", "Ångström",
                 "e\u0301", "😀", "👩‍👩‍👧‍👦", "🇫🇷", "a\u200bb", "\u00a0nbsp", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ß"]


def every_type_table(seed: int = 1, n: int = 3000, ancient: bool = True):
    """(header, rows, types): a generated table (seeded) with one column per
    PyForge type and the values readers get wrong: int64 extremes; doubles
    with nan/inf in several spellings, -0.0, the smallest subnormal and the
    largest finite value, and the "NaN" null token next to the IEEE "nan";
    booleans in any case; dates and timestamps from year 1 to 9999
    (ancient=False keeps dates from 1582-10-15 and UTC timestamps from
    1900-01-01Z, which Spark reads without its rebase setting); UTC
    timestamps with offsets; strings with unicode, quoted empties, null
    tokens (text in a string column), delimiters, quotes and line breaks;
    and a column where every value is null. Every column has nulls
    (unquoted empties, and the null tokens in typed columns)."""
    rng = random.Random(seed)
    tokens = sorted(NULL_TOKENS)
    # Spark (3.x, default settings) refuses dates before 1582-10-15 and
    # UTC timestamps before 1900-01-01Z from files it did not write;
    # naive timestamps it reads as they are.
    lo_day = dt.date(1, 1, 1) if ancient else dt.date(1582, 10, 15)
    lo_utc = dt.date(1, 1, 2) if ancient else dt.date(1900, 1, 2)

    def maybe_null(v, p=0.1):
        r = rng.random()
        if r < p / 2:
            return ""
        if r < p:
            return rng.choice(tokens)
        return v

    def rdate(lo=dt.date(1, 1, 1), hi=dt.date(9999, 12, 31)):
        # half of them in 1900..2100, the rest anywhere in lo..hi
        if rng.random() < .5:
            return dt.date(1900, 1, 1) + dt.timedelta(days=rng.randrange(73000))
        return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))

    def rtime_text(d):
        t = dt.datetime(d.year, d.month, d.day, rng.randrange(24), rng.randrange(60),
                        rng.randrange(60), rng.randrange(1000000))
        sep = rng.choice(" T")
        form = rng.randrange(3)
        if form == 0:
            return t.strftime(f"%Y-%m-%d{sep}%H:%M")
        if form == 1:
            return t.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
        return (t.strftime(f"%Y-%m-%d{sep}%H:%M:%S.")
                + f"{t.microsecond:06d}"[:rng.randint(1, 6)])

    def rdate_text(d):
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"  # strftime %Y does not pad

    def fix_year(text, d):  # strftime's %Y is not zero-padded before 1000
        return f"{d.year:04d}" + text[text.index("-"):]

    def ts_text():
        d = rdate()
        return fix_year(rtime_text(d), d)

    def tsu_text():
        # an offset must not move the instant outside years 1..9999
        d = rdate(lo_utc, dt.date(9999, 12, 30))
        return fix_year(rtime_text(d), d) + rng.choice(["Z", "+02:00", "-05:30", "+00:00",
                                                       "+14:00", "-12:00"])

    special_dbl = ["nan", "NAN", "inf", "-inf", "Inf", "+inf", "Infinity", "-Infinity",
                   "-0.0", "0.0", "0", "5e-324", "-5e-324", "1.7976931348623157e308",
                   "-1.7976931348623157e308", "2.2250738585072014e-308", ".5", "-.25e3"]
    text_pool = ["", Q(""), "NULL", "null", "NA", "N/A", "NaN", "nan", "123", "true",
                 "  spaces  ", "\ttab", Q("comma, inside"), Q('a "quoted" word'),
                 Q("line\nbreak"), Q("crlf\r\nbreak")]
    cols = {
        "id": (INT, lambda i: str(i + 1)),
        "i64": (INT, lambda i: maybe_null(rng.choice([
            str(rng.randint(-10 ** 9, 10 ** 9)), "9223372036854775807",
            "-9223372036854775808", "0", "-0",
            str(rng.randint(2 ** 53 + 1, 2 ** 63 - 1)), str(-rng.randint(2 ** 53 + 1, 2 ** 63))]))),
        "dbl": (DOUBLE, lambda i: maybe_null(
            rng.choice(special_dbl) if rng.random() < .3 else rng.choice([
                repr(rng.uniform(-1e6, 1e6)), repr(rng.random()),
                repr(rng.uniform(-1, 1) * 10 ** rng.randint(-300, 300)),
                str(rng.randint(-1000, 1000))]))),
        "flag": (BOOL, lambda i: maybe_null(rng.choice(["true", "false", "TRUE", "False", "tRuE"]))),
        "day": (DATE, lambda i: maybe_null(rdate_text(rdate(lo_day)))),
        "ts": (TS, lambda i: maybe_null(ts_text())),
        "ts_utc": (TSUTC, lambda i: maybe_null(tsu_text())),
        "text": (STRING, lambda i: rng.choice(text_pool) if rng.random() < .3 else
                 " ".join(rng.choice(UNICODE_WORDS) for _ in range(rng.randint(1, 4)))),
        "nothing": (STRING, lambda i: ""),
    }
    header = list(cols)
    rows = [[cols[c][1](i) for c in header] for i in range(n)]
    # the edge values, each at least once (rows 1..)
    col = header.index
    edges = {
        "dbl": ["nan", "inf", "-inf", "NaN", "-0.0", "5e-324", "1.7976931348623157e308"],
        "day": (["0001-01-01", "1582-10-04", "1582-10-14"] if ancient else [])
        + ["1582-10-15", "1899-12-31", "1969-12-31", "1970-01-01", "2000-02-29", "9999-12-31"],
        "ts": ["0001-01-01 00:00:00", "1582-10-04 23:59:59.999999", "1899-12-31 23:59:59.999999",
               "1970-01-01T00:00:00.000001", "9999-12-31 23:59:59.999999"],
        "ts_utc": (["0001-01-01T00:00:00Z", "1582-10-15T01:00:00+02:00",
                    "1899-12-31T23:59:59.999999Z"] if ancient else [])
        + ["1900-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z",
           "2024-03-31T02:30:00+02:00", "9999-12-31T23:59:59.999999Z"],
        "text": text_pool + ["😀", "👩‍👩‍👧‍👦", "e\u0301", "\u00a0nbsp"],
        "i64": ["9223372036854775807", "-9223372036854775808", "-0"],
        "flag": ["TRUE", "false"],
    }
    for name, values in edges.items():
        for k, v in enumerate(values):
            rows[1 + k][col(name)] = v
    return header, rows, [cols[c][0] for c in header]
