from __future__ import annotations

from fastapi.testclient import TestClient

from service.api import create_app
from service.settings import Settings


def test_health_answers_ok(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(Settings(atelier_home=tmp_path))) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
