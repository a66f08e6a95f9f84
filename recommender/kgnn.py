"""The knowledge-graph-aware GNN: LightGCN propagation over users, articles and concepts.

Articles connect to their style, category, slot, colours, pattern, material, ... and concepts
to their broader concepts (navy -> blue). An article nobody has bought yet still has edges to
its concepts, so propagation gives it an embedding near the articles that share them (cold
start), and a taste learned on one colourway or category transfers to its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from recommender.base import TrainingSet, register
from recommender.factors import EmbeddingRecommender, FoldIn
from recommender.graph import knowledge_graph
from recommender.propagation import PropagationConfig, newest_events, train_embeddings


@dataclass(frozen=True)
class KGConfig(PropagationConfig):
    """Propagation hyper-parameters (three layers reach user-item-concept-item) + fold-in."""

    layers: int = 3
    """Propagation layers."""
    fold_in_regularization: float = 0.1
    """L2 penalty of the fold-in projection."""


@register(KGConfig)
class KGRecommender(EmbeddingRecommender):
    """Item embeddings propagated over the collaborative knowledge graph."""

    name: ClassVar[str] = "kgnn"

    def __init__(self, config: KGConfig | None = None) -> None:
        self.config = config or KGConfig()

    def fold_in_config(self) -> FoldIn:
        """A ridge projection onto the propagated item space."""
        return FoldIn(self.config.fold_in_regularization, alpha=10.0)

    def fit(self, data: TrainingSet) -> None:
        """Train on the interactions (the newest ``max_events``) plus the knowledge."""
        data = newest_events(data, self.config.max_events)
        graph = knowledge_graph(data.matrix, data.items, data.knowledge)
        self.set_item_vectors(train_embeddings(graph, data.matrix, self.config))
