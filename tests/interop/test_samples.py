"""`pyforge install sample-datasets`: the generated datasets are the same
bytes on every run, read back by independent readers (csv module + pyarrow,
openpyxl, lxml, dbfread, pypdf) as what they claim to be, converted by
PyForge with the same rows; the manifest's SHA-256 are right;
--list-installed notices a changed or missing file; --uninstall removes only
what the manifest names; bundles (--from DIR and an http:// URL on the
loopback address) are refused whole for a bad checksum, a truncated file, a
file the manifest does not name, an unsafe path, a 404.
"""
from __future__ import annotations

import csv
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

FILES = ["csv/small/sales.csv", "dbf/small/customers.dbf", "dbf/small/customers.dbt",
         "excel/small/sales_report.xlsx", "pdf/small/orders_report.pdf", "xml/small/orders.xml"]


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def tree(d: Path) -> dict:
    """Every file's bytes; the manifest as its file list (its source differs
    between a generated and a bundle install)."""
    t = {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}
    if "manifest.json" in t:
        t["manifest.json"] = json.loads(t["manifest.json"])["files"]
    return t


@pytest.fixture(scope="module")
def small(pyforge_bin, tmp_path_factory):
    d = tmp_path_factory.mktemp("samples") / "small"
    r = subprocess.run([str(pyforge_bin), "install", "sample-datasets", str(d), "-s", "small", "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return d, json.loads(r.stdout)


def install(run_pyforge, *args, env=None):
    return run_pyforge("install", "sample-datasets", *map(str, args), env=env)


def test_small_set_and_manifest(small):
    d, res = small
    assert sorted(f["path"] for f in res["files"]) == FILES
    assert all(f["state"] == "installed" for f in res["files"])
    manifest = json.loads((d / "manifest.json").read_text())
    assert manifest["manifest"] == "pyforge-samples/1"
    for f in manifest["files"]:
        p = d / f["path"]
        assert p.stat().st_size == f["bytes"]
        assert sha256(p) == f["sha256"], f"{p}: manifest SHA-256 wrong"
        # small is about 1 MB a dataset (the dBase table and its memo together)
    sizes = {f["dataset"]: 0 for f in manifest["files"]}
    for f in manifest["files"]:
        sizes[f["dataset"]] += f["bytes"]
    for ds, b in sizes.items():
        assert 0.8e6 <= b <= 1.3e6, f"{ds}: {b} bytes is not about 1 MB"
    assert sorted(p.name for p in d.iterdir()) == ["csv", "dbf", "excel", "manifest.json", "pdf", "xml"]


def test_same_bytes_every_run(small, run_pyforge, tmp_path):
    d, _ = small
    code, so, se = install(run_pyforge, tmp_path / "again", "-s", "small", "-q",
                           env={"TZ": "Asia/Tokyo", "LC_ALL": "de_DE.UTF-8"})
    assert code == 0, se
    a, b = tmp_path / "again", d
    assert sorted(a.rglob("*")) and [x.relative_to(a) for x in sorted(a.rglob("*"))] == \
        [x.relative_to(b) for x in sorted(b.rglob("*"))]
    for x in sorted(b.rglob("*")):
        if x.is_file():
            assert (a / x.relative_to(b)).read_bytes() == x.read_bytes(), f"{x}: two runs differ"


def test_csv_reads_back(small, run_pyforge, tmp_path):
    d, _ = small
    path = d / "csv/small/sales.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 5000
    assert {r["region"] for r in rows} == {"Europe", "North America", "Asia Pacific", "Latin America",
                                            "Middle East & Africa"}
    assert len({r["currency"] for r in rows}) >= 10
    assert any(r["quantity"] == "n/a" for r in rows), "the dirty row with n/a is missing"
    assert any(r["amount"] == "" for r in rows), "the dirty row with no amount is missing"
    assert any("\n" in r["notes"] and '"gift wrap"' in r["notes"] for r in rows)
    assert any("é" in r["customer"] or "ü" in r["customer"] for r in rows)
    code, so, se = run_pyforge("convert", path, tmp_path / "sales.parquet")
    assert code == 0, se
    t = pq.read_table(tmp_path / "sales.parquet")
    assert t.num_rows == len(rows)
    assert t.column("order_id").to_pylist() == [int(r["order_id"]) for r in rows]
    assert t.column("notes").to_pylist() == [r["notes"] or None for r in rows]
    assert str(t.schema.field("order_date").type) == "date32[day]"


def test_workbook_reads_back(small, run_pyforge, tmp_path):
    import openpyxl
    d, _ = small
    path = d / "excel/small/sales_report.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Orders", "Regions", "Internal"]
    assert wb["Internal"].sheet_state == "hidden"
    orders = wb["Orders"]
    assert orders["A1"].value == "Orders 2023-2025" and orders["A1"].font.b
    header = [c.value for c in orders[4]]
    assert header[:3] == ["order_id", "order_date", "region"]
    data = list(orders.iter_rows(min_row=5, values_only=True))
    assert data[0][1].year == 2023 and orders["B5"].number_format == "mm-dd-yy"
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=5, values_only=True)}
    assert sum(summary.values()) == len(data), "the summary does not count the Orders sheet"
    out = tmp_path / "wb"
    code, so, se = run_pyforge("convert", path, out)
    assert code == 0, se
    t = pq.read_table(out / "sales_report_Orders.parquet")
    assert t.num_rows == len(data)
    assert t.column("order_id").to_pylist() == [r[0] for r in data]
    assert t.column("amount").to_pylist() == [r[9] for r in data]


