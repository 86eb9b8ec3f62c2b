"""A test-only shim over libpyforge's stream (pyforge.h: pf_stream_open):
ctypes loads the shared library, sets options by key, opens an
ArrowArrayStream and hands it to pyarrow (RecordBatchReader._import_from_c)
- the way the Python package will, without it.

The library may be built with AddressSanitizer, which must be the first
library a process loads; so the comparisons run in a child process
(`python pfstream.py JOB.json`) started by run_job() with the sanitizer
runtimes preloaded when the library needs them. A job compares the stream
with the Parquet file pf_convert wrote, value by value, with pyarrow and
with DuckDB, and prints a JSON verdict.
"""
from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def library_path() -> Path:
    build = os.environ.get("PYFORGE_BUILD_DIR")
    for d in ([Path(build)] if build else []) + [REPO / "build" / "release", REPO / "build"]:
        if (d / "libpyforge.so").exists():
            return d / "libpyforge.so"
    raise FileNotFoundError("libpyforge.so not found (set PYFORGE_BUILD_DIR)")


def sanitizer_preload(lib: Path) -> str:
    """The sanitizer runtimes lib was linked with, for LD_PRELOAD ("" if none)."""
    out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
    libs = [line.split("=>")[1].split()[0] for line in out.splitlines()
            if "=>" in line and ("libasan" in line or "libubsan" in line)]
    return " ".join(libs)


# ---- in the child: the library through ctypes ----

