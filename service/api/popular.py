"""What sells in the store: the shelf of last resort when the model cannot answer.

A recommendation request must never fail or come back empty while the catalogue has articles,
even before the first model is trained or while a model is rejected. This list is computed
from the store's purchases (articles in catalogue order when there are none) and cached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection

from sqlalchemy import Engine, func, select

from service.store.models import Article, Event

#: Articles kept in the list: enough for filters to leave a full shelf.
DEPTH = 1_000


class PopularInStore:
    """The most purchased articles, refreshed every ``ttl`` seconds.

    Args:
        engine: The catalogue store.
        ttl: Seconds between recomputations.
    """

    def __init__(self, engine: Engine, ttl: float = 300.0) -> None:
        self.engine = engine
        self.ttl = ttl
        self._ranked: list[tuple[str, float]] = []
        self._expires = 0.0
        self._lock = threading.Lock()

    def top(
        self, k: int, exclude: Collection[str] = (), include: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Up to ``k`` (article id, purchases) pairs, most purchased first."""
        ranked = self._current()
        kept = [
            pair
            for pair in ranked
            if pair[0] not in exclude and (include is None or pair[0] in include)
        ]
        return kept[:k]

    def _current(self) -> list[tuple[str, float]]:
        with self._lock:
            if time.monotonic() >= self._expires:
                self._ranked = self._read()
                self._expires = time.monotonic() + self.ttl
            return self._ranked

    def _read(self) -> list[tuple[str, float]]:
        purchases = func.count(Event.id).label("purchases")
        bought = (
            select(Article.external_id, purchases)
            .join(Event, Event.article_id == Article.id)
            .where(Event.event_type == "purchase")
            .group_by(Article.external_id)
            .order_by(purchases.desc(), Article.external_id)
            .limit(DEPTH)
        )
        with self.engine.connect() as connection:
            ranked = [(a, float(n)) for a, n in connection.execute(bought)]
            if len(ranked) < DEPTH:
                seen = {a for a, _ in ranked}
                rest = select(Article.external_id).order_by(Article.id).limit(DEPTH)
                ranked += [(a, 0.0) for a in connection.execute(rest).scalars() if a not in seen]
        return ranked[:DEPTH]