def test_xml_reads_back(small, run_pyforge, tmp_path):
    from lxml import etree
    d, _ = small
    path = d / "xml/small/orders.xml"
    root = etree.parse(str(path)).getroot()
    ns = {"o": "urn:pyforge:samples:orders", "c": "urn:pyforge:samples:customers",
          "p": "urn:pyforge:samples:products"}
    orders = root.findall("o:order", ns)
    assert len(orders) > 500
    counts = [len(o.findall("o:items/p:item", ns)) for o in orders]
    assert set(counts) == {1, 2, 3, 4, 5}, "orders must repeat 1-5 items"
    assert orders[0].find("c:customer/c:name", ns).text
    code, so, se = run_pyforge("convert", path, tmp_path / "o.parquet")
    assert code == 0, se
    t = pq.read_table(tmp_path / "o.parquet")
    assert t.num_rows == len(orders)
    assert t.column("_id").to_pylist() == [int(o.get("id")) for o in orders]


def test_dbf_reads_back(small, run_pyforge, tmp_path):
    import dbfread
    d, _ = small
    path = d / "dbf/small/customers.dbf"
    table = dbfread.DBF(str(path), char_decode_errors="strict")
    assert table.encoding == "cp850", "the legacy code page (language driver 0x02) is not cp850"
    recs = list(table)
    deleted = list(table.deleted)
    assert len(deleted) > 0
    names = " ".join(r["NAME"] for r in recs)
    assert any(ch in names for ch in "éüöçñ"), "accented names did not survive cp850"
    memos = [r["NOTES"] for r in recs if r["NOTES"]]
    assert len(memos) > len(recs) // 4 and max(len(m) for m in memos) > 512, "no multi-block memo"
    assert recs[0]["NAME"] in memos[0], "a memo is not about its own customer"
    code, so, se = run_pyforge("convert", path, tmp_path / "c.parquet")
    assert code == 0, se
    t = pq.read_table(tmp_path / "c.parquet")
    assert t.num_rows == len(recs)
    assert t.column("NAME").to_pylist() == [r["NAME"] for r in recs]
    assert t.column("NOTES").to_pylist() == [r["NOTES"] or None for r in recs]


def test_pdf_reads_back(small):
    import pypdf
    d, _ = small
    reader = pypdf.PdfReader(str(d / "pdf/small/orders_report.pdf"), strict=True)
    n = len(reader.pages)
    assert n > 100
    assert reader.metadata.title == "PyForge sample sales report"
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert "PyForge sample sales report" in first and f"Page 1 of {n}" in first
    assert f"Page {n} of {n}" in last
    assert "100000" in first


