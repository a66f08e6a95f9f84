"""Ranking metrics on one shopper's list, and their confidence intervals over shoppers.

Definitions (``recommended`` is a ranked list, ``relevant`` the set of items bought in the test
period, binary relevance):

* ``average_precision@k`` as in the H&M competition: ``Σ_{i≤k} P(i)·rel(i) / min(|relevant|, k)``;
  its mean over shoppers is MAP@12.
* ``recall@k = |top k ∩ relevant| / |relevant|``; ``hit@k`` = 1 when the intersection is not empty.
* ``ndcg@k`` with gains ``1/log2(rank+1)`` and the ideal list of ``min(|relevant|, k)`` hits.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from typing import TypeVar

import numpy as np

Item = TypeVar("Item", bound=Hashable)


def average_precision(
    recommended: Sequence[Item], relevant: Collection[Item], k: int = 12
) -> float:
    """Average precision at ``k`` (H&M competition definition); 0 when nothing is relevant."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, item in enumerate(recommended[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k)


def recall(recommended: Sequence[Item], relevant: Collection[Item], k: int) -> float:
    """Share of the relevant items found in the top ``k``."""
    if not relevant:
        return 0.0
    return len(set(recommended[:k]) & set(relevant)) / len(relevant)


def hit(recommended: Sequence[Item], relevant: Collection[Item], k: int) -> float:
    """1.0 when the top ``k`` holds any relevant item."""
    return float(bool(set(recommended[:k]) & set(relevant)))


def ndcg(recommended: Sequence[Item], relevant: Collection[Item], k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` (binary gains)."""
    if not relevant:
        return 0.0
    gains = [
        1.0 / np.log2(rank + 1) for rank, item in enumerate(recommended[:k], 1) if item in relevant
    ]
    ideal = sum(1.0 / np.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return float(sum(gains) / ideal)


def bootstrap_interval(
    values: Sequence[float] | np.ndarray, samples: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean over shoppers (``samples`` 0: no resampling,
    the mean at both ends).
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return (0.0, 0.0)
    if samples <= 0:
        return (float(data.mean()), float(data.mean()))
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, (samples, data.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    return (float(np.quantile(means, tail)), float(np.quantile(means, 1.0 - tail)))


def coverage(lists: Sequence[Sequence[str]], catalogue_size: int) -> float:
    """Share of the catalogue that appears in any list."""
    shown = {item for items in lists for item in items}
    return len(shown) / catalogue_size if catalogue_size else 0.0


def novelty(lists: Sequence[Sequence[str]], sales: dict[str, float], total: float) -> float:
    """Mean self-information ``-log2(share of sales)`` of the recommended items (unsold: 1 sale)."""
    values = [
        -np.log2(max(sales.get(item, 0.0), 1.0) / max(total, 1.0))
        for items in lists
        for item in items
    ]
    return float(np.mean(values)) if values else 0.0
