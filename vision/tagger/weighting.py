"""Long-tail handling: per-class loss weights and focal / asymmetric losses.

Catalogue labels are heavily skewed (Myntra has 1,647 T-shirts and one bracelet), so an
unweighted loss learns the head of the distribution and ignores its tail. The ``weighting``
option picks one of:

- ``none``: every example weighs 1.
- ``inverse``: inverse class frequency, ``w_c = N / (C · n_c)``.
- ``sqrt_inverse``: square-root inverse frequency, ``w_c ∝ 1 / sqrt(n_c)``; softer, the usual
  compromise when ``inverse`` over-boosts classes with a handful of examples.
- ``effective``: class-balanced loss (Cui et al., CVPR 2019): the effective number of samples
  ``E_c = (1 − β^{n_c}) / (1 − β)`` discounts overlapping examples; ``w_c ∝ 1 / E_c`` with
  ``β = 0.999``. It moves from ``none`` (β → 0) to ``inverse`` (β → 1).
- ``focal``: no class weights; the loss itself down-weights easy examples. Single-choice groups
  use the focal loss (Lin et al., 2017) ``FL = −(1 − p_t)^γ · log p_t`` with ``γ = 2``;
  multi-label groups the asymmetric loss (Ridnik et al., ICCV 2021)
  ``L+ = −(1 − p)^{γ+} log p``, ``L− = −p_m^{γ−} log(1 − p_m)``, ``p_m = max(p − m, 0)``,
  with ``γ+ = 0``, ``γ− = 4``, ``m = 0.05``, which also discards easy negatives.

Class weights are scaled so that the training set's mean example weight is 1
(``Σ_c n_c w_c = N``): the loss keeps its scale and the learning rate stays right.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor
from torch.nn import functional as F


class Weighting(StrEnum):
    """The long-tail strategies (see the module docstring for the formulas)."""

    NONE = "none"
    INVERSE = "inverse"
    SQRT_INVERSE = "sqrt_inverse"
    EFFECTIVE = "effective"
    FOCAL = "focal"


#: β of the effective number of samples.
BETA = 0.999
FOCAL_GAMMA = 2.0
ASL_GAMMA_POS, ASL_GAMMA_NEG, ASL_MARGIN = 0.0, 4.0, 0.05


def class_weights(counts: NDArray[np.int64], weighting: Weighting) -> NDArray[np.float64]:
    """Per-class weights from per-class example counts (classes with no example get 0).

    Raises:
        ValueError: If no class has an example.
    """
    n = counts.astype(np.float64)
    seen = n > 0
    if not seen.any():
        raise ValueError("no class has a training example")
    raw = np.zeros_like(n)
    if weighting is Weighting.INVERSE:
        raw[seen] = 1.0 / n[seen]
    elif weighting is Weighting.SQRT_INVERSE:
        raw[seen] = 1.0 / np.sqrt(n[seen])
    elif weighting is Weighting.EFFECTIVE:
        raw[seen] = (1.0 - BETA) / (1.0 - BETA ** n[seen])
    else:
        raw[seen] = 1.0
    return np.asarray(raw * n.sum() / (raw * n).sum(), dtype=np.float64)


def single_choice_loss(
    logits: Tensor, targets: Tensor, weights: Tensor | None, weighting: Weighting
) -> Tensor:
    """Mean loss of a softmax group over examples whose target is known (``target >= 0``)."""
    known = targets >= 0
    if not bool(known.any()):
        return logits.sum() * 0.0
    logits, targets = logits[known], targets[known]
    log_p = F.log_softmax(logits, dim=1).gather(1, targets[:, None])[:, 0]
    if weighting is Weighting.FOCAL:
        return (-((1.0 - log_p.exp()) ** FOCAL_GAMMA) * log_p).mean()
    per_example = -log_p
    if weights is None:
        return per_example.mean()
    w = weights[targets]
    return (per_example * w).sum() / w.sum().clamp_min(1e-8)


def multi_label_loss(
    logits: Tensor,
    targets: Tensor,
    known: Tensor,
    weights: Tensor | None,
    weighting: Weighting,
) -> Tensor:
    """Mean loss of a sigmoid group over examples whose labels are known.

    Class weights scale each label's positive term, as ``pos_weight`` does.
    """
    if not bool(known.any()):
        return logits.sum() * 0.0
    logits, targets = logits[known], targets[known]
    if weighting is Weighting.FOCAL:
        p = torch.sigmoid(logits)
        p_m = (p - ASL_MARGIN).clamp_min(0.0)
        pos = targets * (1 - p) ** ASL_GAMMA_POS * torch.log(p.clamp_min(1e-8))
        neg = (1 - targets) * p_m**ASL_GAMMA_NEG * torch.log((1 - p_m).clamp_min(1e-8))
        return -(pos + neg).sum(dim=1).mean()
    loss = F.binary_cross_entropy_with_logits(logits, targets, pos_weight=weights, reduction="none")
    return loss.sum(dim=1).mean()
