from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from shop import KEY
from sqlalchemy import Engine, func, select

from service.store import Customer, Event


def purchase(**fields: Any) -> dict[str, Any]:
    return {"customer_id": "alice", "article_id": "scarf-red", "event_type": "purchase", **fields}


def count_events(engine: Engine, source: str = "api") -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(Event).where(Event.source == source)
        return int(connection.execute(query).scalar_one())


def test_one_event_is_stored_before_the_answer(client: TestClient, shop: Engine) -> None:
    response = client.post("/events", json=purchase(event_id="p-1", price=19.5), headers=KEY)

    assert response.status_code == 200
    assert response.json() == {
        "stored": 1,
        "duplicates": 0,
        "customers_created": 0,
        "event_ids": ["p-1"],
    }
    assert count_events(shop) == 1


def test_a_batch_is_stored_and_resending_it_stores_nothing(
    client: TestClient, shop: Engine
) -> None:
    batch = [purchase(event_id="b-1"), purchase(event_id="b-2", event_type="view")]

    first = client.post("/events", json=batch, headers=KEY).json()
    again = client.post("/events", json=batch, headers=KEY).json()

    assert (first["stored"], first["duplicates"]) == (2, 0)
    assert (again["stored"], again["duplicates"]) == (0, 2)
    assert count_events(shop) == 2


def test_an_id_repeated_inside_one_batch_is_stored_once(client: TestClient, shop: Engine) -> None:
    body = client.post("/events", json=[purchase(event_id="x")] * 3, headers=KEY).json()

    assert (body["stored"], body["duplicates"]) == (1, 2)
    assert count_events(shop) == 1


def test_events_without_an_id_get_distinct_server_ids(client: TestClient, shop: Engine) -> None:
    body = client.post("/events", json=[purchase(), purchase()], headers=KEY).json()

    assert body["stored"] == 2
    assert len(set(body["event_ids"])) == 2


def test_an_unknown_customer_is_created(client: TestClient, shop: Engine) -> None:
    body = client.post("/events", json=purchase(customer_id="carol"), headers=KEY).json()

    assert body["customers_created"] == 1
    with shop.connect() as connection:
        names = set(connection.execute(select(Customer.external_id)).scalars())
    assert "carol" in names


def test_an_unknown_article_refuses_the_whole_batch_naming_it(
    client: TestClient, shop: Engine
) -> None:
    batch = [purchase(event_id="ok"), purchase(article_id="no-such-thing")]

    response = client.post("/events", json=batch, headers=KEY)

    assert response.status_code == 404
    assert "'no-such-thing'" in response.json()["detail"]
    assert count_events(shop) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (purchase(event_type="buy"), "body.event_type"),
        (purchase(quantity=0), "body.quantity"),
        (purchase(price=-1), "body.price"),
        (purchase(occurred_at="yesterday"), "body.occurred_at"),
        (purchase(occurred_at="1066-10-14T10:00:00"), "body.occurred_at"),
        (purchase(customer_id=""), "body.customer_id"),
        (purchase(customer_id="a\x00b"), "body.customer_id"),
        (purchase(article_id="x" * 129), "body.article_id"),
        (purchase(colour="red"), "body.colour"),
        ({"customer_id": "alice", "event_type": "view"}, "body.article_id"),
        ([purchase(), purchase(event_type="nope")], "body[1].event_type"),
        ([], "body"),
        ("purchase", "body"),
    ],
)
def test_bad_events_get_422_naming_the_field(
    client: TestClient, shop: Engine, body: Any, field: str
) -> None:
    response = client.post("/events", json=body, headers=KEY)

    assert response.status_code == 422
    assert (
        response.json()["detail"].startswith(f"{field}:")
        or f"; {field}:" in (response.json()["detail"])
    )
    assert count_events(shop) == 0


def test_a_batch_over_the_limit_is_refused(client: TestClient) -> None:
    response = client.post("/events", json=[purchase()] * 1001, headers=KEY)

    assert response.status_code == 422
    assert "at most 1000" in response.json()["detail"]


def test_aware_times_are_stored_in_utc(client: TestClient, shop: Engine) -> None:
    client.post("/events", json=purchase(occurred_at="2026-05-01T12:00:00+02:00"), headers=KEY)

    with shop.connect() as connection:
        stored = connection.execute(select(Event.occurred_at).where(Event.source == "api"))
        assert [t.isoformat() for t in stored.scalars()] == ["2026-05-01T10:00:00"]


@pytest.mark.parametrize(
    "headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}], ids=["none", "wrong", "empty"]
)
def test_writing_needs_a_key(client: TestClient, shop: Engine, headers: dict[str, str]) -> None:
    response = client.post("/events", json=purchase(), headers=headers)

    assert response.status_code == 401
    assert count_events(shop) == 0


def test_without_configured_keys_writes_are_refused_saying_why(shop: Engine, settings: Any) -> None:
    from service.api import create_app

    closed = settings.model_copy(update={"atelier_api_keys": ()})
    with TestClient(create_app(closed)) as client:
        response = client.post("/events", json=purchase(), headers=KEY)

    assert response.status_code == 401
    assert "ATELIER_API_KEYS" in response.json()["detail"]
