"""Interactions -> sparse user × item matrices with one id vocabulary.

External ids (customer ids, article ids) are opaque strings; :class:`Vocabulary` maps them to
contiguous rows once, and row numbers never leave the recommender. Events are weighted by kind
(a purchase says more than a view) and decayed by age, both set in :class:`MatrixConfig`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.feedformat import header_separator, parse_timestamps, plain_name

#: Columns of the generic interactions CSV; only the first two are required.
CSV_COLUMNS = ("user_id", "item_id", "timestamp", "event_type", "quantity")
#: The kinds of event a feed may hold (a missing kind is a purchase).
EVENT_TYPES = ("cart", "purchase", "return", "view")


class Vocabulary:
    """A fixed, ordered set of external ids with their row numbers."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids: tuple[str, ...] = tuple(dict.fromkeys(ids))
        self._index = {key: row for row, key in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def get(self, key: str) -> int | None:
        """Row of ``key``, ``None`` when unknown."""
        return self._index.get(key)

    def rows(self, keys: Sequence[str]) -> np.ndarray:
        """Rows of ``keys``; -1 for unknown ones."""
        return np.fromiter((self._index.get(k, -1) for k in keys), np.int64, len(keys))

    def column_rows(self, column: pd.Series) -> np.ndarray:
        """Rows of every key in an event column; -1 for unknown and missing ones.

        Each distinct key is looked up once: a column of 31.8M events holds about a million
        distinct shoppers, and turning every row into a Python string first cost minutes and
        gigabytes at that size.
        """
        codes, distinct = pd.factorize(column)
        # factorize codes a missing value -1, which picks the appended -1
        lookup = np.append(self.rows(distinct.tolist()), np.int64(-1))
        return lookup[codes]

    def to_json(self) -> str:
        """The ids as a JSON list."""
        return json.dumps(list(self.ids))

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        """Inverse of :meth:`to_json`."""
        return cls(json.loads(text))


@dataclass(frozen=True)
class MatrixConfig:
    """How events become matrix weights."""

    event_weights: Mapping[str, float] = field(
        default_factory=lambda: {"purchase": 1.0, "cart": 0.5, "view": 0.1}
    )
    """Weight of one event of each kind; kinds not listed (returns) are dropped."""
    half_life_days: float | None = None
    """Age at which an event counts half; ``None``: no time decay."""


@dataclass(frozen=True)
class Interactions:
    """Events in columnar form (external ids kept; one row per event)."""

    frame: pd.DataFrame
    """Columns user_id, item_id (categorical of str), timestamp (datetime64), event_type
    (categorical of str), quantity (int)."""

    @property
    def start(self) -> pd.Timestamp:
        """The time of the oldest event."""
        return pd.Timestamp(self.frame["timestamp"].min())

    @property
    def end(self) -> pd.Timestamp:
        """The time of the newest event."""
        return pd.Timestamp(self.frame["timestamp"].max())

    def unknown_event_types(self) -> dict[str, int]:
        """Rows per event type that is none of :data:`EVENT_TYPES` (such rows count for
        nothing: not as purchases, nor in any model's weights).
        """
        counts = self.frame["event_type"].value_counts(sort=False)
        return {str(k): int(n) for k, n in counts.items() if n and k not in EVENT_TYPES}

    def purchases(self) -> pd.DataFrame:
        """Only the purchase events."""
        return self.frame[self.frame["event_type"] == "purchase"]

    def before(self, cutoff: pd.Timestamp) -> Interactions:
        """Events strictly before ``cutoff``."""
        return Interactions(self.frame[self.frame["timestamp"] < cutoff])

    def since(self, cutoff: pd.Timestamp) -> Interactions:
        """Events at or after ``cutoff``."""
        return Interactions(self.frame[self.frame["timestamp"] >= cutoff])


def normalise_frame(frame: pd.DataFrame) -> Interactions:
    """Fill the optional columns with their defaults and fix dtypes.

    Timestamps are ISO 8601 or Unix epoch numbers (:mod:`recommender.feedformat`). Missing
    timestamps become one common instant (no decay, ordering by file order); a missing
    event_type means purchase; a missing quantity means 1.

    Raises:
        ValueError: When user_id or item_id is missing.
    """
    missing = {"user_id", "item_id"} - set(frame.columns)
    if missing:
        raise ValueError(f"interactions lack column(s) {sorted(missing)}")
    data = pd.DataFrame({"user_id": _ids(frame["user_id"]), "item_id": _ids(frame["item_id"])})
    stamps = frame["timestamp"] if "timestamp" in frame else pd.Series("1970-01-01", frame.index)
    data["timestamp"] = parse_timestamps(stamps)
    kinds = frame["event_type"] if "event_type" in frame else pd.Series("purchase", frame.index)
    data["event_type"] = _kinds(kinds)
    quantity = frame["quantity"] if "quantity" in frame else pd.Series(1, frame.index)
    data["quantity"] = pd.to_numeric(quantity, errors="coerce").fillna(1).clip(lower=1)
    return Interactions(data.dropna(subset=["timestamp"]).reset_index(drop=True))


def _ids(column: pd.Series) -> pd.Series:
    """External ids as a categorical column of strings.

    Every copy of the event frame (a split, a time cut, a shopper's past) then holds 4-byte
    codes per event instead of the id's characters: at a retailer's size (31.8M events with
    32-byte and longer shopper ids) a copy is about a gigabyte instead of three, and the
    ranker's training keeps several alive at once.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if pd.api.types.is_string_dtype(categories) and categories.is_unique:
            return column
    return column.astype(str).astype("category")


def _kinds(column: pd.Series) -> pd.Categorical:
    """Event kinds, stripped and lower-cased (missing: purchase), as a categorical column.

    Cleaned once per distinct kind, not once per event: weighting 31.8M events through a
    column of strings turned every one into a Python object.
    """
    codes, distinct = pd.factorize(column)
    names = [str(k).strip().lower() for k in distinct] + ["purchase"]  # the last: missing
    kinds, inverse = np.unique(np.array(names, dtype=object), return_inverse=True)
    return pd.Categorical.from_codes(inverse[codes], categories=pd.Index(kinds, dtype=object))


def read_interactions(path: Path) -> Interactions:
    """Read a generic interactions CSV (``user_id,item_id[,timestamp][,event_type][,quantity]``),
    separated by commas, tabs, semicolons or bars (:func:`csv_separator`); column names are
    matched in their plain form (``User ID`` is ``user_id``).
    """
    frame = pd.read_csv(
        path, sep=csv_separator(path), dtype=str, keep_default_na=False, na_values=[""]
    )
    plain = {name: plain_name(name) for name in frame.columns}
    known = {
        name: to
        for name, to in plain.items()
        if to in CSV_COLUMNS and name != to and to not in frame.columns
    }
    return normalise_frame(frame.rename(columns=known))


def csv_separator(path: Path) -> str:
    """The field separator of a CSV file (:func:`recommender.feedformat.header_separator`)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return header_separator(handle.readline())


def event_weights(
    data: Interactions, config: MatrixConfig, now: pd.Timestamp | None = None
) -> np.ndarray:
    """Weight of each event: kind weight × quantity × time decay (relative to ``now``)."""
    frame = data.frame
    kind = frame["event_type"].map(dict(config.event_weights)).fillna(0.0).to_numpy(np.float64)
    weight = kind * frame["quantity"].to_numpy(np.float64)
    if config.half_life_days is not None and len(frame):
        reference = now if now is not None else data.end
        age = (reference - frame["timestamp"]).dt.total_seconds().to_numpy() / 86400.0
        weight *= np.power(0.5, np.clip(age, 0.0, None) / config.half_life_days)
    return np.asarray(weight, dtype=np.float64)


def user_item_matrix(
    data: Interactions,
    users: Vocabulary,
    items: Vocabulary,
    config: MatrixConfig,
    now: pd.Timestamp | None = None,
) -> sp.csr_matrix:
    """The weighted users × items matrix (float32 CSR; duplicates summed; unknown ids dropped)."""
    rows = users.column_rows(data.frame["user_id"])
    cols = items.column_rows(data.frame["item_id"])
    weight = event_weights(data, config, now)
    keep = (rows >= 0) & (cols >= 0) & (weight > 0)
    matrix = sp.coo_matrix(
        (weight[keep].astype(np.float32), (rows[keep], cols[keep])),
        shape=(len(users), len(items)),
    ).tocsr()
    matrix.sum_duplicates()
    return matrix
