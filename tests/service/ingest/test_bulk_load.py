"""Large loads: secondary indexes deferred, and on an empty PostgreSQL table the unique key
lifted while events are copied straight in, then restored (duplicates removed first).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_samples import count, write
from sqlalchemy import Engine, inspect

from service.ingest import IngestReport, ingest_generic_interactions, ingest_items
from service.ingest import catalogue as writer_module
from service.store import Event
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
