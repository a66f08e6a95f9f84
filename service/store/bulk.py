"""Fast bulk inserts that skip rows already present, on SQLite and PostgreSQL.

The ORM is the right tool for a handful of rows; ingesting millions of events needs the
driver's own bulk path: ``executemany`` of ``INSERT OR IGNORE`` on SQLite, and ``COPY`` into a
staging table followed by ``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table

# SQLAlchemy's own storage format for DateTime on SQLite: rows written here must read back
# through the ORM exactly like rows the ORM wrote itself.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def datetime_param(connection: Connection, value: datetime) -> Any:
    """``value`` as the driver-level parameter :func:`insert_ignore` expects."""
    if connection.dialect.name == "sqlite":
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
        rows: Driver-level values (see :func:`datetime_param`); an iterator is consumed once,
            without being held in memory as a list.

    Returns:
        How many rows were inserted.
    """
    if isinstance(rows, Sequence) and not rows:
        return 0
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        return _copy_then_insert(connection, table.name, names, rows)
    marks = ", ".join("?" * len(columns))
    raw = connection.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT OR IGNORE INTO {table.name} ({names}) VALUES ({marks})", rows)
        return max(0, int(cursor.rowcount))
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
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} ON CONFLICT DO NOTHING"
        )
        return int(cursor.rowcount)
