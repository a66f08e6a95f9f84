"""Event rows built from interaction rows: identity, stored time and problems."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from service.ingest.events import Columns, EventBuilder

#: customer, article, timestamp; no type, quantity, price, channel or event id columns.
COLUMNS: Columns = (0, 1, 2, None, None, None, None, None)


def _build(rows: list[list[str]], loaded_at: datetime) -> list[tuple[object, ...]]:
    builder = EventBuilder({"A1": 1}, "shop", lambda time: time, default_time=loaded_at)
    values: list[list[str | None]] = [list(row) for row in rows]
    good, bad = builder.build(values, list(range(2, 2 + len(rows))), COLUMNS)
    assert bad == []
    return good


def test_a_row_without_timestamp_keeps_its_key_when_loaded_again_later() -> None:
    rows = [["u1", "A1", ""]]

    first = _build(rows, datetime(2024, 3, 1, 10, 0, 0))
    later = _build(rows, datetime(2024, 3, 1, 10, 0, 1))

    assert first[0][0] == later[0][0]
    assert first[0][4] == datetime(2024, 3, 1, 10, 0, 0)  # stored at the load's time


def test_identical_rows_without_timestamp_are_two_events() -> None:
    good = _build([["u1", "A1", ""], ["u1", "A1", ""]], datetime(2024, 3, 1))

    assert good[0][0] != good[1][0]


def test_a_dated_row_is_identified_by_its_timestamp() -> None:
    loaded_at = datetime(2024, 3, 1)
    dated = _build([["u1", "A1", "2024-02-01"]], loaded_at)
    undated = _build([["u1", "A1", ""]], loaded_at)

    assert dated[0][0] != undated[0][0]
    assert dated[0][4] == datetime(2024, 2, 1)


def test_a_block_of_columns_gives_the_rows_keys_and_values() -> None:
    header = ("t", "c", "a", "p", "ch")
    columns: Columns = (1, 2, 0, None, None, 3, 4, None)
    rows = [
        ["2024-02-01", "u1", "A1", "0.5", "2"],
        ["2024-02-01", "u1", "A1", "0.5", "2"],  # the same purchase twice
        ["2024-02-02", "u2", "A2", "", ""],
        ["2024-02-02", "u1", "A1", "1e-05", "1"],
    ]
    table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(header)})

    def builder() -> EventBuilder:
        return EventBuilder({"A1": 1, "A2": 2}, "shop", lambda t: t, datetime(2024, 3, 1))

    by_rows, _ = builder().build([list(r) for r in rows], [2, 3, 4, 5], columns)
    built = builder().build_columns(table, columns)

    assert built is not None
    block, bad = built
    assert bad == []
    assert block.rows() == by_rows
    assert len(set(block.keys.to_pylist())) == 4


@pytest.mark.parametrize(
    ("column", "value"),
    [("a", "A9"), ("a", ""), ("c", ""), ("t", "yesterday"), ("t", ""), ("p", "-1"), ("p", "x")],
)
def test_a_block_with_any_bad_or_undated_row_goes_to_the_row_path(column: str, value: str) -> None:
    data = {"t": ["2024-02-01"] * 2, "c": ["u1", "u2"], "a": ["A1", "A1"], "p": ["1", "2"]}
    data[column][1] = value
    builder = EventBuilder({"A1": 1}, "shop", lambda t: t, datetime(2024, 3, 1))

    assert builder.build_columns(pa.table(data), (1, 2, 0, None, None, 3, None, None)) is None


def test_blocks_of_columns_give_the_row_paths_keys_across_block_boundaries() -> None:
    header = ("t", "c", "a", "e", "q", "p", "ch")
    columns: Columns = (1, 2, 0, 3, 4, 5, 6, None)
    rows = [
        ["2024-02-01", "u1", "A1", "purchase", "1", "5", "2"],
        ["2024-02-02", "u1", "A1", "", "2", "0.1", ""],
        ["2024-02-02", "u1", "A1", "", "2", "0.1", ""],  # the same purchase twice
        # the next block begins on the same day with the same purchase a third time
        ["2024-02-02", "u1", "A1", "", "2", "0.1", ""],
        ["2024-02-02", "u2", "A2", "View", "", "", "1"],
        ["2024-02-03", "u2", "A2", "view", "3", "1e-05", "1"],
    ]

    def builder() -> EventBuilder:
        return EventBuilder({"A1": 1, "A2": 2}, "shop", lambda t: t, datetime(2024, 3, 1))

    by_rows, _ = builder().build([list(r) for r in rows], list(range(2, 8)), columns)
    by_columns = builder()
    blocks: list[tuple[object, ...]] = []
    for part in (rows[:3], rows[3:]):
        table = pa.table({name: [row[i] for row in part] for i, name in enumerate(header)})
        built = by_columns.build_columns(table, columns)
        assert built is not None
        blocks.extend(built[0].rows())

    assert blocks == by_rows
    assert len({row[0] for row in blocks}) == len(rows)
