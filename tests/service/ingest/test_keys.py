"""Event identity: content plus ordinal among identical rows."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from service.ingest.keys import OccurrenceCounter, content_key, day_prefix, event_id_key

D1, D2, D3 = date(2020, 9, 1), date(2020, 9, 2), date(2020, 9, 3)


def test_identical_rows_get_successive_ordinals() -> None:
    counter = OccurrenceCounter()

    assert [counter.ordinal(D1, "x"), counter.ordinal(D1, "x"), counter.ordinal(D1, "y")] == [
        0,
        1,
        0,
    ]


def test_a_new_day_starts_counting_again() -> None:
    counter = OccurrenceCounter()
    counter.ordinal(D1, "x")

    assert counter.ordinal(D2, "x") == 0


def test_a_day_before_the_current_one_is_refused_but_undated_rows_may_come_anywhere() -> None:
    counter = OccurrenceCounter()
    counter.ordinal(None, "x")
    counter.ordinal(D2, "x")

    with pytest.raises(ValueError, match="day order"):
        counter.ordinal(D1, "x")
    assert counter.ordinal(None, "x") == 1  # undated rows are counted apart, all file long
    assert counter.ordinal(D2, "x") == 1


def test_keys_sort_by_day_and_separate_ordinals() -> None:
    early = content_key(day_prefix(D1), "row", 0)
    late = content_key(day_prefix(D2), "row", 0)

    assert early < late
    assert len(early) == 16
    assert content_key(day_prefix(D1), "row", 1) != early


def test_event_id_key_ignores_everything_but_the_id() -> None:
    assert event_id_key("e-1") == event_id_key("e-1") != event_id_key("e-2")
    assert event_id_key("e-1")[:4] == b"\0\0\0\0"


def _one_by_one(rows: list[tuple[date, str]], counter: OccurrenceCounter) -> list[int | None]:
    return [counter.ordinal(day, content) for day, content in rows]


def test_a_block_gets_the_ordinals_of_row_by_row_counting_carried_across_blocks() -> None:
    first = [(D1, "x"), (D1, "y"), (D1, "x")]
    second = [(D1, "x"), (D2, "x"), (D2, "x"), (D3, "y")]
    third = [(D3, "y"), (D3, "x")]
    blocks, rows = OccurrenceCounter(), OccurrenceCounter()

    got = []
    for block in (first, second, third):
        days = np.array([d.toordinal() for d, _ in block])
        ordinals = blocks.ordinals_in_order(days, [c for _, c in block])
        assert ordinals is not None
        got += ordinals.tolist()

    assert got == _one_by_one(first + second + third, rows) == [0, 0, 1, 2, 0, 1, 0, 1, 0]
    assert blocks.ordinal(D3, "y") == rows.ordinal(D3, "y") == 2  # the row path goes on from it


def test_a_block_whose_days_go_back_is_refused_and_counts_nothing() -> None:
    counter = OccurrenceCounter()
    counter.ordinal(D2, "x")

    with pytest.raises(ValueError, match="day order"):
        counter.ordinals_in_order(np.array([D1.toordinal()]), ["x"])
    with pytest.raises(ValueError, match="day order"):
        counter.ordinals_in_order(np.array([D3.toordinal(), D2.toordinal()]), ["x", "x"])
    assert counter.ordinal(D2, "x") == 1  # nothing was counted
