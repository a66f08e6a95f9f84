"""Putting a built graph into a store: full bulk rebuilds and incremental article updates."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.build import DEFAULT_CONFIG, BuildConfig, BuildReport, Learner, write_dataset
from kg.namespaces import GRAPH, article_iri
from kg.records import ArticleRecord, SalesRecord, VisionRecord
from kg.store import GraphStore

#: Articles per DELETE request of an incremental update.
DELETE_BATCH = 200

_DELETE = f"""
DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{
  VALUES ?a {{ %s }}
  GRAPH ?g {{
    {{ ?a ?p ?o BIND(?a AS ?s) }}
    UNION {{ ?a ?link ?s . FILTER(STRSTARTS(STR(?s), CONCAT(STR(?a), "/"))) ?s ?p ?o }}
  }}
  FILTER(STRSTARTS(STR(?g), "{GRAPH}"))
}}"""


def build_graph(
    store: GraphStore,
    articles: Iterable[ArticleRecord],
    sales: Iterable[SalesRecord] = (),
    vision: Iterable[VisionRecord] = (),
    config: BuildConfig = DEFAULT_CONFIG,
    workdir: Path | None = None,
    learner: Learner | None = None,
) -> BuildReport:
    """Rebuild the whole graph: its N-Quads written and bulk-loaded at once.

    The store loads the statements while they are written where it can (pyoxigraph on disk
    or in memory: :meth:`kg.store.EmbeddedStore.replacing`) and keeps what it held when the
    build fails.

    Args:
        store: The store to replace the contents of.
        articles: The catalogue.
        sales: Units sold per article and season.
        vision: Vision results.
        config: Build options.
        workdir: Folder for temporary files (the system's temp folder when None).
        learner: What learns from the purchases beside the build (:class:`kg.build.Learner`):
            its statements are loaded with the graph's.

    Returns:
        The build's report: ``write_seconds`` until the last statement was written,
        ``load_seconds`` the wait for the store to take them after that.
    """
    with store.replacing(workdir) as handle:
        report = write_dataset(articles, sales, vision, handle, config, learner=learner)
        started = time.perf_counter()
    report.load_seconds = time.perf_counter() - started
    return report


def update_articles(
    store: GraphStore,
    articles: Sequence[ArticleRecord],
    sales: Iterable[SalesRecord] = (),
    vision: Iterable[VisionRecord] = (),
    config: BuildConfig = DEFAULT_CONFIG,
) -> BuildReport:
    """Replace the facts of some articles (new, changed or re-tagged) without a rebuild.

    Every statement about the articles (and the nodes hanging off them: colours, tags, sales
    figures) is deleted from every source graph, then their facts are written again. Concepts
    and mappings of new retailer labels are added; existing ones are left as they are.
    """
    vision = list(vision)
    ids = list(dict.fromkeys([a.external_id for a in articles] + [v.external_id for v in vision]))
    delete_facts(store, ids)
    buffer = io.StringIO()
    report = write_dataset(articles, sales, vision, buffer, config, vocabulary=False)
    started = time.perf_counter()
    store.add_nquads(buffer.getvalue().splitlines(keepends=True))
    report.load_seconds = time.perf_counter() - started
    return report


def delete_facts(store: GraphStore, external_ids: Sequence[str]) -> None:
    """Delete every statement about the given articles from every Atelier graph."""
    for start in range(0, len(external_ids), DELETE_BATCH):
        chunk = external_ids[start : start + DELETE_BATCH]
        store.update(_DELETE % " ".join(f"<{article_iri(i)}>" for i in chunk))
