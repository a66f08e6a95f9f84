"""Several models on one split, with and without the policy: one comparison table."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recommender.candidates import SOURCES
from recommender.evaluate import Case, Split, build_cases, main_lists, rebuy_lists, report
from recommender.knowledge import CatalogueKnowledge
from recommender.metrics import bootstrap_interval
from recommender.pipeline import Fitted, PipelineConfig, fit_pipeline
from recommender.policy import Policy
from recommender.ranker import RankerRecommender


@dataclass(frozen=True)
class Run:
    """One row of the comparison: a model's lists and metrics on the split."""

    name: str
    metrics: dict[str, Any]
    lists: dict[str, list[str]]
    fit_seconds: float


#: Hears each step of a comparison: what is happening, steps done and steps in all.
Progress = Callable[[str, int, int], None]
#: Steps per model: the fit, the raw lists, the lists with the policy.
STEPS_PER_MODEL = 3


def compare(
    split: Split,
    knowledge: CatalogueKnowledge,
    models: Sequence[str],
    k: int = 12,
    samples: int = 1000,
    overrides: dict[str, dict[str, Any]] | None = None,
    progress: Progress | None = None,
) -> list[Run]:
    """Fit each model on ``split.train``; rows ``<model>`` (raw), ``<model>+policy`` and, once,
    ``rebuy`` (the buy-it-again shelf).

    ``progress`` hears each step as it ends, with the model's fit and ranking times (the CLI
    shows a bar).
    """
    runs: list[Run] = []
    say = progress or (lambda *_: None)
    total = STEPS_PER_MODEL * len(models)
    for index, name in enumerate(models):
        done = STEPS_PER_MODEL * index
        say(f"fitting {name}", done, total)
        config = PipelineConfig(model=name, model_overrides=(overrides or {}).get(name, {}))
        started = time.perf_counter()
        fitted = fit_pipeline(split.train, knowledge, config)
        seconds = time.perf_counter() - started
        policy = Policy(fitted.catalogue, fitted.tables, config.policy)
        say(f"{name} fitted in {seconds:.1f} s", done + 1, total)
        notes = fitted.model.notes()
        for note in notes:
            say(f"{name}: {note}", done + 1, total)
        cases = build_cases(split, fitted, policy)
        for step, (label, apply) in enumerate(((name, False), (f"{name}+policy", True)), 2):
            started = time.perf_counter()
            lists = main_lists(fitted, policy, cases, k, apply_policy=apply)
            metrics: dict[str, Any] = report(lists, cases, split, fitted, policy, k, samples)
            hits = None if apply else source_hits(fitted, cases, samples)
            if hits is not None:
                metrics = {**metrics, "sources": hits}
            if notes and not apply:
                metrics = {**metrics, "notes": notes}
            runs.append(Run(label, metrics, lists, seconds))
            ranked = time.perf_counter() - started
            say(f"{label} ranked and scored in {ranked:.1f} s", done + step, total)
        if not any(run.name == "rebuy" for run in runs):
            lists = rebuy_lists(fitted, policy, cases, k)
            runs.append(
                Run("rebuy", report(lists, cases, split, fitted, policy, k, samples), lists, 0.0)
            )
    return runs


def source_hits(fitted: Fitted, cases: Sequence[Case], samples: int) -> dict[str, float] | None:
    """For a model with candidate sources (the ranker): the mean share of a test shopper's
    new-to-you purchases each source proposed, and any source, with 95% bootstrap intervals
    over shoppers (``None`` for other models).
    """
    model = fitted.model
    if not isinstance(model, RankerRecommender):
        return None
    chosen = [c for c in cases if c.new and c.history.items.size]
    wanted = [fitted.items.rows(sorted(c.new)) for c in chosen]
    shares = model.source_hits([c.history for c in chosen], [w[w >= 0] for w in wanted])
    result: dict[str, float] = {}
    for name, column in zip((*SOURCES, "any"), shares.T, strict=True):
        kept = column[~np.isnan(column)]
        low, high = bootstrap_interval(kept, samples)
        result |= {name: float(kept.mean()) if kept.size else 0.0, f"{name}_lo": low}
        result[f"{name}_hi"] = high
    result["users"] = float((~np.isnan(shares[:, -1])).sum())
    return result
