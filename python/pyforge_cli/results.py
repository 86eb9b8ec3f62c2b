"""Result objects: dicts (``json.dumps`` them, ``r["row_count"]``) whose
keys are also attributes (``r.row_count``), shown in a notebook as a small
HTML table with real header cells and in ``repr`` as readable text. No
information is carried by colour."""
import html
from typing import Any, Dict, Iterable, List, Optional

__all__ = ["Result", "ConvertResult", "BatchResult", "InfoResult", "ValidationResult",
           "EnvironmentInfo", "ExtensionList"]


def _fmt_bytes(n: Any) -> str:
    if not isinstance(n, int):
        return str(n)
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


def _fmt(key: str, v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if key.startswith("bytes") or key in ("size_bytes", "size", "total_size"):
        return f"{_fmt_bytes(v)} ({v:,})" if isinstance(v, int) else str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


class Result(dict):
    """A dict whose keys are attributes too."""

    _title = "Result"
    #: the keys shown first, in this order (the rest follow)
    _order: Iterable[str] = ()
    #: keys holding lists of dicts, shown as tables of their own
    _tables: Iterable[str] = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no key {name!r}; keys: "
                                 f"{', '.join(self.keys())}") from None

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self.keys()))

    def __reduce__(self):  # pickles (multiprocessing) as its own class
        return (type(self), (dict(self),))

    def _keys_in_order(self) -> List[str]:
        first = [k for k in self._order if k in self]
        return first + [k for k in self if k not in first]

    def _scalar_keys(self) -> List[str]:
        return [k for k in self._keys_in_order() if k not in self._tables]

    def __repr__(self) -> str:
        keys = self._scalar_keys()
        width = max((len(k) for k in keys), default=0)
        lines = [f"{self._title}:"]
        for k in keys:
            v = self[k]
            if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
                lines.append(f"  {k:<{width}}  {v[0]}")
                lines.extend(f"  {'':<{width}}  {x}" for x in v[1:])
            elif isinstance(v, dict) and v and all(not isinstance(x, (dict, list)) for x in v.values()):
                lines.append(f"  {k}:")
                kw = max(len(str(x)) for x in v)
                lines.extend(f"    {str(a):<{kw}}  {_fmt(str(a), b)}" for a, b in v.items())
            elif isinstance(v, (list, dict)):
                lines.append(f"  {k:<{width}}  {len(v) or 'no'} item{'' if len(v) == 1 else 's'}")
            else:
                lines.append(f"  {k:<{width}}  {_fmt(k, v)}")
        for t in self._tables:
            rows = self.get(t) or []
            if not rows:
                continue
            lines.append(f"  {t}:")
            lines.extend("    " + line for line in _text_table(rows))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_pretty_(self, p, cycle):  # IPython's plain-text display
        p.text(repr(self) if not cycle else f"{self._title}(...)")

    def _repr_html_(self) -> str:
        out = [f'<table class="pyforge-result"><caption>{html.escape(self._title)}</caption>',
               '<thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead><tbody>']
        for k in self._scalar_keys():
            v = self[k]
            if isinstance(v, list) and all(isinstance(x, str) for x in v):
                cell = "<br>".join(html.escape(x) for x in v) or "-"
            elif isinstance(v, dict):
                cell = _html_table([v]) if v else "-"
            elif isinstance(v, list):
                cell = _html_table(v) if v else "-"
            else:
                cell = html.escape(_fmt(k, v))
            out.append(f'<tr><th scope="row">{html.escape(k)}</th><td>{cell}</td></tr>')
        out.append("</tbody></table>")
        for t in self._tables:
            rows = self.get(t) or []
            if rows:
                out.append(_html_table(rows, caption=t))
        return "".join(out)


def _columns(rows: List[Dict[str, Any]]) -> List[str]:
    cols: List[str] = []
    for r in rows:
        for k in (r if isinstance(r, dict) else {}):
            if k not in cols:
                cols.append(k)
    return cols


def _cell(k: str, v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) if all(not isinstance(x, (dict, list)) for x in v) else f"{len(v)} items"
    if isinstance(v, dict):
        return ", ".join(f"{a}={b}" for a, b in v.items())
    return _fmt(k, v)


