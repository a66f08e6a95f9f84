"""Labels for learning to rank, drawn from the training window itself.

The ranker learns which candidates a shopper buys *next*, the way it will be used: at one
moment, from everything before it. The last days of the training window are cut off (as few
as give enough labelled shoppers: 1, 2, 4, 7, 14, 28, ... days, at most a quarter of the
span); the events before the cut build the features and the purchases after it, of shoppers
with earlier purchases, are the labels. A feed without timestamps (every event at one
instant) has no "next": a random share of each shopper's distinct articles is held out
instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data import Interactions


@dataclass(frozen=True)
class Holdout:
    """The training window cut into a past (features) and labels.

    Attributes:
        past: Events the features are counted from.
        labels: Held-out purchases (user_id, item_id) per labelled shopper.
        now: Moment each labelled shopper is served at.
        timed: Whether the cut follows time (False: a random hold-out).
    """

    past: Interactions
    labels: pd.DataFrame
    now: dict[str, pd.Timestamp]
    timed: bool


def is_timed(data: Interactions) -> bool:
    """Whether the events carry real times (more than one distinct day)."""
    stamps = data.frame["timestamp"]
    return bool(len(stamps)) and stamps.dt.normalize().nunique() > 1


def label_days(data: Interactions, least: int = 1000) -> int:
    """Days of labels one cut holds: as few as give ``least`` labelled shoppers."""
    end = data.end.normalize() + pd.Timedelta(days=1)
    span = (end - data.start.normalize()).days
    buys = data.purchases()
    first = buys.groupby("user_id")["timestamp"].min()
    days = 1
    for days in _cut_lengths(span):
        cut = end - pd.Timedelta(days=days)
        later = buys.loc[buys["timestamp"] >= cut, "user_id"].unique()
        if (first.reindex(later) < cut).sum() >= least:
            break
    return days


def time_cuts(data: Interactions, users: int, seed: int, cuts: int = 3) -> list[Holdout]:
    """Up to ``cuts`` consecutive cuts of :func:`label_days` days each, newest first; each
    keeps the events before it as its past (cuts that leave no past are dropped).
    """
    days = label_days(data)
    end = data.end.normalize() + pd.Timedelta(days=1)
    result = []
    for index in range(cuts):
        cut = end - pd.Timedelta(days=days * (index + 1))
        if cut <= data.start:
            break
        window = Interactions(data.frame[data.frame["timestamp"] < cut + pd.Timedelta(days=days)])
        result.append(time_cut(window, cut, users, seed + index))
    return result


def time_cut(data: Interactions, cut: pd.Timestamp, users: int, seed: int) -> Holdout:
    """Purchases at or after ``cut`` are the labels of shoppers who bought before it."""
    buys = data.purchases()
    first = buys.groupby("user_id")["timestamp"].min()
    later = buys[buys["timestamp"] >= cut]
    eligible = pd.Index(later["user_id"].unique())
    eligible = eligible[(first.reindex(eligible) < cut).to_numpy()]
    chosen = set(_sample(eligible, users, seed))
    labels = later[later["user_id"].isin(chosen)][["user_id", "item_id"]]
    now = dict.fromkeys(sorted(chosen), pd.Timestamp(cut))
    return Holdout(data.before(cut), labels, now, True)


def _cut_lengths(span: int) -> list[int]:
    """1, 2, 4, 7, 14, 28, ... days, up to a quarter of the span (at least one day)."""
    lengths, days = [1, 2, 4], 7
    while days <= span / 4:
        lengths.append(days)
        days *= 2
    return [d for d in lengths if d <= max(span / 4, 1)] or [1]


def random_holdout(data: Interactions, users: int, seed: int, share: float = 0.2) -> Holdout:
    """A random ``share`` of each sampled shopper's distinct articles (shoppers with at least
    two) is the label; served at the common instant of the events.
    """
    frame = data.frame
    buys = frame[frame["event_type"] == "purchase"]
    distinct = buys.drop_duplicates(["user_id", "item_id"])
    sizes = distinct.groupby("user_id").size()
    chosen = set(_sample(sizes.index[(sizes >= 2).to_numpy()], users, seed))
    rng = np.random.default_rng(seed)
    pick = distinct[distinct["user_id"].isin(chosen)]
    held = pick[rng.random(len(pick)) < share]
    key = frame["user_id"] + "\x1f" + frame["item_id"]
    out = key.isin(set(held["user_id"] + "\x1f" + held["item_id"])).to_numpy()
    instant = data.end + pd.Timedelta(days=1) if len(frame) else pd.Timestamp(0)
    now = dict.fromkeys(held["user_id"].astype(str).unique(), instant)
    return Holdout(Interactions(frame[~out]), held[["user_id", "item_id"]], now, False)


def holdouts(data: Interactions, users: int, seed: int, cuts: int = 3) -> list[Holdout]:
    """The time cuts when the events are timed (newest first), else one random hold-out."""
    if is_timed(data):
        return time_cuts(data, users, seed, cuts)
    return [random_holdout(data, users, seed)]


def _sample(ids: pd.Index, size: int, seed: int) -> list[str]:
    values = [str(v) for v in ids]
    if len(values) <= size:
        return values
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(values, size, replace=False).tolist())
