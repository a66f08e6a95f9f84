"""The app on a small knowledge graph, on the embedded store or on a real ``oxigraph serve``.

Shared by the SPARQL Protocol and Graph Store Protocol tests: three articles of one retailer
feed and one sales figure, in their named graphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from oxigraph_server import OxigraphServer

from kg.loading import build_graph
from kg.namespaces import graph_iri
from kg.records import ArticleRecord, FeedRecord, SalesRecord
from kg.store import EmbeddedStore, RemoteConfig, RemoteStore
from service.api import create_app
from service.settings import Settings

TOKEN = "s3cret-update-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RETAILER = graph_iri("retailer", "shop")
SALES = graph_iri("sales", "shop")


def catalogue() -> tuple[list[ArticleRecord], list[SalesRecord]]:
    """Three jeans of one shop, one of them sold twice in winter."""
    feed = {"category": "Jeans", "color": "Navy"}
    articles = [
        ArticleRecord(
            f"P{i}", "shop", f"S{i}", f"Item {i}", (FeedRecord("retailer", "shop", feed),)
        )
        for i in range(3)
    ]
    return articles, [SalesRecord("P0", "winter", 2, "shop")]


def app_settings(home: Path, **extra: object) -> Settings:
    """Settings with the update token, a 2 s timeout and a 200 kB result limit."""
    settings: dict[str, object] = {
        "sparql_update_token": TOKEN,
        "sparql_timeout_s": 2.0,
        "sparql_max_result_bytes": 200_000,
        **extra,
    }
    return Settings(
        atelier_home=home,
        database_url=f"sqlite:///{home / 'catalogue.db'}",
        **settings,  # type: ignore[arg-type]
    )


@contextmanager
def graph_app(
    home: Path, server: OxigraphServer | None, build: bool = True, **extra: object
) -> Iterator[TestClient]:
    """A client of the app on the catalogue's graph: remote when ``server`` is given."""
    articles, sales = catalogue()
    remote: dict[str, object] = {}
    if server is None:
        if build:
            store = EmbeddedStore(home / "graph")
            build_graph(store, articles, sales, workdir=home)
            store.close()
    else:
        if build:
            config = RemoteConfig(server.query_url, server.update_url, server.store_url)
            remote_store = RemoteStore(config)
            build_graph(remote_store, articles, sales, workdir=home)
            remote_store.close()
        remote = {
            "sparql_query_url": server.query_url,
            "sparql_update_url": server.update_url,
            "sparql_store_url": server.store_url,
        }
    with TestClient(create_app(app_settings(home, **(remote | extra)))) as client:
        yield client
