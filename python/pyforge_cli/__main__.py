"""The ``pyforge`` console script and ``python -m pyforge_cli``: the C
command line, run in this process by the extension module, so that it reads
the same arguments and prints the same output with the same exit codes
(0 success, 1 failure, 2 usage, 130 canceled) as the ``pyforge`` executable
built from cli/. Keep this module light: it is on every command's start-up
path."""
import sys
from typing import List, Optional

EXIT_CANCELED = 130


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``pyforge`` with ``argv`` (default ``sys.argv``; ``argv[0]`` is the
    program name) and returns its exit status."""
    args = list(sys.argv if argv is None else argv)
    if not args:
        args = ["pyforge"]
    try:
        from . import _native

        # Issue 11 (the API half): commands that Python extensions register
        # (entry points `pyforge.extensions`) are dispatched here, before the
        # C command line, which owns every core command.
        sys.stdout.flush()
        sys.stderr.flush()
        return _native.run_cli(args)
    except KeyboardInterrupt:
        # Ctrl-C before the C command line took over its signals: the C
        # program would have died of SIGINT; the status a shell shows then.
        return EXIT_CANCELED


if __name__ == "__main__":
    sys.exit(main())
