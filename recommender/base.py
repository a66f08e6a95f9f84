"""The one interface every recommender model implements, and the registry of models.

A model learns from a :class:`TrainingSet` and scores every catalogue item for users given
only their interaction rows (``user_items``): users are always folded in from their history, so
a purchase stored a second ago changes the next call without retraining. Row numbers are the
shared :class:`~recommender.data.Vocabulary`'s; external ids never reach a model.
"""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.data import Interactions, MatrixConfig, Vocabulary, user_item_matrix
from recommender.history import UserHistory
from recommender.knowledge import EMPTY_KNOWLEDGE, CatalogueKnowledge

CONFIG_FILE = "config.json"


@dataclass(frozen=True)
class TrainingSet:
    """What a model learns from.

    Attributes:
        matrix: Weighted users × items interactions (float32 CSR).
        users: Row vocabulary of ``matrix``.
        items: Column vocabulary (the whole catalogue, sold or not).
        interactions: The raw events behind ``matrix`` (times, kinds).
        knowledge: Facts about the items (empty knowledge when none).
    """

    matrix: sp.csr_matrix
    users: Vocabulary
    items: Vocabulary
    interactions: Interactions
    knowledge: CatalogueKnowledge = EMPTY_KNOWLEDGE
    matrix_config: MatrixConfig = field(default_factory=MatrixConfig)

    @property
    def now(self) -> pd.Timestamp:
        """The training data's end: the newest event."""
        return self.interactions.end

    def with_interactions(self, interactions: Interactions) -> TrainingSet:
        """The same items and knowledge with other events (e.g. a validation split's past)."""
        users = Vocabulary(interactions.frame["user_id"].unique().tolist())
        return TrainingSet(
            matrix=user_item_matrix(interactions, users, self.items, self.matrix_config),
            users=users,
            items=self.items,
            interactions=interactions,
            knowledge=self.knowledge,
            matrix_config=self.matrix_config,
        )


@dataclass(frozen=True)
class Evidence:
    """What raised a suggestion's score most, for the explainer to put into words.

    Attributes:
        kind: ``bought_together`` (co-purchases of one of the shopper's purchases),
            ``trending`` (among the best sellers of the moment) or ``department`` (the
            shopper's own department).
        purchase: For ``bought_together``, the index of that purchase in the history.
    """

    kind: str
    purchase: int = -1