def test_list_installed_changed_missing_and_uninstall(small, run_pyforge, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(small[0], d)
    code, so, se = install(run_pyforge, d, "--list-installed")
    assert code == 0 and so.count("\npresent ") + so.startswith("present ") == 6, so
    with open(d / "xml/small/orders.xml", "r+b") as f:
        f.seek(100)
        f.write(b"X")
    (d / "pdf/small/orders_report.pdf").unlink()
    code, so, se = install(run_pyforge, d, "--list-installed", "--json")
    assert code == 1
    states = {f["path"]: f["state"] for f in json.loads(so)["files"]}
    assert states["xml/small/orders.xml"] == "changed"
    assert states["pdf/small/orders_report.pdf"] == "missing"
    assert states["csv/small/sales.csv"] == "present"
    # install again: changed files are refused without --force, then replaced
    code, so, se = install(run_pyforge, d, "-s", "small", "-f", "xml")
    assert code == 1 and "differs from what the manifest lists" in se and "--force" in se, se
    code, so, se = install(run_pyforge, d, "-s", "small", "-f", "xml,pdf", "--force", "--json")
    assert code == 0, se
    code, so, se = install(run_pyforge, d, "--list-installed")
    assert code == 0, so
    (d / "csv/small/mine.txt").write_text("a user's own file")
    code, so, se = install(run_pyforge, d, "--uninstall", "--json")
    assert code == 0, se
    assert sorted(f["path"] for f in json.loads(so)["files"]) == FILES
    assert sorted(str(p.relative_to(d)) for p in d.rglob("*")) == ["csv", "csv/small", "csv/small/mine.txt"]


def test_present_files_are_kept_and_foreign_files_refused(small, run_pyforge, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(small[0], d)
    code, so, se = install(run_pyforge, d, "-s", "small", "-f", "csv", "--json")
    assert code == 0, se
    assert [f["state"] for f in json.loads(so)["files"]] == ["present"]
    other = tmp_path / "other"
    (other / "csv/small").mkdir(parents=True)
    (other / "csv/small/sales.csv").write_text("mine\n")
    code, so, se = install(run_pyforge, other, "-s", "small", "-f", "csv")
    assert code == 1 and "not listed in the manifest" in se, se
    assert (other / "csv/small/sales.csv").read_text() == "mine\n"


def test_options(run_pyforge, tmp_path):
    code, so, se = install(run_pyforge, "-l")
    assert code == 0 and "access-small" in so and "a bundle (--from) only" in so and "dbf-large" in so
    code, so, se = install(run_pyforge, tmp_path / "x", "-f", "access")
    assert code == 1 and "--from" in se and not (tmp_path / "x" / "manifest.json").exists(), se
    code, so, se = install(run_pyforge, tmp_path / "x", "-f", "parquet")
    assert code == 2 and "csv, excel, xml, dbf, access, pdf" in se
    code, so, se = install(run_pyforge, tmp_path / "x", "-s", "huge")
    assert code == 2 and "small, medium, large" in se
    code, so, se = install(run_pyforge, tmp_path / "nothing", "--list-installed")
    assert code == 1 and "no sample datasets" in se


# ---- bundles ----

def bundle_of(small, tmp_path, name="bundle"):
    b = tmp_path / name
    shutil.copytree(small[0], b)
    return b


def refused(run_pyforge, src, dest, *extra):
    code, so, se = install(run_pyforge, dest, "--from", src, "-s", "small", *extra)
    assert code != 0, f"a bad bundle was accepted\n{so}"
    left = sorted(str(p.relative_to(dest)) for p in dest.rglob("*")) if dest.exists() else []
    assert left == [], f"the refused bundle left {left}"
    return se


def test_bundle_from_dir(small, run_pyforge, tmp_path):
    b = bundle_of(small, tmp_path)
    dest = tmp_path / "dest"
    code, so, se = install(run_pyforge, dest, "--from", b, "-s", "small", "--json")
    assert code == 0, se
    assert tree(dest) == {k: v for k, v in tree(b).items()}
    code, so, se = install(run_pyforge, "-l", "--from", b / "manifest.json", "--json")
    assert code == 0 and len(json.loads(so)["files"]) == 6
    # only what the filters select
    dest2 = tmp_path / "dest2"
    code, so, se = install(run_pyforge, dest2, "--from", b, "-f", "dbf", "-s", "small")
    assert code == 0, se
    assert sorted(json.loads((dest2 / "manifest.json").read_text())["files"][i]["path"]
                  for i in range(2)) == ["dbf/small/customers.dbf", "dbf/small/customers.dbt"]


def many_file_bundle(tmp_path, n, name="many", depth=1):
    """A bundle of n small CSV files, each in directories of its own (so an
    install makes n * depth + 2 directories)."""
    b = tmp_path / name
    files = []
    for i in range(n):
        rel = "csv/small/" + "/".join(f"part{i:03d}_{k}" for k in range(depth)) + "/rows.csv"
        data = f"id,part\n{i},{i * 7}\n".encode()
        (b / rel).parent.mkdir(parents=True)
        (b / rel).write_bytes(data)
        files.append({"path": rel, "dataset": "csv-small", "format": "csv", "size": "small",
                      "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    (b / "manifest.json").write_text(json.dumps({"manifest": "pyforge-samples/1", "files": files}))
    return b, files


def test_bundle_of_many_files_and_directories(run_pyforge, tmp_path):
    """Past 64 files (once a fixed cap: the install was refused) and 64 new
    directories (once recorded up to 64 only, so a refused install left the
    rest behind): all installed; a bad last file leaves nothing."""
    b, files = many_file_bundle(tmp_path, 150)
    dest = tmp_path / "dest"
    code, so, se = install(run_pyforge, dest, "--from", b, "-s", "small", "--json")
    assert code == 0, se
    assert len(json.loads(so)["files"]) == 150
    assert tree(dest) == tree(b)
    # 40 files in 122 new directories, the last file damaged: refused after
    # everything was staged; not one directory is left
    b, files = many_file_bundle(tmp_path, 40, "deep", depth=3)
    last = b / files[-1]["path"]
    last.write_bytes(last.read_bytes().replace(b"id", b"ID"))
    assert "SHA-256" in refused(run_pyforge, b, tmp_path / "dest2")


def test_bundle_bad_checksum(small, run_pyforge, tmp_path):
    b = bundle_of(small, tmp_path)
    p = b / "xml/small/orders.xml"
    data = bytearray(p.read_bytes())
    data[5000] ^= 1
    p.write_bytes(bytes(data))
    se = refused(run_pyforge, b, tmp_path / "dest")
    assert "orders.xml has SHA-256" in se, se


def test_bundle_truncated_and_unnamed_and_unsafe(small, run_pyforge, tmp_path):
    b = bundle_of(small, tmp_path, "b1")
    p = b / "csv/small/sales.csv"
    p.write_bytes(p.read_bytes()[:-10])
    assert "truncated" in refused(run_pyforge, b, tmp_path / "d1")
    b = bundle_of(small, tmp_path, "b2")
    (b / "pdf/small/extra.exe").write_bytes(b"MZ")
    assert "its manifest does not name" in refused(run_pyforge, b, tmp_path / "d2")
    b = bundle_of(small, tmp_path, "b3")
    m = json.loads((b / "manifest.json").read_text())
    m["files"][0]["path"] = "../escape.csv"
    (b / "manifest.json").write_text(json.dumps(m))
    assert "not a plain relative path" in refused(run_pyforge, b, tmp_path / "d3")
    b = bundle_of(small, tmp_path, "b4")
    (b / "manifest.json").write_text('{"manifest": "pyforge-samples/1", "files": [')
    assert "not a valid manifest" in refused(run_pyforge, b, tmp_path / "d4")


class _Handler(http.server.SimpleHTTPRequestHandler):
    truncate = set()

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path.lstrip("/") in self.truncate:
            body = (Path(self.directory) / self.path.lstrip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def server(small, tmp_path):
    root = tmp_path / "www"
    shutil.copytree(small[0], root / "v1")

    class H(_Handler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root, H
    httpd.shutdown()
    httpd.server_close()


def test_bundle_over_http(server, small, run_pyforge, tmp_path):
    url, root, handler = server
    dest = tmp_path / "dest"
    code, so, se = install(run_pyforge, dest, "--from", url + "/v1/", "-s", "small", "--json")
    assert code == 0, se
    assert tree(dest) == tree(small[0])
    assert json.loads(so)["source"] == url + "/v1"
    # a missing bundle, a truncated download, a checksum mismatch
    assert "HTTP 404" in refused(run_pyforge, url + "/nope", tmp_path / "d1")
    handler.truncate = {"v1/excel/small/sales_report.xlsx"}
    assert "truncated" in refused(run_pyforge, url + "/v1", tmp_path / "d2")
    handler.truncate = set()
    p = root / "v1/csv/small/sales.csv"
    p.write_bytes(p.read_bytes().replace(b"Europe", b"Europa", 1))
    assert "has SHA-256" in refused(run_pyforge, url + "/v1", tmp_path / "d3")


def test_sigint_keeps_finished_datasets(pyforge_bin, tmp_path, temp_files, interrupt):
    dest = tmp_path / "m"
    p = subprocess.Popen([str(pyforge_bin), "install", "sample-datasets", str(dest), "-s", "medium",
                          "-f", "csv,xml"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and not (dest / "csv/medium/sales.csv").exists():
        time.sleep(0.02)
    time.sleep(0.2)
    still_running = p.poll() is None
    so, se = interrupt(p, "pyforge install sample-datasets")
    assert still_running, "the install finished before it could be interrupted"
    assert p.returncode == 130, se.decode()
    files = sorted(str(x.relative_to(dest)) for x in dest.rglob("*") if x.is_file())
    assert files == ["csv/medium/sales.csv", "manifest.json"], files
    for d in (dest, dest / "csv/medium"):
        assert temp_files(d) == []
    m = json.loads((dest / "manifest.json").read_text())
    assert [f["path"] for f in m["files"]] == ["csv/medium/sales.csv"]
    assert sha256(dest / "csv/medium/sales.csv") == m["files"][0]["sha256"]


def test_https_goes_through_libcurl(small, run_pyforge, tmp_path):
    """https:// is fetched by libcurl loaded at run time, with its
    certificate checks: a self-signed server on the loopback address is
    refused for its certificate (without libcurl: a message saying so)."""
    import ssl
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl (to make a self-signed certificate) not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    root = small[0]

    class H(_Handler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{httpd.server_address[1]}"
        se = refused(run_pyforge, url, tmp_path / "d")
    finally:
        httpd.shutdown()
        httpd.server_close()
    have_curl = any(Path(d, "libcurl.so.4").exists() for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64",
                                                                 "/usr/lib/aarch64-linux-gnu", "/usr/lib"))
    if have_curl:
        assert "certificate" in se.lower() or "ssl" in se.lower(), se
    else:
        assert "libcurl" in se, se
