"""Fixtures of the ingestion tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_samples import HM_ARTICLES, HM_CUSTOMERS, HM_TRANSACTIONS, photo, write
from sqlalchemy import Engine

from service.ingest import IngestOptions, IngestReport, run_ingest
from service.ingest.run import Step


@pytest.fixture
def hm_folder(tmp_path: Path) -> Path:
    """A tiny H&M dataset: 3 articles in 2 styles, 2 customers, 5 transactions, 2 photos."""
    folder = tmp_path / "hm"
    write(folder / "articles.csv", HM_ARTICLES)
    write(folder / "customers.csv", HM_CUSTOMERS)
    write(folder / "transactions_train.csv", HM_TRANSACTIONS)
    photo(folder / "images" / "010" / "0108775015.jpg")
    photo(folder / "images" / "011" / "0110065001.jpg")
    return folder


@pytest.fixture
def ingest(engine: Engine) -> Callable[..., IngestReport]:
    """Run one ingestion step on the test store."""

    def run(step: Step, strict: bool = False, chunk_rows: int = 2) -> IngestReport:
        # Two-row chunks exercise every chunk boundary on tiny inputs.
        return run_ingest(engine, "test", {}, step, IngestOptions(strict, chunk_rows))

    return run
