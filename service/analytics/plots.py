"""Matplotlib figures the notebooks show: metrics with intervals, matrices, curves.

Every function takes plain tables (pandas frames or arrays) and returns a ``Figure``; none
computes a metric. Long-format metric tables have one row per (group, series, metric) with
``value`` and optionally ``low``/``high`` (a confidence interval).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Panel size in inches: wide enough for a dozen labelled bars.
PANEL = (6.0, 3.6)


def finished(fig: Figure) -> Figure:
    """Lay ``fig`` out and detach it from pyplot, so a notebook shows it once (as the cell's
    value) and long sessions do not accumulate open figures.
    """
    fig.tight_layout()
    plt.close(fig)
    return fig


def interval_bars(
    table: pd.DataFrame,
    *,
    group: str,
    series: str,
    metrics: Sequence[str],
    title: str = "",
) -> Figure:
    """One panel per metric: bars per ``group``, one colour per ``series``, with CI whiskers.

    Args:
        table: Long format: columns ``group``, ``series``, ``metric``, ``value`` and
            optionally ``low``/``high``.
        group: Column whose values label the x axis (e.g. the model).
        series: Column whose values get one bar each per group (e.g. with/without policy).
        metrics: Metric names, one panel each, in order.
        title: Figure title.
    """
    fig, axes = plt.subplots(1, len(metrics), figsize=(PANEL[0] * len(metrics) / 1.5, PANEL[1]))
    for ax, metric in zip(np.atleast_1d(axes), metrics, strict=True):
        _bars(ax, table[table["metric"] == metric], group, series)
        ax.set_title(metric)
    np.atleast_1d(axes)[0].legend(title=series, fontsize="small")
    fig.suptitle(title)
    return finished(fig)


def _bars(ax: Axes, rows: pd.DataFrame, group: str, series: str) -> None:
    groups = list(dict.fromkeys(rows[group]))
    kinds = list(dict.fromkeys(rows[series]))
    width = 0.8 / max(len(kinds), 1)
    for i, kind in enumerate(kinds):
        part = rows[rows[series] == kind].set_index(group).reindex(groups)
        x = np.arange(len(groups)) + (i - (len(kinds) - 1) / 2) * width
        errors = None
        if {"low", "high"} <= set(part.columns):
            errors = np.vstack([part["value"] - part["low"], part["high"] - part["value"]]).clip(
                min=0
            )
        ax.bar(x, part["value"], width, yerr=errors, capsize=3, label=str(kind))
    ax.set_xticks(np.arange(len(groups)), [str(g) for g in groups], rotation=30, ha="right")


def heatmap(
    matrix: np.ndarray,
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    normalise_rows: bool = False,
) -> Figure:
    """A labelled heatmap (confusion matrices, colour by season, ...), counts written in cells.

    Args:
        matrix: (len(rows), len(columns)) values.
        rows: Label of each row.
        columns: Label of each column.
        title: Figure title.
        xlabel: Label of the column axis.
        ylabel: Label of the row axis.
        normalise_rows: Colour by each row's share (cells still show the raw values).
    """
    values = np.asarray(matrix, dtype=float)
    shade = values
    if normalise_rows:
        totals = values.sum(axis=1, keepdims=True)
        shade = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    size = (max(4.0, 0.45 * len(columns) + 2), max(3.0, 0.4 * len(rows) + 1.5))
    fig, ax = plt.subplots(figsize=size)
    ax.imshow(shade, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(columns)), list(columns), rotation=45, ha="right")
    ax.set_yticks(range(len(rows)), list(rows))
    if values.size <= 400:  # beyond that the numbers are unreadable anyway
        for (r, c), value in np.ndenumerate(values):
            ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize="x-small")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return finished(fig)


def reliability(curves: pd.DataFrame, *, title: str = "Calibration") -> Figure:
    """Reliability diagram: observed accuracy against predicted confidence, one line per curve.

    Args:
        curves: Columns ``curve`` (name), ``confidence`` (bin mean), ``accuracy`` (observed
            share correct) and optionally ``count`` (marker size).
        title: Figure title.
    """
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    for name, part in curves.groupby("curve", sort=False):
        sizes = 10 + 60 * part["count"] / part["count"].max() if "count" in part else None
        ax.plot(part["confidence"], part["accuracy"], marker=".", label=str(name))
        if sizes is not None:
            ax.scatter(part["confidence"], part["accuracy"], s=sizes, alpha=0.4)
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted confidence", ylabel="observed accuracy")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return finished(fig)


def stacked_shares(
    table: pd.DataFrame,
    *,
    index: str,
    column: str,
    value: str,
    colours: dict[str, str] | None = None,
    title: str = "",
) -> Figure:
    """Stacked 100% bars: for each ``index`` value, the share of each ``column`` value.

    Args:
        table: Long format with columns ``index``, ``column`` and ``value`` (counts).
        index: The column whose values get one bar each.
        column: The column whose values stack within a bar.
        value: The column of counts.
        colours: Optional colour per ``column`` value (e.g. a basic colour term's own hue).
        title: Figure title.
    """
    wide = table.pivot_table(index=index, columns=column, values=value, aggfunc="sum").fillna(0)
    shares = wide.div(wide.sum(axis=1).where(lambda s: s > 0, 1), axis=0)
    fig, ax = plt.subplots(figsize=(max(PANEL[0], 0.5 * len(shares) + 2), PANEL[1]))
    bottom = np.zeros(len(shares))
    for name in shares.columns:
        colour = (colours or {}).get(str(name))
        ax.bar(
            range(len(shares)),
            shares[name],
            bottom=bottom,
            label=str(name),
            color=colour,
            edgecolor="black",
            linewidth=0.3,
        )
        bottom += shares[name].to_numpy()
    ax.set_xticks(range(len(shares)), [str(i) for i in shares.index], rotation=30, ha="right")
    ax.set(ylabel="share", title=title)
    ax.legend(fontsize="x-small", bbox_to_anchor=(1.01, 1), loc="upper left")
    return finished(fig)
