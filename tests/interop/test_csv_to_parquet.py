"""Tier 3 interop: CSV inputs generated here (seeded), converted with the
pyforge CLI, read back with pyarrow and with DuckDB and compared value by
value, and type by type, with what the input holds under PyForge's rules
(pfcheck.expect: int64, double, boolean, date, timestamp, string; empty
unquoted field -> null, quoted "" -> empty string; NULL/null/NA/N/A/NaN null
in typed columns, literal text in string columns; 00501, integers beyond
int64 and decimals a double cannot hold stay strings; a late value that does
not fit widens the column: int -> double while exact, else -> string).

Each generated file is first parsed with Python's csv module and checked
against the model, so the expectations are what the bytes really say.
"""
from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import json
import random
import shutil
import string
import subprocess

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from pfcheck import (BOOL, DATE, DOUBLE, INT, STRING, TS, TSUTC, Dialect,
                     Q, assert_model_matches_csv, check_parquet, expect,
                     parquet_codecs, python_csv_parse, read_duckdb, read_pyarrow,
                     render)


# ---- helpers -----------------------------------------------------------------

@pytest.fixture
def convert(run_pyforge, tmp_path, assert_no_temp_files):
    """convert(data, *args, name=..., env=..., rc=0) writes data (bytes or
    str) to tmp/name, runs `pyforge convert tmp/name tmp/out.parquet --json
    *args` and returns (output path, result dict or None, stderr)."""
    def go(data, *args, name="in.csv", out="out.parquet", env=None, rc=0, stdin=None,
           timeout=120):
        src = tmp_path / name
        if data is not None:
            src.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        dst = tmp_path / out
        inp = "-" if stdin is not None else src
        try:
            got_rc, so, se = run_pyforge("convert", inp, dst, "--json", *args,
                                         env=env, input=stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pyforge convert {' '.join(map(str, args))} (env {env}) "
                        f"did not finish within {timeout} s")
        assert got_rc == rc, (f"pyforge convert {' '.join(map(str, args))}: exit "
                              f"{got_rc}, expected {rc}\nstdout: {so}\nstderr: {se}")
        assert_no_temp_files(tmp_path)
        if got_rc != 0:
            assert not dst.exists(), f"a failed conversion left {dst}"
        result = json.loads(so) if got_rc == 0 else None
        return dst, result, se
    return go


def check(path, exp, result=None):
    check_parquet(path, exp)
    if result is not None:
        assert result["rows"] == exp.n_rows, result
        assert result["columns"] == len(exp.names), result


def rand_word(rng, n=None):
    return "".join(rng.choice(string.ascii_letters) for _ in range(n or rng.randint(1, 12)))


# ---- every type, with nulls -------------------------------------------------

def typed_table(seed=1, n=2000):
    """Columns and the type each must come out as."""
    rng = random.Random(seed)
    tokens = ["NULL", "null", "NA", "N/A", "NaN"]

    def maybe_null(v, p=0.1, tokens=tokens):
        r = rng.random()
        if r < p / 2:
            return ""
        if r < p:
            return rng.choice(tokens)
        return v

    def rdate():
        return dt.date(1900, 1, 1) + dt.timedelta(days=rng.randrange(73000))

    def rts():
        d = rdate()
        t = dt.datetime(d.year, d.month, d.day, rng.randrange(24), rng.randrange(60),
                        rng.randrange(60), rng.randrange(1000000))
        sep = rng.choice(" T")
        form = rng.randrange(4)
        if form == 0:
            return t.strftime(f"%Y-%m-%d{sep}%H:%M")
        if form == 1:
            return t.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
        digits = rng.randint(1, 6)
        return t.strftime(f"%Y-%m-%d{sep}%H:%M:%S.") + f"{t.microsecond:06d}"[:digits]

    cols = {
        "id": (INT, lambda i: str(i + 1)),
        "i_nulls": (INT, lambda i: maybe_null(str(rng.randint(-10 ** 9, 10 ** 9)))),
        "i64_edges": (INT, lambda i: rng.choice([
            "9223372036854775807", "-9223372036854775808", "0",
            str(rng.randint(2 ** 53 + 1, 2 ** 63 - 1)), str(-rng.randint(2 ** 53 + 1, 2 ** 63))])),
        "dbl": (DOUBLE, lambda i: maybe_null(rng.choice([
            repr(rng.uniform(-1e6, 1e6)), repr(rng.random()), str(rng.randint(-1000, 1000)),
            "1e10", "2.5E-3", "-0.125", "inf", "-inf", "1.7976931348623157e308",
            "5e-324", ".5", repr(rng.uniform(-1, 1) * 10 ** rng.randint(-300, 300))]),
            tokens=tokens[:4])),  # "NaN" in a double column: see test_nan_token_*
        "flag": (BOOL, lambda i: maybe_null(rng.choice(["true", "false", "TRUE", "False", "tRuE"]))),
        "day": (DATE, lambda i: maybe_null(rdate().isoformat())),
        "ts": (TS, lambda i: maybe_null(rts())),
        "ts_or_day": (TS, lambda i: maybe_null(rts() if rng.random() < .5 else rdate().isoformat())),
        "ts_utc": (TSUTC, lambda i: maybe_null(rts() + rng.choice(["Z", "+02:00", "-05:30", "+00:00"]))),
        "text": (STRING, lambda i: rng.choice([
            rand_word(rng), rand_word(rng) + " " + rand_word(rng), "NULL", "NA", "null",
            "N/A", "NaN", Q(""), "", "123", "true", Q("quoted"), "  spaces  "])),
        "zip": (STRING, lambda i: maybe_null(rng.choice(["00501", "02108", "12345", "007", "90210"]))),
        "beyond_i64": (STRING, lambda i: rng.choice([
            str(rng.randint(1, 10 ** 6)), "9223372036854775808", "-9223372036854775809",
            "123456789012345678901234567890"])),
        "long_decimal": (STRING, lambda i: rng.choice([
            repr(rng.random()), "3.14159265358979323846", "0.1000000000000000055511151231257827"])),
        "int_then_dbl": (DOUBLE, lambda i: str(rng.randint(-2 ** 53, 2 ** 53)) if rng.random() < .7
                         else repr(rng.uniform(-100, 100))),
        "big_int_and_dbl": (STRING, lambda i: str(2 ** 53 + 1 + i) if rng.random() < .9 else "0.5"),
    }
    header = list(cols)
    rows = [[cols[c][1](i) for c in header] for i in range(n)]
    # make sure each column shows its rare values at least once
    rows[3][header.index("zip")] = "00501"
    rows[4][header.index("beyond_i64")] = "9223372036854775808"
    rows[5][header.index("long_decimal")] = "3.14159265358979323846"
    rows[6][header.index("big_int_and_dbl")] = "0.5"
    rows[7][header.index("text")] = Q("")
    rows[8][header.index("text")] = "NA"
    rows[9][header.index("dbl")] = "inf"
    rows[10][header.index("ts_or_day")] = "2024-02-29"
    rows[11][header.index("int_then_dbl")] = "0.25"
    return header, rows, [cols[c][0] for c in header]


