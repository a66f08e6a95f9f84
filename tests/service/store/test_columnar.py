"""A query's result read as Arrow columns: the same values on every store and every path."""

from __future__ import annotations

import subprocess
import sys
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
    text,
)
from sqlalchemy.pool import StaticPool

from service.store import columnar, create_store_engine
from service.store.columnar import StoreReadError, epoch_day, read_batches

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


def test_the_sqlite_driver_reads_in_a_process_of_its_own(tmp_path: Path) -> None:
    # Its SQLite library beside the store's own in one process corrupts a WAL database both
    # have open (service.store.sqlite_reader): here the store holds a read open meanwhile.
    database = tmp_path / "catalogue.db"
    script = f"""
import sys
from sqlalchemy import column, select, table, text
from service.store import create_store_engine
from service.store.columnar import read_batches
import pyarrow as pa
engine = create_store_engine("sqlite:///{database}")
with engine.begin() as c:
    c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
    c.execute(text("INSERT INTO t (n) VALUES " + ",".join("(1)" for _ in range(5000))))
with engine.connect() as held:
    held.execute(text("SELECT count(*) FROM t")).scalar()
    for _ in range(5):
        t = table("t", column("id"), column("n"))
        query = select(t.c.id, t.c.n)
        schema = pa.schema([("id", pa.int64()), ("n", pa.int64())])
        rows = sum(b.num_rows for b in read_batches(engine, query, schema))
        assert rows == 5000, rows
        assert held.execute(text("SELECT sum(n) FROM t")).scalar() == 5000
print(any(name.startswith("adbc_driver_sqlite") for name in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_failed_read_of_a_file_store_names_the_database(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'catalogue.db'}")
    table = _sample(engine)
    query = select(table.c.id, table.c.label, table.c.at).where(text("no_such_column = 1"))
    with pytest.raises(StoreReadError, match=r"catalogue\.db failed: .*no_such_column"):
        list(read_batches(engine, query, SCHEMA))
