"""The example notebooks (examples/*.ipynb) executed by a real Jupyter
kernel (nbclient, ipykernel) in this venv, against the installed wheel:
every cell runs without an error (their assertions check the values), and
the outputs are what a reader sees (HTML tables with header cells)."""
import os
from pathlib import Path

import pytest

from conftest import need

REPO = Path(__file__).resolve().parents[3]
NOTEBOOKS = sorted((REPO / "examples").glob("*.ipynb"))


def test_there_are_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"01_basic_use", "02_excel_workbooks", "03_xml", "04_delta_tables", "05_batch_conversion",
            "06_dataframes", "07_troubleshooting"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    nbformat = need("nbformat")
    nbclient = need("nbclient")
    need("ipykernel")
    monkeypatch.setenv("PYFORGE_SAMPLES", str(REPO / "samples"))
    nb = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError naming the cell that failed
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    html = [o["data"]["text/html"] for c in code for o in c.outputs
            if o.output_type in ("execute_result", "display_data") and "text/html" in o.get("data", {})]
    if path.stem in ("01_basic_use", "05_batch_conversion", "07_troubleshooting"):
        assert any("<th" in h for h in html), "a result should show as an HTML table with header cells"