def test_every_type_with_nulls(convert):
    header, rows, types = typed_table()
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    exp = expect(header, rows)
    assert exp.types == types, "the test's own model disagrees with the intended types"
    out, result, _ = convert(text)
    check(out, exp, result)
    assert [c["type"] for c in result["schema"]] == [
        {"int64": "int64", "double": "double", "bool": "boolean", "date": "date",
         "timestamp": "timestamp[us]", "timestamp_utc": "timestamp[us, UTC]",
         "string": "string"}[t] for t in types]


def test_empty_strings_and_nulls(convert):
    header = ["s", "n"]
    rows = [[Q(""), "1"], ["", ""], ["x", Q("NA")], [Q("NA"), "2"], [Q(""), "NA"],
            ["NULL", "3"], ["", "4"]]
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    exp = expect(header, rows)
    assert exp.columns[0] == ["", None, "x", "NA", "", "NULL", None]
    assert exp.columns[1] == [1, None, None, 2, None, 3, 4]
    check(out, exp, result)


def test_nan_token_in_a_double_column_is_null(convert):
    """The null tokens (NULL, null, NA, N/A, NaN) are null in typed
    columns, double columns included; the lower-case "nan" is the IEEE
    value (src/core/infer.h)."""
    header = ["x"]
    rows = [["1.5"], ["NaN"], ["2.25"], ["nan"], ["NA"]]
    out, result, _ = convert(render(header, rows))
    exp = expect(header, rows)
    assert exp.types == [DOUBLE]
    assert exp.columns[0][1] is None
    check(out, exp, result)


def test_quoted_tokens_and_empties_in_typed_columns(convert):
    header = ["n", "d"]
    rows = [["1", "2024-01-01"], [Q(""), Q("")], [Q("NA"), Q("NULL")], [Q("7"), Q("2024-12-31")]]
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    exp = expect(header, rows)
    assert exp.types == [INT, DATE]
    assert exp.columns[0] == [1, None, None, 7]
    check(out, exp, result)


@pytest.mark.parametrize("null_values", [["-"], ["-", "n/a", "NA"]])
def test_custom_null_values(convert, null_values):
    header = ["n", "s", "d"]
    rows = [["1", "a", "2024-01-01"], ["-", "-", "-"], ["n/a", "n/a", "2024-01-03"],
            ["3", "NULL", "NA"], ["", Q(""), ""]]
    args = [a for v in null_values for a in ("--null-value", v)]
    out, result, _ = convert(render(header, rows), *args)
    exp = expect(header, rows, null_values=null_values)
    check(out, exp, result)


