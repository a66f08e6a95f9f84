"""A SQLite query's result streamed as Arrow IPC on standard output: run as a process of its own.

``python -m service.store.sqlite_reader DATABASE BATCH_ROWS`` reads the SQL from standard
input, runs it through the Apache Arrow ADBC SQLite driver and writes record batches of
``BATCH_ROWS`` rows to standard output (``service.store.columnar`` reads them back). An
error is one line on standard error and exit status 1.

Why a process: the ADBC driver carries a SQLite library of its own, and two SQLite libraries in
one process corrupt a database in WAL mode that both have open. POSIX locks do not conflict
within a process, so a connection of one library cannot see the other's and takes itself for
the only one: opening, it truncates the shared-memory index the other has mapped (the process
dies of SIGBUS, as ``atelier demo`` once did when the graph build's reads overlapped the
store's own connections); closing, it checkpoints and deletes the log under the other. See
https://www.sqlite.org/howtocorrupt.html, "multiple copies of SQLite linked into the same
application". In a process of its own the driver's locks are another process's, which SQLite
is built to share a database with.
"""

from __future__ import annotations

import sys

#: How long a read waits for a lock another connection holds.
BUSY_TIMEOUT_MS = 30_000


def main(argv: list[str]) -> int:
    """Run the SQL on standard input against the database named in ``argv``."""
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa

    database, batch_rows = argv
    sql = sys.stdin.read()
    try:
        with adbc.connect(database) as connection, connection.cursor() as cursor:
            # wait for a lock, as the store's own connections do, rather than fail
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.fetchall()
            # the driver infers each column's type from the first batch, and batches of the
            # default 1,024 rows cost a round of Python per batch
            options = {"adbc.sqlite.query.batch_rows": batch_rows}
            cursor.adbc_statement.set_options(**options)
            cursor.execute(sql)
            reader = cursor.fetch_record_batch()
            with pa.ipc.new_stream(sys.stdout.buffer, reader.schema) as stream:
                for batch in reader:
                    stream.write_batch(batch)
    except BrokenPipeError:  # the reader stopped reading: nothing is wanted any more
        return 0
    except Exception as exc:  # told to the parent, which raises it
        print(f"{type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
