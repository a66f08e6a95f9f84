"""Tiny inline catalogue the kg tests build graphs from."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from oxigraph_server import OxigraphServer, serve_oxigraph

from kg.build import BuildReport, write_dataset
from kg.records import (
    ArticleRecord,
    FeedRecord,
    SalesRecord,
    VisionColourRecord,
    VisionRecord,
    VisionTagRecord,
)
from kg.store import EmbeddedStore, RemoteConfig, RemoteStore

TEE_FEED = {"category": "Tees", "color": "Black", "fit": "Boxy"}


def demo_articles() -> list[ArticleRecord]:
    """Three articles of a made-up retailer using the demo profile, two with maker data."""
    navy_dye = {"dye_code": "DY-1", "dye_lab_l": "20", "dye_lab_a": "2", "dye_lab_b": "-25"}
    return [
        ArticleRecord(
            "A1",
            "demo",
            "S1",
            "Slim jeans",
            (
                FeedRecord("retailer", "demo", {"category": "Denim > Jeans", "color": "Ink"}),
                FeedRecord(
                    "manufacturer",
                    "demo",
                    {**navy_dye, "fabric_composition": "98% cotton, 2% elastane"},
                ),
            ),
        ),
        ArticleRecord(
            "A2",
            "demo",
            "S2",
            "Tee",
            (
                FeedRecord(
                    "retailer", "demo", {"category": "Tees", "color": "Black", "fit": "Boxy"}
                ),
            ),
        ),
        ArticleRecord(
            "A3",
            "demo",
            "S2",
            "Tee",
            (FeedRecord("retailer", "demo", {"category": "Tees", "pattern": "Stripe"}),),
        ),
    ]


def demo_vision() -> list[VisionRecord]:
    """Vision saw A2 as dark blue, not black."""
    colour = VisionColourRecord(0, "dark blue", "blue", 0.8, (25.0, 5.0, -30.0))
    tag = VisionTagRecord("category", "t-shirt", 0.9, True)
    return [VisionRecord("A2", "v1", (colour,), (tag,))]


def demo_sales() -> list[SalesRecord]:
    """A2 sold well in summer, A1 in winter."""
    return [SalesRecord("A2", "summer", 7, "demo"), SalesRecord("A1", "winter", 3, "demo")]


def build_tiny() -> tuple[ox.Store, BuildReport]:
    """An in-memory store holding the tiny catalogue's graph."""
    buffer = io.StringIO()
    report = write_dataset(demo_articles(), demo_sales(), demo_vision(), buffer)
    store = ox.Store()
    store.bulk_load(buffer.getvalue().encode(), ox.RdfFormat.N_QUADS)
    return store, report


Catalogue = tuple[list[ArticleRecord], list[SalesRecord], list[VisionRecord]]


@pytest.fixture
def catalogue() -> Catalogue:
    """The tiny catalogue's articles, sales and vision results."""
    return demo_articles(), demo_sales(), demo_vision()


@pytest.fixture(scope="module")
def tiny() -> tuple[ox.Store, BuildReport]:
    """The tiny catalogue's graph, built once per module."""
    return build_tiny()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real ``oxigraph serve`` for the session (skips when the CLI is not installed)."""
    yield from serve_oxigraph(tmp_path_factory.mktemp("oxigraph"))


@pytest.fixture(params=["embedded", "remote"])
def any_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[EmbeddedStore | RemoteStore]:
    """An empty store: pyoxigraph on disk, then a remote ``oxigraph serve``."""
    if request.param == "embedded":
        store: EmbeddedStore | RemoteStore = EmbeddedStore(tmp_path / "graph")
    else:
        server: OxigraphServer = request.getfixturevalue("oxigraph_server")
        config = RemoteConfig(server.query_url, server.update_url, server.store_url)
        store = RemoteStore(config)
        store.update("CLEAR ALL")
    yield store
    store.close()
