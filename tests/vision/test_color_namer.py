"""The learned colour namer: its features, its decisions and its training on labelled photos."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pytest
from synthetic_photos import SyntheticPhotos

from vision.color_namer import FEATURES, ColorNamer, color_features
from vision.color_taxonomy import BASIC_TERMS
from vision.color_training import ColorPhoto, NamerTraining, train_namer
from vision.colors import ColorExtractionConfig, extract_colors, garment_palette, isolate_garment


def test_features_describe_the_palette_the_pixels_and_the_backdrop(
    synth: type[SyntheticPhotos],
) -> None:
    garment = isolate_garment(synth.draw_photo(synth.shirt_mask(), (196, 30, 45)))
    palette = garment_palette(garment, 5)
    basics = ["red"] * len(palette.centers)
    row = dict(
        zip(
            FEATURES,
            color_features(
                garment.lab, garment.mask, garment.sample, palette.centers, palette.shares, basics
            ),
            strict=True,
        )
    )
    assert len(row) == len(FEATURES)
    assert row["share_red"] == pytest.approx(1.0)
    assert row["color0_a"] > 40 and row["color0_share"] > 0.9
    assert row["backdrop_L"] > 95  # the white studio backdrop
    assert 0.2 < row["garment_share"] < 0.8
    if len(palette.centers) < 3:
        assert np.isnan(row["color2_L"]) and row["color2_share"] == 0.0


def _photos(n: int) -> list[ColorPhoto]:
    labels = ["Black", "White", "Navy Blue"]
    return [ColorPhoto(Path(f"{i}.jpg"), "shop", f"shop:{i}", labels[i % 3]) for i in range(n)]


def _features(n: int, rng: np.random.Generator) -> np.ndarray:
    """Lightness alone tells the three labels apart (black ~ 25, white ~ 85, navy ~ 45 with
    negative b); everything else is noise.
    """
    x = rng.normal(0.0, 1.0, (n, len(FEATURES))).astype(np.float32)
    lightness = np.array([25.0, 85.0, 45.0])[np.arange(n) % 3]
    x[:, FEATURES.index("color0_L")] = lightness + rng.normal(0, 3, n)
    x[:, FEATURES.index("color0_b")] = np.where(np.arange(n) % 3 == 2, -25.0, 0.0)
    return x


def test_the_namer_learns_the_merchants_boundaries(rng: np.random.Generator) -> None:
    photos, x = _photos(600), _features(600, rng)
    table = ["gray"] * len(photos)  # the fixed table calls them all gray
    trained = train_namer(photos, x, table, NamerTraining(rounds=60))
    (score,) = trained.scores
    assert score.source == "shop" and score.photos > 50
    assert score.learned > 0.95 and score.table == 0.0
    decision = trained.namer.decide(x[0], "gray")
    assert decision.term == "black" and not decision.abstained and decision.probability > 0.5


def test_the_namer_abstains_when_unsure(rng: np.random.Generator) -> None:
    trained = train_namer(_photos(600), _features(600, rng), ["gray"] * 600)
    unsure = ColorNamer(trained.namer.booster, min_probability=1.01)
    decision = unsure.decide(_features(1, rng)[0], "gray")
    assert decision.term == "gray" and decision.abstained


def test_too_few_labelled_photos_are_refused(rng: np.random.Generator) -> None:
    with pytest.raises(ValueError, match="too few"):
        train_namer(_photos(20), _features(20, rng), ["gray"] * 20)


def test_a_model_that_is_not_a_namer_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "namer.txt"
    garbage.write_text("not a model")
    with pytest.raises(ValueError, match=r"namer\.txt"):
        ColorNamer.load(garbage)
    booster = lgb.train(
        {"objective": "binary", "verbosity": -1},
        lgb.Dataset(np.random.default_rng(0).random((50, 3)), np.arange(50) % 2),
        2,
    )
    with pytest.raises(ValueError, match="basic terms"):
        ColorNamer(booster)


def test_without_a_namer_the_table_names_the_garment(synth: type[SyntheticPhotos]) -> None:
    photo = synth.draw_photo(synth.shirt_mask(), (31, 42, 82))
    table = extract_colors(photo, config=ColorExtractionConfig(namer_model=None))
    missing = extract_colors(photo, config=ColorExtractionConfig(namer_model=Path("/nonexistent")))
    assert table[0].basic == missing[0].basic == "blue"
    assert extract_colors(photo)[0].basic in BASIC_TERMS
