"""Tagging photos with a trained checkpoint: scores, calibrated confidence, few-shot labels.

A :class:`Tagger` turns ``(N, S, S, 3)`` squared photos into, per photo and attribute group, the
top labels with their scores and a ``confident`` flag (score at or above the label's calibrated
threshold). In a single-choice group the "not visible" outcome is never reported as a label: when
it wins, the group's other labels are all reported as uncertain.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray

from vision.tagger.checkpoint import TaggerCard, load_checkpoint
from vision.tagger.fewshot import FewShotProbes, load_probes
from vision.tagger.inference import Tag, predict_scores
from vision.tagger.net import TaggerNet
from vision.tagger.schema import ABSTAIN, GroupKind

__all__ = ["PhotoTags", "Tag", "Tagger"]

PhotoTags = dict[str, list[Tag]]


class Tagger:
    """A loaded checkpoint, ready to tag batches of photos.

    Args:
        net: The trained net.
        card: Its card (vocabulary, thresholds, version).
        probes: Few-shot labels added to the checkpoint, if any.
        top_k: Labels reported per single-choice group (multi-label groups report every label
            above half its threshold, at most ``top_k``).
    """

    def __init__(
        self, net: TaggerNet, card: TaggerCard, probes: FewShotProbes | None = None, top_k: int = 3
    ) -> None:
        self.net, self.card, self.probes, self.top_k = net, card, probes, top_k

    @classmethod
    def load(cls, folder: Path, threads: int = 2) -> Tagger:
        """Load a checkpoint folder (see :mod:`vision.tagger.checkpoint`)."""
        torch.set_num_threads(threads)
        net, card = load_checkpoint(folder)
        return cls(net, card, load_probes(folder, card))

    @property
    def version(self) -> str:
        """The checkpoint's version."""
        return self.card.version

    @property
    def uses_texture(self) -> bool:
        """Whether :meth:`tag` needs the photos' texture descriptors (a few-shot probe reads
        them; see :func:`vision.texture.texture_features`).
        """
        return self.probes is not None and self.probes.use_texture

    @property
    def image_size(self) -> int:
        """Side of the square input photos."""
        return self.card.image_size

    def tag(
        self, pixels: NDArray[np.uint8], textures: NDArray[np.float32] | None = None
    ) -> list[PhotoTags]:
        """Tags of each photo in an ``(N, S, S, 3)`` batch (and the same photos' texture
        descriptors, which :attr:`uses_texture` probes need).

        Raises:
            ValueError: If a probe needs textures and none are given.
        """
        vocabulary = self.card.vocabulary
        scores = predict_scores(self.net, pixels, vocabulary)
        results: list[PhotoTags] = [{} for _ in range(pixels.shape[0])]
        for group in vocabulary.names:
            labels, thresholds = vocabulary.labels(group), self.card.thresholds[group]
            single = vocabulary.kind(group) is GroupKind.SINGLE
            for row, probs in enumerate(scores[group]):
                results[row][group] = self._group_tags(probs, labels, thresholds, single)
        if self.probes is not None:
            for row, tags in enumerate(self.probes.tag(self.net, pixels, textures)):
                for group, extra in tags.items():
                    results[row][group] = sorted(
                        results[row].get(group, []) + extra, key=lambda t: -t.score
                    )
        return results

    def _group_tags(
        self, probs: NDArray[np.floating], labels: tuple[str, ...], thresholds: list[float],
        single: bool,
    ) -> list[Tag]:  # fmt: skip
        order = np.argsort(-probs, kind="stable")
        abstained = single and labels[int(order[0])] == ABSTAIN
        tags = []
        for j in order:
            label, score = labels[int(j)], float(probs[j])
            if label == ABSTAIN or (not single and score < thresholds[j] / 2):
                continue
            confident = not abstained and score >= thresholds[j] and (not single or j == order[0])
            tags.append(Tag(label, round(score, 4), bool(confident)))
            if len(tags) >= self.top_k:
                break
        return tags
