"""A tiny net trained for a few epochs on synthetic photos learns, saves, loads and tags."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from vision.tagger.checkpoint import (
    CheckpointError,
    load_backbone,
    load_checkpoint,
    read_card,
    write_card,
)
from vision.tagger.dataset import LabelledPhoto
from vision.tagger.fewshot import make_probe, save_probes
from vision.tagger.inference import embed, predict_scores
from vision.tagger.net import NetConfig
from vision.tagger.pipeline import (
    TaggerRunConfig,
    TrainedTagger,
    WeightingChoice,
    decode,
    train_tagger,
)
from vision.tagger.predict import Tagger
from vision.tagger.train import TrainConfig
from vision.tagger.weighting import Weighting

TINY = TaggerRunConfig(
    train=TrainConfig(image_size=32, epochs=8, batch_size=32, learning_rate=1e-2, threads=1),
    net=NetConfig(widths=(16, 16, 32), blocks=1, dropout=0.0),
    workers=1,
)


@pytest.fixture(scope="module")
def trained(
    synthetic_photos: list[LabelledPhoto], tmp_path_factory: pytest.TempPathFactory
) -> tuple[TrainedTagger, Path]:
    folder = tmp_path_factory.mktemp("model")
    return train_tagger(synthetic_photos, folder, TINY), folder


def test_training_learns_the_category(trained: tuple[TrainedTagger, Path]) -> None:
    result, _ = trained

    assert result.report["category"]["top1"] >= 0.9
    assert result.report["category"]["photos"] == len(result.test_indices)
    assert set(result.card.metrics["test"]) == {"category", "pattern"}
    assert result.card.vocabulary.labels("category") == ("not visible", "top", "trousers")


def test_checkpoint_round_trip_gives_the_same_scores(
    trained: tuple[TrainedTagger, Path], synthetic_photos: list[LabelledPhoto]
) -> None:
    result, folder = trained
    net, card = load_checkpoint(folder)
    pixels, _ = decode(synthetic_photos[:10], TINY)

    before = predict_scores(result.net, pixels, card.vocabulary)
    after = predict_scores(net, pixels, card.vocabulary)

    assert card == result.card
    assert card.version.startswith("tagger-")
    for group in before:
        np.testing.assert_allclose(before[group], after[group], atol=1e-6)


def test_tagger_reports_labels_with_scores_and_confidence(
    trained: tuple[TrainedTagger, Path], synthetic_photos: list[LabelledPhoto]
) -> None:
    _, folder = trained
    tagger = Tagger.load(folder, threads=1)
    pixels, _ = decode(synthetic_photos[:6], TINY)

    tags = tagger.tag(pixels)

    assert len(tags) == 6
    for photo, photo_tags in zip(synthetic_photos[:6], tags, strict=True):
        best = photo_tags["category"][0]
        assert best.label != "not visible"
        assert 0.0 <= best.score <= 1.0
        if best.confident:
            assert best.label == photo.labels["category"][0]
        assert sum(t.confident for t in photo_tags["category"]) <= 1


def test_fewshot_probe_separates_a_new_label(
    trained: tuple[TrainedTagger, Path], synthetic_photos: list[LabelledPhoto], tmp_path: Path
) -> None:
    result, folder = trained
    pixels, _ = decode(synthetic_photos, TINY)
    emb = embed(result.net, pixels)
    striped = np.array([p.labels["pattern"] == ("striped",) for p in synthetic_photos])

    probe = make_probe("detail", "stripes", emb[striped][:30], emb[~striped][:30])
    prototype = make_probe("detail", "stripes", emb[striped][:30])

    scores = probe.score(emb / np.linalg.norm(emb, axis=1, keepdims=True))
    assert scores[striped].mean() > scores[~striped].mean() + 0.2
    assert prototype.kind == "prototype" and probe.kind == "linear"
    card = save_probes(folder, result.card, [probe])
    write_card(folder, card)
    tagger = Tagger.load(folder, threads=1)
    assert tagger.version.startswith(result.card.version + "+fs")
    assert [t.label for t in tagger.tag(pixels[:2])[0]["detail"]] == ["stripes"]
    with pytest.raises(ValueError, match="at least 3"):
        make_probe("detail", "x", emb[:2])


def test_the_same_photos_and_settings_train_the_same_net(
    synthetic_photos: list[LabelledPhoto], tmp_path: Path
) -> None:
    config = TaggerRunConfig(
        train=TrainConfig(image_size=24, epochs=1, batch_size=64, threads=1),
        net=TINY.net,
        workers=1,
    )
    weights = []
    for run in ("first", "second"):
        torch.rand(3)  # whatever torch's global generator drew before must not matter
        train_tagger(synthetic_photos[:60], tmp_path / run, config)
        weights.append(load_checkpoint(tmp_path / run)[0].state_dict())

    assert weights[0].keys() == weights[1].keys()
    assert all(torch.equal(weights[0][name], weights[1][name]) for name in weights[0])


def test_weighting_options_all_train(synthetic_photos: list[LabelledPhoto], tmp_path: Path) -> None:
    for weighting in (Weighting.INVERSE, Weighting.EFFECTIVE, Weighting.FOCAL):
        config = TaggerRunConfig(
            train=TrainConfig(
                image_size=24, epochs=1, batch_size=64, weighting=weighting, threads=1
            ),
            net=TINY.net,
            workers=1,
        )
        result = train_tagger(synthetic_photos[:60], tmp_path / str(weighting), config)
        assert np.isfinite(result.report["category"]["top1"])


def test_the_weighting_is_chosen_on_validation_and_recorded(
    synthetic_photos: list[LabelledPhoto], tmp_path: Path
) -> None:
    candidates = (Weighting.NONE, Weighting.FOCAL)
    config = TaggerRunConfig(
        train=TrainConfig(image_size=24, epochs=1, batch_size=64, threads=1),
        net=TINY.net,
        workers=1,
        choose_weighting=WeightingChoice(candidates, epochs=1),
    )

    result = train_tagger(synthetic_photos[:90], tmp_path, config)

    choice = result.card.training["weighting_choice"]
    scores = choice["validation_macro_f1"]
    assert list(scores) == ["none", "focal"]
    assert all(0.0 <= f1 <= 1.0 for f1 in scores.values())
    assert choice["chosen"] == max(scores, key=lambda name: scores[name])
    assert result.card.training["weighting"] == choice["chosen"]
    assert read_card(tmp_path).training["weighting_choice"] == choice


@pytest.mark.parametrize(
    ("choice", "problem"),
    [(WeightingChoice(()), "no candidate"), (WeightingChoice(group="neckline"), "neckline")],
)
def test_a_weighting_choice_that_cannot_be_made_is_refused(
    synthetic_photos: list[LabelledPhoto], tmp_path: Path, choice: WeightingChoice, problem: str
) -> None:
    config = TaggerRunConfig(train=TINY.train, net=TINY.net, workers=1, choose_weighting=choice)

    with pytest.raises(ValueError, match=problem):
        train_tagger(synthetic_photos[:60], tmp_path, config)


def test_broken_checkpoints_and_backbones_are_refused(
    trained: tuple[TrainedTagger, Path], tmp_path: Path
) -> None:
    result, folder = trained
    with pytest.raises(CheckpointError):
        read_card(tmp_path)
    (tmp_path / "tagger.json").write_text('{"format": "other"}')
    with pytest.raises(CheckpointError, match="format"):
        read_card(tmp_path)
    with pytest.raises(CheckpointError, match="onnxruntime"):
        load_backbone(result.net, tmp_path / "net.onnx")
    assert load_backbone(result.net, folder / "weights.safetensors") > 10


def test_too_narrow_nets_are_refused() -> None:
    with pytest.raises(ValueError, match="widths"):
        NetConfig(widths=(8, 16, 32))
