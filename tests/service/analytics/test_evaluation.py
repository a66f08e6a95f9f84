from __future__ import annotations

from pathlib import Path

import pandas as pd

from recommender.comparison import Run
from recommender.data import normalise_frame
from recommender.evaluate import Split
from service.analytics.evaluation import comparison_frame, hm_transactions, with_past


def test_hm_transactions_pad_article_ids_and_rename_columns(tmp_path: Path) -> None:
    path = tmp_path / "transactions.csv"
    path.write_text("t_dat,customer_id,article_id,price\n2020-09-20,c1,108775015,0.01\n")
    frame = hm_transactions(path).frame
    assert frame["item_id"].tolist() == ["0108775015"]
    assert frame["user_id"].tolist() == ["c1"]
    assert frame["event_type"].tolist() == ["purchase"]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2020-09-20")


def test_with_past_keeps_only_shoppers_who_bought_in_training() -> None:
    train = normalise_frame(pd.DataFrame({"user_id": ["a"], "item_id": ["x"]}))
    test = pd.DataFrame({"user_id": ["a", "b"], "item_id": ["y", "z"]})
    now = {"a": pd.Timestamp("2020-09-22"), "b": pd.Timestamp("2020-09-22")}
    kept = with_past(Split(train, test, now))
    assert kept.test["user_id"].tolist() == ["a"]
    assert list(kept.now) == ["a"]


def test_comparison_frame_splits_model_and_policy_and_keeps_intervals() -> None:
    accuracy = {"users": 3.0, "map@12": 0.2, "map@12_lo": 0.1, "map@12_hi": 0.3}
    runs = [
        Run("als", {"new": accuracy, "shelf": {"pprr@12": 0.4}}, {}, 1.0),
        Run("als+policy", {"shelf": {"pprr@12": 0.0}}, {}, 1.0),
        Run("rebuy", {"repeat": accuracy}, {}, 0.0),
    ]
    table = comparison_frame({"A": runs})
    assert table[["model", "policy", "target", "metric"]].values.tolist() == [
        ["als", "off", "new", "map@12"],
        ["als", "off", "shelf", "pprr@12"],
        ["als", "on", "shelf", "pprr@12"],
        ["rebuy", "rebuy shelf", "repeat", "map@12"],
    ]
    first = table.iloc[0]
    assert (first["value"], first["low"], first["high"]) == (0.2, 0.1, 0.3)
    assert table.iloc[1][["low", "high"]].isna().all()
