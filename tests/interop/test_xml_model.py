"""An independent reading of XML as PyForge documents it (docs/xml.md), built
on lxml's tree API instead of expat events: the row-tag detection rule, the
flattening and naming rules, attributes, _VALUE, arrays (join / json /
explode), namespaces, types (the ladder from pfcheck) and several documents.
The interop tests compare PyForge's Parquet output with this model value by
value; the tests in this file check the model itself against hand-written
expectations, so the model is not just a copy of the C code's output.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from lxml import etree

from pfcheck import (BOOL, DATE, DOUBLE, INT, NULL, STRING, TS, TSUTC,
                     parse_date, parse_double, parse_int, parse_timestamp,
                     value_type, widen)

WS = " \t\r\n"


def _parser():
    # internal entities are expanded (as PyForge does); nothing is fetched
    return etree.XMLParser(resolve_entities=True, load_dtd=False, no_network=True,
                           remove_comments=False, huge_tree=True)


def _map(prefix, local, ns):
    if not prefix:
        return local
    if ns == "strip":
        return local
    if ns == "preserve":
        return f"{prefix}:{local}"
    return f"{prefix}_{local}"


def el_name(el, ns):
    q = etree.QName(el)
    return _map(el.prefix, q.localname, ns), (f"{el.prefix}:{q.localname}" if el.prefix
                                              else q.localname), q.localname


def attr_items(el, ns):
    """(mapped name, value) in document order; namespace declarations are
    not attributes."""
    inv = {uri: p for p, uri in el.nsmap.items() if p}
    out = []
    for k, v in el.attrib.items():
        if k.startswith("{"):
            uri, local = k[1:].split("}", 1)
            prefix = "xml" if uri == "http://www.w3.org/XML/1998/namespace" else inv.get(uri)
            out.append((_map(prefix, local, ns), v))
        else:
            out.append((k, v))
    return out


def el_text(el) -> str:
    """Direct text: segments between child elements (comments and PIs do
    not split a segment), each trimmed, non-empty ones joined by a space."""
    segs, cur = [], el.text or ""
    for ch in el:
        if isinstance(ch.tag, str):
            segs.append(cur)
            cur = ch.tail or ""
        else:
            cur += ch.tail or ""
    segs.append(cur)
    return " ".join(s.strip(WS) for s in segs if s.strip(WS))


def children(el):
    return [c for c in el if isinstance(c.tag, str)]


@dataclass
class Slot:
    kind: str                      # "elem" or "attr"
    path: tuple                    # relative element path (attr: + name)
    order: int = 10 ** 18          # first value seen
    repeated: bool = False
    complex: bool = False
    has_elems: bool = False
    has_attrs: bool = False
    leaf_seen: bool = False
    text_seen: bool = False
    created: int = 0
    values: list = field(default_factory=list)


def detect_row_tag(roots, ns):
    """The rule of docs/xml.md: candidates repeat under one parent. The
    best holds the most of the file's values (non-empty texts and attribute
    values) in the records its name makes (outermost elements of that
    name); then has child elements, else attributes; then the shallowest;
    most occurrences; most distinct child paths; first seen. None (one row
    per document) when nothing repeats, or when the best has no child
    elements and the file holds several documents or the best less than
    half of the values."""
    stats = {}
    order = 0

    def visit(el, path, depth):
        nonlocal order
        name = el_name(el, ns)[0]
        p = path + (name,)
        s = stats.setdefault(p, dict(occ=0, rep=False, elems=False, attrs=False, vals=0,
                                     kids=set(), depth=depth, first=order, name=name))
        order += 1
        s["occ"] += 1
        if el.attrib:
            s["attrs"] = True
            s["kids"].update(("@", a) for a, _ in attr_items(el, ns))
            s["vals"] += sum(1 for _, v in attr_items(el, ns) if v.strip(WS))
        if el_text(el):
            s["vals"] += 1
        for ch in children(el):
            s["elems"] = True
            s["kids"].add(("e", el_name(ch, ns)[0]))
        counts = {}
        for ch in children(el):
            counts[el_name(ch, ns)[0]] = counts.get(el_name(ch, ns)[0], 0) + 1
        for ch in children(el):
            visit(ch, p, depth + 1)
        for cn, k in counts.items():
            if k > 1:
                stats[p + (cn,)]["rep"] = True

    for r in roots:
        visit(r, (), 1)
    cover = {p: sum(s["vals"] for q, s in stats.items() if q[:len(p)] == p) for p in stats}
    total = sum(cover[p] for p in stats if len(p) == 1)
    weight = {}
    for p, s in stats.items():
        if s["name"] not in p[:-1]:  # outermost of its name
            weight[s["name"]] = weight.get(s["name"], 0) + cover[p]
    cands = [s for p, s in stats.items() if s["rep"] and len(p) >= 2]
    if not cands:
        return None

    def tier(s):
        return 2 if s["elems"] else 1 if s["attrs"] else 0
    best = min(cands, key=lambda s: (-weight[s["name"]], -tier(s), s["depth"], -s["occ"],
                                     -len(s["kids"]), s["first"]))
    if tier(best) < 2 and (len(roots) > 1 or weight[best["name"]] * 2 < total):
        return None
    return best["name"]


def find_records(roots, row_tag, ns, given):
    """Outermost elements named row_tag as the namespace mode writes it or
    (given by the user) as written; a given name that no element has
    matches local names."""
    def collect(match):
        recs = []

        def visit(el, doc):
            if match(el_name(el, ns)):
                recs.append((doc, el))
                return
            for ch in children(el):
                visit(ch, doc)
        for i, r in enumerate(roots):
            visit(r, i + 1)
        return recs
    recs = collect(lambda n: n[0] == row_tag or (given and n[1] == row_tag))
    if not recs and given:
        recs = collect(lambda n: n[2] == row_tag)
    return recs


def convert_text(s, typ):
    if typ == STRING:
        return s
    if typ == BOOL:
        return s.lower() == "true"
    if typ == INT:
        return parse_int(s)
    if typ == DOUBLE:
        return parse_double(s)
    if typ == DATE:
        return parse_date(s)
    d = parse_date(s)
    if d is not None and typ == TS:
        return dt.datetime(d.year, d.month, d.day)
    return parse_timestamp(s)[0]


@dataclass
class Table:
    names: list
    types: list
    rows: list
    row_tag: str = ""

    def columns(self):
        return [[r[i] for r in self.rows] for i in range(len(self.names))]


def model(docs, *, row_tag=None, arrays="join", ns="prefix", attr_prefix="_", sep=".",
          value_name="_VALUE", array_sep="; ", all_strings=False) -> Table:
    """docs: the bytes of each document in the file."""
    roots = [etree.fromstring(d, _parser()) for d in docs]
    any_form = row_tag is not None
    if row_tag is None:
        row_tag = detect_row_tag(roots, ns)
    if row_tag is None:
        recs = [(i + 1, r) for i, r in enumerate(roots)]
        row_tag = el_name(roots[0], ns)[0]
    else:
        recs = find_records(roots, row_tag, ns, any_form)
    slots: dict = {}
    counter = [0]

    def slot(kind, path):
        k = (kind, path)
        if k not in slots:
            slots[k] = Slot(kind, path, created=len(slots))
        return slots[k]

    def seq():
        counter[0] += 1
        return counter[0]

    # analysis, in event order (start: attributes; end: text)
    def analyse(el, path):
        s = slot("elem", path)
        attrs = attr_items(el, ns)
        kids = children(el)
        if attrs:
            s.complex = s.has_attrs = True
        if kids:
            s.complex = s.has_elems = True
        for a, v in attrs:
            sa = slot("attr", path + (a,))
            if sa.order == 10 ** 18:
                sa.order = seq()
            v = v.strip(WS)
            if v:
                sa.values.append(v)
        counts = {}
        for ch in kids:
            n = el_name(ch, ns)[0]
            counts[n] = counts.get(n, 0) + 1
            slot("elem", path + (n,))  # created at its start tag
            analyse(ch, path + (n,))
        for n, k in counts.items():
            if k > 1:
                slot("elem", path + (n,)).repeated = True
        t = el_text(el)
        leaf = not kids and not attrs
        if leaf:
            s.leaf_seen = True
        if t:
            s.text_seen = True
            s.values.append(t)
        if (leaf or t) and s.order == 10 ** 18:
            s.order = seq()

    for _, el in recs:
        analyse(el, ())
    elems = {k[1]: v for k, v in slots.items() if k[0] == "elem"}
    e_path = None
    if arrays == "explode":
        reps = [s for p, s in elems.items() if p and s.repeated]
        if reps:
            e_path = min(reps, key=lambda s: (-(2 if s.has_elems else 1 if s.has_attrs else 0),
                                              len(s.path), s.created)).path

    def under_e(p):
        return e_path is not None and p[:len(e_path)] == e_path

    def multi(s):
        ep = s.path if s.kind == "elem" else s.path[:-1]
        ue = under_e(ep)
        for i in range(len(ep), 0, -1):
            sub = ep[:i]
            if ue and sub == e_path:
                return False
            if elems[sub].repeated:
                return True
        return False

    cols = []
    for (kind, path), s in slots.items():
        if kind == "elem":
            if not (s.text_seen if s.complex else s.leaf_seen):
                continue
            base = sep.join(path)
            name = (base + sep + value_name) if (s.complex and path) else (
                value_name if not path else base)
        else:
            head = sep.join(path[:-1])
            name = (head + sep if head else "") + attr_prefix + path[-1]
        m = multi(s)
        typ, big = NULL, False
        for v in s.values:
            vt, vb = value_type(v)
            typ = widen(typ, big, vt, vb)
            big = big or vb
        if all_strings or m or typ == NULL:
            typ = STRING
        ue = under_e(path if kind == "elem" else path[:-1])
        cols.append(dict(name=name, kind=kind, path=path, order=s.order, multi=m, type=typ,
                         json=m and arrays == "json", under_e=ue))
    cols.sort(key=lambda c: c["order"])
    used = set()
    for c in cols:
        n, k = c["name"], 2
        while n in used:
            n = f"{c['name']}_{k}"
            k += 1
        c["name"] = n
        used.add(n)
    docid = len(roots) > 1
    names = (["_document_id"] if docid else []) + [c["name"] for c in cols]
    types = ([INT] if docid else []) + [c["type"] for c in cols]

    rows = []
    for doc, el in recs:
        vals = []  # (kind, path, e_occ, text)
        e_count = [0]

        def collect(x, path, e_occ):
            if e_path is not None and path == e_path:
                e_count[0] += 1
                e_occ = e_count[0]
            for a, v in attr_items(x, ns):
                v = v.strip(WS)
                if v:
                    vals.append(("attr", path + (a,), e_occ, v))
            for ch in children(x):
                collect(ch, path + (el_name(ch, ns)[0],), e_occ)
            t = el_text(x)
            if t:
                vals.append(("elem", path, e_occ, t))
        collect(el, (), 0)
        n_rows = e_count[0] if e_count[0] > 0 else 1
        for j in range(n_rows):
            row = [doc] if docid else []
            for c in cols:
                vs = [v[3] for v in vals if v[0] == c["kind"] and v[1] == c["path"]
                      and (not c["under_e"] or e_path is None or v[2] == j + 1)]
                if not vs:
                    row.append(None)
                elif c["json"]:
                    row.append(json.dumps(vs, ensure_ascii=False, separators=(",", ":")))
                elif len(vs) == 1:
                    row.append(convert_text(vs[0], c["type"]))
                else:
                    row.append(array_sep.join(vs))
            rows.append(row)
    return Table(names, types, rows, row_tag)


# ---- the model checked by hand -------------------------------------------------

BOOKS = b"""<?xml version="1.0"?>
<catalog>
  <book id="b1"><title>A</title><price cur="USD">5.5</price><tag>x</tag><tag>y</tag></book>
  <book id="b2"><title>B</title><price>7</price><isbn>0012</isbn></book>
