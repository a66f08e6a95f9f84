"""Reading and building a large events file in a helper process, while this one stores.

Building a block (parsing, checking, keying) and storing it are both Python work that holds the
GIL for most of each row (SQLite binds every parameter under it; ``COPY`` formats every row under
it), so on threads they take turns rather than overlapping: a large load ran at about one core
(bench/ingest.py). A helper process reads and builds the blocks in order and hands each one over
a bounded queue; this process only stores them, so the two use both cores.

The helper holds no database connection: it gets the catalogue's article ids and the driver's
timestamp form up front, and returns each block's events and bad rows. Memory stays bounded:
at most :data:`QUEUE_DEPTH` blocks wait between the two.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import chain, islice
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pyarrow as pa

from service.ingest.catalogue import EventColumns
from service.ingest.dayorder import DayOrder, DaySorter
from service.ingest.events import Columns, EventBuilder
from service.ingest.reading import ColumnChunk, RowChunk, TableReader, Value
from service.ingest.report import BadRow
from service.store.bulk import driver_datetime

#: Built blocks that may wait for the store; each is one chunk of rows.
QUEUE_DEPTH = 3

#: Seconds to wait for the helper's next block before checking that it is still alive.
_POLL_S = 1.0

Events = list[tuple[Any, ...]] | EventColumns


@dataclass(frozen=True)
class BuildSpec:
    """Everything the helper needs to read and build one file (picklable).

    Attributes:
        path: The file.
        required: Columns the file must have.
        chunk_rows: Rows per block.
        columns: Positions of the feed's fields (see :class:`~service.ingest.events.Columns`).
        articles: External article id → surrogate key.
        source: The feed's name.
        dialect: The store's SQLAlchemy dialect name (the timestamps' driver form).
        default_time: The time of rows without a timestamp.
        normalise_article: A module-level function turning raw article ids into the
            catalogue's form, or ``None``.
    """

    path: Path
    required: tuple[str, ...]
    chunk_rows: int
    columns: Columns
    articles: dict[str, int]
    source: str
    dialect: str
    default_time: datetime
    normalise_article: Callable[[str], str] | None = None


@dataclass(frozen=True)
class BuiltBlock:
    """One block's events, its bad rows (in file order) and how far into the file it ends."""

    events: Events
    bad: list[BadRow]
    position: int


def build_block(
    builder: EventBuilder, block: RowChunk | ColumnChunk, columns: Columns
) -> tuple[Events, list[tuple[int, str]]]:
    """A block's events and ``(line, problem)`` of its bad rows: by columns where it can."""
    built = builder.build_columns(block.table, columns) if isinstance(block, ColumnChunk) else None
    if built is None:  # a bad row, or what only the row loop covers
        chunk = block.rows() if isinstance(block, ColumnChunk) else block
        return builder.build(chunk.rows, chunk.lines, columns)
    return built


def built_blocks(spec: BuildSpec, scratch: Path | None = None) -> Iterator[BuiltBlock]:
    """The file's blocks, read and built in order (what the helper runs; also usable inline).

    A file whose days go back is put in day order first (:mod:`service.ingest.dayorder`), in a
    temporary folder inside ``scratch`` (the system's by default): the blocks before the one that
    went back were stored as they came; the rest give empty blocks while they are sorted, then
    their events day by day.
    """
    reader_bad: list[BadRow] = []
    reader = TableReader(spec.path, spec.required, reader_bad.append, spec.chunk_rows)
    builder = _builder(spec)
    order = DayOrder()
    name = str(spec.path)
    blocks = reader.blocks()
    done = 0
    for index, block in enumerate(blocks):
        days = builder.days(_values(block), spec.columns)
        if not order.admits(days):
            rest = chain([block], blocks)
            progress = _Progress(done, reader.size)
            yield from _in_day_order(
                spec, builder, rest, index, reader_bad, reader, progress, scratch
            )
            return
        events, bad = build_block(builder, block, spec.columns)
        found = [*reader_bad, *(BadRow(name, line, problem) for line, problem in bad)]
        reader_bad.clear()
        yield BuiltBlock(events, found, block.position)
        done = block.position


def _in_day_order(
    spec: BuildSpec,
    builder: EventBuilder,
    rest: Iterator[RowChunk | ColumnChunk],
    stored_blocks: int,
    reader_bad: list[BadRow],
    reader: TableReader,
    progress: _Progress,
    scratch: Path | None,
) -> Iterator[BuiltBlock]:
    """The events of ``rest``, the file's blocks from the first that goes back, in day order.

    The first ``stored_blocks`` blocks were stored already; their rows of the days ``rest``
    holds are read again, to count identical rows, but not stored again.
    """
    name = str(spec.path)
    with DaySorter(reader.columns, spec.chunk_rows, reader.size, scratch) as sorter:
        for block in rest:
            sorter.add(block, builder.days(_values(block), spec.columns))
            yield BuiltBlock([], list(reader_bad), progress.sorting(block.position))
            reader_bad.clear()
        again = TableReader(spec.path, spec.required, lambda bad: None, spec.chunk_rows)
        for block in islice(again.blocks(), stored_blocks):
            sorter.add(block, builder.days(_values(block), spec.columns), new=False)
        in_order = _builder(spec)
        stored = 0
        for chunk in sorter.chunks():
            events, bad = build_block(in_order, chunk.block, spec.columns)
            if chunk.new:
                found = [BadRow(name, line, problem) for line, problem in bad]
                stored += chunk.block.table.num_rows
                yield BuiltBlock(events, found, progress.storing(stored / sorter.new_rows))


