"""Event rows built from interaction rows: identity, stored time and problems."""

from __future__ import annotations

from datetime import datetime

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