def test_unicode(convert):
    words = ["東京", "서울", "Ελλάδα", "Москва", "مرحبا", "café", "naïve", "Ångström",
             "e\u0301", "😀", "👩‍👩‍👧‍👦", "🇫🇷", "a\u200bb", "\u00a0nbsp", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ß"]
    rng = random.Random(7)
    header = ["名前", "émoji😀", "n"]
    rows = [[rng.choice(words) + rng.choice(words), Q(rng.choice(words) + ", " + rng.choice(words)),
             str(i)] for i in range(500)]
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


def _long_values():
    rng = random.Random(11)
    mb = 1 << 20
    letters = "".join(rng.choice(string.ascii_letters) for _ in range(mb))
    # quotes, delimiters, line breaks and multi-byte characters: quoted
    tricky = ('é€😀,"\n' * (mb // 8))[:mb]
    return letters, tricky


@pytest.mark.parametrize("layout", ["letters", "tricky_first", "tricky_second", "mixed"])
def test_very_long_strings(convert, layout):
    """1 MB values, longer than the dialect sample (256 KiB) and the
    sampling windows: the dialect and the types must still come out right
    (id is int64 in every layout)."""
    a, b = _long_values()
    rows = {
        "letters": [["1", a], ["2", a[::-1]], ["3", "short"]],
        "tricky_first": [["1", b], ["2", "short"]],
        "tricky_second": [["1", "x"], ["2", b], ["3", "short"]],
        "mixed": [["1", a], ["2", b], ["3", "short"], ["4", a[::-1]]],
    }[layout]
    header = ["id", "big"]
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    exp = expect(header, rows)
    assert exp.types == [INT, STRING]
    check(out, exp, result)


def test_header_only(convert):
    out, result, _ = convert("id,name,amount,when\n")
    exp = expect(["id", "name", "amount", "when"], [])
    assert exp.types == [STRING] * 4
    check(out, exp, result)
    assert result["rows"] == 0


def test_one_column(convert):
    header = ["value"]
    rows = [[str(i)] for i in range(100)] + [["NA"], ["-5"]]
    text = render(header, rows)
    out, result, _ = convert(text)
    exp = expect(header, rows)
    assert exp.types == [INT]
    check(out, exp, result)


def test_one_string_column_with_quoted_empties(convert):
    header = ["word"]
    rows = [["alpha"], [Q("")], ["NA"], [Q("with, comma")], ["omega"]]
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


def test_all_null_columns_are_strings(convert):
    """A column with no value to type is a string column; a null token in
    it is then its text (the rule for string columns)."""
    header = ["a", "b", "c"]
    rows = [["1", "", "NA"], ["2", "", ""]]
    out, result, _ = convert(render(header, rows))
    exp = expect(header, rows)
    assert exp.types == [INT, STRING, STRING]
    assert exp.columns[2] == ["NA", None]
    check(out, exp, result)


def test_unusual_column_names(convert):
    header = ["a b", "x.y", 'q"uote', "ünï", "semi;colon", "tab\there"]
    rows = [[str(i) for i in range(6)], [str(i * 2) for i in range(6)]]
    text = render(header, rows)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text, "--delimiter", ",")
    check(out, expect(header, rows), result)


def test_single_numeric_row_is_data(convert):
    """One row of numbers: not a header (documented detection rule)."""
    out, result, _ = convert("1,2.5,true\n")
    exp = expect(None, [["1", "2.5", "true"]], has_header=False)
    assert exp.names == ["Column_1", "Column_2", "Column_3"]
    check(out, exp, result)


def test_empty_lines_are_skipped(convert):
    out, result, _ = convert("a,b\n1,x\n\n2,y\r\n\r\n3,z\n\n")
    check(out, expect(["a", "b"], [["1", "x"], ["2", "y"], ["3", "z"]]), result)


def test_1500_columns(convert):
    rng = random.Random(3)
    n_cols = 1500
    header = [f"c{i}" for i in range(n_cols)]
    gens = [lambda: str(rng.randint(-999, 999)), lambda: repr(rng.random()),
            lambda: rng.choice(["true", "false"]), lambda: rand_word(rng),
            lambda: rng.choice(["", "2024-01-02", "1999-12-31"])]
    rows = [[gens[c % 5]() for c in range(n_cols)] for _ in range(40)]
    text = render(header, rows)
    out, result, _ = convert(text)
    exp = expect(header, rows)
    assert exp.types[:5] == [INT, DOUBLE, BOOL, STRING, DATE]
    check(out, exp, result)


# ---- dialects ------------------------------------------------------------------

def dialect_table(delim, seed=5, n=300):
    rng = random.Random(seed)
    others = [d for d in ",;\t|" if d != delim]
    header = ["id", "name", "price", "note"]
    rows = []
    for i in range(n):
        note = rand_word(rng)
        if i % 7 == 0:
            note = f"has {delim} the delimiter"          # must be quoted
        elif i % 11 == 0:
            note = f"other {rng.choice(others)} char"    # fine unquoted
        rows.append([str(i), rand_word(rng), f"{rng.randint(0, 9999)}.{rng.randint(0, 99):02d}", note])
    return header, rows


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("explicit", [False, True], ids=["detected", "explicit"])
def test_delimiters(convert, delim, explicit):
    header, rows = dialect_table(delim)
    d = Dialect(delimiter=delim)
    text = render(header, rows, d)
    assert_model_matches_csv(text, header, rows, d)
    args = ["--delimiter", delim] if explicit else []
    out, result, _ = convert(text, *args)
    check(out, expect(header, rows), result)


def tricky_quoted_rows(rng, n, eol_in_values=("\n", "\r\n")):
    """Rows whose text column mixes quotes, delimiters, line breaks and
    multi-byte characters, quoted at random when not required."""
    header = ["id", "text", "n"]
    pieces = ['"', '""', ",", ";", "\t", "|", "x", "é", "😀", " ", "\\", "'"] + list(eol_in_values)
    rows = []
    for i in range(n):
        v = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if v.strip(" ") == "" and v != "":
            v = "x" + v
        rows.append([str(i), Q(v) if rng.random() < .5 else v, str(rng.randint(0, 100))])
    return header, rows


def test_doubled_quotes(convert):
    header = ["a", "b"]
    rows = [['say "hi"', "1"], ['"', "2"], ['""', "3"], ['"start', "4"], ['end"', "5"],
            [Q('a""b'), "6"]]
    text = render(header, rows)
    assert '"say ""hi"""' in text
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


@pytest.mark.parametrize("escape_arg", ["\\", "backslash"])
def test_backslash_escape(convert, escape_arg):
    d = Dialect(escape="\\")
    header = ["a", "b"]
    rows = [['say "hi"', "1"], ["back\\slash", "2"], ['both \\ and "', "3"],
            [Q("plain"), "4"], ['multi\nline "q"', "5"], ["\\", "6"]]
    text = render(header, rows, d)
    assert '\\"' in text
    assert_model_matches_csv(text, header, rows, d)
    out, result, _ = convert(text, "--escape", escape_arg)
    check(out, expect(header, rows), result)


@pytest.mark.parametrize("spelling", ["backslash", "\\\\", "\\"])
def test_backslash_escape_spellings(convert, run_pyforge, spelling):
    """`convert --help` documents `--escape backslash`; the shell spelling
    '\\\\' (two backslashes) and a lone backslash must work too."""
    rc, helptext, _ = run_pyforge("convert", "--help")
    assert "backslash" in helptext
    d = Dialect(escape="\\")
    header = ["a", "b"]
    rows = [['say "hi"', "1"], ["back\\slash", "2"]]
    out, result, _ = convert(render(header, rows, d), "--escape", spelling)
    check(out, expect(header, rows), result)


def test_multiline_quoted_fields_minimal(convert):
    """RFC 4180: a quoted field may hold line breaks. Three such rows must
    give three rows (not six rows split at the breaks)."""
    text = 'id,text,n\n1,"a\nb",1\n2,"c\nd",2\n3,"e\nf",3\n'
    header = ["id", "text", "n"]
    rows = [["1", "a\nb", "1"], ["2", "c\nd", "2"], ["3", "e\nf", "3"]]
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


def test_many_quoted_line_breaks_and_quotes(convert):
    """Most values quoted, many with line breaks and doubled quotes; the
    dialect must still be found (the quote is '"', not "'")."""
    rng = random.Random(81)
    pieces = ["é", "€", "“", "”", '"', ",", "\r\n", "\n", "x", "Œ", " "]
    header = ["id", "text", "n"]
    rows = [[str(i), "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))),
             str(rng.randint(0, 9))] for i in range(200)]
    d = Dialect(eol="\r\n")
    text = render(header, rows, d)
    assert_model_matches_csv(text, header, rows, d)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_embedded_delimiters_and_line_breaks(convert, eol):
    rng = random.Random(17)
    # Line breaks inside values: all three kinds, whatever the file's row
    # ends (Excel writes LF inside cells of CRLF files).
    header, rows = tricky_quoted_rows(rng, 400, ("\n", "\r\n", "\r"))
    d = Dialect(eol=eol)
    text = render(header, rows, d)
    assert_model_matches_csv(text, header, rows, d)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings_without_final_newline(convert, eol):
    header = ["a", "b"]
    rows = [["1", "x"], ["2", "y"], ["3", Q("last")]]
    d = Dialect(eol=eol)
    text = render(header, rows, d, final_eol=False)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)


def mixed_eol_text(seed, n=400):
    """A file whose rows end in LF, CR LF or a lone CR at random (sometimes
    \\r\\r\\n, sometimes an empty line after), values with all three inside
    quotes; with the model's header and rows."""
    rng = random.Random(seed)
    header, rows = tricky_quoted_rows(rng, n, ("\n", "\r\n", "\r"))
    out = []
    for r in [header] + rows:
        out.append(render(None, [r], final_eol=False))
        out.append(rng.choice(["\n", "\r\n", "\r", "\r\r\n", "\n\n", "\r\r"]))
    return header, rows, "".join(out)


@pytest.mark.parametrize("seed", [3, 4])
def test_mixed_line_ends(convert, seed):
    """Outside quotes LF, CR LF and a lone CR each end a row in any mix, as
    Python's csv module and pyarrow read them; quoted values keep theirs."""
    header, rows, text = mixed_eol_text(seed)
    assert_model_matches_csv(text, header, rows)
    out, result, _ = convert(text)
    check(out, expect(header, rows), result)
    got = pq.read_table(out)
    arrow = pacsv.read_csv(io.BytesIO(text.encode("utf-8")),
                           convert_options=pacsv.ConvertOptions(
                               column_types={"text": pa.string()}, strings_can_be_null=False))
    # (an unquoted empty field is null in PyForge, "" here)
    assert [v or "" for v in got.column("text").to_pylist()] == arrow.column("text").to_pylist()
    assert got.column("id").to_pylist() == arrow.column("id").to_pylist()


@pytest.mark.parametrize("case", [
    # a lone CR in a CR LF file ends a row (it was kept inside the value)
    "a,b\r\n1,x\r2,y\r\n3,z\r\n",
    # \r\r\n: a row end and an empty line (a \r was left in the value)
    "a,b\r\r\n1,x\r\r\n2,y\r\r\n3,z\r\r\n",
    # a CR file with one LF (the LF was taken as the row end: rows merged)
    "a,b\r1,x\r2,y\n3,z\r",
], ids=["lone-cr-in-crlf", "cr-cr-lf", "cr-with-one-lf"])
def test_mixed_line_ends_minimal(convert, run_pyforge, tmp_path, case):
    header, rows = ["a", "b"], [["1", "x"], ["2", "y"], ["3", "z"]]
    assert_model_matches_csv(case, header, rows)
    arrow = pacsv.read_csv(io.BytesIO(case.encode()))
    assert arrow.to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "b": "z"}]
    out, result, _ = convert(case)
    check(out, expect(header, rows), result)
    rc, so, _ = run_pyforge("info", tmp_path / "in.csv", "--json")
    assert rc == 0
    assert json.loads(so)["properties"]["line_ending"] == "mixed"


