"""Behavioural signals the ranking stage reads: co-purchases, sales over time, segments.

Everything here is learned from the purchase events and the coded catalogue alone, so it works
on any retailer's feed: ``Signals.fit`` counts, per item,

* **co-purchases**: how often two articles are bought by one shopper within ``basket_days`` of
  each other (confidence ``P(j | i)`` and lift), the ``neighbours`` strongest kept per article;
* **sales per day**, so the time-decayed trend can be read *as of any moment* (offline test
  shoppers are served at different dates; serving reads it as of now);
* the **catalogue groups** (department, category, department × colour family) whose trending
  members the segment, complement and attribute sources draw from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recommender.catalogue import Catalogue
from recommender.data import Interactions, Vocabulary
from recommender.groups import Groups

SIGNALS_FILE = "signals.npz"


@dataclass(frozen=True)
class SignalConfig:
    """How the behavioural signals are counted."""

    basket_days: float = 7.0
    """Two purchases of one shopper at most this far apart count as bought together."""
    neighbours: int = 50
    """Co-purchase neighbours kept per article."""
    trend_days: float = 7.0
    """Sales of the last ``trend_days`` make an article's trend."""
    trend_half_life: float = 3.0
    """...each day's sales counting half after this many days."""


def purchase_rows(
    data: Interactions, users: Vocabulary, items: Vocabulary
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Purchases as (user rows, item rows, day numbers), unknown ids dropped."""
    buys = data.purchases()
    user = users.column_rows(buys["user_id"])
    item = items.column_rows(buys["item_id"])
    day = buys["timestamp"].to_numpy().astype("datetime64[D]").astype(np.int64)
    keep = (user >= 0) & (item >= 0)
    return user[keep], item[keep], day[keep]


def basket_presence(
    user: np.ndarray, item: np.ndarray, day: np.ndarray, n_items: int, config: SignalConfig
) -> sp.csr_matrix:
    """Baskets × items 0/1 matrix; a basket is one shopper's purchases within one
    ``basket_days`` bucket of days (cheap, and close to "bought within a few days").
    """
    if item.size == 0:
        return sp.csr_matrix((0, n_items), dtype=np.float32)
    bucket = np.floor_divide(day - day.min(), max(int(config.basket_days), 1))
    keys = user.astype(np.int64) * (int(bucket.max()) + 1) + bucket
    _, basket = np.unique(keys, return_inverse=True)
    presence = sp.csr_matrix(
        (np.ones(item.size, np.float32), (basket, item)), shape=(int(basket.max()) + 1, n_items)
    )
    presence.sum_duplicates()
    presence.data[:] = 1.0  # an article twice in a basket counts once
    return presence


def confidence(presence: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """``P(j in basket | i in basket)`` (diagonal dropped) and baskets holding each column."""
    counts = np.asarray(presence.sum(axis=0)).ravel()
    together = (presence.T @ presence).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    scale = sp.diags((1.0 / np.maximum(counts, 1.0)).astype(np.float32))
    return (scale @ together).tocsr(), counts


def category_confidence(presence: sp.csr_matrix, categories: np.ndarray) -> np.ndarray:
    """Dense ``P(category b in basket | category a in basket)``; the last row and column
    (code -1) stay 0.
    """
    n_codes = int(categories.max(initial=-1)) + 1
    known = np.flatnonzero(categories >= 0)
    onehot = sp.csr_matrix(
        (np.ones(known.size, np.float32), (known, categories[known])),
        shape=(presence.shape[1], n_codes),
    )
    per_basket = (presence @ onehot).tocsr()
    per_basket.data[:] = 1.0
    conf, _ = confidence(per_basket)
    dense = np.zeros((n_codes + 1, n_codes + 1), np.float32)
    dense[:n_codes, :n_codes] = conf.toarray()
    return dense


def _keep_best(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """The ``k`` largest entries of each row."""
    indptr, indices, data = [0], [], []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values, cols = matrix.data[start:end], matrix.indices[start:end]
        if values.size > k:
            best = np.argpartition(-values, k - 1)[:k]
            values, cols = values[best], cols[best]
        indices.append(cols)
        data.append(values)
        indptr.append(indptr[-1] + values.size)
    return sp.csr_matrix(
        (
            np.concatenate(data).astype(np.float32) if data else np.zeros(0, np.float32),
            np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
            np.asarray(indptr),
        ),
        shape=matrix.shape,
    )


class Signals:
    """Co-purchases, sales per day and catalogue groups of one training window."""

    def __init__(self, config: SignalConfig | None = None) -> None:
        self.config = config or SignalConfig()
        self.confidence = sp.csr_matrix((0, 0), dtype=np.float32)
        self.category_confidence = np.zeros((1, 1), np.float32)
        self.baskets = np.zeros(0)
        self.daily = sp.csr_matrix((0, 0), dtype=np.float32)
        self.first_day = 0
        self.last_day = 0
        self.total = np.zeros(0, np.float32)
        self._trend_cache: tuple[int, np.ndarray] | None = None
        self._sales_cache: tuple[int, np.ndarray] | None = None
        self._sold_cache: tuple[int, np.ndarray, np.ndarray] | None = None

    def fit(
        self, data: Interactions, users: Vocabulary, items: Vocabulary, categories: np.ndarray
    ) -> Signals:
        """Count the signals of ``data`` over the columns of ``items``.

        Args:
            data: The events (purchases are read).
            users: Row vocabulary of the shoppers.
            items: Column vocabulary of the catalogue.
            categories: (n_items,) category code of each column (-1: unknown).
        """
        user, item, day = purchase_rows(data, users, items)
        n_items = len(items)
        presence = basket_presence(user, item, day, n_items, self.config)
        conf, self.baskets = confidence(presence)
        self.confidence = _keep_best(conf, self.config.neighbours)
        self.category_confidence = category_confidence(presence, categories)
        self.first_day = int(day.min()) if day.size else 0
        self.last_day = int(day.max()) if day.size else 0
        span = self.last_day - self.first_day + 1
        self.daily = sp.csr_matrix(
            (np.ones(item.size, np.float32), (day - self.first_day, item)), shape=(span, n_items)
        )
        self.daily.sum_duplicates()
        self.total = np.asarray(self.daily.sum(axis=0), dtype=np.float32).ravel()
        self._trend_cache = None
        self._sales_cache = None
        self._sold_cache = None
        return self

    @property
    def n_items(self) -> int:
        """Item columns the signals cover."""
        return int(self.total.size)

    def trend(self, day: int) -> np.ndarray:
        """Decayed sales of the ``trend_days`` before ``day`` (a day number), per item."""
        cached = self._trend_cache
        if cached is not None and cached[0] == day:
            return cached[1]
        end = min(day, self.last_day + 1) - self.first_day
        start = max(end - int(np.ceil(self.config.trend_days)), 0)
        trend = np.zeros(self.n_items, np.float32)
        if end > start:
            ages = (day - self.first_day - np.arange(start, end)).astype(np.float64)
            weights = np.power(0.5, (ages - 1.0) / self.config.trend_half_life)
            trend = np.asarray(self.daily[start:end].T @ weights, dtype=np.float32).ravel()
        trend.flags.writeable = False
        self._trend_cache = (day, trend)
        return trend

    def sales_before(self, day: int) -> np.ndarray:
        """Units sold per item before ``day`` (what was known then)."""
        cached = self._sales_cache
        if cached is not None and cached[0] == day:
            return cached[1]
        end = min(day, self.last_day + 1) - self.first_day
        sales = np.asarray(self.daily[: max(end, 0)].sum(axis=0), dtype=np.float32).ravel()
        sales.flags.writeable = False
        self._sales_cache = (day, sales)
        return sales

    def sold_days(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Days since each item's first and last sale before ``day`` (inf: never sold)."""
        cached = self._sold_cache
        if cached is not None and cached[0] == day:
            return cached[1], cached[2]
        end = min(day, self.last_day + 1) - self.first_day
        window = self.daily[: max(end, 0)].tocsc()
        first = np.full(self.n_items, np.inf, np.float32)
        last = np.full(self.n_items, np.inf, np.float32)
        counts = np.diff(window.indptr)
        sold = np.flatnonzero(counts)
        if sold.size:
            starts, ends = window.indptr[sold], window.indptr[sold + 1] - 1
            rows = window.indices
            # indices are sorted within each column after tocsc's canonicalisation
            first[sold] = day - self.first_day - rows[starts]
            last[sold] = day - self.first_day - rows[ends]
        self._sold_cache = (day, first, last)
        return first, last

    def neighbours(self, items: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Co-purchase score of every item: Σ weight_i · P(j | i) over the given items."""
        rows, scores = self.neighbour_scores(items, weights)
        dense = np.zeros(self.n_items, np.float32)
        dense[rows] = scores
        return dense

    def neighbour_scores(
        self, items: np.ndarray, weights: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`neighbours` at the items it scores above 0: (rows ascending, scores)."""
        owner, cols, values = self._kept_rows(items)
        if cols.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows, at = np.unique(cols, return_inverse=True)
        scores = np.bincount(at, weights=values * weights[owner], minlength=rows.size)
        positive = scores > 0
        return rows[positive].astype(np.int64), scores[positive].astype(np.float32)

    def confidence_at(self, items: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """``P(targets[j] | items[i])`` as kept (0 where not a kept neighbour), shape
        (len(items), len(targets)).
        """
        owner, cols, values = self._kept_rows(items)
        distinct, back = np.unique(targets, return_inverse=True)
        result = np.zeros((items.size, distinct.size), np.float32)
        if cols.size and distinct.size:
            at = np.minimum(np.searchsorted(distinct, cols), distinct.size - 1)
            hit = distinct[at] == cols
            result[owner[hit], at[hit]] = values[hit]
        return result[:, back.ravel()]

    def _kept_rows(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kept neighbours of ``items`` as flat arrays: (index into ``items``, column,
        confidence). Read straight from the CSR arrays: at serving, one shopper's few rows
        cost microseconds this way and a sparse slice's bookkeeping ten times more.
        """
        conf = self.confidence
        if items.size == 0 or conf.shape[0] == 0:
            empty = np.zeros(0, np.int64)
            return empty, empty, np.zeros(0, np.float32)
        starts, ends = conf.indptr[items], conf.indptr[items + 1]
        lengths = (ends - starts).astype(np.int64)
        total = int(lengths.sum())
        owner = np.repeat(np.arange(items.size), lengths)
        # position j of the flat run maps to starts[owner] + (j - first position of owner)
        firsts = np.cumsum(lengths) - lengths
        flat = np.arange(total) - np.repeat(firsts, lengths) + np.repeat(starts, lengths)
        return owner, conf.indices[flat].astype(np.int64), conf.data[flat]

    def save(self, directory: Path) -> None:
        """Write the counted arrays."""
        np.savez(
            directory / SIGNALS_FILE,
            conf_data=self.confidence.data,
            conf_indices=self.confidence.indices,
            conf_indptr=self.confidence.indptr,
            conf_shape=np.asarray(self.confidence.shape),
            baskets=self.baskets,
            category_confidence=self.category_confidence,
            daily_data=self.daily.data,
            daily_indices=self.daily.indices,
            daily_indptr=self.daily.indptr,
            daily_shape=np.asarray(self.daily.shape),
            days=np.asarray([self.first_day, self.last_day]),
        )

    def load(self, directory: Path) -> Signals:
        """Read what :meth:`save` wrote."""
        with np.load(directory / SIGNALS_FILE, allow_pickle=False) as a:
            self.confidence = sp.csr_matrix(
                (a["conf_data"], a["conf_indices"], a["conf_indptr"]), shape=tuple(a["conf_shape"])
            )
            self.baskets = a["baskets"]
            self.category_confidence = a["category_confidence"]
            self.daily = sp.csr_matrix(
                (a["daily_data"], a["daily_indices"], a["daily_indptr"]),
                shape=tuple(a["daily_shape"]),
            )
            self.first_day, self.last_day = (int(v) for v in a["days"])
        self.total = np.asarray(self.daily.sum(axis=0), dtype=np.float32).ravel()
        self._trend_cache = None
        self._sales_cache = None
        self._sold_cache = None
        return self


def trending_members(groups: Groups, trend: np.ndarray, per_group: int) -> dict[int, np.ndarray]:
    """The ``per_group`` most trending members of every group, best first."""
    best: dict[int, np.ndarray] = {}
    for code in range(int(groups.codes.max(initial=-1)) + 1):
        members = groups.members(code)
        if members.size == 0:
            continue
        size = min(per_group, members.size)
        top = members[np.argpartition(-trend[members], size - 1)[:size]]
        best[code] = top[np.argsort(-trend[top], kind="stable")]
    return best


def catalogue_groups(catalogue: Catalogue, field: str) -> Groups:
    """Members of each concept of a catalogue field."""
    return Groups(catalogue.codes[field])
