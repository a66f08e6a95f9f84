"""Fast bulk inserts that skip rows already present, on SQLite and PostgreSQL.

The ORM is the right tool for a handful of rows; ingesting millions of events needs the
driver's own bulk path: ``executemany`` of ``INSERT OR IGNORE`` on SQLite, and ``COPY`` into a
staging table followed by ``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL. Into an empty
PostgreSQL table a large load is ``COPY``-ed straight in with its unique key lifted
(:func:`copy_rows`), and the key is put back at the end (:func:`restore_unique`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import chain
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Table, text
from sqlalchemy.exc import IntegrityError

from service.store.copy_binary import SIGNATURE, TRAILER, binary_rows, supports

# SQLAlchemy's own storage format for DateTime on SQLite: rows written here must read back
# through the ORM exactly like rows the ORM wrote itself.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

#: Values bound per SQLite ``INSERT`` statement at most.
_SQLITE_VALUES = 900


def datetime_param(connection: Connection, value: datetime) -> Any:
    """``value`` as the driver-level parameter :func:`insert_ignore` expects."""
    return driver_datetime(connection.dialect.name, value)


def driver_datetime(dialect: str, value: datetime) -> Any:
    """``value`` as the driver-level parameter for a store of SQLAlchemy ``dialect``."""
    if dialect == "sqlite":
        return value.strftime(SQLITE_DATETIME_FORMAT)
    return value


def insert_ignore(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` into ``table``, skipping any that violate a unique constraint.

    Args:
        connection: An open connection inside the caller's transaction.
        table: The target table.
        columns: The column names, in the order of each row's values.
        rows: Driver-level values (see :func:`datetime_param`); an iterator is consumed once
            (on SQLite its values are held as one list while they are inserted: pass a block
            at a time).

    Returns:
        How many rows were inserted.
    """
    if isinstance(rows, Sequence) and not rows:
        return 0
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        return _copy_then_insert(connection, table.name, names, rows)
    return _sqlite_insert(connection, table, columns, list(chain.from_iterable(rows)))


def insert_ignore_columns(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Sequence[Any] | pa.Array],
) -> int:
    """:func:`insert_ignore` with the values given column by column (of equal length).

    A column is a list of driver-level values or an Arrow array (see :func:`python_values`).
    On SQLite the columns are interleaved by slice assignment, without a tuple per row.
    """
    lists = [python_values(column) for column in values]
    rows = len(lists[0]) if lists else 0
    for name, column in zip(columns, lists, strict=True):
        if len(column) != rows:
            raise ValueError(f"column {name!r} has {len(column)} values, not {rows}")
    if connection.dialect.name == "postgresql":
        return insert_ignore(connection, table, columns, zip(*lists, strict=True))
    width = len(columns)
    flat: list[Any] = [None] * (rows * width)
    for position, column in enumerate(lists):
        flat[position::width] = column
    return _sqlite_insert(connection, table, columns, flat)


def _python_numbers(column: pa.Array) -> bool:
    """Whether numpy's ``tolist()`` gives ``column``'s Python values (numbers, no nulls)."""
    kind = column.type
    return column.null_count == 0 and bool(pa.types.is_integer(kind) or pa.types.is_floating(kind))


