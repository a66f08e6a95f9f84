"""A single worker thread that performs writes in order while the caller reads ahead.

Parsing a chunk is Python work; storing it is mostly database work that releases the GIL.
Overlapping the two nearly doubles ingestion throughput on two cores. Exactly one thread
touches the database connection while the worker is open, so the connection is never shared
concurrently.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

_DONE = object()


class BackgroundWriter(Generic[T]):
    """Calls ``write(item)`` on a worker thread for each submitted item, in order.

    Use it as a context manager: leaving the block waits for pending writes and re-raises any
    error the worker met; leaving it with an error abandons pending writes.

    Args:
        write: Stores one item.
        depth: Items that may wait in the queue (memory is ``depth`` chunks at most).
    """

    def __init__(self, write: Callable[[T], None], depth: int = 2) -> None:
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._abandon = threading.Event()
        self._thread = threading.Thread(target=self._run, name="atelier-writer", daemon=True)

    def __enter__(self) -> BackgroundWriter[T]:
        self._thread.start()
        return self

    def submit(self, item: T) -> None:
        """Queue ``item`` for writing (blocks while the queue is full).

        Raises:
            BaseException: Whatever the worker raised on an earlier item.
        """
        self._raise_if_failed()
        self._queue.put(item)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._abandon.set()
        self._queue.put(_DONE)
        self._thread.join()
        if exc_type is None:
            self._raise_if_failed()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if self._error is not None or self._abandon.is_set():
                continue  # keep draining so that the producer never blocks forever
            try:
                self._write(item)  # type: ignore[arg-type]
            except BaseException as exc:  # re-raised in the producer's thread
                self._error = exc

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error
