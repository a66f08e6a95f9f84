"""Implicit-feedback matrix factorisation by alternating least squares (``implicit``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from implicit.cpu.als import AlternatingLeastSquares as CpuALS
from threadpoolctl import threadpool_limits

from recommender.base import TrainingSet, register
from recommender.factors import EmbeddingRecommender, FoldIn


@dataclass(frozen=True)
class ALSConfig:
    """Hyper-parameters of ALS (defaults tuned on the H&M splits)."""

    factors: int = 64
    """Length of the user and item vectors."""
    regularization: float = 0.05
    """L2 penalty."""
    alpha: float = 10.0
    """Confidence scale of an interaction's weight."""
    iterations: int = 15
    """Alternating sweeps."""
    seed: int = 0
    """Random seed of the initial factors."""
    threads: int = 0
    """BLAS/OpenMP threads for fitting (0: implicit's default)."""


@register(ALSConfig)
class ALSRecommender(EmbeddingRecommender):
    """ALS from ``implicit``; users are folded in exactly as ALS would solve them."""

    name: ClassVar[str] = "als"

    def __init__(self, config: ALSConfig | None = None) -> None:
        self.config = config or ALSConfig()

    def fold_in_config(self) -> FoldIn:
        """ALS's own regularisation and confidence."""
        return FoldIn(self.config.regularization, self.config.alpha)

    def fit(self, data: TrainingSet) -> None:
        """Factorise the confidence-weighted matrix."""
        self.set_item_vectors(fit_als(data, self.config))


def fit_als(data: TrainingSet, config: ALSConfig) -> np.ndarray:
    """Item factors of ALS on ``data.matrix`` (scaled by ``alpha`` as confidence)."""
    # implicit parallelises itself; a BLAS thread pool on top only oversubscribes the cores
    # (implicit warns about it when the model is built, so both steps run under the limit).
    with threadpool_limits(1, "blas"):
        return _fit(data, config)


def _fit(data: TrainingSet, config: ALSConfig) -> np.ndarray:
    model = CpuALS(
        factors=config.factors,
        regularization=config.regularization,
        alpha=config.alpha,
        iterations=config.iterations,
        random_state=config.seed,
        num_threads=config.threads,
        calculate_training_loss=False,
    )
    model.fit(data.matrix, show_progress=False)
    return np.asarray(model.item_factors)
