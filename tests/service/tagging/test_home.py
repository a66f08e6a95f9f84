"""The model home: the current pointer and missing models."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import VisionModelError
from service.tagging.home import (
    activate,
    current_version,
    model_folder,
    models_dir,
)


def test_activate_points_current_at_a_version(tmp_path: Path) -> None:
    (models_dir(tmp_path) / "tagger-1").mkdir(parents=True)
    assert current_version(tmp_path) is None

    activate(tmp_path, "tagger-1")

    assert current_version(tmp_path) == "tagger-1"
    assert model_folder(tmp_path) == models_dir(tmp_path) / "tagger-1"


def test_missing_models_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(VisionModelError, match="atelier vision train"):
        model_folder(tmp_path)
    models_dir(tmp_path).mkdir()
    activate(tmp_path, "gone")
    with pytest.raises(VisionModelError, match="not found"):
        model_folder(tmp_path)
