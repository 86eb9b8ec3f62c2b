"""Python extensions: entry points in the group ``pyforge.extensions``
naming :class:`~pyforge_cli.extensions.base.BaseExtension` subclasses (see
base.py). ``list_extensions()`` lists them beside the engine's formats and
plugins; ``reload_extensions()`` loads them again (for development). The
Databricks extension (``pyforge_cli.extensions.databricks``, with its
ready-made ``forge`` object) is registered this way by this package."""
from typing import Any, Dict, List

from .base import BaseExtension, ConvertContext

__all__ = ["BaseExtension", "ConvertContext", "list_extensions", "reload_extensions"]


def list_extensions() -> "List[Dict[str, Any]]":
    """Every extension with ``name``, ``kind`` (``"built-in"``,
    ``"c-plugin"``, ``"python"``), ``state`` (``"loaded"``,
    ``"unavailable"``, ``"failed"``, ``"disabled"``), ``reason``,
    ``version``, ``description``, ``entry_point``, ``commands``,
    ``formats``, ``path``."""
    from ..results import ExtensionList
    from . import _registry

    return ExtensionList(_registry.listing())


def reload_extensions() -> "List[Dict[str, Any]]":
    """Shuts the Python extensions down, imports them again and lists them."""
    from . import _registry

    _registry.reload()
    return list_extensions()
