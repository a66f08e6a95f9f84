"""Reading a query's whole result as Arrow columns, at the speed of the database, not of Python.

The ORM and the DB-API build a Python tuple and a Python object per value: reading a
retailer's 31.8 million purchases that way costs minutes (``atelier kg build`` spent 360 of its
780 s there). What the graph's build and mining need is a few plain columns of every purchase,
so they are read here the way each store can hand them over in bulk:

* **SQLite**: the Apache Arrow project's ADBC driver reads the file itself and fills Arrow
  arrays in C (about 1 µs a row against 3.4 µs through ``sqlite3`` and 11 µs through the ORM),
  in a process of its own that streams them back (:mod:`service.store.sqlite_reader` says
  why: two SQLite libraries in one process corrupt a database both have open);
* **PostgreSQL**: the ADBC PostgreSQL driver streams the result (binary ``COPY``) into Arrow
  arrays in C: 31.8 million purchases in 6.6 s against 83 s as CSV through psycopg, which
  hands Python one row at a time (kept as the path when the driver is not installed);
* anything else (an in-memory SQLite database only this process can see): the rows through
  SQLAlchemy, put into Arrow arrays a batch at a time.

The reader sees what is committed: it opens its own connection.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Engine, Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer

#: Rows per Arrow batch.
BATCH_ROWS = 262_144


class epoch_day(FunctionElement[int]):  # lower case: an SQL function, named as SQLAlchemy's
    """Whole days from 1970-01-01 to a timestamp column's date, computed by the database.

    A day number travels as one integer instead of a 26-character timestamp, and the database
    computes it faster than Python parses the text.
    """

    type = Integer()
    inherit_cache = True


@compiles(epoch_day, "sqlite")
def _epoch_day_sqlite(element: epoch_day, compiler: SQLCompiler, **kw: Any) -> str:
    # date() drops the time of day, so the Julian day difference is a whole number
    (column,) = element.clauses
    return f"CAST(julianday(date({compiler.process(column, **kw)})) - 2440587.5 AS INTEGER)"


@compiles(epoch_day, "postgresql")
def _epoch_day_postgresql(element: epoch_day, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return f"(CAST({compiler.process(column, **kw)} AS DATE) - DATE '1970-01-01')"


def read_batches(
    engine: Engine, query: Select[*tuple[Any, ...]], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    """The rows of ``query`` as Arrow record batches with ``schema``'s names and types.

    Args:
        engine: The catalogue store.
        query: A SELECT whose columns are, in order, those of ``schema``.
        schema: Names and types of the columns (the batches are cast to them).

    Yields:
        Batches of at most about :data:`BATCH_ROWS` rows, in the query's order.
    """
    if len(query.selected_columns) != len(schema):
        raise ValueError(
            f"the query selects {len(query.selected_columns)} columns, the schema names "
            f"{len(schema)}"
        )
    dialect, database = engine.dialect.name, engine.url.database
    if dialect == "sqlite" and database and database != ":memory:" and _has_adbc("sqlite"):
        batches = _sqlite_batches(database, _sql(engine, query))
    elif dialect == "postgresql" and _has_adbc("postgresql"):
        batches = _adbc_postgresql_batches(engine, _sql(engine, query))
    elif dialect == "postgresql":
        batches = _postgresql_batches(engine, _sql(engine, query), schema)
    else:
        batches = _orm_batches(engine, query, schema)
    for batch in batches:
        yield _conform(batch, schema)


def _sql(engine: Engine, query: Select[*tuple[Any, ...]]) -> str:
    """The query as text for the engine's dialect, its parameters written inline."""
    return str(query.compile(engine, compile_kwargs={"literal_binds": True}))


def _has_adbc(driver: str) -> bool:
    """Whether the ADBC driver for ``driver`` (``sqlite``, ``postgresql``) is installed.

    Looked up, not imported: the SQLite driver's library must stay out of this process
    (:mod:`service.store.sqlite_reader`).
    """
    return importlib.util.find_spec(f"adbc_driver_{driver}") is not None


def _sqlite_batches(path: str, sql: str) -> Iterator[pa.RecordBatch]:
    """The rows as the ADBC driver reads them, in a process of its own
    (:mod:`service.store.sqlite_reader` says why), streamed back as Arrow IPC.

    Raises:
        StoreReadError: If the reader failed (its own message).
    """
    child = subprocess.Popen(
        [sys.executable, "-m", "service.store.sqlite_reader", path, str(BATCH_ROWS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    try:
        child.stdin.write(sql.encode())
        child.stdin.close()
        try:
            stream = pa.ipc.open_stream(child.stdout)
        except pa.ArrowInvalid:  # nothing came: the reader failed before its first batch
            stream = None
        if stream is not None:
            yield from stream
        if child.wait() != 0:
            reason = child.stderr.read().decode(errors="replace").strip()
            raise StoreReadError(f"reading {path} failed: {reason or 'the reader stopped'}")
    finally:
        if child.poll() is None:  # the caller stopped early, or failed: the reader goes too
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()


class StoreReadError(RuntimeError):
    """A columnar read of the store failed; the message says which database and why."""


def _adbc_postgresql_batches(engine: Engine, sql: str) -> Iterator[pa.RecordBatch]:
    import adbc_driver_postgresql.dbapi as adbc

    # libpq's URI: the scheme without SQLAlchemy's driver name, the password kept
    uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        yield from cursor.fetch_record_batch()


def _postgresql_batches(engine: Engine, sql: str, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()  # psycopg's: it has COPY
        with cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            chunks = iter(copy)
            first = next(chunks, None)
            if first is None:  # no rows: Arrow refuses an empty CSV file
                return
            reader = pacsv.open_csv(
                _CopyStream(chain([first], chunks)),
                read_options=pacsv.ReadOptions(
                    # a row of a few numbers is 16-30 bytes of CSV
                    column_names=schema.names,
                    block_size=BATCH_ROWS * 24,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=schema,
                    # PostgreSQL writes NULL as an empty unquoted field, "" as a quoted one
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                ),
            )
            yield from reader
    finally:
        raw.close()


def _orm_batches(
    engine: Engine, query: Select[*tuple[Any, ...]], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS)
        for chunk in result.execute(query).partitions():
            columns: Sequence[Sequence[Any]] = list(zip(*chunk, strict=True))
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(column, field.type)
                    for column, field in zip(columns, schema, strict=True)
                ],
                schema=schema,
            )


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` with ``schema``'s names and types (drivers name and type columns their way)."""
    arrays = [
        column if column.type == field.type else column.cast(field.type)
        for column, field in zip(batch.columns, schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class _CopyStream(io.RawIOBase):
    """The chunks of a ``COPY ... TO STDOUT`` as a readable binary file (Arrow reads files).

    psycopg hands the copy over a row at a time, and Arrow's streaming reader makes one batch
    of whatever one read returns: each read fills the buffer with as many rows as fit (a read
    of one row each made 31.8 million one-row batches at full size, 25,000 rows/s).
    """

    def __init__(self, chunks: Iterator[Any]) -> None:
        self._chunks, self._pending = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        parts, size = [self._pending], len(self._pending)
        while size < len(target):
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            size += len(chunk)
        data = b"".join(parts)
        filled = min(len(target), len(data))
        target[:filled] = data[:filled]
        self._pending = data[filled:]
        return filled
