"""The one history reader: which events, in which order, for every caller."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.recommending.history import user_history
from service.store.history import HISTORY_LIMIT, shopper_events
from service.store.models import Article, Customer, Event, Style

NOON = datetime(2024, 5, 1, 12)


def store_events(engine: Engine, events: list[tuple[str, str, datetime]]) -> None:
    """Store ``(shopper, article, when)`` events in the order given (ids rise in that order)."""
    with Session(engine) as session:
        style = Style(catalogue="t", style_code="S")
        articles = {name: Article(external_id=name, style=style) for name in {e[1] for e in events}}
        shoppers = {name: Customer(external_id=name) for name in {e[0] for e in events}}
        session.add_all([*articles.values(), *shoppers.values()])
        session.flush()
        for serial, (shopper, article, when) in enumerate(events):
            session.add(
                Event(
                    dedup_key=serial.to_bytes(16, "big"),
                    customer_id=shoppers[shopper].id,
                    article_id=articles[article].id,
                    event_type="purchase",
                    occurred_at=when,
                    quantity=1,
                    source="t",
                )
            )
            session.flush()  # one insert per event: ids follow the list
        session.commit()


@pytest.fixture
def ann(engine: Engine) -> Engine:
    """Ann's morning scarf, noon basket (shoes stored before the belt) and coat; Bob's hat."""
    store_events(
        engine,
        [
            ("ann", "coat", NOON + timedelta(hours=1)),
            ("ann", "shoes", NOON),
            ("bob", "hat", NOON + timedelta(minutes=30)),
            ("ann", "belt", NOON),
            ("ann", "scarf", NOON - timedelta(hours=3)),
        ],
    )
    return engine


def _items(
    engine: Engine, shopper: str, limit: int = HISTORY_LIMIT, before: datetime | None = None
) -> list[str]:
    return [e.article_id for e in shopper_events(engine, shopper, limit=limit, before=before)]


def test_oldest_first_with_ties_in_storage_order(ann: Engine) -> None:
    assert _items(ann, "ann") == ["scarf", "shoes", "belt", "coat"]


def test_the_limit_keeps_the_newest(ann: Engine) -> None:
    assert _items(ann, "ann", limit=2) == ["belt", "coat"]
    # the limit splits the noon basket by storage order: the belt was stored after the shoes
    assert _items(ann, "ann", limit=3) == ["shoes", "belt", "coat"]


def test_before_excludes_that_instant_and_later_before_the_limit(ann: Engine) -> None:
    assert _items(ann, "ann", before=NOON) == ["scarf"]
    assert _items(ann, "ann", before=NOON + timedelta(minutes=1), limit=2) == ["shoes", "belt"]


def test_an_unknown_shopper_has_no_history(ann: Engine) -> None:
    assert shopper_events(ann, "nobody") == []


def test_a_limit_below_one_is_refused(ann: Engine) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        shopper_events(ann, "ann", limit=0)


def test_the_recommenders_history_is_the_same_reading(ann: Engine) -> None:
    history = user_history(ann, "ann", limit=3, before=NOON + timedelta(hours=2))
    assert [(e.item_id, e.occurred_at, e.event_type) for e in history] == [
        (e.article_id, e.occurred_at, e.event_type)
        for e in shopper_events(ann, "ann", limit=3, before=NOON + timedelta(hours=2))
    ]
    assert [e.item_id for e in history] == ["shoes", "belt", "coat"]
