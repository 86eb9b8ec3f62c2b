"""batch_convert; progress (callables, cancel by returning False, the
automatic choice); Ctrl-C as a real SIGINT in a subprocess (KeyboardInterrupt
within a second, nothing left behind); the GIL released while the engine
works (threads overlap); concurrent calls."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import big_csv, leftovers, need


def test_batch_convert(pf, data, workbook, tmp_path):
    out = tmp_path / "out"
    b = pf.batch_convert([str(data / "*.csv"), data / "books.xml", workbook, str(data / "*.none")], out,
                         max_workers=2, progress=False)
    assert b.files == 6  # latin1, people, ragged, books.xml, book.xlsx, the pattern without matches
    by_name = {os.path.basename(r["input_path"]): r for r in b.results}
    assert by_name["people.csv"]["status"] == "converted"
    assert by_name["people.csv"]["result"].output_path == str(out / "people.parquet")
    assert by_name["people.csv"]["result"].row_count == 3
    assert by_name["book.xlsx"]["result"].output_path == str(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["books.parquet", "latin1.parquet", "people.parquet", "book_Q1.parquet", "book_Targets.parquet"])
    bad = by_name["ragged.csv"]
    assert bad["status"] == "failed" and isinstance(bad["error"], pf.BadRowError) and bad["error"].line == 3
    none = by_name["*.none"]
    assert none["status"] == "failed" and isinstance(none["error"], pf.InputNotFoundError)
    assert b.converted == 4 and b.failed == 2 and b.canceled == 0
    assert [f["input_path"] for f in b.failures] == [bad["input_path"], none["input_path"]]
    assert b.row_count == sum(r.row_count for r in b.succeeded)
    assert b.workers == 2 and b.threads_per_file >= 1 and b.processing_engine == "native"
    assert "<th" in b._repr_html_() and "failed" in repr(b)
    again = pf.batch_convert(str(data / "people.csv"), out, progress=False)
    assert isinstance(again.results[0]["error"], pf.OutputExistsError)
    assert pf.batch_convert(str(data / "people.csv"), out, force=True, progress=False).converted == 1


def test_batch_convert_into_one_table(pf, tmp_path):
    """table=: every file into one Delta table, one commit; schemas
    reconciled (int + double -> double, a missing column null); the bad
    file adds nothing; an append whose value does not fit fails its file."""
    src = tmp_path / "parts"
    src.mkdir()
    (src / "a.csv").write_text("id,amount,day\n1,10,2024-01-01\n2,20,2024-01-02\n")
    (src / "b.csv").write_text("id,amount,day,note\n3,2.5,2024-01-03 10:30:00,late\n")
    (src / "c.csv").write_text("id,amount\n4,\"never closed\n")
    lake = tmp_path / "lake"
    b = pf.batch_convert(str(src / "*.csv"), table=lake, max_workers=2, progress=False)
    assert b.files == 3 and b.converted == 2 and b.failed == 1
    assert b.table_version == 0 and b.output_dir == str(lake) and b.row_count == 3
    by_name = {os.path.basename(r["input_path"]): r for r in b.results}
    assert by_name["a.csv"]["result"].table_version == 0
    assert by_name["c.csv"]["status"] == "failed" and by_name["c.csv"]["error"].line == 2
    assert sorted(p.name for p in (lake / "_delta_log").iterdir() if p.suffix == ".json") == \
        ["00000000000000000000.json"]
    log = (lake / "_delta_log" / "00000000000000000000.json").read_text()
    assert log.count('{"add"') == 2 and '"inputFiles":"2"' in log
    assert '\\"name\\":\\"amount\\",\\"type\\":\\"double\\"' in log
    pa = need("pyarrow.dataset")
    # (not `day`: a UTC timestamp needs pytz or zoneinfo in Python 3.8's pyarrow)
    files = sorted(str(p) for p in lake.glob("*.parquet"))
    rows = sorted(pa.dataset(files).to_table(columns=["id", "amount", "note"]).to_pylist(), key=lambda r: r["id"])
    assert [(r["id"], r["amount"], r.get("note")) for r in rows] == [(1, 10.0, None), (2, 20.0, None),
                                                                     (3, 2.5, "late")]
    (src / "c.csv").unlink()
    (src / "d.csv").write_text("id,amount\n5,1e400x\n")  # a string amount: refused by the double column
    again = pf.batch_convert(str(src / "*.csv"), table=lake, mode="append", progress=False)
    assert again.table_version == 1 and again.converted == 2 and again.failed == 1
    with pytest.raises(ValueError):
        pf.batch_convert(str(src / "*.csv"), tmp_path / "out", table=lake)


def test_batch_into_one_table_progress_and_rejects(pf, tmp_path):
    """table=: the progress climbs once to the total over both reads; rows
    left out (on_bad_rows="skip") go to one rejects file beside the table."""
    src = tmp_path / "parts"
    src.mkdir()
    (src / "a.csv").write_text("id,n\n" + "".join(f"{i},{i * 3}\n" for i in range(5000)) + "9,9,9\n")
    (src / "b.csv").write_text("id,n\n1,2\n")
    lake = tmp_path / "lake"
    calls = []
    b = pf.batch_convert(str(src / "*.csv"), table=lake, progress=lambda d, t, u: calls.append((d, t, u)),
                         on_bad_rows="skip", max_workers=2)
    assert b.converted == 2 and b.rows_rejected == 1 and b.table_version == 0
    assert calls and calls[-1][0] == calls[-1][1] == b.bytes_total
    assert all(a[0] <= c[0] for a, c in zip(calls, calls[1:])), calls
    rejects = (tmp_path / "lake.rejects.csv").read_text().splitlines()
    assert rejects[0] == "file,line,reason,row" and len(rejects) == 2
    assert rejects[1].startswith(f'"{src / "a.csv"}",5002,') and rejects[1].endswith(',"9,9,9"')
    assert not list(lake.glob("*.csv"))


def test_batch_progress_and_workers(pf, data, tmp_path, monkeypatch):
    calls = []
    b = pf.batch_convert(str(data / "*.csv"), tmp_path / "o", progress=lambda d, t, u: calls.append((d, t, u)),
                         on_bad_rows="skip")
    assert b.converted == 3 and b.rows_rejected == 1
    assert calls and calls[-1][0] == calls[-1][1] == b.bytes_total and all(u == "bytes" for _, _, u in calls)
    assert all(a[0] <= c[0] for a, c in zip(calls, calls[1:]))
    monkeypatch.setenv("PYFORGE_PARALLEL_WORKERS", "1")
    assert pf.batch_convert(str(data / "*.csv"), tmp_path / "p", progress=False, on_bad_rows="skip").workers == 1
    with pytest.raises(ValueError):
        pf.batch_convert(str(data / "*.csv"), max_workers=0)
    with pytest.raises(TypeError):
        pf.batch_convert(str(data / "*.csv"), bogus=1)


def test_progress_callable_and_cancel(pf, tmp_path):
    src = big_csv(tmp_path / "big.csv", 2_000_000)
    seen = []
    r = pf.convert(src, tmp_path / "a.parquet", progress=lambda d, t, u: seen.append((d, t, u)))
    assert r.row_count == 2_000_000
    assert seen and all(u == "bytes" and t == src.stat().st_size for _, t, u in seen)

    def stop(done, total, unit):
        return False

    with pytest.raises(pf.CanceledError):
        pf.convert(src, tmp_path / "b.parquet", progress=stop, threads=1)
    assert not (tmp_path / "b.parquet").exists() and not leftovers(tmp_path)

    def boom(done, total, unit):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        pf.convert(src, tmp_path / "c.parquet", progress=boom, threads=1)
    assert not (tmp_path / "c.parquet").exists()


def test_progress_automatic_is_silent_without_a_terminal(pf, data):
    from pyforge_cli import _progress

    assert _progress.resolve(None, "x") is None  # pytest captures: no terminal, no notebook
    assert _progress.resolve(False, "x") is None
    assert _progress.resolve(lambda *a: None, "x") is not None


SIGINT_SCRIPT = textwrap.dedent("""
    import sys, time
    import pyforge_cli as pf
    mode, src, out = sys.argv[1:4]
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        if mode == "convert":
            pf.convert(src, out, progress=False, threads=1)
        elif mode == "batch":
            pf.batch_convert([src], out, progress=False, threads=1)
        else:
            pf.read(src, threads=1).to_arrow()
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted %.3f" % (time.monotonic() - t0), flush=True)
""")


@pytest.fixture(scope="module")
def huge_csv(tmp_path_factory):
    return big_csv(tmp_path_factory.mktemp("huge") / "big.csv", 8_000_000)


@pytest.mark.parametrize("mode", ["convert", "batch", "read"])
def test_sigint_cancels_within_a_second(pf, tmp_path, huge_csv, mode):
    if mode == "read":
        need("pyarrow")
    src = huge_csv
    out = tmp_path / ("out" if mode == "batch" else "big.parquet")
    p = subprocess.Popen([sys.executable, "-c", SIGINT_SCRIPT, mode, str(src), str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        stdout, stderr = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail("the process did not stop after SIGINT")
    took = time.monotonic() - sent
    assert "interrupted" in stdout, (stdout, stderr)
    assert took < 1.0, f"stopped {took:.2f} s after SIGINT"
    assert not leftovers(tmp_path) and not leftovers(src.parent)
    if mode == "convert":
        assert not out.exists()
    if mode == "batch":
        assert not out.exists() or not any(out.iterdir())


def test_gil_released_threads_overlap(pf, tmp_path):
    a = big_csv(tmp_path / "a.csv", 1_500_000)
    b = big_csv(tmp_path / "b.csv", 1_500_000)
    spans = {}

    def work(name, src):
        t0 = time.monotonic()
        pf.convert(src, tmp_path / f"{name}.parquet", progress=False, threads=1)
        spans[name] = (t0, time.monotonic())

    ticks = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    ts = [threading.Thread(target=work, args=(n, s)) for n, s in (("a", a), ("b", b))]
    cpu0 = time.process_time()
    w0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall, cpu = time.monotonic() - w0, time.process_time() - cpu0
    stop.set()
    counter.join()
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    assert a0 < b1 and b0 < a1, "the two conversions did not run at the same time"
    assert ticks[0] > 1000, "a Python thread could not run while the engine worked"
    print(f"two threads: wall {wall:.2f} s, cpu {cpu:.2f} s ({cpu / wall:.2f} cores)")


def test_concurrent_calls(pf, data, tmp_path):
    errors = []

    def work(i):
        try:
            r = pf.convert(data / "people.csv", tmp_path / f"p{i}.parquet", progress=False)
            assert r.row_count == 3
            assert pf.validate(data / "ragged.csv").issues_total == 1
            assert pf.get_info(data / "books.xml").rows == 2
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert len(list(tmp_path.glob("p*.parquet"))) == 8
