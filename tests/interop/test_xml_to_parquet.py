"""XML -> Parquet: each fixture (shaped like real public data) is converted by
`pyforge convert`, read back by pyarrow AND DuckDB, and compared value by
value, with names and types, against the independent lxml model of the
documented rules (test_xml_model.py)."""
from __future__ import annotations

import bz2
import gzip
import json
import math
import random
import shutil
import subprocess

import pytest

from pfcheck import ARROW_TYPES, DUCKDB_TYPES, read_duckdb, read_pyarrow
from test_xml_model import Table, model


@pytest.fixture
def convert(run_pyforge, tmp_path, assert_no_temp_files):
    """convert(data, *args, name=...) -> (parquet path, result JSON)."""
    def go(data, *args, name="in.xml", rc=0):
        src = tmp_path / name
        src.write_bytes(data)
        dst = tmp_path / (name + ".parquet")
        got, so, se = run_pyforge("convert", src, dst, "--json", "--force", *args)
        assert got == rc, f"exit {got}, expected {rc}\nstdout: {so}\nstderr: {se}"
        assert_no_temp_files(tmp_path)
        return dst, (json.loads(so) if got == 0 else None)
    return go


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b) or (a == b and not isinstance(a, bool)
                                               and not isinstance(b, bool))


def check(path, want: Table):
    for loaded in (read_pyarrow(path), read_duckdb(path)):
        assert loaded.names == want.names, f"{loaded.reader}: names"
        types = ARROW_TYPES if loaded.reader == "pyarrow" else DUCKDB_TYPES
        assert loaded.types == [types[t] for t in want.types], f"{loaded.reader}: types"
        for name, got, exp in zip(want.names, loaded.columns, want.columns()):
            assert len(got) == len(exp), f"{loaded.reader}: {name}: row count"
            for i, (g, e) in enumerate(zip(got, exp)):
                assert same(g, e), f"{loaded.reader}: column {name} row {i}: {g!r} != {e!r}"


def run_case(convert, data, docs=None, args=(), name="in.xml", **model_kw):
    want = model(docs or [data], **model_kw)
    out, res = convert(data, *args, name=name)
    assert res["rows"] == len(want.rows)
    check(out, want)
    return want, out


# ---- fixtures ------------------------------------------------------------------

def catalog_xml(n=40, seed=1):
    rnd = random.Random(seed)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<catalog>\n']
    for i in range(n):
        attrs = f' id="bk{100 + i}"' + (' lang="en"' if i % 3 else "")
        price = f"{rnd.randint(1, 9999) / 100}"
        cur = ' currency="USD"' if i % 4 == 0 else ""
        tags = "".join(f"<tag>t{rnd.randint(0, 9)}</tag>" for _ in range(rnd.randint(0, 3)))
        parts.append(
            f'  <book{attrs}>\n    <author>Author {i}, &amp; Co</author>\n'
            f'    <title>Title &lt;{i}&gt;</title>\n    <genre>{rnd.choice(["Fantasy", "Romance"])}</genre>\n'
            f'    <price{cur}>{price}</price>\n'
            f'    <publish_date>20{i % 25:02d}-0{1 + i % 9}-1{i % 10}</publish_date>\n'
            f'    <in_stock>{"true" if i % 2 else "false"}</in_stock>\n'
            + (f"    <tags>{tags}</tags>\n" if tags else "")
            + (f"    <isbn>00{i}</isbn>\n" if i % 5 == 0 else "")
            + "  </book>\n")
    parts.append("</catalog>\n")
    return "".join(parts).encode()


