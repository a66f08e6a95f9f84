"""The ranker's labels: time cuts of a timed feed, a random hold-out of an untimed one."""

from __future__ import annotations

import pandas as pd

from recommender.data import normalise_frame
from recommender.holdout import holdouts, is_timed, label_days, time_cut


def _events(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"])


def test_a_cut_labels_later_purchases_of_shoppers_with_a_past() -> None:
    data = normalise_frame(
        _events(
            [
                ("ann", "a", "2024-01-01"),
                ("ann", "b", "2024-01-05"),
                ("bob", "c", "2024-01-05"),  # no past before the cut: not labelled
                ("cy", "d", "2024-01-02"),  # no purchase after the cut: not labelled
            ]
        )
    )
    cut = time_cut(data, pd.Timestamp("2024-01-04"), users=10, seed=0)
    assert cut.now == {"ann": pd.Timestamp("2024-01-04")}
    assert cut.labels.values.tolist() == [["ann", "b"]]
    assert set(cut.past.frame["item_id"]) == {"a", "d"}


def test_the_cut_grows_until_enough_shoppers_are_labelled() -> None:
    rows = [(f"u{i}", "a", "2024-01-01") for i in range(40)]
    rows += [(f"u{i}", "b", "2024-02-20") for i in range(10)]  # last day: 10 shoppers
    rows += [(f"u{i}", "b", "2024-02-15") for i in range(10, 40)]  # 6 days before
    data = normalise_frame(_events(rows))
    assert label_days(data, least=10) == 1
    assert label_days(data, least=40) == 7


def test_an_untimed_feed_holds_out_articles_at_random() -> None:
    rows = [(f"u{u}", f"i{i}", "") for u in range(30) for i in range(10)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"]).drop(
        columns="timestamp"
    )
    data = normalise_frame(frame)
    assert not is_timed(data)
    (cut,) = holdouts(data, users=100, seed=0)
    assert not cut.timed
    held = set(zip(cut.labels["user_id"], cut.labels["item_id"], strict=True))
    kept = set(zip(cut.past.frame["user_id"], cut.past.frame["item_id"], strict=True))
    assert held and not held & kept and len(held) + len(kept) == 300
    assert 0.1 < len(held) / 300 < 0.3
