"""Several models on one split, with and without the policy: one comparison table."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from recommender.evaluate import Split, build_cases, main_lists, rebuy_lists, report
from recommender.knowledge import CatalogueKnowledge
from recommender.pipeline import PipelineConfig, fit_pipeline
from recommender.policy import Policy


@dataclass(frozen=True)
class Run:
    """One row of the comparison: a model's lists and metrics on the split."""

    name: str
    metrics: dict[str, dict[str, float]]
    lists: dict[str, list[str]]
    fit_seconds: float


def compare(
    split: Split,
    knowledge: CatalogueKnowledge,
    models: Sequence[str],
    k: int = 12,
    samples: int = 1000,
    overrides: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Run]:
    """Fit each model on ``split.train``; rows ``<model>`` (raw), ``<model>+policy`` and, once,
    ``rebuy`` (the buy-it-again shelf).

    ``progress`` hears each step as it starts (the CLI prints it on stderr).
    """
    runs: list[Run] = []
    say = progress or (lambda _: None)
    for index, name in enumerate(models, 1):
        say(f"[{index}/{len(models)}] fitting {name}")
        config = PipelineConfig(model=name, model_overrides=(overrides or {}).get(name, {}))
        started = time.perf_counter()
        fitted = fit_pipeline(split.train, knowledge, config)
        seconds = time.perf_counter() - started
        policy = Policy(fitted.catalogue, fitted.tables, config.policy)
        say(f"[{index}/{len(models)}] {name} fitted in {seconds:.1f} s; ranking the test shoppers")
        cases = build_cases(split, fitted, policy)
        for label, apply in ((name, False), (f"{name}+policy", True)):
            lists = main_lists(fitted, policy, cases, k, apply_policy=apply)
            metrics = report(lists, cases, split, fitted, policy, k, samples)
            runs.append(Run(label, metrics, lists, seconds))
        if not any(run.name == "rebuy" for run in runs):
            lists = rebuy_lists(fitted, policy, cases, k)
            runs.append(
                Run("rebuy", report(lists, cases, split, fitted, policy, k, samples), lists, 0.0)
            )
    return runs
