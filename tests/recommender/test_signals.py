"""Co-purchases and trends counted from purchases, on baskets with obvious answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recommender.data import Vocabulary, normalise_frame
from recommender.signals import SignalConfig, Signals

ITEMS = Vocabulary(["shirt", "tie", "belt", "sock"])
USERS = Vocabulary(["ann", "bob", "cy"])
CATEGORIES = np.array([0, 1, 1, -1], np.int32)  # shirt: top; tie, belt: accessory; sock: none


def _signals(rows: list[tuple[str, str, str]], **config: Any) -> Signals:
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"])
    return Signals(SignalConfig(**config)).fit(normalise_frame(frame), USERS, ITEMS, CATEGORIES)


def test_confidence_is_the_share_of_baskets_that_also_hold_the_other_item() -> None:
    signals = _signals(
        [
            ("ann", "shirt", "2024-01-01"),
            ("ann", "tie", "2024-01-02"),
            ("bob", "shirt", "2024-01-01"),
            ("bob", "belt", "2024-01-01"),
            ("cy", "tie", "2024-01-01"),
        ]
    )
    conf = signals.confidence.toarray()
    # two baskets hold a shirt: one with a tie, one with a belt
    assert conf[0, 1] == 0.5 and conf[0, 2] == 0.5
    # two baskets hold a tie, one of them a shirt
    assert conf[1, 0] == 0.5 and conf[1, 2] == 0.0
    assert np.all(np.diag(conf) == 0)
    # categories: both top baskets hold an accessory; 2 of 3 accessory baskets hold a top
    assert signals.category_confidence[0, 1] == 1.0
    assert abs(signals.category_confidence[1, 0] - 2 / 3) < 1e-6


def test_purchases_further_apart_than_a_basket_are_not_together() -> None:
    signals = _signals(
        [("ann", "shirt", "2024-01-01"), ("ann", "tie", "2024-01-20")], basket_days=7
    )
    assert signals.confidence.nnz == 0


def test_trend_reads_only_the_days_before_the_moment_and_halves_with_age() -> None:
    signals = _signals(
        [
            ("ann", "shirt", "2024-01-01"),
            ("bob", "shirt", "2024-01-04"),
            ("cy", "tie", "2024-01-05"),
        ],
        trend_days=7,
        trend_half_life=3,
    )
    day = int(np.datetime64("2024-01-05", "D").astype(np.int64))
    trend = signals.trend(day)
    # yesterday's sale counts 1, the one 4 days ago 0.5; the tie sold on the day itself
    assert abs(trend[0] - 1.5) < 1e-6 and trend[1] == 0.0
    assert signals.sales_before(day).tolist() == [2.0, 0.0, 0.0, 0.0]
    first, last = signals.sold_days(day)
    assert first[0] == 4 and last[0] == 1 and np.isinf(first[1])


def test_neighbours_weigh_each_purchase() -> None:
    signals = _signals(
        [
            ("ann", "shirt", "2024-01-01"),
            ("ann", "tie", "2024-01-01"),
            ("bob", "belt", "2024-01-01"),
            ("bob", "sock", "2024-01-01"),
        ]
    )
    scores = signals.neighbours(np.array([0, 2]), np.array([1.0, 0.5]))
    assert scores.tolist() == [0.0, 1.0, 0.0, 0.5]


def test_neighbour_scores_and_confidence_read_the_kept_rows_as_a_sparse_product() -> None:
    rng = np.random.default_rng(0)
    names = [f"i{n}" for n in range(30)]
    rows = [
        (f"u{rng.integers(12)}", names[rng.integers(30)], f"2024-01-0{rng.integers(1, 4)}")
        for _ in range(200)
    ]
    frame = normalise_frame(pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"]))
    users = Vocabulary(sorted({r[0] for r in rows}))
    signals = Signals(SignalConfig(neighbours=4)).fit(
        frame, users, Vocabulary(names), np.zeros(30, np.int32)
    )
    conf = signals.confidence.toarray()
    items = np.array([3, 7, 3, 29])  # a repeated purchase counts twice
    weights = np.array([1.0, 0.5, 0.25, 2.0])
    expected = weights @ conf[items]
    found, scores = signals.neighbour_scores(items, weights)
    assert found.tolist() == np.flatnonzero(expected).tolist()
    assert np.allclose(scores, expected[found], atol=1e-6)
    assert np.allclose(signals.neighbours(items, weights), expected, atol=1e-6)
    targets = np.array([5, 0, 29, 7, 5])
    assert np.array_equal(signals.confidence_at(items, targets), conf[items][:, targets])
    assert signals.neighbour_scores(np.zeros(0, np.int64), np.zeros(0))[0].size == 0


def test_saved_signals_read_back_the_same(tmp_path: Path) -> None:
    signals = _signals([("ann", "shirt", "2024-01-01"), ("ann", "tie", "2024-01-02")])
    signals.save(tmp_path)
    again = Signals(signals.config).load(tmp_path)
    day = signals.last_day + 1
    assert (again.confidence != signals.confidence).nnz == 0
    assert np.array_equal(again.trend(day), signals.trend(day))
    assert np.array_equal(again.category_confidence, signals.category_confidence)
