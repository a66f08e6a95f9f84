"""Ingesting a table of interactions (purchases, views, carts, returns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from service.ingest.background import BackgroundWriter
from service.ingest.catalogue import EventColumns
from service.ingest.events import Columns, EventBuilder
from service.ingest.reading import ColumnChunk, TableReader
from service.ingest.report import BadRow
from service.ingest.run import IngestContext


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

    Chunks are parsed and checked on this thread while the previous chunk is written on a
    background thread. Large loads defer the events' secondary index to the end.

    Args:
        context: The run.
        path: A CSV or Parquet file.
        feed: Which columns mean what.
        normalise_article: Turns a raw article id into the catalogue's form (e.g. zero-padding).
    """
    reader = TableReader(
        path,
        (feed.customer, feed.article),
        lambda bad: context.bad_row(bad, "events"),
        context.options.chunk_rows,
    )
    columns = feed.columns(reader.columns)
    writer = context.writer
    builder = EventBuilder(
        writer.article_ids,
        feed.source,
        writer.timestamp,
        default_time=datetime.now().replace(microsecond=0),
        normalise_article=normalise_article,
    )
    writer.customer_ids  # noqa: B018  # load the map here, not on the writer thread
    name = str(path)
    with (
        writer.bulk_events(expected_rows=_expected_rows(reader)),
        context.progress.task(f"events in {path.name}", reader.size) as task,
        BackgroundWriter[list[tuple[Any, ...]] | EventColumns](writer.write_events) as background,
    ):
        for block in reader.blocks():
            built: tuple[list[tuple[Any, ...]] | EventColumns, list[tuple[int, str]]] | None
            built = None
            if isinstance(block, ColumnChunk):
                built = builder.build_columns(block.table, columns)
            if built is None:  # a bad row, or what only the row loop covers
                chunk = block.rows() if isinstance(block, ColumnChunk) else block
                built = builder.build(chunk.rows, chunk.lines, columns)
            good, bad = built
            for line, problem in bad:
                context.bad_row(BadRow(name, line, problem), "events")
            background.submit(good)
            task.update(block.position)


def _expected_rows(reader: TableReader) -> int:
    """Rows a file will give, estimated from its size for CSV (H&M rows are ~110 bytes)."""
    return reader.size if reader.is_parquet else reader.size // 110
