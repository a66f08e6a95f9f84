"""Bulk inserts that skip rows already present, many rows per statement, on both stores."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select

from service.store.bulk import insert_ignore, insert_ignore_columns


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
