"""From labelled photos to a calibrated, evaluated, saved tagger checkpoint.

::

    photos ─▶ decode once (S×S uint8) ─▶ by-style split ─▶ vocabulary (train labels)
           ─▶ [weighting chosen on validation] ─▶ train ─▶ thresholds (validation)
           ─▶ metrics (test) ─▶ checkpoint folder
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vision import metrics
from vision.tagger.cache import cached_photos, decode_photos
from vision.tagger.calibration import CalibrationConfig, calibrate
from vision.tagger.checkpoint import TaggerCard, load_backbone, new_version, save_checkpoint
from vision.tagger.dataset import (
    LabelledPhoto,
    SplitConfig,
    Targets,
    encode_targets,
    split_by_style,
)
from vision.tagger.evaluate import Report, evaluate
from vision.tagger.inference import predict_scores
from vision.tagger.net import NetConfig, TaggerNet
from vision.tagger.schema import Vocabulary
from vision.tagger.train import TrainConfig, new_net, train_net
from vision.tagger.weighting import Weighting

#: Called with (stage, done, total) as the run advances.
StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class WeightingChoice:
    """Choosing the long-tail weighting on the validation styles before the real run.

    Each candidate trains a fresh net for ``epochs`` on the training split; the one with the
    best macro F1 of ``group`` on the validation split wins (macro F1 weighs every label the
    same, so it rewards what a weighting is for: the rare labels). Ties go to the earlier
    candidate. The test split is never looked at.

    Attributes:
        candidates: Weightings tried, in order of preference on ties.
        epochs: Epochs of each trial: enough to rank the weightings, not to finish a model.
        group: The group that decides (the category is the long-tailed one).
    """

    candidates: tuple[Weighting, ...] = tuple(Weighting)
    epochs: int = 4
    group: str = "category"


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
        choose_weighting: Choose ``train.weighting`` on validation first (None: use it as is).
    """

    train: TrainConfig = field(default_factory=TrainConfig)
    net: NetConfig = field(default_factory=NetConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    min_count: int = 3
    backbone: Path | None = None
    cache_dir: Path | None = None
    workers: int = 2
    choose_weighting: WeightingChoice | None = None


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
    train_config, choice = cfg.train, None
    if cfg.choose_weighting is not None:
        choice = choose_weighting(
            pixels, targets, splits, vocabulary, cfg, cfg.choose_weighting, report_progress
        )
        train_config = replace(cfg.train, weighting=Weighting(choice["chosen"]))
    net = _fresh_net(vocabulary, cfg)
    epochs = train_config.epochs
    train = splits["train"]
    train_net(net, pixels[train], targets.subset(train), vocabulary, train_config,
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
        training={
            **train_config.to_json(),
            "epochs": epochs,
            "source": name,
            **({"weighting_choice": choice} if choice else {}),
        },
        created_at=now.isoformat(timespec="seconds"),
    )
    save_checkpoint(folder, net, card)
    return TrainedTagger(net, card, report, test_scores, test)


def choose_weighting(
    pixels: NDArray[np.uint8],
    targets: Targets,
    splits: dict[str, list[int]],
    vocabulary: Vocabulary,
    config: TaggerRunConfig,
    choice: WeightingChoice,
    progress: StageProgress = _noop,
) -> dict[str, Any]:
    """Train a short run per candidate weighting and pick the best on validation.

    Returns:
        ``{"chosen": name, "group": ..., "epochs": ..., "validation_macro_f1": {name: F1}}``.

    Raises:
        ValueError: Without validation photos labelled in ``choice.group``, or no candidates.
    """
    validation, train = splits["validation"], splits["train"]
    if not choice.candidates:
        raise ValueError("no candidate weightings to choose from")
    if choice.group not in vocabulary.names:
        raise ValueError(f"cannot choose a weighting on {choice.group!r}: no such labels")
    truth = targets.subset(validation).single[choice.group]
    known = truth >= 0
    if not known.any():
        raise ValueError(f"no validation photo is labelled in {choice.group!r}")
    n_labels = len(vocabulary.labels(choice.group))
    scores: dict[str, float] = {}
    for done, weighting in enumerate(choice.candidates):
        progress(f"weighting {weighting}", done, len(choice.candidates))
        net = _fresh_net(vocabulary, config)
        trial = replace(config.train, weighting=weighting, epochs=choice.epochs)
        train_net(net, pixels[train], targets.subset(train), vocabulary, trial)
        probs = predict_scores(net, pixels[validation], vocabulary)[choice.group]
        predicted = probs[known].argmax(1)
        scores[str(weighting)] = metrics.macro_f1(truth[known], predicted, n_labels)
    chosen = max(scores, key=lambda name: scores[name])  # first of equals wins
    return {
        "chosen": chosen,
        "group": choice.group,
        "epochs": choice.epochs,
        "validation_macro_f1": scores,
    }


def _fresh_net(vocabulary: Vocabulary, config: TaggerRunConfig) -> TaggerNet:
    net = new_net(vocabulary, config.net, config.train.seed)
    if config.backbone is not None:
        load_backbone(net, config.backbone)
    return net


def _sizes(splits: dict[str, list[int]], errors: dict[int, str]) -> dict[str, int]:
    return {**{k: len(v) for k, v in splits.items()}, "unreadable": len(errors)}


def _summary(report: Report) -> dict[str, dict[str, Any]]:
    """The report without per-label arrays and confusion matrices (they stay in the JSON report)."""
    drop = {"confusion", "ap", "labels"}
    return {g: {k: v for k, v in m.items() if k not in drop} for g, m in report.items()}
