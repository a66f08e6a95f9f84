"""The "buy it again" shelf: past purchases in categories people really re-buy.

A past purchase is ranked by how recently it was bought (H&M shoppers re-buy mostly within
days: other sizes, a second colour), how often, and how often its category's articles are
bought again (learned); categories nobody re-buys (a coat, jeans) never appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.habits import CategoryHabit
from recommender.history import UserHistory
from recommender.policy import Policy


@dataclass(frozen=True)
class RebuyConfig:
    """How past purchases are ranked."""

    min_probability: float = 0.02
    """Categories whose articles are re-bought less often than this are left out."""
    recency_days: float = 14.0
    """Age at which a purchase's recency weight halves."""
    unknown_probability: float = 0.05
    """Re-buy probability assumed for items without a known category."""


def rebuy_scores(
    user: UserHistory,
    policy: Policy,
    habits: Mapping[str, CategoryHabit],
    k: int,
    config: RebuyConfig | None = None,
) -> tuple[list[int], list[float], list[str]]:
    """Top ``k`` past purchases: (item rows, scores, reasons), best first."""
    config = config or RebuyConfig()
    bought = user.purchased
    if not bought.any():
        return [], [], []
    items, ages, times = user.items[bought], user.ages[bought], user.times[bought]
    ranked: list[tuple[float, int, str]] = []
    for item in np.unique(items):
        mine = items == item
        probability = _probability(policy, habits, int(item), config)
        if probability < config.min_probability:
            continue
        age = float(ages[mine].min())
        recency = 1.0 / (1.0 + age / config.recency_days)
        score = recency * (1.0 + np.log1p(mine.sum() - 1)) * (0.5 + probability)
        last = pd.Timestamp(times[mine].max())
        ranked.append((score, int(item), f"bought on {last.day} {last.strftime('%b')}"))
    ranked.sort(key=lambda entry: -entry[0])
    top = ranked[:k]
    return [r[1] for r in top], [r[0] for r in top], [r[2] for r in top]


def _probability(
    policy: Policy, habits: Mapping[str, CategoryHabit], item: int, config: RebuyConfig
) -> float:
    name = policy.catalogue.name("category", item)
    if name is None:
        return config.unknown_probability
    plan = policy.tables.plans.get(name)
    habit = habits.get(name)
    learned = habit.article_probability if habit is not None else 0.0
    if plan is not None and plan.rebought:
        return max(learned, config.min_probability)
    return learned
