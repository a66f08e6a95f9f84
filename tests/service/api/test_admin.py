from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import free_port, start_server
from shop import KEY, publish_model
from sqlalchemy import Engine

import service.api.model_slot
from service.api import create_app
from service.settings import Settings


def test_reload_swaps_in_a_newly_trained_model(trained: TestClient, settings: Settings) -> None:
    publish_model(settings.atelier_home, "v2", model="popularity")

    response = trained.post("/admin/reload", headers=KEY)

    assert response.json() == {"version": "v2", "changed": True}
    assert trained.get("/recommend/bob").json()["model_version"] == "v2"
    assert 'atelier_model_info{version="v2"} 1.0' in trained.get("/metrics").text


def test_a_corrupt_artifact_is_rejected_and_the_old_model_keeps_serving(
    trained: TestClient, settings: Settings
) -> None:
    folder = publish_model(settings.atelier_home, "v2")
    (folder / "items.json").write_text("[not json")

    response = trained.post("/admin/reload", headers=KEY)

    assert response.status_code == 503
    assert "'v2' rejected" in response.json()["detail"]
    assert "still serving 'v1'" in response.json()["detail"]
    shelf = trained.get("/recommend/bob").json()
    assert shelf["model_version"] == "v1" and shelf["fallback"] is False
    ready = trained.get("/ready")
    assert ready.status_code == 200
    assert "'v2' rejected" in ready.json()["checks"]["model"]["detail"]


def test_a_half_written_artifact_is_rejected(trained: TestClient, settings: Settings) -> None:
    folder = publish_model(settings.atelier_home, "v2")
    (folder / "manifest.json").unlink()

    assert trained.post("/admin/reload", headers=KEY).status_code == 503
    assert trained.get("/recommend/bob").json()["model_version"] == "v1"


def test_reloading_the_same_version_changes_nothing(trained: TestClient) -> None:
    assert trained.post("/admin/reload", headers=KEY).json() == {"version": "v1", "changed": False}


def test_reload_needs_a_key(trained: TestClient) -> None:
    assert trained.post("/admin/reload").status_code == 401


def test_a_model_trained_after_start_is_picked_up_without_restart(
    shop: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service.api.model_slot, "RETRY_SECONDS", 0.0)
    with TestClient(create_app(settings)) as client:
        before = client.get("/ready").status_code
        publish_model(settings.atelier_home, "v1")
        after = client.get("/ready").status_code
        shelf = client.get("/recommend/bob").json()

    assert (before, after) == (503, 200)
    assert shelf["fallback"] is False and shelf["model_version"] == "v1"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_sighup_reloads_the_model_in_a_running_server(
    shop: Engine, settings: Settings, shop_model: Path, tmp_path: Path
) -> None:
    shutil.copytree(shop_model / "models", settings.atelier_home / "models")
    port = free_port()
    server = start_server(settings, port, tmp_path / "server.log")
    try:
        before = httpx.get(f"http://127.0.0.1:{port}/recommend/bob").json()["model_version"]
        publish_model(settings.atelier_home, "v2", model="popularity")
        server.send_signal(signal.SIGHUP)
        deadline, after = time.monotonic() + 30, before
        while after == before and time.monotonic() < deadline:
            time.sleep(0.2)
            after = httpx.get(f"http://127.0.0.1:{port}/recommend/bob").json()["model_version"]
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert (before, after) == ("v1", "v2")
