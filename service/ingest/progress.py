"""How long-running ingestion reports progress, without knowing who is watching."""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol


class ProgressTask(Protocol):
    """One bar: a named piece of work with an optional total."""

    def update(self, completed: int) -> None:
        """Set how much of the total is done."""


class Progress(Protocol):
    """Something that shows progress (a terminal bar, a log, nothing)."""

    def task(self, description: str, total: int | None) -> AbstractContextManager[ProgressTask]:
        """Start a task; it ends when the context exits."""


class _SilentTask(AbstractContextManager["_SilentTask"]):
    def update(self, completed: int) -> None:
        """Ignore progress."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class SilentProgress:
    """Progress that shows nothing (tests, libraries, scripts)."""

    def task(self, description: str, total: int | None) -> AbstractContextManager[ProgressTask]:
        """Start a task that reports nowhere."""
        return _SilentTask()
