"""The catalogue store seen as the recommender's data: interactions, histories and item facts.

Events become :class:`recommender.data.Interactions` keyed by the retailer's external ids (the
store's surrogate keys never leave this module). :func:`store_knowledge` is the fallback
knowledge when no graph has been built: style codes plus the feeds' own columns that name a
relation (H&M's ``product_type_name`` is the category, and so on).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from recommender.data import Interactions, normalise_frame
from recommender.knowledge import KNOWN_RELATIONS, TableKnowledge
from recommender.serving import HistoryEvent
from service.store.history import HISTORY_LIMIT, shopper_events
from service.store.models import Article, ArticleAttributes, Customer, Event, Style

#: Feed columns (lower case) that name a relation under another name.
RELATION_ALIASES: Mapping[str, str] = {
    "product_type_name": "category",
    "articletype": "category",
    "colour_group_name": "colour",
    "color": "colour",
    "basecolour": "colour",
    "perceived_colour_master_name": "basic_colour",
    "graphical_appearance_name": "pattern",
    "department_name": "department",
    "usage": "occasion",
}


def load_interactions(engine: Engine, since: datetime | None = None) -> Interactions:
    """Every event (from ``since`` on, when given) with external ids, oldest first."""
    query = (
        select(
            Customer.external_id.label("user_id"),
            Article.external_id.label("item_id"),
            Event.occurred_at.label("timestamp"),
            Event.event_type,
            Event.quantity,
        )
        .join(Customer, Customer.id == Event.customer_id)
        .join(Article, Article.id == Event.article_id)
        .order_by(Event.occurred_at)
    )
    if since is not None:
        query = query.where(Event.occurred_at >= since)
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all(), columns=list(_COLUMNS))
    return normalise_frame(frame)


_COLUMNS = ("user_id", "item_id", "timestamp", "event_type", "quantity")


def latest_event(engine: Engine) -> datetime | None:
    """When the newest event happened (``None`` for an empty store)."""
    with engine.connect() as connection:
        return connection.execute(select(func.max(Event.occurred_at))).scalar_one_or_none()


def user_history(
    engine: Engine,
    customer_id: str,
    *,
    limit: int = HISTORY_LIMIT,
    before: datetime | None = None,
) -> list[HistoryEvent]:
    """A shopper's history as the recommender reads it, from the store's one history reader.

    See :func:`service.store.history.shopper_events`: the newest ``limit`` events (strictly
    before ``before`` when given), oldest first, ties in time in storage order; empty for an
    unknown shopper.
    """
    return [
        HistoryEvent(e.article_id, e.occurred_at, e.event_type, e.quantity)
        for e in shopper_events(engine, customer_id, limit=limit, before=before)
    ]


def store_knowledge(engine: Engine) -> TableKnowledge:
    """Item facts from the store alone: style codes and relation-named feed columns."""
    facts: dict[str, dict[str, tuple[str, ...]]] = {}
    with engine.connect() as connection:
        for item, code in connection.execute(
            select(Article.external_id, Style.style_code).join(Style)
        ):
            facts[item] = {"style": (code,)}
        rows = connection.execute(
            select(Article.external_id, ArticleAttributes.data).join(ArticleAttributes)
        )
        for item, data in rows:
            facts.setdefault(item, {}).update(attribute_facts(data or {}))
    return TableKnowledge(facts=facts)


def attribute_facts(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Relations named by one feed record's columns (first record wins per relation)."""
    found: dict[str, tuple[str, ...]] = {}
    for column, value in data.items():
        key = str(column).strip().lower()
        relation = RELATION_ALIASES.get(key, key if key in KNOWN_RELATIONS else None)
        text = str(value).strip() if value is not None else ""
        if relation and relation != "style" and text and relation not in found:
            found[relation] = (text.lower(),)
    return found
