"""Every model, by name: importing this module registers them all."""

from __future__ import annotations

from typing import Any

from recommender import als, bpr, hybrid, kgnn, lightgcn, popularity, ranker
from recommender.base import MODELS, Recommender, config_from_dict

__all__ = ["MODELS", "create", "names"]
_LOADED = (als, bpr, hybrid, kgnn, lightgcn, popularity, ranker)


def names() -> list[str]:
    """Names of every registered model."""
    return sorted(MODELS)


def create(name: str, overrides: dict[str, Any] | None = None) -> Recommender:
    """A new model by name, its config's defaults replaced by ``overrides``.

    Raises:
        KeyError: When no model has that name.
    """
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(sorted(MODELS))}")
    model_type, config_type = MODELS[name]
    return model_type(config_from_dict(config_type, overrides or {}))
