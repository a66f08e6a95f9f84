"""The contract every recommender model keeps (one suite, parametrized over all models)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recommender.base import Recommender, TrainingSet
from recommender.data import Interactions, MatrixConfig, normalise_frame
from recommender.knowledge import TableKnowledge
from recommender.models import create, names
from recommender.pipeline import training_set
from recommender.retrieval import reference_rows

#: Small settings so that every model trains in about a second on the tiny world.
FAST: dict[str, dict[str, Any]] = {
    "als": {"factors": 8, "iterations": 10},
    "bpr": {"factors": 8, "iterations": 200, "learning_rate": 0.05},
    "lightgcn": {"dim": 16, "epochs": 150, "batch_size": 64, "device": "cpu"},
    "kgnn": {"dim": 16, "epochs": 150, "batch_size": 64, "device": "cpu"},
    "hybrid": {"members": ("popularity", "als"), "grid_steps": 2},
    "ranker": {"base_overrides": {"factors": 8, "iterations": 10}, "trees": 50},
}
PERSONAL = [name for name in names() if name != "popularity"]


def _fitted(name: str, data: TrainingSet) -> Recommender:
    model = create(name, FAST.get(name, {}))
    model.fit(data)
    return model


@pytest.fixture
def train(interactions: Interactions, knowledge: TableKnowledge) -> TrainingSet:
    return training_set(interactions, knowledge, MatrixConfig())


def _row(train: TrainingSet, items: list[str]) -> sp.csr_matrix:
    cols = train.items.rows(items)
    return sp.csr_matrix(
        (np.ones(len(cols), np.float32), ([0] * len(cols), cols)), shape=(1, len(train.items))
    )


def test_every_model_is_covered() -> None:
    assert set(names()) == {"popularity", "als", "bpr", "lightgcn", "kgnn", "hybrid", "ranker"}


@pytest.mark.parametrize("name", names())
def test_scores_every_item_for_every_row(name: str, train: TrainingSet) -> None:
    model = _fitted(name, train)
    rows = sp.vstack([train.matrix[:3], sp.csr_matrix((1, len(train.items)))]).tocsr()
    scores = model.score(rows)
    assert scores.shape == (4, len(train.items))
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("name", names())
def test_scoring_some_rows_matches_scoring_all(name: str, train: TrainingSet) -> None:
    model = _fitted(name, train)
    history = _row(train, ["A0", "B1"])
    rows = np.array([0, 2, len(train.items) - 1])
    np.testing.assert_allclose(
        model.score_rows(history, rows), model.score(history)[0, rows], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("name", names())
def test_candidates_come_with_their_scores(name: str, train: TrainingSet) -> None:
    model = _fitted(name, train)
    history = _row(train, ["A0"])
    found = model.candidates(history, 3)
    if found is not None:  # None: the model ranks the whole catalogue instead
        rows, scores = found
        assert rows.size >= 3 and np.unique(rows).size == rows.size
        assert rows.min() >= 0 and rows.max() < len(train.items)
        np.testing.assert_allclose(scores, model.score(history)[0, rows], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", names())
def test_interleaved_shoppers_get_their_own_scores(name: str, train: TrainingSet) -> None:
    # serving keeps the last fold-in: it must never answer for another shopper's history
    model = _fitted(name, train)
    first, second = _row(train, ["A0", "A1"]), _row(train, ["B0", "C1"])
    alone = model.score(first).copy()
    model.score_rows(second, np.arange(len(train.items)))
    np.testing.assert_allclose(model.score(first), alone, rtol=1e-6)
    np.testing.assert_allclose(model.score(_row(train, ["A0", "A1"])), alone, rtol=1e-6)


@pytest.mark.parametrize("name", names())
def test_score_moments_are_those_of_all_scores(name: str, train: TrainingSet) -> None:
    model = _fitted(name, train)
    history = _row(train, ["A0", "C1"])
    scores = model.score(history)[0]
    mean, spread = model.score_moments(history)
    assert mean == pytest.approx(float(scores.mean()), abs=1e-5)
    assert spread == pytest.approx(float(scores.std()), rel=1e-4)


@pytest.mark.parametrize("name", names())
def test_a_refitted_model_keeps_nothing_of_its_last_fit(
    name: str, train: TrainingSet, interactions: Interactions
) -> None:
    # what serving keeps between shelves (a popularity's moments, the reference sample's item
    # vectors) belongs to one fit
    model = _fitted(name, train)
    history = _row(train, ["A0", "C1"])
    sample = reference_rows(len(train.items))
    model.score_rows(history, sample)
    model.score_moments(history)
    frame = interactions.frame
    tops = Interactions(frame[frame["user_id"].isin([f"u{n}" for n in range(6)])])
    model.fit(train.with_interactions(tops))
    scores = model.score(history)[0]
    np.testing.assert_allclose(model.score_rows(history, sample), scores[sample], rtol=1e-5)
    mean, spread = model.score_moments(history)
    assert mean == pytest.approx(float(scores.mean()), abs=1e-5)
    assert spread == pytest.approx(float(scores.std()), rel=1e-4)


@pytest.mark.parametrize("name", names())
def test_two_fits_of_the_same_data_score_alike(name: str, train: TrainingSet) -> None:
    # an evaluation run again must print the same table
    history = _row(train, ["A0", "C1"])
    first, second = (_fitted(name, train).score(history)[0] for _ in range(2))
    np.testing.assert_allclose(first, second, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", names())
def test_recommend_is_ranked_distinct_and_skips_seen(name: str, train: TrainingSet) -> None:
    model = _fitted(name, train)
    history = _row(train, ["A0", "A1"])
    items, scores = model.recommend(history, 5, exclude_seen=True)
    assert items.shape == (1, 5) and len(set(items[0].tolist())) == 5
    assert (np.diff(scores[0]) <= 1e-6).all()
    assert not set(items[0].tolist()) & set(history.indices.tolist())


@pytest.mark.parametrize("name", names())
def test_save_and_load_give_the_same_scores(name: str, train: TrainingSet, tmp_path: Path) -> None:
    model = _fitted(name, train)
    model.save(tmp_path / name)
    loaded = Recommender.load(tmp_path / name)
    assert type(loaded) is type(model)
    np.testing.assert_allclose(loaded.score(train.matrix), model.score(train.matrix), rtol=1e-5)


@pytest.mark.parametrize("name", PERSONAL)
def test_a_tops_shopper_is_offered_tops_before_coats(name: str, train: TrainingSet) -> None:
    model = _fitted(name, train)
    scores = model.score(_row(train, ["A0", "A1", "A2"]))[0]
    tops, coats = train.items.rows(["A3", "A4"]), train.items.rows([f"B{i}" for i in range(5)])
    assert scores[tops].mean() > scores[coats].mean()


def test_popularity_counts_only_the_recent_window() -> None:
    rows = [("u1", "old", "2024-01-01", "purchase")] * 5
    rows += [("u2", "hit", "2024-01-20", "purchase")] * 3 + [
        ("u3", "next", "2024-01-21", "purchase")
    ]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp", "event_type"])
    data = training_set(normalise_frame(frame), TableKnowledge(), MatrixConfig())
    model = _fitted("popularity", data)
    top, _ = model.recommend(sp.csr_matrix((1, len(data.items))), 3)
    assert [data.items.ids[i] for i in top[0][:2]] == ["hit", "next"]
    assert model.score(sp.csr_matrix((1, len(data.items))))[0, data.items.get("old") or 0] == 0


def test_knowledge_model_places_an_unsold_top_among_tops(train: TrainingSet) -> None:
    model = _fitted("kgnn", train)
    similarity = model.item_similarity(train.items.get("X0") or 0)
    assert similarity is not None
    tops, coats = train.items.rows(TOPS_LIST), train.items.rows(COATS_LIST)
    assert similarity[tops].mean() > similarity[coats].mean()


TOPS_LIST = [f"A{i}" for i in range(5)]
COATS_LIST = [f"B{i}" for i in range(5)]


def test_unknown_model_name_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown model"):
        create("nope")


def test_cpu_is_the_only_device_without_cuda() -> None:
    from recommender.propagation import resolve_device

    assert resolve_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu")