class PfError(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status


class Lib:
    ERROR_BYTES = 8192  # >= sizeof(pf_error)

    def __init__(self, path: Path):
        L = self.L = ctypes.CDLL(str(path))
        vp, cp = ctypes.c_void_p, ctypes.c_char_p
        L.pf_options_new.restype = vp
        L.pf_options_free.argtypes = [vp]
        L.pf_options_set.argtypes = [vp, cp, cp, vp]
        L.pf_options_add.argtypes = [vp, cp, cp, vp]
        L.pf_options_set_input_buffer.argtypes = [vp, vp, ctypes.c_size_t]
        L.pf_options_set_input_fd.argtypes = [vp, ctypes.c_int]
        L.pf_stream_open.argtypes = [vp, vp, vp]
        L.pf_error_format.argtypes = [vp, cp, ctypes.c_size_t]
        L.pf_error_format.restype = ctypes.c_size_t

    def _raise(self, status, err):
        text = ctypes.create_string_buffer(4096)
        self.L.pf_error_format(err, text, len(text))
        raise PfError(status, text.value.decode())

    def options(self, opts: dict):
        o = self.L.pf_options_new()
        err = ctypes.create_string_buffer(self.ERROR_BYTES)
        for key, value in opts.items():
            for i, v in enumerate(value if isinstance(value, list) else [value]):
                f = self.L.pf_options_add if i else self.L.pf_options_set
                st = f(o, key.encode(), str(v).encode(), err)
                if st:
                    self.L.pf_options_free(o)
                    self._raise(st, err)
        return o

    def read(self, opts: dict, *, data: bytes | None = None, fd: int | None = None):
        """The whole stream as a pyarrow Table (the buffer stays alive)."""
        import pyarrow as pa
        o = self.options(opts)
        keep = None
        if data is not None:
            keep = ctypes.create_string_buffer(data, len(data))
            self.L.pf_options_set_input_buffer(o, keep, len(data))
        if fd is not None:
            self.L.pf_options_set_input_fd(o, fd)
        stream = ctypes.create_string_buffer(64)  # struct ArrowArrayStream
        err = ctypes.create_string_buffer(self.ERROR_BYTES)
        st = self.L.pf_stream_open(o, stream, err)
        self.L.pf_options_free(o)  # the stream keeps its own copy
        if st:
            self._raise(st, err)
        reader = pa.RecordBatchReader._import_from_c(ctypes.addressof(stream))
        table = reader.read_all()
        del keep
        return table


def _read_piped(lib, opts: dict, data: bytes, via: str):
    import threading
    r, w = os.pipe()

    def feed():
        with os.fdopen(w, "wb") as f:
            f.write(data)

    t = threading.Thread(target=feed)
    t.start()
    try:
        if via == "pipe":
            return lib.read(opts, fd=r)
        saved = os.dup(0)
        os.dup2(r, 0)
        try:
            return lib.read({"input.path": "-", **opts})
        finally:
            os.dup2(saved, 0)
            os.close(saved)
    finally:
        t.join()
        os.close(r)


def _duckdb_rows(table=None, parquet=None):
    """Every row as DuckDB reads the table or the file (UTC timestamps as
    UTC wall time: their Python values would need pytz)."""
    import duckdb
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone='UTC'")
        if parquet is not None:
            src, args = "read_parquet(?)", [str(parquet)]
        else:
            con.register("t", table)
            src, args = "t", []
        desc = con.execute(f"DESCRIBE SELECT * FROM {src}", args).fetchall()
        cols = ", ".join(f'CAST("{d[0]}" AS TIMESTAMP)' if d[1] == "TIMESTAMP WITH TIME ZONE"
                         else f'"{d[0]}"' for d in desc)
        return [d[:2] for d in desc], con.execute(f"SELECT {cols} FROM {src}", args).fetchall()
    finally:
        con.close()


def compare_job(job: dict) -> dict:
    """Streams job's input as job['via'] (path, buffer, fd, pipe, stdin) and compares with
    job['parquet']; or expects job['error'] text in the failure."""
    import pyarrow.parquet as pq
    lib = Lib(library_path())
    opts = dict(job.get("options", {}))
    via = job.get("via", "path")
    path = job["input"]
    try:
        if via == "path":
            table = lib.read({"input.path": path, **opts})
        elif via == "buffer":
            table = lib.read({"input.path": Path(path).name, **opts}, data=Path(path).read_bytes())
        elif via in ("pipe", "stdin"):
            # the bytes come through a pipe, as a descriptor or as standard
            # input ("-"): told by their content (spooled once by the session)
            table = _read_piped(lib, opts, Path(path).read_bytes(), via)
        else:
            fd = os.open(path, os.O_RDONLY)
            try:
                table = lib.read(opts, fd=fd)
            finally:
                os.close(fd)
    except Exception as e:  # pyarrow raises the stream's get_last_error text
        return {"ok": False, "error": str(e), "type": type(e).__name__}
    want = pq.read_table(job["parquet"])
    out = {"ok": True, "rows": table.num_rows, "schema": str(table.schema)}
    if not table.schema.equals(want.schema, check_metadata=False):
        return {**out, "ok": False, "diff": f"schema\n{table.schema}\n!=\n{want.schema}"}
    for name in want.schema.names:
        a, b = table.column(name).to_pylist(), want.column(name).to_pylist()
        if a != b and not _same_with_nan(a, b):
            i = next(i for i, (x, y) in enumerate(zip(a, b)) if not _same_with_nan([x], [y]))
            return {**out, "ok": False, "diff": f"column {name} row {i}: {a[i]!r} != {b[i]!r}"}
    (types_a, rows_a), (types_b, rows_b) = (_duckdb_rows(table=table),
                                            _duckdb_rows(parquet=job["parquet"]))
    if types_a != types_b or not _same_with_nan(rows_a, rows_b):
        return {**out, "ok": False,
                "diff": f"DuckDB reads the stream and the Parquet differently: {types_a} {types_b}"}
    return out


def _same_with_nan(a, b) -> bool:
    import math
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
            if not _same_with_nan(list(x), list(y)):
                return False
        elif isinstance(x, float) and isinstance(y, float):
            if not (x == y and math.copysign(1, x) == math.copysign(1, y)) and not (
                    math.isnan(x) and math.isnan(y)):
                return False
        elif x != y or type(x) is not type(y):
            return False
    return True


# ---- in the test: run a job in a child process ----

def run_job(job: dict, tmp: Path) -> dict:
    lib = library_path()
    env = dict(os.environ)
    pre = sanitizer_preload(lib)
    if pre:
        env["LD_PRELOAD"] = pre
        # CPython's own allocations are not ours to judge; memory errors are
        env["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1"
    path = tmp / f"job-{os.getpid()}-{id(job)}.json"
    path.write_text(json.dumps(job))
    p = subprocess.run([sys.executable, __file__, str(path)], capture_output=True, text=True,
                       env=env, timeout=600)
    if p.returncode != 0:
        raise AssertionError(f"stream child failed (exit {p.returncode}):\n{p.stderr[-4000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(compare_job(json.loads(Path(sys.argv[1]).read_text()))))
