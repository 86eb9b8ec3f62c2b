"""Where the built plugins are, for the plugin tests: the template plugin
(<build>/plugins/jsonl.so), the PDF plugin (<build>/plugins/pdf.so) and
the test plugins (<build>/tests/plugins/, tests/plugins/testplug.c's
variants). The build is $PYFORGE_BUILD_DIR, else build/release; a test
that needs a missing one is skipped with the reason."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def build_dir() -> Path:
    return Path(os.environ.get("PYFORGE_BUILD_DIR", REPO / "build" / "release"))


def jsonl_plugin() -> Path:
    p = build_dir() / "plugins" / "jsonl.so"
    if not p.is_file():
        pytest.skip(f"{p} not built (set PYFORGE_BUILD_DIR)")
    return p


def pdf_plugin() -> Path:
    p = build_dir() / "plugins" / "pdf.so"
    if not p.is_file():
        pytest.skip(f"{p} not built (set PYFORGE_BUILD_DIR)")
    return p


def built_test_plugin(name: str) -> Path:
    p = build_dir() / "tests" / "plugins" / f"{name}.so"
    if not p.is_file():
        pytest.skip(f"{p} not built (set PYFORGE_BUILD_DIR)")
    return p


def plugin_env(*paths) -> dict:
    """The environment that makes pyforge look only at these paths."""
    return {"PYFORGE_PLUGIN_PATH": ":".join(str(p) for p in paths),
            "PYFORGE_DISABLE_PLUGINS": None, "PYFORGE_FORCE_CORE": None,
            "PYFORGE_PLUGIN_RELOAD": None}
