"""The learn step: mine complements from the store's purchases into the graph's learned graph.

Each event source (each retailer's feed of purchases) is mined on its own, with the categories,
styles and slots the graph gives its articles and the hand-written complements as the prior
(``recommender.mining``); the pairs replace that source's earlier ones in ``graph/learned``
(``kg.learned``). ``atelier kg build`` runs it after every build, ``atelier kg learn`` alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from kg.learned import MinedPairRecord, PurchaseContext, purchase_context, put_mined_pairs
from kg.store import GraphStore
from recommender.mining import (
    DEFAULT_MINING,
    MinedPair,
    MiningConfig,
    mine_articles,
    mine_categories,
)
from service.store.models import Article, Customer, Event, EventType


@dataclass(frozen=True)
class SourceReport:
    """What was mined from one source's purchases."""

    source: str
    purchases: int
    baskets: int
    shoppers: int
    complements: int
    substitutes: int
    article_pairs: int


@dataclass
class LearnReport:
    """What a learn step mined and how long it took."""

    sources: list[SourceReport] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line per source."""
        if not self.sources:
            return "no purchases with a known category to mine"
        return "\n".join(
            f"{r.source}: {r.complements:,} complement and {r.substitutes:,} substitute category "
            f"pairs, {r.article_pairs:,} article pairs from {r.baskets:,} baskets of "
            f"{r.shoppers:,} shoppers"
            for r in self.sources
        )


def read_purchases(engine: Engine) -> pd.DataFrame:
    """Every purchase: ``source``, ``user_id``, ``item_id`` (external ids), ``day``."""
    query = (
        select(Event.source, Customer.external_id, Article.external_id, Event.occurred_at)
        .join(Customer, Customer.id == Event.customer_id)
        .join(Article, Article.id == Event.article_id)
        .where(Event.event_type == EventType.PURCHASE.value)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    frame = pd.DataFrame(rows, columns=["source", "user_id", "item_id", "when"])
    when = pd.to_datetime(frame["when"]).to_numpy().astype("datetime64[D]")
    return frame.drop(columns="when").assign(day=when.astype(np.int64))


def learn_complements(
    engine: Engine,
    store: GraphStore,
    config: MiningConfig = DEFAULT_MINING,
    *,
    computed_at: datetime | None = None,
) -> LearnReport:
    """Mine every source's purchases and replace its pairs in ``graph/learned``."""
    started = time.perf_counter()
    context = purchase_context(store)
    purchases = _with_categories(read_purchases(engine), context)
    report = LearnReport()
    stamp = computed_at or datetime.now(UTC)
    for source, rows in purchases.groupby("source", sort=True):
        relations = mine_categories(rows, context.slots, context.declared, config)
        articles = mine_articles(rows, config)
        records = [
            *(_record("complement", p, config) for p in relations.complements),
            *(_record("substitute", p, config) for p in relations.substitutes),
            *(_record("article", p, config) for p in articles),
        ]
        put_mined_pairs(store, str(source), records, stamp)
        report.sources.append(
            SourceReport(
                str(source),
                len(rows),
                relations.baskets,
                relations.shoppers,
                len(relations.complements),
                len(relations.substitutes),
                len(articles),
            )
        )
    report.seconds = time.perf_counter() - started
    return report


def _with_categories(purchases: pd.DataFrame, context: PurchaseContext) -> pd.DataFrame:
    """Purchases of articles the graph gives a category, with their category, style and slot."""
    known = purchases["item_id"].map(context.articles)
    purchases = purchases[known.notna()]
    known = known[known.notna()]
    categories = [category for category, _ in known]
    return purchases.assign(
        category=categories,
        style=[style or "" for _, style in known],
        slot=[context.slots.get(category) or "" for category in categories],
    )


def _record(kind: str, pair: MinedPair, config: MiningConfig) -> MinedPairRecord:
    return MinedPairRecord(
        kind=kind,
        antecedent=pair.antecedent,
        consequent=pair.consequent,
        count=pair.count,
        same_basket=pair.same_basket,
        antecedent_baskets=pair.antecedent_baskets,
        baskets=pair.baskets,
        window_days=config.window_days,
        support=pair.support,
        confidence=pair.confidence,
        smoothed_confidence=pair.smoothed_confidence,
        lift=pair.lift,
    )