def _text_table(rows: List[Dict[str, Any]]) -> List[str]:
    cols = _columns(rows)
    cells = [[_cell(c, r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in cells]
    return lines


def _html_table(rows: List[Dict[str, Any]], caption: Optional[str] = None) -> str:
    cols = _columns(rows)
    out = ['<table class="pyforge-table">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f'<th scope="col">{html.escape(c)}</th>' for c in cols) + "</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(_cell(c, r.get(c)))}</td>" for c in cols) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class ConvertResult(Result):
    """What ``convert`` did: ``row_count``, ``column_count``, ``output_path``,
    ``outputs`` (each with ``path``, ``rows``, ``columns``, ``bytes``,
    ``tables``), ``input_path``, ``input_format``, ``output_format``,
    ``processing_engine`` (``"native"`` or ``"spark"``), ``engine_reason``,
    ``fallback_used``, ``fallback_reason`` (the Spark error, when the native
    engine took over), ``switch_seconds`` (how long the switch took),
    ``duration_seconds``, ``bytes_in``, ``bytes_out``,
    ``rows_rejected``, ``rejects_path``, ``warnings``, ``schema`` (each
    column's ``name``, ``type``, ``nullable``, ``note``), ``table_version``
    (Delta: the version committed, else None), ``threads``, ``restarts``."""

    _title = "Converted"
    _order = ("input_path", "output_path", "row_count", "column_count", "rows_rejected",
              "rejects_path", "input_format", "output_format", "table_version", "bytes_in",
              "bytes_out", "duration_seconds", "processing_engine", "engine_reason", "fallback_used",
              "fallback_reason", "switch_seconds", "threads", "restarts", "warnings")
    _tables = ("outputs", "schema")


class BatchResult(Result):
    """What ``batch_convert`` did: ``results`` (one per file: its
    ``input_path``, ``status`` (``"converted"``, ``"failed"``,
    ``"canceled"``), ``result`` (a :class:`ConvertResult`) or ``error`` (the
    :class:`~pyforge_cli.errors.PyForgeError`)), ``failures`` (the failed
    ones), and the summary: ``files``, ``converted``, ``failed``,
    ``canceled``, ``row_count``, ``rows_rejected``, ``bytes_in``,
    ``bytes_out``, ``bytes_total``, ``duration_seconds``, ``workers``,
    ``threads_per_file``, ``output_dir``, ``processing_engine``,
    ``engine_reason``, ``fallback_used``, ``fallback_reason``,
    ``switch_seconds``; with the Spark engine also ``output_format``,
    ``table_version`` (one commit for the batch), ``schema`` (reconciled),
    ``input_mode``, ``scan_seconds``, ``write_seconds``, ``warnings``."""

    _title = "Batch"
    _order = ("files", "converted", "failed", "canceled", "row_count", "rows_rejected", "bytes_in",
              "bytes_out", "bytes_total", "duration_seconds", "workers", "threads_per_file", "output_dir",
              "processing_engine", "engine_reason", "fallback_used", "fallback_reason", "table_version")
    _tables = ("results",)

    @property
    def succeeded(self) -> List["ConvertResult"]:
        return [r["result"] for r in self["results"] if r["result"] is not None]

    @property
    def failures(self) -> List[Dict[str, Any]]:
        return [r for r in self["results"] if r["status"] == "failed"]

    def __repr__(self) -> str:
        lines = [super().__repr__().split("\n  results:")[0], "  results:"]
        for r in self["results"]:
            if r["status"] == "converted":
                res = r["result"]
                lines.append(f"    converted  {r['input_path']} -> {res['output_path']}  ({res['row_count']:,} rows)")
            else:
                lines.append(f"    {r['status']:<9}  {r['input_path']}: {r['error']}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [{"input": r["input_path"], "status": r["status"],
                 "output": (r["result"] or {}).get("output_path"),
                 "rows": (r["result"] or {}).get("row_count"),
                 "error": str(r["error"]) if r["error"] else None} for r in self["results"]]
        head = Result({k: self[k] for k in self._scalar_keys()})
        head._title = self._title  # type: ignore[attr-defined]
        return Result._repr_html_(head) + _html_table(rows, caption="results")


class InfoResult(Result):
    """What ``get_info`` found: ``path``, ``format``, ``size_bytes``,
    ``rows`` (None when unknown cheaply), ``columns`` (each ``name``,
    ``type``, ``nullable``, ``note``), ``properties`` (what ``pyforge info``
    shows: dialect, encoding, row groups, table version, ...), ``sheets``
    (workbooks: each sheet's ``name``, ``rows``, ``columns``, ``group``,
    ``hidden``, ``selected``), ``sections`` (row groups, sheets, ...: each
    ``kind``, ``name``, ``properties``)."""

    _title = "Info"
    _order = ("path", "format", "size_bytes", "rows", "properties")
    _tables = ("columns", "sheets", "sections")


class ValidationResult(Result):
    """What ``validate`` found: ``is_valid``, ``issues`` (each ``message``
    with its place: ``line``, ``row``, ``column``, ``column_name``,
    ``sheet``, ``xml_path``, ``status``), ``issues_total`` (all found;
    ``issues`` keeps up to ``max_problems``), ``warnings``, ``format``,
    ``rows``, ``columns``, ``checked``."""

    _title = "Validation"
    _order = ("path", "is_valid", "format", "rows", "issues_total", "warnings", "checked")
    _tables = ("issues", "columns")


class EnvironmentInfo(Result):
    """Where PyForge runs: see ``get_environment_info``."""

    _title = "Environment"
    _order = ("is_databricks", "compute_type", "runtime_version", "spark_connect",
              "databricks_client", "python_version", "platform", "engine_version",
              "package_version", "threads", "available_engines")


class ExtensionList(list):
    """``list_extensions()``: a list of dicts, one per extension (Python
    extensions and the engine's plugins), shown as a table."""

    def __repr__(self) -> str:
        if not self:
            return "Extensions: none"
        keys = ("name", "kind", "state", "version", "reason")
        return "Extensions:\n" + "\n".join("  " + line for line in
                                           _text_table([{k: e.get(k) for k in keys} for e in self]))

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))

    def _repr_html_(self) -> str:
        keys = ("name", "kind", "state", "version", "reason", "commands", "formats")
        return _html_table([{k: e.get(k) for k in keys} for e in self], caption="Extensions")
