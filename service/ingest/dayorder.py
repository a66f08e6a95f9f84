"""Putting an events file in day order on disk, in bounded memory.

Rows without an id are told apart by their content and their ordinal among identical rows of
the same day (:mod:`service.ingest.keys`), and the counts behind those ordinals are kept for one
day at a time. That needs the file's rows in day order, as every feed we know writes them. A
file that is not (a shuffled export, files joined in the wrong order, a late correction
appended) is put in order here: its rows, as string columns with their line numbers, are
written to sorted runs in a temporary folder (Arrow IPC, one record batch per day and run),
then read back day by day, each day's rows in file order.

Identical rows are indistinguishable, so counting them in day order gives the ordinals, and
the keys, that counting them in any other order would: an unordered file gets the keys the
same file sorted by day gets, and reading it again stores nothing new.

Memory stays bounded by :data:`RUN_ROWS` while writing and by one day's rows while reading
back; the folder holds about 1.25 times the file's bytes (``TMPDIR`` chooses where).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from service.ingest.reading import ColumnChunk, RowChunk

#: Rows held in memory before they are sorted and written as one run.
RUN_ROWS = 500_000

_LINE, _DAY = "__line", "__day"


class DayOrder:
    """Whether the blocks of a file come in day order, given each block's day numbers.

    Day numbers are :meth:`~service.ingest.events.EventBuilder.days`. Only dated rows (day
    numbers above 0) have an order to keep: rows without a timestamp (0) are counted apart,
    and rows whose timestamp is bad (-1) will be reported, not counted.
    """

    def __init__(self) -> None:
        self._last: int | None = None

    def admits(self, days: np.ndarray) -> bool:
        """Whether a block with these days may follow the blocks admitted so far (it then has)."""
        dated = days[days > 0]
        if len(dated) == 0:
            return True
        if bool(np.any(dated[1:] < dated[:-1])):
            return False
        if self._last is not None and int(dated[0]) < self._last:
            return False
        self._last = int(dated[-1])
        return True


@dataclass(frozen=True)
class _Run:
    """One sorted run on disk: which days it holds, each in its own record batch."""

    path: Path
    days: dict[int, int]  # day number -> record batch index


@dataclass(frozen=True)
class DayChunk:
    """A block of rows in day order and whether they are still to be stored."""

    block: ColumnChunk
    new: bool


class DaySorter:
    """Collects a file's rows and gives them back in day order (see the module docstring).

    Rows are added as *new* (to be stored) or *seen* (already stored by this run before the
    file turned out to be unordered: they are given back before the new rows of their day so
    that they count for the ordinals, but they are not stored again). Use it as a context
    manager: the temporary folder is removed on leaving.

    Args:
        columns: The file's header.
        chunk_rows: The most rows of a block given back.
        position: The position every block given back reports (the end of the file).
        scratch: Where to make the temporary folder (``None``: the system's temporary folder).
    """

    def __init__(
        self,
        columns: tuple[str, ...],
        chunk_rows: int,
        position: int,
        scratch: Path | None = None,
    ) -> None:
        self._columns = columns
        self._chunk_rows = chunk_rows
        self._position = position
        self._scratch = scratch
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._runs: dict[bool, list[_Run]] = {True: [], False: []}
        self._pending: dict[bool, list[pa.Table]] = {True: [], False: []}
        self._pending_rows = {True: 0, False: 0}
        self._new_days: set[int] = set()
        self._new_rows = 0

    def __enter__(self) -> DaySorter:
        self._folder = tempfile.TemporaryDirectory(prefix="atelier-dayorder-", dir=self._scratch)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    @property
    def new_rows(self) -> int:
        """How many new rows were added."""
        return self._new_rows

    def add(self, block: ColumnChunk | RowChunk, days: np.ndarray, new: bool = True) -> None:
        """Add a block's rows with their day numbers.

        Seen rows are added after every new row: those of days without new rows are dropped
        (nothing needs them).
        """
        table, lines = _as_table(block, self._columns)
        if new:
            self._new_days.update(np.unique(days).tolist())
            self._new_rows += len(days)
        else:
            keep = np.isin(days, np.fromiter(self._new_days, np.int64)) & (days >= 0)
            if not keep.all():
                table, lines, days = table.filter(keep), lines[keep], days[keep]
        if table.num_rows == 0:
            return
        table = table.append_column(_LINE, pa.array(lines, pa.int64()))
        table = table.append_column(_DAY, pa.array(days, pa.int64()))
        self._pending[new].append(table)
        self._pending_rows[new] += table.num_rows
        if self._pending_rows[new] >= RUN_ROWS:
            self._write_run(new)

    def chunks(self) -> Iterator[DayChunk]:
        """The rows of every day that has new rows, in day order: each day's seen rows, then its
        new rows, each in file order. New rows of successive days share blocks of up to
        ``chunk_rows`` rows (a block per day would cost a block's overhead for a few rows);
        seen rows come in blocks of their own.
        """
        for new in (False, True):
            self._write_run(new)
        pending: pa.Table | None = None
        for day in sorted(self._new_days):
            seen = self._batches(day, new=False)
            if seen:
                if pending is not None:
                    yield from self._blocks(pending, new=True)
                    pending = None
                yield from self._blocks(pa.Table.from_batches(seen), new=False)
            table = pa.Table.from_batches(self._batches(day, new=True))
            pending = table if pending is None else pa.concat_tables([pending, table])
            full = pending.num_rows - pending.num_rows % self._chunk_rows
            if full:
                yield from self._blocks(pending.slice(0, full), new=True)
                pending = pending.slice(full)
        if pending is not None and pending.num_rows:
            yield from self._blocks(pending, new=True)

    def _batches(self, day: int, new: bool) -> list[pa.RecordBatch]:
        """The rows of ``day`` in each run of new (or seen) rows, in the order of the runs."""
        batches = []
        for run in self._runs[new]:
            if day in run.days:
                # read, not memory-mapped: mapped pages would stay resident (and in the RSS)
                # for the whole file, and one file open at a time however many runs there are
                with pa.OSFile(str(run.path)) as file:
                    batches.append(ipc.open_file(file).get_batch(run.days[day]))
        return batches

    def _blocks(self, table: pa.Table, new: bool) -> Iterator[DayChunk]:
        for start in range(0, table.num_rows, self._chunk_rows):
            part = table.slice(start, self._chunk_rows)
            lines = part.column(_LINE).to_numpy().tolist()
            block = ColumnChunk(
                self._columns,
                part.select(range(len(self._columns))).combine_chunks(),
                lines[0],
                self._position,
                lines,
            )
            yield DayChunk(block, new)

    def _write_run(self, new: bool) -> None:
        tables = self._pending[new]
        if not tables:
            return
        assert self._folder is not None, "use DaySorter as a context manager"
        table = pa.concat_tables(tables)
        table = table.take(pc.sort_indices(table, [(_DAY, "ascending"), (_LINE, "ascending")]))
        days = table.column(_DAY).to_numpy()
        starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
        path = Path(self._folder.name) / f"run-{len(self._runs[True]) + len(self._runs[False])}"
        index: dict[int, int] = {}
        with ipc.new_file(str(path), table.schema) as writer:
            for i, (start, stop) in enumerate(zip(starts, [*starts[1:], len(days)], strict=True)):
                writer.write_batch(
                    table.slice(start, stop - start).combine_chunks().to_batches()[0]
                )
                index[int(days[start])] = i
        self._runs[new].append(_Run(path, index))
        self._pending[new], self._pending_rows[new] = [], 0


def _as_table(
    block: ColumnChunk | RowChunk, columns: tuple[str, ...]
) -> tuple[pa.Table, np.ndarray]:
    """A block's rows as string columns, and each row's line."""
    if isinstance(block, ColumnChunk):
        if block.lines is not None:
            lines = np.asarray(block.lines, np.int64)
        else:
            lines = np.arange(block.first_line, block.first_line + block.table.num_rows)
        return block.table, lines
    values = list(zip(*block.rows, strict=True)) if block.rows else [() for _ in columns]
    table = pa.table(
        {name: pa.array(list(v), pa.string()) for name, v in zip(columns, values, strict=True)}
    )
    return table, np.asarray(block.lines, np.int64)
