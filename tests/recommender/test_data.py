"""Interactions, vocabulary and weighted matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.data import (
    MatrixConfig,
    Vocabulary,
    normalise_frame,
    read_interactions,
    user_item_matrix,
)


def test_vocabulary_maps_both_ways_and_marks_unknown() -> None:
    vocab = Vocabulary(["b", "a", "b"])
    assert vocab.ids == ("b", "a")
    assert vocab.rows(["a", "zz"]).tolist() == [1, -1]
    assert Vocabulary.from_json(vocab.to_json()).ids == vocab.ids


@pytest.mark.parametrize("dtype", ["str", "category", "object"])
def test_column_rows_equal_rows_of_every_key(dtype: str) -> None:
    vocab = Vocabulary(["b", "a"])
    column = pd.Series(["a", "zz", "b", None, "a"], dtype=dtype)
    assert vocab.column_rows(column).tolist() == [1, -1, 0, -1, 1]
    assert vocab.column_rows(pd.Series([], dtype=dtype)).tolist() == []


def test_minimal_csv_defaults_to_purchases(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("user_id,item_id\n007,0042\n")
    frame = read_interactions(path).frame
    assert frame.loc[0, "item_id"] == "0042"  # ids stay opaque strings
    assert frame.loc[0, "event_type"] == "purchase" and frame.loc[0, "quantity"] == 1


def test_epoch_timestamps_are_read_as_times(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("user_id,item_id,timestamp\nu,a,1600000000\nu,b,1600086400000\n")
    stamps = read_interactions(path).frame["timestamp"]
    assert [str(t) for t in stamps] == ["2020-09-13 12:26:40", "2020-09-14 12:26:40"]


@pytest.mark.parametrize("separator", ["\t", ";", "|"])
def test_other_separators_are_told_by_the_header(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "i.tsv"
    path.write_text(f"user_id{separator}item_id\nu{separator}a, b\n")
    frame = read_interactions(path).frame
    assert frame.loc[0, "item_id"] == "a, b"  # a comma inside a field is only text


def test_column_names_are_matched_in_their_plain_form(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("User ID,Item-ID, Timestamp ,Event Type\nu,a,2024-01-01,view\n")
    frame = read_interactions(path).frame
    assert (frame.loc[0, "user_id"], frame.loc[0, "item_id"]) == ("u", "a")
    assert str(frame.loc[0, "timestamp"]) == "2024-01-01 00:00:00"
    assert frame.loc[0, "event_type"] == "view"


def test_missing_columns_are_an_error() -> None:
    with pytest.raises(ValueError, match="user_id"):
        normalise_frame(pd.DataFrame({"item_id": ["a"]}))


def test_weights_rank_purchase_over_cart_over_view_and_decay_with_age() -> None:
    frame = pd.DataFrame(
        {
            "user_id": ["u", "u", "u", "u"],
            "item_id": ["p", "c", "v", "old"],
            "timestamp": ["2024-01-10", "2024-01-10", "2024-01-10", "2024-01-03"],
            "event_type": ["purchase", "cart", "view", "purchase"],
        }
    )
    data = normalise_frame(frame)
    items = Vocabulary(["p", "c", "v", "old"])
    matrix = user_item_matrix(data, Vocabulary(["u"]), items, MatrixConfig(half_life_days=7))
    row = matrix.toarray()[0]
    assert row[0] > row[1] > row[2] > 0
    assert row[3] == pytest.approx(0.5)


def test_returns_are_dropped_and_duplicates_summed() -> None:
    frame = pd.DataFrame(
        {
            "user_id": ["u"] * 3,
            "item_id": ["a", "a", "a"],
            "event_type": ["purchase", "purchase", "return"],
        }
    )
    matrix = user_item_matrix(
        normalise_frame(frame), Vocabulary(["u"]), Vocabulary(["a"]), MatrixConfig()
    )
    assert np.allclose(matrix.toarray(), [[2.0]])
