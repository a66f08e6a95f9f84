"""Purchase habits learned from the interactions, per category.

* **Repurchase**: of the shoppers who bought a category, how many bought it again on a later
  day, after how many days (median), and how often the very same article was bought again.
  The service writes the first two back into the graph (``put_repurchase_stats``).
* **Co-purchase**: which categories shoppers buy together or within the window after one
  another more often than chance (:mod:`recommender.mining`, the same statistics the service
  writes into the graph), the learned half of "what goes with it".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from recommender.catalogue import Catalogue
from recommender.data import Interactions, Vocabulary
from recommender.mining import DEFAULT_MINING, MinedRelations, MiningConfig, mine_categories


@dataclass(frozen=True)
class CategoryHabit:
    """How shoppers re-buy one category."""

    probability: float
    """Share of (shopper, category) pairs with two or more purchases (other days or other
    articles: a second pair of trousers in the same basket also says "not exclusive")."""
    interval_days: float | None
    """Median days between consecutive purchase days in the category (None: never seen)."""
    article_probability: float
    """Share of (shopper, article) pairs bought on two or more days."""
    shoppers: int
    """Shoppers who bought the category (the evidence behind the figures)."""


@dataclass(frozen=True)
class HabitConfig:
    """How habits are learned (the co-purchase fields are :class:`MiningConfig`'s)."""

    copurchase_days: float = DEFAULT_MINING.window_days
    """A purchase on the same day or at most this many days later counts as bought with it."""
    min_lift: float = DEFAULT_MINING.min_lift
    """A category pair is a complement when bought together more than this times chance..."""
    min_pairs: int = DEFAULT_MINING.min_count
    """...in at least this many baskets..."""
    min_z: float = DEFAULT_MINING.min_z
    """...and this many standard deviations above chance."""
    max_complements: int = DEFAULT_MINING.max_per_category
    """Learned complements kept per category."""
    prior_strength: float = DEFAULT_MINING.prior_strength
    """Pseudo-baskets of the hand-written prior in the smoothed confidence."""
    prior_lift: float = DEFAULT_MINING.prior_lift
    """Lift the prior assumes for a declared pair."""

    def mining(self) -> MiningConfig:
        """The mining configuration these fields describe."""
        return replace(
            DEFAULT_MINING,
            window_days=self.copurchase_days,
            min_count=self.min_pairs,
            min_lift=self.min_lift,
            min_z=self.min_z,
            max_per_category=self.max_complements,
            prior_strength=self.prior_strength,
            prior_lift=self.prior_lift,
        )


def categorised_purchases(
    data: Interactions, items: Vocabulary, catalogue: Catalogue
) -> pd.DataFrame:
    """Purchases with their category name and day number (items without category dropped)."""
    buys = data.purchases()
    rows = items.column_rows(buys["item_id"])
    codes = np.where(rows >= 0, catalogue.codes["category"][np.maximum(rows, 0)], -1)
    # categorical columns: hashing and grouping tens of millions of Python strings cost
    # gigabytes at a retailer's size
    names = pd.Index(list(catalogue.names["category"]), dtype=object)
    frame = pd.DataFrame(
        {
            "user_id": buys["user_id"].array,
            "item_id": buys["item_id"].array,
            "category": pd.Categorical.from_codes(codes, categories=names),
            "day": buys["timestamp"].to_numpy().astype("datetime64[D]").astype(np.int64),
        }
    )
    return frame[codes >= 0].drop_duplicates()


def learn_habits(purchases: pd.DataFrame) -> dict[str, CategoryHabit]:
    """Repurchase habits per category from :func:`categorised_purchases` output."""
    days = purchases[["user_id", "category", "day"]].drop_duplicates()
    days = days.sort_values(["user_id", "category", "day"])
    counts = days.groupby(["category", "user_id"]).size()
    distinct = purchases.groupby(["category", "user_id"])["item_id"].nunique()
    more = (counts >= 2) | (distinct.reindex(counts.index) >= 2)
    repeat = more.groupby(level="category").agg(["mean", "size"])
    gaps = days.groupby(["user_id", "category"])["day"].diff().dropna()
    interval = gaps.groupby(days.loc[gaps.index, "category"]).median()
    article_days = purchases[["user_id", "item_id", "category", "day"]].drop_duplicates()
    per_article = article_days.groupby(["category", "user_id", "item_id"]).size()
    article_repeat = (per_article >= 2).groupby(level="category").mean()
    intervals = {str(cat): float(days) for cat, days in interval.items()}
    articles = {str(cat): float(share) for cat, share in article_repeat.items()}
    return {
        str(cat): CategoryHabit(
            probability=float(share),
            interval_days=intervals.get(str(cat)),
            article_probability=articles.get(str(cat), 0.0),
            shoppers=int(size),
        )
        for cat, share, size in zip(repeat.index, repeat["mean"], repeat["size"], strict=True)
    }


def learn_complements(
    purchases: pd.DataFrame,
    config: HabitConfig,
    slots: Mapping[str, str | None] | None = None,
    prior: Mapping[str, Sequence[str]] | None = None,
) -> MinedRelations:
    """Categories bought with or soon after each category more than chance (``by_category``:
    best first), and the declared pairs the data refutes.

    Args:
        purchases: :func:`categorised_purchases` output.
        config: Window and thresholds.
        slots: Category -> outfit slot; same-slot pairs are substitutes, not complements.
        prior: Category -> the complements a hand-written table declares.
    """
    return mine_categories(purchases, slots or {}, prior, config.mining())


def merge_complements(
    known: Mapping[str, Sequence[str]],
    learned: Mapping[str, Sequence[str]],
    refuted: Iterable[tuple[str, str]] = (),
) -> dict[str, tuple[str, ...]]:
    """Complements from the graph first, then learned ones, without repeats, less the
    ``(category, complement)`` pairs the data refutes.
    """
    against = set(refuted)
    merged: dict[str, tuple[str, ...]] = {}
    for category in set(known) | set(learned):
        both = (*known.get(category, ()), *learned.get(category, ()))
        kept = (c for c in dict.fromkeys(both) if (category, c) not in against)
        merged[category] = tuple(kept)
    return merged
