from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Patch, Rectangle

from service.analytics.plots import heatmap, interval_bars, reliability, stacked_shares


def _bar(patch: Patch) -> Rectangle:
    """A bar chart's patch as the rectangle it is."""
    assert isinstance(patch, Rectangle)
    return patch


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def test_interval_bars_draws_one_bar_per_model_and_series_with_whiskers() -> None:
    table = pd.DataFrame(
        {
            "model": ["als", "als", "bpr", "bpr"],
            "policy": ["off", "on", "off", "on"],
            "metric": ["MAP@12"] * 4,
            "value": [0.2, 0.3, 0.1, 0.15],
            "low": [0.1, 0.25, 0.05, 0.1],
            "high": [0.3, 0.35, 0.2, 0.2],
        }
    )
    fig = interval_bars(table, group="model", series="policy", metrics=["MAP@12"])
    ax = fig.axes[0]
    heights = sorted(round(_bar(p).get_height(), 3) for p in ax.patches)
    assert heights == [0.1, 0.15, 0.2, 0.3]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["als", "bpr"]
    assert ax.get_legend() is not None


def test_heatmap_writes_every_count_in_its_cell() -> None:
    fig = heatmap(np.array([[3, 1], [0, 4]]), ["a", "b"], ["a", "b"], normalise_rows=True)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0", "1", "3", "4"]


def test_reliability_draws_the_diagonal_and_each_curve() -> None:
    curves = pd.DataFrame(
        {"curve": ["x", "x"], "confidence": [0.2, 0.8], "accuracy": [0.3, 0.7], "count": [5, 9]}
    )
    fig = reliability(curves)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["perfect", "x"]


def test_stacked_shares_sum_to_one_per_bar() -> None:
    table = pd.DataFrame(
        {"season": ["s", "s", "w"], "colour": ["red", "blue", "red"], "n": [1, 3, 2]}
    )
    fig = stacked_shares(table, index="season", column="colour", value="n")
    tops: dict[int, float] = {}
    for patch in map(_bar, fig.axes[0].patches):
        x = round(patch.get_x() + patch.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    assert tops == {0: pytest.approx(1.0), 1: pytest.approx(1.0)}
