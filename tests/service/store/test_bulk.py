"""Bulk inserts that skip rows already present, many rows per statement, on both stores."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa
import pytest
from postgres_server import PostgresServer
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
)

from service.store import create_store_engine
from service.store.bulk import (
    copy_columns,
    copy_rows,
    driver_datetime,
    insert_ignore,
    insert_ignore_columns,
    python_values,
)


def _table(engine: Engine) -> Table:
    table = Table(
        "bulk_sample",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("code", String(16), unique=True, nullable=False),
        Column("note", String(16)),
    )
    table.create(engine)
    return table


def test_many_rows_are_inserted_once_each_across_statements_with_the_count_written(
    engine: Engine,
) -> None:
    table = _table(engine)
    # 257 rows: whole statements of many rows and a remainder of single-row ones; code 7 is
    # given three times (twice inside one statement) and 0..9 are stored before
    rows: list[tuple[str, str | None]] = [(f"c{i}", f"n{i}") for i in range(250)]
    rows += [("c7", "again")] * 2 + [("c7", "x")]
    rows += [(f"c{i}", None) for i in range(250, 254)]
    with engine.begin() as connection:
        assert insert_ignore(connection, table, ("code", "note"), rows[:10]) == 10
    with engine.begin() as connection:
        written = insert_ignore(connection, table, ("code", "note"), iter(rows))
    with engine.connect() as connection:
        stored = dict(connection.execute(select(table.c.code, table.c.note)).all())

    assert written == 244
    assert len(stored) == 254
    assert stored["c7"] == "n7" and stored["c253"] is None
    with engine.begin() as connection:
        assert insert_ignore(connection, table, ("code", "note"), rows) == 0
        assert insert_ignore(connection, table, ("code", "note"), []) == 0


def test_values_given_by_column_are_inserted_like_rows(engine: Engine) -> None:
    table = _table(engine)
    codes = [f"c{i}" for i in range(150)] + ["c3"]
    notes = [f"n{i}" for i in range(150)] + ["again"]
    with engine.begin() as connection:
        written = insert_ignore_columns(connection, table, ("code", "note"), [codes, notes])
        with pytest.raises(ValueError, match="'note' has 1 values, not 2"):
            insert_ignore_columns(connection, table, ("code", "note"), [["x", "y"], ["z"]])
    with engine.connect() as connection:
        stored = dict(connection.execute(select(table.c.code, table.c.note)).all())

    assert written == 150
    assert stored["c3"] == "n3" and stored["c149"] == "n149" and len(stored) == 150


def _typed_table(engine: Engine) -> Table:
    table = Table(
        "typed_sample",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("key", LargeBinary(16), nullable=False),
        Column("amount", Float),
        Column("at", DateTime, nullable=False),
        Column("channel", String(8)),
    )
    table.create(engine)
    return table


TYPED: dict[str, list[Any]] = {
    "key": [bytes([i]) * 16 for i in range(3)],
    "amount": [0.0508305084745763, None, 1e-05],
    "at": [datetime(2020, 9, 1, 12, 0, 1, 5), datetime(2020, 9, 1), datetime(2019, 1, 2)],
    "channel": ["1", None, "ü"],
}


def _stored(engine: Engine, table: Table) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = select(table.c.key, table.c.amount, table.c.at, table.c.channel)
        return [tuple(row) for row in connection.execute(query.order_by(table.c.id))]


def test_arrow_columns_are_stored_as_their_python_values(engine: Engine) -> None:
    table = _typed_table(engine)
    at = TYPED["at"]
    if engine.dialect.name == "sqlite":
        at = [driver_datetime("sqlite", t) for t in at]
    arrays = [
        pa.array(TYPED["key"], pa.binary(16)),
        pa.array(TYPED["amount"], pa.float64()),
        pa.array(at),
        pa.array(TYPED["channel"], pa.string()),
    ]
    with engine.begin() as connection:
        written = insert_ignore_columns(connection, table, tuple(TYPED), arrays)

    assert written == 3
    assert _stored(engine, table) == list(zip(*TYPED.values(), strict=True))


@pytest.mark.postgres
def test_a_binary_copy_made_from_arrow_columns_stores_what_a_row_copy_does(
    postgres: PostgresServer,
) -> None:
    engines = [create_store_engine(postgres.create_database(f"copy_{i}")) for i in range(2)]
    try:
        tables = [_typed_table(e) for e in engines]
        arrays = [
            pa.array(TYPED["key"], pa.binary(16)),
            pa.array(TYPED["amount"], pa.float64()),
            pa.array(TYPED["at"], pa.timestamp("us")),
            pa.array(TYPED["channel"], pa.string()),
        ]
        with engines[0].begin() as connection:
            assert copy_columns(connection, tables[0], tuple(TYPED), arrays) == 3
        with engines[1].begin() as connection:
            rows = zip(*TYPED.values(), strict=True)
            assert copy_rows(connection, tables[1], tuple(TYPED), rows) == 3

        assert _stored(engines[0], tables[0]) == _stored(engines[1], tables[1])
        assert _stored(engines[0], tables[0]) == list(zip(*TYPED.values(), strict=True))
    finally:
        for engine in engines:
            engine.dispose()


def test_python_values_of_arrow_columns() -> None:
    keys = pa.array([b"\x00" * 16, bytes(range(16)), b"\xff" * 15 + b"\x00"], pa.binary(16))
    strings = pa.array(["a", None, "a"])

    assert python_values(keys) == keys.to_pylist()
    assert python_values(keys.slice(1)) == keys.to_pylist()[1:]
    assert python_values(strings) == ["a", None, "a"]
    assert python_values(strings.dictionary_encode()) == ["a", None, "a"]
    assert python_values(pa.array([1.5, None])) == [1.5, None]
    assert python_values(pa.array([3, 4])) == [3, 4]
    assert python_values(["x"]) == ["x"]
