from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from shop import KEY
from sqlalchemy import Engine

from recommender.serving import Shelves
from service.api import create_app
from service.settings import Settings


def ids(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [item["article_id"] for item in body["items"]]


def test_a_shelf_carries_scores_reasons_and_what_renders_it(trained: TestClient) -> None:
    body = trained.get("/recommend/bob?k=3").json()

    assert body["shelf"] == "recommend" and body["subject"] == "bob"
    assert body["cold_start"] is False and body["fallback"] is False
    assert body["model_version"] == "v1"
    first = body["items"][0]
    assert set(first) >= {"article_id", "score", "reason", "name", "image_url", "colours"}
    assert first["image_url"] == f"/images/{first['article_id']}"
    assert first["reason"]


def test_after_a_coat_come_its_complements_not_another_coat(trained: TestClient) -> None:
    items = trained.get("/recommend/bob?k=2").json()["items"]

    assert {i["article_id"] for i in items} == {"scarf-red", "boots-black"}


def test_a_purchase_just_posted_changes_the_next_shelf(trained: TestClient) -> None:
    before = ids(trained.get("/recommend/dora?k=3").json())
    trained.post(
        "/events",
        json={"customer_id": "dora", "article_id": "coat-camel", "event_type": "purchase"},
        headers=KEY,
    )
    after = trained.get("/recommend/dora?k=2").json()

    assert "coat-navy" in before or "coat-camel" in before
    assert after["cold_start"] is False
    assert set(ids(after)) == {"scarf-red", "boots-black"}
    assert all(i["reason"].startswith("goes with the coat you bought") for i in after["items"])


def test_an_unknown_shopper_gets_a_full_cold_start_shelf(trained: TestClient) -> None:
    body = trained.get("/recommend/never-seen-before?k=6").json()

    assert body["cold_start"] is True
    assert len(body["items"]) == 6


def test_exclude_and_include_filter_the_shelf(trained: TestClient) -> None:
    excluded = ids(trained.get("/recommend/bob?k=6&exclude=scarf-red,boots-black").json())
    included = ids(trained.get("/recommend/bob?k=6&include=jeans-blue&include=tee-white").json())

    assert "scarf-red" not in excluded and "boots-black" not in excluded and excluded
    assert set(included) <= {"jeans-blue", "tee-white"} and included


def test_a_category_filter_keeps_only_that_category(trained: TestClient) -> None:
    body = trained.get("/recommend/alice?k=6&category=scarf").json()

    assert ids(body) == ["scarf-red"]


def test_an_unknown_category_gives_an_empty_shelf_not_an_error(trained: TestClient) -> None:
    response = trained.get("/recommend/alice?category=spacesuit")

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_rebuy_offers_what_is_bought_again(trained: TestClient) -> None:
    body = trained.get("/rebuy/alice").json()

    assert body["shelf"] == "rebuy"
    assert ids(body) == ["tee-white"]


def test_similar_gives_the_other_colourway(trained: TestClient) -> None:
    assert ids(trained.get("/similar/coat-navy").json()) == ["coat-camel"]


def test_complements_of_a_coat(trained: TestClient) -> None:
    assert set(ids(trained.get("/complements/coat-navy").json())) == {"scarf-red", "boots-black"}


@pytest.mark.parametrize("route", ["/similar/nope", "/complements/nope"])
def test_an_unknown_article_is_404(trained: TestClient, route: str) -> None:
    response = trained.get(route)

    assert response.status_code == 404
    assert "'nope'" in response.json()["detail"]


@pytest.mark.parametrize("query", ["k=0", "k=101", "k=x", "exclude=%00", "category="])
def test_bad_parameters_are_422_naming_them(trained: TestClient, query: str) -> None:
    response = trained.get(f"/recommend/bob?{query}")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("query.")


def test_without_a_model_the_best_sellers_answer_flagged(client: TestClient) -> None:
    body = client.get("/recommend/bob?k=4").json()

    assert body["fallback"] is True and body["model_version"] is None
    assert len(body["items"]) == 4
    assert body["items"][0]["article_id"] in {"tee-white", "coat-navy"}  # the two purchases


@pytest.mark.parametrize("route", ["/rebuy/bob", "/similar/coat-navy", "/complements/coat-navy"])
def test_without_a_model_other_shelves_are_503(client: TestClient, route: str) -> None:
    response = client.get(route)

    assert response.status_code == 503
    assert "no recommendation model" in response.json()["detail"]


def test_recommendations_are_counted(trained: TestClient) -> None:
    trained.get("/recommend/bob")
    trained.get("/recommend/nobody")

    text = trained.get("/metrics").text

    assert 'atelier_recommendations_served_total{cold_start="false",shelf="recommend"} 1.0' in text
    assert 'atelier_recommendations_served_total{cold_start="true",shelf="recommend"} 1.0' in text
    assert 'atelier_model_info{version="v1"} 1.0' in text


@pytest.mark.parametrize(
    "evil", ["' OR '1'='1", "bob'; DROP TABLE events; --", 'bob" OR 1=1 --', "%", "_"]
)
def test_sql_injection_through_ids_and_filters_finds_nothing(
    trained: TestClient, evil: str
) -> None:
    from urllib.parse import quote

    quoted = quote(evil, safe="")
    shelf = trained.get(f"/recommend/{quoted}?exclude={quoted}&category={quoted}")
    history = trained.get(f"/customers/{quoted}/history").json()

    assert shelf.status_code == 200 and shelf.json()["items"] == []  # no such category
    assert history["known"] is False and history["events"] == []
    assert trained.get("/customers/bob/history").json()["events"]  # tables intact


class _Gated:
    """A served model whose shelves wait at a gate and note the thread that computes them."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.entered, self.gate = threading.Event(), threading.Event()
        self.threads: set[str] = set()

    def recommend(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.add(threading.current_thread().name)
        self.entered.set()
        assert self.gate.wait(timeout=30)
        return self._model.recommend(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def test_shelves_are_computed_off_the_event_loop_in_one_lane(
    shop: Engine, settings: Settings, shop_model: Path
) -> None:
    shutil.copytree(shop_model / "models", settings.atelier_home / "models")
    gated: list[_Gated] = []

    def load(folder: Path) -> _Gated:
        gated.append(_Gated(Shelves.load(folder)))
        return gated[-1]

    with TestClient(create_app(settings, model_loader=load)) as client:
        pool = ThreadPoolExecutor(max_workers=2)
        first = pool.submit(client.get, "/recommend/bob?k=2")
        second = pool.submit(client.get, "/recommend/alice?k=2")
        assert gated[-1].entered.wait(timeout=30)

        health = client.get("/health")  # answered while a shelf is being computed
        assert health.status_code == 200
        assert not first.done() and not second.done()
        gated[-1].gate.set()

        assert first.result(timeout=30).status_code == 200
        assert second.result(timeout=30).status_code == 200
        pool.shutdown()
    assert len(gated[-1].threads) == 1
    assert gated[-1].threads.pop().startswith("shelves")
