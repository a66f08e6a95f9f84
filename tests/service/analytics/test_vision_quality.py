from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from service.analytics.vision_quality import (
    label_recall,
    per_label_recall,
    rare_labels,
    reliability_table,
)


def test_reliability_bins_scores_and_reports_accuracy_per_bin() -> None:
    rows = pd.DataFrame({"score": [0.05, 0.08, 0.95, 1.0], "correct": [False, True, True, True]})
    table = reliability_table({"category": rows}, bins=10)
    assert table["curve"].tolist() == ["category", "category"]
    assert table["count"].tolist() == [2, 2]
    assert table["accuracy"].tolist() == [0.5, 1.0]
    assert table["confidence"].tolist() == pytest.approx([0.065, 0.975])


def test_rare_labels_are_the_least_frequent_fifth() -> None:
    counts = Counter(
        {"a": 10, "b": 1, "c": 5, "d": 7, "e": 2, "f": 9, "g": 8, "h": 6, "i": 4, "j": 3}
    )
    assert rare_labels(counts) == {"b", "e"}
    assert rare_labels(Counter({"x": 3})) == {"x"}


def test_label_recall_reads_the_confusion_rows() -> None:
    report = {"labels": ["coat", "dress", "hat"], "confusion": [[3, 1, 0], [0, 2, 0], [0, 0, 0]]}
    recall = label_recall(report)
    assert recall["coat"] == 0.75 and recall["dress"] == 1.0
    assert np.isnan(recall["hat"])


def test_per_label_recall_keeps_labels_without_photos() -> None:
    rows = pd.DataFrame({"truth": ["coat", "coat", "dress"], "correct": [True, False, True]})
    recall = per_label_recall(rows, ["coat", "dress", "hat"])
    assert recall["coat"] == 0.5 and recall["dress"] == 1.0 and np.isnan(recall["hat"])
