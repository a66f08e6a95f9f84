"""Per-label confidence thresholds tuned on validation photos.

A prediction whose score is below its label's threshold is reported as "uncertain": the tagger
would rather abstain than be confidently wrong. For each label, the threshold is the lowest
score at which the predictions scoring at least that much reach ``target_precision`` on the
validation set (the largest such set, i.e. the most coverage at that precision). A label with
fewer than ``min_support`` validation predictions borrows its group's pooled threshold; a label
(or group) that never reaches the target gets a threshold above 1, i.e. it is never confident.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from vision.tagger.dataset import Targets
from vision.tagger.schema import GroupKind, Vocabulary

#: Threshold of labels that never reach the target precision: no score can pass it.
NEVER = 1.01

Thresholds = dict[str, list[float]]


@dataclass(frozen=True, slots=True)
class CalibrationConfig:
    """Precision the confident predictions must reach on validation, and minimum support."""

    target_precision: float = 0.9
    min_support: int = 5


def threshold_for(scores: NDArray[np.floating], correct: NDArray[np.bool_], target: float) -> float:
    """Lowest score cut-off at which the predictions above it reach ``target`` precision."""
    if len(scores) == 0:
        return NEVER
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(correct[order])
    precision = hits / np.arange(1, len(order) + 1)
    passing = np.nonzero(precision >= target)[0]
    return float(scores[order][passing[-1]]) if len(passing) else NEVER


def _single(
    probs: NDArray[np.floating], y: NDArray[np.int64], config: CalibrationConfig
) -> list[float]:
    known = y >= 0
    probs, y = probs[known], y[known]
    predicted, score = probs.argmax(1), probs.max(1)
    correct = predicted == y
    pooled = threshold_for(score, correct, config.target_precision)
    thresholds = []
    for label in range(probs.shape[1]):
        mine = predicted == label
        if mine.sum() < config.min_support:
            thresholds.append(pooled)
        else:
            thresholds.append(threshold_for(score[mine], correct[mine], config.target_precision))
    return thresholds


def _multi(
    probs: NDArray[np.floating], truth: NDArray[np.floating], known: NDArray[np.bool_],
    config: CalibrationConfig,
) -> list[float]:  # fmt: skip
    probs, positive = probs[known], truth[known] > 0
    pooled = threshold_for(probs.ravel(), positive.ravel(), config.target_precision)
    thresholds = []
    for label in range(probs.shape[1]):
        if positive[:, label].sum() < config.min_support:
            thresholds.append(pooled)
        else:
            thresholds.append(
                threshold_for(probs[:, label], positive[:, label], config.target_precision)
            )
    return thresholds


def calibrate(
    scores: dict[str, NDArray[np.floating]],
    targets: Targets,
    vocabulary: Vocabulary,
    config: CalibrationConfig | None = None,
) -> Thresholds:
    """Per group, one threshold per label (aligned with the vocabulary)."""
    cfg = config or CalibrationConfig()
    thresholds: Thresholds = {}
    for group in vocabulary.names:
        if vocabulary.kind(group) is GroupKind.SINGLE:
            thresholds[group] = _single(scores[group], targets.single[group], cfg)
        else:
            truth, known = targets.multi[group], targets.known[group]
            thresholds[group] = _multi(scores[group], truth, known, cfg)
    return thresholds
