"""The learn step: mine complements from the store's purchases into the graph's learned graph.

Each event source (each retailer's feed of purchases) is mined on its own, with the categories,
styles and slots the graph gives its articles and the hand-written complements as the prior
(``recommender.mining``); the pairs replace that source's earlier ones in ``graph/learned``
(``kg.learned``). ``atelier kg build`` runs it after every build, ``atelier kg learn`` alone.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals
from sqlalchemy import Engine, select

from kg.learned import MinedPairRecord, PurchaseContext, purchase_context, put_mined_pairs
from kg.store import GraphStore
from recommender.mining import (
    DEFAULT_MINING,
    MinedPair,
    MiningConfig,
    mine_articles,
    mine_categories,
    newest_days,
)
from service.store.columnar import epoch_day, read_batches
from service.store.models import Article, Event, EventType


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
    refuted: int = 0
    article_purchases: int = 0
    """Purchases the article pairs were mined from (the newest days: ``MiningConfig``)."""
    article_days: int = 0
    """Days those purchases span."""
    category_purchases: int = 0
    """Purchases the category pairs were mined from (the newest days: ``MiningConfig``)."""
    category_days: int = 0
    """Days those purchases span."""

    @property
    def article_history(self) -> str:
        """What the article pairs were mined from, in words."""
        if self.article_purchases < self.purchases:
            return _newest(self.article_purchases, self.article_days)
        return "the same baskets"

    @property
    def category_history(self) -> str:
        """What the category pairs were mined from, in words ("" when every purchase)."""
        if self.category_purchases < self.purchases:
            return f" in {_newest(self.category_purchases, self.category_days)}"
        return ""


def _newest(purchases: int, days: int) -> str:
    return f"the newest {purchases:,} of its purchases ({days:,} day{'' if days == 1 else 's'})"


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
            f"pairs from {r.baskets:,} baskets of {r.shoppers:,} shoppers{r.category_history}, "
            f"{r.article_pairs:,} article pairs from {r.article_history}; "
            f"{r.refuted:,} hand-written complements refuted"
            for r in self.sources
        )


#: The columns :func:`read_purchases` reads of each purchase.
_PURCHASE_COLUMNS = pa.schema(
    [
        ("source", pa.string()),
        ("customer_id", pa.int64()),
        ("article_id", pa.int64()),
        ("day", pa.int64()),
    ]
)


def read_purchases(engine: Engine) -> pd.DataFrame:
    """Every purchase: ``source``, ``user_id`` (the store's customer key: only who is who
    matters), ``item_id`` (article external id) and ``day`` (days since 1970).

    Read as Arrow columns (``service.store.columnar``: the day computed by the database) into
    integer and categorical columns, so that the 31.8 million purchases of a retailer's two
    years take a few bytes each (ids and sources are held once, not per row).
    """
    query = (
        select(Event.source, Event.customer_id, Event.article_id, epoch_day(Event.occurred_at))
        .where(Event.event_type == EventType.PURCHASE.value)
        .order_by(Event.id)
    )
    sources: list[pd.Categorical] = []
    users: list[np.ndarray] = []
    articles: list[np.ndarray] = []
    days: list[np.ndarray] = []
    for batch in read_batches(engine, query, _PURCHASE_COLUMNS):
        source = batch.column("source").dictionary_encode()
        sources.append(
            pd.Categorical.from_codes(
                source.indices.to_numpy(), categories=source.dictionary.to_pylist()
            )
        )
        users.append(batch.column("customer_id").to_numpy())
        articles.append(batch.column("article_id").to_numpy())
        days.append(batch.column("day").to_numpy())
    if not sources:
        columns: dict[str, list[object]] = {"source": [], "user_id": [], "item_id": [], "day": []}
        return pd.DataFrame(columns).astype({"source": "category", "item_id": "category"})
    with engine.connect() as connection:
        external = dict(connection.execute(select(Article.id, Article.external_id)).all())
    article_keys = np.concatenate(articles)
    # the store's article keys are small positive integers: a table lookup, not a sort of the
    # 31.8 million purchases (np.unique took 16 s of them)
    bought = np.zeros(int(article_keys.max()) + 1, bool)
    bought[article_keys] = True
    labels = [external[int(key)] for key in np.flatnonzero(bought)]
    code = np.cumsum(bought) - 1
    item = pd.Categorical.from_codes(code[article_keys], categories=pd.Index(labels, dtype=object))
    return pd.DataFrame(
        {
            "source": union_categoricals(sources),
            "user_id": np.concatenate(users),
            "item_id": item,
            "day": np.concatenate(days),
        }
    )


class PendingPurchases:
    """The store's purchases (:func:`read_purchases`), read in a thread of their own.

    ``atelier kg build`` starts the read before it builds the graph: the Arrow reader and the
    graph's bulk loader leave the GIL, so on two cores the read costs the build no time.
    """

    def __init__(self, engine: Engine) -> None:
        self._purchases: pd.DataFrame | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._read, args=(engine,), name="purchases", daemon=True
        )
        self._thread.start()

    def _read(self, engine: Engine) -> None:
        try:
            self._purchases = read_purchases(engine)
        except BaseException as exc:  # raised again in the caller's thread by take()
            self._error = exc

    def take(self) -> pd.DataFrame:
        """The purchases, once read (waits for the read; this object lets go of them).

        Raises:
            Exception: What the read raised.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        purchases, self._purchases = self._purchases, None
        if purchases is None:
            raise RuntimeError("the purchases were taken already")
        return purchases


