"""The hot-swap contract of the model slot, with a loader that reads a one-line artifact.

The slot is generic over what it loads; these tests pin its own rules (atomic swap, a bad
artifact keeps the old model, recovery without restart). The recommender's real model goes
through the same slot in test_recommend.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.api.model_slot import ModelSlot
from service.errors import UnavailableError


def read_artifact(folder: Path) -> str:
    text = (folder / "model.txt").read_text()
    if not text.startswith("model:"):
        raise ValueError("not a model artifact")
    return text


def publish(models: Path, version: str, content: str = "model: ok") -> None:
    """Write an artifact and point ``current`` at it atomically, like ``atelier train``."""
    (models / version).mkdir(parents=True)
    (models / version / "model.txt").write_text(content)
    tmp = models / "current.tmp"
    tmp.write_text(version)
    os.replace(tmp, models / "current")


def test_without_a_model_get_says_why(tmp_path: Path) -> None:
    slot = ModelSlot(tmp_path, read_artifact)

    with pytest.raises(UnavailableError, match="does not exist"):
        slot.get()


def test_a_published_model_is_loaded_on_first_use(tmp_path: Path) -> None:
    slot = ModelSlot(tmp_path, read_artifact)
    publish(tmp_path, "v1")

    assert slot.get().version == "v1"


def test_reload_swaps_in_the_new_version_and_reports_it(tmp_path: Path) -> None:
    swapped: list[str] = []
    slot = ModelSlot(tmp_path, read_artifact, on_swap=swapped.append)
    publish(tmp_path, "v1")
    slot.reload()
    publish(tmp_path, "v2", "model: better")

    outcome = slot.reload()

    assert (outcome.version, outcome.changed) == ("v2", True)
    assert slot.get().model == "model: better"
    assert swapped == ["v1", "v2"]
    assert slot.reload().changed is False


def test_a_corrupt_artifact_is_rejected_and_the_old_model_keeps_serving(tmp_path: Path) -> None:
    slot = ModelSlot(tmp_path, read_artifact)
    publish(tmp_path, "v1")
    slot.reload()
    publish(tmp_path, "v2", "garbage")

    with pytest.raises(UnavailableError, match=r"'v2' rejected .*still serving 'v1'"):
        slot.reload()

    assert slot.get().version == "v1"
    assert "rejected" in (slot.problem or "")


@pytest.mark.parametrize("pointer", ["../../etc", "", "a/b", ".."])
def test_a_pointer_outside_the_models_folder_is_refused(tmp_path: Path, pointer: str) -> None:
    (tmp_path / "current").write_text(pointer)
    slot = ModelSlot(tmp_path, read_artifact)

    with pytest.raises(UnavailableError, match=r"not a version|is not a folder"):
        slot.reload()
