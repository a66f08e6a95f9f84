"""Streaming tabular files (CSV or Parquet) in chunks of rows, with their line numbers.

Readers never hold a whole file: memory stays flat however large the input is. Every row comes
with the number a person would use to find it (the physical line in a CSV file, counting the
header as line 1; the 1-based row in a Parquet file), so that a bad row can be reported
precisely. Rows that cannot even be split into fields (wrong field count, invalid UTF-8,
malformed quoting) are reported here; checking the values is the caller's job.

Large event files are also offered as :class:`ColumnChunk` blocks (:meth:`TableReader.blocks`):
a block of a CSV file without quotes or blank lines, where every row is one physical line, is
parsed by Arrow's CSV reader into columns, so that the caller can check and key it with
vectorised operations. Any block Arrow cannot take as it is (a quote, a blank line, a wrong field
count, bytes that are not UTF-8) is read row by row as before, so every bad row is still
reported with its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from recommender.feedformat import header_separator
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


@dataclass(frozen=True)
class ColumnChunk:
    """A run of consecutive rows, one line (or Parquet row) each, as columns of strings."""

    columns: tuple[str, ...]
    table: pa.Table
    """One string column per header column; nulls only where a Parquet value is null."""
    first_line: int
    """The line (CSV) or row (Parquet) of the first row; the others follow one by one."""
    position: int
    """How far into the file this chunk ends, in the unit of :attr:`TableReader.size`."""
    lines: list[int] | None = None
    """Each row's line, where they do not follow one another (rows put in day order)."""

    def rows(self) -> RowChunk:
        """The same rows as a :class:`RowChunk`, for the row-by-row path."""
        values = [self.table.column(i).to_pylist() for i in range(self.table.num_columns)]
        rows = [list(row) for row in zip(*values, strict=True)]
        lines = self.lines or list(range(self.first_line, self.first_line + len(rows)))
        return RowChunk(self.columns, rows, lines, self.position)


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
        self.separator = ","
        """The CSV file's field separator, told by its header (a comma, tab, semicolon or bar)."""
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
        for chunk in self.blocks() if self.is_parquet else self._csv_chunks():
            yield chunk.rows() if isinstance(chunk, ColumnChunk) else chunk

    def blocks(self) -> Iterator[RowChunk | ColumnChunk]:
        """Yield the file's rows in order, as columns wherever Arrow can read them as they are."""
        if self.is_parquet:
            yield from self._parquet_chunks()
        else:
            yield from self._csv_blocks()

    # -- CSV ------------------------------------------------------------------------------

    def _csv_columns(self) -> tuple[str, ...]:
        with self.path.open("rb") as raw:
            first = raw.readline()
        try:
            header = first.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SchemaError(f"{self.path}, line 1: header is not valid UTF-8 ({exc})") from exc
        self.separator = header_separator(header)
        fields = next(csv.reader([header], delimiter=self.separator), [])
        columns = tuple(f.strip() for f in fields)
        if not columns or not any(columns):
            raise SchemaError(f"{self.path}: empty file or empty header line")
        duplicated = sorted({c for c in columns if columns.count(c) > 1})
        if duplicated:
            raise SchemaError(f"{self.path}, line 1: duplicate column(s) {', '.join(duplicated)}")
        return columns

    def _csv_blocks(self) -> Iterator[RowChunk | ColumnChunk]:
        # Blocks end at a line end. Unless a quoted field spans lines, a line end ends a row,
        # so a block holds whole rows and its first line is known by counting line ends.
        names = list(self.columns)
        block_bytes = max(1 << 16, self.chunk_rows * 100)
        read = pacsv.ReadOptions(column_names=names, use_threads=False)
        parse = pacsv.ParseOptions(delimiter=self.separator, newlines_in_values=True)
        convert = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in names}, strings_can_be_null=False
        )
        with self.path.open("rb") as raw:
            raw.readline()  # header, already read
            line = 2
            while True:
                start = raw.tell()
                block = raw.read(block_bytes)
                if not block:
                    return
                if not block.endswith(b"\n"):
                    block += raw.readline()
                count = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
                table = _plain_table(block, count, read, parse, convert)
                if table is not None:
                    yield ColumnChunk(self.columns, table, line, raw.tell())
                elif _may_span_lines(block):
                    # A quoted field may hold a line end: the rest goes row by row.
                    yield from self._csv_chunks(start, line)
                    return
                else:
                    yield from self._csv_chunks(start, line, io.BytesIO(block))
                line += count

    def _csv_chunks(
        self, start: int | None = None, first_line: int = 2, part: BinaryIO | None = None
    ) -> Iterator[RowChunk]:
        """Rows one by one from ``start`` (the whole file after the header by default), or
        only those of ``part``, a block of it that begins at ``start`` on ``first_line``.
        """
        bad_lines: dict[int, str] = {}
        width = len(self.columns)
        name = str(self.path)
        with self.path.open("rb") as whole:
            if start is None:
                whole.readline()  # header, already read
            else:
                whole.seek(start)
            raw = part or whole
            base = start if part is not None and start is not None else 0
            lines_read = _decoded_lines(raw, bad_lines, first_line=first_line)
            reader = csv.reader(lines_read, delimiter=self.separator)
            rows: list[list[Value]] = []
            lines: list[int] = []
            last = first_line - 1
            offset = first_line - 1
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    line = reader.line_num + offset
                    self.on_bad_row(BadRow(name, line, f"malformed CSV: {exc}"))
                    last = reader.line_num + offset
                    continue
                first, last = last + 1, reader.line_num + offset
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
                    yield RowChunk(self.columns, rows, lines, base + raw.tell())
                    rows, lines = [], []
            yield RowChunk(self.columns, rows, lines, base + raw.tell())

    # -- Parquet --------------------------------------------------------------------------

    def _parquet_columns(self) -> tuple[str, ...]:
        try:
            schema = pq.read_schema(self.path)
        except (pa.ArrowException, OSError) as exc:
            raise SchemaError(f"{self.path}: not a readable Parquet file ({exc})") from exc
        return tuple(schema.names)

    def _parquet_chunks(self) -> Iterator[ColumnChunk]:
        done = 0
        try:
            batches = pq.ParquetFile(self.path).iter_batches(batch_size=self.chunk_rows)
            for batch in batches:
                columns = [_as_strings(batch.column(i)) for i in range(batch.num_columns)]
                table = pa.Table.from_arrays(columns, names=list(self.columns))
                yield ColumnChunk(self.columns, table, done + 1, done + batch.num_rows)
                done += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise SchemaError(f"{self.path}, row {done + 1}: cannot read Parquet ({exc})") from exc


