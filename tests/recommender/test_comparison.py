"""The model comparison: one raw and one policy row per model, the re-buy shelf once, and
progress that counts its steps.
"""

from __future__ import annotations

from recommender.comparison import STEPS_PER_MODEL, compare
from recommender.data import Interactions
from recommender.evaluate import temporal_split
from recommender.knowledge import TableKnowledge


def test_each_model_is_fitted_ranked_raw_and_with_the_policy_and_heard_step_by_step(
    interactions: Interactions, knowledge: TableKnowledge
) -> None:
    heard: list[tuple[str, int, int]] = []
    split = temporal_split(interactions, 6)
    runs = compare(
        split,
        knowledge,
        ["popularity", "als"],
        samples=20,
        overrides={"als": {"factors": 8, "iterations": 5}},
        progress=lambda message, done, total: heard.append((message, done, total)),
    )
    assert [r.name for r in runs] == [
        "popularity",
        "popularity+policy",
        "rebuy",
        "als",
        "als+policy",
    ]
    total = 2 * STEPS_PER_MODEL
    assert {t for _, _, t in heard} == {total}
    assert [d for _, d, _ in heard] == [0, 1, 2, 3, 3, 4, 5, 6]  # a start, then each step's end
    assert heard[-1][0].startswith("als+policy ranked and scored in ")
    assert any(m.startswith("als fitted in ") for m, _, _ in heard)
    assert runs[3].fit_seconds == runs[4].fit_seconds > 0
