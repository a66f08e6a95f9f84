"""Few-shot attribute values from the frozen backbone's embeddings, without retraining the net.

``add_probe`` learns one new label (say ``"puff sleeve"``) from a few dozen photos:

- with negative photos, a **linear probe**: logistic regression on L2-normalised embeddings,
  ``p = σ(w·e + b)``, fitted with L2 penalty; its confidence threshold is tuned on a held-out
  quarter of the photos (when each side has at least 8) to reach 90% precision, else 0.5;
- with positives only, a **class prototype**: the mean normalised embedding ``μ``, scored by
  cosine similarity ``cos(e, μ)``; the threshold is the 10th percentile of the positives' own
  leave-one-out similarities, so about nine in ten photos like the examples pass.

Probes live beside the checkpoint (``fewshot.safetensors`` + the card's ``fewshot`` entry), and
the checkpoint's version gains a suffix, so articles tagged before the probe are re-tagged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from numpy.typing import NDArray
from safetensors.torch import load_file, save_file

from vision.tagger.calibration import threshold_for
from vision.tagger.inference import Tag, embed

if TYPE_CHECKING:
    from vision.tagger.checkpoint import TaggerCard
    from vision.tagger.net import TaggerNet

FILE = "fewshot.safetensors"
Embeddings = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Probe:
    """One few-shot label: ``score = σ(w·e + b)`` (linear) or ``cos(e, w)`` (prototype)."""

    group: str
    label: str
    kind: str
    weight: NDArray[np.float32]
    bias: float
    threshold: float
    positives: int
    negatives: int

    def score(self, embeddings: Embeddings) -> NDArray[np.float32]:
        """Scores of normalised embeddings."""
        raw = embeddings @ self.weight
        if self.kind == "prototype":
            return np.asarray(raw, np.float32)
        return np.asarray(1.0 / (1.0 + np.exp(-(raw + self.bias))), np.float32)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (without the weights)."""
        return {
            "group": self.group, "label": self.label, "kind": self.kind, "bias": self.bias,
            "threshold": self.threshold, "positives": self.positives, "negatives": self.negatives,
        }  # fmt: skip


def normalise(embeddings: Embeddings) -> Embeddings:
    """Rows scaled to unit length."""
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    return np.asarray(embeddings / np.maximum(norms, 1e-8), np.float32)


def fit_logistic(
    x: Embeddings, y: NDArray[np.float32], l2: float = 1e-3
) -> tuple[NDArray[np.float32], float]:
    """Weights and bias of an L2-penalised logistic regression (LBFGS, balanced classes)."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    pos_weight = torch.tensor([(len(y) - y.sum()) / max(y.sum(), 1.0)])
    optimiser = torch.optim.LBFGS([w, b], max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        logits = xt @ w * 10.0 + b  # ×10: unit-norm inputs need large weights
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, yt, pos_weight=pos_weight
        )
        loss = loss + l2 * (w * w).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimiser.step(closure)  # type: ignore[no-untyped-call]
    return (w.detach() * 10.0).numpy(), float(b.detach())


def _linear(group: str, label: str, pos: Embeddings, neg: Embeddings, target: float) -> Probe:
    x = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]).astype(np.float32)
    threshold = 0.5
    if min(len(pos), len(neg)) >= 8:
        held = np.zeros(len(x), bool)
        held[np.arange(0, len(pos), 4)] = True
        held[len(pos) + np.arange(0, len(neg), 4)] = True
        w, b = fit_logistic(x[~held], y[~held])
        scores = 1.0 / (1.0 + np.exp(-(x[held] @ w + b)))
        threshold = max(0.5, threshold_for(scores, y[held] > 0, target))
    w, b = fit_logistic(x, y)
    return Probe(group, label, "linear", w, b, min(threshold, 1.01), len(pos), len(neg))


def _prototype(group: str, label: str, pos: Embeddings) -> Probe:
    total = pos.sum(0)
    # leave-one-out similarity of each positive to the mean of the others
    others = normalise(total[None, :] - pos) if len(pos) > 1 else pos
    similarity = (pos * others).sum(1)
    prototype = normalise(total[None, :])[0]
    threshold = float(np.percentile(similarity, 10))
    return Probe(group, label, "prototype", prototype, 0.0, threshold, len(pos), 0)


def make_probe(
    group: str, label: str, positives: Embeddings, negatives: Embeddings | None = None,
    target_precision: float = 0.9,
) -> Probe:  # fmt: skip
    """A probe for ``label`` from embeddings of positive (and optionally negative) photos.

    Raises:
        ValueError: With fewer than 3 positives.
    """
    if len(positives) < 3:
        raise ValueError(f"need at least 3 example photos of {label!r}, got {len(positives)}")
    pos = normalise(positives)
    if negatives is not None and len(negatives) > 0:
        return _linear(group, label, pos, normalise(negatives), target_precision)
    return _prototype(group, label, pos)


class FewShotProbes:
    """The probes of a checkpoint, applied to the net's embeddings."""

    def __init__(self, probes: list[Probe]) -> None:
        self.probes = probes

    def tag(self, net: TaggerNet, pixels: NDArray[np.uint8]) -> list[dict[str, list[Tag]]]:
        """Per photo, the probes' tags by group (every probe reports its score)."""
        embeddings = normalise(embed(net, pixels))
        out: list[dict[str, list[Tag]]] = [{} for _ in range(len(pixels))]
        for probe in self.probes:
            for row, score in enumerate(probe.score(embeddings)):
                tag = Tag(probe.label, round(float(score), 4), bool(score >= probe.threshold))
                out[row].setdefault(probe.group, []).append(tag)
        return out


def load_probes(folder: Path, card: TaggerCard) -> FewShotProbes | None:
    """The probes stored with a checkpoint, or None."""
    described = card.fewshot.get("probes", [])
    if not described:
        return None
    tensors = load_file(str(folder / FILE))
    probes = [
        Probe(
            d["group"],
            d["label"],
            d["kind"],
            tensors[f"probe.{i}"].numpy(),
            float(d["bias"]),
            float(d["threshold"]),
            int(d["positives"]),
            int(d["negatives"]),
        )
        for i, d in enumerate(described)
    ]
    return FewShotProbes(probes)


def save_probes(folder: Path, card: TaggerCard, probes: list[Probe]) -> TaggerCard:
    """Store probes with a checkpoint; returns the card with a new version (written by caller)."""
    from dataclasses import replace

    tensors = {
        f"probe.{i}": torch.from_numpy(np.ascontiguousarray(p.weight)) for i, p in enumerate(probes)
    }
    save_file(tensors, str(folder / FILE))
    digest = hashlib.sha256(b"".join(p.weight.tobytes() + p.label.encode() for p in probes))
    base = card.version.split("+")[0]
    fewshot = {"probes": [p.describe() for p in probes]}
    return replace(card, version=f"{base}+fs{digest.hexdigest()[:6]}", fewshot=fewshot)
