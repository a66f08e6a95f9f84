"""A small store seen as recommender data: two styles of tops and coats, six shoppers, three
weeks of views and purchases (shared by the tests of ``service.recommending``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

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