def test_mixed_line_ends_rejects_and_lines(convert, tmp_path):
    """Line numbers count each LF, CR LF and lone CR once; a skipped row is
    written to the rejects file with its own bytes."""
    text = 'a,b\r1,"x\ry"\r\n2,x,extra\n\r\r\n3,"p\r\nq",more\r4,w\r'
    # lines: 1 a,b | 2-3 1,"x CR y" | 4 bad | 5 empty | 6 empty | 7-8 bad | 9 4,w
    out, result, _ = convert(text, "--on-bad-rows", "skip")
    check(out, expect(["a", "b"], [["1", "x\ry"], ["4", "w"]]), result)
    parsed = python_csv_parse((tmp_path / "out.parquet.rejects.csv").read_bytes().decode())
    assert [(r[0], r[2]) for r in parsed[1:]] == [("4", "2,x,extra"),
                                                  ("7", '3,"p\r\nq",more')]
    _, _, err = convert(text, out="strict.parquet", rc=1)
    assert f"{tmp_path / 'in.csv'}: line 4, row 2" in err, err


# ---- encodings -------------------------------------------------------------------

def text_table():
    header = ["id", "word", "price"]
    rows = [["1", "café", "€5"], ["2", "naïve “quoted”", "10"], ["3", "Ærø – ‘x’", "£3"],
            ["4", "plain", "¥7"], ["5", "Œuvre…", "‰"], ["6", "Straße", "•"]]
    return header, rows


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("cp1252", b""),
], ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "windows-1252"])
def test_encodings(convert, encoding, bom):
    header, rows = text_table()
    text = render(header, rows)
    data = bom + text.encode(encoding)
    if encoding == "cp1252":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    out, result, _ = convert(data)
    check(out, expect(header, rows), result)


