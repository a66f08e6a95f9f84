"""Complements mined from purchase sequences: what shoppers buy together or soon after.

Pure logic on purchases (shopper, label, day), no I/O; the service reads the events, mines them
here and writes the result into the knowledge graph, and the pipeline mines its training data
the same way. A *basket* is one shopper's purchases on one day. For a pair of labels A → B
(two categories, or two articles):

* ``count``: baskets holding A after which the same shopper bought B within ``window_days``
  (the same basket included: days d … d + window);
* ``confidence = count / baskets holding A``;
* ``chance``: the share of *all* baskets after which B is bought within the window, so that
  ``lift = confidence / chance`` compares like with like (a heavy shopper's many baskets
  raise both) and is above 1 only when A makes B more likely than any purchase does;
* ``support = count / all baskets``;
* ``z``: how many standard deviations the count lies above ``baskets holding A × chance``;
* ``smoothed confidence``: the confidence shrunk toward a prior with ``prior_strength``
  pseudo-baskets; the prior is ``chance × prior_lift`` for a pair the hand-written table
  declares and ``chance`` otherwise. Thin data hardly moves a declared pair, and an undeclared
  pair needs real evidence to rise above chance.

A pair is mined when it was seen in at least ``min_count`` baskets, its lift and smoothed lift
exceed ``min_lift`` and its z exceeds ``min_z``. Two categories in the same outfit slot (or the
same category) are substitutes, never complements: a second coat after a coat is a
replacement, not an outfit. They are kept apart in :attr:`MinedRelations.substitutes`, except
slot-mates the hand-written table declares worn together (a bag and a scarf, socks and
briefs). Article pairs skip colourways of one style and slot-mates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from itertools import groupby, islice

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class MiningConfig:
    """Thresholds and window of the mining."""

    window_days: float = 30.0
    """B counts as bought with A when bought on A's day or at most this many days later."""
    min_count: int = 3
    """Baskets a category pair must be seen in (the least evidence for a mined pair)."""
    min_lift: float = 1.0
    """A pair is kept when its lift and its smoothed lift both exceed this (1: above chance)."""
    min_z: float = 1.64
    """...and its count exceeds the count chance predicts by this many standard deviations
    (binomial, one-sided; 1.64 ≈ 95%), so that a lift of 1.08 on a few dozen baskets, noise,
    is not mined."""
    prior_strength: float = 20.0
    """Pseudo-baskets of the prior in the smoothed confidence."""
    prior_lift: float = 2.0
    """Lift the prior assumes for a pair the hand-written table declares."""
    max_per_category: int = 6
    """Complements kept per category, the strongest first (smoothed lift: the association
    beyond the consequent's own popularity)."""
    article_min_count: int = 2
    """Baskets an article pair must be seen in."""
    articles_per_article: int = 5
    """Article pairs kept per article, by smoothed lift."""
    max_article_pairs: int = 20_000
    """Article pairs kept in all (the best supported), so the graph stays bounded."""
    article_purchases: int = 4_000_000
    """Article pairs are mined from the newest whole days holding at most this many purchases
    (:func:`newest_days`; 0: every purchase). A smaller history is mined whole; at H&M's size
    (31.8M purchases in two years) this is the last 13 weeks: pairs of the articles on sale now
    (a catalogue turns over: in H&M's last week 17,986 of its 105,542 articles sold at all),
    and the mining's time and memory stay bounded however long the history grows (5 s instead
    of 50 s at that size)."""
    category_purchases: int = 16_000_000
    """Category pairs are mined from the newest whole days holding at most this many purchases
    (0: every purchase). They are few and seasonal (a coat's scarf in winter), so the bound is
    wide: every season at least once at a retailer's size (the last 393 days of H&M's 31.8M
    purchases in two years), while the counting stays bounded however long the history grows
    (3.5 s instead of 11.5 s at that size: sorting twice the purchases into baskets cost three
    times as much)."""
    chunk_baskets: int = 1_000_000
    """Baskets counted at once (memory stays flat however long the history)."""
    threads: int = 0
    """Chunks counted at once, each in a thread (0: one per core). The sparse products leave
    the GIL, so the cores share the counting; each thread holds one chunk's products."""


DEFAULT_MINING = MiningConfig()


