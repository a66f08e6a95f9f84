"""Large loads: secondary indexes deferred, and on an empty PostgreSQL table the unique key
lifted while events are copied straight in, then restored (duplicates removed first).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from ingest_samples import count, write
from sqlalchemy import Engine, inspect, select

from service.ingest import IngestReport, ingest_generic_interactions, ingest_items
from service.ingest import catalogue as writer_module
from service.store import Article, Customer, Event
from service.store.bulk import foreign_keys, unique_constraint

Ingest = Callable[..., IngestReport]

ITEMS = "item_id,name,category\nA1,Slim jeans,Jeans\nB1,Oxford shirt,Shirts\n"
# e1 is sent twice in the same file (a client retry): one event
EVENTS = """\
user_id,item_id,timestamp,event_id
u1,A1,2024-03-01T10:00:00Z,e1
u1,A1,2024-03-01T10:00:05Z,e1
u2,B1,2024-03-02,
u2,B1,2024-03-02,
u3,A1,2024-03-03,
"""


@pytest.fixture(autouse=True)
def every_load_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_module, "BULK_LOAD_ROWS", 0)


def test_a_large_first_load_stores_each_event_once_and_keeps_the_keys(
    ingest: Ingest, engine: Engine, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, write(tmp_path / "items.csv", ITEMS), "shop"))
    events = write(tmp_path / "events.csv", EVENTS)

    first = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))
    again = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))

    assert first.counts("events").written == 4 and count(engine, Event) == 4
    assert again.counts("events").written == 0 and count(engine, Event) == 4
    indexes = {i["name"] for i in inspect(engine).get_indexes("events")}
    assert "ix_events_customer_time" in indexes
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            assert unique_constraint(connection, "events", "dedup_key") is not None
            assert len(foreign_keys(connection, "events")) == 2  # customers, articles


def test_a_failed_large_load_leaves_the_store_and_its_keys_as_they_were(
    ingest: Ingest, engine: Engine, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, write(tmp_path / "items.csv", ITEMS), "shop"))
    bad = write(tmp_path / "bad.csv", EVENTS + "u4,NOPE,2024-03-04,\n")

    with pytest.raises(Exception, match="unknown article 'NOPE'"):
        ingest(lambda c: ingest_generic_interactions(c, bad, "shop"), strict=True)

    assert count(engine, Event) == 0
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            assert unique_constraint(connection, "events", "dedup_key") is not None
            assert len(foreign_keys(connection, "events")) == 2
    events = write(tmp_path / "events.csv", EVENTS)
    assert (
        ingest(lambda c: ingest_generic_interactions(c, events, "shop")).counts("events").written
        == 4
    )


# no event ids: blocks of columns, copied into PostgreSQL in binary form made by Arrow
COLUMNS = """\
user_id,item_id,timestamp,event_type,quantity,price,channel
u1,A1,2024-03-01T10:00:00.250000,purchase,2,0.0508305084745763,web
u1,A1,2024-03-01T10:00:00.250000,purchase,2,0.0508305084745763,web
u2,B1,2024-03-02,view,,,
u3,A1,2024-03-02,,1,1e-05,störe
u2,B1,2024-03-03,cart,3,,app
"""


def test_a_large_first_load_by_columns_stores_every_value(
    ingest: Ingest, engine: Engine, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, write(tmp_path / "items.csv", ITEMS), "shop"))
    events = write(tmp_path / "events.csv", COLUMNS)

    first = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))
    again = ingest(lambda c: ingest_generic_interactions(c, events, "shop"), chunk_rows=3)

    query = (
        select(
            Customer.external_id,
            Article.external_id,
            Event.event_type,
            Event.occurred_at,
            Event.quantity,
            Event.price,
            Event.channel,
            Event.source,
        )
        .join(Customer, Customer.id == Event.customer_id)
        .join(Article, Article.id == Event.article_id)
        .order_by(Event.id)
    )
    with engine.connect() as connection:
        stored = [tuple(row) for row in connection.execute(query)]
    bought = ("u1", "A1", "purchase", datetime(2024, 3, 1, 10, 0, 0, 250000), 2)
    assert stored == [
        (*bought, 0.0508305084745763, "web", "shop"),
        (*bought, 0.0508305084745763, "web", "shop"),  # the same purchase twice: two events
        ("u2", "B1", "view", datetime(2024, 3, 2), 1, None, None, "shop"),
        ("u3", "A1", "purchase", datetime(2024, 3, 2), 1, 1e-05, "störe", "shop"),
        ("u2", "B1", "cart", datetime(2024, 3, 3), 3, None, "app", "shop"),
    ]
    assert first.counts("events").written == 5 and again.counts("events").written == 0
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            assert unique_constraint(connection, "events", "dedup_key") is not None