def test_forced_encoding_latin9(convert):
    header = ["id", "word"]
    rows = [["1", "€uro"], ["2", "Œuvre"], ["3", "Šárka"]]
    data = render(header, rows).encode("iso-8859-15")
    out, result, _ = convert(data, "--encoding", "ISO-8859-15")
    check(out, expect(header, rows), result)


# ---- compressed inputs, stdin ----------------------------------------------------

def _zstd(data: bytes) -> bytes:
    exe = shutil.which("zstd")
    if not exe:
        pytest.skip("the zstd command is not installed (needed to make a .zst input)")
    return subprocess.run([exe, "-q", "-c"], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


@pytest.mark.parametrize("codec,name", [
    ("gzip", "in.csv.gz"), ("bz2", "in.csv.bz2"), ("zstd", "in.csv.zst"),
    ("gzip", "in.csv"),  # recognised by content, not by name
])
def test_compressed_inputs(convert, codec, name):
    header, rows, _ = typed_table(seed=21, n=3000)
    raw = render(header, rows).encode()
    data = {"gzip": lambda b: gzip.compress(b, mtime=0), "bz2": bz2.compress, "zstd": _zstd}[codec](raw)
    out, result, _ = convert(data, name=name)
    check(out, expect(header, rows), result)


def test_stdin(convert):
    header, rows, _ = typed_table(seed=31, n=500)
    text = render(header, rows)
    out, result, _ = convert(None, stdin=text.encode())
    check(out, expect(header, rows), result)


def test_stdin_gzip(convert):
    header, rows = text_table()
    out, result, _ = convert(None, stdin=gzip.compress(render(header, rows).encode(), mtime=0))
    check(out, expect(header, rows), result)


# ---- header options --------------------------------------------------------------

def test_no_header(convert):
    rows = [[str(i), rand_word(random.Random(i)), "2024-01-0%d" % (i % 9 + 1)] for i in range(50)]
    out, result, _ = convert(render(None, rows), "--no-header")
    exp = expect(None, rows, has_header=False)
    assert exp.names == ["Column_1", "Column_2", "Column_3"]
    check(out, exp, result)


def test_no_header_keeps_a_header_like_first_row_as_data(convert):
    header = ["id", "name"]
    rows = [["1", "a"], ["2", "b"]]
    out, result, _ = convert(render(header, rows), "--no-header")
    exp = expect(None, [header] + rows, has_header=False)
    assert exp.types == [STRING, STRING]
    check(out, exp, result)


def test_skip_rows(convert):
    junk = "Report generated 2024-05-01\nsource: export tool, v2; do not edit\n\n"
    header = ["id", "v"]
    rows = [[str(i), str(i * 2)] for i in range(20)]
    out, result, _ = convert(junk + render(header, rows), "--skip-rows", "3")
    check(out, expect(header, rows), result)


def test_header_detected_with_explicit_header_flag(convert):
    header = ["1", "2"]  # numeric names: only --header makes them names
    rows = [["3", "4"], ["5", "6"]]
    out, result, _ = convert(render(header, rows), "--header")
    check(out, expect(header, rows), result)


def test_duplicate_and_empty_header_names(convert):
    header = ["x_2", "x", "x", "", "y", "y", "y", "", "Column_4"]
    rows = [[str(i) for i in range(9)], [str(i * 10) for i in range(9)]]
    out, result, _ = convert(render(header, rows))
    exp = expect(header, rows)
    assert exp.names == ["x_2", "x", "x_3", "Column_4", "y", "y_2", "y_3", "Column_8", "Column_4_2"]
    check(out, exp, result)


def test_header_names_case_insensitive_duplicates_and_trimming(convert):
    header = ["a", "a", "a_2", " ID ", "id", "Id_2", "\tname\t"]
    rows = [[str(i) for i in range(7)]]
    out, result, _ = convert(render(header, rows))
    exp = expect(header, rows)
    assert exp.names == ["a", "a_3", "a_2", "ID", "id_3", "Id_2", "name"]
    check(out, exp, result)


# ---- ragged rows -----------------------------------------------------------------

def test_short_rows_are_bad_rows(convert, tmp_path):
    """A row with too few fields is a bad row, as one with too many: the
    default stops at it naming its line; keep pads it with nulls, counted and
    told; skip writes it to the rejects file."""
    header = ["a", "b", "c"]
    rows = [["1", "x", "2024-01-01"], ["2", "y"], ["3"], ["4", "z", "2024-01-04"]]
    out, _, err = convert(render(header, rows), rc=1)
    assert not out.exists()
    assert f"{tmp_path / 'in.csv'}: line 3, row 2, column 3: 2 fields where the header has 3" in err
    out, result, _ = convert(render(header, rows), "--on-bad-rows", "keep")
    exp = expect(header, rows)
    assert exp.columns[2] == [dt.date(2024, 1, 1), None, None, dt.date(2024, 1, 4)]
    check(out, exp, result)
    assert result["warnings"] == ["2 rows with fewer fields than the header: kept, the missing "
                                  "fields null (first: line 3)"], result["warnings"]
    out, result, _ = convert(render(header, rows), "--on-bad-rows", "skip", out="skip.parquet")
    check(out, expect(header, [rows[0], rows[3]]), result)
    assert result["rows_rejected"] == 2


def ragged_text():
    # line 1 header; line 4 (row 3) has an extra field; a quoted multi-line
    # field on lines 5-6; line 7 (row 5) has two extra fields.
    return ("a,b,c\n"
            "1,x,10\n"
            "2,y,20\n"
            "3,z,30,extra\n"
            '4,"two\nlines",40\n'
            "5,w,50,more,fields\n"
            "6,v,60\n")


def test_extra_fields_are_an_error(convert, tmp_path):
    out, _, err = convert(ragged_text(), rc=1)
    assert not out.exists(), "an output was left after a bad row"
    assert not (tmp_path / "out.parquet.rejects.csv").exists()
    assert err.startswith("pyforge: error: ")
    assert f"{tmp_path / 'in.csv'}: line 4, row 3" in err, err
    assert "--on-bad-rows" in err, "the message should say how to go on"


def test_bad_rows_skip(convert, tmp_path):
    out, result, _ = convert(ragged_text(), "--on-bad-rows", "skip")
    exp = expect(["a", "b", "c"], [["1", "x", "10"], ["2", "y", "20"],
                                   ["4", "two\nlines", "40"], ["6", "v", "60"]])
    check(out, exp, result)
    rejects = tmp_path / "out.parquet.rejects.csv"
    assert result["rows_rejected"] == 2
    assert result["rejects"] == str(rejects)
    assert any(str(rejects) in w for w in result["warnings"]), result["warnings"]
    text = rejects.read_text(encoding="utf-8")
    parsed = python_csv_parse(text)
    assert parsed[0] == ["line", "reason", "row"]
    assert [(r[0], r[2]) for r in parsed[1:]] == [("4", "3,z,30,extra"),
                                                  ("7", "5,w,50,more,fields")]
    for r in parsed[1:]:
        assert r[1], "a rejected row needs its reason"


def test_bad_rows_skip_custom_rejects_path(convert, tmp_path):
    rej = tmp_path / "bad_rows.csv"
    out, result, _ = convert(ragged_text(), "--on-bad-rows", "skip", "--rejects", rej)
    assert rej.is_file() and result["rejects"] == str(rej)
    assert not (tmp_path / "out.parquet.rejects.csv").exists()


def test_bad_rows_skip_without_bad_rows_writes_no_rejects(convert, tmp_path):
    out, result, _ = convert("a,b\n1,2\n", "--on-bad-rows", "skip")
    assert result["rows_rejected"] == 0 and result["rejects"] is None
    assert not (tmp_path / "out.parquet.rejects.csv").exists()


def test_bad_rows_keep(convert):
    out, result, _ = convert(ragged_text(), "--on-bad-rows", "keep")
    exp = expect(["a", "b", "c"], [["1", "x", "10"], ["2", "y", "20"], ["3", "z", "30,extra"],
                                   ["4", "two\nlines", "40"], ["5", "w", "50,more,fields"],
                                   ["6", "v", "60"]])
    assert exp.types == [INT, STRING, STRING]
    check(out, exp, result)


# ---- polluted copies of one clean table ----------------------------------------
# Each case damages a clean table the way real files are damaged (the classes
# of the Pollock benchmark of polluted CSV files); with --on-bad-rows keep the
# output must be the clean table, read back by pyarrow and DuckDB, and the
# repair must be told in a warning.

def clean_table(n=40, seed=9):
    rnd = random.Random(seed)
    header = ["id", "name", "amount", "day", "note"]
    rows = [[str(i), rnd.choice(["Ann", "Bo, Jr.", "Cé", "Dee \"D\""]) + str(i),
             f"{rnd.randint(0, 9999) / 100}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
             rnd.choice(["", "ok", "late, again"])] for i in range(n)]
    return header, rows


def polluted(kind):
    """(text, the header a reader must find) for one kind of damage."""
    header, rows = clean_table()
    body = render(None, rows)
    if kind == "header_short":          # two names run together
        return "id,nameamount,day,note\n" + body, ["id", "nameamount", "day", "note", "Column_5"]
    if kind == "header_extra_empty":    # one empty name too many
        return "id,name,,amount,day,note\n" + body, header
    if kind == "header_stray_quote":    # a stray quote opens the header: it stays text
        return '"id,name,amount,"day",note\n' + body, ['"id'] + header[1:]
    if kind == "header_spaces":         # only the header uses spaces
        return "id name amount day note\n" + body, header
    if kind == "title_rows":            # a title and an empty line above
        return "Report of 2024,,,,\n,,,,\n" + render(header, rows), header
    if kind == "comma_space":           # ", " everywhere, quotes after the space
        return render(header, rows, Dialect(delimiter=", ")), header
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["header_short", "header_extra_empty", "header_stray_quote",
                                  "header_spaces", "title_rows", "comma_space"])
