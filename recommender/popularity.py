"""Recent popularity: what sold most lately, the same for everyone (the honest baseline)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.base import Recommender, TrainingSet, register
from recommender.data import MatrixConfig, event_weights

POPULARITY_FILE = "popularity.npy"


@dataclass(frozen=True)
class PopularityConfig:
    """Which sales count and how fast they age."""

    window_days: float = 7.0
    """Only events of the last ``window_days`` before the training end count."""
    half_life_days: float | None = 3.0
    """Age at which an event counts half within the window; ``None``: no decay."""


@register(PopularityConfig)
class RecentPopularity(Recommender):
    """Scores every item by its recent, decayed sales."""

    name: ClassVar[str] = "popularity"

    def __init__(self, config: PopularityConfig | None = None) -> None:
        self.config = config or PopularityConfig()
        self.popularity = np.zeros(0, np.float32)
        self._ranking: np.ndarray | None = None
        self._moments: tuple[float, float] | None = None

    def fit(self, data: TrainingSet) -> None:
        """Count decayed events of the last window per item."""
        cutoff = data.now - pd.Timedelta(days=self.config.window_days)
        recent = data.interactions.since(cutoff)
        weights = event_weights(
            recent, MatrixConfig(half_life_days=self.config.half_life_days), data.now
        )
        cols = data.items.column_rows(recent.frame["item_id"])
        keep = cols >= 0
        counts = np.bincount(cols[keep], weights=weights[keep], minlength=len(data.items))
        # Normalised so scores are comparable across fits (the hybrid fuses them).
        self.popularity = (counts / max(counts.max(initial=0.0), 1e-12)).astype(np.float32)
        self._ranking = self._moments = None

    def score(self, user_items: sp.csr_matrix) -> np.ndarray:
        """The same popularity row for every user."""
        return np.broadcast_to(self.popularity, (user_items.shape[0], self.popularity.size)).copy()

    def candidates(
        self, user_items: sp.csr_matrix, size: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The ``size`` most popular rows (the same for every shopper)."""
        del user_items
        if self._ranking is None or self._ranking.size != self.popularity.size:
            self._ranking = np.argsort(-self.popularity, kind="stable")  # once per model
        rows = self._ranking[: min(size, self.popularity.size)]
        return rows, self.popularity[rows]

    def score_rows(self, user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """The popularity of ``rows``."""
        del user_items
        return np.asarray(self.popularity[rows], dtype=np.float32)

    def score_moments(self, user_items: sp.csr_matrix) -> tuple[float, float]:
        """The popularity's own mean and spread (the same for every shopper: computed once,
        not over the whole catalogue at every shelf).
        """
        del user_items
        if self._moments is None:
            self._moments = float(self.popularity.mean()), float(self.popularity.std())
        return self._moments

    def save_arrays(self, directory: Path) -> None:
        """Write the popularity vector."""
        np.save(directory / POPULARITY_FILE, self.popularity)

    def load_arrays(self, directory: Path) -> None:
        """Read the popularity vector."""
        self.popularity = np.load(directory / POPULARITY_FILE, allow_pickle=False)
        self._ranking = self._moments = None