@dataclass(frozen=True)
class _Progress:
    """Positions for the progress bar while the rest of a file, from ``start``, is put in order:
    the bar moves through the rest as its rows are sorted, then as they are built and stored.
    """

    start: int
    size: int
    #: The share of the time sorting takes (the rest is building and storing the rows in day
    #: order): about a quarter on the shuffled 3M-row world of bench/ingest.py --shuffled.
    sorting_share: float = 0.25

    def sorting(self, position: int) -> int:
        """The bar's position once the rest is read up to ``position``."""
        read = (position - self.start) / max(self.size - self.start, 1)
        return self.start + int((self.size - self.start) * self.sorting_share * read)

    def storing(self, fraction: float) -> int:
        """The bar's position once ``fraction`` of the rest's rows are given back in order."""
        share = self.sorting_share + (1 - self.sorting_share) * min(fraction, 1.0)
        return self.start + int((self.size - self.start) * share)


def _builder(spec: BuildSpec) -> EventBuilder:
    return EventBuilder(
        spec.articles,
        spec.source,
        partial(driver_datetime, spec.dialect),
        default_time=spec.default_time,
        normalise_article=spec.normalise_article,
    )


def _values(block: RowChunk | ColumnChunk) -> pa.Table | list[list[Value]]:
    return block.table if isinstance(block, ColumnChunk) else block.rows


def _helper(spec: BuildSpec, out: Any, scratch: Path) -> None:
    """The helper process: every block, then ``None``; or the error that stopped it."""
    try:
        for block in built_blocks(spec, scratch):
            out.put(block)
        out.put(None)
    except BaseException as exc:  # handed to the storing process, which raises it
        out.put(_HelperError(exc))


class _HelperError:
    """An exception raised in the helper, in a form that always crosses the process boundary."""

    def __init__(self, exc: BaseException) -> None:
        self.text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        self.exc: BaseException | None = exc
        try:
            pickle.dumps(exc)
        except Exception:  # an exception that cannot be pickled travels as text
            self.exc = None

    def error(self) -> BaseException:
        return self.exc if self.exc is not None else RuntimeError(self.text)


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start spawned processes without them importing this process's ``__main__`` script.

    A spawned child runs the parent's main script (without its ``if __name__ == "__main__"``
    part) to find what it unpickles. For ``atelier``, that is the whole command line with torch
    and LightGBM: 263 MB of the helper's 606 MB at full size, for nothing the helper uses.
    Process.start() reads ``sys.modules["__main__"]`` once, synchronously, so a blank module
    stands in for it meanwhile.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class BlockBuilderProcess:
    """Builds a file's blocks in a helper process; iterate over it for :class:`BuiltBlock`.

    Use it as a context manager: leaving the block stops the helper, whether or not every block
    was taken (a strict run that stops at a bad row, an error while storing).

    Raises:
        BaseException: Whatever stopped the helper (raised while iterating).
    """

    def __init__(self, spec: BuildSpec) -> None:
        self._spec = spec
        context = multiprocessing.get_context("spawn")  # no fork of a process holding a store
        self._queue: Any = context.Queue(maxsize=QUEUE_DEPTH)
        self._scratch = tempfile.TemporaryDirectory(prefix="atelier-build-")
        self._process = context.Process(
            target=_helper,
            args=(spec, self._queue, Path(self._scratch.name)),
            name="atelier-build",
            daemon=True,
        )

    def __enter__(self) -> BlockBuilderProcess:
        normaliser = self._spec.normalise_article
        if getattr(normaliser, "__module__", None) == "__main__":
            self._process.start()  # the helper needs the script's own function
        else:
            with _main_module_hidden():
                self._process.start()
        return self

    def __iter__(self) -> Iterator[BuiltBlock]:
        while True:
            try:
                item = self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(
                        f"the ingestion helper process stopped (exit code "
                        f"{self._process.exitcode}) before it finished the file"
                    ) from None
                continue
            if item is None:
                return
            if isinstance(item, _HelperError):
                raise item.error()
            yield item

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._scratch.cleanup()  # what a helper stopped while sorting a file left behind
        self._queue.close()
        self._queue.cancel_join_thread()
