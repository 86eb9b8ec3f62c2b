"""Which element is a row (issue 9): one rule for the row tag info reports
and the one --row-tag takes, and detection by the share of the file's
values a candidate's records hold (docs/xml.md), each checked against the
lxml model and read back by pyarrow and DuckDB."""
from __future__ import annotations

import json

from test_xml_to_parquet import convert, run_case  # noqa: F401  (fixture)

# <link> three times, <atom:link> once: detection picks <link> (attributes
# only, but 6 of the 8 values); --row-tag link must then give the same 3.
LINKS = b"""<?xml version="1.0"?>
<feed xmlns:atom="http://www.w3.org/2005/Atom">
  <link href="http://a/1" rel="x"/><link href="http://a/2" rel="y"/>
  <link href="http://a/3" rel="z"/>
  <atom:link href="http://a/self" rel="self"/>
</feed>
"""


def info_json(run_pyforge, path, *args):
    rc, so, se = run_pyforge("info", path, "--format", "json", *args)
    assert rc == 0, se
    return json.loads(so)


def test_info_row_tag_round_trips_through_row_tag(convert, run_pyforge, tmp_path):  # noqa: F811
    src = tmp_path / "links.xml"
    src.write_bytes(LINKS)
    info = info_json(run_pyforge, src)
    tag = info["properties"]["row_tag"]
    assert tag == "link" and info["rows"] == 3
    want, _ = run_case(convert, LINKS, args=("--row-tag", tag), row_tag=tag, name="l2.xml")
    assert len(want.rows) == 3  # run_case checked the conversion's row count too
    assert info_json(run_pyforge, src, "--row-tag", tag)["rows"] == 3


def test_prefixed_row_tag_and_local_name_fallback(convert):  # noqa: F811
    for tag in ("atom:link", "atom_link"):
        want, _ = run_case(convert, LINKS, args=("--row-tag", tag), row_tag=tag,
                           name=f"{tag.replace(':', '-')}.xml")
        assert want.rows == [["http://a/self", "self"]]
    # a local name matches prefixed elements only when no element has it
    data = b'<r xmlns:m="urn:m"><m:q a="1"/><m:q a="2"/><m:q a="3"/></r>'
    want, _ = run_case(convert, data, args=("--row-tag", "q"), row_tag="q", name="q.xml")
    assert len(want.rows) == 3


def test_most_values_beats_structure(convert):  # noqa: F811
    """50 repeated leaves carry the data; two small records with children
    do not."""
    data = (b"<doc><links><link><href>a</href></link><link><href>b</href></link></links>"
            b"<values>" + b"".join(b"<v>%d</v>" % i for i in range(50)) + b"</values></doc>")
    want, _ = run_case(convert, data)
    assert want.row_tag == "v" and len(want.rows) == 50


def test_leaf_markup_inside_one_document_is_not_a_row(convert, run_pyforge, tmp_path):  # noqa: F811
    """<i> (italics in a text) repeats, <book> does not: the book is the row."""
    data = (b"<book><title>T</title><author>A</author><year>1999</year><isbn>0-1</isbn>"
            b"<desc>a <i>b</i> c <i>d</i> e</desc></book>")
    want, _ = run_case(convert, data)
    assert want.row_tag == "book" and len(want.rows) == 1
    assert "desc.i" in want.names and "title" in want.names
    src = tmp_path / "in.xml"
    props = info_json(run_pyforge, src)["properties"]
    assert "root element <book> is one row" in props["row_tag_reason"], props
    assert props["row_tag_runner_up"].startswith("<i> repeats under /book/desc"), props


def test_leaf_arrays_in_several_documents_keep_a_row_per_document(convert):  # noqa: F811
    docs = [b"<book><title>A</title><i>x</i><i>y</i><i>z</i></book>",
            b"<book><title>B</title><i>w</i></book>"]
    want, _ = run_case(convert, b"\n".join(docs), docs=docs)
    assert want.row_tag == "book" and want.rows == [[1, "A", "x; y; z"], [2, "B", "w"]]


def test_attribute_only_cells_are_not_rows(convert):  # noqa: F811
    """One wide record whose cells are attribute-only elements, two of
    which repeat: the record is the row, not the repeated cell."""
    cells = b"".join(b'<c%d v="%d"/>' % (i, i) for i in range(1, 20))
    data = b"<table><row>" + cells + b'<c20 v="a"/><c20 v="b"/></row></table>'
    want, _ = run_case(convert, data)
    assert want.row_tag == "table" and len(want.rows) == 1
    assert "row.c20._v" in want.names


def test_runner_up_in_info(run_pyforge, tmp_path):
    src = tmp_path / "feed.xml"
    src.write_bytes(b"<rss><channel><title>t</title><category>a</category><category>b</category>"
                    b"<item><title>1</title><link>l1</link></item>"
                    b"<item><title>2</title><link>l2</link></item></channel></rss>")
    props = info_json(run_pyforge, src)["properties"]
    assert props["row_tag"] == "item", props
    assert "hold 4 of the file's 7 values" in props["row_tag_reason"], props
    assert props["row_tag_runner_up"] == ("<category> repeats under /rss/channel (2 times): "
                                          "its records hold 2 of the file's 7 values (29%)")
