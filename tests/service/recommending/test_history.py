"""A shopper's history as the recommender reads it."""

from __future__ import annotations

from seeded_store import seed_store
from sqlalchemy import Engine

from service.recommending.history import user_history


def test_history_of_one_shopper_oldest_first(engine: Engine) -> None:
    seed_store(engine)
    history = user_history(engine, "c1")
    assert len(history) == 6 and history[0].occurred_at < history[-1].occurred_at
    assert user_history(engine, "nobody") == []
