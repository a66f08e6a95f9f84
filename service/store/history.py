"""A shopper's history: the one reader of a shopper's stored events.

The API's shelves, the storefront's history page, the CLI and the analytics notebooks all read
a history through :func:`shopper_events`, so they cannot disagree about which events count:

- **which**: the shopper's newest ``limit`` events (default :data:`HISTORY_LIMIT`); with
  ``before``, the newest ``limit`` of those that happened strictly before that instant (an
  evaluation asks what the shopper had done by then, and later events must not use up the
  limit);
- **order**: oldest first, the order the recommender reads a history in; events at the same
  instant keep the order they were stored in (the event's id), so a basket bought in one
  second reads the same every time;
- an unknown shopper has no events (not an error: the recommender serves them cold).

The query walks the ``(customer_id, occurred_at)`` index, so its cost grows with the shopper's
own history, not with the store; it is read fresh on every request, which is what makes an
event posted a moment ago count in the very next shelf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Engine, Integer, String, bindparam, text
from sqlalchemy.sql.expression import TextualSelect

#: Events read per shopper at most (the newest): bounds the work a heavy browser costs.
HISTORY_LIMIT = 5_000


@dataclass(frozen=True, slots=True)
class PastEvent:
    """One stored event of a shopper, keyed by the article's external id."""

    article_id: str
    event_type: str
    occurred_at: datetime
    quantity: int


def _newest(condition: str) -> TextualSelect:
    # On the hot path of every shelf: a fixed textual query with bound parameters and typed
    # columns costs a third of the equivalent select() (no per-call construction or compilation).
    query = text(
        "SELECT a.external_id, e.event_type, e.occurred_at, e.quantity FROM events e "
        "JOIN customers c ON c.id = e.customer_id JOIN articles a ON a.id = e.article_id "
        f"WHERE c.external_id = :customer{condition} "
        "ORDER BY e.occurred_at DESC, e.id DESC LIMIT :limit"
    )
    if condition:  # typed, so each dialect binds the instant the way it stores DateTime columns
        query = query.bindparams(bindparam("before", type_=DateTime))
    return query.columns(
        external_id=String, event_type=String, occurred_at=DateTime, quantity=Integer
    )


_NEWEST = _newest("")
_NEWEST_BEFORE = _newest(" AND e.occurred_at < :before")


def shopper_events(
    engine: Engine,
    customer_id: str,
    *,
    limit: int = HISTORY_LIMIT,
    before: datetime | None = None,
) -> list[PastEvent]:
    """The shopper's newest ``limit`` events (before ``before`` when given), oldest first.

    Args:
        engine: The catalogue store.
        customer_id: The shopper's external id.
        limit: How many of the newest events to read, at least 1.
        before: Only events that happened strictly before this instant (naive UTC, as stored).

    Returns:
        The events, oldest first, ties in time in storage order; empty for an unknown shopper.

    Raises:
        ValueError: If ``limit`` is below 1.
    """
    if limit < 1:
        raise ValueError(f"a history limit must be at least 1, got {limit}")
    query, params = _NEWEST, {"customer": customer_id, "limit": limit}
    if before is not None:
        query, params = _NEWEST_BEFORE, {**params, "before": before}
    with engine.connect() as connection:
        rows = connection.execute(query, params).all()
    return [PastEvent(*row) for row in reversed(rows)]
