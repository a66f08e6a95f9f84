"""The learn step: the store's purchases mined into the graph's learned graph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kg.projection import GraphKnowledge
from kg.store import EmbeddedStore
from recommender.mining import MiningConfig
from service.graph.mining import (
    LearnAlongside,
    PendingPurchases,
    learn_complements,
    read_purchases,
)
from service.graph.stage import build_from_catalogue
from service.store import create_store_engine
from service.store.models import Article, ArticleAttributes, Customer, Event, Style

DAY0 = datetime(2024, 11, 4, 10, 0)


def fill(engine: Engine) -> None:
    """Ten shoppers buy a coat (C1 or C2), then the scarf S1 three days later; thirty buy a tee."""
    with Session(engine) as session:
        articles = {}
        for key, category in (("C1", "Coats"), ("C2", "Coats"), ("S1", "Scarves"), ("T1", "Tees")):
            style = Style(catalogue="demo", style_code=f"S-{key}", name=key)
            article = Article(external_id=key, style=style, name=f"{category} {key}")
            article.attributes = [
                ArticleAttributes(view="retailer", source="demo", data={"category": category})
            ]
            session.add_all([style, article])
            articles[key] = article
        buys = [(f"u{n}", f"C{n % 2 + 1}", 0) for n in range(10)]
        buys += [(f"u{n}", "S1", 3) for n in range(10)]
        buys += [(f"v{n}", "T1", 0) for n in range(30)]
        shoppers = {name: Customer(external_id=name) for name in {b[0] for b in buys}}
        session.add_all(shoppers.values())
        session.flush()
        for number, (shopper, bought, day) in enumerate(buys):
            session.add(
                Event(
                    dedup_key=number.to_bytes(16, "big"),
                    customer_id=shoppers[shopper].id,
                    article_id=articles[bought].id,
                    event_type="purchase",
                    occurred_at=DAY0 + timedelta(days=day),
                    quantity=1,
                    source="demo",
                )
            )
        session.commit()


def test_purchases_are_read_with_their_source_and_day(engine: Engine) -> None:
    fill(engine)
    purchases = read_purchases(engine)
    assert len(purchases) == 50 and set(purchases["source"]) == {"demo"}
    day0 = (DAY0.date() - datetime(1970, 1, 1, tzinfo=UTC).date()).days
    assert sorted(set(purchases["day"])) == [day0, day0 + 3]


def test_purchases_read_in_a_thread_are_taken_once(engine: Engine) -> None:
    fill(engine)
    pending = PendingPurchases(engine)
    assert pending.take().equals(read_purchases(engine))
    with pytest.raises(RuntimeError, match="taken already"):
        pending.take()


def test_a_failed_read_in_a_thread_is_raised_where_the_purchases_are_taken(
    tmp_path: Path,
) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables
    pending = PendingPurchases(engine)
    with pytest.raises(Exception, match="events"):
        pending.take()


def test_the_learn_step_writes_the_mined_pairs_into_the_graph(engine: Engine) -> None:
    fill(engine)
    store = EmbeddedStore(None)
    build_from_catalogue(engine, store)
    report = learn_complements(engine, store)
    (demo,) = report.sources
    assert (demo.source, demo.purchases, demo.baskets, demo.shoppers) == ("demo", 50, 50, 40)
    # coat -> scarf: 10 of 10 coat baskets against a chance of 20 / 50; scarf -> coat: never
    assert (demo.complements, demo.substitutes, demo.article_pairs) == (1, 0, 2)
    assert "1 complement and 0 substitute category pairs from 50 baskets" in report.summary()
    knowledge = GraphKnowledge.from_store(store)
    coat = knowledge.mined_complements("coat")
    assert list(coat) == ["scarf"] and coat["scarf"].declared
    assert coat["scarf"].lift == 2.5
    assert knowledge.complements("coat")[0] == "scarf"
    assert set(knowledge.bought_with("C1")) == {"S1"}
    again = learn_complements(engine, store)  # idempotent: the same pairs, not twice as many
    assert again.sources == report.sources
    assert len(GraphKnowledge.from_store(store).mined.articles) == 2


def test_article_pairs_come_from_the_newest_days_and_say_which(engine: Engine) -> None:
    fill(engine)
    store = EmbeddedStore(None)
    build_from_catalogue(engine, store)
    # the newest day alone (the 10 scarves): no article pair; categories use every purchase
    report = learn_complements(engine, store, MiningConfig(article_purchases=10))
    (demo,) = report.sources
    assert (demo.complements, demo.article_pairs) == (1, 0)
    assert (demo.article_purchases, demo.article_days) == (10, 1)
    assert "0 article pairs from the newest 10 of its purchases (1 day)" in report.summary()
    (row,) = store.select(
        "PREFIX atl: <https://w3id.org/atelier/vocab#> SELECT ?start ?end WHERE { GRAPH ?g {"
        " ?r a atl:MinedComplement ; atl:minedFrom ?start ; atl:minedUntil ?end } }"
    )
    assert (row["start"], row["end"]) == ("2024-11-04", "2024-11-07")
    every = learn_complements(engine, store).sources[0]  # the default: this history is small
    assert (every.article_pairs, every.article_purchases, every.article_days) == (2, 50, 4)
    assert "2 article pairs from the same baskets" in learn_complements(engine, store).summary()


def test_category_pairs_come_from_the_newest_days_and_say_which(engine: Engine) -> None:
    fill(engine)
    store = EmbeddedStore(None)
    build_from_catalogue(engine, store)
    # the newest day alone holds the scarves, not the coats they followed: no complement
    report = learn_complements(engine, store, MiningConfig(category_purchases=10))
    (demo,) = report.sources
    assert (demo.purchases, demo.baskets, demo.shoppers, demo.complements) == (50, 10, 10, 0)
    assert (demo.category_purchases, demo.category_days) == (10, 1)
    assert (
        "category pairs from 10 baskets of 10 shoppers in the newest 10 of its purchases (1 day)"
    ) in report.summary()
    # by default this small history is mined whole
    every = learn_complements(engine, store)
    assert (every.sources[0].complements, every.sources[0].baskets) == (1, 50)
    assert (every.sources[0].category_purchases, every.sources[0].category_days) == (50, 4)
    assert "from 50 baskets of 40 shoppers, 2 article pairs" in every.summary()


LEARNED = "SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/atelier/graph/learned> { ?s ?p ?o } }"
WHEN = datetime(2024, 11, 8, 12, 0, tzinfo=UTC)


def test_a_build_mines_beside_itself_what_the_learn_step_mines_alone(engine: Engine) -> None:
    fill(engine)
    alone = EmbeddedStore(None)
    build_from_catalogue(engine, alone)
    report = learn_complements(engine, alone, computed_at=WHEN)
    beside = EmbeddedStore(None)
    learning = LearnAlongside(PendingPurchases(engine), computed_at=WHEN)
    build_from_catalogue(engine, beside, learner=learning)
    assert learning.report().sources == report.sources
    statements = {tuple(sorted(row.items())) for row in beside.select(LEARNED)}
    assert statements == {tuple(sorted(row.items())) for row in alone.select(LEARNED)}
    assert len(statements) > 40  # three pairs and the graph's description


def test_a_build_whose_mining_fails_keeps_the_graph_it_would_replace(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(engine)
    store = EmbeddedStore(tmp_path / "graph")
    build_from_catalogue(engine, store)
    before = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")

    def broken(*_: object) -> None:
        raise MemoryError("the pair counts did not fit")

    monkeypatch.setattr("service.graph.mining.mine_articles", broken)
    with pytest.raises(MemoryError, match="did not fit"):
        build_from_catalogue(engine, store, learner=LearnAlongside(PendingPurchases(engine)))
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == before
    store.close()


def test_a_history_mined_whole_is_not_called_the_newest_of_it(engine: Engine) -> None:
    fill(engine)
    with Session(engine) as session:  # a purchase of an article no category is known of
        style = Style(catalogue="demo", style_code="S-X", name="X")
        article = Article(external_id="X1", style=style, name="Mystery")
        shopper = Customer(external_id="w0")
        session.add_all([style, article, shopper])
        session.flush()
        session.add(
            Event(
                dedup_key=b"x" * 16,
                customer_id=shopper.id,
                article_id=article.id,
                event_type="purchase",
                occurred_at=DAY0,
                quantity=1,
                source="demo",
            )
        )
        session.commit()
    store = EmbeddedStore(None)
    build_from_catalogue(engine, store)
    report = learn_complements(engine, store)
    (demo,) = report.sources
    assert (demo.purchases, demo.category_purchases, demo.article_purchases) == (51, 50, 50)
    assert "newest" not in report.summary()
    assert "2 article pairs from the same baskets" in report.summary()
