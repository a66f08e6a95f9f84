"""A shopper's history, read from the store on every request.

Reading it fresh each time is what makes an event posted a moment ago count in the very next
shelf; the query walks the ``(customer_id, occurred_at)`` index, so its cost grows with the
shopper's own history, not with the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from recommender.serving import HistoryEvent
from service.store.models import Article, Customer, Event

#: Events read per shopper at most (the newest): bounds the work a heavy browser costs.
HISTORY_LIMIT = 5_000


@dataclass(frozen=True)
class PastEvent:
    """One event of a shopper's history, as the storefront shows it."""

    article_id: str
    event_type: str
    occurred_at: datetime
    quantity: int


def read_history(
    engine: Engine, customer_id: str, limit: int = HISTORY_LIMIT
) -> list[HistoryEvent]:
    """The shopper's newest ``limit`` events, oldest first (empty for an unknown shopper)."""
    return [
        HistoryEvent(e.article_id, e.occurred_at, e.event_type, e.quantity)
        for e in reversed(recent_events(engine, customer_id, limit))
    ]


def recent_events(engine: Engine, customer_id: str, limit: int) -> list[PastEvent]:
    """The shopper's newest ``limit`` events, newest first."""
    query = (
        select(Article.external_id, Event.event_type, Event.occurred_at, Event.quantity)
        .join(Customer, Customer.id == Event.customer_id)
        .join(Article, Article.id == Event.article_id)
        .where(Customer.external_id == customer_id)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [PastEvent(*row) for row in connection.execute(query)]
