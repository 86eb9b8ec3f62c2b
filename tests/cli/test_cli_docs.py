"""docs/cli.md's option tables are generated from the library's option
tables (`pyforge help --markdown`): the committed page must match what the
binary under test generates, so a new or changed option cannot leave the
reference behind. scripts/update-cli-docs.py rewrites the part."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("update_cli_docs",
                                                  REPO / "scripts" / "update-cli-docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cli_md_options_match_the_tables(pyforge_bin):
    tool = _tool()
    _, committed, _ = tool.split((REPO / "docs" / "cli.md").read_text())
    fresh = tool.generated(str(pyforge_bin))
    assert committed == fresh, ("docs/cli.md's generated option tables differ from "
                                "`pyforge help --markdown`; run scripts/update-cli-docs.py")


def test_every_flag_in_help_is_in_the_docs(run_pyforge):
    # each table flag convert --help shows is documented in the generated part
    # (the built-in keys: the wheel's console script also has the pdf plugin's,
    # which docs/pdf.md documents)
    rc, out, _ = run_pyforge("convert", "--help", env={"PYFORGE_FORCE_CORE": "true"})
    assert rc == 0
    _, committed, _ = _tool().split((REPO / "docs" / "cli.md").read_text())
    flags = {w.rstrip(",") for line in out.splitlines() if line.startswith("  ")
             for w in line.split()[:4] if w.startswith("--")}
    own = {"--json", "--preview-schema", "--quiet", "--verbose"}
    missing = sorted(f for f in flags - own if f"`{f}" not in committed)
    assert not missing, f"flags in --help but not in docs/cli.md: {missing}"