def orders_xml(n=30, seed=2):
    rnd = random.Random(seed)
    out = ['<?xml version="1.0"?>\n<orders>\n']
    for i in range(n):
        items = "".join(
            f'<item sku="S{rnd.randint(1, 50):03d}"><qty>{rnd.randint(1, 5)}</qty>'
            f'<price>{rnd.randint(100, 9999) / 100}</price>'
            + "".join(f"<option>o{k}</option>" for k in range(rnd.randint(0, 2)))
            + "</item>"
            for _ in range(rnd.randint(0, 4)))
        out.append(
            f'  <order id="{i + 1}" status="{rnd.choice(["new", "shipped"])}">'
            f'<date>2024-0{1 + i % 9}-0{1 + i % 9}T1{i % 10}:30:00</date>'
            f'<customer type="{rnd.choice(["retail", "b2b"])}"><name>Cust {i}</name>'
            f'<email>c{i}@example.com</email></customer>'
            f'<items>{items}</items>'
            + "".join(f"<note>n{k}</note>" for k in range(i % 3))
            + "</order>\n")
    out.append("</orders>\n")
    return "".join(out).encode()


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:atom="http://www.w3.org/2005/Atom">
 <channel>
  <title>Example feed</title>
  <link>https://example.com/</link>
  <atom:link href="https://example.com/feed" rel="self" type="application/rss+xml"/>
  <category>news</category><category>tech</category>
  <item>
   <title>First post</title><link>https://example.com/1</link>
   <dc:creator>Ada</dc:creator>
   <category>c</category><category>xml</category>
   <guid isPermaLink="false">id-1</guid>
   <pubDate>Mon, 06 Sep 2021 16:45:00 +0000</pubDate>
   <content:encoded><![CDATA[<p>Hello <b>world</b></p>]]></content:encoded>
  </item>
  <item>
   <title>Second</title><link>https://example.com/2</link>
   <dc:creator>Linus</dc:creator>
   <guid isPermaLink="true">https://example.com/2</guid>
   <enclosure url="https://example.com/2.mp3" length="12345" type="audio/mpeg"/>
  </item>
  <item><title>Third</title><comments>42</comments></item>
 </channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
  <title>Example Feed</title>
  <link href="http://example.org/"/>
  <link rel="self" href="http://example.org/feed"/>
  <updated>2003-12-13T18:30:02Z</updated>
  <author><name>John Doe</name></author>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <entry>
    <title>Atom-Powered Robots Run Amok</title>
    <link href="http://example.org/2003/12/13/atom03"/>
    <link rel="alternate" type="text/html" href="http://example.org/a.html"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2003-12-13T18:30:02Z</updated>
    <summary type="text">Some text.</summary>
    <media:thumbnail url="http://example.org/t.jpg" width="75"/>
  </entry>
  <entry>
    <title>Second</title>
    <link href="http://example.org/2"/>
    <id>urn:uuid:2</id>
    <updated>2004-01-01T00:00:00+01:00</updated>
    <summary>More</summary>
  </entry>
</feed>
"""

SOAP = b"""<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"
               xmlns:m="https://www.example.org/stock">
  <soap:Header><m:Trans soap:mustUnderstand="1">234</m:Trans></soap:Header>
  <soap:Body>
    <m:GetPriceResponse>
      <m:Quote m:exchange="NYSE"><m:Symbol>IBM</m:Symbol><m:Price>34.5</m:Price></m:Quote>
      <m:Quote m:exchange="NASDAQ"><m:Symbol>MSFT</m:Symbol><m:Price>301.25</m:Price></m:Quote>
      <m:Quote><m:Symbol>T</m:Symbol><m:Price>17</m:Price></m:Quote>
    </m:GetPriceResponse>
  </soap:Body>