@dataclass(frozen=True)
class MinedPair:
    """The evidence that shoppers buy ``consequent`` with or soon after ``antecedent``."""

    antecedent: str
    consequent: str
    count: int
    """Baskets holding the antecedent followed by the consequent within the window."""
    same_basket: int
    """...of which held both (bought the same day)."""
    antecedent_baskets: int
    """Baskets holding the antecedent."""
    chance: float
    """Share of all baskets followed by the consequent within the window."""
    baskets: int
    """All baskets mined."""
    smoothed_confidence: float
    """The confidence shrunk toward the prior (see the module docstring)."""
    declared: bool = False
    """The hand-written table declares the pair (the prior)."""

    @property
    def support(self) -> float:
        """Share of all baskets that hold the pair."""
        return self.count / self.baskets

    @property
    def confidence(self) -> float:
        """Share of the antecedent's baskets followed by the consequent."""
        return self.count / self.antecedent_baskets

    @property
    def lift(self) -> float:
        """Confidence over chance (> 1: more often than after any purchase)."""
        return self.confidence / self.chance

    @property
    def smoothed_lift(self) -> float:
        """Smoothed confidence over chance."""
        return self.smoothed_confidence / self.chance

    @property
    def z(self) -> float:
        """Standard deviations the count lies above the count chance predicts (binomial)."""
        expected = self.antecedent_baskets * self.chance
        spread = (expected * (1.0 - self.chance)) ** 0.5
        return (self.count - expected) / spread if spread > 0 else float("inf")

    def above_chance(self, config: MiningConfig) -> bool:
        """Lift, smoothed lift and significance all pass ``config``'s thresholds."""
        lifts = min(self.lift, self.smoothed_lift) > config.min_lift
        return lifts and self.z > config.min_z

    def below_chance(self, config: MiningConfig) -> bool:
        """Rich data against the pair: chance predicts at least ``config.min_count`` pairs,
        the count lies ``config.min_z`` standard deviations below that, and even shrunk toward
        its prior the pair is at most chance.
        """
        expected = self.antecedent_baskets * self.chance
        below = self.smoothed_lift <= config.min_lift and self.z < -config.min_z
        return below and expected >= config.min_count


@dataclass(frozen=True)
class MinedRelations:
    """Category pairs mined from one set of purchases."""

    complements: tuple[MinedPair, ...]
    """Pairs in different outfit slots, above chance, strongest first per antecedent."""
    substitutes: tuple[MinedPair, ...]
    """Pairs in the same slot (or category) above chance: kept apart from complements."""
    window_days: float
    baskets: int
    shoppers: int
    refuted: tuple[MinedPair, ...] = ()
    """Declared pairs the data contradicts (:meth:`MinedPair.below_chance`): the prior yields
    where data is rich."""

    def by_category(self) -> dict[str, tuple[str, ...]]:
        """Antecedent category -> its mined complements, strongest first."""
        result: dict[str, tuple[str, ...]] = {}
        for pair in self.complements:
            result[pair.antecedent] = (*result.get(pair.antecedent, ()), pair.consequent)
        return result


