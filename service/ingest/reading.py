"""Streaming tabular files (CSV or Parquet) in chunks of rows, with their line numbers.

Readers never hold a whole file: memory stays flat however large the input is. Every row comes
with the number a person would use to find it (the physical line in a CSV file, counting the
header as line 1; the 1-based row in a Parquet file), so that a bad row can be reported
precisely. Rows that cannot even be split into fields (wrong field count, invalid UTF-8,
malformed quoting) are reported here; checking the values is the caller's job.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from service.errors import MissingFileError, SchemaError
from service.ingest.report import BadRow

#: Rows per chunk: large enough to amortise per-chunk work, small enough to bound memory.
DEFAULT_CHUNK_ROWS = 50_000

Value = str | None


@dataclass(frozen=True)
class RowChunk:
    """A run of consecutive rows of one file."""

    columns: tuple[str, ...]
    rows: list[list[Value]]
    lines: list[int]
    position: int
    """How far into the file this chunk ends, in the unit of :attr:`TableReader.size`."""


class TableReader:
    """Reads a CSV or Parquet file as :class:`RowChunk` objects.

    Args:
        path: The file to read (``.csv`` or ``.parquet``).
        required: Columns the file must have.
        on_bad_row: Called for every row that cannot be split into fields.
        chunk_rows: Rows per chunk.

    Raises:
        MissingFileError: ``path`` does not exist.
        SchemaError: The file cannot be opened as a table or lacks a required column.
    """

    def __init__(
        self,
        path: Path,
        required: tuple[str, ...],
        on_bad_row: Callable[[BadRow], None],
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
    ) -> None:
        if not path.is_file():
            raise MissingFileError(f"{path}: no such file")
        self.path = path
        self.on_bad_row = on_bad_row
        self.chunk_rows = chunk_rows
        self.is_parquet = path.suffix.lower() == ".parquet"
        self.columns = self._parquet_columns() if self.is_parquet else self._csv_columns()
        missing = [c for c in required if c not in self.columns]
        if missing:
            raise SchemaError(
                f"{path}: missing required column(s) {', '.join(missing)}; "
                f"found {', '.join(self.columns) or 'no columns'}"
            )

    @property
    def size(self) -> int:
        """Total work for a progress bar: bytes of a CSV file, rows of a Parquet file."""
        if self.is_parquet:
            return int(pq.ParquetFile(self.path).metadata.num_rows)
        return self.path.stat().st_size

    def chunks(self) -> Iterator[RowChunk]:
        """Yield the file's rows in order, chunk by chunk."""
        if self.is_parquet:
            yield from self._parquet_chunks()
        else:
            yield from self._csv_chunks()

    # -- CSV ------------------------------------------------------------------------------

    def _csv_columns(self) -> tuple[str, ...]:
        with self.path.open("rb") as raw:
            first = raw.readline()
        try:
            header = first.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SchemaError(f"{self.path}, line 1: header is not valid UTF-8 ({exc})") from exc
        fields = next(csv.reader([header]), [])
        columns = tuple(f.strip() for f in fields)
        if not columns or not any(columns):
            raise SchemaError(f"{self.path}: empty file or empty header line")
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise SchemaError(f"{self.path}, line 1: duplicate column(s) {', '.join(duplicated)}")
        return columns

    def _csv_chunks(self) -> Iterator[RowChunk]:
        bad_lines: dict[int, str] = {}
        width = len(self.columns)
        name = str(self.path)
        with self.path.open("rb") as raw:
            raw.readline()  # header, already read
            reader = csv.reader(_decoded_lines(raw, bad_lines, first_line=2))
            rows: list[list[Value]] = []
            lines: list[int] = []
            last = 1
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    line = reader.line_num + 1
                    self.on_bad_row(BadRow(name, line, f"malformed CSV: {exc}"))
                    last = reader.line_num + 1
                    continue
                first, last = last + 1, reader.line_num + 1
                if not record:
                    continue  # a blank line is not a row
                if bad_lines:
                    problem = next(
                        (bad_lines.pop(n) for n in range(first, last + 1) if n in bad_lines), None
                    )
                    if problem is not None:
                        self.on_bad_row(BadRow(name, first, problem))
                        continue
                if len(record) != width:
                    self.on_bad_row(
                        BadRow(name, first, f"expected {width} fields, found {len(record)}")
                    )
                    continue
                rows.append(record)  # type: ignore[arg-type]  # list[str] is a list[Value]
                lines.append(first)
                if len(rows) >= self.chunk_rows:
                    yield RowChunk(self.columns, rows, lines, raw.tell())
                    rows, lines = [], []
            yield RowChunk(self.columns, rows, lines, raw.tell())

    # -- Parquet --------------------------------------------------------------------------

    def _parquet_columns(self) -> tuple[str, ...]:
        try:
            schema = pq.read_schema(self.path)
        except (pa.ArrowException, OSError) as exc:
            raise SchemaError(f"{self.path}: not a readable Parquet file ({exc})") from exc
        return tuple(schema.names)

    def _parquet_chunks(self) -> Iterator[RowChunk]:
        done = 0
        try:
            batches = pq.ParquetFile(self.path).iter_batches(batch_size=self.chunk_rows)
            for batch in batches:
                columns = [_as_strings(batch.column(i)) for i in range(batch.num_columns)]
                rows = [list(values) for values in zip(*columns, strict=True)]
                lines = list(range(done + 1, done + 1 + batch.num_rows))
                done += batch.num_rows
                yield RowChunk(self.columns, rows, lines, done)
        except (pa.ArrowException, OSError) as exc:
            raise SchemaError(f"{self.path}, row {done + 1}: cannot read Parquet ({exc})") from exc


def _as_strings(column: pa.Array) -> list[Value]:
    """A column's values as strings (``None`` for nulls), whatever its Arrow type."""
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
    elif not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    return column.to_pylist()  # type: ignore[no-any-return]


def _decoded_lines(raw: BinaryIO, bad_lines: dict[int, str], first_line: int) -> Iterator[str]:
    """Decode a binary file line by line, noting lines that are not UTF-8 instead of failing.

    A bad line is still yielded (with replacement characters) so that the CSV reader keeps
    its place; the caller skips the row that contains it.
    """
    for number, line in enumerate(raw, start=first_line):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_lines[number] = (
                f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})"
            )
            yield line.decode("utf-8", errors="replace")
