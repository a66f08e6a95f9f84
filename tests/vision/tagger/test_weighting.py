"""Long-tail weights and losses against their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from vision.tagger.weighting import (
    BETA,
    Weighting,
    class_weights,
    multi_label_loss,
    single_choice_loss,
)

COUNTS = np.array([90, 10, 0])


def test_weights_follow_their_formulas_and_keep_the_mean_weight_at_one() -> None:
    inverse = class_weights(COUNTS, Weighting.INVERSE)
    sqrt = class_weights(COUNTS, Weighting.SQRT_INVERSE)
    effective = class_weights(COUNTS, Weighting.EFFECTIVE)

    assert inverse[1] / inverse[0] == pytest.approx(9.0)
    assert sqrt[1] / sqrt[0] == pytest.approx(3.0)
    e = [(1 - BETA**n) / (1 - BETA) for n in (90, 10)]
    assert effective[1] / effective[0] == pytest.approx(e[0] / e[1])
    for w in (inverse, sqrt, effective, class_weights(COUNTS, Weighting.NONE)):
        assert (w * COUNTS).sum() == pytest.approx(COUNTS.sum())
        assert w[2] == 0.0


def test_single_choice_losses() -> None:
    logits = torch.log(torch.tensor([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]]))
    targets = torch.tensor([0, 0, -1])  # the third is unknown and ignored

    plain = single_choice_loss(logits, targets, None, Weighting.NONE)
    weighted = single_choice_loss(logits, targets, torch.tensor([1.0, 1.0]), Weighting.INVERSE)
    focal = single_choice_loss(logits, targets, None, Weighting.FOCAL)

    ce = [-math.log(0.5), -math.log(0.9)]
    assert float(plain) == pytest.approx(sum(ce) / 2, rel=1e-5)
    assert float(weighted) == pytest.approx(sum(ce) / 2, rel=1e-5)
    assert float(focal) == pytest.approx((0.25 * ce[0] + 0.01 * ce[1]) / 2, rel=1e-5)


def test_multi_label_losses_ignore_unknown_rows() -> None:
    logits = torch.tensor([[0.0, 0.0], [5.0, -5.0]])
    targets = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    known = torch.tensor([True, False])

    plain = multi_label_loss(logits, targets, known, None, Weighting.NONE)
    asymmetric = multi_label_loss(logits, targets, known, None, Weighting.FOCAL)

    assert float(plain) == pytest.approx(2 * math.log(2), rel=1e-5)
    # positive: -log 0.5; negative: p_m = 0.45, -(0.45**4) log(0.55)
    assert float(asymmetric) == pytest.approx(math.log(2) - 0.45**4 * math.log(0.55), rel=1e-5)