def learn_complements(
    engine: Engine,
    store: GraphStore,
    config: MiningConfig = DEFAULT_MINING,
    *,
    computed_at: datetime | None = None,
    purchases: PendingPurchases | None = None,
) -> LearnReport:
    """Mine every source's purchases and replace its pairs in ``graph/learned``.

    Args:
        engine: The catalogue store.
        store: The graph (its articles' categories and styles; the pairs are written there).
        config: The mining's window and thresholds.
        computed_at: The time the pairs are stamped with (now when None).
        purchases: The purchases, when the caller started reading them already (``atelier
            kg build`` reads them while the graph is bulk-loaded); read here when None.
    """
    started = time.perf_counter()
    context = purchase_context(store)
    read = purchases.take() if purchases is not None else read_purchases(engine)
    purchases_known = with_categories(read, context)
    del read  # a retailer's purchases are hundreds of MB: one copy at a time
    report = LearnReport()
    stamp = computed_at or datetime.now(UTC)
    sources = sorted(purchases_known["source"].unique())
    for source in sources:
        # one source (one retailer's feed) is the usual case: no copy of its purchases
        one = purchases_known["source"] == source
        rows = purchases_known if len(sources) == 1 else purchases_known[one]
        # category pairs from the newest seasons (a year or more at a retailer's size)
        seasons = newest_days(rows, config.category_purchases)
        relations = mine_categories(seasons, context.slots, context.declared, config)
        seasonal = _days(seasons)
        # article pairs from the newest purchases only: the articles on sale now
        recent = newest_days(rows, config.article_purchases)
        articles = mine_articles(recent, config)
        newest = _days(recent)
        records = [
            *(_record("complement", p, config, seasonal) for p in relations.complements),
            *(_record("substitute", p, config, seasonal) for p in relations.substitutes),
            *(_record("article", p, config, newest) for p in articles),
            *(_record("refuted", p, config, seasonal) for p in relations.refuted),
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
                len(relations.refuted),
                len(recent),
                (newest[1] - newest[0]).days + 1,
                len(seasons),
                (seasonal[1] - seasonal[0]).days + 1,
            )
        )
    report.seconds = time.perf_counter() - started
    return report


def with_categories(purchases: pd.DataFrame, context: PurchaseContext) -> pd.DataFrame:
    """Purchases of articles the graph gives a category, with their category, style and slot
    (looked up once per article, not once per purchase).
    """
    items = pd.Categorical(purchases["item_id"])
    facts = [context.articles.get(str(item)) for item in items.categories]
    known = np.array([fact is not None for fact in facts] + [False])  # code -1: no article
    keep = known[items.codes]

    def column(values: list[str]) -> pd.Categorical:
        uniques, per_article = np.unique(np.array(values, dtype=object), return_inverse=True)
        codes = per_article.astype(np.int64)[items.codes[keep]]
        return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))

    categories = [fact[0] if fact else "" for fact in facts]
    kept: pd.DataFrame = purchases[keep]
    return kept.assign(
        category=column(categories),
        style=column([(fact[1] or "") if fact else "" for fact in facts]),
        slot=column([context.slots.get(c) or "" for c in categories]),
    )


def _days(purchases: pd.DataFrame) -> tuple[date, date]:
    """The first and last day of some purchases (``day``: days since 1970)."""
    day = purchases["day"].to_numpy(np.int64)
    epoch = date(1970, 1, 1)
    return epoch + timedelta(days=int(day.min())), epoch + timedelta(days=int(day.max()))


def _record(
    kind: str, pair: MinedPair, config: MiningConfig, days: tuple[date, date]
) -> MinedPairRecord:
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
        first_day=days[0],
        last_day=days[1],
    )
