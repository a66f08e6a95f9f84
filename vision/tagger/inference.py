"""Running a trained tagger net: per-group probabilities, backbone embeddings, the tag record.

Inference sits apart from training (:mod:`vision.tagger.train`) and from the tagging front end
(:mod:`vision.tagger.predict`) so that both the tagger and the few-shot probes
(:mod:`vision.tagger.fewshot`) can use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import NDArray

from vision.tagger.net import TaggerNet
from vision.tagger.schema import GroupKind, Vocabulary


@dataclass(frozen=True, slots=True)
class Tag:
    """One predicted attribute value."""

    label: str
    score: float
    confident: bool


@torch.inference_mode()
def predict_scores(
    net: TaggerNet, pixels: NDArray[np.uint8], vocabulary: Vocabulary, batch_size: int = 256
) -> dict[str, NDArray[np.float32]]:
    """Per group, ``(N, L)`` probabilities: softmax for single-choice, sigmoid for multi-label."""
    net.eval()
    chunks: dict[str, list[NDArray[np.float32]]] = {g: [] for g in vocabulary.names}
    for begin in range(0, pixels.shape[0], batch_size):
        logits = net(torch.from_numpy(pixels[begin : begin + batch_size]))
        for group in vocabulary.names:
            out = logits[group]
            single = vocabulary.kind(group) is GroupKind.SINGLE
            probs = torch.softmax(out, 1) if single else torch.sigmoid(out)
            chunks[group].append(probs.numpy())
    return {
        g: np.concatenate(c) if c else np.zeros((0, len(vocabulary.labels(g))), np.float32)
        for g, c in chunks.items()
    }


@torch.inference_mode()
def embed(net: TaggerNet, pixels: NDArray[np.uint8], batch_size: int = 256) -> NDArray[np.float32]:
    """``(N, embedding)`` backbone embeddings (for few-shot probes)."""
    net.eval()
    parts = [
        net.embed(torch.from_numpy(pixels[b : b + batch_size])).numpy()
        for b in range(0, pixels.shape[0], batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, net.config.embedding), np.float32)
