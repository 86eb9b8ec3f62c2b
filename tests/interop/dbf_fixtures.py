"""dBase fixtures written byte by byte from the file format description
(dBase III/IV/7 and Visual FoxPro table headers, field descriptors, memo
block layouts), for the variants the `dbf` package cannot write: dBase 7,
VFP varchar/varbinary with _NullFlags, real dBase IV memo blocks, odd code
pages, damaged headers and truncated files. Used by the interop tests, the
fuzz seed corpus generator and the benchmark.

A table is a list of Field and a list of records; a record is a list of raw
field values (bytes, exactly as stored, padded by the helpers below) and a
deleted flag.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field as dc_field


@dataclass
class Field:
    name: str
    type: str
    length: int
    decimals: int = 0
    flags: int = 0  # VFP: 0x01 system, 0x02 nullable, 0x04 binary


@dataclass
class Record:
    values: list
    deleted: bool = False


@dataclass
class Table:
    fields: list
    records: list = dc_field(default_factory=list)
    version: int = 0x03
    ldid: int = 0x57
    n_records: int | None = None    # header count (default: len(records))
    rec_len: int | None = None      # header record length (default: computed)
    header_len: int | None = None
    eof_marker: bool = True
    truncate_to: int | None = None  # cut the file to this many bytes
    ld_name: bytes = b""            # dBase 7 language driver name


def text(value: str, length: int, encoding: str = "cp1252") -> bytes:
    b = value.encode(encoding)
    assert len(b) <= length, (value, length)
    return b + b" " * (length - len(b))


def num(value, length: int, decimals: int = 0) -> bytes:
    """A right-aligned N/F value; None is blank; a str is written as is."""
    if value is None:
        return b" " * length
    s = value if isinstance(value, str) else (f"{value:.{decimals}f}" if decimals else str(value))
    b = s.encode("ascii")
    assert len(b) <= length, (value, length)
    return b" " * (length - len(b)) + b


def date(d) -> bytes:
    return b" " * 8 if d is None else d.strftime("%Y%m%d").encode().rjust(8, b"0")


def logical(v) -> bytes:
    return b"?" if v is None else (b"T" if v else b"F")


def memo_ref(block: int, length: int = 10) -> bytes:
    if length == 4:
        return struct.pack("<I", block)
    return b" " * length if block == 0 else str(block).rjust(length).encode()


def is_dbase7(version: int) -> bool:
    return version & 7 == 4


def header_bytes(t: Table) -> bytes:
    db7 = is_dbase7(t.version)
    rec_len = t.rec_len if t.rec_len is not None else 1 + sum(f.length for f in t.fields)
    descs = b""
    off = 1
    for f in t.fields:
        name = f.name.encode("ascii")
        if db7:
            d = name.ljust(32, b"\0") + f.type.encode() + bytes([f.length & 0xFF, f.decimals])
            d += b"\0" * (48 - len(d))
        else:
            length, dec = f.length, f.decimals
            if f.type == "C" and length > 255:
                length, dec = length & 0xFF, length >> 8
            d = name[:10].ljust(11, b"\0") + f.type.encode() + struct.pack("<I", off)
            d += bytes([length, dec, f.flags]) + b"\0" * 13
        descs += d
        off += f.length
    first = 68 if db7 else 32
    backlink = 263 if t.version in (0x30, 0x31, 0x32) else 0
    header_len = t.header_len if t.header_len is not None else first + len(descs) + 1 + backlink
    n = len(t.records) if t.n_records is None else t.n_records
    h = bytes([t.version, 124, 5, 17]) + struct.pack("<IHH", n, header_len, rec_len)
    h += b"\0" * 17 + bytes([t.ldid]) + b"\0\0"
    if db7:
        h += t.ld_name.ljust(32, b"\0") + b"\0" * 4
    h += descs + b"\r" + b"\0" * backlink
    return h.ljust(header_len, b"\0")[:max(header_len, first + len(descs) + 1)]


def record_bytes(t: Table, r: Record) -> bytes:
    b = b"*" if r.deleted else b" "
    for f, v in zip(t.fields, r.values):
        assert len(v) == f.length, (f.name, v, f.length)
        b += v
    return b


def table_bytes(t: Table) -> bytes:
    data = header_bytes(t) + b"".join(record_bytes(t, r) for r in t.records)
    if t.eof_marker:
        data += b"\x1a"
    if t.truncate_to is not None:
        data = data[:t.truncate_to]
    return data


def write(path, t: Table) -> None:
    with open(path, "wb") as f:
        f.write(table_bytes(t))


# ---- memo files ----------------------------------------------------------

def memo_dbt3(memos: list) -> tuple:
    """dBase III .dbt: 512-byte blocks, each memo ended by 0x1A 0x1A.
    Returns (file bytes, block numbers)."""
    out = bytearray(512)
    blocks = []
    for m in memos:
        blocks.append(len(out) // 512)
        out += m + b"\x1a\x1a"
        out += b"\0" * (-len(out) % 512)
    out[0:4] = struct.pack("<I", len(out) // 512)
    return bytes(out), blocks


def memo_dbt4(memos: list, block_size: int = 512) -> tuple:
    """dBase IV .dbt: FF FF 08 00 + LE length (the 8 header bytes included)."""
    out = bytearray(block_size)
    out[20:22] = struct.pack("<H", block_size)
    blocks = []
    for m in memos:
        blocks.append(len(out) // block_size)
        out += b"\xff\xff\x08\x00" + struct.pack("<I", len(m) + 8) + m
        out += b"\0" * (-len(out) % block_size)
    out[0:4] = struct.pack("<I", len(out) // block_size)
    return bytes(out), blocks


def memo_fpt(memos: list, block_size: int = 64) -> tuple:
    """FoxPro .fpt: BE type (1 text, 0 picture, 2 object) + BE length.
    memos: (type, bytes) pairs."""
    out = bytearray(512)
    out[6:8] = struct.pack(">H", block_size)
    blocks = []
    for typ, m in memos:
        blocks.append(len(out) // block_size)
        out += struct.pack(">II", typ, len(m)) + m
        out += b"\0" * (-len(out) % block_size)
    out[0:4] = struct.pack(">I", len(out) // block_size)
    return bytes(out), blocks


# ---- binary values -------------------------------------------------------

def db7_int(v) -> bytes:
    return b"\0" * 4 if v is None else struct.pack(">I", (v & 0xFFFFFFFF) ^ 0x80000000)


def db7_double(v) -> bytes:
    if v is None:
        return b"\0" * 8
    (u,) = struct.unpack(">Q", struct.pack(">d", v))
    u = u | (1 << 63) if not (u >> 63) else ~u & 0xFFFFFFFFFFFFFFFF
    return struct.pack(">Q", u)


JDN_1970 = 2440588


def julian_ts(dt) -> bytes:
    """VFP T: LE julian day + LE milliseconds since midnight."""
    if dt is None:
        return b"\0" * 8
    import datetime as _dt
    days = (dt.date() - _dt.date(1970, 1, 1)).days + JDN_1970
    ms = (dt.hour * 3600 + dt.minute * 60 + dt.second) * 1000 + dt.microsecond // 1000
    return struct.pack("<II", days, ms)


def db7_ts(dt) -> bytes:
    """dBase 7 @: milliseconds since julian day 0 as a sign-flipped BE double."""
    if dt is None:
        return b"\0" * 8
    import datetime as _dt
    days = (dt.date() - _dt.date(1970, 1, 1)).days + JDN_1970
    ms = days * 86400000 + (dt.hour * 3600 + dt.minute * 60 + dt.second) * 1000 + dt.microsecond // 1000
    return db7_double(float(ms))
