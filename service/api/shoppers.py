"""The most active shoppers: the list a storefront's shopper picker shows."""

from __future__ import annotations

import threading
import time

from pydantic import BaseModel, Field
from sqlalchemy import Engine, case, func, select

from service.store.models import Customer, Event

#: Seconds the list is reused (computing it scans the events).
LIST_TTL = 60.0


class Shopper(BaseModel):
    """A shopper and how much they did."""

    customer_id: str = Field(examples=["U000001"])
    purchases: int
    events: int


class ShopperList:
    """The most active shoppers, recomputed at most every :data:`LIST_TTL` seconds."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cached: tuple[float, int, list[Shopper]] | None = None
        self._lock = threading.Lock()

    def top(self, limit: int) -> list[Shopper]:
        """The ``limit`` shoppers with the most purchases (then events)."""
        with self._lock:
            cached = self._cached
            if cached is None or cached[0] < time.monotonic() or cached[1] < limit:
                cached = (time.monotonic() + LIST_TTL, limit, _most_active(self.engine, limit))
                self._cached = cached
        return cached[2][:limit]


def _most_active(engine: Engine, limit: int) -> list[Shopper]:
    purchases = func.sum(case((Event.event_type == "purchase", 1), else_=0)).label("purchases")
    events = func.count(Event.id).label("events")
    query = (
        select(Customer.external_id, purchases, events)
        .join(Event, Event.customer_id == Customer.id)
        .group_by(Customer.external_id)
        .order_by(purchases.desc(), events.desc(), Customer.external_id)
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query)
        return [Shopper(customer_id=c, purchases=p or 0, events=n) for c, p, n in rows]
