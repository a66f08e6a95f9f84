from __future__ import annotations

from fastapi.testclient import TestClient
from shop import KEY


def test_shoppers_with_purchases_come_first(client: TestClient) -> None:
    shoppers = client.get("/customers").json()

    assert shoppers == [
        {"customer_id": "alice", "purchases": 1, "events": 2},
        {"customer_id": "bob", "purchases": 1, "events": 1},
    ]


def test_history_is_newest_first_with_cards(client: TestClient) -> None:
    body = client.get("/customers/alice/history").json()

    assert body["known"] is True
    assert [(e["event_type"], e["article"]["article_id"]) for e in body["events"]] == [
        ("view", "jeans-blue"),
        ("purchase", "tee-white"),
    ]
    assert body["events"][0]["article"]["image_url"] == "/images/jeans-blue"


def test_an_event_posted_now_heads_the_history(client: TestClient) -> None:
    client.post(
        "/events",
        json={"customer_id": "alice", "article_id": "scarf-red", "event_type": "cart"},
        headers=KEY,
    )

    first = client.get("/customers/alice/history?limit=1").json()["events"]

    assert [(e["event_type"], e["article"]["article_id"]) for e in first] == [("cart", "scarf-red")]


def test_an_unknown_shopper_has_an_empty_history(client: TestClient) -> None:
    assert client.get("/customers/nobody/history").json() == {
        "customer_id": "nobody",
        "known": False,
        "events": [],
    }
