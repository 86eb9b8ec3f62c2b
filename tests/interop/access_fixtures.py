"""MS Access fixtures for the Access plugin's tests, made at test time with
Jackcess (tests/tools/AccessFixture.java, jars from
scripts/fetch-jackcess-jars.sh in build/jackcess), and the two independent
readers the outputs are compared with: Jackcess reading the file back
(`dump`) and mdbtools' `mdb-export` CLI. Also the byte patches for what
Jackcess cannot write: a complex (attachment) column kind, an encrypted
.accdb's header, a database password."""
from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import os
import shutil
import struct
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from plugin_paths import REPO, build_dir

TOOL = REPO / "tests" / "tools" / "AccessFixture.java"


def jackcess_dir() -> Path:
    return Path(os.environ.get("PYFORGE_JACKCESS_DIR", REPO / "build" / "jackcess"))


def access_plugin() -> Path:
    p = build_dir() / "plugins" / "access.so"
    if not p.is_file():
        pytest.skip(f"{p} not built (mdbtools-dev missing at build time, or set PYFORGE_BUILD_DIR)")
    return p


def need_tools():
    jars = sorted(jackcess_dir().glob("*.jar"))
    if len(jars) < 3:
        pytest.skip("Jackcess jars absent from build/jackcess: run scripts/fetch-jackcess-jars.sh "
                    "(scripts/install-deps.sh --test does)")
    if not shutil.which("java"):
        pytest.skip("no Java runtime (scripts/install-deps.sh --test installs one)")


def _java(*args, stdin: bytes | None = None) -> bytes:
    need_tools()
    cp = str(jackcess_dir() / "*")
    # Jet 3 text is in the database's code page; Jackcess otherwise takes the
    # JVM's default (UTF-8) and garbles it
    r = subprocess.run(["java", "-Dcom.healthmarketscience.jackcess.charset.VERSION_3=windows-1252",
                        "-cp", cp, str(TOOL), *args], input=stdin, capture_output=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"AccessFixture {args[0]} failed: {r.stderr.decode(errors='replace')}")
    return r.stdout


# ---- the spec: tables of typed columns and Python values ----

def _enc(v, t: str) -> str:
    if v is None:
        return "N"
    if t == "BOOLEAN":
        return "b:1" if v else "b:0"
    if t in ("BYTE", "INT", "LONG", "BIG_INT"):
        return f"i:{int(v)}"
    if t == "FLOAT":
        return "f:%x" % struct.unpack("<I", struct.pack("<f", v))[0]
    if t == "DOUBLE":
        return "d:%x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    if t == "SHORT_DATE_TIME":
        return (f"t:{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:"
                f"{v.second:02d}.{v.microsecond // 1000:03d}")
    if t in ("MONEY", "NUMERIC"):
        return f"m:{v}"
    if t in ("TEXT", "MEMO"):
        return "s:" + base64.b64encode(v.encode("utf-8")).decode()
    if t in ("BINARY", "OLE"):
        return "x:" + v.hex()
    if t == "GUID":
        return "g:" + v
    raise ValueError(t)


def make_db(path: Path, fmt: str, tables: list[tuple[str, list[tuple], list[list]]]) -> Path:
    """tables: (name, [(col, TYPE[, prec, scale])...], rows). fmt: V2000,
    V2003, V2007, V2010, V2016."""
    out = io.StringIO()
    for name, cols, rows in tables:
        out.write(f"T\t{name}\n")
        for c in cols:
            out.write("C\t" + "\t".join(str(x) for x in c) + "\n")
        types = [c[1] for c in cols]
        for r in rows:
            out.write("R\t" + "\t".join(_enc(v, t) for v, t in zip(r, types)) + "\n")
    if path.exists():
        path.unlink()
    _java("make", str(path), fmt, stdin=out.getvalue().encode("utf-8"))
    return path


