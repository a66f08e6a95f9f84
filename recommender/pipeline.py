"""From interactions and knowledge to a fitted, servable recommender.

One function, :func:`fit_pipeline`, builds the vocabularies (every catalogue item gets a
column, sold or not), the weighted matrix, the model, the popularity fallback, the coded
catalogue, the learned habits and the policy's per-category plans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recommender.base import Recommender, TrainingSet
from recommender.catalogue import Catalogue, build_catalogue
from recommender.data import Interactions, MatrixConfig, Vocabulary, user_item_matrix
from recommender.habits import (
    CategoryHabit,
    HabitConfig,
    categorised_purchases,
    learn_complements,
    learn_habits,
    merge_complements,
)
from recommender.knowledge import EMPTY_KNOWLEDGE, CatalogueKnowledge, declared_complements
from recommender.models import create
from recommender.policy import PolicyConfig, PolicyTables, plan_categories
from recommender.popularity import RecentPopularity


@dataclass(frozen=True)
class PipelineConfig:
    """Everything a training run is set up with."""

    model: str = "als"
    """Name of the main model (see :func:`recommender.models.names`)."""
    model_overrides: dict[str, Any] = field(default_factory=dict)
    """Config fields of the main model that differ from its defaults."""
    matrix: MatrixConfig = field(default_factory=MatrixConfig)
    """Event weights and time decay."""
    habits: HabitConfig = field(default_factory=HabitConfig)
    """How repurchase and co-purchase habits are learned."""
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    """Post-purchase policy."""


@dataclass(frozen=True)
class Fitted:
    """A fitted pipeline: what :class:`recommender.serving.Shelves` serves."""

    config: PipelineConfig
    items: Vocabulary
    model: Recommender
    popularity: RecentPopularity
    catalogue: Catalogue
    habits: dict[str, CategoryHabit]
    tables: PolicyTables

    @property
    def item_popularity(self) -> np.ndarray:
        """Recent popularity of every item row, 0 to 1: the cold-start and fallback scores."""
        return self.popularity.popularity


def training_set(
    data: Interactions, knowledge: CatalogueKnowledge, matrix: MatrixConfig
) -> TrainingSet:
    """Vocabularies and weighted matrix: sold items first, then the rest of the catalogue."""
    frame = data.frame
    items = Vocabulary([*frame["item_id"].unique().tolist(), *knowledge.items()])
    users = Vocabulary(frame["user_id"].unique().tolist())
    return TrainingSet(
        matrix=user_item_matrix(data, users, items, matrix),
        users=users,
        items=items,
        interactions=data,
        knowledge=knowledge,
        matrix_config=matrix,
    )


def fit_pipeline(
    data: Interactions,
    knowledge: CatalogueKnowledge = EMPTY_KNOWLEDGE,
    config: PipelineConfig | None = None,
) -> Fitted:
    """Fit the main model, the popularity fallback, the habits and the policy plans."""
    config = config or PipelineConfig()
    train = training_set(data, knowledge, config.matrix)
    model = create(config.model, dict(config.model_overrides))
    model.fit(train)
    popularity = RecentPopularity()
    popularity.fit(train)
    catalogue = build_catalogue(train.items, knowledge)
    purchases = categorised_purchases(data, train.items, catalogue)
    habits = learn_habits(purchases)
    names = catalogue.names["category"]
    known = {c: knowledge.complements(c) for c in names}
    declared = {c: declared_complements(knowledge, c) for c in names}
    slots = {c: rule.slot if (rule := knowledge.category_rule(c)) else None for c in names}
    learned = learn_complements(purchases, config.habits, slots, declared)
    refuted = [(p.antecedent, p.consequent) for p in learned.refuted]
    complements = merge_complements(known, learned.by_category(), refuted)
    tables = plan_categories(names, knowledge, habits, complements, config.policy, declared)
    return Fitted(config, train.items, model, popularity, catalogue, habits, tables)