@dataclass(frozen=True)
class _Counts:
    together: sp.csr_matrix  # (L, L) baskets with row label followed by column label
    same: sp.csr_matrix | None  # (L, L) baskets holding both (None: counted per pair)
    antecedent: np.ndarray  # (L,) baskets holding the label
    followed: np.ndarray  # (L,) baskets followed by the label within the window
    baskets: int
    shoppers: int
    holding: sp.csr_matrix  # (baskets, L) which labels each basket holds
    chunk_baskets: int

    def same_basket(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Baskets holding both ``rows[i]`` and ``cols[i]``."""
        if self.same is not None:
            return _at(self.same, rows, cols)
        # Only the pairs asked for: each basket's labels are spread over the pairs they open
        # (and close), and a pair counts the baskets where both meet.
        n_labels, n = self.holding.shape[1], rows.size
        column = np.arange(n)
        ones = np.ones(n, np.int32)
        opens = sp.csr_matrix((ones, (rows, column)), shape=(n_labels, n))
        closes = sp.csr_matrix((ones, (cols, column)), shape=(n_labels, n))
        both = np.zeros(n, np.int64)
        for start in range(0, self.holding.shape[0], max(self.chunk_baskets, 1)):
            chunk = self.holding[start : start + self.chunk_baskets]
            met = (chunk @ opens).multiply(chunk @ closes)
            both += np.asarray(met.sum(axis=0)).ravel()
        return both


def mine_categories(
    purchases: pd.DataFrame,
    slots: Mapping[str, str | None],
    prior: Mapping[str, Sequence[str]] | None = None,
    config: MiningConfig = DEFAULT_MINING,
) -> MinedRelations:
    """Category complements and substitutes from purchases.

    Args:
        purchases: One row per purchase: ``user_id``, ``category``, ``day`` (whole days).
        slots: Category -> outfit slot (``None`` or missing: unknown, the category stands alone).
        prior: Category -> categories the hand-written table says go with it.
        config: Window and thresholds.

    Returns:
        The pairs above chance with at least ``config.min_count`` baskets, complements at most
        ``config.max_per_category`` per category.
    """
    prior = prior or {}
    labels, codes = _factorize(purchases["category"])
    counts = _count(purchases["user_id"], purchases["day"], codes, len(labels), config)
    declared = {(a, b) for a, others in prior.items() for b in others}
    complements: list[MinedPair] = []
    substitutes: list[MinedPair] = []
    refuted: list[MinedPair] = []
    rows, cols = _candidates(counts, labels, declared, config.min_count)
    for pair in _pairs(counts, labels, rows, cols, declared, config):
        if pair.declared and pair.below_chance(config):
            refuted.append(pair)
        if pair.count < config.min_count or not pair.above_chance(config):
            continue
        slot_a, slot_b = slots.get(pair.antecedent), slots.get(pair.consequent)
        # slot-mates replace one another, unless the prior says they are worn together (a
        # bag and a scarf are both accessories)
        substitute = slot_a is not None and slot_a == slot_b and not pair.declared
        (substitutes if substitute else complements).append(pair)
    return MinedRelations(
        complements=_best_per_antecedent(complements, config.max_per_category),
        substitutes=_best_per_antecedent(substitutes, config.max_per_category),
        window_days=config.window_days,
        baskets=counts.baskets,
        shoppers=counts.shoppers,
        refuted=tuple(sorted(refuted, key=lambda p: (p.antecedent, p.consequent))),
    )


def newest_days(purchases: pd.DataFrame, most: int) -> pd.DataFrame:
    """The purchases of the newest whole days that hold at most ``most`` purchases.

    Whole days, so that no basket (one shopper, one day) is cut in two; the newest day is kept
    even when it alone holds more. ``most`` ≤ 0, or a history that fits, keeps every purchase.

    Args:
        purchases: One row per purchase with ``day`` (whole days).
        most: The most purchases to keep.
    """
    if most <= 0 or len(purchases) <= most:
        return purchases
    day = purchases["day"].to_numpy(np.int64)
    kept: pd.DataFrame = purchases[day >= first_of_newest_days(day, most)]
    return kept


def first_of_newest_days(day: np.ndarray, most: int) -> int:
    """The first of the newest whole days that hold at most ``most`` purchases
    (:func:`newest_days`), given each purchase's day; the first day of all when they fit.
    """
    first, last = int(day.min()), int(day.max())
    if most <= 0 or day.size <= most:
        return first
    # purchases per day, newest first, summed: the days kept are those within ``most``
    newest_first = np.cumsum(np.bincount(last - day))
    days = max(int(np.searchsorted(newest_first, most, side="right")), 1)
    return last - days + 1


def mine_articles(
    purchases: pd.DataFrame, config: MiningConfig = DEFAULT_MINING
) -> tuple[MinedPair, ...]:
    """Article pairs bought together or soon after one another, bounded in number.

    Args:
        purchases: ``user_id``, ``item_id``, ``day``, and optionally ``style`` and ``slot``
            per purchase (missing or empty: unknown). Pairs of one style or one slot are
            skipped: colourways and same-slot articles are substitutes.
        config: Window and thresholds (``article_*`` and ``max_article_pairs``).

    Returns:
        At most ``config.articles_per_article`` pairs per article and
        ``config.max_article_pairs`` in all, the best supported first.
    """
    _, items = _factorize(purchases["item_id"])
    # a pair is never seen more often than either of its articles
    purchases = purchases[np.bincount(items)[items] >= config.article_min_count]
    labels, codes = _factorize(purchases["item_id"])
    if not labels:
        return ()
    # only the pairs returned need their same-basket counts: not a second matrix of every pair
    counts = _count(purchases["user_id"], purchases["day"], codes, len(labels), config, same=False)
    style = _group_codes(purchases, "style", codes, len(labels))
    slot = _group_codes(purchases, "slot", codes, len(labels))
    together = counts.together.tocsr()
    together.sum_duplicates()  # canonical: row-major, each pair once
    seen_pairs = together.tocoo()
    keep = (seen_pairs.data >= config.article_min_count) & (seen_pairs.row != seen_pairs.col)
    rows, cols = seen_pairs.row[keep].astype(np.int64), seen_pairs.col[keep].astype(np.int64)
    seen = seen_pairs.data[keep]
    # Millions of candidate pairs at a retailer's size: the tests, the ranking per article and
    # the overall cut run on arrays, and only the pairs returned become MinedPair objects.
    apart = ~(_same(style, rows, cols) | _same(slot, rows, cols))
    scores = _Scores.of(counts, rows[apart], cols[apart], seen[apart], config)
    scores = scores.where(scores.above_chance(config))
    # the best few per antecedent by smoothed lift (ties: the consequent's label, as codes
    # follow the sorted labels)
    # (the pairs are in row-major order, columns ascending, and lexsort is stable: ties keep it)
    order = np.lexsort((-scores.smoothed_lift, scores.rows))
    rows = scores.rows[order]
    starts = np.r_[0, np.flatnonzero(rows[1:] != rows[:-1]) + 1]
    rank = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    best = scores.where(order[rank < config.articles_per_article])
    # then the best supported overall
    order = np.lexsort((best.cols, best.rows, -best.smoothed_lift, -best.seen))
    final = best.where(order[: config.max_article_pairs])
    return tuple(_pairs(counts, labels, final.rows, final.cols, set(), config))


@dataclass(frozen=True)
class _Scores:
    """The evidence of many pairs as arrays: :class:`MinedPair`'s figures, computed at once."""

    rows: np.ndarray
    cols: np.ndarray
    seen: np.ndarray
    antecedent: np.ndarray
    chance: np.ndarray
    smoothed_lift: np.ndarray
    lift: np.ndarray
    z: np.ndarray

    @classmethod
    def of(
        cls,
        counts: _Counts,
        rows: np.ndarray,
        cols: np.ndarray,
        seen: np.ndarray,
        config: MiningConfig,
    ) -> _Scores:
        """Undeclared pairs ``rows[i] -> cols[i]`` seen in ``seen[i]`` baskets."""
        count = seen.astype(np.float64)
        antecedent = counts.antecedent[rows].astype(np.float64)
        chance = counts.followed[cols] / max(counts.baskets, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # the same operations in the same order as MinedPair's properties
            smoothed = (count + config.prior_strength * np.minimum(1.0, chance)) / (
                antecedent + config.prior_strength
            )
            expected = antecedent * chance
            spread = np.sqrt(expected * (1.0 - chance))
            z = np.where(spread > 0, (count - expected) / spread, np.inf)
            return cls(
                rows,
                cols,
                seen,
                antecedent,
                chance,
                smoothed / chance,
                count / antecedent / chance,
                z,
            )

    def where(self, which: np.ndarray) -> _Scores:
        """The pairs ``which`` selects (a mask or indices)."""
        return _Scores(*(getattr(self, f.name)[which] for f in fields(self)))

    def above_chance(self, config: MiningConfig) -> np.ndarray:
        """:meth:`MinedPair.above_chance` of each pair."""
        lifts = np.minimum(self.lift, self.smoothed_lift) > config.min_lift
        return np.asarray(lifts & (self.z > config.min_z))


def _factorize(values: pd.Series) -> tuple[tuple[str, ...], np.ndarray]:
    """Distinct values as strings in string order, and each value's code (-1: missing).

    Sorted as strings whatever the column's type: ``pd.factorize(sort=True)`` orders a
    categorical column by its categories, and the labels must not depend on how the events
    were read.
    """
    codes, uniques = pd.factorize(values)
    names = np.array([str(u) for u in uniques], dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order) + 1, np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # a missing value's code, -1, picks it
    return tuple(names[order].tolist()), rank[codes]


def _group_codes(
    purchases: pd.DataFrame, column: str, codes: np.ndarray, n_labels: int
) -> np.ndarray:
    """Code of each label's group in ``column`` (-1: unknown or empty), by label code."""
    per_label = np.full(n_labels, -1, np.int64)
    if column not in purchases.columns:
        return per_label
    group, uniques = pd.factorize(purchases[column])
    blank = np.array([str(u) == "" for u in uniques] + [True])  # the last: missing (-1)
    per_label[codes] = np.where(blank[group], -1, group)  # an article has one style, one slot
    return per_label


def _same(groups: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether labels ``a[i]`` and ``b[i]`` share a known group."""
    return np.asarray((groups[a] >= 0) & (groups[a] == groups[b]))


def _at(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``matrix[rows[i], cols[i]]`` as a flat array."""
    if rows.size == 0:
        return np.zeros(0, matrix.dtype)
    return np.asarray(matrix.tocsr()[rows, cols]).ravel()


def _count(
    users: pd.Series,
    days: pd.Series,
    codes: np.ndarray,
    n_labels: int,
    config: MiningConfig,
    *,
    same: bool = True,
) -> _Counts:
    """Pair counts over baskets, a chunk of whole shoppers at a time (``same``: also the
    matrix of labels held in one basket).
    """
    empty = sp.csr_matrix((n_labels, n_labels), dtype=np.int32)
    if codes.size == 0:
        none = np.zeros(n_labels, np.int64)
        nothing = sp.csr_matrix((0, n_labels), dtype=np.int32)
        return _Counts(empty, empty, none, none, 0, 0, nothing, config.chunk_baskets)
    shopper = pd.factorize(users)[0].astype(np.int64)
    day = days.to_numpy(np.int64)
    first = int(day.min())
    # by shopper, then day: one stable sort of one key (lexsort sorts twice)
    order = np.argsort(shopper * (int(day.max()) - first + 1) + (day - first), kind="stable")
    shopper, day, codes = shopper[order], day[order], codes[order]
    opens = np.r_[True, (shopper[1:] != shopper[:-1]) | (day[1:] != day[:-1])]
    basket = np.cumsum(opens) - 1
    n_baskets = int(basket[-1]) + 1
    x = _binary(basket, codes, (n_baskets, n_labels))
    basket_shopper, basket_day = shopper[opens], day[opens] - day.min()
    # One sortable key per basket: shopper first, then day; the window never crosses shoppers.
    span = int(basket_day.max()) + int(config.window_days) + 2
    key = basket_shopper * span + basket_day
    ends = np.searchsorted(key, key + int(config.window_days), side="right")

    def counted(bounds: tuple[int, int]) -> _ChunkCounts:
        start, stop = bounds
        chunk = x[start:stop]
        after = _binary_csr(_band(ends[start:stop] - start) @ chunk)
        # the transpose as CSR, so that the product is CSR too (CSC @ CSR converts the
        # product, the largest matrix here)
        held = chunk.T.tocsr()
        return _ChunkCounts(
            held @ after,
            held @ chunk if same else None,
            np.asarray(after.sum(axis=0)).ravel(),
        )

    with ThreadPoolExecutor(_threads(config)) as pool:
        chunks = list(pool.map(counted, _chunks(basket_shopper, config.chunk_baskets)))
        together = _sum([c.together for c in chunks], pool)
        both = _sum([c.same for c in chunks if c.same is not None], pool) if same else None
    followed = np.asarray(np.sum([c.followed for c in chunks], axis=0), dtype=np.int64)
    antecedent = np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
    return _Counts(
        together,
        both,
        antecedent,
        followed,
        n_baskets,
        # the baskets are in shopper order: each new shopper opens a run (np.unique sorted
        # the 31.8M purchases of a retailer's two years again for this count)
        int(np.count_nonzero(basket_shopper[1:] != basket_shopper[:-1])) + 1,
        x,
        config.chunk_baskets,
    )


@dataclass(frozen=True)
class _ChunkCounts:
    together: sp.csr_matrix
    same: sp.csr_matrix | None
    followed: np.ndarray


def _threads(config: MiningConfig) -> int:
    return config.threads if config.threads > 0 else max(len(os.sched_getaffinity(0)), 1)


def _sum(parts: list[sp.csr_matrix], pool: ThreadPoolExecutor) -> sp.csr_matrix:
    """The sum of same-shaped matrices, added in pairs (each entry is merged about log2 of
    the number of parts times, not once per part as in a running sum), the pairs of a round
    in ``pool``'s threads; ``parts`` is emptied.
    """
    while len(parts) > 1:
        pairs = range(0, len(parts) - 1, 2)
        merged = list(pool.map(lambda i: parts[i] + parts[i + 1], pairs))
        parts[:] = merged + parts[len(merged) * 2 :]
    return parts.pop().tocsr()


def _binary(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    ones = np.ones(rows.size, np.int32)
    return _binary_csr(sp.csr_matrix((ones, (rows, cols)), shape=shape))


def _binary_csr(matrix: sp.spmatrix) -> sp.csr_matrix:
    # int32 counts: a pair is never seen in more than 2^31 baskets, and at a retailer's size
    # the pair matrices are the memory of the mining
    matrix = sp.csr_matrix(matrix, dtype=np.int32)
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def _band(ends: np.ndarray) -> sp.csr_matrix:
    """(n, n) matrix with row r holding ones at columns r … ends[r] - 1."""
    n = ends.size
    lengths = ends - np.arange(n)
    indptr = np.r_[0, np.cumsum(lengths)]
    indices = np.arange(indptr[-1]) - np.repeat(indptr[:-1] - np.arange(n), lengths)
    return sp.csr_matrix((np.ones(indices.size, np.int32), indices, indptr), shape=(n, n))


def _chunks(basket_shopper: np.ndarray, size: int) -> Iterator[tuple[int, int]]:
    """(start, stop) basket ranges of about ``size``, never splitting a shopper."""
    start, n = 0, basket_shopper.size
    while start < n:
        stop = min(start + max(size, 1), n)
        if stop < n:  # move the cut to the next shopper's first basket
            stop = int(np.searchsorted(basket_shopper, basket_shopper[stop - 1], side="right"))
        yield start, stop
        start = stop


def _candidates(
    counts: _Counts, labels: Sequence[str], declared: set[tuple[str, str]], min_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """(antecedent, consequent) label codes of the pairs seen in at least ``min_count``
    baskets, and of every declared pair (seen or not: never together is evidence too).
    """
    together = counts.together.tocoo()
    keep = (together.data >= min_count) & (together.row != together.col)
    index = {label: row for row, label in enumerate(labels)}
    n = max(len(labels), 1)
    extra = [index[a] * n + index[b] for a, b in declared if a in index and b in index and a != b]
    # one integer per pair: unique and sorted by (antecedent, consequent) in one pass
    seen = together.row[keep].astype(np.int64) * n + together.col[keep]
    flat = np.unique(np.concatenate([seen, np.array(extra, np.int64)]))
    return flat // n, flat % n


def _pairs(
    counts: _Counts,
    labels: Sequence[str],
    rows: np.ndarray,
    cols: np.ndarray,
    declared: set[tuple[str, str]],
    config: MiningConfig,
) -> Iterator[MinedPair]:
    """The evidence of each pair ``labels[rows[i]] -> labels[cols[i]]``."""
    seen = _at(counts.together, rows, cols)
    same = counts.same_basket(rows, cols)
    chance = counts.followed / max(counts.baskets, 1)
    for a, b, n, both in zip(rows, cols, seen, same, strict=True):
        pair = (labels[a], labels[b])
        prior = min(1.0, chance[b] * (config.prior_lift if pair in declared else 1.0))
        base = counts.antecedent[a] + config.prior_strength
        yield MinedPair(
            antecedent=pair[0],
            consequent=pair[1],
            count=int(n),
            same_basket=int(both),
            antecedent_baskets=int(counts.antecedent[a]),
            chance=float(chance[b]),
            baskets=counts.baskets,
            smoothed_confidence=float((n + config.prior_strength * prior) / base),
            declared=pair in declared,
        )


def _best_per_antecedent(pairs: Sequence[MinedPair], limit: int) -> tuple[MinedPair, ...]:
    ranked = sorted(pairs, key=lambda p: (p.antecedent, -p.smoothed_lift, p.consequent))
    groups = groupby(ranked, key=lambda p: p.antecedent)
    return tuple(pair for _, group in groups for pair in islice(group, limit))
