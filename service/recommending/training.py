"""The train stage: store (+ graph) -> fitted recommender artifact under ATELIER_HOME/models.

Used by ``atelier train`` and ``make demo``. Each run writes ``models/<version>/`` completely
(config, vocabulary, learned habits, policy plans, models, hold-out metrics) and only then
replaces the ``models/current`` pointer file atomically, so a server reloading at any moment
sees either the old or the new version, never half of one. Learned repurchase statistics are
written back into the knowledge graph.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kg.projection import put_repurchase_stats
from recommender.artifacts import save_fitted
from recommender.data import Interactions
from recommender.diversity import choose_category_limit
from recommender.evaluate import (
    build_cases,
    limited_lists,
    report,
    sample_shoppers,
    temporal_split,
)
from recommender.knowledge import CatalogueKnowledge
from recommender.pipeline import Fitted, PipelineConfig, fit_pipeline
from recommender.policy import Policy, PolicyConfig
from service.errors import TrainingError
from service.graph.stores import open_graph_store
from service.recommending.interactions import latest_event, load_interactions
from service.recommending.knowledge import knowledge_for
from service.settings import Settings

POINTER = "current"
#: Told each step of a train run as it ends: what was done (with its time), steps done, steps.
Progress = Callable[[str, int, int], None]
#: What ``auto`` chooses between, the first when there is no hold-out to decide on.
AUTO_MODELS = ("hybrid", "ranker")


@dataclass(frozen=True)
class TrainOptions:
    """What a train run does."""

    model: str = "auto"
    """Main model (``atelier evaluate --help`` lists them), or ``auto``: each of
    :data:`AUTO_MODELS` is scored on the hold-out and the best (new-to-you MAP@12) is trained."""
    holdout_days: float = 14.0
    """Days held out to report metrics before the final fit on everything."""
    evaluate: bool = True
    """Report hold-out metrics (costs one more fit)."""
    holdout_shoppers: int = 20_000
    """At most this many hold-out shoppers (a seeded sample) are scored: a full H&M fortnight
    has hundreds of thousands, which cost an hour and most of 24 GiB for the same means."""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Config fields of the model that differ from its defaults."""
    window_days: float | None = None
    """Learn only from the last ``window_days`` of events (``None``: all); keeps a full H&M
    store (31M events) to the recent weeks that matter for fashion."""


@dataclass(frozen=True)
class TrainResult:
    """What a train run wrote."""

    version: str
    directory: Path
    metrics: dict[str, Any]
    seconds: float
    fitted: Fitted


def models_dir(settings: Settings) -> Path:
    """``ATELIER_HOME/models``."""
    return settings.atelier_home / "models"


