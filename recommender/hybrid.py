"""A hybrid that fuses the scores of several models, with weights tuned on validation.

Each member's scores are standardised per shopper (so a popularity count and an ALS dot
product can be added) and summed with weights. ``fit`` holds out the last ``validation_days``
of the training events (at most ``validation_share`` of their span, so that a short history such
as a single week still leaves most of it to fit on), fits the members on the rest, picks the
weights on a simplex grid that maximise Recall@12 on what shoppers bought next that they had
not bought before (the main shelf's job), then refits on everything the members the weights
kept (a member weighted 0 adds nothing to a score, and a graph model's fit is minutes at a
large retailer's size).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.base import MODELS, Recommender, TrainingSet, config_from_dict, register, top_k
from recommender.metrics import recall
from recommender.retrieval import reference_rows

WEIGHTS_FILE = "hybrid.json"


@dataclass(frozen=True)
class HybridConfig:
    """Members and weight tuning."""

    members: tuple[str, ...] = ("popularity", "als", "kgnn")
    """Names of the fused models."""
    weights: tuple[float, ...] | None = None
    """Fixed weights; ``None``: tune them on validation."""
    validation_days: float = 7.0
    """Days held out at the end of the training events for tuning."""
    validation_share: float = 0.25
    """Largest share of the training events' time span that is held out."""
    grid_steps: int = 4
    """Weights are tuned on multiples of 1/grid_steps summing to 1."""
    k: int = 12
    """Cut-off of the tuning metric."""
    tuning_shoppers: int = 1000
    """Most validation shoppers the weights are tuned on (a seeded sample): each member's
    scores over the catalogue are held for each of them, 0.4 GB per member at 1,000 shoppers
    and 105,542 articles."""
    seed: int = 0
    """Seed of the tuning sample."""
    member_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Config fields of members that differ from their defaults (by member name)."""


def standardise(scores: np.ndarray) -> np.ndarray:
    """Per-row z-scores (rows with no spread become zero)."""
    centred = scores - scores.mean(axis=1, keepdims=True)
    spread = centred.std(axis=1, keepdims=True)
    return np.asarray(centred / np.where(spread > 0, spread, 1.0), dtype=np.float32)


def simplex(members: int, steps: int) -> list[tuple[float, ...]]:
    """Every weight vector of multiples of ``1/steps`` that sums to 1."""
    grid = itertools.product(range(steps + 1), repeat=members)
    return [tuple(w / steps for w in combo) for combo in grid if sum(combo) == steps]


@dataclass(frozen=True)
class Tuning:
    """How the weights were chosen: the held-out tail and the best Recall@k on it."""

    validation_days: float
    shoppers: int
    recall: float


@register(HybridConfig)
class HybridRecommender(Recommender):
    """Weighted sum of standardised member scores."""

    name: ClassVar[str] = "hybrid"

    def __init__(self, config: HybridConfig | None = None) -> None:
        self.config = config or HybridConfig()
        self.names = tuple(self.config.members)
        """The members kept, in :attr:`members`' order (after :meth:`fit`: those weighted)."""
        self.members = [self._member(name) for name in self.names]
        count = len(self.members)
        self.weights = tuple(self.config.weights or (1.0 / count,) * count)
        self.tuning: Tuning | None = None
        """Set by :meth:`fit` when the weights were tuned (``None``: fixed or defaults kept)."""

    def _member(self, name: str) -> Recommender:
        model_type, config_type = MODELS[name]
        overrides = self.config.member_overrides.get(name, {})
        return model_type(config_from_dict(config_type, overrides))

    def fit(self, data: TrainingSet) -> None:
        """Tune the weights on a held-out tail (unless fixed), then fit the members they
        weight on everything; members weighted 0 are dropped.
        """
        if self.config.weights is None:
            self.weights = self._tune(data)
        kept = [i for i, weight in enumerate(self.weights) if weight != 0.0] or [0]
        self.names = tuple(self.config.members[i] for i in kept)
        self.members = [self._member(name) for name in self.names]
        self.weights = tuple(self.weights[i] for i in kept)
        for member in self.members:
            member.fit(data)

    def score(self, user_items: sp.csr_matrix) -> np.ndarray:
        """Weighted sum of each member's standardised scores."""
        total = np.zeros((user_items.shape[0], 0), np.float32)
        for weight, member in zip(self.weights, self.members, strict=True):
            if weight == 0.0:
                continue
            part = weight * standardise(member.score(user_items))
            total = part if total.shape[1] == 0 else total + part
        return total if total.shape[1] else self.members[0].score(user_items)

    def candidates(
        self, user_items: sp.csr_matrix, size: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The union of the weighted members' candidates (``None`` if one cannot pick)."""
        found = []
        for weight, member in zip(self.weights, self.members, strict=True):
            if weight == 0.0:
                continue
            picked = member.candidates(user_items, size)
            if picked is None:
                return None
            found.append((weight, member, *picked))
        if not found:
            return None
        n_items = user_items.shape[1]
        # the members' rows in the order found, each row once: a pass over the whole catalogue
        # (np.flatnonzero of a mask) cost a twelfth of a full-size shelf
        chosen = np.zeros(n_items, bool)
        parts = []
        for _, _, rows, _ in found:
            parts.append(rows[~chosen[rows]])
            chosen[rows] = True
        union = np.concatenate(parts)
        total = np.zeros(union.size, np.float32)
        full = np.empty(n_items, np.float32)  # a member's scores by item row (the union's only)
        for weight, member, rows, scores in found:
            # each member scores only the rows another member found: its own came with their
            # scores (a KG-GNN's cluster search; gathering those vectors again was a fifth of
            # a full-size shelf)
            own = np.zeros(n_items, bool)
            own[rows] = True
            full[rows] = scores
            others = union[~own[union]]
            if others.size:
                full[others] = member.score_rows(user_items, others)
            total += weight * self._standardised(member, user_items, full[union])
        return union, total

    @staticmethod
    def _standardised(
        member: Recommender, user_items: sp.csr_matrix, values: np.ndarray
    ) -> np.ndarray:
        """A member's scores as z-scores over the whole catalogue (0 for a constant model)."""
        mean, spread = member.score_moments(user_items)
        return np.asarray((values - mean) / spread if spread > 0 else 0.0 * values)

    def score_rows(self, user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """:meth:`score` of ``rows`` only, each member standardised by its own moments."""
        total = np.zeros(rows.size, np.float32)
        scored = False
        for weight, member in zip(self.weights, self.members, strict=True):
            if weight == 0.0:
                continue
            values = member.score_rows(user_items, rows)
            total += weight * self._standardised(member, user_items, values)
            scored = True
        return total if scored else self.members[0].score_rows(user_items, rows)

    def score_moments(self, user_items: sp.csr_matrix) -> tuple[float, float]:
        """Mean 0 (a sum of z-scores); the spread estimated on a fixed sample of items.

        The members' scores are correlated, so the spread of their weighted sum is not known
        from their own spreads; :func:`reference_rows` gives it within about 2%.
        """
        if not any(self.weights):
            return self.members[0].score_moments(user_items)
        sample = self.score_rows(user_items, reference_rows(user_items.shape[1]))
        return 0.0, float(sample.std())

    def item_similarity(self, item: int) -> np.ndarray | None:
        """The first member with an item space answers."""
        for member in self.members:
            similarity = member.item_similarity(item)
            if similarity is not None:
                return similarity
        return None

    def save_arrays(self, directory: Path) -> None:
        """Each kept member in its own folder, plus the names and weights."""
        for name, member in zip(self.names, self.members, strict=True):
            member.save(directory / name)
        kept = {"members": list(self.names), "weights": list(self.weights)}
        (directory / WEIGHTS_FILE).write_text(json.dumps(kept))

    def load_arrays(self, directory: Path) -> None:
        """Read the members and weights (an older artifact's plain list of weights: every
        configured member).
        """
        kept = json.loads((directory / WEIGHTS_FILE).read_text())
        if isinstance(kept, list):
            kept = {"members": list(self.config.members), "weights": kept}
        self.names = tuple(kept["members"])
        self.members = [Recommender.load(directory / name) for name in self.names]
        self.weights = tuple(kept["weights"])

    def validation_days(self, data: TrainingSet) -> float:
        """Days of the tail held out for tuning on ``data``."""
        span = (data.now - data.interactions.start) / pd.Timedelta(days=1)
        return float(min(self.config.validation_days, self.config.validation_share * span))

    def _tune(self, data: TrainingSet) -> tuple[float, ...]:
        days = self.validation_days(data)
        cutoff = data.now - pd.Timedelta(days=days)
        past = data.with_interactions(data.interactions.before(cutoff))
        future = data.interactions.since(cutoff).purchases()
        targets = _new_purchases(past, future)
        if past.matrix.nnz == 0 or not targets:
            return self.weights
        if len(targets) > self.config.tuning_shoppers:
            rng = np.random.default_rng(self.config.seed)
            chosen = rng.choice(len(targets), self.config.tuning_shoppers, replace=False)
            users = list(targets)
            targets = {users[i]: targets[users[i]] for i in sorted(chosen.tolist())}
        for member in self.members:
            member.fit(past)
        rows = past.users.rows(list(targets))
        history = past.matrix[rows]
        parts = [standardise(m.score(history)) for m in self.members]
        seen_rows, seen_cols = history.nonzero()
        best, best_value = self.weights, -1.0
        for weights in simplex(len(parts), self.config.grid_steps):
            total = sum(w * p for w, p in zip(weights, parts, strict=True))
            assert isinstance(total, np.ndarray)
            total[seen_rows, seen_cols] = -np.inf
            value = _mean_recall(total, targets, past, self.config.k)
            if value > best_value:
                best, best_value = weights, value
        self.tuning = Tuning(days, len(targets), best_value)
        return best


def _new_purchases(past: TrainingSet, future: pd.DataFrame) -> dict[str, set[int]]:
    """Validation shoppers with history -> item rows they bought that were new to them."""
    targets: dict[str, set[int]] = {}
    for user, group in future.groupby("user_id"):
        row = past.users.get(str(user))
        if row is None:
            continue
        items = set(past.items.rows(group["item_id"].tolist()).tolist()) - {-1}
        items -= set(past.matrix[row].indices.tolist())
        if items:
            targets[str(user)] = items
    return targets


def _mean_recall(
    scores: np.ndarray, targets: dict[str, set[int]], past: TrainingSet, k: int
) -> float:
    ranked, _ = top_k(scores, k)
    values = [
        recall(ranked[i].tolist(), relevant, k) for i, relevant in enumerate(targets.values())
    ]
    return float(np.mean(values))
