"""Thresholds reach the target precision on validation, or never pass."""

from __future__ import annotations

import numpy as np

from vision.tagger.calibration import NEVER, CalibrationConfig, calibrate, threshold_for
from vision.tagger.dataset import Targets
from vision.tagger.schema import Vocabulary


def test_threshold_is_the_lowest_cut_reaching_the_target() -> None:
    scores = np.array([0.95, 0.9, 0.8, 0.7, 0.6])
    correct = np.array([True, True, False, True, False])

    # precision by cut: 1, 1, 2/3, 3/4, 3/5
    assert threshold_for(scores, correct, 0.75) == 0.7
    assert threshold_for(scores, correct, 0.9) == 0.9
    assert threshold_for(scores, np.zeros(5, bool), 0.5) == NEVER
    assert threshold_for(np.array([]), np.array([], bool), 0.5) == NEVER


def test_rare_labels_borrow_the_group_threshold() -> None:
    vocabulary = Vocabulary((("category", ("not visible", "coat", "hat")),))
    probs = np.array([[0.1, 0.9, 0.0]] * 6 + [[0.1, 0.3, 0.6]])
    y = np.array([1, 1, 1, 1, 1, 0, 2])
    targets = Targets({"category": y}, {}, {})

    thresholds = calibrate({"category": probs}, targets, vocabulary, CalibrationConfig(0.8, 5))

    pooled = threshold_for(probs.max(1), probs.argmax(1) == y, 0.8)
    assert thresholds["category"][1] == 0.9
    assert thresholds["category"][2] == pooled
