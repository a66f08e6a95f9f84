"""Hold-out splits: sampling the test shoppers."""

from __future__ import annotations

import pandas as pd

from recommender.data import normalise_frame
from recommender.evaluate import sample_shoppers, temporal_split


def _split() -> object:
    rows = [(f"u{i}", "a", "2024-01-01") for i in range(50)]
    rows += [(f"u{i}", "b", "2024-01-20") for i in range(50)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"])
    return temporal_split(normalise_frame(frame), test_days=7)


def test_a_sample_keeps_that_many_test_shoppers_with_all_their_purchases_and_is_seeded() -> None:
    split = _split()

    sample = sample_shoppers(split, 10)  # type: ignore[arg-type]

    assert len(sample.now) == 10
    assert set(sample.test["user_id"].astype(str)) == set(sample.now)
    assert sample.train is split.train  # type: ignore[attr-defined]
    assert sample.now == sample_shoppers(split, 10).now  # type: ignore[arg-type]


def test_a_small_hold_out_is_left_whole() -> None:
    split = _split()

    assert sample_shoppers(split, 50) is split  # type: ignore[arg-type]
