"""The base class of Python extensions.

An extension is a class deriving from :class:`BaseExtension`, registered in
its package's metadata under the entry-point group ``pyforge.extensions``::

    [project.entry-points."pyforge.extensions"]
    myext = "my_package.pyforge_ext:MyExtension"

PyForge finds it the first time something needs extensions (a conversion,
``list_extensions()``, a command the core does not know), never at import:
a call that needs none pays nothing. Then, in this order: the class is
loaded and instantiated; ``is_available()`` says whether it can work here
(False: recorded as *unavailable*, with ``unavailable_reason``);
``initialize()`` prepares it (an exception or False: recorded as *failed*
with the reason). A broken extension never breaks a conversion: its
failure is recorded (``list_extensions()``, ``pyforge extensions``) and
the work goes on without it; an exception from a hook is logged as a
warning of the result. ``shutdown()`` runs at exit and on
``reload_extensions()``. ``PYFORGE_FORCE_CORE=true`` disables every
extension.
"""
from typing import Any, Callable, Dict, List, Optional

#: A command's function: takes the arguments after its name, returns the
#: exit status (``pyforge <command> ARGS...``).
Command = Callable[[List[str]], int]


class ConvertContext:
    """What ``enhance_convert_command`` knows about the conversion coming."""

    def __init__(self, input_path: str, output_path: Optional[str], output_format: Optional[str]) -> None:
        self.input_path = input_path
        self.output_path = output_path
        self.output_format = output_format

    def __repr__(self) -> str:
        return (f"ConvertContext(input_path={self.input_path!r}, output_path={self.output_path!r}, "
                f"output_format={self.output_format!r})")


class BaseExtension:
    """Derive from this and override what you need; every method has a
    harmless default."""

    #: unique name (defaults to the entry point's name)
    name: str = ""
    #: version shown by ``list_extensions()`` (defaults to the distribution's)
    version: str = ""
    description: str = ""
    #: why ``is_available()`` said no (shown in the listing)
    unavailable_reason: str = ""

    def is_available(self) -> bool:
        """Whether the extension can work here (its dependencies are
        installed, the platform fits). Cheap; no side effects."""
        return True

    def initialize(self) -> Optional[bool]:
        """Prepares the extension once; returning False (or raising) marks
        it failed."""
        return True

    def get_commands(self) -> Dict[str, Command]:
        """Commands for the ``pyforge`` console script: ``{"name": fn}``;
        ``pyforge name ARGS`` calls ``fn([ARGS])`` and exits with its int.
        A core command's name is never taken by an extension."""
        return {}

    def enhance_convert_command(self, ctx: ConvertContext, **kwargs: Any) -> Dict[str, Any]:
        """Parameter enhancement: returns the keyword arguments a
        conversion will run with (add or change options). The default
        returns them unchanged."""
        return kwargs

    def pre_convert(self, input_path: str, output_path: Optional[str], options: Dict[str, Any]) -> None:
        """Called before a conversion starts."""

    def post_convert(self, result: Any) -> Any:
        """Called with each conversion's result; return a result to replace
        it, or None to keep it."""
        return None

    def shutdown(self) -> None:
        """Called at exit and before a reload."""
