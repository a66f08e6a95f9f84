"""Labelled photos, by-style splits, and the target arrays the training loop reads.

Splits are drawn per **style**, never per photo: the colourways of one style share shape,
pattern and material, so a style with photos on both sides of a split would let the model be
scored on garments it has effectively seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vision.tagger.schema import GroupKind, Vocabulary


@dataclass(frozen=True, slots=True)
class LabelledPhoto:
    """A photo with its style and its platform labels per attribute group."""

    path: Path
    style: str
    labels: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class SplitConfig:
    """Fractions of styles held out for validation (threshold tuning) and test."""

    validation: float = 0.1
    test: float = 0.15
    seed: str = "atelier"


def split_of(style: str, config: SplitConfig) -> str:
    """``train``, ``validation`` or ``test`` for a style: a stable hash, so the same style
    lands on the same side in every run and every process.
    """
    digest = hashlib.sha256(f"{config.seed}:{style}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    if u < config.test:
        return "test"
    return "validation" if u < config.test + config.validation else "train"


def split_by_style(
    photos: Sequence[LabelledPhoto], config: SplitConfig | None = None
) -> dict[str, list[int]]:
    """Indices of the photos in each split."""
    cfg = config or SplitConfig()
    splits: dict[str, list[int]] = {"train": [], "validation": [], "test": []}
    for index, photo in enumerate(photos):
        splits[split_of(photo.style, cfg)].append(index)
    return splits


@dataclass(frozen=True, slots=True)
class Targets:
    """Encoded labels of a list of photos under one vocabulary.

    Attributes:
        single: Per single-choice group, ``(N,)`` label indices, −1 where unknown.
        multi: Per multi-label group, ``(N, L)`` 0/1 floats.
        known: Per multi-label group, ``(N,)`` whether the photo's labels are known.
    """

    single: dict[str, NDArray[np.int64]]
    multi: dict[str, NDArray[np.float32]]
    known: dict[str, NDArray[np.bool_]]

    def subset(self, indices: Sequence[int] | NDArray[np.int64]) -> Targets:
        """The targets of some photos."""
        idx = np.asarray(indices, dtype=np.int64)
        return Targets(
            {g: a[idx] for g, a in self.single.items()},
            {g: a[idx] for g, a in self.multi.items()},
            {g: a[idx] for g, a in self.known.items()},
        )


def encode_targets(photos: Sequence[LabelledPhoto], vocabulary: Vocabulary) -> Targets:
    """Encode photos' labels; labels outside the vocabulary count as unknown."""
    n = len(photos)
    single: dict[str, NDArray[np.int64]] = {}
    multi: dict[str, NDArray[np.float32]] = {}
    known: dict[str, NDArray[np.bool_]] = {}
    for group, labels in vocabulary.groups:
        index = {label: i for i, label in enumerate(labels)}
        if vocabulary.kind(group) is GroupKind.SINGLE:
            column = np.full(n, -1, dtype=np.int64)
            for row, photo in enumerate(photos):
                values = photo.labels.get(group, ())
                if len(values) == 1 and values[0] in index:
                    column[row] = index[values[0]]
            single[group] = column
        else:
            hot = np.zeros((n, len(labels)), dtype=np.float32)
            seen = np.zeros(n, dtype=np.bool_)
            for row, photo in enumerate(photos):
                hits = [index[v] for v in photo.labels.get(group, ()) if v in index]
                hot[row, hits] = 1.0
                seen[row] = bool(hits)
            multi[group], known[group] = hot, seen
    return Targets(single, multi, known)


def label_counts(targets: Targets, vocabulary: Vocabulary) -> dict[str, NDArray[np.int64]]:
    """Examples per label of every group."""
    counts: dict[str, NDArray[np.int64]] = {}
    for group, labels in vocabulary.groups:
        if group in targets.single:
            column = targets.single[group]
            counts[group] = np.bincount(column[column >= 0], minlength=len(labels))
        else:
            counts[group] = targets.multi[group][targets.known[group]].sum(0).astype(np.int64)
    return counts
