"""A query's result read as Arrow columns: the same values on every store and every path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
)
from sqlalchemy.pool import StaticPool

from service.store import columnar, create_store_engine
from service.store.columnar import epoch_day, read_batches

ROWS = [
    (1, "hm", datetime(2020, 9, 22, 23, 59, 59, 999999)),  # late in the day: still the 22nd
    (2, 'say "a, b"', datetime(1969, 12, 31, 12, 0)),  # before 1970, at noon: day -1
    (3, "", datetime(1970, 1, 1, 12, 0)),  # an empty string stays empty, not null
    (4, "hm", datetime(2000, 2, 29, 0, 0, 0, 1)),
]
SCHEMA = pa.schema([("id", pa.int64()), ("label", pa.string()), ("day", pa.int64())])
DAYS = [18527, -1, 0, 11016]


def _sample(engine: Engine, rows: int = len(ROWS)) -> Table:
    table = Table(
        "columnar_sample",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("label", String(32), nullable=False),
        Column("at", DateTime, nullable=False),
    )
    table.create(engine)
    values = [ROWS[n % len(ROWS)] for n in range(rows)]
    with engine.begin() as connection:
        if not values:
            return table
        connection.execute(
            insert(table),
            [{"id": n + 1, "label": label, "at": at} for n, (_, label, at) in enumerate(values)],
        )
    return table


def _query(table: Table) -> Any:
    return select(table.c.id, table.c.label, epoch_day(table.c.at)).order_by(table.c.id)


def _read(engine: Engine, table: Table) -> pa.Table:
    return pa.Table.from_batches(list(read_batches(engine, _query(table), SCHEMA)), schema=SCHEMA)


def test_rows_arrive_with_the_schema_and_the_day_the_database_computes(engine: Engine) -> None:
    result = _read(engine, _sample(engine))
    assert result.schema == SCHEMA
    assert result.column("id").to_pylist() == [1, 2, 3, 4]
    assert result.column("label").to_pylist() == [label for _, label, _ in ROWS]
    assert result.column("day").to_pylist() == DAYS


def test_an_in_memory_database_is_read_through_sqlalchemy(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_store_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    read: list[object] = []
    original = columnar._orm_batches

    def spied(*args: Any) -> Iterator[pa.RecordBatch]:
        read.append(args)
        return original(*args)

    monkeypatch.setattr(columnar, "_orm_batches", spied)
    result = _read(engine, _sample(engine))
    assert read and result.column("day").to_pylist() == DAYS
    assert result.column("label").to_pylist() == [label for _, label, _ in ROWS]


def test_a_file_store_is_read_by_the_arrow_driver_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'catalogue.db'}")
    table = _sample(engine, rows=2_500)
    monkeypatch.setattr(columnar, "BATCH_ROWS", 1_000)
    monkeypatch.setattr(columnar, "_orm_batches", _refuse)
    query = select(table.c.id, table.c.label, epoch_day(table.c.at)).order_by(table.c.id)
    batches = list(read_batches(engine, query, SCHEMA))
    assert [batch.num_rows for batch in batches] == [1_000, 1_000, 500]
    ids = pa.Table.from_batches(batches).column("id").to_pylist()
    assert ids == list(range(1, 2_501))


def test_rows_arrive_in_full_batches_on_every_store(engine: Engine) -> None:
    # PostgreSQL's copy arrives a row at a time: one read per row made one batch per row
    table = _sample(engine, rows=5_000)
    batches = list(read_batches(engine, _query(table), SCHEMA))
    assert [batch.num_rows for batch in batches] == [5_000]
    ids = pa.Table.from_batches(batches).column("id").to_pylist()
    assert ids == list(range(1, 5_001))


def test_without_the_arrow_drivers_the_same_rows_arrive_in_full_batches(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL's fallback is a CSV copy through psycopg, SQLite's the rows through SQLAlchemy
    monkeypatch.setattr(columnar, "_has_adbc", lambda driver: False)
    table = _sample(engine, rows=5_000)
    batches = list(read_batches(engine, _query(table), SCHEMA))
    assert [batch.num_rows for batch in batches] == [5_000]
    result = pa.Table.from_batches(batches)
    assert result.column("day").to_pylist()[:4] == DAYS
    assert result.column("label").to_pylist()[:4] == [label for _, label, _ in ROWS]


def test_no_rows_is_no_batches_with_no_rows(engine: Engine) -> None:
    table = _sample(engine, rows=0)
    query = select(table.c.id, table.c.label, epoch_day(table.c.at))
    assert sum(batch.num_rows for batch in read_batches(engine, query, SCHEMA)) == 0


def test_a_query_must_select_the_schema_s_columns(engine: Engine) -> None:
    table = _sample(engine)
    with pytest.raises(ValueError, match="selects 2 columns, the schema names 3"):
        list(read_batches(engine, select(table.c.id, table.c.label), SCHEMA))


def _refuse(*args: Any) -> Iterator[pa.RecordBatch]:
    raise AssertionError("a file store must not be read row by row")
