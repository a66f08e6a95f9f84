"""A tiny shop for the API tests: six articles with photos, two shoppers, a few events.

Every API test runs on both store backends through the ``store_url`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shop import API_KEY, build_shop, publish_model
from sqlalchemy import Engine

from service.api import create_app
from service.ingest import run_ingest
from service.ingest.generic import ingest_folder
from service.settings import Settings
from service.store import create_store_engine


@pytest.fixture
def shop(store_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The store at ``store_url`` with the shop loaded."""
    engine = create_store_engine(store_url)
    folder = build_shop(tmp_path / "shop")
    run_ingest(engine, "items", {}, lambda c: ingest_folder(c, folder, "shop"))
    yield engine
    engine.dispose()


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    """Settings of an app on the shop's store, with one API key."""
    return Settings(
        atelier_home=tmp_path / "home", database_url=store_url, atelier_api_keys=(API_KEY,)
    )


@pytest.fixture
def client(shop: Engine, settings: Settings) -> Iterator[TestClient]:
    """A client of an app serving the shop."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="session")
def shop_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The recommender trained once on the shop's history (an ``ATELIER_HOME`` with models/)."""
    home = tmp_path_factory.mktemp("trained-home")
    publish_model(home)
    return home


@pytest.fixture
def trained(shop: Engine, settings: Settings, shop_model: Path) -> Iterator[TestClient]:
    """A client of an app serving the shop with a trained model."""
    import shutil

    shutil.copytree(shop_model / "models", settings.atelier_home / "models")
    with TestClient(create_app(settings)) as client:
        yield client
