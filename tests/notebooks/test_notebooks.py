"""Every notebook in ``notebooks/`` runs end to end, and none is committed with outputs."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient


def _load_strip_tool() -> ModuleType:
    """``strip.py`` beside this file (a script, not a package: the suite imports by path)."""
    spec = importlib.util.spec_from_file_location(
        "notebook_strip", Path(__file__).with_name("strip.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


strip_tool = _load_strip_tool()
needs_stripping, stripped = strip_tool.needs_stripping, strip_tool.stripped
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
KERNEL = "python3"
#: Seconds one cell may take; the whole notebook is bounded by the suite's own timeout.
CELL_TIMEOUT = 900
#: Seconds for one demo notebook, the first one including building the demo home with the
#: whole pipeline (about 3 minutes on an idle 2-core machine, much more on a busy one).
DEMO_TIMEOUT = 1800
#: Seconds for one H&M notebook, the first one including building the H&M home (ingest,
#: tagger training, tagging, graph): far beyond the suite's default per-test limit.
HM_TIMEOUT = 5400


def kernel_name() -> str:
    """The ipykernel spec to run notebooks with; ``python`` in it resolves to this interpreter."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.fail(f"no {KERNEL!r} Jupyter kernel: install ipykernel (the dev extra has it)")
    return KERNEL


def execute(
    path: Path,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    cell_timeout: int = CELL_TIMEOUT,
) -> None:
    """Run the notebook at ``path`` in its own folder with ``env`` added to the kernel's."""
    for name in ("ATELIER_HOME", "ATELIER_DATA", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=kernel_name(),
        timeout=cell_timeout,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    keep = os.environ.get("ATELIER_NOTEBOOK_OUTPUTS")
    if keep:  # executed copies for a reader (CI artifacts); never written next to the sources
        Path(keep).mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, Path(keep) / path.name)


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01_recommender_evaluation.ipynb",
        "02_knowledge_graph_analytics.ipynb",
        "03_vision_quality.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    assert not needs_stripping(path), f"run: make strip-notebooks ({path.name} has outputs)"


def test_stripping_removes_outputs_and_counts() -> None:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)
    ]
    cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    notebook.cells = [cell, nbformat.v4.new_markdown_cell("# title")]
    clean = stripped(notebook)
    assert clean.cells[0].outputs == [] and clean.cells[0].execution_count is None
    assert "execution" not in clean.cells[0].metadata
    assert clean.cells[1] == notebook.cells[1]
    assert notebook.cells[0].outputs, "the original is left as it was"


@pytest.mark.timeout(DEMO_TIMEOUT)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo_world(
    path: Path, demo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    execute(path, {"ATELIER_HOME": str(demo_home)}, monkeypatch)


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.timeout(HM_TIMEOUT)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_hm(
    path: Path, hm_home: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"ATELIER_HOME": str(hm_home), "ATELIER_DATA": str(shared_data / "hm")}
    execute(path, env, monkeypatch, cell_timeout=HM_TIMEOUT)
