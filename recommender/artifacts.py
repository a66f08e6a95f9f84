"""A fitted pipeline on disk: self-describing (config, vocabulary, version, metrics).

Layout of one version's folder::

    manifest.json     version, created, pipeline config, metrics
    items.json        the item vocabulary (external ids in column order)
    habits.json       learned per-category repurchase habits
    policy.json       per-category policy plans
    catalogue.*       coded item facts
    model/            the main model (config.json + arrays)
    popularity/       the popularity fallback
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from recommender.base import Recommender, config_from_dict
from recommender.catalogue import Catalogue
from recommender.data import MatrixConfig, Vocabulary
from recommender.habits import CategoryHabit, HabitConfig
from recommender.pipeline import Fitted, PipelineConfig
from recommender.policy import PolicyConfig, PolicyTables
from recommender.popularity import RecentPopularity

MANIFEST = "manifest.json"


class ArtifactError(ValueError):
    """A model folder is missing, incomplete or corrupt."""


def save_fitted(
    fitted: Fitted, directory: Path, version: str, metrics: dict[str, Any] | None = None
) -> None:
    """Write every part of ``fitted``; the manifest goes last so its presence means complete."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "items.json").write_text(fitted.items.to_json())
    habits = {name: asdict(habit) for name, habit in fitted.habits.items()}
    (directory / "habits.json").write_text(json.dumps(habits))
    fitted.tables.save(directory)
    fitted.catalogue.save(directory)
    fitted.model.save(directory / "model")
    fitted.popularity.save(directory / "popularity")
    manifest = {"version": version, "config": asdict(fitted.config), "metrics": metrics or {}}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))


def pipeline_config(values: dict[str, Any]) -> PipelineConfig:
    """Inverse of ``asdict`` on a :class:`PipelineConfig`.

    Tolerant of settings this version no longer has: an artifact written by an older version
    must keep loading (user overrides, by contrast, are checked strictly).
    """
    return PipelineConfig(
        model=values["model"],
        model_overrides=dict(values.get("model_overrides", {})),
        matrix=config_from_dict(MatrixConfig, values["matrix"], strict=False),
        habits=config_from_dict(HabitConfig, values["habits"], strict=False),
        policy=config_from_dict(PolicyConfig, values["policy"], strict=False),
    )


def load_fitted(directory: Path) -> tuple[Fitted, dict[str, Any]]:
    """Read a folder written by :func:`save_fitted`: (fitted pipeline, manifest).

    Raises:
        ArtifactError: When a part is missing or cannot be read.
    """
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        habits = json.loads((directory / "habits.json").read_text())
        popularity = Recommender.load(directory / "popularity")
        assert isinstance(popularity, RecentPopularity)
        fitted = Fitted(
            config=pipeline_config(manifest["config"]),
            items=Vocabulary.from_json((directory / "items.json").read_text()),
            model=Recommender.load(directory / "model"),
            popularity=popularity,
            catalogue=Catalogue.load(directory),
            habits={name: CategoryHabit(**h) for name, h in habits.items()},
            tables=PolicyTables.load(directory),
        )
    except (OSError, KeyError, TypeError, ValueError, AssertionError) as exc:
        raise ArtifactError(f"{directory}: incomplete or corrupt model artifact ({exc})") from exc
    _check_sizes(fitted, directory)
    return fitted, manifest


def _check_sizes(fitted: Fitted, directory: Path) -> None:
    n_items = len(fitted.items)
    sizes = {
        "popularity": fitted.popularity.popularity.size,
        "catalogue": fitted.catalogue.codes["category"].size,
    }
    bad = {name: size for name, size in sizes.items() if size != n_items}
    if bad:
        raise ArtifactError(f"{directory}: parts disagree with the {n_items} items: {bad}")
