"""The store's events as the recommender's training data.

Events become :class:`recommender.data.Interactions` keyed by the retailer's external ids (the
store's surrogate keys never leave this module).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, select

from recommender.data import Interactions, normalise_frame
from service.store.models import Article, Customer, Event


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
