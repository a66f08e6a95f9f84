"""The hybrid's weight tuning on a held-out tail of the training events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recommender.base import Recommender, TrainingSet
from recommender.data import MatrixConfig, normalise_frame
from recommender.hybrid import (
    WEIGHTS_FILE,
    HybridConfig,
    HybridRecommender,
    simplex,
    standardise,
)
from recommender.knowledge import TableKnowledge
from recommender.pipeline import training_set

START = datetime(2024, 3, 1)


@pytest.fixture
def week(knowledge: TableKnowledge) -> TrainingSet:
    """A view on day 0; shoppers u0-u3 buy a top on days 1-1.75 and a coat, new to them, on
    days 7-7.375 (the span is 7.375 days).
    """
    rows = [("u4", "A0", START, "view", 1)]
    for user in range(4):
        rows.append((f"u{user}", f"A{user}", START + timedelta(days=1 + user / 4), "purchase", 1))
        rows.append((f"u{user}", f"B{user}", START + timedelta(days=7 + user / 8), "purchase", 1))
    frame = pd.DataFrame(
        rows, columns=["user_id", "item_id", "timestamp", "event_type", "quantity"]
    )
    return training_set(normalise_frame(frame), knowledge, MatrixConfig())


def test_the_simplex_grid_sums_to_one() -> None:
    assert simplex(2, 2) == [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)]


@pytest.mark.parametrize(("days", "expected"), [(1.0, 1.0), (7.0, 0.25 * 7.375)])
def test_a_short_history_keeps_most_of_its_span_to_fit_on(
    week: TrainingSet, days: float, expected: float
) -> None:
    assert (week.now - week.interactions.start) == timedelta(days=7.375)
    model = HybridRecommender(
        HybridConfig(members=("popularity", "als"), grid_steps=2, validation_days=days)
    )

    model.fit(week)

    # A whole 7-day tail would leave only the view to fit on: no shopper to tune on at all.
    assert model.tuning is not None
    assert model.tuning.validation_days == pytest.approx(expected)
    assert model.tuning.shoppers == 4
    # a point of the simplex grid, less the members it weights 0 (those are not kept)
    assert sum(model.weights) == pytest.approx(1.0) and all(w > 0 for w in model.weights)
    assert len(model.names) == len(model.weights) == len(model.members)


def test_fixed_weights_are_not_tuned(week: TrainingSet) -> None:
    model = HybridRecommender(HybridConfig(members=("popularity", "als"), weights=(0.2, 0.8)))

    model.fit(week)

    assert model.tuning is None and model.weights == (0.2, 0.8)


def test_a_member_weighted_zero_is_neither_fitted_nor_saved(
    week: TrainingSet, tmp_path: Path
) -> None:
    model = HybridRecommender(HybridConfig(members=("popularity", "als"), weights=(0.0, 1.0)))

    model.fit(week)
    model.save(tmp_path)
    loaded = Recommender.load(tmp_path)

    assert model.names == ("als",) and model.weights == (1.0,)
    assert not (tmp_path / "popularity").exists()
    assert isinstance(loaded, HybridRecommender) and loaded.names == ("als",)
    rows = week.matrix[:2]
    assert np.allclose(loaded.score(rows), standardise(model.members[0].score(rows)))


def test_an_older_artifact_with_a_plain_list_of_weights_loads(
    week: TrainingSet, tmp_path: Path
) -> None:
    model = HybridRecommender(HybridConfig(members=("popularity", "als"), weights=(0.5, 0.5)))
    model.fit(week)
    model.save(tmp_path)
    (tmp_path / WEIGHTS_FILE).write_text("[0.5, 0.5]")

    loaded = Recommender.load(tmp_path)

    assert isinstance(loaded, HybridRecommender)
    assert loaded.names == ("popularity", "als") and loaded.weights == (0.5, 0.5)


def test_the_weights_are_tuned_on_at_most_the_configured_number_of_shoppers(
    week: TrainingSet,
) -> None:
    model = HybridRecommender(
        HybridConfig(members=("popularity", "als"), grid_steps=2, tuning_shoppers=3)
    )

    model.fit(week)

    assert model.tuning is not None and model.tuning.shoppers == 3  # of the 4 with targets


def test_candidates_rescore_only_what_another_member_found(
    week: TrainingSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = HybridRecommender(HybridConfig(members=("popularity", "als"), weights=(0.4, 0.6)))
    model.fit(week)
    row = week.matrix[:1]
    own = [member.candidates(row, 2) for member in model.members]
    asked: dict[str, list[int]] = {name: [] for name in model.names}
    for name, member in zip(model.names, model.members, strict=True):
        monkeypatch.setattr(member, "score_rows", _spy(member.score_rows, asked[name]))

    found = model.candidates(row, 2)

    assert found is not None and all(o is not None for o in own)
    union, scores = found
    for name, mine in zip(model.names, own, strict=True):
        assert mine is not None
        assert set(asked[name]) == set(union) - set(mine[0].tolist())
    monkeypatch.undo()
    np.testing.assert_allclose(scores, model.score_rows(row, union), rtol=1e-5, atol=1e-6)


def _spy(
    scorer: Callable[[sp.csr_matrix, np.ndarray], np.ndarray], asked: list[int]
) -> Callable[[sp.csr_matrix, np.ndarray], np.ndarray]:
    """``scorer``, noting the rows it is asked for."""

    def spy(user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        asked.extend(rows.tolist())
        return scorer(user_items, rows)

    return spy
