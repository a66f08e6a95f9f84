"""The learn step: mine complements from the store's purchases into the graph's learned graph.

Each event source (each retailer's feed of purchases) is mined on its own, with the categories,
styles and slots the graph gives its articles and the hand-written complements as the prior
(``recommender.mining``); the pairs replace that source's earlier ones in ``graph/learned``
(``kg.learned``). ``atelier kg build`` runs it after every build, ``atelier kg learn`` alone.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals
from sqlalchemy import Engine, func, select

from kg.learned import (
    MinedPairRecord,
    PurchaseContext,
    learned_graph_quads,
    learned_stamp,
    mined_pair_quads,
    purchase_context,
    put_mined_pairs,
)
from kg.records import SalesRecord
from kg.store import GraphStore
from recommender.mining import (
    DEFAULT_MINING,
    MinedPair,
    MiningConfig,
    first_of_newest_days,
    mine_articles,
    mine_categories,
)
from service.graph.records import SalesTally
from service.store.columnar import epoch_day, read_batches
from service.store.models import Article, Event, EventType


@dataclass(frozen=True)
class SourceReport:
    """What was mined from one source's purchases."""

    source: str
    purchases: int
    """The source's purchases (of any article: those without a known category are not mined)."""
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
    article_window: bool = False
    """Whether older purchases were left out of the article pairs."""
    category_window: bool = False
    """Whether older purchases were left out of the category pairs."""

    @property
    def article_history(self) -> str:
        """What the article pairs were mined from, in words."""
        if self.article_window:
            return _newest(self.article_purchases, self.article_days)
        return "the same baskets"

    @property
    def category_history(self) -> str:
        """What the category pairs were mined from, in words ("" when every purchase)."""
        if self.category_window:
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
        ("units", pa.int64()),
    ]
)


def read_purchases(engine: Engine) -> pd.DataFrame:
    """Every purchase: ``source``, ``user_id`` (the store's customer key: only who is who
    matters), ``item_id`` (article external id) and ``day`` (days since 1970).

    Read as Arrow columns (``service.store.columnar``: the day computed by the database) into
    integer and categorical columns, so that the 31.8 million purchases of a retailer's two
    years take a few bytes each (ids and sources are held once, not per row).
    """
    return _read_purchases(engine, None)[0]


def _read_purchases(
    engine: Engine, sales: SalesTally | None
) -> tuple[pd.DataFrame, dict[int, str]]:
    """:func:`read_purchases`, the units bought added to ``sales`` as they are read (the
    graph's sales figures, without a second read of the purchases), and each article's
    external id by store key.

    The events are read in ranges of their keys, a range per core, each in a thread of its
    own: the database drivers fill the Arrow arrays off the GIL, and one reader alone was the
    slowest step of a full-size ``kg build`` (15.6 s for 31.8 million purchases).
    """
    query = (
        select(
            Event.source,
            Event.customer_id,
            Event.article_id,
            epoch_day(Event.occurred_at),
            Event.quantity,
        )
        .where(Event.event_type == EventType.PURCHASE.value)
        .order_by(Event.id)
    )

    def read(bounds: tuple[int, int]) -> _Columns:
        columns = _Columns(SalesTally() if sales is not None else None)
        ranged = query.where(Event.id >= bounds[0], Event.id < bounds[1])
        for batch in read_batches(engine, ranged, _PURCHASE_COLUMNS):
            columns.add(batch)
        return columns

    ranges = _key_ranges(engine, max(len(os.sched_getaffinity(0)), 1))
    with ThreadPoolExecutor(len(ranges)) as pool:
        parts = list(pool.map(read, ranges))
    with engine.connect() as connection:
        external = dict(connection.execute(select(Article.id, Article.external_id)).all())
    if sales is not None:
        for part in parts:
            sales.absorb(part.sales)
    if not any(part.sources for part in parts):
        columns: dict[str, list[object]] = {"source": [], "user_id": [], "item_id": [], "day": []}
        empty = pd.DataFrame(columns).astype({"source": "category", "item_id": "category"})
        return empty, external
    article_keys = np.concatenate([a for part in parts for a in part.articles])
    # the store's article keys are small positive integers: a table lookup, not a sort of the
    # 31.8 million purchases (np.unique took 16 s of them)
    bought = np.zeros(int(article_keys.max()) + 1, bool)
    bought[article_keys] = True
    labels = [external[int(key)] for key in np.flatnonzero(bought)]
    code = np.cumsum(bought) - 1
    item = pd.Categorical.from_codes(code[article_keys], categories=pd.Index(labels, dtype=object))
    purchases = pd.DataFrame(
        {
            "source": union_categoricals([s for part in parts for s in part.sources]),
            "user_id": np.concatenate([u for part in parts for u in part.users]),
            "item_id": item,
            "day": np.concatenate([d for part in parts for d in part.days]),
        }
    )
    return purchases, external


