"""PyForge for Databricks notebooks::

    from pyforge_cli.extensions.databricks import forge
    forge.convert("/Volumes/main/sales/landing/orders.xlsx")
    forge.get_environment_info()["compute_type"]      # "serverless", "classic", "local"
    for e in forge.volumes.list("/Volumes/main/sales/landing"): ...

``forge`` is a ready-made :class:`PyForgeDatabricks`: the functions of
``pyforge_cli`` as methods, plus what matters on Databricks (where it runs,
Unity Catalog Volumes). Nothing here needs Spark; it works the same off
Databricks. The extension class :class:`DatabricksExtension` registers
itself through the entry point ``pyforge.extensions`` and gives the
console script ``pyforge volumes ls|info|check PATH``.
"""
import argparse
import json
import sys
from typing import Any, Dict, List, Optional

from ... import api, samples
from ...environment import get_environment_info
from ...volumes import Volumes, volumes
from ..base import BaseExtension, ConvertContext

__all__ = ["PyForgeDatabricks", "DatabricksExtension", "forge"]


class PyForgeDatabricks:
    """The notebook API as methods: ``convert``, ``get_info``,
    ``validate``, ``read``, ``batch_convert``, ``read_spark``, ``install_sample_datasets``,
    ``get_environment_info``,
    ``list_extensions``, ``reload_extensions``, ``volumes``. Each method is
    the ``pyforge_cli`` function of the same name (same arguments, same
    results)."""

    convert = staticmethod(api.convert)
    get_info = staticmethod(api.get_info)
    validate = staticmethod(api.validate)
    read = staticmethod(api.read)
    batch_convert = staticmethod(api.batch_convert)
    install_sample_datasets = staticmethod(samples.install_sample_datasets)
    read_spark = staticmethod(api.read_spark)
    get_environment_info = staticmethod(get_environment_info)

    @staticmethod
    def list_extensions() -> List[Dict[str, Any]]:
        from .. import list_extensions

        return list_extensions()

    @staticmethod
    def reload_extensions() -> List[Dict[str, Any]]:
        from .. import reload_extensions

        return reload_extensions()

    @property
    def volumes(self) -> Volumes:
        """Unity Catalog Volume paths: validate, exists, check, metadata, list."""
        return volumes

    @property
    def is_databricks(self) -> bool:
        return bool(get_environment_info()["is_databricks"])

    def __repr__(self) -> str:
        env = get_environment_info()
        where = (f"Databricks {env['compute_type']} ({env['runtime_version']})" if env["is_databricks"]
                 else "not on Databricks")
        return f"<pyforge_cli forge {api._native.version()}: {where}>"


forge = PyForgeDatabricks()


def _volumes_command(argv: List[str]) -> int:
    """pyforge volumes ls|info|check PATH [--recursive] [--write] [--json]"""
    from ...errors import PyForgeError

    p = argparse.ArgumentParser(prog="pyforge volumes",
                                description="Unity Catalog Volume paths (also local paths): list a "
                                            "directory, show metadata, check a path.")
    p.add_argument("action", choices=("ls", "info", "check", "parse"))
    p.add_argument("path")
    p.add_argument("-r", "--recursive", action="store_true", help="ls: at every depth")
    p.add_argument("--write", action="store_true", help="check: can a file be created here")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    a = p.parse_args(argv)
    try:
        if a.action == "ls":
            for e in volumes.list(a.path, recursive=a.recursive):
                if a.json:
                    print(json.dumps(dict(e, modified=str(e["modified"]))))
                else:
                    kind = {"file": "file", "directory": "dir", "other": "other"}[e["kind"]]
                    print(f"{kind:<5} {e['size']:>14,}  {e['path']}")
        elif a.action == "info":
            m = volumes.metadata(a.path)
            print(json.dumps(m, default=str, indent=2) if a.json else repr(m))
        elif a.action == "parse":
            v = volumes.validate(a.path)
            print(json.dumps(v, indent=2) if a.json else repr(v))
        else:
            volumes.check(a.path, write=a.write)
            print(f"{a.path}: ok ({'writable' if a.write else 'readable'})")
    except PyForgeError as e:
        print(f"pyforge: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    return 0


class DatabricksExtension(BaseExtension):
    """Registered through the entry point ``pyforge.extensions``:
    ``databricks``. Available everywhere (its commands and ``forge`` work
    off Databricks too); on Databricks it notes where the conversion ran."""

    name = "databricks"
    description = "Databricks environment and Unity Catalog Volumes (forge, pyforge volumes)"

    def get_commands(self) -> Dict[str, Any]:
        return {"volumes": _volumes_command}

    def enhance_convert_command(self, ctx: ConvertContext, **kwargs: Any) -> Dict[str, Any]:
        return kwargs

    def post_convert(self, result: Any) -> Optional[Any]:
        return None
