"""Training and evaluating taggers for the CLI and the demo, under ``ATELIER_HOME/vision``.

``train_model`` trains on one labelled source (``demo``: a demo world's ground truth;
``myntra`` or ``hm``: the shared datasets' folders), writes the checkpoint to
``ATELIER_HOME/vision/<version>/`` with ``report.json`` and ``report.md`` beside it, and
activates it. ``evaluate_model`` scores a
saved model on the held-out test styles of a source (the same by-style split as training).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.errors import TrainingDataError
from service.tagging.home import activate, card_of, models_dir
from vision.tagger.checkpoint import load_checkpoint
from vision.tagger.dataset import LabelledPhoto, encode_targets, split_by_style
from vision.tagger.evaluate import Report, evaluate
from vision.tagger.inference import predict_scores
from vision.tagger.pipeline import StageProgress, TaggerRunConfig, decode, train_tagger
from vision.tagger.report import render_markdown
from vision.tagger.sources import SOURCES


@dataclass(frozen=True, slots=True)
class ModelReport:
    """Where a model and its report were written, and the report itself."""

    folder: Path
    version: str
    report: Report
    facts: dict[str, Any]


def load_source(source: str, data: Path) -> list[LabelledPhoto]:
    """Labelled photos of a source.

    Raises:
        TrainingDataError: If the source is unknown, its files are missing, or it has no photos.
    """
    if source not in SOURCES:
        raise TrainingDataError(f"unknown source {source!r}; choose one of {sorted(SOURCES)}")
    try:
        photos = SOURCES[source](data)
    except (OSError, KeyError, ValueError) as exc:
        raise TrainingDataError(f"cannot read {source} photos under {data}: {exc}") from exc
    if not photos:
        raise TrainingDataError(f"no labelled {source} photos under {data}")
    return photos


def write_report(folder: Path, report: Report, title: str, facts: dict[str, Any]) -> None:
    """``report.json`` (everything) and ``report.md`` (tables) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps({"facts": facts, "groups": report}, indent=1))
    (folder / "report.md").write_text(render_markdown(report, title, facts))


def train_model(
    atelier_home: Path, source: str, data: Path, config: TaggerRunConfig,
    progress: StageProgress | None = None, activate_model: bool = True,
) -> ModelReport:  # fmt: skip
    """Train on ``source`` photos, save under ``ATELIER_HOME/vision/<version>/``, activate."""
    photos = load_source(source, data)
    staging = models_dir(atelier_home) / f".training-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    try:
        result = train_tagger(photos, staging, config, progress, name=source)
    except ValueError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise TrainingDataError(str(exc)) from exc
    folder = models_dir(atelier_home) / result.card.version
    staging.rename(folder)
    facts = {
        "model": result.card.version, "source": source, "data": str(data),
        "photos": result.card.metrics["photos"], "image_size": config.train.image_size,
        "epochs": config.train.epochs, "weighting": result.card.training["weighting"],
        "split": "by style; thresholds tuned on validation styles, metrics on test styles",
    }  # fmt: skip
    if "weighting_choice" in result.card.training:
        facts["weighting_choice"] = result.card.training["weighting_choice"]
    write_report(folder, result.report, f"Tagger {result.card.version} on {source}", facts)
    if activate_model:
        activate(atelier_home, result.card.version)
    return ModelReport(folder, result.card.version, result.report, facts)


def evaluate_model(
    folder: Path, source: str, data: Path, workers: int = 2, out: Path | None = None
) -> ModelReport:
    """Metrics of a saved model on the test styles of ``source``; report written to ``out``
    (default: ``<model folder>/evaluation-<source>/``).
    """
    card = card_of(folder)
    net, _ = load_checkpoint(folder)
    photos = load_source(source, data)
    test = split_by_style(photos)["test"]
    if not test:
        raise TrainingDataError(f"no {source} photos fall in the test split")
    chosen = [photos[i] for i in test]
    config = TaggerRunConfig(workers=workers)
    config = TaggerRunConfig(train=type(config.train)(image_size=card.image_size), workers=workers)
    pixels, errors = decode(chosen, config)
    readable = [i for i in range(len(chosen)) if i not in errors]
    targets = encode_targets([chosen[i] for i in readable], card.vocabulary)
    scores = predict_scores(net, pixels[readable], card.vocabulary)
    report = evaluate(scores, targets, card.vocabulary, card.thresholds)
    facts = {"model": card.version, "source": source, "data": str(data),
             "test_photos": len(readable), "unreadable": len(errors)}  # fmt: skip
    target = out or folder / f"evaluation-{source}"
    write_report(target, report, f"Tagger {card.version} evaluated on {source}", facts)
    return ModelReport(target, card.version, report, facts)
