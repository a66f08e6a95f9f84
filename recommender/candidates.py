"""Candidate sources and ranking features of one shopper.

Each source proposes a few dozen articles cheaply; the union (minus every style the shopper
bought) is what the learned ranker orders:

* ``model``: the embedding model's best scores (ALS by default);
* ``copurchase``: articles bought together with the shopper's recent purchases;
* ``trending``: the time-decayed best sellers of the moment;
* ``segment``: trending articles of the departments the shopper buys from;
* ``complement``: trending articles of categories bought with (or declared to go with) the
  categories of recent purchases;
* ``attribute``: trending articles sharing department and colour family with a recent purchase.

Features describe the candidate for this shopper: each source's score and rank, which sources
found it, trend and newness, and how its department, category, slot and colour family relate to
what the shopper bought (shares, a recent purchase of the same category, the mined category
co-purchase confidence, a declared complement).

Feeds differ: a source whose catalogue field no item has (no departments, say) is skipped, and
:func:`feed_notes` says what a feed without timestamps or without a field cannot give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from recommender.catalogue import Catalogue
from recommender.groups import Groups
from recommender.history import UserHistory
from recommender.signals import Signals, trending_members

SOURCES = ("model", "copurchase", "trending", "segment", "complement", "attribute")
GROUP_FIELDS = ("department", "category", "slot", "colour")
FEATURES = (
    "model_score",
    "model_rank",
    "copurchase_score",
    "copurchase_rank",
    "trend",
    "trend_rank",
    "sales_total",
    "days_since_last_sale",
    "days_since_first_sale",
    *(f"share_{field}" for field in GROUP_FIELDS),
    "share_department_colour",
    "same_category_days",
    "category_confidence",
    "declared_complement",
    "sources",
    *(f"from_{source}" for source in SOURCES),
    "shopper_purchases",
    "shopper_days_since_last",
    "shopper_days_active",
)
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "segment": ("department",),
    "complement": ("category",),
    "attribute": ("department", "colour"),
}
"""Catalogue fields each grouped source draws its groups from (skipped when one is unknown
for every item)."""
FIELD_FEATURES: dict[str, tuple[str, ...]] = {
    "style": (),
    "department": ("share_department", "share_department_colour"),
    "category": (
        "share_category",
        "same_category_days",
        "category_confidence",
        "declared_complement",
    ),
    "slot": ("share_slot",),
    "colour": ("share_colour", "share_department_colour"),
}
"""Features that hold one constant value when a catalogue field is unknown for every item."""
TIME_FEATURES = ("days_since_last_sale", "days_since_first_sale", "shopper_days_since_last")
"""Features that hold one constant value when every event has the same time."""


def missing_fields(catalogue: Catalogue) -> tuple[str, ...]:
    """The catalogue fields no item has (``FIELD_FEATURES`` order)."""
    return tuple(f for f in FIELD_FEATURES if not (catalogue.codes[f] >= 0).any())


def skipped_sources(missing: Sequence[str]) -> tuple[str, ...]:
    """The sources that need one of the ``missing`` fields."""
    return tuple(s for s, fields in SOURCE_FIELDS.items() if set(fields) & set(missing))


def feed_notes(missing: Sequence[str], timed: bool) -> list[str]:
    """What the ranking stage cannot use of a feed, one sentence each.

    Args:
        missing: Catalogue fields no item has (:func:`missing_fields`).
        timed: Whether the events carry more than one day.
    """
    notes = []
    if not timed:
        notes.append(
            "no timestamps: labels are a random hold-out of each shopper's articles, "
            "'trending' proposes plain best sellers, and the features "
            f"{', '.join(TIME_FEATURES)} are unused"
        )
    if "style" in missing:
        notes.append(
            "no style in the item attributes: a shopper's bought articles are left out, "
            "not the other articles (colourways) of their styles"
        )
    for field in missing:
        parts = []
        sources = skipped_sources([field])
        if sources:
            noun = "sources" if len(sources) > 1 else "source"
            parts.append(f"{noun} {', '.join(sources)} skipped")
        if FIELD_FEATURES[field]:
            parts.append(f"features {', '.join(FIELD_FEATURES[field])} unused")
        if parts:
            notes.append(f"no {field} in the item attributes: {'; '.join(parts)}")
    return notes


@dataclass(frozen=True)
class SourceConfig:
    """How many candidates each source proposes."""

    per_source: int = 80
    """Best articles taken from each scored source (model, co-purchase, trending)."""
    per_group: int = 12
    """Trending articles taken from each department/category/attribute group."""
    groups: int = 3
    """Groups per grouped source (the shopper's strongest)."""
    recent_days: float = 30.0
    """Purchases this recent drive the co-purchase, complement and attribute sources."""


class CandidateContext:
    """The fitted tables the sources read: signals, catalogue groups, complements."""

    def __init__(
        self,
        signals: Signals,
        catalogue: Catalogue,
        complements: Mapping[int, Sequence[int]],
        config: SourceConfig,
    ) -> None:
        self.signals = signals
        self.catalogue = catalogue
        self.complements = complements
        self.config = config
        codes = catalogue.codes
        n_colours = len(catalogue.names["colour"]) + 1
        self.department_colour = np.where(
            (codes["department"] >= 0) & (codes["colour"] >= 0),
            codes["department"] * n_colours + codes["colour"],
            -1,
        ).astype(np.int64)
        self.groups = {
            "department": Groups(codes["department"]),
            "category": Groups(codes["category"]),
            "department_colour": Groups(self.department_colour),
        }
        self.styles = Groups(codes["style"])
        self.skipped = skipped_sources(missing_fields(catalogue))
        self._members: dict[tuple[str, int], dict[int, np.ndarray]] = {}
        self._trend_order: tuple[int, np.ndarray, np.ndarray] | None = None

    def trending_in(self, field: str, day: int) -> dict[int, np.ndarray]:
        """Trending members of every group of ``field`` as of ``day`` (kept per day)."""
        key = (field, day)
        found = self._members.get(key)
        if found is None:
            if len(self._members) > 64:
                self._members.clear()
            found = trending_members(
                self.groups[field], self.signals.trend(day), self.config.per_group
            )
            self._members[key] = found
        return found

    def trend_rank(self, day: int) -> np.ndarray:
        """Rank of every item by its trend as of ``day`` (0: best)."""
        return self._trend(day)[2]

    def trend_order(self, day: int) -> np.ndarray:
        """Item rows by trend as of ``day``, best first (ties by row)."""
        return self._trend(day)[1]

    def _trend(self, day: int) -> tuple[int, np.ndarray, np.ndarray]:
        cached = self._trend_order
        if cached is not None and cached[0] == day:
            return cached
        trend = self.signals.trend(day)
        order = np.argsort(-trend, kind="stable")
        rank = np.empty(trend.size, np.float32)
        rank[order] = np.arange(trend.size, dtype=np.float32)
        cached = (day, order, rank)
        self._trend_order = cached  # one assignment: safe across serving threads
        return cached

    def allowed(self, shopper: Shopper) -> np.ndarray:
        """(n_items,) False for the articles of every style the shopper bought."""
        allowed = np.ones(self.signals.n_items, bool)
        if shopper.bought.size:
            owned = np.unique(self.styles.codes[shopper.bought])
            members = [self.styles.members(int(code)) for code in owned[owned >= 0]]
            allowed[np.concatenate([shopper.bought, *members])] = False
        return allowed


@dataclass(frozen=True)
class Shopper:
    """What the sources need to know about one shopper.

    Attributes:
        bought: Item rows of every purchase.
        ages: Days since each purchase.
        day: The moment served, as a day number.
        weights: Recency weight of each purchase.
    """

    bought: np.ndarray
    ages: np.ndarray
    day: int
    weights: np.ndarray

    @classmethod
    def of(cls, history: UserHistory, day: int, recent_days: float) -> Shopper:
        """Purchases with recency weights (halving every ``recent_days``)."""
        bought = history.items[history.purchased]
        ages = history.ages[history.purchased]
        return cls(bought, ages, day, np.power(0.5, ages / max(recent_days, 1e-9)))


def _top(rows: np.ndarray, scores: np.ndarray, size: int, allowed: np.ndarray) -> np.ndarray:
    """Of ``rows`` (scored ``scores``), the ``size`` best allowed ones with positive scores."""
    keep = allowed[rows] & (scores > 0)
    rows, scores = rows[keep], scores[keep]
    if rows.size <= size:
        return rows.astype(np.int64)
    return rows[np.argpartition(-scores, size - 1)[:size]].astype(np.int64)


def _first(order: np.ndarray, scores: np.ndarray, size: int, allowed: np.ndarray) -> np.ndarray:
    """The first ``size`` allowed rows of ``order`` with positive scores (a growing prefix, so
    a shopper who bought a few styles costs O(size), not O(catalogue)).
    """
    window = 4 * size
    while True:
        head = order[:window]
        picked = head[allowed[head] & (scores[head] > 0)]
        if picked.size >= size or window >= order.size:
            return np.asarray(picked[:size], np.int64)
        window *= 4


def _shares(codes: np.ndarray, bought: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Recency-weighted share of the shopper's purchases per code (last entry: unknown)."""
    picked = codes[bought]
    share = np.zeros(size + 1, np.float32)
    known = picked >= 0
    np.add.at(share, picked[known], weights[known])
    total = float(weights.sum())
    return share / total if total > 0 else share


def gather(
    context: CandidateContext,
    shopper: Shopper,
    model: tuple[np.ndarray, np.ndarray],
    allowed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The union of every source's candidates, and each source's dense scores used.

    Args:
        context: The fitted tables.
        shopper: The shopper.
        model: (rows, scores) the embedding model scored for this shopper: every item, or its
            shortlist of likely best items on a large catalogue.
        allowed: (n_items,) False for articles of styles the shopper bought.

    Returns:
        (rows, found, copurchase): candidate rows; (rows, sources) 0/1 matrix of which source
        found each; the dense co-purchase scores.
    """
    config, signals = context.config, context.signals
    recent = shopper.ages <= config.recent_days
    if not recent.any() and shopper.bought.size:
        recent = shopper.ages <= shopper.ages.min()
    bought_with, together = signals.neighbour_scores(
        shopper.bought[recent], shopper.weights[recent]
    )
    copurchase = np.zeros(signals.n_items, np.float32)
    copurchase[bought_with] = together
    trend = signals.trend(shopper.day)
    proposed: list[np.ndarray] = [
        _top(*model, config.per_source, allowed) if shopper.bought.size else np.zeros(0, int),
        _top(bought_with, together, config.per_source, allowed),
        _first(context.trend_order(shopper.day), trend, config.per_source, allowed),
        _grouped(context, "department", _strongest(context, shopper, "department"), shopper),
        _grouped(context, "category", _complement_codes(context, shopper, recent), shopper),
        _grouped(
            context,
            "department_colour",
            np.unique(context.department_colour[shopper.bought[recent]]),
            shopper,
        ),
    ]
    for source in context.skipped:  # their groups are all unknown: nothing to propose
        proposed[SOURCES.index(source)] = np.zeros(0, np.int64)
    proposed = [rows[allowed[rows]] if rows.size else rows.astype(np.int64) for rows in proposed]
    rows = np.unique(np.concatenate(proposed)).astype(np.int64)
    found = np.zeros((rows.size, len(SOURCES)), np.float32)
    for column, picked in enumerate(proposed):
        found[np.searchsorted(rows, picked), column] = 1.0
    return rows, found, copurchase


def _strongest(context: CandidateContext, shopper: Shopper, field: str) -> np.ndarray:
    codes = context.catalogue.codes[field][shopper.bought]
    keep = codes >= 0
    if not keep.any():
        return np.zeros(0, np.int64)
    weight = np.bincount(codes[keep], weights=shopper.weights[keep])
    order = np.argsort(-weight, kind="stable")[: context.config.groups]
    return order[weight[order] > 0]


def _complement_codes(
    context: CandidateContext, shopper: Shopper, recent: np.ndarray
) -> np.ndarray:
    """Categories mined or declared to go with the categories of recent purchases."""
    categories = np.unique(context.catalogue.codes["category"][shopper.bought[recent]])
    categories = categories[categories >= 0]
    if categories.size == 0:
        return np.zeros(0, np.int64)
    mined = context.signals.category_confidence[categories].max(axis=0)[:-1].copy()
    for code in categories.tolist():
        for other in context.complements.get(code, ()):
            mined[other] = max(mined[other], 1.0)
    mined[categories] = 0.0  # the same category is a substitute, not a complement
    order = np.argsort(-mined, kind="stable")[: context.config.groups]
    return np.asarray(order[mined[order] > 0])


def _grouped(
    context: CandidateContext, field: str, codes: np.ndarray, shopper: Shopper
) -> np.ndarray:
    members = context.trending_in(field, shopper.day)
    picked = [members[int(c)] for c in codes.tolist() if int(c) in members]
    return np.concatenate(picked).astype(np.int64) if picked else np.zeros(0, np.int64)


def features(
    context: CandidateContext,
    shopper: Shopper,
    rows: np.ndarray,
    found: np.ndarray,
    model: np.ndarray,
    copurchase: np.ndarray,
) -> np.ndarray:
    """(len(rows), len(FEATURES)) float32 feature matrix of the candidates.

    Args:
        context: The fitted tables.
        shopper: The shopper.
        rows: The candidates.
        found: (len(rows), sources) which source found each.
        model: (len(rows),) the embedding model's scores of the candidates.
        copurchase: (n_items,) the dense co-purchase scores :func:`gather` returned.
    """
    signals, codes = context.signals, context.catalogue.codes
    day = shopper.day
    columns: list[np.ndarray] = []
    columns += [model, _rank(model)]
    co = copurchase[rows]
    columns += [co, np.where(co > 0, _rank(co), np.nan)]
    trend = signals.trend(day)
    columns += [
        trend[rows],
        context.trend_rank(day)[rows],
        np.log1p(signals.sales_before(day)[rows]),
    ]
    first, last = signals.sold_days(day)
    columns += [
        np.where(np.isfinite(last[rows]), last[rows], np.nan),
        np.where(np.isfinite(first[rows]), first[rows], np.nan),
    ]
    bought, weights = shopper.bought, shopper.weights
    for field in GROUP_FIELDS:
        size = len(context.catalogue.names[field])
        share = _shares(codes[field], bought, weights, size)
        columns.append(share[codes[field][rows]])
    pair = context.department_colour
    picked = pair[bought]
    matches = (pair[rows][:, None] == picked[None, :]) & (picked[None, :] >= 0)
    total = float(weights.sum()) or 1.0
    columns.append((matches * weights[None, :]).sum(axis=1) / total)
    category = codes["category"][rows]
    bought_category = codes["category"][bought]
    same = (category[:, None] == bought_category[None, :]) & (bought_category[None, :] >= 0)
    ages = np.where(same, shopper.ages[None, :], np.inf).min(axis=1) if bought.size else None
    columns.append(
        np.where(np.isfinite(ages), ages, np.nan)
        if ages is not None
        else np.full(rows.size, np.nan)
    )
    recent = bought_category[(shopper.ages <= context.config.recent_days) & (bought_category >= 0)]
    if recent.size:
        conf = context.signals.category_confidence[np.unique(recent)][:, category].max(axis=0)
        declared = {o for c in np.unique(recent).tolist() for o in context.complements.get(c, ())}
        columns += [conf, np.isin(category, list(declared)).astype(np.float32)]
    else:
        columns += [np.zeros(rows.size), np.zeros(rows.size)]
    columns.append(found.sum(axis=1))
    columns += [found[:, j] for j in range(found.shape[1])]
    purchase_days = np.unique(np.floor(shopper.ages))
    columns += [
        np.full(rows.size, float(bought.size)),
        np.full(rows.size, float(shopper.ages.min()) if bought.size else np.nan),
        np.full(rows.size, float(purchase_days.size)),
    ]
    return np.column_stack(columns).astype(np.float32)


def _rank(values: np.ndarray) -> np.ndarray:
    """Rank among the candidates (0: best)."""
    rank = np.empty(values.size, np.float32)
    rank[np.argsort(-values, kind="stable")] = np.arange(values.size, dtype=np.float32)
    return rank