def repeated(value: Any, rows: int) -> pa.DictionaryArray:
    """``value`` on each of ``rows`` rows, as a dictionary array (one value, one index a row)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int32)), pa.array([value]))


def python_values(column: Sequence[Any] | pa.Array) -> list[Any]:
    """A column's values as a list of Python values (nulls as ``None``).

    Strings and times are made once per distinct value (a dictionary array's as they are): a
    column of a few event types or timestamps repeated over 100,000 rows costs a lookup per
    row, not a new object.
    """
    if not isinstance(column, pa.Array):
        return list(column)
    if isinstance(column, pa.DictionaryArray):
        if column.null_count == 0 and _python_numbers(column.dictionary):
            numbers = column.dictionary.to_numpy()
            return numbers[column.indices.to_numpy()].tolist()  # type: ignore[no-any-return]
        distinct = np.empty(len(column.dictionary) + 1, dtype=object)
        distinct[:-1] = column.dictionary.to_pylist()  # the last one stands for null
        positions = column.indices.fill_null(len(column.dictionary)).to_numpy()
        return distinct[positions].tolist()  # type: ignore[no-any-return]
    kind = column.type
    if _python_numbers(column):
        return column.to_numpy().tolist()  # type: ignore[no-any-return]
    if pa.types.is_string(kind) or pa.types.is_timestamp(kind):
        return python_values(pc.dictionary_encode(column))
    if pa.types.is_fixed_size_binary(kind) and column.null_count == 0:
        # cut from the data buffer: to_pylist() costs 370 ns a value here, this 50
        width = kind.byte_width
        start = column.offset * width
        data = column.buffers()[1].to_pybytes()[start : start + len(column) * width]
        return [value for (value,) in struct.iter_unpack(f"{width}s", data)]
    return column.to_pylist()  # type: ignore[no-any-return]


def _sqlite_insert(
    connection: Connection, table: Table, columns: Sequence[str], flat: list[Any]
) -> int:
    """``INSERT OR IGNORE`` rows given as one flat list of values, row after row."""
    raw = connection.connection.driver_connection
    assert raw is not None
    width = len(columns)
    one = f"({', '.join('?' * width)})"
    insert = f"INSERT OR IGNORE INTO {table.name} ({', '.join(columns)}) VALUES "
    # Many rows per statement: executing a statement costs more than binding its values, and
    # 900 values stay under every SQLite build's limit on parameters (999 before 3.32).
    per_statement = max(1, _SQLITE_VALUES // width)
    step = width * per_statement
    whole = len(flat) // step * step
    cursor = raw.cursor()
    try:
        written = 0
        if whole:
            cursor.executemany(
                insert + ", ".join([one] * per_statement),
                [flat[i : i + step] for i in range(0, whole, step)],
            )
            written += max(0, int(cursor.rowcount))
        if whole < len(flat):
            cursor.executemany(
                insert + one, [flat[i : i + width] for i in range(whole, len(flat), width)]
            )
            written += max(0, int(cursor.rowcount))
        return written
    finally:
        cursor.close()


def _copy_then_insert(
    connection: Connection, table: str, names: str, rows: Iterable[Sequence[Any]]
) -> int:
    stage = f"_stage_{table}"
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        # The staging table lives as long as the transaction, so a failed run leaves nothing.
        # Same column types, no constraints (CREATE TABLE AS copies neither NOT NULL nor keys).
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"
        )
        types = _binary_types(cursor, table, names)
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN{_format(types)}") as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} ON CONFLICT DO NOTHING"
        )
        return int(cursor.rowcount)


def copy_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """``COPY`` ``rows`` straight into a PostgreSQL ``table`` (no conflict checks).

    Only for a table whose unique keys are lifted for the load (:func:`unique_constraint`,
    :func:`restore_unique`): a duplicate would otherwise fail the whole copy.

    Returns:
        How many rows were copied.
    """
    raw = connection.connection.driver_connection
    assert raw is not None
    copied = 0
    names = ", ".join(columns)
    with raw.cursor() as cursor:
        types = _binary_types(cursor, table.name, names)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN{_format(types)}") as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
                copied += 1
    return copied


def copy_columns(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Sequence[Any] | pa.Array],
) -> int:
    """:func:`copy_rows` with the values given column by column (lists or Arrow arrays).

    When every column has a binary form :mod:`service.store.copy_binary` makes, the rows go in
    one binary ``COPY`` made by Arrow, without a Python call per row.

    Returns:
        How many rows were copied.
    """
    raw = connection.connection.driver_connection
    assert raw is not None
    names = ", ".join(columns)
    with raw.cursor() as cursor:
        types = _binary_types(cursor, table.name, names)
    if types is None or not supports(types):
        lists = [python_values(column) for column in values]
        return copy_rows(connection, table, columns, zip(*lists, strict=True))
    rows = binary_rows(types, values)
    statement = f"COPY {table.name} ({names}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(SIGNATURE + rows + TRAILER)
    return len(values[0]) if values else 0


# PostgreSQL types whose binary form psycopg writes from the plain Python values given here
# (bool, bytea, int2/4/8, text, float4/8, bpchar, varchar, date, timestamp). Binary COPY costs
# a third of the text form per row on both sides (no escaping, no parsing); a column of any
# other type (JSON given as text, say) keeps the whole copy in text form.
_BINARY_SAFE = frozenset({16, 17, 20, 21, 23, 25, 700, 701, 1042, 1043, 1082, 1114})


def _binary_types(cursor: Any, table: str, names: str) -> list[int] | None:
    """The type OIDs of ``table``'s columns ``names`` when all have a safe binary form."""
    columns = [name.strip() for name in names.split(",")]
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = CAST(%s AS regclass) AND attname = ANY(%s)",
        (table, columns),
    )
    oids = dict(cursor.fetchall())
    types = [int(oids[c]) for c in columns if c in oids]
    if len(types) != len(columns) or not set(types) <= _BINARY_SAFE:
        return None
    return types


def _format(types: list[int] | None) -> str:
    return " (FORMAT BINARY)" if types else ""


def unique_constraint(connection: Connection, table: str, column: str) -> str | None:
    """The name of PostgreSQL's unique constraint on ``table.column``, if there is one."""
    found = connection.execute(
        text(
            "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.conrelid = CAST(:table AS regclass) AND c.contype = 'u' "
            "AND a.attname = :column AND array_length(c.conkey, 1) = 1"
        ),
        {"table": table, "column": column},
    ).scalar()
    return str(found) if found is not None else None


def foreign_keys(connection: Connection, table: str) -> dict[str, str]:
    """PostgreSQL's foreign-key constraints of ``table``: name → definition (as
    ``pg_get_constraintdef`` writes it, ready for ``ADD CONSTRAINT``).
    """
    rows = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname"
        ),
        {"table": table},
    )
    return {str(name): str(definition) for name, definition in rows}


def restore_unique(connection: Connection, table: str, column: str, name: str) -> int:
    """Put PostgreSQL's unique constraint ``name`` back on ``table.column``.

    Rows the load copied twice (a client's event re-sent within one file) are removed first,
    keeping the earliest (lowest ``id``); that is tried only when adding the constraint fails.

    Returns:
        How many duplicate rows were removed.
    """
    add = text(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE ({column})")
    try:
        with connection.begin_nested():
            connection.execute(add)
        return 0
    except IntegrityError:
        removed = connection.execute(
            text(
                f"DELETE FROM {table} a USING {table} b "
                f"WHERE a.{column} = b.{column} AND a.id > b.id"
            )
        ).rowcount
        connection.execute(add)
        return int(removed)
