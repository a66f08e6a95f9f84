"""Tiny inline catalogue the kg tests build graphs from."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from kg.build import BuildReport, write_dataset
from kg.records import (
    ArticleRecord,
    FeedRecord,
    SalesRecord,
    VisionColourRecord,
    VisionRecord,
    VisionTagRecord,
)

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


@pytest.fixture(scope="module")
def tiny() -> tuple[ox.Store, BuildReport]:
    """The tiny catalogue's graph, built once per module."""
    return build_tiny()