@dataclass
class _Columns:
    """The columns of a range of purchases, a batch at a time."""

    sales: SalesTally | None
    sources: list[pd.Categorical] = field(default_factory=list)
    users: list[np.ndarray] = field(default_factory=list)
    articles: list[np.ndarray] = field(default_factory=list)
    days: list[np.ndarray] = field(default_factory=list)

    def add(self, batch: pa.RecordBatch) -> None:
        if self.sales is not None:
            self.sales.add(batch)
        source = batch.column("source").dictionary_encode()
        self.sources.append(
            pd.Categorical.from_codes(
                source.indices.to_numpy(), categories=source.dictionary.to_pylist()
            )
        )
        self.users.append(batch.column("customer_id").to_numpy())
        self.articles.append(batch.column("article_id").to_numpy())
        self.days.append(batch.column("day").to_numpy())


def _key_ranges(engine: Engine, parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges [start, stop) of about as many event keys, covering every event."""
    with engine.connect() as connection:
        low, high = connection.execute(select(func.min(Event.id), func.max(Event.id))).one()
    if low is None:
        return [(0, 1)]
    bounds = np.linspace(int(low), int(high) + 1, parts + 1).round().astype(np.int64)
    return [(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


class PendingPurchases:
    """The store's purchases (:func:`read_purchases`) and their sales figures, read in a
    thread of their own.

    ``atelier kg build`` starts the read before it builds the graph: the Arrow reader and the
    graph's bulk loader leave the GIL, so the read shares the cores with the build, and the
    graph's sales figures come from the same read (:meth:`sales`).
    """

    def __init__(self, engine: Engine) -> None:
        self._purchases: pd.DataFrame | None = None
        self._sales: list[SalesRecord] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._read, args=(engine,), name="purchases", daemon=True
        )
        self._thread.start()

    def _read(self, engine: Engine) -> None:
        try:
            tally = SalesTally()
            self._purchases, external = _read_purchases(engine, tally)
            self._sales = tally.records(external)
        except BaseException as exc:  # raised again in the caller's thread
            self._error = exc

    def _wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error

    def sales(self) -> Iterator[SalesRecord]:
        """Units bought per article, season and source (what
        :func:`service.graph.records.read_sales` reads), once read: a generator, so that a
        build waits for the read only when it comes to write them.

        Raises:
            Exception: What the read raised.
        """
        self._wait()
        yield from self._sales

    def take(self) -> pd.DataFrame:
        """The purchases, once read (waits for the read; this object lets go of them).

        Raises:
            Exception: What the read raised.
        """
        self._wait()
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
    report, mined = mine_sources(read, context, config)
    del read
    stamp = computed_at or datetime.now(UTC)
    for source, records in mined:
        put_mined_pairs(store, source, records, stamp)
    report.seconds = time.perf_counter() - started
    return report


def mine_sources(
    purchases: pd.DataFrame, context: PurchaseContext, config: MiningConfig = DEFAULT_MINING
) -> tuple[LearnReport, list[tuple[str, list[MinedPairRecord]]]]:
    """Mine each source's purchases (:func:`read_purchases`) with what the graph knows.

    Returns:
        What was mined from each source (its ``seconds`` left at 0), and each source's pairs.
    """
    report = LearnReport()
    mined: list[tuple[str, list[MinedPairRecord]]] = []
    sources = sorted(purchases["source"].unique())
    for source in sources:
        # one source (one retailer's feed) is the usual case: no copy of its purchases
        rows = purchases if len(sources) == 1 else purchases[purchases["source"] == source]
        # category pairs from the newest seasons (a year or more at a retailer's size),
        # article pairs from the newest weeks (the articles on sale now): whole days of the
        # source's purchases, and only those get their categories
        day = rows["day"].to_numpy(np.int64)
        seasons_from = first_of_newest_days(day, config.category_purchases)
        recent_from = first_of_newest_days(day, config.article_purchases)
        known = with_categories(_since(rows, min(seasons_from, recent_from)), context)
        if known.empty:
            continue
        seasons, recent = _since(known, seasons_from), _since(known, recent_from)
        relations = mine_categories(seasons, context.slots, context.declared, config)
        seasonal = _days(seasons)
        articles = mine_articles(recent, config)
        newest = _days(recent)
        mined.append(
            (
                str(source),
                [
                    *(_record("complement", p, config, seasonal) for p in relations.complements),
                    *(_record("substitute", p, config, seasonal) for p in relations.substitutes),
                    *(_record("article", p, config, newest) for p in articles),
                    *(_record("refuted", p, config, seasonal) for p in relations.refuted),
                ],
            )
        )
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
                article_window=recent_from > day.min(),
                category_window=seasons_from > day.min(),
            )
        )
    return report, mined


class LearnAlongside:
    """The learn step of a full build, run beside it (a :class:`kg.build.Learner`).

    The mining starts in a thread of its own as soon as the build knows every article's
    category (before it writes the sales, vision results and provenance, while the bulk
    loader takes the statements written so far), and its pairs are written after the build's
    own statements: one bulk load, instead of a build and then a transaction of the pairs.
    The pairs are those :func:`learn_complements` mines from the built graph.
    """

    def __init__(
        self,
        purchases: PendingPurchases,
        config: MiningConfig = DEFAULT_MINING,
        computed_at: datetime | None = None,
    ) -> None:
        self._purchases = purchases
        self._config = config
        self._stamp = learned_stamp(computed_at)
        self._thread: threading.Thread | None = None
        self._mined: tuple[LearnReport, list[tuple[str, list[MinedPairRecord]]]] | None = None
        self._error: BaseException | None = None

    def articles_known(self, context: PurchaseContext) -> None:
        """Start mining with the build's articles (``kg.build.Learner``)."""
        self._thread = threading.Thread(
            target=self._mine, args=(context,), name="learn", daemon=True
        )
        self._thread.start()

    def _mine(self, context: PurchaseContext) -> None:
        try:
            started = time.perf_counter()
            report, mined = mine_sources(self._purchases.take(), context, self._config)
            report.seconds = time.perf_counter() - started
            self._mined = report, mined
        except BaseException as exc:  # raised again in the build's thread by statements()
            self._error = exc

    def statements(self) -> Iterator[str]:
        """The mined pairs as N-Quads, once mined (``kg.build.Learner``).

        Raises:
            Exception: What the mining raised.
        """
        report, mined = self._wait()
        for source, records in mined:
            yield from mined_pair_quads(source, records, self._stamp)
        if report.sources:
            yield from learned_graph_quads(self._stamp)

    def report(self) -> LearnReport:
        """What was mined (the build has ended)."""
        return self._wait()[0]

    def _wait(self) -> tuple[LearnReport, list[tuple[str, list[MinedPairRecord]]]]:
        if self._thread is None:
            raise RuntimeError("the build never told the articles' categories")
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._mined is not None  # the thread ended without an error
        return self._mined


def _since(purchases: pd.DataFrame, first_day: int) -> pd.DataFrame:
    """The purchases from ``first_day`` on (all of them, not a copy, when none is earlier)."""
    day = purchases["day"].to_numpy(np.int64)
    if day.size == 0 or int(day.min()) >= first_day:
        return purchases
    kept: pd.DataFrame = purchases[day >= first_day]
    return kept


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