</soap:Envelope>
"""


def test_book_catalog(convert):
    want, _ = run_case(convert, catalog_xml())
    assert want.row_tag == "book"
    assert "_id" in want.names and "price._currency" in want.names


@pytest.mark.parametrize("mode,alias", [("join", "concatenate"), ("json", "json_string"),
                                        ("explode", "expand")])
def test_orders_array_modes(convert, mode, alias):
    data = orders_xml()
    want, _ = run_case(convert, data, args=("--array-handling", mode), arrays=mode)
    run_case(convert, data, args=("--array-handling", alias), arrays=mode, name="alias.xml")
    if mode == "explode":
        assert len(want.rows) > 30  # items became rows
        assert "items.item._sku" in want.names


def test_orders_separators_and_prefix(convert):
    run_case(convert, orders_xml(12, seed=5),
             args=("--array-separator", "|", "--attribute-prefix", "@",
                   "--path-separator", "/", "--value-name", "text"),
             array_sep="|", attr_prefix="@", sep="/", value_name="text")


def test_rss_feed(convert):
    want, _ = run_case(convert, RSS)
    assert want.row_tag == "item"
    assert "dc_creator" in want.names and "guid._isPermaLink" in want.names


def test_atom_feed(convert):
    want, _ = run_case(convert, ATOM)
    assert want.row_tag == "entry"
    run_case(convert, ATOM, args=("--array-handling", "explode"), arrays="explode",
             name="atom2.xml")


@pytest.mark.parametrize("ns", ["strip", "prefix", "preserve"])
def test_soap_namespace_modes(convert, ns):
    want, _ = run_case(convert, SOAP, args=("--namespace-handling", ns), ns=ns)
    assert len(want.rows) == 3
    sym = {"strip": "Symbol", "prefix": "m_Symbol", "preserve": "m:Symbol"}[ns]
    assert sym in want.names


def test_soap_row_tag_by_local_or_prefixed_name(convert):
    run_case(convert, SOAP, args=("--row-tag", "Quote"), row_tag="Quote")
    run_case(convert, SOAP, args=("--row-tag", "m:Quote", "--namespace-handling", "strip"),
             row_tag="m:Quote", ns="strip", name="s2.xml")


def test_attributes_with_and_without_text(convert):
    data = (b'<list><e id="1">plain</e><e id="2"/><e>only text</e>'
            b'<e id="4" kind="x"> spaced </e><e></e></list>')
    want, _ = run_case(convert, data)
    assert want.names == ["_id", "_VALUE", "_kind"]


def test_mixed_content(convert):
    data = (b"<doc><p n='1'>Hello <b>bold</b> and <i>it</i>!</p>"
            b"<p n='2'>Just text</p><p n='3'><b>only child</b></p></doc>")
    run_case(convert, data)


def test_concatenated_documents(convert):
    docs = [b'<?xml version="1.0"?>\n<batch><rec><v>1</v></rec><rec><v>2</v></rec></batch>',
            b'<?xml version="1.0" encoding="UTF-8"?>\n<batch><rec><v>3</v><w>x</w></rec></batch>',
            b"<batch><rec><v>4</v></rec><rec><v>5</v></rec></batch>"]
    data = b"\n".join(docs) + b"\n<!-- trailing comment -->\n"
    want, _ = run_case(convert, data, docs=docs)
    assert want.names[0] == "_document_id" and want.row_tag == "rec"
    assert [r[0] for r in want.rows] == [1, 1, 2, 3, 3]
    # documents of one record each: the shared root is the row
    docs = [b"<order id='1'><item>a</item><item>b</item></order>",
            b"<?xml version='1.0'?><order id='2'><item>c</item></order>"]
    want, _ = run_case(convert, b"\n".join(docs), docs=docs, name="orders.xml")
    assert want.row_tag == "order" and want.rows == [[1, 1, "a; b"], [2, 2, "c"]]


def test_types_and_leading_zeros(convert):
    data = (b"<t><r><i>1</i><z>007</z><d>2024-02-29</d><ts>2024-01-01 10:00</ts>"
            b"<b>TRUE</b><f>1.5</f><big>9007199254740993</big></r>"
            b"<r><i>-20</i><z>8</z><d>2023-01-01</d><ts>2024-01-02</ts><b>false</b>"
            b"<f>2</f><big>1</big></r></t>")
    want, _ = run_case(convert, data)
    t = dict(zip(want.names, want.types))
    assert t["i"] == "int64" and t["z"] == "string" and t["d"] == "date"
    assert t["ts"] == "timestamp" and t["f"] == "double" and t["b"] == "bool"


def test_all_strings(convert):
    run_case(convert, catalog_xml(10), args=("--all-strings",), all_strings=True)


def test_late_field_and_late_widening(convert):
    rows = [f"<r><n>{i}</n></r>" for i in range(3000)]
    rows[2990] = "<r><n>x2990</n><late>yes</late><later a='1'/></r>"
    data = ("<root>" + "".join(rows) + "</root>").encode()
    want, _ = run_case(convert, data)
    assert want.names == ["n", "late", "later._a"] and want.types[0] == "string"


def test_nested_explode_joins_inner_arrays(convert):
    data = (b"<a><r><k>1</k><g><x>1</x><x>2</x><y><z>p</z><z>q</z></y></g><g><x>3</x></g>"
            b"<h>u</h><h>v</h></r><r><k>2</k></r></a>")
    want, _ = run_case(convert, data, args=("--array-handling", "explode"), arrays="explode")
    assert len(want.rows) == 3


@pytest.mark.parametrize("codec", ["gz", "bz2", "zst"])
def test_compressed_inputs(convert, codec, tmp_path):
    data = orders_xml(20, seed=9)
    if codec == "gz":
        packed = gzip.compress(data)
    elif codec == "bz2":
        packed = bz2.compress(data)
    else:
        if not shutil.which("zstd"):
            pytest.skip("zstd tool not installed")
        packed = subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True,
                                check=True).stdout
    run_case(convert, packed, docs=[data], name=f"orders.xml.{codec}")


def test_windows_1252(convert):
    data = ('<?xml version="1.0" encoding="windows-1252"?>\n<l><r><n>caf\u00e9 \u20ac</n></r>'
            '<r><n>na\u00efve</n></r></l>').encode("cp1252")
    want, _ = run_case(convert, data)
    assert want.rows[0][0] == "caf\u00e9 \u20ac"


def test_utf16_with_bom(convert):
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<l><r><n>\u00e9t\u00e9</n></r><r><n>b</n></r></l>'
    data = text.encode("utf-16")
    run_case(convert, data, docs=[data])


def test_no_repeating_element_is_one_row(convert, run_pyforge, tmp_path):
    data = b"<config><name>x</name><size unit='mb'>12</size></config>"
    want, _ = run_case(convert, data)
    assert len(want.rows) == 1
    (tmp_path / "one.xml").write_bytes(data)
    rc, so, se = run_pyforge("info", tmp_path / "one.xml")
    assert rc == 0 and "no element repeats" in so


def test_sniffed_without_extension(convert):
    run_case(convert, b"\n  <!-- x -->\n<a><r><v>1</v></r><r><v>2</v></r></a>", name="data.feed",
             docs=[b"<a><r><v>1</v></r><r><v>2</v></r></a>"])


def test_info_reports_detection_and_rows(run_pyforge, tmp_path):
    p = tmp_path / "o.xml"
    p.write_bytes(orders_xml(15, seed=3))
    rc, so, se = run_pyforge("info", p, "--format", "json", "--array-handling", "explode")
    assert rc == 0, se
    info = json.loads(so)
    want = model([orders_xml(15, seed=3)], arrays="explode")
    assert info["rows"] == len(want.rows)
    props = info["properties"]
    assert props["row_tag"] == "order" and "repeats under /orders" in props["row_tag_reason"]
    assert props["records"] == "15" and props["max_depth"] == "5"
    assert [c["name"] for c in info["columns"]] == want.names


def test_stdin_with_input_format(run_pyforge, tmp_path):
    data = catalog_xml(8, seed=4)
    dst = tmp_path / "stdin.parquet"
    rc, so, se = run_pyforge("convert", "-", dst, "--input-format", "xml", input=data.decode())
    assert rc == 0, se
    check(dst, model([data]))


def test_no_repeat_warns_on_convert(run_pyforge, tmp_path):
    src = tmp_path / "cfg.xml"
    src.write_bytes(b"<config><name>x</name></config>")
    rc, so, se = run_pyforge("convert", src, tmp_path / "cfg.parquet")
    assert rc == 0 and "warning" in se and "no element repeats" in se and "--row-tag" in se, se


@pytest.mark.bigfile
def test_big_file_late_column(run_pyforge, tmp_path):
    """~40 MB of records; a column that first appears in the very last one
    is still a column (the discovery pass reads everything), and every
    record is a row."""
    src = tmp_path / "big.xml"
    n = 200_000
    with open(src, "w") as f:
        f.write("<rows>\n")
        for i in range(n - 1):
            f.write(f'<r id="{i}"><name>row {i}</name><v>{i * 0.5}</v><pad>{"x" * 120}</pad></r>\n')
        f.write(f'<r id="{n - 1}"><name>last</name><v>1</v><late when="2024-05-06">z</late></r>\n')
        f.write("</rows>\n")
    dst = tmp_path / "big.parquet"
    rc, so, se = run_pyforge("convert", src, dst, timeout=300)
    assert rc == 0, se
    import pyarrow.parquet as pq
    t = pq.read_table(dst)
    assert t.num_rows == n
    assert t.column_names == ["_id", "name", "v", "pad", "late._when", "late._VALUE"]
    assert t.column("late._VALUE").null_count == n - 1
    assert t.column("late._VALUE")[n - 1].as_py() == "z"
    assert str(t.schema.field("late._when").type) == "date32[day]"
    assert t.column("_id")[12345].as_py() == 12345


def test_internal_entities_and_cdata(convert):
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY co "ACME &amp; Sons">]>\n'
            b"<l><r><who>&co;</who><raw><![CDATA[<b>1 < 2</b>]]></raw></r>"
            b"<r><who>x &#233;&#x20AC;</who></r></l>")
    want, _ = run_case(convert, data)
    assert want.rows[0] == ["ACME & Sons", "<b>1 < 2</b>"]
    assert want.rows[1][0] == "x \u00e9\u20ac"
