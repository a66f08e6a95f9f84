"""Reading the catalogue store as the plain records ``kg`` builds its graph from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine, inspect, select

from kg.records import (
    ArticleRecord,
    FeedRecord,
    SalesRecord,
    VisionColourRecord,
    VisionRecord,
    VisionTagRecord,
    season_of_month,
)
from service.store.columnar import epoch_day, read_batches
from service.store.models import Article, ArticleAttributes, Event, EventType, Style

#: Rows fetched per round trip while streaming the catalogue.
BATCH = 5_000


def read_articles(engine: Engine, only: Collection[str] | None = None) -> Iterator[ArticleRecord]:
    """Every article (or those in ``only``) with its style and all its feed records."""
    query = (
        select(Article.id, Article.external_id, Article.name, Style.catalogue, Style.style_code)
        .join(Style, Style.id == Article.style_id)
        .order_by(Article.id)
    )
    if only is not None:
        query = query.where(Article.external_id.in_(list(only)))
    with engine.connect() as connection:
        feeds = _feeds(connection, only)
        for row in connection.execution_options(yield_per=BATCH).execute(query):
            yield ArticleRecord(
                external_id=row.external_id,
                catalogue=row.catalogue,
                style_code=row.style_code,
                name=row.name,
                feeds=tuple(feeds.pop(row.id, ())),
            )


def _feeds(connection: Any, only: Collection[str] | None) -> dict[int, list[FeedRecord]]:
    query = select(
        ArticleAttributes.article_id,
        ArticleAttributes.view,
        ArticleAttributes.source,
        ArticleAttributes.data,
    ).order_by(ArticleAttributes.article_id, ArticleAttributes.view, ArticleAttributes.source)
    if only is not None:
        ids = select(Article.id).where(Article.external_id.in_(list(only)))
        query = query.where(ArticleAttributes.article_id.in_(ids))
    feeds: dict[int, list[FeedRecord]] = defaultdict(list)
    for row in connection.execution_options(yield_per=BATCH).execute(query):
        data = {str(k): str(v) for k, v in (row.data or {}).items() if v not in (None, "")}
        feeds[row.article_id].append(FeedRecord(row.view, row.source, data))
    return feeds


#: The columns :func:`read_sales` reads of each purchase.
_SALE_COLUMNS = pa.schema(
    [
        ("article_id", pa.int64()),
        ("source", pa.string()),
        ("day", pa.int64()),
        ("units", pa.int64()),
    ]
)

#: The seasons, and the index of each month's (January first) in that tuple.
_SEASONS = ("winter", "spring", "summer", "autumn")
_MONTH_SEASON = np.array([_SEASONS.index(season_of_month(month)) for month in range(1, 13)])


class SalesTally:
    """Units purchased per article, month and event source, summed a batch at a time.

    One array of (article key × month) per source: at a retailer's size (31.8 million
    purchases) a ``GROUP BY`` in SQLite sorts them all into a temporary tree first, and took
    2.5 times as long. A full build takes the tally from the read of the purchases its learn
    step mines (:class:`service.graph.mining.PendingPurchases`): one read of them, not two.
    """

    def __init__(self) -> None:
        self._totals: dict[str, np.ndarray] = {}
        # (cell, units) of the batches not summed yet: a bincount over the whole (article ×
        # month) array for each batch of 262,144 purchases would cost more than the batch
        self._pending: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._pending_rows = 0

    def add(self, batch: pa.RecordBatch) -> None:
        """Add a batch of purchases with ``article_id`` (store key), ``source``, ``day`` (days
        since 1970) and ``units``.
        """
        keys = batch.column("article_id").to_numpy()
        if keys.size == 0:
            return
        day = batch.column("day").to_numpy()
        # each day's month of the year, from a table of the batch's few days
        first = int(day.min())
        span = np.arange(first, int(day.max()) + 1).astype("datetime64[D]")
        month_of_day = span.astype("datetime64[M]").astype(np.int64) % 12
        cell = keys * 12 + month_of_day[day - first]
        units = batch.column("units").to_numpy()
        source = batch.column("source").dictionary_encode()
        names = source.dictionary.to_pylist()
        if len(names) == 1:
            self._pending.setdefault(names[0], []).append((cell, units))
        else:
            codes = source.indices.to_numpy()
            for code, name in enumerate(names):
                mine = codes == code
                self._pending.setdefault(name, []).append((cell[mine], units[mine]))
        self._pending_rows += keys.size
        if self._pending_rows >= 4_000_000:
            self._sum()

    def _sum(self) -> None:
        for name, parts in self._pending.items():
            cells = np.concatenate([cell for cell, _ in parts])
            units = np.concatenate([bought for _, bought in parts])
            weights = None if np.all(units == 1) else units.astype(np.float64)  # exact < 2**53
            self._accumulate(name, np.bincount(cells, weights=weights).astype(np.int64))
        self._pending.clear()
        self._pending_rows = 0

    def _accumulate(self, source: str, units: np.ndarray) -> None:
        """Add units per (article key × month) cell to ``source``'s total."""
        total = self._totals.get(source, np.zeros(0, np.int64))
        if total.size < units.size:  # a larger article key than any seen before
            total = np.concatenate([total, np.zeros(units.size - total.size, np.int64)])
        total[: units.size] += units
        self._totals[source] = total

    def absorb(self, other: SalesTally | None) -> None:
        """Add another tally's units to this one's (``other`` is emptied)."""
        if other is None:
            return
        other._sum()
        for name, units in other._totals.items():
            self._accumulate(name, units)
        other._totals.clear()

    def records(self, external: Mapping[int, str]) -> list[SalesRecord]:
        """The tally per article (external id), season and source, sorted.

        Args:
            external: Store key -> external id of each article to report (others left out).
        """
        self._sum()
        figures: list[tuple[str, str, str, int]] = []
        for source_name, per_month in self._totals.items():
            per_month = np.concatenate([per_month, np.zeros(-per_month.size % 12, np.int64)])
            per_season = np.zeros((per_month.size // 12, len(_SEASONS)), np.int64)
            np.add.at(per_season.T, _MONTH_SEASON, per_month.reshape(-1, 12).T)
            for key, season in zip(*np.nonzero(per_season), strict=True):
                if (external_id := external.get(int(key))) is not None:
                    units = int(per_season[key, season])
                    figures.append((external_id, source_name, _SEASONS[season], units))
        return [
            SalesRecord(external_id, season, units, source_name)
            for external_id, source_name, season, units in sorted(figures)
        ]


def read_sales(engine: Engine, only: Collection[str] | None = None) -> Iterator[SalesRecord]:
    """Units purchased per article (or those in ``only``), season and event source.

    The purchases are read as Arrow columns (``service.store.columnar``) into a
    :class:`SalesTally`.
    """
    query = select(
        Event.article_id, Event.source, epoch_day(Event.occurred_at), Event.quantity
    ).where(Event.event_type == EventType.PURCHASE.value)
    articles = select(Article.id, Article.external_id)
    if only is not None:
        wanted = list(only)
        query = query.where(
            Event.article_id.in_(select(Article.id).where(Article.external_id.in_(wanted)))
        )
        articles = articles.where(Article.external_id.in_(wanted))
    with engine.connect() as connection:
        external = dict(connection.execute(articles).all())
    tally = SalesTally()
    for batch in read_batches(engine, query, _SALE_COLUMNS):
        tally.add(batch)
    yield from tally.records(external)


def read_vision(engine: Engine, only: Collection[str] | None = None) -> list[VisionRecord]:
    """Vision results per article, or nothing while the vision tables do not exist yet."""
    if not inspect(engine).has_table("vision_tagged"):
        return []
    from service.tagging.results import load_vision_results

    records = []
    for external_id, result in load_vision_results(engine, only).items():
        colours = tuple(
            VisionColourRecord(rank, c.fine_name, c.basic, c.share, c.lab)
            for rank, c in enumerate(result.colours)
        )
        tags = tuple(
            VisionTagRecord(group, t.label, t.score, t.confident)
            for group, values in result.tags.items()
            for t in values
        )
        records.append(VisionRecord(external_id, result.model_version, colours, tags))
    return records
