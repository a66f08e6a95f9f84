"""The train stage: versioned artifacts, the atomic pointer, hold-out metrics."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from seeded_store import seed_store
from sqlalchemy import Engine

from recommender.serving import HistoryEvent, Shelves
from service.errors import TrainingError
from service.recommending.training import TrainOptions, train_stage, write_pointer
from service.settings import Settings

FAST = TrainOptions(model="als", holdout_days=7, overrides={"factors": 4, "iterations": 3})


def test_train_writes_a_version_and_points_current_at_it(engine: Engine, tmp_path: Path) -> None:
    seed_store(engine)
    settings = Settings(atelier_home=tmp_path)
    result = train_stage(settings, engine, FAST)
    assert (tmp_path / "models" / "current").read_text().strip() == result.version
    for part in ("manifest.json", "items.json", "habits.json", "policy.json", "model"):
        assert (result.directory / part).exists()
    assert result.metrics["test_users"] > 0 and "new" in result.metrics
    shelves = Shelves.load(result.directory)
    limit = result.metrics["category_limit"]
    assert limit["chosen"] in {t["limit"] for t in limit["tried"]}
    assert shelves.policy.config.max_per_category == limit["chosen"]  # saved and served
    shelf = shelves.recommend(
        "c0", [HistoryEvent("T0", datetime(2024, 5, 22), "purchase")], datetime(2024, 5, 22)
    )
    assert shelf.items and shelf.model_version == result.version


def test_training_an_empty_store_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(TrainingError, match="no purchases"):
        train_stage(Settings(atelier_home=tmp_path), engine, FAST)


def test_a_hold_out_with_nothing_before_it_says_so_and_still_trains(
    engine: Engine, tmp_path: Path
) -> None:
    seed_store(engine)
    options = TrainOptions(model="als", holdout_days=10_000, overrides=FAST.overrides)
    result = train_stage(Settings(atelier_home=tmp_path), engine, options)
    assert result.metrics["skipped"] == "no purchases before the last 10000 days"
    assert "new" not in result.metrics
    assert (tmp_path / "models" / "current").read_text().strip() == result.version


def test_pointer_is_replaced_not_appended(tmp_path: Path) -> None:
    write_pointer(tmp_path, "v1")
    write_pointer(tmp_path, "v2")
    assert (tmp_path / "current").read_text() == "v2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current"]


def test_auto_trains_the_candidate_best_on_the_hold_out(engine: Engine, tmp_path: Path) -> None:
    seed_store(engine)
    result = train_stage(Settings(atelier_home=tmp_path), engine, TrainOptions(holdout_days=7))
    chosen = result.metrics["chosen"]
    scores = chosen["new_map@12"]
    assert set(scores) == {"hybrid", "ranker"}
    assert scores[chosen["model"]] == max(scores.values())
    assert result.version.endswith(f"-{chosen['model']}")
    assert result.fitted.config.model == chosen["model"]


def test_each_step_is_told_as_it_ends(engine: Engine, tmp_path: Path) -> None:
    seed_store(engine)
    heard: list[tuple[str, int, int]] = []
    train_stage(
        Settings(atelier_home=tmp_path), engine, FAST, progress=lambda *step: heard.append(step)
    )
    assert [(done, total) for _, done, total in heard] == [(1, 3), (2, 3), (3, 3)]
    read, holdout, final = (message for message, _, _ in heard)
    assert read.startswith("read ") and " events " in read
    assert re.fullmatch(
        r"hold-out: als fitted and scored, new-to-you MAP@12 [01]\.\d{4} \(.*", holdout
    )
    assert final.startswith("trained als on every event")
    assert all(message.endswith(" s)") for message, _, _ in heard)