def test_polluted_copies_load_clean(convert, kind):
    text, names = polluted(kind)
    header, rows = clean_table()
    out, result, _ = convert(text, "--on-bad-rows", "keep")
    exp = expect(header, rows)
    if names != header:  # the header lacked a name: data shifts under the names given
        exp = expect(names, rows)
    check(out, exp, result)
    if kind != "comma_space":
        assert len(result["warnings"]) == 1 and "header" in result["warnings"][0], result


def test_no_header_file(convert):
    header, rows = clean_table()
    out, result, _ = convert(render(None, rows))
    check(out, expect(None, rows, has_header=False), result)


def test_unterminated_quote_last_line_lenient(convert, tmp_path):
    header, rows = clean_table()
    text = render(header, rows) + '41,"never closed,1.5,2024-01-01,x\n'
    out, _, err = convert(text, rc=1)
    assert f"{tmp_path / 'in.csv'}: line 42" in err and "unterminated quote" in err, err
    out, result, _ = convert(text, "--on-bad-rows", "skip", out="skip.parquet")
    check(out, expect(header, rows), result)
    assert result["rows_rejected"] == 1
    rej = python_csv_parse((tmp_path / "skip.parquet.rejects.csv").read_text())
    assert rej[1][0] == "42" and rej[1][1].startswith("unterminated quote"), rej


