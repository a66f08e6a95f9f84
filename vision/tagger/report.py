"""Markdown rendering of an evaluation report (the JSON form is the report itself)."""

from __future__ import annotations

from typing import Any

from vision.tagger.evaluate import Report

SINGLE_COLUMNS = ("photos", "top1", "top5", "macro_f1", "precision_at_cutoff", "coverage", "graded")
MULTI_COLUMNS = ("photos", "top1", "micro_precision_top1", "micro_recall_top1", "macro_f1", "map")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.3f}"
    return str(value)


def _table(report: Report, columns: tuple[str, ...], groups: list[str]) -> list[str]:
    lines = ["| group | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for group in groups:
        cells = " | ".join(_cell(report[group].get(column)) for column in columns)
        lines.append(f"| {group} | {cells} |")
    return lines


def _top_confusions(metrics: dict[str, Any], n: int = 5) -> str:
    labels, matrix = metrics["labels"], metrics["confusion"]
    pairs = [
        (count, labels[t], labels[p])
        for t, row in enumerate(matrix)
        for p, count in enumerate(row)
        if t != p and count
    ]
    return ", ".join(f"{t}→{p} {c}" for c, t, p in sorted(pairs, reverse=True)[:n]) or "none"


def render_markdown(report: Report, title: str, facts: dict[str, Any] | None = None) -> str:
    """A Markdown page: facts, single-choice and multi-label tables, top confusions."""
    single = [g for g, m in report.items() if "confusion" in m]
    multi = [g for g in report if g not in single]
    lines = [f"# {title}", ""]
    lines += [f"- **{key}**: {value}" for key, value in (facts or {}).items()]
    if single:
        lines += ["", "## Single-choice groups", "", *_table(report, SINGLE_COLUMNS, single)]
        lines += ["", "Top confusions (true→predicted count):", ""]
        lines += [f"- {g}: {_top_confusions(report[g])}" for g in single]
    if multi:
        lines += ["", "## Multi-label groups", "", *_table(report, MULTI_COLUMNS, multi)]
    return "\n".join(lines) + "\n"
