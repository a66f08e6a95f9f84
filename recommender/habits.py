"""Purchase habits learned from the interactions, per category.

* **Repurchase**: of the shoppers who bought a category, how many bought it again on a later
  day, after how many days (median), and how often the very same article was bought again.
  The service writes the first two back into the graph (``put_repurchase_stats``).
* **Co-purchase**: which categories shoppers buy within a few days of each other more often
  than chance (lift), the learned half of "what goes with it".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.catalogue import Catalogue
from recommender.data import Interactions, Vocabulary


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
    """How habits are learned."""

    copurchase_days: float = 14.0
    """Two purchases at most this far apart count as bought together."""
    min_lift: float = 1.5
    """A category pair is a complement when bought together this many times more than chance."""
    min_pairs: int = 3
    """...and by at least this many shoppers."""
    max_complements: int = 6
    """Learned complements kept per category."""


def categorised_purchases(
    data: Interactions, items: Vocabulary, catalogue: Catalogue
) -> pd.DataFrame:
    """Purchases with their category name and day number (items without category dropped)."""
    buys = data.purchases()
    rows = items.rows(buys["item_id"].tolist())
    codes = np.where(rows >= 0, catalogue.codes["category"][np.maximum(rows, 0)], -1)
    names = np.array(catalogue.names["category"] + ("",), dtype=object)
    frame = pd.DataFrame(
        {
            "user_id": buys["user_id"].to_numpy(),
            "item_id": buys["item_id"].to_numpy(),
            "category": names[codes],
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


def learn_complements(purchases: pd.DataFrame, config: HabitConfig) -> dict[str, tuple[str, ...]]:
    """Categories bought within ``copurchase_days`` of each other more than chance."""
    firsts = purchases.groupby(["user_id", "category"], as_index=False)["day"].min()
    pairs = firsts.merge(firsts, on="user_id", suffixes=("_a", "_b"))
    near = (pairs["category_a"] != pairs["category_b"]) & (
        (pairs["day_b"] - pairs["day_a"]).abs() <= config.copurchase_days
    )
    together = pairs[near].groupby(["category_a", "category_b"]).size()
    shoppers = firsts.groupby("category").size()
    total = max(firsts["user_id"].nunique(), 1)
    expected = (
        shoppers.reindex(together.index.get_level_values(0)).to_numpy()
        * shoppers.reindex(together.index.get_level_values(1)).to_numpy()
        / total
    )
    lift = pd.Series(together.to_numpy() / np.maximum(expected, 1e-9), together.index)
    good = lift[(lift >= config.min_lift) & (together >= config.min_pairs)]
    result: dict[str, tuple[str, ...]] = {}
    for (left, right), _ in good.sort_values(ascending=False).items():
        kept = result.setdefault(str(left), ())
        if len(kept) < config.max_complements:
            result[str(left)] = (*kept, str(right))
    return result


def merge_complements(
    known: Mapping[str, Sequence[str]], learned: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """Complements from the graph first, then learned ones, without repeats."""
    merged: dict[str, tuple[str, ...]] = {}
    for category in set(known) | set(learned):
        both = (*known.get(category, ()), *learned.get(category, ()))
        merged[category] = tuple(dict.fromkeys(both))
    return merged