</catalog>"""


def test_model_books_join():
    t = model([BOOKS])
    assert t.row_tag == "book"
    assert t.names == ["_id", "title", "price._cur", "price._VALUE", "tag", "isbn"]
    assert t.types == [STRING, STRING, STRING, DOUBLE, STRING, STRING]
    assert t.rows == [["b1", "A", "USD", 5.5, "x; y", None],
                      ["b2", "B", None, 7.0, None, "0012"]]


def test_model_books_json_and_explode():
    assert model([BOOKS], arrays="json").rows[0][4] == '["x","y"]'
    t = model([BOOKS], arrays="explode")
    assert [r[4] for r in t.rows] == ["x", "y", None]
    assert [r[0] for r in t.rows] == ["b1", "b1", "b2"]


def test_model_mixed_text_and_namespaces():
    doc = b'<r xmlns:a="urn:a"><i><a:x>1</a:x>hello <b>w</b> there</i><i><a:x>2</a:x></i></r>'
    t = model([doc], ns="preserve")
    assert t.names == ["a:x", "b", "_VALUE"]
    assert t.rows == [[1, "w", "hello there"], [2, None, None]]
    assert model([doc], ns="strip").names[0] == "x"
    assert model([doc]).names[0] == "a_x"


def test_model_documents():
    t = model([b"<o><v>1</v></o>", b"<o><v>2</v></o>"])
    assert t.names == ["_document_id", "v"]
    assert t.rows == [[1, 1], [2, 2]]
