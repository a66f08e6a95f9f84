"""Chunked reading of CSV and Parquet files with line numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_samples import write

from service.errors import MissingFileError, SchemaError
from service.ingest.reading import ColumnChunk, TableReader
from service.ingest.report import BadRow


def read_all(
    path: Path, chunk_rows: int = 2
) -> tuple[list[tuple[int, list[str | None]]], list[str]]:
    bad: list[BadRow] = []
    reader = TableReader(path, ("a",), bad.append, chunk_rows)
    rows = [
        (line, row)
        for chunk in reader.chunks()
        for line, row in zip(chunk.lines, chunk.rows, strict=True)
    ]
    return rows, [str(b) for b in bad]


def test_rows_keep_their_physical_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'a,b\n1,x\n\n2,"two\nlines"\n3,z\n')

    rows, bad = read_all(path)

    assert rows == [(2, ["1", "x"]), (4, ["2", "two\nlines"]), (6, ["3", "z"])]
    assert bad == []


def test_wrong_field_count_is_reported_and_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "a,b\n1,x\n2\n3,y,extra\n4,z\n")

    rows, bad = read_all(path)

    assert [line for line, _ in rows] == [2, 5]
    assert bad == [
        f"{path}, line 3: expected 2 fields, found 1",
        f"{path}, line 4: expected 2 fields, found 3",
    ]


def test_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "\ufeffa,b\n1,x\n")

    rows, _ = read_all(path)

    assert rows == [(2, ["1", "x"])]


def test_missing_required_column(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "b,c\n1,2\n")

    with pytest.raises(SchemaError, match=r"missing required column\(s\) a; found b, c"):
        TableReader(path, ("a",), print)


@pytest.mark.parametrize("text", ["", "\n"])
def test_empty_file_is_a_schema_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(SchemaError, match="empty"):
        TableReader(write(tmp_path / "t.csv", text), ("a",), print)


def test_duplicate_header_columns(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="duplicate column"):
        TableReader(write(tmp_path / "t.csv", "a,a\n1,2\n"), ("a",), print)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such file"):
        TableReader(tmp_path / "nope.csv", ("a",), print)


def test_not_a_parquet_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="not a readable Parquet file"):
        TableReader(write(tmp_path / "t.parquet", "a,b\n"), ("a",), print)


def test_parquet_values_become_strings_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    table = pa.table({"a": pa.array([108775015, 7], pa.int64()), "b": ["x", None]})
    pq.write_table(table, path)

    rows, bad = read_all(path, chunk_rows=1)

    assert rows == [(1, ["108775015", "x"]), (2, ["7", None])]
    assert bad == []


def read_blocks(path: Path, chunk_rows: int = 2) -> tuple[list[tuple[str, int, int]], list[str]]:
    """(kind, first line, rows) per block, and the bad rows."""
    bad: list[BadRow] = []
    reader = TableReader(path, ("a",), bad.append, chunk_rows)
    blocks = []
    for block in reader.blocks():
        if isinstance(block, ColumnChunk):
            blocks.append(("columns", block.first_line, block.table.num_rows))
        elif block.rows:
            blocks.append(("rows", block.lines[0], len(block.rows)))
    return blocks, [str(b) for b in bad]


def test_plain_lines_come_as_columns_with_their_first_line(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "a,b\n" + "".join(f'{i},"x{i}"\n' for i in range(3000)))

    blocks, bad = read_blocks(path, chunk_rows=100)  # blocks of 64 KiB at least

    assert {kind for kind, _, _ in blocks} == {"columns"}
    assert sum(n for _, _, n in blocks) == 3000
    assert [first for _, first, _ in blocks] == list(
        np.cumsum([2] + [n for _, _, n in blocks[:-1]])
    )
    assert bad == []


def test_a_block_with_a_bad_line_is_read_row_by_row_and_the_line_reported(tmp_path: Path) -> None:
    lines = [f"{i},x{i}\n".encode() for i in range(8000)]
    lines[7000] = b"7000,\xff\n"
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"".join(lines))

    blocks, bad = read_blocks(path, chunk_rows=100)
    rows, _ = read_all(path, chunk_rows=100)

    assert {kind for kind, _, _ in blocks} == {"columns", "rows"}
    assert bad == [f"{path}, line 7002: not valid UTF-8 (byte 0xff at column 6)"]
    assert [line for line, _ in rows] == [n for n in range(2, 8002) if n != 7002]


def test_a_quoted_value_over_two_lines_sends_the_rest_row_by_row(tmp_path: Path) -> None:
    lines = [f"{i},x{i}\n" for i in range(8000)]
    lines[7000] = '7000,"two\nlines"\n'
    path = write(tmp_path / "t.csv", "a,b\n" + "".join(lines))

    blocks, bad = read_blocks(path, chunk_rows=100)
    rows, _ = read_all(path, chunk_rows=100)

    assert blocks[0][0] == "columns" and blocks[-1][0] == "rows"
    assert sum(n for _, _, n in blocks) == 8000
    assert rows[7000] == (7002, ["7000", "two\nlines"])
    assert rows[-1] == (8002, ["7999", "x7999"])
    assert bad == []
