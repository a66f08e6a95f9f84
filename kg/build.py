"""Building the whole graph: records in, N-Quads out, bulk-loaded into a store.

One pass over the articles writes their facts and collects the retailer concepts; then the
schemes, the mappings and the platform facts those mappings imply are written; then sales,
vision results and the provenance of every named graph. The output is plain N-Quads, which
pyoxigraph bulk-loads far faster than any statement-by-statement insertion.
"""

from __future__ import annotations

import time
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TextIO

from kg import nquads as nq
from kg.crosswalk import ConceptWriter
from kg.facts import (
    TYPE,
    Emit,
    article_facts,
    dye_lab,
    manufacturer_facts,
    p,
    sales_facts,
    vision_category,
    vision_facts,
)
from kg.learned import PurchaseContext, built_context
from kg.mappings import colour_lexicon, declared_mappings
from kg.namespaces import ATL, article_iri, graph_iri
from kg.palette import Palette, load_palette
from kg.profiles import profile_for
from kg.records import ArticleRecord, SalesRecord, VisionRecord
from kg.report import BuildReport
from kg.schemes import ConceptKey, SchemeCollector
from kg.vocabulary import write_vocabulary

__all__ = ["DEFAULT_CONFIG", "BuildConfig", "BuildReport", "Learner", "write_dataset"]


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """Options of a build.

    Attributes:
        xkcd_colours: XKCD colour-name table (``name,hex``), read at build time so that real
            catalogues' colour names ("Light Beige", "Navy Blue") find a Lab; None: ISCC-NBS
            names and manufacturer dyes only.
        built_at: Timestamp recorded on every graph; now when None.
    """

    xkcd_colours: Path | None = None
    built_at: datetime | None = None


DEFAULT_CONFIG = BuildConfig()


class Learner(Protocol):
    """What learns from the purchases while the graph is built (the learn step of a full
    build: complements mined from the purchases), so that the two share the cores and one
    bulk load.
    """

    def articles_known(self, context: PurchaseContext) -> None:
        """Each article's category and style, once the build knows them (learning may start)."""
        ...

    def statements(self) -> Iterable[str]:
        """What was learned, as N-Quads lines (waits for the learning to end)."""
        ...


RETAILER_CONCEPT = p(ATL.retailerConcept)


@lru_cache(maxsize=65536)
def concept_term(key: ConceptKey) -> str:
    """A retailer concept's IRI as an N-Quads term (formatted once per concept)."""
    return nq.iri(key.iri)


class QuadWriter:
    """Buffers N-Quads lines and counts them."""

    def __init__(self, handle: TextIO) -> None:
        self.handle, self.count, self._lines = handle, 0, list[str]()

    def emit(self, subject: str, predicate: str, obj: str, graph: str) -> None:
        """Write one statement (terms already formatted)."""
        self._lines.append(f"{subject} {predicate} {obj} {graph} .\n")
        if len(self._lines) >= 50_000:
            self.flush()

    def write_lines(self, lines: Iterable[str]) -> None:
        """Write statements already formatted as N-Quads lines."""
        for line in lines:
            self._lines.append(line)
            if len(self._lines) >= 50_000:
                self.flush()

    def flush(self) -> None:
        """Write the buffered lines out."""
        self.count += len(self._lines)
        self.handle.writelines(self._lines)
        self._lines.clear()


