"""Homes the notebooks run against: a small demo world, and the shared H&M data.

Each home is built once per session by the real pipeline, through the ``atelier`` CLI exactly
as an analyst would build it, so a notebook that runs here runs on a fresh clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

#: A demo world small enough that building it and running every notebook takes a few minutes.
SMALL_WORLD = ("--styles", "150", "--shoppers", "200", "--days", "120")


def atelier(home: Path, *args: str, timeout: float = 1800) -> None:
    """Run one ``atelier`` command with ``ATELIER_HOME=home``; fail the test with its output."""
    env = {**os.environ, "ATELIER_HOME": str(home)}
    env.pop("DATABASE_URL", None)  # the notebooks read the home's own SQLite store
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"atelier {' '.join(args)} failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")


def build_home(home: Path, steps: Sequence[Sequence[str]]) -> Path:
    """Run the pipeline ``steps`` (each an ``atelier`` argument list) into ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    for step in steps:
        atelier(home, *step)
    return home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ATELIER_HOME of a small demo world, built by the whole demo pipeline without serving."""
    home = tmp_path_factory.mktemp("notebooks-demo")
    return build_home(home, [("demo", *SMALL_WORLD, "--no-serve")])


@pytest.fixture(scope="session")
def hm_home(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """ATELIER_HOME holding the shared H&M catalogue, photos and transactions, a tagger trained
    on its photos, their tags, and the graph.
    """
    home = tmp_path_factory.mktemp("notebooks-hm")
    hm = str(shared_data / "hm")
    steps = [
        ("ingest", "hm", hm),
        ("vision", "train", "--source", "hm", "--data", hm),
        ("tag",),
        ("kg", "build"),
    ]
    return build_home(home, steps)
