"""Events files that are not in day order: put in order on disk, keyed as if they were sorted."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_samples import count, write
from sqlalchemy import Engine, delete, select

from service.ingest import IngestOptions, IngestReport, ingest_items, run_ingest
from service.ingest.building import BuildSpec, built_blocks
from service.ingest.dayorder import DayOrder, DaySorter
from service.ingest.generic import interactions_feed
from service.ingest.interactions import ingest_interactions
from service.ingest.reading import ColumnChunk, RowChunk, TableReader
from service.store import Event

ITEMS = "item_id,name,category\nA1,Slim jeans,Jeans\nB1,Oxford shirt,Shirts\n"
HEADER = "user_id,item_id,timestamp,price\n"
# Day by day, with the same purchase twice on 2 March and undated rows among the dated ones.
SORTED = [
    "u1,A1,2024-03-01,1",
    "u2,B1,2024-03-02,2",
    "u2,B1,2024-03-02,2",
    "u3,A1,,",
    "u3,B1,2024-03-03,3",
    "u4,A1,2024-03-04,4",
    "u4,A1,,",
]


def _ingest(engine: Engine, path: Path, helper: bool, strict: bool = False) -> IngestReport:
    # two-row blocks: the disorder falls between blocks and inside them
    options = IngestOptions(strict=strict, chunk_rows=2, helper_process=helper)
    feed = interactions_feed("shop")
    return run_ingest(engine, "test", {}, lambda c: ingest_interactions(c, path, feed), options)


def _keys(engine: Engine) -> set[bytes]:
    with engine.connect() as connection:
        return set(connection.scalars(select(Event.dedup_key)))


@pytest.fixture
def items(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "items.csv", ITEMS)
    run_ingest(engine, "test", {}, lambda c: ingest_items(c, path, "shop"))


@pytest.fixture
def sorted_keys(engine: Engine, tmp_path: Path, items: None) -> set[bytes]:
    """The keys of the sorted file; the store is emptied again."""
    _ingest(engine, write(tmp_path / "sorted.csv", HEADER + "\n".join(SORTED) + "\n"), False)
    keys = _keys(engine)
    with engine.begin() as connection:
        connection.execute(delete(Event))
    return keys


def _events_file(folder: Path, rows: list[str], form: str) -> Path:
    """The rows as a CSV file (one block of columns; with a blank line, chunks of two rows
    read one by one) or a Parquet file (blocks of two rows).
    """
    if form == "parquet":
        names = HEADER.strip().split(",")
        values = list(zip(*(row.split(",") for row in rows), strict=True))
        table = pa.table(dict(zip(names, map(list, values), strict=True)))
        path = folder / "events.parquet"
        pq.write_table(table, path)
        return path
    if form == "blank-line":  # not a row: the block is read row by row
        rows = [rows[0], "", *rows[1:]]
    return write(folder / "events.csv", HEADER + "\n".join(rows) + "\n")


@pytest.mark.parametrize("form", ["csv", "blank-line", "parquet"])
@pytest.mark.parametrize("helper", [False, True], ids=["thread", "helper"])
@pytest.mark.parametrize(
    "order",
    [
        # the second copy of the 2 March purchase comes after the file has gone back a day
        [0, 1, 4, 5, 2, 3, 6],
        [5, 4, 3, 2, 1, 0, 6],
        [2, 6, 0, 5, 3, 1, 4],
    ],
    ids=["late-copy", "reversed", "shuffled"],
)
def test_an_unordered_file_stores_the_keys_of_the_sorted_file(
    engine: Engine,
    tmp_path: Path,
    sorted_keys: set[bytes],
    order: list[int],
    helper: bool,
    form: str,
) -> None:
    path = _events_file(tmp_path, [SORTED[i] for i in order], form)

    first = _ingest(engine, path, helper)
    again = _ingest(engine, path, helper)

    assert first.counts("events").written == 7 and count(engine, Event) == 7
    assert _keys(engine) == sorted_keys
    assert again.counts("events").written == 0 and again.counts("events").read == 7


def test_bad_rows_of_an_unordered_file_are_reported_with_their_own_lines(
    engine: Engine, tmp_path: Path, items: None
) -> None:
    rows = [
        "u1,A1,2024-03-05,1",
        "u2,NOPE,2024-03-01,1",  # line 3
        "u3,A1,2024-03-02,1",
        "u4,A1,yesterday,1",  # line 5
        "u5,B1,2024-03-01,x",  # line 6
        "u6,B1,2024-03-03,1",
    ]
    path = write(tmp_path / "unordered.csv", HEADER + "\n".join(rows) + "\n")

    report = _ingest(engine, path, helper=False)

    assert report.counts("events").written == 3
    assert sorted(b.line or 0 for b in report.bad_rows) == [3, 5, 6]
    assert "NOPE" in next(b.problem for b in report.bad_rows if b.line == 3)


def test_a_strict_run_over_an_unordered_file_with_a_bad_row_stores_nothing(
    engine: Engine, tmp_path: Path, items: None
) -> None:
    rows = [
        "u1,A1,2024-03-05,1",
        "u2,A1,2024-03-04,1",
        "u3,A1,2024-03-03,1",
        "u4,NOPE,2024-03-01,1",
    ]
    path = write(tmp_path / "unordered.csv", HEADER + "\n".join(rows) + "\n")

    with pytest.raises(Exception, match="line 5: unknown article 'NOPE'"):
        _ingest(engine, path, helper=True, strict=True)

    assert count(engine, Event) == 0


def test_day_order_admits_blocks_whose_dated_rows_never_go_back() -> None:
    order = DayOrder()

    assert order.admits(np.array([1, 0, 1, -1, 2]))  # undated (0) and bad (-1) rows anywhere
    assert order.admits(np.array([2, 2, 3]))
    assert not order.admits(np.array([3, 4, 3]))
    assert not order.admits(np.array([2]))


def _block(rows: list[tuple[str, int]], first_line: int) -> ColumnChunk:
    table = pa.table({"c": [c for c, _ in rows]})
    return ColumnChunk(("c",), table, first_line, 0)


def test_the_sorter_gives_back_each_day_seen_rows_first_then_new_rows_in_file_order(
    tmp_path: Path,
) -> None:
    with DaySorter(("c",), chunk_rows=2, position=99, scratch=tmp_path) as sorter:
        sorter.add(_block([("a", 3), ("b", 1), ("c", 3)], 10), np.array([3, 1, 3]))
        sorter.add(RowChunk(("c",), [["d"], ["e"]], [20, 22], 0), np.array([1, 3]))
        # already stored: 'f' counts for day 3; 'g' of day 2, which has no new rows, is dropped
        sorter.add(_block([("f", 3), ("g", 2)], 2), np.array([3, 2]), new=False)
        given = [
            (c.new, c.block.table.column("c").to_pylist(), c.block.lines, c.block.position)
            for c in sorter.chunks()
        ]
        assert len(list(tmp_path.iterdir())) == 1

    assert given == [
        (True, ["b", "d"], [11, 20], 99),  # day 1
        (False, ["f"], [2], 99),  # day 3: the seen row first
        (True, ["a", "c"], [10, 12], 99),
        (True, ["e"], [22], 99),
    ]
    assert list(tmp_path.iterdir()) == []  # the sorted runs are removed


def test_the_sorter_writes_runs_of_bounded_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.ingest.dayorder.RUN_ROWS", 2)
    with DaySorter(("c",), chunk_rows=10, position=0, scratch=tmp_path) as sorter:
        for line, day in enumerate([5, 4, 5, 4, 3], start=2):
            sorter.add(_block([(f"r{line}", day)], line), np.array([day]))
        runs = list(next(tmp_path.iterdir()).iterdir())
        given = [c.block.lines for c in sorter.chunks()]

    assert len(runs) == 2  # two full runs written while adding; the last row is kept until read
    assert given == [[6, 3, 5, 2, 4]]  # days 3, 4, 5: one block for all


def test_the_progress_of_an_unordered_file_moves_forward_to_its_end(tmp_path: Path) -> None:
    rows = [f"u{i},A1,2024-03-{d:02d},1" for i, d in enumerate([1, 2, 9, 3, 8, 4, 7, 5, 6, 6])]
    path = _events_file(tmp_path, rows, "parquet")
    feed = interactions_feed("shop")
    reader = TableReader(path, ("user_id", "item_id"), lambda bad: None)
    spec = BuildSpec(
        path,
        ("user_id", "item_id"),
        2,
        feed.columns(reader.columns),
        {"A1": 1},
        "shop",
        "sqlite",
        datetime(2024, 4, 1),
    )

    blocks = list(built_blocks(spec, tmp_path))
    positions = [block.position for block in blocks]

    assert sum(len(block.events) for block in blocks) == 10
    assert positions == sorted(positions) and positions[-1] == reader.size == 10
    assert len(set(positions)) > len(positions) // 2  # it moves while sorting and storing