# ---- widening late in a big file -------------------------------------------------

def late_file(n, late_row, late_value):
    """n rows "i,k,n"; column n holds late_value at 0-based row late_row."""
    lines = ["i,k,n"]
    for i in range(n):
        lines.append(f"{i},{i % 97},{late_value if i == late_row else i * 3}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("container", ["plain", "gzip", "gzip-64k-blocks"])
@pytest.mark.parametrize("late,typ", [("1.5", DOUBLE), ("abc", STRING)])
def test_widening_late(convert, container, late, typ):
    """300k int rows, one late value that does not fit at row 250,001.
    gzip: no random access, so the type sample (the first MiB) cannot see
    it: the column must widen during the read, and the user be told which
    column and row. With 64 KiB blocks the batches before it have already
    gone to the writer, so the conversion must restart."""
    n, late_row = 300_000, 250_000
    text = late_file(n, late_row, late)
    data = text.encode()
    name, env = "late.csv", None
    if container.startswith("gzip"):
        data, name = gzip.compress(data, 1, mtime=0), "late.csv.gz"
    if container.endswith("64k-blocks"):
        env = {"PYFORGE_CSV_CHUNK_SIZE": str(64 * 1024)}
    out, result, _ = convert(data, name=name, env=env)
    rows = [line.split(",") for line in text.splitlines()[1:]]
    exp = expect(["i", "k", "n"], rows)
    assert exp.types == [INT, INT, typ]
    check(out, exp, result)
    field = result["schema"][2]
    assert field["type"] == {DOUBLE: "double", STRING: "string"}[typ]
    if container.endswith("64k-blocks"):
        assert result["restarts"] >= 1, result
    if container.startswith("gzip"):
        assert field["note"], f"no widening note on column n: {field}"
    if field["note"] or result["restarts"]:
        told = [w for w in result["warnings"] if "'n'" in w]
        assert told, f"no warning names column n: {result['warnings']}"
        assert any(f"row {late_row + 1}" in w.replace(",", "") for w in told), \
            f"the warning should give the row ({late_row + 1}): {told}"


@pytest.mark.parametrize("container", ["plain", "gzip"])
def test_info_and_validate_types_see_late_values(run_pyforge, tmp_path, container):
    """info reads the whole input (it reports the exact row count), so the
    types it shows must be the ones a conversion produces; validate too."""
    text = late_file(300_000, 250_000, "1.5")
    src = tmp_path / "late.csv"
    src.write_bytes(text.encode())
    if container == "gzip":
        src = tmp_path / "late.csv.gz"
        src.write_bytes(gzip.compress(text.encode(), 1, mtime=0))
    want = ["int64", "int64", "double"]
    rc, out, err = run_pyforge("info", src, "--json")
    assert rc == 0, err
    info = json.loads(out)
    assert info["rows"] == 300_000
    assert [c["type"] for c in info["columns"]] == want, info["columns"]
    rc, out, err = run_pyforge("validate", src, "--json")
    assert rc == 0, (out, err)
    val = json.loads(out)
    assert val["valid"] and val["rows"] == 300_000
    assert [c["type"] for c in val["columns"]] == want, val["columns"]


def test_widening_exactness_big_ints_then_double(convert):
    """int64 values beyond 2^53 followed late by a double: a double column
    would alter them, so the column must become a string."""
    lines = ["id,v"] + [f"{i},{2 ** 60 + i}" for i in range(100_000)] + ["100000,0.5"]
    text = "\n".join(lines) + "\n"
    out, result, _ = convert(gzip.compress(text.encode(), 1, mtime=0), name="big.csv.gz")
    rows = [line.split(",") for line in lines[1:]]
    exp = expect(["id", "v"], rows)
    assert exp.types == [INT, STRING]
    check(out, exp, result)


# ---- --all-strings -----------------------------------------------------------

def test_all_strings(convert):
    header, rows, _ = typed_table(seed=41, n=300)
    text = render(header, rows)
    out, result, _ = convert(text, "--all-strings")
    exp = expect(header, rows, all_strings=True)
    check(out, exp, result)


# ---- Parquet options ---------------------------------------------------------

@pytest.mark.parametrize("codec,parquet_name", [
    ("snappy", "SNAPPY"), ("zstd", "ZSTD"), ("gzip", "GZIP"), ("lz4_raw", "LZ4_RAW"),
    ("none", "UNCOMPRESSED")])
def test_compression_codecs(convert, codec, parquet_name):
    header, rows, _ = typed_table(seed=51, n=3000)
    out, result, _ = convert(render(header, rows), "--compression", codec)
    check(out, expect(header, rows), result)
    assert parquet_codecs(out) == {parquet_name}


@pytest.mark.parametrize("codec,level", [("zstd", "19"), ("zstd", "1"), ("gzip", "9"), ("gzip", "1")])
def test_compression_levels(convert, codec, level):
    header, rows, _ = typed_table(seed=52, n=2000)
    out, result, _ = convert(render(header, rows), "--compression", codec,
                             "--compression-level", level)
    check(out, expect(header, rows), result)
    assert parquet_codecs(out) == {codec.upper()}


def test_small_pages(convert):
    header, rows, _ = typed_table(seed=53, n=5000)
    out, result, _ = convert(render(header, rows), "--page-size", "1K")
    check(out, expect(header, rows), result)


def test_default_codec_is_snappy(convert):
    out, result, _ = convert("a,b\n1,x\n2,y\n")
    assert parquet_codecs(out) == {"SNAPPY"}


@pytest.mark.parametrize("dictionary", [True, False], ids=["dictionary", "plain"])
def test_row_groups(convert, dictionary):
    header, rows, _ = typed_table(seed=61, n=10_000)
    args = ["--row-group-size", "1000"] + ([] if dictionary else ["--no-dictionary"])
    out, result, _ = convert(render(header, rows), *args)
    md = pq.ParquetFile(out).metadata
    assert md.num_row_groups == 10
    assert [md.row_group(i).num_rows for i in range(10)] == [1000] * 10
    check(out, expect(header, rows), result)


# ---- block boundaries everywhere ---------------------------------------------

def boundary_table():
    rng = random.Random(71)
    header, rows = tricky_quoted_rows(rng, 300)
    for i, r in enumerate(rows):
        if i % 5 == 0:
            r[1] = Q("x" + "\r\n" * rng.randint(1, 3) + '"' * rng.randint(1, 3) + "😀é")
        if i % 9 == 0:
            r[1] = ""  # unquoted empty: null
    return header, rows


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 4096])
def test_chunk_boundaries(convert, tmp_path, chunk, threads):
    header, rows = boundary_table()
    d = Dialect(eol="\r\n")
    text = render(header, rows, d)
    assert_model_matches_csv(text, header, rows, d)
    exp = expect(header, rows)
    base, res0, _ = convert(text, out="default.parquet")
    check(base, exp, res0)
    out, result, _ = convert(None, "--threads", str(threads), "--delimiter", ",",
                             out=f"c{chunk}_t{threads}.parquet",
                             env={"PYFORGE_CSV_CHUNK_SIZE": str(chunk)}, timeout=30)
    check(out, exp, result)
    assert pq.read_table(out).equals(pq.read_table(base))
    assert read_duckdb(out).columns == read_duckdb(base).columns
    assert read_pyarrow(out).names == read_pyarrow(base).names


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("cp1252", b"")],
                         ids=["utf16le", "utf16be", "windows-1252"])
