"""A shopper's history, read from the store on every request.

Reading it fresh each time is what makes an event posted a moment ago count in the very next
shelf; the query walks the ``(customer_id, occurred_at)`` index, so its cost grows with the
shopper's own history, not with the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Engine, Integer, String, text

from recommender.serving import HistoryEvent

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


# On the hot path of every shelf: a fixed textual query with bound parameters and typed
# columns costs a third of the equivalent select() (no per-call construction or compilation).
_RECENT = text(
    "SELECT a.external_id, e.event_type, e.occurred_at, e.quantity FROM events e "
    "JOIN customers c ON c.id = e.customer_id JOIN articles a ON a.id = e.article_id "
    "WHERE c.external_id = :customer ORDER BY e.occurred_at DESC, e.id DESC LIMIT :limit"
).columns(external_id=String, event_type=String, occurred_at=DateTime, quantity=Integer)


def recent_events(engine: Engine, customer_id: str, limit: int) -> list[PastEvent]:
    """The shopper's newest ``limit`` events, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(_RECENT, {"customer": customer_id, "limit": limit})
        return [PastEvent(*row) for row in rows]
