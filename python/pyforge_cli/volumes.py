"""``forge.volumes``: Unity Catalog Volume paths (``/Volumes/<catalog>/
<schema>/<volume>/<path>``, also ``dbfs:/Volumes/...``) and plain local
paths: check a path's shape, whether it exists, a file's or a directory's
metadata, and listings streamed one entry at a time (a directory of
100,000 files lists in the memory of one entry). The engine does the work
(docs/databricks.md); errors are :class:`~pyforge_cli.errors.PyForgeError`
subclasses whose messages say what is wrong: the part of a malformed path,
a Volume not available on this machine, the privilege that is missing."""
import datetime as _dt
import os
from typing import Any, Iterator, Union

from . import _native
from .errors import InputNotFoundError
from .results import Result

PathArg = Union[str, "os.PathLike[str]"]


def _when(ns: int) -> Any:
    if not ns:
        return None
    return _dt.datetime.fromtimestamp(ns / 1e9, tz=_dt.timezone.utc)


def _volumes_available() -> bool:
    import json

    return bool(json.loads(_native.env_json(False))["volumes"]["available"])


class VolumePath(Result):
    """A parsed path: ``kind`` (``"volume"``, ``"local"`` or ``"dbfs"``),
    ``is_volume``, ``catalog``, ``schema``, ``volume``, ``subpath``,
    ``full_name`` (``catalog.schema.volume``), ``fuse_path``
    (``/Volumes/...``), ``uri`` (``dbfs:/Volumes/...``: what Spark takes),
    ``local_path`` (where this process reaches it)."""

    _title = "Path"
    _order = ("path", "kind", "is_volume", "full_name", "catalog", "schema", "volume", "subpath",
              "fuse_path", "uri", "local_path")


class Metadata(Result):
    """A file's ``size`` and ``modified``; a directory's ``files``,
    ``directories``, ``others``, ``total_size`` and ``newest_modified``
    (counted at every depth, or only the top level with recursive=False),
    and its own ``modified``."""

    _title = "Metadata"
    _order = ("path", "kind", "size", "modified", "files", "directories", "others", "total_size",
              "newest_modified", "volume", "uri")


class Entry(Result):
    """One listed entry: ``name``, ``path`` (relative to the listed
    directory), ``kind`` (``"file"``, ``"directory"``, ``"other"``),
    ``size``, ``modified``, ``depth``."""

    _title = "Entry"


class Volumes:
    """Volume and local path operations (``forge.volumes``)."""

    def validate(self, path: PathArg) -> VolumePath:
        """Parses and checks a path's shape (it need not exist). A malformed
        Volume path raises InvalidArgumentError naming the part that is
        wrong; a local path comes back with kind "local"."""
        p = os.fspath(path)
        d = _native.volume_path(p)
        d = dict(d, path=p, is_volume=d["kind"] == "volume")
        return VolumePath(d)

    def is_volume_path(self, path: PathArg) -> bool:
        """True for /Volumes/..., dbfs:/Volumes/... and /dbfs/Volumes/..."""
        try:
            return self.validate(path)["is_volume"]
        except ValueError:
            return os.fspath(path).startswith(("/Volumes/", "dbfs:/Volumes/", "/dbfs/Volumes/"))

    def exists(self, path: PathArg) -> bool:
        """True when the file or directory exists. A Volume path on a
        machine without Volumes, or without the privilege to look, raises
        the error saying so rather than answering False."""
        p = os.fspath(path)
        try:
            _native.path_stat(p)
            return True
        except InputNotFoundError:
            if self.is_volume_path(p) and not _volumes_available():
                raise  # "Volumes are not available on this machine", not "no"
            return False

    def check(self, path: PathArg, write: bool = False) -> None:
        """Raises what ``convert`` would raise reading the file (or, with
        write=True, creating a file at the path: a missing directory, a
        missing WRITE VOLUME privilege, a runtime before 13.3)."""
        _native.path_check(os.fspath(path), bool(write))

    def metadata(self, path: PathArg, recursive: bool = True) -> Metadata:
        """Size and modification time of a file; of a directory, what it
        holds (streamed: memory does not grow with the number of files)."""
        p = os.fspath(path)
        d = _native.path_stat(p, True, bool(recursive))
        out = {"path": p, "kind": d["kind"], "modified": _when(d["mtime_ns"])}
        if d["kind"] == "directory":
            out.update(files=d["files"], directories=d["dirs"], others=d["others"],
                       total_size=d["size"], newest_modified=_when(d["newest_mtime_ns"]))
        else:
            out["size"] = d["size"]
        vp = self.validate(p)
        if vp["is_volume"]:
            out.update(volume=vp["full_name"], uri=vp["uri"])
        return Metadata(out)

    def list(self, path: PathArg, recursive: bool = False) -> Iterator[Entry]:
        """The entries of a directory, one at a time, in the order the file
        system gives (not sorted); symbolic links are listed, not followed."""
        it = _native.dir_list(os.fspath(path), bool(recursive))
        try:
            for e in it:
                yield Entry({"name": e["name"], "path": e["path"], "kind": e["kind"], "size": e["size"],
                             "modified": _when(e["mtime_ns"]), "depth": e["depth"]})
        finally:
            it.close()

    def __repr__(self) -> str:
        return "<pyforge_cli volumes: validate, is_volume_path, exists, check, metadata, list>"


volumes = Volumes()
