"""From labelled photos to a calibrated, evaluated, saved tagger checkpoint.

::

    photos ─▶ decode once (S×S uint8) ─▶ by-style split ─▶ vocabulary (train labels)
           ─▶ train ─▶ thresholds (validation) ─▶ metrics (test) ─▶ checkpoint folder
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vision.tagger.cache import cached_photos, decode_photos
from vision.tagger.calibration import CalibrationConfig, calibrate
from vision.tagger.checkpoint import TaggerCard, load_backbone, new_version, save_checkpoint
from vision.tagger.dataset import LabelledPhoto, SplitConfig, encode_targets, split_by_style
from vision.tagger.evaluate import Report, evaluate
from vision.tagger.net import NetConfig, TaggerNet
from vision.tagger.schema import Vocabulary
from vision.tagger.train import TrainConfig, new_net, predict_scores, train_net

#: Called with (stage, done, total) as the run advances.
StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class TaggerRunConfig:
    """Everything a training run needs besides the photos.

    Attributes:
        train: Optimisation settings (resolution, epochs, weighting...).
        net: Shape of the net.
        split: Validation / test fractions of styles.
        calibration: Precision target of the confidence thresholds.
        min_count: Labels with fewer training photos are left out of the vocabulary.
        backbone: Optional local safetensors file with pretrained backbone weights.
        cache_dir: Where to keep the decoded-pixel cache between runs (None: decode each time).
        workers: Processes decoding photos.
    """

    train: TrainConfig = field(default_factory=TrainConfig)
    net: NetConfig = field(default_factory=NetConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    min_count: int = 3
    backbone: Path | None = None
    cache_dir: Path | None = None
    workers: int = 2


@dataclass(frozen=True, slots=True)
class TrainedTagger:
    """The outcome of a run: the net, its card and the test-set report."""

    net: TaggerNet
    card: TaggerCard
    report: Report
    test_scores: dict[str, NDArray[np.float32]]
    test_indices: list[int]


def decode(
    photos: Sequence[LabelledPhoto], config: TaggerRunConfig, name: str = "photos"
) -> tuple[NDArray[np.uint8], dict[int, str]]:
    """Pixels of every photo at the training resolution (from the cache when configured)."""
    paths = [p.path for p in photos]
    size = config.train.image_size
    if config.cache_dir is None:
        return decode_photos(paths, size, config.workers)
    return cached_photos(paths, size, config.cache_dir / f"{name}-{size}.npy", config.workers)


def _noop(stage: str, done: int, total: int) -> None:
    del stage, done, total


def train_tagger(
    photos: Sequence[LabelledPhoto],
    folder: Path,
    config: TaggerRunConfig | None = None,
    progress: StageProgress | None = None,
    name: str = "photos",
) -> TrainedTagger:
    """Train, calibrate, evaluate and save a tagger into ``folder``.

    Raises:
        ValueError: If the training split has no labels or too few photos.
    """
    cfg = config or TaggerRunConfig()
    report_progress = progress or _noop
    report_progress("decode", 0, len(photos))
    pixels, errors = decode(photos, cfg, name)
    report_progress("decode", len(photos), len(photos))
    splits = {
        k: [i for i in v if i not in errors] for k, v in split_by_style(photos, cfg.split).items()
    }
    if len(splits["train"]) < 2:
        raise ValueError(f"only {len(splits['train'])} readable training photos")
    vocabulary = Vocabulary.from_labels([photos[i].labels for i in splits["train"]], cfg.min_count)
    if not vocabulary.groups:
        raise ValueError("the training photos carry no labels")
    targets = encode_targets(photos, vocabulary)
    net = new_net(vocabulary, cfg.net)
    if cfg.backbone is not None:
        load_backbone(net, cfg.backbone)
    epochs = cfg.train.epochs
    train = splits["train"]
    train_net(net, pixels[train], targets.subset(train), vocabulary, cfg.train,
              lambda e, n, loss, speed: report_progress("train", e, n))  # fmt: skip
    calibration_set = splits["validation"] or train
    val_scores = predict_scores(net, pixels[calibration_set], vocabulary)
    thresholds = calibrate(val_scores, targets.subset(calibration_set), vocabulary, cfg.calibration)
    test = splits["test"]
    test_scores = predict_scores(net, pixels[test], vocabulary)
    report = evaluate(test_scores, targets.subset(test), vocabulary, thresholds) if test else {}
    now = datetime.now(UTC)
    card = TaggerCard(
        version=new_version(net, now),
        image_size=cfg.train.image_size,
        net=cfg.net,
        vocabulary=vocabulary,
        thresholds=thresholds,
        metrics={"test": _summary(report), "photos": _sizes(splits, errors)},
        training={**cfg.train.to_json(), "epochs": epochs, "source": name},
        created_at=now.isoformat(timespec="seconds"),
    )
    save_checkpoint(folder, net, card)
    return TrainedTagger(net, card, report, test_scores, test)


def _sizes(splits: dict[str, list[int]], errors: dict[int, str]) -> dict[str, int]:
    return {**{k: len(v) for k, v in splits.items()}, "unreadable": len(errors)}


def _summary(report: Report) -> dict[str, dict[str, Any]]:
    """The report without per-label arrays and confusion matrices (they stay in the JSON report)."""
    drop = {"confusion", "ap", "labels"}
    return {g: {k: v for k, v in m.items() if k not in drop} for g, m in report.items()}
