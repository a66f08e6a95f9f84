"""Fixtures shared by the whole suite: real data location and catalogue stores."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_server import PostgresServer, find_bin_dir
from sqlalchemy import Engine

from service.store import create_store_engine, upgrade

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ATELIER_SHARED_DATA", REPO.parent / "shared" / "data"))

_databases = itertools.count()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real fashion data); tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA} (see ../shared/data/README.md)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server on loopback for the whole session."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs Debian's postgresql")
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    server = PostgresServer(bin_dir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty catalogue store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalogue.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"test_{next(_databases)}")


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """A migrated, empty catalogue store on each backend."""
    engine = create_store_engine(store_url)
    upgrade(engine)
    yield engine
    engine.dispose()
