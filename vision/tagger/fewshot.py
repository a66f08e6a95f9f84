"""Few-shot attribute values from the frozen backbone's embeddings, without retraining the net.

``add_probe`` learns one new label (say ``"puff sleeve"``) from a few dozen photos:

- with negative photos, a **linear probe**: logistic regression, ``p = σ(w·x + b)``, fitted with
  an L2 penalty on standardised inputs ``x``: the L2-normalised embedding and, when the example
  photos' texture descriptors are given (:mod:`vision.texture`, measured at the photo's own
  resolution, where stripes and twill survive), the descriptor too. Its confidence threshold is
  chosen by cross-validation on the examples (when each side has at least 8): each photo is
  scored by a probe fitted without its fold, and the cut-off is the lowest score at which those
  out-of-fold scores reach 90% precision (the best F1 when none does), else 0.5;
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

from vision.tagger.calibration import NEVER, threshold_for
from vision.tagger.inference import Tag, embed

if TYPE_CHECKING:
    from vision.tagger.checkpoint import TaggerCard
    from vision.tagger.net import TaggerNet

FILE = "fewshot.safetensors"
Embeddings = NDArray[np.float32]


#: What a probe reads: the embedding alone, or the embedding and the texture descriptor.
EMBEDDING, WITH_TEXTURE = "embedding", "embedding+texture"
#: Folds of the cross-validation that chooses a linear probe's cut-off.
FOLDS = 5
#: L2 penalty of a linear probe on standardised inputs, per example photo: about as strong as
#: ten photos' worth of evidence, so 50 + 50 photos cannot fit noise in ~200 inputs.
L2_PER_EXAMPLE = 10.0


@dataclass(frozen=True, slots=True)
class Probe:
    """One few-shot label: ``score = σ(w·x + b)`` (linear) or ``cos(e, w)`` (prototype).

    ``x`` is the normalised embedding, followed by the texture descriptor when ``inputs`` is
    :data:`WITH_TEXTURE`; standardised by ``centre`` and ``scale`` when those are given.
    """

    group: str
    label: str
    kind: str
    weight: NDArray[np.float32]
    bias: float
    threshold: float
    positives: int
    negatives: int
    inputs: str = EMBEDDING
    centre: NDArray[np.float32] | None = None
    scale: NDArray[np.float32] | None = None

    @property
    def uses_texture(self) -> bool:
        """Whether scoring needs the photos' texture descriptors."""
        return self.inputs == WITH_TEXTURE

    def score(
        self, embeddings: Embeddings, textures: NDArray[np.float32] | None = None
    ) -> NDArray[np.float32]:
        """Scores of normalised embeddings (and the same photos' texture descriptors).

        Raises:
            ValueError: If the probe reads textures and none are given.
        """
        x = embeddings
        if self.uses_texture:
            if textures is None:
                raise ValueError(f"the probe for {self.label!r} needs the photos' textures")
            x = np.concatenate([embeddings, textures], axis=1)
        if self.centre is not None and self.scale is not None:
            x = (x - self.centre) / self.scale
        raw = x @ self.weight
        if self.kind == "prototype":
            return np.asarray(raw, np.float32)
        return np.asarray(1.0 / (1.0 + np.exp(-(raw + self.bias))), np.float32)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (without the weights)."""
        return {
            "group": self.group, "label": self.label, "kind": self.kind, "bias": self.bias,
            "threshold": self.threshold, "positives": self.positives, "negatives": self.negatives,
            "inputs": self.inputs,
        }  # fmt: skip


def normalise(embeddings: Embeddings) -> Embeddings:
    """Rows scaled to unit length."""
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    return np.asarray(embeddings / np.maximum(norms, 1e-8), np.float32)


def _lbfgs_logistic(
    z: torch.Tensor, y: NDArray[np.float32], gain: float, penalty: float, max_iter: int
) -> tuple[torch.Tensor, float]:
    """Weights and bias minimising balanced-class log loss of ``σ(gain · z·w + b)`` plus
    ``penalty · |w|²`` (LBFGS).
    """
    yt = torch.from_numpy(y)
    w = torch.zeros(z.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    pos_weight = torch.tensor([(len(y) - y.sum()) / max(y.sum(), 1.0)])
    optimiser = torch.optim.LBFGS([w, b], max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            z @ w * gain + b, yt, pos_weight=pos_weight
        )
        loss = loss + penalty * (w * w).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimiser.step(closure)  # type: ignore[no-untyped-call]
    return w.detach(), float(b.detach())


def fit_logistic(
    x: Embeddings, y: NDArray[np.float32], l2: float = 1e-3
) -> tuple[NDArray[np.float32], float]:
    """Weights and bias of an L2-penalised logistic regression (LBFGS, balanced classes)."""
    # ×10: unit-norm inputs need large weights
    w, b = _lbfgs_logistic(torch.from_numpy(x), y, gain=10.0, penalty=l2, max_iter=200)
    return (w * 10.0).numpy(), b


def fit_standardised_logistic(
    x: NDArray[np.float32], y: NDArray[np.float32], l2: float = L2_PER_EXAMPLE
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32], float]:
    """Centre, scale, weights and bias of an L2-penalised logistic regression on standardised
    inputs (LBFGS, balanced classes; the penalty is ``l2 · |w|² / n``).
    """
    centre = x.mean(0).astype(np.float32)
    scale = (x.std(0) + 1e-6).astype(np.float32)
    z = torch.from_numpy(((x - centre) / scale).astype(np.float32))
    w, b = _lbfgs_logistic(z, y, gain=1.0, penalty=l2 / len(y), max_iter=300)
    return centre, scale, w.numpy(), b


def cross_validated_cutoff(
    x: NDArray[np.float32], y: NDArray[np.float32], target: float, folds: int = FOLDS
) -> float:
    """The cut-off at which out-of-fold scores of the examples reach ``target`` precision.

    Each example is scored by a probe fitted on the other folds (stratified, deterministic);
    when no cut-off reaches the target, the one with the best F1.
    """
    positives, negatives = np.flatnonzero(y > 0), np.flatnonzero(y <= 0)
    fold = np.zeros(len(y), np.int64)
    fold[positives] = np.arange(len(positives)) % folds
    fold[negatives] = np.arange(len(negatives)) % folds
    scores = np.zeros(len(y))
    for k in range(folds):
        held = fold == k
        centre, scale, w, b = fit_standardised_logistic(x[~held], y[~held])
        scores[held] = 1.0 / (1.0 + np.exp(-(((x[held] - centre) / scale) @ w + b)))
    cutoff = threshold_for(scores, y > 0, target)
    if cutoff < NEVER:
        return cutoff
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(y[order] > 0)
    f1 = 2 * hits / (np.arange(1, len(y) + 1) + (y > 0).sum())
    return float(scores[order][int(np.argmax(f1))])


def _linear(
    group: str, label: str, pos: Embeddings, neg: Embeddings, target: float,
    textures: tuple[NDArray[np.float32], NDArray[np.float32]] | None = None,
) -> Probe:  # fmt: skip
    if textures is not None:
        return _linear_with_texture(group, label, pos, neg, target, textures)
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


def _linear_with_texture(
    group: str, label: str, pos: Embeddings, neg: Embeddings, target: float,
    textures: tuple[NDArray[np.float32], NDArray[np.float32]],
) -> Probe:  # fmt: skip
    pos_texture, neg_texture = textures
    if len(pos_texture) != len(pos) or len(neg_texture) != len(neg):
        raise ValueError("each example photo needs one texture descriptor")
    x = np.concatenate(
        [np.concatenate([pos, pos_texture], 1), np.concatenate([neg, neg_texture], 1)]
    ).astype(np.float32)
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]).astype(np.float32)
    threshold = 0.5
    if min(len(pos), len(neg)) >= 8:
        threshold = cross_validated_cutoff(x, y, target, min(FOLDS, len(pos), len(neg)))
    centre, scale, w, b = fit_standardised_logistic(x, y)
    return Probe(
        group, label, "linear", w, b, min(threshold, NEVER), len(pos), len(neg),
        WITH_TEXTURE, centre, scale,
    )  # fmt: skip


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
    textures: tuple[NDArray[np.float32], NDArray[np.float32]] | None = None,
) -> Probe:  # fmt: skip
    """A probe for ``label`` from embeddings of positive (and optionally negative) photos.

    Args:
        group: The attribute group of the new value.
        label: The new value.
        positives: Embeddings of photos showing it.
        negatives: Embeddings of photos not showing it (a linear probe), or None (a prototype).
        target_precision: Precision the cut-off is chosen for.
        textures: Texture descriptors (:func:`vision.texture.texture_features`) of the
            positive and the negative photos, in the same order: the linear probe reads them
            too.

    Raises:
        ValueError: With fewer than 3 positives, or textures that do not match the photos.
    """
    if len(positives) < 3:
        raise ValueError(f"need at least 3 example photos of {label!r}, got {len(positives)}")
    pos = normalise(positives)
    if negatives is not None and len(negatives) > 0:
        return _linear(group, label, pos, normalise(negatives), target_precision, textures)
    return _prototype(group, label, pos)


class FewShotProbes:
    """The probes of a checkpoint, applied to the net's embeddings."""

    def __init__(self, probes: list[Probe]) -> None:
        self.probes = probes

    @property
    def use_texture(self) -> bool:
        """Whether any probe reads the photos' texture descriptors."""
        return any(p.uses_texture for p in self.probes)

    def tag(
        self, net: TaggerNet, pixels: NDArray[np.uint8], textures: NDArray[np.float32] | None = None
    ) -> list[dict[str, list[Tag]]]:
        """Per photo, the probes' tags by group (every probe reports its score).

        Raises:
            ValueError: If a probe reads textures and ``textures`` is None.
        """
        embeddings = normalise(embed(net, pixels))
        out: list[dict[str, list[Tag]]] = [{} for _ in range(len(pixels))]
        for probe in self.probes:
            for row, score in enumerate(probe.score(embeddings, textures)):
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
            d.get("inputs", EMBEDDING),  # probes saved before textures read the embedding
            _optional(tensors, f"probe.{i}.centre"),
            _optional(tensors, f"probe.{i}.scale"),
        )
        for i, d in enumerate(described)
    ]
    return FewShotProbes(probes)


def _optional(tensors: dict[str, torch.Tensor], name: str) -> NDArray[np.float32] | None:
    return tensors[name].numpy() if name in tensors else None


def save_probes(folder: Path, card: TaggerCard, probes: list[Probe]) -> TaggerCard:
    """Store probes with a checkpoint; returns the card with a new version (written by caller)."""
    from dataclasses import replace

    tensors = {
        f"probe.{i}": torch.from_numpy(np.ascontiguousarray(p.weight)) for i, p in enumerate(probes)
    }
    for i, p in enumerate(probes):
        if p.centre is not None and p.scale is not None:
            tensors[f"probe.{i}.centre"] = torch.from_numpy(np.ascontiguousarray(p.centre))
            tensors[f"probe.{i}.scale"] = torch.from_numpy(np.ascontiguousarray(p.scale))
    save_file(tensors, str(folder / FILE))
    digest = hashlib.sha256(b"".join(p.weight.tobytes() + p.label.encode() for p in probes))
    base = card.version.split("+")[0]
    fewshot = {"probes": [p.describe() for p in probes]}
    return replace(card, version=f"{base}+fs{digest.hexdigest()[:6]}", fewshot=fewshot)
