"""Evaluation metrics of attribute tagging, as the fashion-attribute benchmarks define them.

All functions are pure numpy on label indices and score matrices:

- :func:`top_k_accuracy`, :func:`macro_f1`, :func:`confusion_matrix`: single-choice groups;
- :func:`micro_prf_at_k`: iMaterialist 2018: every photo predicts its ``k`` highest-scoring
  labels; micro precision = correct predictions / all predictions, recall = correct predictions /
  all true labels;
- :func:`average_precision`, :func:`mean_average_precision`: per-label ranking quality;
- :func:`precision_at_cutoff`: FashionAI: predictions below the confidence cut-off are
  abstentions and are ignored; precision over the rest, with coverage (the answered share)
  reported beside it;
- :func:`graded_score`: ordered attributes (sleeve length): an error of ``d`` steps on a scale
  of ``L`` levels scores ``1 − d / (L − 1)``, so one step off costs less than three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.floating]
BoolArray = NDArray[np.bool_]


def top_k_accuracy(y_true: IntArray, scores: FloatArray, k: int = 1) -> float:
    """Share of rows whose true label is among the ``k`` highest scores (NaN if no rows)."""
    if len(y_true) == 0:
        return float("nan")
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float((top == np.asarray(y_true)[:, None]).any(axis=1).mean())


def confusion_matrix(y_true: IntArray, y_pred: IntArray, n_classes: int) -> IntArray:
    """``(C, C)`` counts: row = true label, column = predicted label."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def macro_f1(y_true: IntArray, y_pred: IntArray, n_classes: int) -> float:
    """Unweighted mean of per-class F1 over classes present in ``y_true`` or ``y_pred``."""
    matrix = confusion_matrix(y_true, y_pred, n_classes)
    tp = np.diag(matrix).astype(np.float64)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    present = (predicted + actual) > 0
    if not present.any():
        return float("nan")
    f1 = np.divide(2 * tp, predicted + actual, out=np.zeros_like(tp), where=present)
    return float(f1[present].mean())


@dataclass(frozen=True, slots=True)
class PrecisionRecall:
    """Micro precision, recall and F1."""

    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total > 0 else 0.0


def micro_prf_at_k(
    y_true: NDArray[np.floating] | BoolArray, scores: FloatArray, k: int
) -> PrecisionRecall:
    """Micro P/R/F1 as iMaterialist scores it, when each photo predicts its top ``k`` labels.

    Args:
        y_true: ``(N, L)`` multi-hot true labels.
        scores: ``(N, L)`` scores.
        k: Predictions per photo.
    """
    truth = np.asarray(y_true) > 0
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    hits = int(np.take_along_axis(truth, top, axis=1).sum())
    predictions, positives = top.size, int(truth.sum())
    precision = hits / predictions if predictions else 0.0
    recall = hits / positives if positives else 0.0
    return PrecisionRecall(precision, recall, _f1(precision, recall))


def average_precision(y_true: NDArray[np.floating] | BoolArray, scores: FloatArray) -> float:
    """AP of one label: mean of the precision at the rank of each positive (NaN if none).

    Tied scores are ranked positives last, so ties never flatter the score.
    """
    truth = np.asarray(y_true) > 0
    if not truth.any():
        return float("nan")
    order = np.lexsort((truth, -np.asarray(scores, dtype=np.float64)))
    ranked = truth[order]
    precision_at = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    return float(precision_at[ranked].mean())


def mean_average_precision(y_true: NDArray[np.floating] | BoolArray, scores: FloatArray) -> float:
    """Mean AP over the labels (columns) with at least one positive."""
    aps = [average_precision(y_true[:, j], scores[:, j]) for j in range(scores.shape[1])]
    valid = [ap for ap in aps if not np.isnan(ap)]
    return float(np.mean(valid)) if valid else float("nan")


@dataclass(frozen=True, slots=True)
class CutoffPrecision:
    """FashionAI precision over answered photos, and the answered share."""

    precision: float
    coverage: float


def precision_at_cutoff(correct: BoolArray, confident: BoolArray) -> CutoffPrecision:
    """Precision of the confident predictions (abstentions ignored) and their coverage."""
    correct, confident = np.asarray(correct, bool), np.asarray(confident, bool)
    answered = int(confident.sum())
    coverage = answered / len(confident) if len(confident) else float("nan")
    precision = float(correct[confident].mean()) if answered else float("nan")
    return CutoffPrecision(precision, coverage)


def graded_score(y_true: IntArray, y_pred: IntArray, levels: int) -> float:
    """Mean of ``1 − |true − predicted| / (levels − 1)`` over rows (positions on the scale)."""
    if len(y_true) == 0:
        return float("nan")
    if levels < 2:
        return 1.0
    distance = np.abs(np.asarray(y_true) - np.asarray(y_pred))
    return float((1.0 - distance / (levels - 1)).mean())
