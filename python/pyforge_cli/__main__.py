"""The ``pyforge`` console script and ``python -m pyforge_cli``: the C
command line, run in this process by the extension module, so that it reads
the same arguments and prints the same output with the same exit codes
(0 success, 1 failure, 2 usage, 130 canceled) as the ``pyforge`` executable
built from cli/. Python adds two things before the C command line runs:
the Python extensions in the engine's list before ``pyforge extensions``
(and ``--list-extensions``) prints it beside the built-in formats and the C
plugins, the commands Python extensions register (``pyforge volumes``
from the Databricks extension), and ``convert --engine spark`` /
``--force-pyspark``, which the Spark engine runs (_spark_cli.py). Core
commands never look for extensions,
so they start as fast as before. Keep this module light: it is on every
command's start-up path."""
import sys
from typing import List, Optional

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_CANCELED = 0, 1, 2, 130

#: the C command line's commands (and help): never taken by an extension
CORE_COMMANDS = frozenset({"convert", "batch", "info", "validate", "formats", "extensions", "env", "help",
                           "install", "mdf-tools"})
#: global options that come before the command word
_GLOBAL_FLAGS = frozenset({"-v", "--verbose", "-vv", "-q", "--quiet"})


def _command_index(args: List[str]) -> int:
    """Index of the command word in args (after the global options), or -1."""
    for i in range(1, len(args)):
        a = args[i]
        if a in _GLOBAL_FLAGS:
            continue
        return -1 if a.startswith("-") else i
    return -1


def _lists_extensions(args: List[str], i: int) -> bool:
    """`pyforge extensions ...` or `pyforge [options] --list-extensions`."""
    if i > 0:
        return args[i] == "extensions"
    for a in args[1:]:
        if a == "--list-extensions":
            return True
        if a not in _GLOBAL_FLAGS:
            return False
    return False


def _run_python_command(args: List[str], i: int) -> Optional[int]:
    """Runs args[i] if Python provides it; None when it is the C CLI's."""
    word = args[i]
    if word == "convert":
        from . import _spark_cli  # light: imports the Spark engine only when asked

        if _spark_cli.wants_spark(args[i + 1:]):
            rc = _spark_cli.run(args[i + 1:])
            return None if rc < 0 else rc
        return None
    if word in CORE_COMMANDS:
        return None
    from .extensions import _registry

    cmd = _registry.commands().get(word)
    if cmd is None:
        return None  # the C command line says "unknown command"
    fn, _ext = cmd
    rc = fn(list(args[i + 1:]))
    return int(rc or 0)


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``pyforge`` with ``argv`` (default ``sys.argv``; ``argv[0]`` is the
    program name) and returns its exit status."""
    args = list(sys.argv if argv is None else argv)
    if not args:
        args = ["pyforge"]
    try:
        i = _command_index(args)
        if _lists_extensions(args, i):
            # the C command prints the list; the Python extensions join it
            from .extensions import _registry

            _registry.register_with_engine()
        elif i > 0:
            rc = _run_python_command(args, i)
            if rc is not None:
                return rc
        from . import _native

        sys.stdout.flush()
        sys.stderr.flush()
        return _native.run_cli(args)
    except KeyboardInterrupt:
        # Ctrl-C before the C command line took over its signals: the C
        # program would have died of SIGINT; the status a shell shows then.
        return EXIT_CANCELED
    except BrokenPipeError:
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