def _dec(v: str, t: str):
    if v == "N":
        return None
    k, p = v[0], v[2:]
    if k == "b":
        return p == "1"
    if k == "i":
        return int(p) & 0xFF if t == "BYTE" else int(p)  # Jackcess reads Byte signed
    if k == "f":
        return struct.unpack("<f", struct.pack("<I", int(p, 16)))[0]
    if k == "d":
        return struct.unpack("<d", struct.pack("<Q", int(p, 16)))[0]
    if k == "t":
        return dt.datetime.strptime(p, "%Y-%m-%dT%H:%M:%S.%f")
    if k == "m":
        return Decimal(p)
    if k == "s":
        return base64.b64decode(p).decode("utf-8")
    if k == "x":
        return bytes.fromhex(p)
    if k == "g":
        return p
    return v  # a kind the dump does not encode ("?:COMPLEX_TYPE"): as written


def jackcess_dump(path: Path) -> dict[str, dict]:
    """{table: {"columns": [(name, TYPE)], "rows": [[values]]}} as Jackcess
    reads the file."""
    tables: dict[str, dict] = {}
    cur = None
    for line in _java("dump", str(path)).decode("utf-8").splitlines():
        f = line.split("\t")
        if f[0] == "T":
            cur = tables[f[1]] = {"columns": [], "rows": []}
        elif f[0] == "C":
            cur["columns"].append((f[1], f[2]))
        elif f[0] == "R":
            types = [c[1] for c in cur["columns"]]
            cur["rows"].append([_dec(v, t) for v, t in zip(f[1:], types)])
    return tables


def jackcess_password(path: Path) -> str:
    return _java("password", str(path)).decode("utf-8").strip()


def mdb_export(path: Path, table: str) -> list[dict]:
    """mdb-export's CSV of one table (nulls as \\N, dates ISO, binary hex)."""
    if not shutil.which("mdb-export"):
        pytest.skip("mdb-export not installed (apt-get install mdbtools)")
    r = subprocess.run(["mdb-export", "-0", "\\N", "-T", "%Y-%m-%d %H:%M:%S", "-b", "hex",
                        str(path), table], capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8"))))


# ---- byte patches for what Jackcess does not write ----

def set_column_type(path: Path, column: str, new_type: int) -> int:
    """Rewrites a column's type byte in its table definition (Jet 4 / ACE
    layout: column entries of 25 bytes at 63 + 12 * real indexes, then the
    names). Returns the entries changed."""
    b = bytearray(path.read_bytes())
    want = column.encode("utf-16-le")
    hits = 0
    for pg in range(len(b) // 4096):
        p = pg * 4096
        if b[p] != 2:
            continue
        ncols = struct.unpack_from("<H", b, p + 45)[0]
        nridx = struct.unpack_from("<I", b, p + 51)[0]
        cols = p + 63 + nridx * 12
        o = cols + ncols * 25
        for i in range(ncols):
            ln = struct.unpack_from("<H", b, o)[0]
            if b[o + 2:o + 2 + ln] == want:
                b[cols + i * 25] = new_type
                hits += 1
            o += 2 + ln
    path.write_bytes(bytes(b))
    return hits


def _rc4(key: bytes, data: bytes) -> bytearray:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for c in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(c ^ s[(s[i] + s[j]) & 255])
    return out


def set_password(path: Path, password: str) -> None:
    """Stores a Jet 4 database password in the header (RC4-masked header,
    password XOR-ed with the creation date's days); Jackcess's
    getDatabasePassword() is the independent check that it is right."""
    b = bytearray(path.read_bytes())
    key = bytes([0xC7, 0xDA, 0x39, 0x6B])
    h = _rc4(key, bytes(b[0x18:0x18 + 128]))
    days = struct.unpack_from("<d", h, 0x72 - 0x18)[0]
    mask = struct.pack("<i", int(days))
    raw = password.encode("utf-16-le").ljust(40, b"\0")
    for i in range(40):
        h[0x42 - 0x18 + i] = raw[i] ^ mask[i % 4]
    b[0x18:0x18 + 128] = _rc4(key, bytes(h))
    path.write_bytes(bytes(b))


def mark_encrypted(path: Path) -> None:
    """What an .accdb encrypted with a password carries in its first page:
    the CryptoAPI provider's name (UTF-16) in the encryption header that
    Access writes at 0x299. Jackcess cannot encrypt; this stands in."""
    b = bytearray(path.read_bytes())
    name = "Microsoft Enhanced RSA and AES Cryptographic Provider".encode("utf-16-le")
    b[0x299 + 0x20:0x299 + 0x20 + len(name)] = name
    path.write_bytes(bytes(b))
