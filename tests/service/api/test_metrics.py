from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from shop import KEY


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = client.get("/metrics").text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_latency_is_observed_per_route_template(client: TestClient) -> None:
    client.get("/products/coat-navy")
    client.get("/products/jeans-blue")
    client.get("/products/nope")

    seen = samples(client)

    ok = ("method", "GET"), ("route", "/products/{article_id}"), ("status", "200")
    missing = ("method", "GET"), ("route", "/products/{article_id}"), ("status", "404")
    assert seen[("atelier_http_request_duration_seconds_count", ok)] == 2
    assert seen[("atelier_http_request_duration_seconds_count", missing)] == 1


def test_events_stored_and_duplicates_are_counted(client: TestClient) -> None:
    event = {"event_id": "m1", "customer_id": "a", "article_id": "tee-white", "event_type": "cart"}
    client.post("/events", json=[event, event], headers=KEY)

    seen = samples(client)

    assert seen[("atelier_events_stored_total", (("outcome", "stored"),))] == 1
    assert seen[("atelier_events_stored_total", (("outcome", "duplicate"),))] == 1


def test_the_exposition_is_prometheus_text(client: TestClient) -> None:
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
