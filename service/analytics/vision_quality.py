"""Per-photo outcomes of a saved tagger on its held-out styles, for calibration and examples.

``service.tagging.training.evaluate_model`` reports aggregate metrics; a quality review also
needs each test photo's prediction, score and confidence flag (reliability curves, pictures
of abstentions and of errors) and per-label results against training frequency (what the
long-tail weightings do to rare labels). These functions wire the vision package's own
split, decoding and prediction to produce them; no metric is defined here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from service.tagging.training import load_source, train_model
from vision.tagger.checkpoint import TaggerCard, load_checkpoint
from vision.tagger.dataset import LabelledPhoto, encode_targets, split_by_style
from vision.tagger.inference import predict_scores
from vision.tagger.pipeline import TaggerRunConfig, decode
from vision.tagger.schema import GroupKind
from vision.tagger.train import TrainConfig
from vision.tagger.weighting import Weighting


@dataclass(frozen=True)
class HeldOut:
    """A tagger's scores on the test styles of a source.

    Attributes:
        card: The tagger's card (vocabulary, thresholds, version).
        photos: The readable test photos, in score order.
        scores: Group -> (photos, labels) scores.
    """

    card: TaggerCard
    photos: tuple[LabelledPhoto, ...]
    scores: dict[str, NDArray[np.float32]]


def held_out(folder: Path, source: str, data: Path, workers: int = 1) -> HeldOut:
    """Score the test styles of ``source`` (the training run's own by-style split)."""
    net, card = load_checkpoint(folder)
    photos = load_source(source, data)
    chosen = [photos[i] for i in split_by_style(photos)["test"]]
    config = TaggerRunConfig(train=TrainConfig(image_size=card.image_size), workers=workers)
    pixels, errors = decode(chosen, config)
    readable = [i for i in range(len(chosen)) if i not in errors]
    scores = predict_scores(net, pixels[readable], card.vocabulary)
    return HeldOut(card, tuple(chosen[i] for i in readable), scores)


def outcomes(result: HeldOut, group: str) -> pd.DataFrame:
    """One row per test photo with a known label in a single-choice ``group``.

    Columns: path, truth, predicted, score (top probability), confident (above the label's
    calibrated threshold), correct.
    """
    vocabulary = result.card.vocabulary
    if vocabulary.kind(group) is not GroupKind.SINGLE:
        raise ValueError(f"{group!r} is not a single-choice group")
    labels = dict(vocabulary.groups)[group]
    truth = encode_targets(list(result.photos), vocabulary).single[group]
    probs = result.scores[group]
    predicted = probs.argmax(1)
    score = probs.max(1)
    cutoff = np.asarray(result.card.thresholds[group])[predicted]
    known = truth >= 0
    return pd.DataFrame(
        {
            "path": [str(p.path) for p in result.photos],
            "truth": [labels[t] if t >= 0 else None for t in truth],
            "predicted": [labels[p] for p in predicted],
            "score": score,
            "confident": score >= cutoff,
            "correct": predicted == truth,
        }
    )[known]


def reliability_table(outcomes_by_curve: dict[str, pd.DataFrame], bins: int = 10) -> pd.DataFrame:
    """Observed accuracy per confidence bin, one curve per entry (``plots.reliability``'s input)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    parts = []
    for name, rows in outcomes_by_curve.items():
        binned = rows.assign(bin=np.clip(np.digitize(rows["score"], edges) - 1, 0, bins - 1))
        table = binned.groupby("bin").agg(
            confidence=("score", "mean"), accuracy=("correct", "mean"), count=("correct", "size")
        )
        parts.append(table.reset_index(drop=True).assign(curve=name))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def training_counts(
    source: str, data: Path, group: str, min_count: int = TaggerRunConfig().min_count
) -> Counter[str]:
    """How many training photos carry each label of ``group`` (the by-style train split),
    for the labels a tagger learns (those with at least ``min_count`` photos).
    """
    photos = load_source(source, data)
    counts: Counter[str] = Counter()
    for index in split_by_style(photos)["train"]:
        counts.update(photos[index].labels.get(group, ()))
    return Counter({label: n for label, n in counts.items() if n >= min_count})


def rare_labels(counts: Counter[str], share: float = 0.2) -> set[str]:
    """The rarest ``share`` of the labels seen in training (at least one)."""
    ordered = sorted(counts, key=lambda label: (counts[label], label))
    return set(ordered[: max(1, round(share * len(ordered)))])


def per_label_recall(rows: pd.DataFrame, labels: Sequence[str]) -> pd.Series:
    """Share of each label's test photos predicted correctly (NaN where a label has none)."""
    recall = rows.groupby("truth")["correct"].mean()
    return recall.reindex(list(labels))


def label_recall(report: dict[str, Any]) -> pd.Series:
    """Per-label recall from a group's confusion matrix (rows: truth); NaN without photos."""
    confusion = np.asarray(report["confusion"], dtype=float)
    totals = confusion.sum(axis=1)
    recall = np.divide(
        np.diag(confusion), totals, out=np.full(len(totals), np.nan), where=totals > 0
    )
    return pd.Series(recall, index=report["labels"])


def compare_weightings(
    source: str,
    data: Path,
    group: str,
    weightings: Sequence[Weighting],
    train: TrainConfig,
    workdir: Path,
) -> pd.DataFrame:
    """Train one tagger per long-tail weighting (same split, seed and epochs) and report the
    group's top-1, macro F1 and mean recall over the rarest 20% of its training labels.
    """
    rare = rare_labels(training_counts(source, data, group))
    rows = []
    for weighting in weightings:
        # the pixel cache in workdir decodes the photos once for every weighting
        config = TaggerRunConfig(
            train=replace(train, weighting=weighting), workers=1, cache_dir=workdir
        )
        report = train_model(workdir, source, data, config, activate_model=False).report[group]
        recall = label_recall(report)
        rows.append(
            {
                "weighting": str(weighting),
                "top1": report["top1"],
                "macro_f1": report["macro_f1"],
                "rare_recall": float(recall[recall.index.isin(rare)].mean()),
            }
        )
    return pd.DataFrame(rows)