def train_stage(
    settings: Settings,
    engine: Engine,
    options: TrainOptions,
    knowledge: CatalogueKnowledge | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Train, evaluate on a hold-out tail, save a new version and point ``current`` at it.

    Args:
        settings: Where the models and the graph are.
        engine: The catalogue store.
        options: What the run does.
        knowledge: The catalogue's knowledge (read from the graph when None).
        progress: Told each step as it ends (reading the events, each hold-out fit, the final
            fit): at a large retailer's size a run takes most of an hour.

    Raises:
        TrainingError: When the store holds no purchases.
    """
    started = time.perf_counter()
    steps = _Steps(progress, 2 + (len(_candidates(options)) if options.evaluate else 0))
    newest = latest_event(engine)
    since = None
    if newest is not None and options.window_days is not None:
        since = newest - timedelta(days=options.window_days)
    data = load_interactions(engine, since)
    if data.purchases().empty:
        raise TrainingError("the store holds no purchases to learn from (ingest events first)")
    knowledge = knowledge if knowledge is not None else knowledge_for(settings, engine)
    steps.done(f"read {len(data.frame):,} events and the catalogue's knowledge")
    model, metrics = _choose_model(data, knowledge, options, steps)
    overrides = dict(options.overrides) if options.model != "auto" else {}
    policy = PolicyConfig()
    if "category_limit" in metrics:
        policy = replace(policy, max_per_category=metrics["category_limit"]["chosen"])
    config = PipelineConfig(model=model, model_overrides=overrides, policy=policy)
    fitted = fit_pipeline(data, knowledge, config)
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{model}"
    directory = models_dir(settings) / version
    save_fitted(fitted, directory, version, metrics)
    write_pointer(models_dir(settings), version)
    write_back_habits(settings, fitted)
    steps.done(f"trained {model} on every event and saved it")
    return TrainResult(version, directory, metrics, time.perf_counter() - started, fitted)


class _Steps:
    """Counts a run's steps and tells :data:`Progress` each one's time as it ends."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress, self._total, self._count = progress, total, 0
        self._since = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        self._count += 1
        if self._progress is not None:
            self._progress(f"{what} ({now - self._since:.1f} s)", self._count, self._total)
        self._since = now


def _candidates(options: TrainOptions) -> tuple[str, ...]:
    return AUTO_MODELS if options.model == "auto" else (options.model,)


def _choose_model(
    data: Interactions, knowledge: CatalogueKnowledge, options: TrainOptions, steps: _Steps
) -> tuple[str, dict[str, Any]]:
    """The model to train and its hold-out metrics (``auto``: the best of the candidates)."""
    names = _candidates(options)
    if not options.evaluate:
        return names[0], {}
    scored = []
    for name in names:
        # overrides are one model's settings: they go with a model the user named
        overrides = dict(options.overrides) if options.model != "auto" else {}
        config = PipelineConfig(model=name, model_overrides=overrides)
        metrics = holdout_metrics(data, knowledge, config, options)
        scored.append((name, metrics))
        value = metrics.get("new", {}).get("map@12")
        result = f"new-to-you MAP@12 {value:.4f}" if value is not None else metrics.get("skipped")
        steps.done(f"hold-out: {name} fitted and scored, {result}")
    if len(scored) == 1:
        return scored[0]
    values = {n: float(m.get("new", {}).get("map@12", -1.0)) for n, m in scored}
    best = max(values, key=lambda n: values[n]) if max(values.values()) > 0 else names[0]
    metrics = dict(next(m for n, m in scored if n == best))
    metrics["chosen"] = {"model": best, "new_map@12": values}
    return best, metrics


def holdout_metrics(
    data: Interactions, knowledge: CatalogueKnowledge, config: PipelineConfig, options: TrainOptions
) -> dict[str, Any]:
    """Main-shelf metrics (with the policy) of a fit on all but the last ``holdout_days``, under
    the category limit chosen on that hold-out (``category_limit``: the choice and each limit's
    new-to-you MAP@12 and diversity). Without purchases on both sides of the cut, only the
    reason (``skipped``).
    """
    split = temporal_split(data, options.holdout_days)
    split = sample_shoppers(split, options.holdout_shoppers)
    if split.train.purchases().empty or split.test.empty:
        days = f"{options.holdout_days:g} days"
        where = "before" if split.train.purchases().empty else "in"
        return {
            "holdout_days": options.holdout_days,
            "skipped": f"no purchases {where} the last {days}",
        }
    fitted = fit_pipeline(split.train, knowledge, config)
    policy = Policy(fitted.catalogue, fitted.tables, config.policy)
    cases = build_cases(split, fitted, policy)
    limit, trials = choose_category_limit(fitted, policy, cases)
    lists = limited_lists(fitted, policy, cases, 12, [limit])[limit]
    table = report(lists, cases, split, fitted, policy, 12, samples=200)
    tried = [{"limit": t.limit, "new_map@12": t.new_map, "diversity": t.diversity} for t in trials]
    return {
        "holdout_days": options.holdout_days,
        "test_users": len(cases),
        **table,
        "category_limit": {"chosen": limit, "tried": tried},
    }


def write_pointer(directory: Path, version: str) -> None:
    """Point ``directory/current`` at ``version`` atomically (write aside, then rename)."""
    directory.mkdir(parents=True, exist_ok=True)
    aside = directory / f".{POINTER}.{os.getpid()}"
    aside.write_text(version + "\n", encoding="utf-8")
    os.replace(aside, directory / POINTER)


def write_back_habits(settings: Settings, fitted: Fitted) -> int:
    """Write the learned repurchase statistics into the graph (when one exists)."""
    if not settings.may_have_graph:
        return 0
    stats = [(c, h.probability, h.interval_days) for c, h in sorted(fitted.habits.items())]
    store = open_graph_store(settings)
    try:
        return put_repurchase_stats(store, stats)
    finally:
        store.close()
