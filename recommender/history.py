"""One shopper's history as the models and the policy need it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

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
        # One row: the columns are the distinct items and the data their summed weights,
        # built directly (a COO round trip costs more than the rest of a request's fold-in).
        columns, where = np.unique(self.items[keep], return_inverse=True)
        data = np.bincount(where, weights=weights[keep], minlength=columns.size)
        return sp.csr_matrix(
            (data.astype(np.float32), columns, np.array([0, columns.size])), shape=(1, n_items)
        )


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
    stamps = _naive_utc(times)
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


def _naive_utc(times: Sequence[datetime] | np.ndarray) -> np.ndarray:
    """Event times as naive UTC ``datetime64[ns]`` (aware times converted, naive ones kept)."""
    if isinstance(times, np.ndarray) or any(not isinstance(t, datetime) for t in times):
        series = pd.to_datetime(pd.Series(list(times)), utc=True).dt.tz_localize(None)
        return series.to_numpy().astype("datetime64[ns]")
    # The serving path: stored datetimes, converted without pandas (a third of a request).
    naive = [t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t for t in times]
    return np.array(naive, dtype="datetime64[ns]")