@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_chunk_boundaries_transcoded(convert, encoding, bom, chunk):
    """Blocks cut inside multi-byte code units and quoted line breaks of
    an input that is transcoded to UTF-8. (The quote is given: this test is
    about block boundaries, not dialect detection.) A conversion of this
    6 KB file takes milliseconds; 10 s means it hangs."""
    rng = random.Random(81)
    pieces = ["é", "€", "“", "”", '"', ",", "\r\n", "\n", "x", "Œ", " "]
    header = ["id", "text", "n"]
    rows = [[str(i), "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))),
             str(rng.randint(0, 9))] for i in range(200)]
    d = Dialect(eol="\r\n")
    text = render(header, rows, d)
    assert_model_matches_csv(text, header, rows, d)
    data = bom + text.encode(encoding)
    exp = expect(header, rows)
    out, result, _ = convert(data, "--threads", "2", "--delimiter", ",", "--quote", '"',
                             env={"PYFORGE_CSV_CHUNK_SIZE": str(chunk)}, timeout=10)
    check(out, exp, result)


def test_pipe_and_fifo_inputs(run_pyforge, tmp_path):
    """A path that is a stream (/dev/stdin, a FIFO) is read once, spooled
    like `-`, and converted whole; it must not be sniffed (and emptied)
    before the reader opens it."""
    import os
    import threading

    text = "id,name\n1,a\n2,b\n3,c\n"
    out1 = tmp_path / "stdin_path.parquet"
    rc, _, err = run_pyforge("convert", "/dev/stdin", str(out1), "--quiet", input=text)
    assert rc == 0, err
    assert pq.read_table(out1).to_pydict() == {"id": [1, 2, 3], "name": ["a", "b", "c"]}

    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as f:
            f.write(text)

    t = threading.Thread(target=feed)
    t.start()
    out2 = tmp_path / "fifo.parquet"
    rc, _, err = run_pyforge("convert", str(fifo), str(out2), "--quiet")
    t.join(timeout=10)
    assert rc == 0, err
    assert pq.read_table(out2).to_pydict() == {"id": [1, 2, 3], "name": ["a", "b", "c"]}
