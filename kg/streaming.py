"""N-Quads fed to pyoxigraph's bulk loader while they are written, through a named pipe.

A full build writes a few million statements in Python and bulk-loads them. Written to a file
first, the two steps take turns: the loader (Rust, several threads, the GIL released) waits
for the last line, and then the Python writer sits idle. Through a pipe the loader parses and
indexes each statement while the next ones are written, on the other cores.

The loader opens the pipe by its path (``bulk_load(path=...)``), so it reads the bytes without
the GIL; a Python file object as its input would be read back through the GIL, a few KB at a
time, against the writer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

#: Bytes the writer gathers before each write into the pipe.
WRITE_BUFFER = 1 << 20


class LoadFailed(RuntimeError):
    """The bulk loader stopped before the writer was done; the message says why."""


@contextmanager
def streamed_load(target: ox.Store, folder: Path) -> Iterator[TextIO]:
    """A text handle whose N-Quads are bulk-loaded into ``target`` as they are written.

    Leaving the block without an error waits for the loader to take the last statement. On
    an error in the block the loader is stopped where it is (``target`` then holds a part of
    the statements: load into a store of its own and drop it, see
    :meth:`kg.store.EmbeddedStore.replacing`).

    Args:
        target: The store to load into.
        folder: An empty folder of the caller's, for the pipe.

    Raises:
        LoadFailed: If the loader failed (a statement it cannot parse, a full disk); the
            writer's broken pipe is chained to it.
    """
    pipe = folder / "statements.nq"
    try:
        os.mkfifo(pipe)
    except (AttributeError, OSError):  # no named pipes here (Windows, some shared folders)
        with _written_then_loaded(target, pipe) as handle:
            yield handle
        return
    failures: list[BaseException] = []

    def load() -> None:
        try:
            # lenient: the statements come from kg.nquads, which escaped every IRI and literal
            target.bulk_load(path=str(pipe), format=ox.RdfFormat.N_QUADS, lenient=True)
        except BaseException as exc:  # raised again in the writer's thread below
            failures.append(exc)

    loader = threading.Thread(target=load, name="bulk-load", daemon=True)
    loader.start()
    descriptor = _open_for_writing(pipe, loader, failures)
    handle = open(descriptor, "w", encoding="utf-8", buffering=WRITE_BUFFER)  # noqa: SIM115
    try:
        yield handle
    except BaseException as exc:
        # the end of the pipe: the loader reads to the end of what was written and stops
        with contextlib.suppress(BrokenPipeError):
            handle.close()
        loader.join()
        if isinstance(exc, BrokenPipeError) and failures:
            raise LoadFailed(f"the bulk load stopped: {failures[0]}") from failures[0]
        raise
    try:
        handle.close()
    except BrokenPipeError:
        loader.join()
        if not failures:
            raise
    loader.join()
    if failures:
        raise LoadFailed(f"the bulk load stopped: {failures[0]}") from failures[0]


@contextmanager
def _written_then_loaded(target: ox.Store, path: Path) -> Iterator[TextIO]:
    """The statements written to a file first, then bulk-loaded (where no pipe can be made)."""
    with path.open("w", encoding="utf-8") as handle:
        yield handle
    try:
        target.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)
    except (OSError, SyntaxError, ValueError) as exc:
        raise LoadFailed(f"the bulk load stopped: {exc}") from exc
    finally:
        path.unlink()


def _open_for_writing(pipe: Path, loader: threading.Thread, failures: list[BaseException]) -> int:
    """The pipe's writing end, once the loader has opened its reading end.

    Opening a named pipe for writing waits for a reader; should the loader fail before it
    opens the pipe, a plain ``open`` would wait forever. Opened without waiting, the pipe
    answers ENXIO until the reader is there.
    """
    while True:
        try:
            descriptor = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if not loader.is_alive():
                reason = failures[0] if failures else "it ended without reading"
                raise LoadFailed(f"the bulk load did not start: {reason}") from None
            time.sleep(0.001)
            continue
        os.set_blocking(descriptor, True)
        return descriptor