def _as_strings(column: pa.Array) -> pa.Array:
    """A column as strings (nulls stay null), whatever its Arrow type."""
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
    if pa.types.is_large_string(column.type) or not pa.types.is_string(column.type):
        return pc.cast(column, pa.string())
    return column


def _plain_table(
    block: bytes,
    rows: int,
    read: pacsv.ReadOptions,
    parse: pacsv.ParseOptions,
    convert: pacsv.ConvertOptions,
) -> pa.Table | None:
    """``block`` as columns of strings if Arrow reads exactly one row per line, else ``None``.

    ``None`` sends the block down the row-by-row path, which reports what is wrong with it
    (a blank line, a wrong field count, bytes that are not UTF-8) line by line. As many rows as
    lines, with no blank line, also means that no quoted value holds a line end.
    """
    if b"\n\n" in block or b"\n\r\n" in block or block[:1] in (b"\n", b"\r"):
        return None  # Arrow skips blank lines, which would shift every later line number
    try:
        table = pacsv.read_csv(
            pa.py_buffer(block), read_options=read, parse_options=parse, convert_options=convert
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return table if table.num_rows == rows else None


def _may_span_lines(block: bytes) -> bool:
    """Whether a quoted value may run over a line end (a line with an odd number of quotes)."""
    return b'"' in block and any(line.count(b'"') % 2 for line in block.split(b"\n"))


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
