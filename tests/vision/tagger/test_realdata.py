"""A small tagger learns Myntra's slots from real photos, and few-shot values carry (needs
../shared/data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vision.tagger.cache import decode_photos
from vision.tagger.dataset import SplitConfig, split_of
from vision.tagger.fewshot import make_probe, normalise
from vision.tagger.images import read_image
from vision.tagger.inference import embed
from vision.tagger.net import NetConfig
from vision.tagger.pipeline import TaggerRunConfig, train_tagger
from vision.tagger.sources import myntra_photos
from vision.tagger.train import TrainConfig
from vision.texture import garment_texture


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


@pytest.mark.realdata
def test_a_fewshot_value_from_50_photos_carries_to_held_out_hm_styles(
    shared_data: Path, tmp_path: Path
) -> None:
    """H&M's stripes, new to a tagger trained on Myntra, learnt from 50 + 50 training-style
    photos: the probe ranks and flags the test styles' photos (issue 14; bench/fewshot.py
    measures the default tagger on five draws and more values).
    """
    photos = myntra_photos(shared_data / "myntra")[::8]
    config = TaggerRunConfig(
        train=TrainConfig(image_size=32, epochs=4, batch_size=64),
        net=NetConfig(widths=(16, 16, 32, 64)),
        workers=1,
    )
    net = train_tagger(photos, tmp_path, config).net
    articles = pd.read_parquet(
        shared_data / "hm" / "articles.parquet",
        columns=["article_id", "product_code", "graphical_appearance_name"],
    ).set_index("article_id")
    paths = sorted(p for p in (shared_data / "hm" / "images").glob("*/*.jpg"))
    paths = [p for p in paths if p.stem in articles.index]
    rows = articles.loc[[p.stem for p in paths]]
    test = np.array([split_of(f"hm:{c}", SplitConfig()) == "test" for c in rows["product_code"]])
    striped = rows["graphical_appearance_name"].to_numpy() == "Stripe"
    rng = np.random.default_rng(0)
    positives = rng.choice(np.flatnonzero(striped & ~test), 50, replace=False)
    negatives = rng.choice(np.flatnonzero(~striped & ~test), 50, replace=False)
    held = np.flatnonzero(striped & test)
    held = np.concatenate([held, rng.choice(np.flatnonzero(~striped & test), len(held), False)])
    chosen = np.concatenate([positives, negatives, held])
    pixels, _ = decode_photos([paths[i] for i in chosen], 32)
    embeddings = embed(net, pixels)
    textures = np.stack([garment_texture(read_image(paths[i])) for i in chosen])

    probe = make_probe(
        "pattern", "stripe", embeddings[:50], embeddings[50:100],
        textures=(textures[:50], textures[50:100]),
    )  # fmt: skip

    scores = probe.score(normalise(embeddings[100:]), textures[100:])
    truth = striped[held]
    ranks = pd.Series(scores).rank().to_numpy()
    auc = (ranks[truth].sum() - truth.sum() * (truth.sum() + 1) / 2) / (
        truth.sum() * (~truth).sum()
    )
    flagged = scores >= probe.threshold
    assert len(held) >= 60 and auc >= 0.85, auc
    assert truth[flagged].mean() >= 0.8 and flagged[truth].mean() >= 0.5
