"""``notebooks/evaluation.ipynb`` runs top to bottom, so it cannot rot.

It runs the pipeline on the annotated documents, so it needs both the shared
folder and an importable ``pipeline.extract``/``pipeline.export``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from pipeline import gold

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "evaluation.ipynb"


def _shared_missing() -> str:
    try:
        gold.shared_dir()
    except gold.SharedFolderMissing as error:
        return f"{error}; the notebook evaluates on documents there"
    return ""


@pytest.mark.slow
@pytest.mark.skipif(bool(_shared_missing()), reason=_shared_missing() or "shared folder present")
def test_notebook_evaluation_runs_top_to_bottom():
    # Imported here, not at collection, because the pipeline loads its models.
    for module in ("pipeline.extraction", "pipeline.export"):
        try:
            importlib.import_module(module)
        except ImportError as error:
            pytest.skip(f"{module} cannot be imported ({error}); the notebook runs the pipeline")

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
