"""Events files built in a helper process while the run stores them: the same events, the same
bad rows, strict runs and the helper's own errors handled as on one thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_samples import count, write
from sqlalchemy import Engine, select

from service.errors import StrictModeError
from service.ingest import IngestOptions, IngestReport, ingest_items, run_ingest
from service.ingest.generic import interactions_feed
from service.ingest.interactions import ingest_interactions
from service.ingest.run import Step
from service.store import Event

REPO = Path(__file__).resolve().parents[3]

ITEMS = "item_id,name,category\nA1,Slim jeans,Jeans\nB1,Oxford shirt,Shirts\n"
EVENTS = """\
user_id,item_id,timestamp,event_type,price
u1,A1,2024-03-01T10:00:00Z,purchase,9.99
u2,B1,2024-03-02,,
u2,B1,2024-03-02,,
u3,NOPE,2024-03-02,,
u3,A1,2024-03-03,view,
u4,"B1",2024-03-04,purchase,5
u4,B1,2024-03-04,return,x
u5,A1,2024-03-05,,
"""


def _run(engine: Engine, step: Step, helper: bool, strict: bool = False) -> IngestReport:
    # two-row chunks: every chunk boundary, column blocks and the row path (the quoted field)
    options = IngestOptions(strict=strict, chunk_rows=2, helper_process=helper)
    return run_ingest(engine, "test", {}, step, options)


@pytest.fixture
def events(engine: Engine, tmp_path: Path) -> Path:
    _run(engine, lambda c: ingest_items(c, write(tmp_path / "items.csv", ITEMS), "shop"), False)
    return write(tmp_path / "events.csv", EVENTS)


def test_a_helper_process_stores_the_events_and_bad_rows_of_the_thread_path(
    engine: Engine, events: Path
) -> None:
    feed = interactions_feed("shop")

    by_helper = _run(engine, lambda c: ingest_interactions(c, events, feed), helper=True)
    with engine.connect() as connection:
        keys = set(connection.scalars(select(Event.dedup_key)))
    by_thread = _run(engine, lambda c: ingest_interactions(c, events, feed), helper=False)

    assert by_helper.counts("events").written == 6 and count(engine, Event) == 6
    assert len(keys) == 6
    assert by_thread.counts("events").written == 0  # the same keys: nothing new
    assert by_helper.counts("events").read == by_thread.counts("events").read == 6
    problems = [(b.line, b.problem) for b in by_helper.bad_rows]
    assert problems == [(b.line, b.problem) for b in by_thread.bad_rows]
    assert [line for line, _ in problems] == [5, 8]
    assert "NOPE" in problems[0][1] and "'x'" in problems[1][1]


def test_a_strict_run_stops_at_the_first_bad_row_the_helper_finds(
    engine: Engine, events: Path
) -> None:
    feed = interactions_feed("shop")

    with pytest.raises(StrictModeError, match="line 5: unknown article 'NOPE'"):
        _run(engine, lambda c: ingest_interactions(c, events, feed), helper=True, strict=True)

    assert count(engine, Event) == 0


def test_an_error_in_the_helper_is_raised_by_the_run_and_stores_nothing(
    engine: Engine, events: Path
) -> None:
    feed = interactions_feed("shop")

    # the helper unpickles its article normaliser by reference: a builtin that fails on any id
    def step(context):  # type: ignore[no-untyped-def]
        ingest_interactions(context, events, feed, normalise_article="{:d}".format)

    with pytest.raises(ValueError, match="Unknown format code 'd' for object of type 'str'"):
        _run(engine, step, helper=True)

    assert count(engine, Event) == 0


SCRIPT = """\
import sys
from pathlib import Path

if __name__ == "__mp_main__":  # what a spawned child would run of this script
    raise SystemExit("the helper imported the main script")

from service.ingest import IngestOptions, ingest_items, run_ingest
from service.ingest.generic import interactions_feed
from service.ingest.interactions import ingest_interactions
from service.store import create_store_engine

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    engine = create_store_engine(f"sqlite:///{folder / 'catalogue.db'}")
    options = IngestOptions(chunk_rows=2, helper_process=True)
    run_ingest(engine, "t", {}, lambda c: ingest_items(c, folder / "items.csv", "shop"), options)
    step = lambda c: ingest_interactions(c, folder / "events.csv", interactions_feed("shop"))
    report = run_ingest(engine, "t", {}, step, options)
    print(report.counts("events").written)
"""


def test_the_helper_does_not_run_the_main_script(tmp_path: Path) -> None:
    # `atelier`'s script imports the whole command line (torch, LightGBM): 260 MB the helper
    # has no use for
    write(tmp_path / "items.csv", ITEMS)
    write(
        tmp_path / "events.csv", "user_id,item_id,timestamp\nu1,A1,2024-03-01\nu2,B1,2024-03-02\n"
    )
    script = write(tmp_path / "script.py", SCRIPT)

    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "2"