def write_dataset(
    articles: Iterable[ArticleRecord],
    sales: Iterable[SalesRecord],
    vision: Iterable[VisionRecord],
    handle: TextIO,
    config: BuildConfig = DEFAULT_CONFIG,
    *,
    vocabulary: bool = True,
    learner: Learner | None = None,
    known_concepts: Container[str] = frozenset(),
) -> BuildReport:
    """Write the whole graph as N-Quads to ``handle``.

    Args:
        articles: The catalogue, each article with its feeds' records.
        sales: Units sold per article and season.
        vision: Vision results per article and model version.
        handle: Where the N-Quads go.
        config: Build options.
        vocabulary: Include the bundled vocabularies (False for incremental updates).
        learner: What learns from the purchases beside the build: told each article's
            category once they are known, its statements written last.
        known_concepts: IRIs of retailer concepts the graph states already (an incremental
            update): their scheme and mapping statements are not written again.

    Returns:
        Counts, the unmapped retailer concepts and the graphs written (write time only).
    """
    started = time.perf_counter()
    writer, report = QuadWriter(handle), BuildReport()
    palette = load_palette()
    if vocabulary:
        write_vocabulary(writer.emit)
    concepts = ConceptWriter(
        palette,
        declared_mappings(),
        colour_lexicon(palette, config.xkcd_colours),
        known_concepts,
    )
    styles: dict[str, str] = {}
    pending = _write_articles(articles, writer.emit, concepts.collector, report, styles)
    concepts.write(writer.emit, report)
    categories: dict[str, str] = {}
    for article, keys in pending:
        category = concepts.write_platform_facts(article, keys, writer.emit)
        if category is not None:
            categories[article] = category
    if learner is not None:
        vision = list(vision)
        for result in vision:  # a photo's category where the feeds state none
            if (seen := vision_category(result)) is not None:
                categories.setdefault(result.external_id, seen)
        learner.articles_known(built_context(categories, styles))
    del categories
    _write_sales_and_vision(sales, vision, palette, writer.emit, report)
    _write_provenance(report, config, writer.emit)
    if learner is not None:
        writer.write_lines(learner.statements())
    writer.flush()
    report.statements = writer.count
    report.write_seconds = time.perf_counter() - started
    return report


def _write_articles(
    articles: Iterable[ArticleRecord],
    emit: Emit,
    collector: SchemeCollector,
    report: BuildReport,
    styles: dict[str, str],
) -> list[tuple[str, list[tuple[ConceptKey, int]]]]:
    pending: list[tuple[str, list[tuple[ConceptKey, int]]]] = []
    styles_written: set[tuple[str, ...]] = set()
    for record in articles:
        report.articles += 1
        styles.setdefault(record.external_id, record.style_code)
        retailer_keys: list[tuple[ConceptKey, int]] = []
        labs: list[tuple[float, float, float]] = []
        for feed in record.feeds:
            article_facts(record, feed, emit, styles_written)
            report.graphs[graph_iri(feed.view, feed.source)] = feed.view
            if feed.view == "manufacturer":
                collector.manufacturer.update(manufacturer_facts(record, feed, emit))
                if (lab := dye_lab(feed.data)) is not None:
                    labs.append(lab)
                    collector.dyes[(feed.source, feed.data["dye_code"].strip())] = lab
                continue
            found = collector.read(feed.source, profile_for(feed.source), feed.data)
            graph = nq.iri(graph_iri(feed.view, feed.source))
            article = nq.iri(_article(record))
            for key, _depth in found:
                emit(article, RETAILER_CONCEPT, concept_term(key), graph)
            retailer_keys.extend(found)
        for key, _depth in retailer_keys:
            if key.role == "colour":
                collector.dye_labs[key].extend(labs)
        if retailer_keys:
            pending.append((record.external_id, retailer_keys))
    return pending


def _article(record: ArticleRecord) -> str:
    return article_iri(record.external_id)


def _write_sales_and_vision(
    sales: Iterable[SalesRecord],
    vision: Iterable[VisionRecord],
    palette: Palette,
    emit: Emit,
    report: BuildReport,
) -> None:
    for record in sales:
        sales_facts(record, emit)
        report.graphs[graph_iri("sales", record.source)] = "sales"
    fine_iris = dict(zip(palette.names, palette.iris, strict=True))
    for result in vision:
        vision_facts(result, fine_iris, emit)
        report.graphs[graph_iri("vision", result.model_version)] = "vision:" + result.model_version


def _write_provenance(report: BuildReport, config: BuildConfig, emit: Emit) -> None:
    meta = nq.iri(graph_iri("meta"))
    when = (config.built_at or datetime.now(UTC)).isoformat()
    stamp = f'"{when}"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    for graph, kind in sorted(report.graphs.items()):
        view, _, version = kind.partition(":")
        node = nq.iri(graph)
        emit(node, TYPE, p(ATL.SourceGraph), meta)
        emit(node, p(ATL.view), nq.text(view), meta)
        emit(node, p(ATL.source), nq.text(graph.rsplit("/", 1)[-1]), meta)
        emit(node, nq.iri("http://www.w3.org/ns/prov#generatedAtTime"), stamp, meta)
        if version:
            emit(node, p(ATL.modelVersion), nq.text(version), meta)
