"""Progress: ``progress=True | False | callable`` (default: automatic).

Automatic means on in a notebook (Jupyter, VS Code, Databricks) and on a
terminal, silent otherwise (scripts, jobs, pipes). The display is tqdm's
when tqdm is installed (a widget bar in a notebook with ipywidgets, a text
bar with rate and time left on a terminal), else a small fallback of ours:
an HTML ``<progress>`` element with the same facts as text in a notebook,
a text line on stderr on a terminal. ``TERM=dumb`` gets no bar (it cannot
redraw a line); colour is never used to tell anything, and the result is
always returned whatever the bar showed.

A callable gets ``(done, total, unit)`` (``total`` 0 when unknown, ``unit``
``"bytes"``) and may return ``False`` to cancel.
"""
import os
import sys
import time
from typing import Any, Callable, Optional, Union

ProgressArg = Union[None, bool, Callable[[int, int, str], Any]]


def in_notebook() -> bool:
    """Running inside an IPython kernel (Jupyter, VS Code, Databricks)."""
    ip_mod = sys.modules.get("IPython")
    if ip_mod is None:
        return False
    try:
        ip = ip_mod.get_ipython()  # type: ignore[attr-defined]
    except Exception:
        return False
    if ip is None:
        return False
    name = type(ip).__name__
    return name in ("ZMQInteractiveShell", "DatabricksShell") or "ipykernel" in sys.modules


def on_terminal() -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Callback:
    def __init__(self, fn: Callable[[int, int, str], Any]) -> None:
        self.fn = fn

    def __call__(self, done: int, total: int, unit: str) -> Any:
        return self.fn(done, total, unit)

    def close(self, ok: bool) -> None:
        pass


def _fmt_bytes(n: float) -> str:
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{int(n)} B"


class _Tqdm:
    def __init__(self, desc: str, notebook: bool) -> None:
        if notebook:
            from tqdm.notebook import tqdm  # needs ipywidgets
        else:
            from tqdm import tqdm
        self.bar = tqdm(total=None, desc=desc, unit="B", unit_scale=True, unit_divisor=1000,
                        leave=True, dynamic_ncols=True)
        self.done = 0

    def __call__(self, done: int, total: int, unit: str) -> None:
        if total and self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        if done > self.done:
            self.bar.update(done - self.done)
            self.done = done

    def close(self, ok: bool) -> None:
        if ok and self.bar.total and self.done < self.bar.total:
            self.bar.update(self.bar.total - self.done)
        self.bar.close()


class _Text:
    """A text line on stderr, redrawn in place (no colour)."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int, unit: str) -> None:
        el = max(time.monotonic() - self.start, 1e-9)
        rate = done / el
        if total:
            pct = min(100, int(100 * done / total))
            fill = pct * 30 // 100
            left = (total - done) / rate if rate > 0 else 0
            line = (f"{self.desc} [{'#' * fill}{'.' * (30 - fill)}] {pct:3d}%  {_fmt_bytes(done)} / "
                    f"{_fmt_bytes(total)}  {_fmt_bytes(rate)}/s  {int(left)} s left")
        else:
            line = f"{self.desc} {_fmt_bytes(done)} read  {_fmt_bytes(rate)}/s"
        sys.stderr.write("\r" + line[:200] + " ")
        sys.stderr.flush()
        self.drawn = True

    def close(self, ok: bool) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()


class _Html:
    """An HTML <progress> element with the facts as text, in a notebook."""

    def __init__(self, desc: str) -> None:
        from IPython.display import HTML, display

        self.HTML = HTML
        self.desc = desc
        self.start = time.monotonic()
        self.handle = display(HTML(self._html(0, 0)), display_id=True)

    def _html(self, done: int, total: int) -> str:
        import html

        rate = done / max(time.monotonic() - self.start, 1e-9)
        if total:
            pct = min(100, int(100 * done / total))
            text = f"{pct}%: {_fmt_bytes(done)} of {_fmt_bytes(total)}, {_fmt_bytes(rate)}/s"
            bar = f'<progress value="{done}" max="{total}" aria-label="{html.escape(self.desc)}"></progress>'
        else:
            text = f"{_fmt_bytes(done)} read, {_fmt_bytes(rate)}/s"
            bar = f'<progress aria-label="{html.escape(self.desc)}"></progress>'
        return f"<div>{html.escape(self.desc)} {bar} <span>{html.escape(text)}</span></div>"

    def __call__(self, done: int, total: int, unit: str) -> None:
        if self.handle is not None:
            self.handle.update(self.HTML(self._html(done, total)))

    def close(self, ok: bool) -> None:
        if self.handle is not None:
            word = "done" if ok else "stopped"
            self.handle.update(self.HTML(f"<div>{self.desc}: {word}</div>"))


def _tqdm_available(notebook: bool) -> bool:
    try:
        import tqdm  # noqa: F401

        if notebook:
            import ipywidgets  # noqa: F401
        return True
    except ImportError:
        return False


def resolve(progress: ProgressArg, desc: str) -> Optional[Any]:
    """The progress sink for one call, or None (silent)."""
    if progress is False:
        return None
    if callable(progress) and not isinstance(progress, bool):
        return _Callback(progress)
    notebook = in_notebook()
    if progress is None and not (notebook or on_terminal()):
        return None
    if not notebook and os.environ.get("TERM") == "dumb":
        return None
    try:
        if _tqdm_available(notebook):
            return _Tqdm(desc, notebook)
        return _Html(desc) if notebook else _Text(desc)
    except Exception:  # a display that cannot start never stops the work
        return None
