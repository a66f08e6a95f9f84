"""Recording live events (what a storefront reports as it happens) in the catalogue store.

A batch is stored in one transaction that is committed before :func:`record_events` returns,
so a caller that acknowledges the batch afterwards never acknowledges an event a crash can
lose. Events are idempotent on their event id: the dedup key is the one ingestion gives a feed
row with an ``event_id`` column (:func:`service.ingest.keys.event_id_key`), so an event posted
live and later re-ingested from an export is stored once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, select

from service.errors import NotFoundError
from service.ingest.catalogue import EVENT_COLUMNS
from service.ingest.keys import event_id_key
from service.store.bulk import datetime_param, insert_ignore
from service.store.models import Article, Customer, Event

#: The ``source`` of events that arrive through the API.
LIVE_SOURCE = "api"

# Ids per IN (...) query, under SQLite's limit on bound parameters.
_CHUNK = 900


@dataclass(frozen=True)
class LiveEvent:
    """One validated event, with external ids."""

    event_id: str
    customer_id: str
    article_id: str
    event_type: str
    occurred_at: datetime
    """Naive UTC."""
    quantity: int = 1
    price: float | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Recorded:
    """What a batch changed: events stored now, and events already stored before."""

    stored: int
    duplicates: int
    customers_created: int


class EventRecorder:
    """Stores batches of live events durably.

    SQLite allows one writer at a time and makes a blocked writer sleep-poll; taking turns on
    an in-process lock instead keeps concurrent requests from backing off for milliseconds.

    Args:
        engine: The catalogue store.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._turn = threading.Lock() if engine.dialect.name == "sqlite" else None

    def record(self, events: Sequence[LiveEvent]) -> Recorded:
        """Store ``events`` (those with an already-stored id are skipped) and commit.

        Raises:
            NotFoundError: An event names an article that is not in the catalogue (nothing
                of the batch is stored).
        """
        if self._turn is None:
            return self._record(events)
        with self._turn:
            return self._record(events)

    def _record(self, events: Sequence[LiveEvent]) -> Recorded:
        with self.engine.begin() as connection:
            articles = _keys(connection, Article, {e.article_id for e in events})
            unknown = sorted({e.article_id for e in events} - articles.keys())
            if unknown:
                shown = ", ".join(repr(a) for a in unknown[:5])
                more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
                raise NotFoundError(f"article_id {shown}{more} not in the catalogue")
            customers, created = _customer_keys(connection, {e.customer_id for e in events})
            rows = _unique_rows(connection, events, articles, customers)
            stored = insert_ignore(
                connection,
                Event.__table__,  # type: ignore[arg-type]
                EVENT_COLUMNS,
                rows,
            )
        return Recorded(stored=stored, duplicates=len(events) - stored, customers_created=created)


def _unique_rows(
    connection: Connection,
    events: Sequence[LiveEvent],
    articles: dict[str, int],
    customers: dict[str, int],
) -> list[tuple[object, ...]]:
    """Event rows, one per event id (a batch that repeats an id stores it once)."""
    rows: dict[bytes, tuple[object, ...]] = {}
    for e in events:
        key = event_id_key(e.event_id)
        rows.setdefault(
            key,
            (
                key,
                customers[e.customer_id],
                articles[e.article_id],
                e.event_type,
                datetime_param(connection, e.occurred_at),
                e.quantity,
                e.price,
                e.channel,
                LIVE_SOURCE,
            ),
        )
    return list(rows.values())


def _keys(connection: Connection, model: type[Article | Customer], ids: set[str]) -> dict[str, int]:
    """External id -> surrogate key of the stored rows among ``ids``."""
    found: dict[str, int] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        query = select(model.external_id, model.id).where(model.external_id.in_(chunk))
        found.update((external, pk) for external, pk in connection.execute(query))
    return found


def _customer_keys(connection: Connection, ids: set[str]) -> tuple[dict[str, int], int]:
    """Surrogate keys of the customers, creating those not stored yet."""
    found = _keys(connection, Customer, ids)
    missing = sorted(ids - found.keys())
    if not missing:
        return found, 0
    # Another request may create the same customer concurrently: insert-or-ignore, then read.
    created = insert_ignore(
        connection,
        Customer.__table__,  # type: ignore[arg-type]
        ("external_id",),
        [(c,) for c in missing],
    )
    found.update(_keys(connection, Customer, set(missing)))
    return found, created
