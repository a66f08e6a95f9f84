"""Config overrides are strict; reading an older artifact's config is tolerant."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from recommender.artifacts import pipeline_config
from recommender.base import CONFIG_FILE, Recommender, UnknownSettingError, config_from_dict
from recommender.models import create
from recommender.pipeline import PipelineConfig
from recommender.policy import PolicyConfig
from recommender.popularity import PopularityConfig


def test_a_mistyped_override_names_the_key_and_the_known_ones() -> None:
    with pytest.raises(
        UnknownSettingError, match=r"ALSConfig has no setting 'factor'; known: .*factors"
    ):
        create("als", {"factor": 8})


def test_a_mistyped_hybrid_member_override_is_refused_too() -> None:
    with pytest.raises(UnknownSettingError, match="'epoch'"):
        create("hybrid", {"member_overrides": {"kgnn": {"epoch": 2}}})


def test_known_overrides_replace_the_defaults() -> None:
    assert create("als", {"factors": 8}).config.factors == 8


def test_tolerant_reading_drops_settings_a_config_no_longer_has() -> None:
    config = config_from_dict(PopularityConfig, {"window_days": 3.0, "retired": 1}, strict=False)
    assert config == PopularityConfig(window_days=3.0)


def test_an_artifact_from_an_older_version_still_loads(tmp_path: Path) -> None:
    values = asdict(PipelineConfig(model="popularity"))
    values["policy"]["retired_boost"] = 0.5  # a setting this version no longer has
    assert pipeline_config(values).policy == PolicyConfig()

    create("popularity", {"window_days": 3.0}).save(tmp_path)
    payload = json.loads((tmp_path / CONFIG_FILE).read_text())
    payload["config"]["retired"] = True
    (tmp_path / CONFIG_FILE).write_text(json.dumps(payload))
    assert Recommender.load(tmp_path).config == PopularityConfig(window_days=3.0)
