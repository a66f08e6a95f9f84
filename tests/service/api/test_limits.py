from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient
from shop import KEY

from service.api import create_app
from service.settings import Settings


def small_app(tmp_path: Path, **settings: object) -> TestClient:
    return TestClient(
        create_app(
            Settings(
                atelier_home=tmp_path,
                atelier_api_keys=(KEY["X-API-Key"],),
                atelier_max_request_bytes=2048,
                **settings,  # type: ignore[arg-type]
            )
        )
    )


def test_a_declared_oversize_body_is_refused_with_413(tmp_path: Path) -> None:
    with small_app(tmp_path) as client:
        response = client.post(
            "/events",
            content=b"[" + b" " * 4096 + b"]",
            headers={**KEY, "content-type": "application/json"},
        )

    assert response.status_code == 413
    assert "2,048 bytes" in response.json()["detail"]


def test_a_streamed_oversize_body_is_refused_with_413(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 1000

    with small_app(tmp_path) as client:
        response = client.post(
            "/events", content=chunks(), headers={**KEY, "content-type": "application/json"}
        )

    assert response.status_code == 413


def test_a_body_under_the_limit_goes_through(tmp_path: Path) -> None:
    with small_app(tmp_path) as client:
        response = client.post(
            "/events", content=b"[]", headers={**KEY, "content-type": "application/json"}
        )

    assert response.status_code == 422  # validated, not refused for size


def test_cors_allows_only_the_configured_origins(tmp_path: Path) -> None:
    with small_app(tmp_path, atelier_cors_origins=("https://shop.example",)) as client:
        allowed = client.get("/health", headers={"Origin": "https://shop.example"})
        other = client.get("/health", headers={"Origin": "https://evil.example"})
        preflight = client.options(
            "/events",
            headers={
                "Origin": "https://shop.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "X-API-Key, Content-Type",
            },
        )

    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200


def test_without_configured_origins_no_cors_headers_are_sent(tmp_path: Path) -> None:
    with small_app(tmp_path) as client:
        response = client.get("/health", headers={"Origin": "https://shop.example"})

    assert "access-control-allow-origin" not in response.headers
