"""A tagger's quality on held-out photos, per attribute group, with the benchmarks' metrics.

Single-choice groups: top-1 and top-5 accuracy, macro F1, FashionAI precision at the calibrated
cut-off with coverage, the graded score for ordered groups, and the confusion matrix.
Multi-label groups: iMaterialist micro P/R/F1 over the top-k, per-label AP and mAP, macro F1 of the
thresholded predictions. Photos whose label in a group is unknown are left out of that group.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from vision import metrics
from vision.tagger.calibration import Thresholds
from vision.tagger.dataset import Targets
from vision.tagger.schema import ABSTAIN, GROUPS, GroupKind, Vocabulary

Report = dict[str, dict[str, Any]]


def _confident_single(probs: NDArray[np.floating], thresholds: list[float]) -> NDArray[np.bool_]:
    predicted = probs.argmax(1)
    return np.asarray(probs.max(1) >= np.asarray(thresholds)[predicted])


def _graded(
    labels: tuple[str, ...], y: NDArray[np.int64], pred: NDArray[np.int64], group: str
) -> float | None:
    order = GROUPS[group].order
    position = {label: order.index(label) for label in labels if label in order}
    pairs = [(position[labels[t]], position[labels[p]]) for t, p in zip(y, pred, strict=True)
             if labels[t] in position and labels[p] in position]  # fmt: skip
    if not order or not pairs:
        return None
    true, predicted = (np.array(v, dtype=np.int64) for v in zip(*pairs, strict=True))
    return metrics.graded_score(true, predicted, len(order))


def evaluate_single(
    group: str, probs: NDArray[np.floating], y: NDArray[np.int64], labels: tuple[str, ...],
    thresholds: list[float],
) -> dict[str, Any]:  # fmt: skip
    """Metrics of one single-choice group."""
    known = y >= 0
    probs, y = probs[known], y[known]
    pred = probs.argmax(1)
    cut = metrics.precision_at_cutoff(pred == y, _confident_single(probs, thresholds))
    visible = np.array([labels[t] != ABSTAIN for t in y], dtype=bool)
    return {
        "photos": len(y),
        "top1": metrics.top_k_accuracy(y, probs, 1),
        "top5": metrics.top_k_accuracy(y, probs, 5),
        "macro_f1": metrics.macro_f1(y, pred, len(labels)),
        "precision_at_cutoff": cut.precision,
        "coverage": cut.coverage,
        "top1_visible": metrics.top_k_accuracy(y[visible], probs[visible], 1),
        "graded": _graded(labels, y, pred, group),
        "confusion": metrics.confusion_matrix(y, pred, len(labels)).tolist(),
    }


def evaluate_multi(
    probs: NDArray[np.floating], truth: NDArray[np.floating], known: NDArray[np.bool_],
    thresholds: list[float], k: int = 1,
) -> dict[str, Any]:  # fmt: skip
    """Metrics of one multi-label group."""
    probs, positive = probs[known], truth[known] > 0
    predicted = probs >= np.asarray(thresholds)[None, :]
    per_label_f1 = []
    for j in range(positive.shape[1]):
        tp = int((predicted[:, j] & positive[:, j]).sum())
        denominator = int(predicted[:, j].sum() + positive[:, j].sum())
        if positive[:, j].any():
            per_label_f1.append(2 * tp / denominator if denominator else 0.0)
    top = metrics.micro_prf_at_k(positive, probs, k)
    aps = [metrics.average_precision(positive[:, j], probs[:, j]) for j in range(positive.shape[1])]
    return {
        "photos": len(positive),
        f"micro_precision_top{k}": top.precision,
        f"micro_recall_top{k}": top.recall,
        f"micro_f1_top{k}": top.f1,
        "top1": float(positive[np.arange(len(positive)), probs.argmax(1)].mean())
        if len(positive)
        else None,
        "macro_f1_top1": _macro_f1_top1(probs, positive),
        "macro_f1": float(np.mean(per_label_f1)) if per_label_f1 else None,
        "map": metrics.mean_average_precision(positive, probs),
        "ap": [None if np.isnan(ap) else ap for ap in aps],
    }


def _macro_f1_top1(probs: NDArray[np.floating], truth: NDArray[np.bool_]) -> float | None:
    """Macro F1 when each photo gets its one best label, against its first true label."""
    if len(truth) == 0:
        return None
    y = truth.argmax(1)
    return metrics.macro_f1(y, probs.argmax(1), truth.shape[1])


def evaluate(
    scores: dict[str, NDArray[np.floating]], targets: Targets, vocabulary: Vocabulary,
    thresholds: Thresholds,
) -> Report:  # fmt: skip
    """Per group, the metrics of the module docstring."""
    report: Report = {}
    for group, labels in vocabulary.groups:
        if vocabulary.kind(group) is GroupKind.SINGLE:
            report[group] = evaluate_single(
                group, scores[group], targets.single[group], labels, thresholds[group]
            )
        else:
            report[group] = evaluate_multi(
                scores[group], targets.multi[group], targets.known[group], thresholds[group]
            )
        report[group]["labels"] = list(labels)
    return report
