"""A shopper's stored history as the recommender reads it, for every shelf the service serves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from recommender.serving import HistoryEvent
from service.store.history import HISTORY_LIMIT, shopper_events


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
