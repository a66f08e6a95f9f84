"""Metric functions on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from recommender.metrics import (
    average_precision,
    bootstrap_interval,
    coverage,
    hit,
    ndcg,
    novelty,
    recall,
)


def test_average_precision_follows_the_hm_definition() -> None:
    # hits at ranks 1 and 3: (1/1 + 2/3) / min(2, 12)
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)


def test_average_precision_divides_by_at_most_k() -> None:
    relevant = {f"i{n}" for n in range(20)}
    assert average_precision(["i0", "i1"], relevant, k=2) == pytest.approx(1.0)


def test_average_precision_ignores_hits_after_k_and_empty_truth() -> None:
    assert average_precision(["x", "a"], {"a"}, k=1) == 0.0
    assert average_precision(["a"], set()) == 0.0


def test_recall_and_hit() -> None:
    assert recall(["a", "b", "c"], {"a", "d"}, 2) == pytest.approx(0.5)
    assert hit(["x", "y"], {"y"}, 2) == 1.0
    assert hit(["x", "y"], {"y"}, 1) == 0.0


def test_ndcg_of_a_hit_at_rank_two_of_two_relevant() -> None:
    ideal = 1 + 1 / math.log2(3)
    assert ndcg(["x", "a"], {"a", "b"}, 10) == pytest.approx((1 / math.log2(3)) / ideal)
    assert ndcg(["a", "b"], {"a", "b"}, 10) == pytest.approx(1.0)


def test_bootstrap_interval_contains_the_mean_and_is_degenerate_on_constants() -> None:
    low, high = bootstrap_interval([0.0, 1.0] * 50, samples=200)
    assert low < 0.5 < high
    assert bootstrap_interval([0.3] * 10) == pytest.approx((0.3, 0.3))


def test_coverage_and_novelty() -> None:
    assert coverage([["a", "b"], ["b", "c"]], 6) == pytest.approx(0.5)
    # an item with half the sales carries one bit of self-information
    assert novelty([["a"]], {"a": 5.0}, 10.0) == pytest.approx(1.0)
