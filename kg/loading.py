"""Putting a built graph into a store: full bulk rebuilds and incremental article updates."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from kg.build import DEFAULT_CONFIG, BuildConfig, BuildReport, Learner, write_dataset
from kg.namespaces import ATL, GRAPH, SKOS, article_iri
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

# Retailer concepts are the subjects of atl:articleCount (kg.crosswalk writes one per concept).
PROV_GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"

_KNOWN_CONCEPTS = f"""
SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?c <{ATL.articleCount}> ?n }} }}"""

_CONCEPTS_OF = f"""
SELECT DISTINCT ?c WHERE {{ VALUES ?a {{ %s }} GRAPH ?g {{ ?a <{ATL.retailerConcept}> ?c }} }}"""

_RESTAMP = f"""
DELETE {{ GRAPH <{GRAPH}meta> {{ ?g <{PROV_GENERATED}> ?t }} }}
WHERE {{ VALUES ?g {{ %s }} GRAPH <{GRAPH}meta> {{ ?g <{PROV_GENERATED}> ?t }} }}"""

# The count goes to the graph that states the concept (its scheme's); a count stated more
# than once is replaced by one.
_RECOUNT = f"""
DELETE {{ GRAPH ?g {{ ?c <{ATL.articleCount}> ?old }} }}
INSERT {{ GRAPH ?g {{ ?c <{ATL.articleCount}> ?n }} }}
WHERE {{
  {{ SELECT ?c (COUNT(DISTINCT ?a) AS ?n) WHERE {{
      VALUES ?c {{ %s }}
      OPTIONAL {{ GRAPH ?r {{ ?a <{ATL.retailerConcept}> ?c }} }}
    }} GROUP BY ?c }}
  GRAPH ?g {{ ?c <{SKOS}inScheme> ?scheme }}
  OPTIONAL {{ GRAPH ?g {{ ?c <{ATL.articleCount}> ?old }} }}
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
    figures) is deleted from every source graph, then their facts are written again, and the
    graphs written to get the update's time as their ``prov:generatedAtTime``. Concepts and
    mappings of new retailer labels are added; existing ones are left as they are, but the
    article counts of every concept the articles had or have now are counted again.
    """
    vision = list(vision)
    ids = list(dict.fromkeys([a.external_id for a in articles] + [v.external_id for v in vision]))
    known = {row["c"] for row in store.select(_KNOWN_CONCEPTS)}
    touched = _concepts_of(store, ids)
    delete_facts(store, ids)
    buffer = io.StringIO()
    report = write_dataset(
        articles, sales, vision, buffer, config, vocabulary=False, known_concepts=known
    )
    started = time.perf_counter()
    if report.graphs:  # the graphs it wrote to get the update's time, not a second one
        graphs = " ".join(f"<{graph}>" for graph in sorted(report.graphs))
        store.update(_RESTAMP % graphs)
    store.add_nquads(buffer.getvalue().splitlines(keepends=True))
    recount_concepts(store, sorted(touched | _concepts_of(store, ids)))
    report.load_seconds = time.perf_counter() - started
    return report


def recount_concepts(store: GraphStore, concepts: Sequence[str]) -> None:
    """State each retailer concept's article count anew, from the articles that carry it."""
    for start in range(0, len(concepts), DELETE_BATCH):
        chunk = concepts[start : start + DELETE_BATCH]
        store.update(_RECOUNT % " ".join(f"<{iri}>" for iri in chunk))


def _concepts_of(store: GraphStore, external_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(external_ids), DELETE_BATCH):
        chunk = external_ids[start : start + DELETE_BATCH]
        query = _CONCEPTS_OF % " ".join(f"<{article_iri(i)}>" for i in chunk)
        found.update(row["c"] for row in store.select(query))
    return found


def delete_facts(store: GraphStore, external_ids: Sequence[str]) -> None:
    """Delete every statement about the given articles from every Atelier graph."""
    for start in range(0, len(external_ids), DELETE_BATCH):
        chunk = external_ids[start : start + DELETE_BATCH]
        store.update(_DELETE % " ".join(f"<{article_iri(i)}>" for i in chunk))
