#!/usr/bin/env python3
"""Rewrites the generated option tables in docs/cli.md from
`pyforge help --markdown` (the library's option tables), between the
markers <!-- BEGIN GENERATED OPTIONS --> and <!-- END GENERATED OPTIONS -->.

    scripts/update-cli-docs.py [PYFORGE_BIN]          rewrite docs/cli.md
    scripts/update-cli-docs.py --check [PYFORGE_BIN]  exit 1 when it differs

PYFORGE_BIN defaults to $PYFORGE_BIN, else build/release/pyforge.
"""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "cli.md"
BEGIN = "<!-- BEGIN GENERATED OPTIONS -->\n"
END = "<!-- END GENERATED OPTIONS -->\n"


def generated(binary: str) -> str:
    # the built-in keys only: plugins found in the environment would add
    # theirs (the pdf plugin's are documented in docs/pdf.md)
    env = dict(os.environ, PYFORGE_FORCE_CORE="true")
    return subprocess.run([binary, "help", "--markdown"], check=True, capture_output=True,
                          text=True, env=env).stdout


def split(text: str):
    a = text.index(BEGIN) + len(BEGIN)
    b = text.index(END)
    return text[:a], text[a:b], text[b:]


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    binary = args[0] if args else os.environ.get("PYFORGE_BIN",
                                                 str(REPO / "build" / "release" / "pyforge"))
    text = DOC.read_text()
    head, old, tail = split(text)
    new = generated(binary)
    if check:
        if old != new:
            print(f"{DOC} is out of date: run scripts/update-cli-docs.py", file=sys.stderr)
            return 1
        return 0
    if old != new:
        DOC.write_text(head + new + tail)
        print(f"rewrote the generated part of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
