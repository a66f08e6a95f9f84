"""The graph models' training schedule is sized to the data, explicit settings are kept, and
a fit learns from the newest events only.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recommender import kgnn, lightgcn
from recommender.base import MODELS, TrainingSet
from recommender.data import MatrixConfig, normalise_frame
from recommender.graph import Graph
from recommender.kgnn import KGConfig
from recommender.knowledge import TableKnowledge
from recommender.lightgcn import LightGCNConfig
from recommender.pipeline import training_set
from recommender.propagation import (
    BASE_BATCH,
    BASE_RATE,
    EPOCH_RANGE,
    STEPS_PER_EPOCH,
    PropagationConfig,
    newest_events,
)


def test_small_data_keeps_the_classic_schedule() -> None:
    plan = PropagationConfig().schedule(3_000)
    assert (plan.batch_size, plan.learning_rate, plan.epochs) == (BASE_BATCH, BASE_RATE, 20)


def test_a_week_of_a_large_retailers_sales_gets_larger_batches_and_fewer_epochs() -> None:
    # 250,000 pairs / 16 steps = 15,625 -> the next power of two, 16,384 (4x the base batch)
    plan = PropagationConfig().schedule(250_000)
    assert plan.batch_size == 16_384
    assert plan.learning_rate == pytest.approx(2 * BASE_RATE)  # sqrt(4) times the base step
    assert plan.epochs == EPOCH_RANGE[0]  # 16 steps an epoch, 160 steps in all


@pytest.mark.parametrize("pairs", [1, 70_000, 1_000_000, 31_800_000])
def test_an_epoch_is_at_most_the_step_cap_and_training_a_bounded_number_of_steps(
    pairs: int,
) -> None:
    plan = PropagationConfig().schedule(pairs)
    steps = -(-pairs // plan.batch_size)
    assert steps <= STEPS_PER_EPOCH
    assert EPOCH_RANGE[0] <= plan.epochs <= EPOCH_RANGE[1]
    assert steps * plan.epochs <= STEPS_PER_EPOCH * EPOCH_RANGE[1]


def test_explicit_settings_are_kept() -> None:
    plan = PropagationConfig(batch_size=64, learning_rate=0.05, epochs=3).schedule(250_000)
    assert (plan.batch_size, plan.learning_rate, plan.epochs) == (64, 0.05, 3)


def _events(rows: list[tuple[str, str, str]], knowledge: TableKnowledge) -> TrainingSet:
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "timestamp"])
    return training_set(normalise_frame(frame), knowledge, MatrixConfig())


def test_the_newest_events_are_kept_and_their_shoppers_only(knowledge: TableKnowledge) -> None:
    data = _events(
        [
            ("u0", "A0", "2024-03-01"),
            ("u1", "B0", "2024-03-05"),
            ("u2", "A1", "2024-03-03"),
            ("u1", "C0", "2024-03-04"),
        ],
        knowledge,
    )
    newest = newest_events(data, 2)
    frame = newest.interactions.frame
    assert list(zip(frame["user_id"], frame["item_id"], strict=True)) == [
        ("u1", "B0"),
        ("u1", "C0"),
    ]
    assert list(newest.users.ids) == ["u1"]
    assert newest.matrix.nnz == 2
    assert newest.items is data.items  # every article keeps its column


def test_an_untimed_feed_keeps_its_last_rows(knowledge: TableKnowledge) -> None:
    rows = [(f"u{i}", "A0", "2024-03-01") for i in range(5)]
    newest = newest_events(_events(rows, knowledge), 3)
    assert list(newest.interactions.frame["user_id"]) == ["u2", "u3", "u4"]


@pytest.mark.parametrize("most", [0, 4, 10])
def test_a_history_within_the_bound_is_left_whole(knowledge: TableKnowledge, most: int) -> None:
    data = _events([(f"u{i}", "A0", f"2024-03-0{i + 1}") for i in range(4)], knowledge)
    assert newest_events(data, most) is data


@pytest.mark.parametrize(
    ("model", "config"), [(lightgcn, LightGCNConfig), (kgnn, KGConfig)], ids=["lightgcn", "kgnn"]
)
def test_the_graph_models_learn_from_the_newest_events_only(
    model: ModuleType,
    config: type[PropagationConfig],
    knowledge: TableKnowledge,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    learned_from: list[int] = []
    train = model.train_embeddings

    def spy(graph: Graph, matrix: sp.csr_matrix, settings: PropagationConfig) -> np.ndarray:
        learned_from.append(matrix.nnz)
        vectors: np.ndarray = train(graph, matrix, settings)
        return vectors

    monkeypatch.setattr(model, "train_embeddings", spy)
    data = _events([(f"u{i}", f"A{i % 5}", f"2024-03-{i + 1:02d}") for i in range(12)], knowledge)
    recommender = MODELS[model.__name__.split(".")[-1]][0](config(max_events=5, epochs=1))
    recommender.fit(data)
    assert learned_from == [5]
    # every article is still scored, and every shopper (folded in from their own history)
    assert recommender.score(data.matrix).shape == data.matrix.shape
