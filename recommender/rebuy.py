"""The "buy it again" shelf: past purchases in categories people really re-buy.

A past purchase is ranked by how recently it was bought (H&M shoppers re-buy mostly within
days: other sizes, a second colour), how often, and how often its category's articles are
bought again (learned); categories the graph declares durable (a coat, jeans) never appear.
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

    min_probability: float = 0.0
    """Categories whose articles are re-bought less often than this are left out (0 keeps
    all: a week of interactions says little, and recency alone is a strong signal)."""
    recency_days: float = 14.0
    """Age at which a purchase's recency weight halves."""
    unknown_probability: float = 0.05
    """Re-buy probability assumed for items without a known category."""
    count_weight: float = 1.0
    """How much buying an article on several occasions raises it."""
    probability_weight: float = 2.0
    """How much the category's learned re-buy probability raises it."""


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
        if probability < max(config.min_probability, 0.0):
            continue
        age = float(ages[mine].min())
        recency = 1.0 / (1.0 + age / config.recency_days)
        often = 1.0 + config.count_weight * np.log1p(mine.sum() - 1)
        score = recency * often * (1.0 + config.probability_weight * probability)
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
    if plan is not None and plan.declared and plan.durable and not plan.rebought:
        return -1.0  # the graph says people do not buy this again (a coat, jeans)
    habit = habits.get(name)
    learned = habit.article_probability if habit is not None else 0.0
    if plan is not None and plan.rebought:
        return max(learned, config.min_probability)
    return learned
