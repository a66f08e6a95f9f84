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

from collections.abc import Iterator
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


def time_cuts(data: Interactions, users: int, seed: int, cuts: int = 3) -> Iterator[Holdout]:
    """Up to ``cuts`` consecutive cuts of :func:`label_days` days each, newest first; each
    keeps the events before it as its past (cuts that leave no past are dropped).

    The cuts are made one at a time, as they are asked for: each past is a near-full copy of
    the events, and at a retailer's size (31.8M events) three of them alive at once took
    more memory than the rest of training.
    """
    days = label_days(data)
    end = data.end.normalize() + pd.Timedelta(days=1)
    for index in range(cuts):
        cut = end - pd.Timedelta(days=days * (index + 1))
        if cut <= data.start:
            return
        yield time_cut(data, cut, users, seed + index, until=cut + pd.Timedelta(days=days))


def time_cut(
    data: Interactions,
    cut: pd.Timestamp,
    users: int,
    seed: int,
    until: pd.Timestamp | None = None,
) -> Holdout:
    """Purchases at or after ``cut`` (and before ``until``, when given) are the labels of
    shoppers who bought before it.
    """
    frame = data.frame
    stamps = frame["timestamp"]
    bought = (frame["event_type"] == "purchase").to_numpy()
    early = (stamps < cut).to_numpy()
    later = bought & ~early
    if until is not None:
        later &= (stamps < until).to_numpy()
    labelled = frame.loc[later, ["user_id", "item_id"]]
    eligible = pd.Index(labelled["user_id"].unique())
    with_past = frame.loc[bought & early, "user_id"].unique()
    eligible = eligible[eligible.isin(with_past)]
    chosen = set(_sample(eligible, users, seed))
    labels = labelled[labelled["user_id"].isin(chosen)]
    now = dict.fromkeys(sorted(chosen), pd.Timestamp(cut))
    return Holdout(Interactions(frame[early]), labels, now, True)


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
    pairs = ["user_id", "item_id"]
    out = pd.MultiIndex.from_frame(frame[pairs]).isin(pd.MultiIndex.from_frame(held[pairs]))
    instant = data.end + pd.Timedelta(days=1) if len(frame) else pd.Timestamp(0)
    now = dict.fromkeys(held["user_id"].astype(str).unique(), instant)
    return Holdout(Interactions(frame[~out]), held[["user_id", "item_id"]], now, False)


def holdouts(data: Interactions, users: int, seed: int, cuts: int = 3) -> Iterator[Holdout]:
    """The time cuts when the events are timed (newest first, made as they are asked for),
    else one random hold-out.
    """
    if is_timed(data):
        return time_cuts(data, users, seed, cuts)
    return iter([random_holdout(data, users, seed)])


def _sample(ids: pd.Index, size: int, seed: int) -> list[str]:
    values = [str(v) for v in ids]
    if len(values) <= size:
        return values
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(values, size, replace=False).tolist())
