"""Writes the dBase fuzz seed corpus (fuzz/corpus/dbf/): tables of every
dialect the reader knows, with memo files, in the harness's framing (two
bytes LE table length, the table, the memo file). Made here from the format
description (dbf_fixtures.py); run it again after changing the fixtures:
    .venv/bin/python tests/interop/make_dbf_corpus.py
"""
from __future__ import annotations

import datetime as dt
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dbf_fixtures as fx  # noqa: E402
from dbf_fixtures import Field, Record, Table  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "fuzz" / "corpus" / "dbf"


def frame(table: bytes, memo: bytes = b"") -> bytes:
    return struct.pack("<H", len(table)) + table + memo


def seeds():
    f3 = [Field("ID", "N", 5), Field("NAME", "C", 8), Field("AMT", "N", 9, 2), Field("DAY", "D", 8),
          Field("OK", "L", 1)]
    recs = [Record([fx.num(i, 5), fx.text(f"n\u00e9{i}", 8), fx.num(f"{i * 1.5:.2f}", 9),
                    fx.date(dt.date(2000, 1, 1 + i)), fx.logical(i % 2 == 0)], deleted=i == 2) for i in range(5)]
    yield "dbase3.bin", frame(fx.table_bytes(Table(f3, recs, ldid=0x03)))
    yield "dbase3_truncated.bin", frame(fx.table_bytes(Table(f3, recs, truncate_to=150)))
    yield "dbase3_nold_cp1251.bin", frame(fx.table_bytes(Table(
        [Field("T", "C", 20)], [Record([fx.text("Москва", 20, "cp1251")])], ldid=0)))
    yield "widen.bin", frame(fx.table_bytes(Table(
        [Field("N", "N", 4), Field("D", "D", 8)], [Record([b"  12", b"20240101"]), Record([b" x.y", b"20241301"])])))
    dbt3, b3 = fx.memo_dbt3([b"memo one", b"m" * 700])
    yield "dbase3_memo.bin", frame(fx.table_bytes(Table(
        [Field("ID", "N", 3), Field("M", "M", 10)],
        [Record([fx.num(1, 3), fx.memo_ref(b3[0])]), Record([fx.num(2, 3), fx.memo_ref(b3[1])]),
         Record([fx.num(3, 3), fx.memo_ref(77)])], version=0x83)), dbt3)
    dbt4, b4 = fx.memo_dbt4([b"dbase four", b"\x00\x01bin"])
    yield "dbase4_memo.bin", frame(fx.table_bytes(Table(
        [Field("M", "M", 10), Field("B", "B", 10), Field("G", "G", 10)],
        [Record([fx.memo_ref(b4[0]), fx.memo_ref(b4[1]), fx.memo_ref(0)])], version=0x8B)), dbt4)
    fpt, bf = fx.memo_fpt([(1, b"fox text"), (0, b"\x89PNG")])
    yield "vfp_memo_fpt.bin", frame(fx.table_bytes(Table(
        [Field("M", "M", 4), Field("P", "P", 4), Field("I", "I", 4), Field("Y", "Y", 8), Field("B", "B", 8),
         Field("T", "T", 8)],
        [Record([fx.memo_ref(bf[0], 4), fx.memo_ref(bf[1], 4), struct.pack("<i", -7),
                 struct.pack("<q", 123456), struct.pack("<d", 2.5), fx.julian_ts(dt.datetime(2020, 1, 2, 3, 4, 5))])],
        version=0x30)), fpt)
    yield "vfp_nullflags.bin", frame(fx.table_bytes(Table(
        [Field("V", "V", 6, flags=2), Field("Q", "Q", 4), Field("C", "C", 3, flags=2),
         Field("_NullFlags", "0", 1, flags=5)],
        [Record([b"ab\0\0\0\x02", b"\x01\x02\0\x02", b"xyz", bytes([0b0011])]),
         Record([b"\0" * 6, b"\0" * 4, b"   ", bytes([0b1010])])], version=0x32)))
    yield "dbase7.bin", frame(fx.table_bytes(Table(
        [Field("LONGER_NAME_FIELD", "I", 4), Field("A", "+", 4), Field("O", "O", 8), Field("TS", "@", 8)],
        [Record([fx.db7_int(-5), fx.db7_int(1), fx.db7_double(-2.5), fx.db7_ts(dt.datetime(1999, 12, 31, 23, 59))]),
         Record([fx.db7_int(None), fx.db7_int(2), fx.db7_double(None), fx.db7_ts(None)])], version=0x04)))
    yield "cp932.bin", frame(fx.table_bytes(Table([Field("T", "C", 12)], [Record([fx.text("日本語", 12, "cp932")])], ldid=0x7B)))
    yield "clipper_long_c.bin", frame(fx.table_bytes(Table([Field("C", "C", 300)], [Record([fx.text("x" * 299, 300)])])))
    yield "absurd_reclen.bin", frame(fx.table_bytes(Table(f3, recs[:1], rec_len=0)))
    yield "field_past_record.bin", frame(fx.table_bytes(Table(f3, recs[:1], rec_len=10)))
    yield "eof_early.bin", frame(fx.table_bytes(Table(f3, recs[:2], n_records=9)) + b" " * 40)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in seeds():
        (OUT / name).write_bytes(data)
        print(name, len(data))


if __name__ == "__main__":
    main()
