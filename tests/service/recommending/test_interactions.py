"""The store's events as the recommender's training data."""

from __future__ import annotations

from datetime import timedelta

from seeded_store import START, seed_store
from sqlalchemy import Engine

from service.recommending.interactions import latest_event, load_interactions


def test_events_become_interactions_with_external_ids(engine: Engine) -> None:
    seed_store(engine)
    frame = load_interactions(engine).frame
    assert len(frame) == 36
    assert set(frame["user_id"]) == {f"c{n}" for n in range(6)}
    assert frame["timestamp"].is_monotonic_increasing
    assert set(frame["event_type"]) == {"purchase", "view"}
    assert len(load_interactions(engine, since=START + timedelta(days=20)).frame) == 6


def test_latest_event_bounds_a_training_window(engine: Engine) -> None:
    assert latest_event(engine) is None
    seed_store(engine)
    assert latest_event(engine) == START + timedelta(days=20, hours=5)
