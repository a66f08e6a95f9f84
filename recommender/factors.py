"""Models that score by a dot product of user and item vectors, with users folded in.

Every embedding model (ALS, BPR, LightGCN, the knowledge-graph GNN) ends with one vector per
item. A user is folded in from their history rows by the implicit-feedback least-squares step
of ALS (Hu, Koren & Volinsky 2008): exact for ALS, and a sound projection for the others, so a
brand-new purchase moves the user at once without retraining.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recommender.base import Recommender
from recommender.retrieval import ClusterIndex, ClusterIndexConfig, reference_rows

VECTORS_FILE = "item_vectors.npy"


@dataclass(frozen=True)
class FoldIn:
    """How a user's vector is solved from the history and the item vectors."""

    regularization: float = 0.05
    """L2 penalty on the user vector."""
    alpha: float = 10.0
    """Confidence scale of a weighted interaction (confidence = 1 + alpha * weight)."""


def fold_in(
    item_vectors: np.ndarray, gram: np.ndarray, user_items: sp.csr_matrix, config: FoldIn
) -> np.ndarray:
    """User vectors minimising the implicit-feedback loss against fixed item vectors.

    Args:
        item_vectors: (n_items, d) item vectors.
        gram: (d, d) ``item_vectorsᵀ item_vectors``, precomputed once.
        user_items: (n_users, n_items) weighted history rows.
        config: Regularisation and confidence scale.

    Returns:
        (n_users, d) float32 user vectors; zero for users without history.
    """
    n_users, dim = user_items.shape[0], item_vectors.shape[1]
    users = np.zeros((n_users, dim), np.float32)
    base = gram + config.regularization * np.eye(dim)
    for row in range(n_users):
        start, end = user_items.indptr[row], user_items.indptr[row + 1]
        if start == end:
            continue
        cols = user_items.indices[start:end]
        confidence = 1.0 + config.alpha * user_items.data[start:end].astype(np.float64)
        vectors = item_vectors[cols].astype(np.float64)  # (h, d)
        lhs = base + (vectors.T * (confidence - 1.0)) @ vectors
        rhs = vectors.T @ confidence
        users[row] = np.linalg.solve(lhs, rhs)
    return users


class EmbeddingRecommender(Recommender):
    """A model whose fit produces item vectors; scoring folds users in."""

    item_vectors: np.ndarray
    _gram: np.ndarray
    _norms: np.ndarray
    _mean: np.ndarray
    _covariance: np.ndarray
    _index: ClusterIndex | None = None
    _last_fold: tuple[sp.csr_matrix, np.ndarray] | None = None
    _reference: np.ndarray | None = None

    @abstractmethod
    def fold_in_config(self) -> FoldIn:
        """The fold-in settings of this model."""

    def set_item_vectors(self, vectors: np.ndarray) -> None:
        """Keep the learned item vectors and their Gram matrix."""
        self.item_vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        as64 = self.item_vectors.astype(np.float64)
        self._gram = as64.T @ as64
        self._norms = np.linalg.norm(self.item_vectors, axis=1) + 1e-9
        self._mean = as64.mean(axis=0)
        self._covariance = self._gram / max(len(as64), 1) - np.outer(self._mean, self._mean)
        self._index: ClusterIndex | None = None
        self._last_fold = None
        self._reference = None

    def cluster_index(self, config: ClusterIndexConfig | None = None) -> ClusterIndex:
        """The candidate index of the item vectors: built on first use (or anew with
        ``config``), then kept.
        """
        if self._index is None or config is not None:
            self._index = ClusterIndex(self.item_vectors, config)
        return self._index

    def user_vectors(self, user_items: sp.csr_matrix) -> np.ndarray:
        """Folded-in user vectors of the history rows (read-only).

        The last answer is kept: serving asks for the same shopper's vector several times per
        request (candidates, extra rows, score moments), and each fold-in is a linear solve.
        """
        last = self._last_fold
        if last is not None and last[0] is user_items:
            return last[1]
        users = fold_in(self.item_vectors, self._gram, user_items, self.fold_in_config())
        users.flags.writeable = False
        self._last_fold = (user_items, users)  # one assignment: safe across serving threads
        return users

    def score(self, user_items: sp.csr_matrix) -> np.ndarray:
        """Dot products of folded-in users with every item."""
        return np.asarray(self.user_vectors(user_items) @ self.item_vectors.T)

    def candidates(
        self, user_items: sp.csr_matrix, size: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Members of the clusters whose centroids score best for the folded-in shopper."""
        return self.cluster_index().search(self.user_vectors(user_items)[0], size)

    def score_rows(self, user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Dot products of the folded-in shopper with ``rows``' item vectors only."""
        user = self.user_vectors(user_items)[0]
        if rows is reference_rows(len(self.item_vectors)):
            # the fixed sample a hybrid's spread is estimated on, at every shelf: its vectors
            # are gathered once (reference_rows is cached, so the same array comes back)
            if self._reference is None:
                self._reference = np.ascontiguousarray(self.item_vectors[rows])
            return np.asarray(self._reference @ user)
        return np.asarray(self.item_vectors[rows] @ user)

    def score_moments(self, user_items: sp.csr_matrix) -> tuple[float, float]:
        """Exact, from the item vectors' mean and covariance: u·μ and √(uᵀΣu)."""
        user = self.user_vectors(user_items)[0].astype(np.float64)
        variance = float(user @ self._covariance @ user)
        return float(user @ self._mean), max(variance, 0.0) ** 0.5

    def item_similarity(self, item: int) -> np.ndarray | None:
        """Cosine similarity of every item vector to ``item``'s."""
        norms = self._norms
        return np.asarray((self.item_vectors @ self.item_vectors[item]) / (norms * norms[item]))

    def save_arrays(self, directory: Path) -> None:
        """Write the item vectors."""
        np.save(directory / VECTORS_FILE, self.item_vectors)

    def load_arrays(self, directory: Path) -> None:
        """Read the item vectors."""
        self.set_item_vectors(np.load(directory / VECTORS_FILE, allow_pickle=False))
