"""The graph stage: build the knowledge graph from the catalogue store."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

from sqlalchemy import Engine

from kg.build import BuildConfig, BuildReport, Learner
from kg.loading import build_graph, update_articles
from kg.records import SalesRecord
from kg.store import GraphStore
from service.graph.records import read_articles, read_sales, read_vision


def build_from_catalogue(
    engine: Engine,
    store: GraphStore,
    *,
    xkcd_colours: Path | None = None,
    workdir: Path | None = None,
    learner: Learner | None = None,
    sales: Iterable[SalesRecord] | None = None,
) -> BuildReport:
    """Rebuild the whole graph from the catalogue store's articles, sales and vision results
    (and what ``learner`` learns beside it: :class:`service.graph.mining.LearnAlongside`).

    Args:
        engine: The catalogue store.
        store: The graph store whose contents are replaced.
        xkcd_colours: The XKCD colour names' file, for retailer colour names' Lab mapping.
        workdir: Folder for temporary files.
        learner: What learns from the purchases beside the build.
        sales: The sales figures, when the caller reads them already
            (:meth:`service.graph.mining.PendingPurchases.sales`); read here when None.
    """
    return build_graph(
        store,
        read_articles(engine),
        read_sales(engine) if sales is None else sales,
        read_vision(engine),
        BuildConfig(xkcd_colours=xkcd_colours),
        workdir=workdir,
        learner=learner,
    )


def refresh_articles(
    engine: Engine, store: GraphStore, external_ids: Collection[str]
) -> BuildReport:
    """Incrementally replace the facts of some articles (changed feeds or new vision tags)."""
    articles = list(read_articles(engine, external_ids))
    sales = read_sales(engine, external_ids)
    return update_articles(store, articles, sales, read_vision(engine, external_ids))
