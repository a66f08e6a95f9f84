"""Chunked reading of CSV and Parquet files with line numbers."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_samples import write

from service.errors import MissingFileError, SchemaError
from service.ingest.reading import TableReader
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
