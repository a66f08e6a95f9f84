"""A small tagger learns Myntra's slots from real photos (needs ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vision.tagger.net import NetConfig
from vision.tagger.pipeline import TaggerRunConfig, train_tagger
from vision.tagger.sources import myntra_photos
from vision.tagger.train import TrainConfig


@pytest.mark.realdata
def test_tagger_beats_the_majority_slot_on_held_out_myntra_styles(
    shared_data: Path, tmp_path: Path
) -> None:
    photos = myntra_photos(shared_data / "myntra")[::8]  # ≈ 1,200 photos, evenly spread
    config = TaggerRunConfig(
        train=TrainConfig(image_size=32, epochs=4, batch_size=64),
        net=NetConfig(widths=(16, 16, 32, 64)),
        workers=1,
    )

    result = train_tagger(photos, tmp_path, config)

    slots = [photos[i].labels["slot"][0] for i in result.test_indices if "slot" in photos[i].labels]
    majority = max(slots.count(s) for s in set(slots)) / len(slots)
    assert result.report["slot"]["top1"] > majority + 0.1
    assert np.isfinite(result.report["category"]["top5"])
