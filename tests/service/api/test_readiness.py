from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from postgres_server import PostgresServer

import service.api.resources
from service.api import create_app
from service.settings import Settings

EVENT = {"customer_id": "c", "article_id": "a", "event_type": "view"}


def test_ready_names_the_missing_model(client: TestClient) -> None:
    response = client.get("/ready")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["store"]["ok"] is True
    assert checks["graph"] == {"ok": True, "detail": "graph store open (QueryWorker)"}
    assert checks["model"]["ok"] is False
    assert "models/current does not exist" in checks["model"]["detail"]


@pytest.fixture
def retry_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service.api.resources, "SCHEMA_RETRY_SECONDS", 0.0)


def outage_then_recovery(settings: Settings, restore: object) -> dict[str, int]:
    """Status codes while the store is down and after ``restore()`` brings it back."""
    seen = {}
    with TestClient(create_app(settings)) as client:
        seen["ready down"] = client.get("/ready").status_code
        seen["product down"] = client.get("/products/anything").status_code
        seen["event down"] = client.post(
            "/events", json=EVENT, headers={"X-API-Key": "k"}
        ).status_code
        seen["health down"] = client.get("/health").status_code
        restore()  # type: ignore[operator]
        seen["store check up"] = int(client.get("/ready").json()["checks"]["store"]["ok"])
        seen["product up"] = client.get("/products/anything").status_code
    return seen


EXPECTED = {
    "ready down": 503,
    "product down": 503,
    "event down": 503,
    "health down": 200,
    "store check up": 1,
    "product up": 404,  # answered from the (empty) store again
}


def test_sqlite_outage_is_503_and_the_app_recovers_without_restart(
    tmp_path: Path, retry_at_once: None
) -> None:
    # A folder where the database file should be: SQLite cannot open it, like a lost volume.
    database = tmp_path / "store" / "catalogue.db"
    database.mkdir(parents=True)
    settings = Settings(
        atelier_home=tmp_path, database_url=f"sqlite:///{database}", atelier_api_keys=("k",)
    )

    assert outage_then_recovery(settings, lambda: shutil.rmtree(database)) == EXPECTED


@pytest.mark.postgres
def test_postgres_outage_is_503_and_the_app_recovers_without_restart(
    tmp_path: Path, postgres: PostgresServer, retry_at_once: None
) -> None:
    # The database does not exist until the "outage" ends.
    url = postgres.url("outage_then_back")
    settings = Settings(atelier_home=tmp_path, database_url=url, atelier_api_keys=("k",))

    seen = outage_then_recovery(settings, lambda: postgres.create_database("outage_then_back"))

    assert seen == EXPECTED


def test_a_down_store_names_the_reason(tmp_path: Path, retry_at_once: None) -> None:
    database = tmp_path / "catalogue.db"
    database.mkdir()
    settings = Settings(atelier_home=tmp_path, database_url=f"sqlite:///{database}")
    with TestClient(create_app(settings)) as client:
        body = client.get("/ready").json()

    assert body["status"] == "unavailable"
    assert body["checks"]["store"]["detail"].startswith("catalogue store unavailable: ")
