"""LightGCN on the user-item graph (He et al. 2020), propagation built with torch-geometric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from recommender.base import TrainingSet, register
from recommender.factors import EmbeddingRecommender, FoldIn
from recommender.graph import bipartite_graph
from recommender.propagation import PropagationConfig, newest_events, train_embeddings


@dataclass(frozen=True)
class LightGCNConfig(PropagationConfig):
    """LightGCN's hyper-parameters plus the serving-time fold-in."""

    fold_in_regularization: float = 0.1
    """L2 penalty of the fold-in projection."""


@register(LightGCNConfig)
class LightGCNRecommender(EmbeddingRecommender):
    """Item embeddings propagated over the bipartite user-item graph."""

    name: ClassVar[str] = "lightgcn"

    def __init__(self, config: LightGCNConfig | None = None) -> None:
        self.config = config or LightGCNConfig()

    def fold_in_config(self) -> FoldIn:
        """A ridge projection onto the propagated item space."""
        return FoldIn(self.config.fold_in_regularization, alpha=10.0)

    def fit(self, data: TrainingSet) -> None:
        """Train on the interactions graph (of the newest ``max_events`` events)."""
        data = newest_events(data, self.config.max_events)
        self.set_item_vectors(
            train_embeddings(bipartite_graph(data.matrix), data.matrix, self.config)
        )
