"""Reading the catalogue store as the plain records ``kg`` builds its graph from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
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


def read_sales(engine: Engine, only: Collection[str] | None = None) -> Iterator[SalesRecord]:
    """Units purchased per article (or those in ``only``), season and event source.

    The purchases are read as Arrow columns (``service.store.columnar``) and summed a batch at
    a time into one array of (article, month) per source: at a retailer's size (31.8 million
    purchases) a ``GROUP BY`` in SQLite sorts them all into a temporary tree first, and took
    2.5 times as long.
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
    size = (max(external, default=0) + 1) * 12  # one cell per article key and month
    totals: dict[str, np.ndarray] = {}
    for batch in read_batches(engine, query, _SALE_COLUMNS):
        months = batch.column("day").to_numpy().astype("datetime64[D]").astype("datetime64[M]")
        cell = batch.column("article_id").to_numpy() * 12 + months.astype(np.int64) % 12
        bought = batch.column("units").to_numpy().astype(np.float64)  # exact below 2**53
        source = batch.column("source").dictionary_encode()
        codes = source.indices.to_numpy()
        for code, name in enumerate(source.dictionary.to_pylist()):
            mine = codes == code
            summed = np.bincount(cell[mine], weights=bought[mine], minlength=size)
            totals.setdefault(name, np.zeros(size, np.int64))[:] += summed.astype(np.int64)
    figures: list[tuple[str, str, str, int]] = []
    for source_name, per_month in totals.items():
        per_season = np.zeros((size // 12, len(_SEASONS)), np.int64)
        np.add.at(per_season.T, _MONTH_SEASON, per_month.reshape(-1, 12).T)
        for key, season in zip(*np.nonzero(per_season), strict=True):
            units = int(per_season[key, season])
            figures.append((external[int(key)], source_name, _SEASONS[season], units))
    for external_id, source_name, season, units in sorted(figures):
        yield SalesRecord(external_id, season, units, source_name)


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
