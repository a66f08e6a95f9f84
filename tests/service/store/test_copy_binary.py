"""Binary COPY rows made by Arrow are byte for byte those psycopg formats row by row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest
from psycopg import pq
from psycopg._copy_base import format_row_binary
from psycopg.adapt import Transformer

from service.store.copy_binary import binary_rows, supports

# bytea, int8, text, timestamp, int4, float8, varchar, int2, float4
TYPES = [17, 20, 25, 1114, 23, 701, 1043, 21, 700]
ROWS: list[tuple[Any, ...]] = [
    (b"\x00" * 16, 1, "purchase", datetime(2020, 9, 1, 12, 30, 5, 123456), 1, 0.0508, "1", 3, 0.5),
    (bytes(range(16)), 2**40, "view", datetime(1999, 12, 31, 23, 59, 59), 12, None, None, -2, None),
    (b"\xff" * 16, -7, "crème", datetime(2000, 1, 1), 2**31 - 1, 1e-300, "ünï", 0, 1.25),
]


def psycopg_rows(types: Sequence[int], rows: Sequence[Sequence[Any]]) -> bytes:
    """What psycopg's own ``write_row`` would send for ``rows``."""
    transformer = Transformer()
    transformer.set_dumper_types(types, pq.Format.BINARY)
    out = bytearray()
    for row in rows:
        format_row_binary(row, transformer, out)
    return bytes(out)


def test_rows_are_the_bytes_psycopg_writes() -> None:
    columns = [list(column) for column in zip(*ROWS, strict=True)]

    assert binary_rows(TYPES, columns) == psycopg_rows(TYPES, ROWS)


def test_a_column_of_nulls_and_no_rows() -> None:
    rows = [(None, None, None), (None, None, None)]
    columns = [[None, None]] * 3

    assert binary_rows([20, 25, 1114], columns) == psycopg_rows([20, 25, 1114], rows)
    assert binary_rows([20, 25], [[], []]) == b""


def test_what_it_cannot_format_is_refused_by_name() -> None:
    assert not supports([20, 3802])  # jsonb
    with pytest.raises(ValueError, match="3802"):
        binary_rows([20, 3802], [[1], ['{"a": 1}']])
    with pytest.raises(ValueError, match="different lengths"):
        binary_rows([20, 25], [[1, 2], ["x"]])
    with pytest.raises(ValueError, match="time zone"):
        binary_rows([1114], [[datetime(2020, 1, 1, tzinfo=UTC)]])


def test_arrow_and_dictionary_columns_give_the_same_bytes() -> None:
    columns = [list(column) for column in zip(*ROWS, strict=True)]
    arrays = [pa.array(column) for column in columns]
    dictionaries = [pa.array(column).dictionary_encode() for column in columns]
    with_null = pa.DictionaryArray.from_arrays(pa.array([0, None, 0]), pa.array(["x"]))

    assert binary_rows(TYPES, arrays) == binary_rows(TYPES, columns)
    assert binary_rows(TYPES, dictionaries) == binary_rows(TYPES, columns)
    assert binary_rows([25], [with_null]) == binary_rows([25], [["x", None, "x"]])
