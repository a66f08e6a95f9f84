"""The graph stage: build the knowledge graph from the catalogue store."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sqlalchemy import Engine

from kg.build import BuildConfig, BuildReport
from kg.loading import build_graph, update_articles
from kg.store import GraphStore
from service.graph.records import read_articles, read_sales, read_vision


def build_from_catalogue(
    engine: Engine,
    store: GraphStore,
    *,
    xkcd_colours: Path | None = None,
    workdir: Path | None = None,
) -> BuildReport:
    """Rebuild the whole graph from the catalogue store's articles, sales and vision results."""
    return build_graph(
        store,
        read_articles(engine),
        read_sales(engine),
        read_vision(engine),
        BuildConfig(xkcd_colours=xkcd_colours),
        workdir=workdir,
    )


def refresh_articles(
    engine: Engine, store: GraphStore, external_ids: Collection[str]
) -> BuildReport:
    """Incrementally replace the facts of some articles (changed feeds or new vision tags)."""
    articles = list(read_articles(engine, external_ids))
    sales = read_sales(engine, external_ids)
    return update_articles(store, articles, sales, read_vision(engine, external_ids))
