"""What ``atelier status`` counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.store.models import Article, Customer, Event, Style
from service.store.summary import summarise


def test_events_are_counted_by_kind_with_their_time_span(engine: Engine) -> None:
    kinds = ["view", "view", "cart", "purchase", "view", "return"]
    with Session(engine) as session:
        article = Article(external_id="A", style=Style(catalogue="t", style_code="S"))
        shopper = Customer(external_id="u")
        session.add_all([article, shopper])
        session.flush()
        session.add_all(
            Event(
                dedup_key=serial.to_bytes(16, "big"),
                customer_id=shopper.id,
                article_id=article.id,
                event_type=kind,
                occurred_at=datetime(2024, 5, 1 + serial),
                quantity=1,
                source="t",
            )
            for serial, kind in enumerate(kinds)
        )
        session.commit()

    summary = summarise(engine)

    assert summary.events == 6
    assert summary.events_by_type == {"cart": 1, "purchase": 1, "return": 1, "view": 3}
    assert (summary.first_event, summary.last_event) == (datetime(2024, 5, 1), datetime(2024, 5, 6))
    assert (summary.articles, summary.customers, summary.styles) == (1, 1, 1)


def test_an_empty_store_has_no_events_and_no_span(engine: Engine) -> None:
    summary = summarise(engine)

    assert (summary.events, summary.events_by_type) == (0, {})
    assert summary.first_event is None and summary.last_event is None
