"""One ingestion run: a single transaction, strict or forgiving about bad rows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert

from service.errors import StrictModeError
from service.ingest.catalogue import CatalogueWriter
from service.ingest.progress import Progress, SilentProgress
from service.ingest.reading import DEFAULT_CHUNK_ROWS
from service.ingest.report import BadRow, IngestReport
from service.store.migrate import upgrade
from service.store.models import IngestRun


@dataclass(frozen=True)
class IngestOptions:
    """How an ingestion run treats its input."""

    strict: bool = False
    """Fail on the first bad row (storing nothing) instead of skipping and counting it."""
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    """Rows read and written per chunk; memory grows with it, not with the file."""
    helper_process: bool | None = None
    """Build events files in a helper process while this one stores them (``None``: only
    files large enough to repay starting one; see :mod:`service.ingest.building`)."""


@dataclass
class IngestContext:
    """What an ingestion step needs: the writer, the report, the options and a progress bar."""

    writer: CatalogueWriter
    report: IngestReport
    options: IngestOptions = field(default_factory=IngestOptions)
    progress: Progress = field(default_factory=SilentProgress)

    def bad_row(self, bad: BadRow, table: str) -> None:
        """Skip and count a bad row, or abort the run in strict mode.

        Raises:
            StrictModeError: In strict mode, always.
        """
        if self.options.strict:
            raise StrictModeError(f"{bad} (strict mode: the run was rolled back, nothing stored)")
        self.report.add_bad_row(bad, table)


Step = Callable[[IngestContext], None]


def run_ingest(
    engine: Engine,
    kind: str,
    inputs: dict[str, Any],
    step: Step,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Run ``step`` in one transaction and record the run.

    Every run is all or nothing: if it fails for any reason (a bad row in strict mode, a
    missing file, an interrupted process), the store is left exactly as it was.

    Args:
        engine: The catalogue store.
        kind: What is ingested (``hm``, ``myntra``, ``items``, ...), for the run's record.
        inputs: The run's inputs (paths, options), for the run's record.
        step: Reads the inputs and writes through the context's writer.
        options: Strictness and chunk size.
        progress: Where to show progress.

    Returns:
        The counts of what was read, written and skipped.
    """
    upgrade(engine)
    report = IngestReport(kind)
    started = datetime.now()
    clock = time.perf_counter()
    with engine.connect() as connection, _trusted_references(connection), connection.begin():
        if connection.dialect.name == "sqlite":
            # pysqlite opens a transaction only before INSERT/UPDATE/DELETE: the index a large
            # load drops first (CatalogueWriter.bulk_events) would be dropped for good, outside
            # the run, and a failed run would leave the store without it.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        context = IngestContext(
            writer=CatalogueWriter(connection, report),
            report=report,
            options=options or IngestOptions(),
            progress=progress or SilentProgress(),
        )
        step(context)
        report.seconds = time.perf_counter() - clock
        connection.execute(
            insert(IngestRun).values(
                kind=kind,
                inputs=inputs,
                summary=report.to_dict(),
                started_at=started,
                finished_at=datetime.now(),
            )
        )
    return report


@contextmanager
def _trusted_references(connection: Connection) -> Iterator[None]:
    """Switch SQLite's per-row foreign-key checks off for the run's connection.

    The writer takes every foreign key from id maps it read or wrote in the same transaction,
    so references are valid by construction; checking them again cost ~40% of the bulk insert
    time of events. SQLite only honours this pragma outside a transaction, hence a context
    around ``begin()``; the connection is restored before it returns to the pool.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end SQLAlchemy's autobegun transaction before the run's own
    try:
        yield
    finally:
        if sqlite:
            connection.rollback()  # a failed run's transaction is already gone; this is a no-op
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
