"""The store's events as the recommender's training data."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from seeded_store import START, seed_store
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from service.recommending.interactions import latest_event, load_interactions
from service.store.models import Customer, Event


def test_events_become_interactions_with_external_ids(engine: Engine) -> None:
    seed_store(engine)
    frame = load_interactions(engine).frame
    assert len(frame) == 36
    assert set(frame["user_id"]) == {f"c{n}" for n in range(6)}
    assert frame["timestamp"].is_monotonic_increasing
    assert set(frame["event_type"]) == {"purchase", "view"}
    assert len(load_interactions(engine, since=START + timedelta(days=20)).frame) == 6


LATE = START + timedelta(days=30, microseconds=123457)


def test_times_arrive_to_the_microsecond_and_ties_keep_the_stored_order(engine: Engine) -> None:
    seed_store(engine)
    with Session(engine) as session:
        first, second = session.scalars(select(Event).order_by(Event.id).limit(2)).all()
        first.occurred_at = second.occurred_at = LATE
        session.commit()
        stored = session.execute(
            select(Customer.external_id, Event.occurred_at)
            .join(Customer, Customer.id == Event.customer_id)
            .order_by(Event.occurred_at, Event.id)
        ).all()
    frame = load_interactions(engine).frame
    assert list(zip(frame["user_id"], frame["timestamp"], strict=True)) == [
        (name, pd.Timestamp(at)) for name, at in stored
    ]
    assert frame["timestamp"].iloc[-1] == pd.Timestamp(
        START + timedelta(days=30, microseconds=123457)
    )


def test_latest_event_bounds_a_training_window(engine: Engine) -> None:
    assert latest_event(engine) is None
    seed_store(engine)
    assert latest_event(engine) == START + timedelta(days=20, hours=5)
