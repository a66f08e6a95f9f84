"""Reading the catalogue store as the plain records ``kg`` builds its graph from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import Engine, extract, func, inspect, select

from kg.records import (
    ArticleRecord,
    FeedRecord,
    SalesRecord,
    VisionColourRecord,
    VisionRecord,
    VisionTagRecord,
    season_of_month,
)
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


def read_sales(engine: Engine, only: Collection[str] | None = None) -> Iterator[SalesRecord]:
    """Units purchased per article (or those in ``only``), season and event source."""
    month = extract("month", Event.occurred_at).label("month")
    query = (
        select(Article.external_id, Event.source, month, func.sum(Event.quantity))
        .join(Article, Article.id == Event.article_id)
        .where(Event.event_type == EventType.PURCHASE.value)
        .group_by(Article.external_id, Event.source, month)
    )
    if only is not None:
        query = query.where(Article.external_id.in_(list(only)))
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    with engine.connect() as connection:
        for external_id, source, month_number, units in connection.execute(query):
            season = season_of_month(int(month_number))
            totals[(external_id, source, season)] += int(units or 0)
    for (external_id, source, season), units in sorted(totals.items()):
        yield SalesRecord(external_id, season, units, source)


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
