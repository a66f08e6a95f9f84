"""The store seen as recommender data: interactions, histories, fallback knowledge."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.recommending.interactions import (
    attribute_facts,
    latest_event,
    load_interactions,
    store_knowledge,
    user_history,
)
from service.store.models import Article, ArticleAttributes, Customer, Event, Style

START = datetime(2024, 5, 1)


def seed_store(engine: Engine, shoppers: int = 6) -> None:
    """Two styles of tops and coats, shoppers buying and viewing them over three weeks."""
    with Session(engine) as session:
        styles = [Style(catalogue="t", style_code=code) for code in ("ST", "SC")]
        session.add_all(styles)
        articles = [
            Article(external_id=f"{kind}{n}", style=styles[kind == "C"])
            for kind in "TC"
            for n in range(3)
        ]
        session.add_all(articles)
        session.flush()
        for article in articles:
            category = "coat" if article.external_id.startswith("C") else "top"
            session.add(
                ArticleAttributes(
                    article_id=article.id,
                    view="retailer",
                    source="t",
                    data={"category": category, "Color": "Navy", "price": "9"},
                )
            )
        customers = [Customer(external_id=f"c{n}") for n in range(shoppers)]
        session.add_all(customers)
        session.flush()
        serial = 0
        for n, customer in enumerate(customers):
            for day in range(0, 21, 4):
                serial += 1
                article = articles[(n + day) % len(articles)]
                kind = "purchase" if day % 8 == 0 else "view"
                session.add(
                    Event(
                        dedup_key=serial.to_bytes(16, "big"),
                        customer_id=customer.id,
                        article_id=article.id,
                        event_type=kind,
                        occurred_at=START + timedelta(days=day, hours=n),
                        quantity=1,
                        source="t",
                    )
                )
        session.commit()


def test_events_become_interactions_with_external_ids(engine: Engine) -> None:
    seed_store(engine)
    frame = load_interactions(engine).frame
    assert len(frame) == 36
    assert set(frame["user_id"]) == {f"c{n}" for n in range(6)}
    assert frame["timestamp"].is_monotonic_increasing
    assert set(frame["event_type"]) == {"purchase", "view"}
    assert len(load_interactions(engine, since=START + timedelta(days=20)).frame) == 6


def test_latest_event_bounds_a_training_window(engine: Engine) -> None:
    assert latest_event(engine) is None
    seed_store(engine)
    assert latest_event(engine) == START + timedelta(days=20, hours=5)


def test_history_of_one_shopper_oldest_first(engine: Engine) -> None:
    seed_store(engine)
    history = user_history(engine, "c1")
    assert len(history) == 6 and history[0].occurred_at < history[-1].occurred_at
    assert user_history(engine, "nobody") == []


def test_store_knowledge_reads_style_codes_and_relation_columns(engine: Engine) -> None:
    seed_store(engine)
    knowledge = store_knowledge(engine)
    assert knowledge.item_facts("C1") == {
        "style": ("SC",),
        "category": ("coat",),
        "colour": ("navy",),
    }


def test_feed_aliases_map_to_relations() -> None:
    assert attribute_facts({"product_type_name": "Trousers", "price": "1", "x": None}) == {
        "category": ("trousers",)
    }
