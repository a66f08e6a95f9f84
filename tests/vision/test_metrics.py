"""Metrics on small cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vision.metrics import (
    average_precision,
    confusion_matrix,
    graded_score,
    macro_f1,
    mean_average_precision,
    micro_prf_at_k,
    precision_at_cutoff,
    top_k_accuracy,
)


def test_top_k_accuracy() -> None:
    scores = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.5, 0.1, 0.4]])
    y = np.array([0, 2, 1])

    assert top_k_accuracy(y, scores, 1) == pytest.approx(1 / 3)
    assert top_k_accuracy(y, scores, 2) == pytest.approx(2 / 3)
    assert top_k_accuracy(y, scores, 3) == 1.0
    assert math.isnan(top_k_accuracy(np.array([], dtype=np.int64), np.zeros((0, 3)), 1))


def test_confusion_and_macro_f1() -> None:
    # class 0: tp 2, fp 1, fn 0 -> F1 4/5; class 1: tp 1, fp 0, fn 1 -> F1 2/3; class 2 absent
    y_true = np.array([0, 0, 1, 1])
    y_pred = np.array([0, 0, 1, 0])

    assert confusion_matrix(y_true, y_pred, 3).tolist() == [[2, 0, 0], [1, 1, 0], [0, 0, 0]]
    assert macro_f1(y_true, y_pred, 3) == pytest.approx((4 / 5 + 2 / 3) / 2)


def test_micro_prf_at_k() -> None:
    truth = np.array([[1, 0, 1, 0], [0, 1, 0, 0]])
    scores = np.array([[0.9, 0.8, 0.1, 0.0], [0.1, 0.7, 0.2, 0.6]])
    # top-2: photo 0 -> {0, 1}: 1 hit; photo 1 -> {1, 3}: 1 hit; 2 of 4 predicted, 3 positives
    result = micro_prf_at_k(truth, scores, 2)

    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(2 / 3)
    assert result.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_average_precision_and_map() -> None:
    # ranking: pos, neg, pos -> precisions at positives 1/1 and 2/3
    assert average_precision(np.array([1, 0, 1]), np.array([0.9, 0.8, 0.7])) == pytest.approx(
        (1 + 2 / 3) / 2
    )
    # ties rank positives last: both at 0.5 -> neg first, pos second -> AP 1/2
    assert average_precision(np.array([0, 1]), np.array([0.5, 0.5])) == pytest.approx(0.5)
    truth = np.array([[1, 0], [0, 0], [1, 0]])
    scores = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3]])
    # column 1 has no positive and is skipped
    assert mean_average_precision(truth, scores) == pytest.approx((1 + 2 / 3) / 2)


def test_precision_at_cutoff_ignores_abstentions() -> None:
    correct = np.array([True, False, True, False])
    confident = np.array([True, True, False, False])

    result = precision_at_cutoff(correct, confident)

    assert result.precision == pytest.approx(0.5)
    assert result.coverage == pytest.approx(0.5)
    assert math.isnan(precision_at_cutoff(correct, np.zeros(4, bool)).precision)


def test_graded_score_costs_small_errors_less() -> None:
    # 5 levels: exact 1.0, one step 0.75, three steps 0.25
    assert graded_score(np.array([2]), np.array([2]), 5) == 1.0
    assert graded_score(np.array([1]), np.array([2]), 5) == pytest.approx(0.75)
    assert graded_score(np.array([0]), np.array([3]), 5) == pytest.approx(0.25)
    assert graded_score(np.array([0, 4]), np.array([1, 1]), 5) == pytest.approx((0.75 + 0.25) / 2)
