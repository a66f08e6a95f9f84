"""One shopper's history as the models and the policy need it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.data import MatrixConfig, Vocabulary


@dataclass(frozen=True)
class UserHistory:
    """A shopper's events, resolved to item rows (unknown items dropped).

    Attributes:
        items: (n,) item rows of every event.
        kinds: (n,) event types.
        ages: (n,) days between each event and now (>= 0).
        times: (n,) event times.
        quantities: (n,) quantities.
    """

    items: np.ndarray
    kinds: np.ndarray
    ages: np.ndarray
    times: np.ndarray
    quantities: np.ndarray

    @property
    def purchased(self) -> np.ndarray:
        """Mask of purchase events."""
        return np.asarray(self.kinds == "purchase")

    def row(self, n_items: int, config: MatrixConfig) -> sp.csr_matrix:
        """The 1 × n_items weighted history row the models fold in."""
        weights = np.array([config.event_weights.get(str(k), 0.0) for k in self.kinds])
        weights = weights * self.quantities
        if config.half_life_days is not None:
            weights = weights * np.power(0.5, self.ages / config.half_life_days)
        keep = weights > 0
        matrix = sp.csr_matrix(
            (weights[keep].astype(np.float32), (np.zeros(int(keep.sum()), int), self.items[keep])),
            shape=(1, n_items),
        )
        matrix.sum_duplicates()
        return matrix


def build_history(
    items: Vocabulary,
    item_ids: Sequence[str],
    times: Sequence[datetime] | np.ndarray,
    kinds: Sequence[str],
    quantities: Sequence[int] | np.ndarray,
    now: datetime | pd.Timestamp,
) -> UserHistory:
    """Resolve raw events against the item vocabulary (timezones dropped, as in training)."""
    rows = items.rows(list(item_ids))
    keep = rows >= 0
    stamps = pd.to_datetime(pd.Series(list(times)), utc=True).dt.tz_localize(None).to_numpy()
    reference = pd.Timestamp(now)
    if reference.tzinfo is not None:
        reference = reference.tz_convert("UTC").tz_localize(None)
    ages = (reference.to_datetime64() - stamps).astype("timedelta64[s]").astype(np.float64)
    return UserHistory(
        items=rows[keep],
        kinds=np.asarray(list(kinds), dtype=object)[keep],
        ages=np.clip(ages / 86400.0, 0.0, None)[keep],
        times=stamps[keep],
        quantities=np.asarray(quantities, dtype=np.float64)[keep],
    )
