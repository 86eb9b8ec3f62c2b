"""Exceptions: every engine error is a :class:`PyForgeError` subclass chosen
by the engine's status kind, carrying where it happened and what to do.

>>> try:
...     forge.convert("orders.csv")
... except pyforge_cli.BadRowError as e:
...     print(e.file, e.line, e.hint)

Places are ``None`` when unknown: ``file``, ``line`` (physical line of a text
file), ``row`` (data row, header excluded), ``column`` (1-based) and
``column_name``, ``offset`` (byte), ``sheet`` (a workbook's sheet),
``xml_path`` (an XML element path), and the generic ``table`` /
``table_kind`` / ``inner_path`` they come from. ``status`` is the engine's
symbolic status (``"EPARSE"``), ``code`` its number, ``hint`` what to try.
The message names options the way Python spells them (``force=True``).
"""
from typing import Any, Dict, Optional, Type

__all__ = [
    "PyForgeError", "InvalidArgumentError", "UnsupportedError", "InputNotFoundError",
    "InputError", "FormatError", "ParseError", "EncodingError", "BadRowError",
    "EmptyInputError", "OutputExistsError", "OutputError", "NoSpaceError",
    "OutOfMemoryError", "LimitError", "CanceledError", "InternalError",
]


class PyForgeError(Exception):
    """An error the engine reported. See the module's docstring for the
    attributes; ``str(e)`` is the message with its place."""

    status: str = "EINTERNAL"
    code: int = 999
    #: what to try, when the message does not say it already
    default_hint: str = ""

    def __init__(self, message: str = "", **place: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status = place.pop("status", type(self).status)
        self.code = place.pop("code", type(self).code)
        self.file: Optional[str] = place.pop("file", None)
        self.line: Optional[int] = place.pop("line", None)
        self.row: Optional[int] = place.pop("row", None)
        self.column: Optional[int] = place.pop("column", None)
        self.column_name: Optional[str] = place.pop("column_name", None)
        self.offset: Optional[int] = place.pop("offset", None)
        self.table: Optional[str] = place.pop("table", None)
        self.table_kind: Optional[str] = place.pop("table_kind", None)
        self.inner_path: Optional[str] = place.pop("inner_path", None)
        self.hint: str = place.pop("hint", None) or type(self).default_hint
        self.text: str = place.pop("text", None) or message

    @property
    def sheet(self) -> Optional[str]:
        """The workbook sheet where it happened (``table`` when it is a sheet)."""
        return self.table if self.table_kind == "sheet" else None

    @property
    def xml_path(self) -> Optional[str]:
        """The XML element path where it happened (``inner_path`` of an XML
        input; in a workbook ``inner_path`` names the package member)."""
        if not self.inner_path or self._in_package():
            return None
        return self.inner_path

    @property
    def member(self) -> Optional[str]:
        """The part of a ZIP package (a workbook) where it happened."""
        return self.inner_path if self.inner_path and self._in_package() else None

    def _in_package(self) -> bool:
        return (self.file or "").lower().endswith((".xlsx", ".xlsm", ".zip"))

    def place(self) -> Dict[str, Any]:
        """The known parts of the place, as a dict."""
        keys = ("file", "line", "row", "column", "column_name", "offset", "sheet", "xml_path",
                "member", "table", "table_kind", "inner_path")
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None}

    def __str__(self) -> str:
        return self.text + (f" (hint: {self.hint})" if self.hint and self.hint not in self.text else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"

    def __reduce__(self):  # picklable (multiprocessing, Spark)
        state = dict(self.__dict__)
        return (_rebuild, (type(self), self.message, state))


def _rebuild(cls, message, state):
    e = cls.__new__(cls)
    Exception.__init__(e, message)
    e.__dict__.update(state)
    return e


class InvalidArgumentError(PyForgeError, ValueError):
    """A bad option value or combination (EINVAL)."""
    status, code = "EINVAL", 1
    default_hint = "check the keyword arguments against help(pyforge_cli.convert)"


class UnsupportedError(PyForgeError):
    """Something the engine does not support (EUNSUPPORTED)."""
    status, code = "EUNSUPPORTED", 2


class InputNotFoundError(PyForgeError, FileNotFoundError):
    """The input, or a sheet or table named in it, does not exist (ENOTFOUND)."""
    status, code = "ENOTFOUND", 100
    default_hint = ("check the path or name given (a relative path is taken from the current "
                    "directory, os.getcwd())")


class InputError(PyForgeError, OSError):
    """The input cannot be read (EINPUT): permissions, I/O errors."""
    status, code = "EINPUT", 101


class FormatError(PyForgeError):
    """The input's format is not recognised (EFORMAT)."""
    status, code = "EFORMAT", 102
    default_hint = "name the format with input_format= (pyforge_cli.formats() lists them)"


class ParseError(PyForgeError):
    """The input is malformed (EPARSE)."""
    status, code = "EPARSE", 103
    default_hint = "pyforge_cli.validate(path) lists every problem with its place"


class EncodingError(ParseError):
    """The text is not in the encoding it was read with (EENCODING)."""
    status, code = "EENCODING", 104
    default_hint = "name the encoding, e.g. encoding='cp1252'"


class BadRowError(ParseError):
    """A row does not fit (EBADROW): too many or too few fields."""
    status, code = "EBADROW", 105
    default_hint = ("on_bad_rows='skip' writes bad rows to a rejects file, on_bad_rows='keep' "
                    "keeps them")


class EmptyInputError(PyForgeError):
    """The input holds no data (EEMPTY)."""
    status, code = "EEMPTY", 106


class OutputExistsError(PyForgeError, FileExistsError):
    """The output exists and was left untouched (EEXIST)."""
    status, code = "EEXIST", 200
    default_hint = "force=True replaces it (tables: mode='overwrite' or 'append'); or choose another output_path"


class OutputError(PyForgeError, OSError):
    """The output cannot be written (EOUTPUT)."""
    status, code = "EOUTPUT", 201


class NoSpaceError(OutputError):
    """No space left, or a file size limit (ENOSPACE)."""
    status, code = "ENOSPACE", 202


class OutOfMemoryError(PyForgeError):
    """Out of memory (ENOMEM)."""
    status, code = "ENOMEM", 300
    default_hint = "fewer threads (threads=1) need less memory"


class LimitError(PyForgeError):
    """The input passes a safety limit (ELIMIT); the message names the option raising it."""
    status, code = "ELIMIT", 301


class CanceledError(PyForgeError):
    """The work was canceled (ECANCELED); nothing partial was left behind."""
    status, code = "ECANCELED", 302


class InternalError(PyForgeError):
    """A bug in PyForge (EINTERNAL): please report it with the input if you can."""
    status, code = "EINTERNAL", 999


_BY_STATUS: Dict[str, Type[PyForgeError]] = {
    c.status: c for c in (InvalidArgumentError, UnsupportedError, InputNotFoundError, InputError,
                          FormatError, ParseError, EncodingError, BadRowError, EmptyInputError,
                          OutputExistsError, OutputError, NoSpaceError, OutOfMemoryError, LimitError,
                          CanceledError, InternalError)}


def error_class(status: str) -> Type[PyForgeError]:
    """The exception class for an engine status name (``"EPARSE"``)."""
    return _BY_STATUS.get(status, InternalError)


def from_engine(err: Dict[str, Any]) -> PyForgeError:
    """The exception for one engine error dict (the native module's), with
    its option keys spelled as Python keywords."""
    from . import _native

    d = dict(err)
    message = _native.spell(d.pop("message", "") or "")
    text = _native.spell(d.get("text") or message)
    d["text"] = text
    cls = error_class(d.get("status", "EINTERNAL"))
    return cls(message, **d)
