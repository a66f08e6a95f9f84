from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, update

from service.api import create_app
from service.api.graph_links import graph_links
from service.graph.stage import build_from_catalogue
from service.graph.stores import open_graph_store
from service.settings import Settings
from service.store import ProductImage


def test_a_product_has_its_card_style_views_and_photos(client: TestClient) -> None:
    body = client.get("/products/coat-navy").json()

    assert body["article_id"] == "coat-navy"
    assert body["name"] == "Wool Coat"
    assert body["category"] == "Coat"
    assert body["colours"] == [{"name": "Navy", "hex": None, "share": None, "basic": None}]
    assert body["style"] == {"catalogue": "shop", "code": "S-COAT", "name": "Wool Coat"}
    assert body["views"]["retailer"]["shop"]["color"] == "Navy"
    assert body["views"]["manufacturer"]["shop"]["fabric"] == "wool 80% polyamide 20%"
    assert body["image_url"] == "/images/coat-navy"
    assert body["images"] == [
        {"url": "/images/coat-navy", "width": 32, "height": 48, "bytes": body["images"][0]["bytes"]}
    ]
    assert body["tags"] == {} and body["vision_model"] is None


def test_an_unknown_product_is_404_naming_it(client: TestClient) -> None:
    response = client.get("/products/nope")

    assert response.status_code == 404
    assert response.json() == {"detail": "article_id 'nope' not in the catalogue"}


def test_the_photo_is_served_as_a_jpeg(client: TestClient) -> None:
    response = client.get("/images/scarf-red")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    from io import BytesIO

    assert Image.open(BytesIO(response.content)).size == (32, 48)


def test_a_missing_photo_number_is_404(client: TestClient) -> None:
    assert client.get("/images/scarf-red/1").status_code == 404
    assert client.get("/images/scarf-red/-1").status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/images/..%2F..%2F..%2Fetc%2Fpasswd",
        "/images/%2Fetc%2Fpasswd",
        "/images/../../etc/passwd",
        "/images/coat-navy/..%2F..%2Fetc%2Fpasswd",
        "/products/..%2F..%2Fetc%2Fpasswd",
        "/images/%00",
    ],
)
def test_paths_cannot_reach_other_files(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code in (404, 422)
    assert b"root:" not in response.content


def test_a_photo_deleted_from_disk_is_404_not_500(client: TestClient, shop: Engine) -> None:
    with shop.begin() as connection:
        connection.execute(update(ProductImage).values(path="/nonexistent/photo.jpg"))

    response = client.get("/images/coat-navy")

    assert response.status_code == 404
    assert "missing from disk" in response.json()["detail"]


@pytest.mark.parametrize(
    "article_id", ["' OR '1'='1", "coat-navy'; DROP TABLE articles; --", "%' OR 1=1 --"]
)
def test_sql_injection_through_the_path_finds_nothing(
    client: TestClient, shop: Engine, article_id: str
) -> None:
    from urllib.parse import quote

    response = client.get(f"/products/{quote(article_id, safe='')}")

    assert response.status_code == 404
    assert client.get("/products/coat-navy").status_code == 200


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_product_carries_its_graph_links_per_view(shop: Engine, settings: Settings) -> None:
    store = open_graph_store(settings)
    try:
        build_from_catalogue(shop, store)
    finally:
        store.close()
    with TestClient(create_app(settings)) as client:
        graph = client.get("/products/coat-navy").json()["graph"]
        evil = graph_links(client.app.state.sparql, "coat-navy> ?p ?o } #")  # type: ignore[attr-defined]

    retailer = {(link["relation"], link["label"]) for link in graph["retailer/shop"]}
    assert {("retailerConcept", "Coat"), ("retailerConcept", "Navy")} <= retailer
    assert "manufacturer/shop" in graph
    assert evil == {}  # the id is percent-encoded into one IRI that matches nothing


def test_without_a_graph_product_links_are_null(client: TestClient) -> None:
    body = client.get("/products/coat-navy").json()

    assert body["graph"] in (None, {})
