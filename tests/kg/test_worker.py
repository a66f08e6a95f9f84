"""The query worker's loop (kg/worker.py), run on a thread with a pipe."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from kg.worker import serve


def test_the_loop_ends_quietly_when_its_parent_is_gone(tmp_path: Path) -> None:
    parent, child = multiprocessing.Pipe()
    errors: list[BaseException] = []

    def loop() -> None:
        try:
            serve(child, str(tmp_path / "graph"), 1_000)
        except BaseException as exc:  # what the loop let out is the finding
            errors.append(exc)

    thread = threading.Thread(target=loop)
    thread.start()
    ready = parent.recv()
    parent.close()  # as when the serving process that owns the worker is killed
    thread.join(timeout=30)

    assert ready == ("ready", "")
    assert not thread.is_alive()
    assert errors == []