class Recommender(ABC):
    """Scores catalogue items for users folded in from their interaction rows."""

    name: ClassVar[str]
    config: Any

    @abstractmethod
    def __init__(self, config: Any = None) -> None:
        """Build an unfitted model from its config (the default config when ``None``)."""

    @abstractmethod
    def fit(self, data: TrainingSet) -> None:
        """Learn from ``data``; the item columns of later calls follow ``data.items``."""

    @abstractmethod
    def score(self, user_items: sp.csr_matrix) -> np.ndarray:
        """Scores of every item for each row of ``user_items``.

        Args:
            user_items: (n_users, n_items) weighted history rows.

        Returns:
            (n_users, n_items) float32 scores; higher is better.
        """

    @abstractmethod
    def save_arrays(self, directory: Path) -> None:
        """Write the learned state (the config is written by :meth:`save`)."""

    @abstractmethod
    def load_arrays(self, directory: Path) -> None:
        """Read the learned state written by :meth:`save_arrays`."""

    def score_histories(
        self, histories: Sequence[UserHistory], user_items: sp.csr_matrix
    ) -> np.ndarray:
        """:meth:`score` for shoppers whose timed histories are known.

        Evaluation and serving call this; models that read event times or the moment of the
        request (the ranker's trends and recency) override it, the others score the rows.

        Args:
            histories: One history per row of ``user_items``.
            user_items: (n_users, n_items) the same histories as weighted rows.
        """
        del histories
        return self.score(user_items)

    def notes(self) -> list[str]:
        """What the model could not use of the feed it was fitted on, one sentence each
        (a source skipped for a missing column, say); the CLI prints them.
        """
        return []

    def item_similarity(self, item: int) -> np.ndarray | None:
        """Similarity of every item to ``item`` in the model's own space; ``None``: no space."""
        del item
        return None

    def prime(self, history: UserHistory, user_items: sp.csr_matrix) -> None:
        """Get ready to serve one shopper: the calls about ``user_items`` that follow
        (:meth:`candidates`, :meth:`score_rows`, :meth:`score_moments`) read this timed history.

        Models whose scores depend on the rows alone need nothing (the default).
        """
        del history, user_items

    def explain(self, user_items: sp.csr_matrix, rows: np.ndarray) -> list[Evidence | None]:
        """Why each of ``rows`` scored high for the shopper, where the model can say (after
        :meth:`prime`); ``None`` where it cannot (the default: every row).
        """
        del user_items
        return [None] * len(rows)

    def candidates(
        self, user_items: sp.csr_matrix, size: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """About ``size`` items likely to score highest for one shopper, with their scores.

        Serving ranks only these (plus whatever it adds) on large catalogues.

        Args:
            user_items: (1, n_items) the shopper's weighted history row.
            size: Least number of items wanted.

        Returns:
            Distinct item rows and their scores (as :meth:`score` gives them), or ``None``
            when the model cannot pick them more cheaply than by scoring every item.
        """
        del user_items, size
        return None

    def score_rows(self, user_items: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """One shopper's scores of ``rows`` only: ``score(user_items)[0, rows]``.

        Models override this when they can score a few rows without scoring them all.
        """
        return np.asarray(self.score(user_items)[0, rows])

    def score_moments(self, user_items: sp.csr_matrix) -> tuple[float, float]:
        """Mean and standard deviation of one shopper's scores over the whole catalogue.

        The policy measures its penalties in this spread. Models override this when they
        know it without scoring every item.
        """
        scores = self.score(user_items)[0]
        return float(scores.mean()), float(scores.std())

    def recommend(
        self, user_items: sp.csr_matrix, k: int, *, exclude_seen: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` items per row: ((n, k) item rows, (n, k) scores), best first.

        Rows are scored a block at a time: every row's scores at once are rows × items
        (20,000 shoppers × 105,542 articles: 8 GB of float32, more in float64).
        """
        step = max(1, SCORE_BLOCK // max(user_items.shape[1], 1))
        found, values = [], []
        for start in range(0, max(user_items.shape[0], 1), step):
            block = user_items[start : start + step]
            scores = self.score(block)
            if exclude_seen:
                rows, cols = block.nonzero()
                scores[rows, cols] = -np.inf
            best, top = top_k(scores, k)
            found.append(best)
            values.append(top)
        return np.vstack(found), np.vstack(values)

    def save(self, directory: Path) -> None:
        """Write config and learned state into ``directory`` (created if needed)."""
        directory.mkdir(parents=True, exist_ok=True)
        payload = {"model": self.name, "config": config_to_dict(self.config)}
        (directory / CONFIG_FILE).write_text(json.dumps(payload, indent=2))
        self.save_arrays(directory)

    @staticmethod
    def load(directory: Path) -> Recommender:
        """Read a model written by :meth:`save` (whichever kind it is).

        Raises:
            ValueError: When the directory holds no model or an unknown kind.
            OSError: When a file cannot be read.
        """
        payload = json.loads((directory / CONFIG_FILE).read_text())
        if payload.get("model") not in MODELS:
            raise ValueError(f"{directory}: unknown model {payload.get('model')!r}")
        model_type, config_type = MODELS[payload["model"]]
        # tolerant: an artifact written before a setting was removed must still load
        model = model_type(config_from_dict(config_type, payload["config"], strict=False))
        model.load_arrays(directory)
        return model


#: Most scores :meth:`Recommender.recommend` holds at once (rows × items of one block).
SCORE_BLOCK = 1 << 24


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``k`` largest scores of each row, best first."""
    k = min(k, scores.shape[1])
    if k == 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)


def config_to_dict(config: Any) -> dict[str, Any]:
    """A config dataclass as plain JSON-able values."""
    return dataclasses.asdict(config)


class UnknownSettingError(ValueError):
    """A config override names a setting the config does not have (a typo, or a stale name)."""


def config_from_dict(
    config_type: type[Any], values: Mapping[str, Any], *, strict: bool = True
) -> Any:
    """A config dataclass from overrides or from :func:`config_to_dict` output.

    Args:
        config_type: The config dataclass.
        values: Field values; fields left out keep their defaults.
        strict: Refuse keys the config does not have, so that a mistyped setting fails loudly
            instead of training with the default; False drops them, for reading artifacts
            written by older versions whose configs had fields since removed.

    Raises:
        UnknownSettingError: When ``strict`` and a key is not a field of ``config_type``.
    """
    names = {f.name for f in dataclasses.fields(config_type)}
    unknown = sorted(set(values) - names)
    if unknown and strict:
        raise UnknownSettingError(
            f"{config_type.__name__} has no setting {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(names))}"
        )
    return config_type(**{k: v for k, v in values.items() if k in names})


#: name -> (model class, config class); filled by :func:`register`.
MODELS: dict[str, tuple[type[Recommender], type[Any]]] = {}


def register(
    config_type: type[Any],
) -> Callable[[type[Recommender]], type[Recommender]]:
    """Class decorator adding a model to :data:`MODELS` under its ``name``."""

    def add(model: type[Recommender]) -> type[Recommender]:
        MODELS[model.name] = (model, config_type)
        return model

    return add
