"""Ingesting a table of interactions (purchases, views, carts, returns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from service.ingest.background import BackgroundWriter
from service.ingest.building import BlockBuilderProcess, BuildSpec, BuiltBlock, Events, built_blocks
from service.ingest.events import Columns
from service.ingest.reading import TableReader
from service.ingest.run import IngestContext

#: Files of this many rows or more (estimated) are built in a helper process: starting one
#: costs about a second, which a file this size repays several times over.
HELPER_MIN_ROWS = 1_000_000


@dataclass(frozen=True)
class InteractionFeed:
    """Which columns of an interactions table mean what (``None``: no such column)."""

    source: str
    customer: str
    article: str
    timestamp: str | None = None
    event_type: str | None = None
    quantity: str | None = None
    price: str | None = None
    channel: str | None = None
    event_id: str | None = None

    def columns(self, header: tuple[str, ...]) -> Columns:
        """Positions of the feed's fields in ``header`` (``None`` for absent columns)."""
        index = {name: i for i, name in enumerate(header)}

        def at(name: str | None) -> int | None:
            return index.get(name) if name is not None else None

        return (
            index[self.customer],
            index[self.article],
            at(self.timestamp),
            at(self.event_type),
            at(self.quantity),
            at(self.price),
            at(self.channel),
            at(self.event_id),
        )

    def named(self, source: str) -> InteractionFeed:
        """The same columns for a feed called ``source``."""
        return replace(self, source=source)


def ingest_interactions(
    context: IngestContext,
    path: Path,
    feed: InteractionFeed,
    normalise_article: Callable[[str], str] | None = None,
) -> None:
    """Stream ``path`` into events, chunk by chunk, skipping rows already stored.

    A large file is read and built in a helper process while this one stores
    (:mod:`service.ingest.building`); a small one is built on this thread while the previous
    chunk is written on a background thread. Large loads defer the events' secondary index to
    the end.

    Args:
        context: The run.
        path: A CSV or Parquet file.
        feed: Which columns mean what.
        normalise_article: Turns a raw article id into the catalogue's form (e.g. zero-padding);
            a module-level function, so that a helper process can use it.
    """
    required = (feed.customer, feed.article)
    reader = TableReader(path, required, lambda bad: context.bad_row(bad, "events"))
    writer = context.writer
    spec = BuildSpec(
        path,
        required,
        context.options.chunk_rows,
        feed.columns(reader.columns),
        writer.article_ids,
        feed.source,
        writer.connection.dialect.name,
        default_time=datetime.now().replace(microsecond=0),
        normalise_article=normalise_article,
    )
    writer.customer_ids  # noqa: B018  # load the map here, not on the writer thread
    expected = _expected_rows(reader)
    helper = context.options.helper_process
    if helper is None:
        helper = expected >= HELPER_MIN_ROWS
    with (
        writer.bulk_events(expected_rows=expected),
        context.progress.task(f"events in {path.name}", reader.size) as task,
    ):
        if helper:
            with BlockBuilderProcess(spec) as blocks:
                for block in blocks:
                    _report(context, block)
                    if len(block.events):  # empty while an unordered file is put in order
                        writer.write_events(block.events)
                    task.update(block.position)
            return
        with BackgroundWriter[Events](writer.write_events) as background:
            for block in built_blocks(spec):
                _report(context, block)
                if len(block.events):
                    background.submit(block.events)
                task.update(block.position)


def _report(context: IngestContext, block: BuiltBlock) -> None:
    for bad in block.bad:
        context.bad_row(bad, "events")


def _expected_rows(reader: TableReader) -> int:
    """Rows a file will give, estimated from its size for CSV (H&M rows are ~110 bytes)."""
    return reader.size if reader.is_parquet else reader.size // 110
