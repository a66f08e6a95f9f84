"""Terminal output of the CLI: progress bars, summaries and one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

if TYPE_CHECKING:
    # for annotations only: importing the ingest package at run time would load pandas and
    # every feed's reader before `atelier --help` prints a line
    from service.ingest.progress import ProgressTask
    from service.ingest.report import IngestReport

console = Console(stderr=True)
out = Console()


class _RichTask:
    def __init__(self, progress: Progress, task_id: TaskID) -> None:
        self._progress = progress
        self._task_id = task_id

    def update(self, completed: int) -> None:
        self._progress.update(self._task_id, completed=completed)


class RichProgress:
    """Progress bars on the terminal (stderr), one per task."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._stages: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._progress.stop()

    def stage(self, description: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` on the bar called ``description`` (created on first use)."""
        if description not in self._stages:
            self._stages[description] = self._progress.add_task(description, total=total)
        self._progress.update(self._stages[description], completed=done, total=total)

    def task(self, description: str, total: int | None) -> AbstractContextManager[ProgressTask]:
        """Show a bar for one piece of work."""
        return self._task(description, total)

    @contextmanager
    def _task(self, description: str, total: int | None) -> Iterator[ProgressTask]:
        task_id = self._progress.add_task(description, total=total)
        try:
            yield _RichTask(self._progress, task_id)
        finally:
            if total is not None:
                self._progress.update(task_id, completed=total)


def print_report(report: IngestReport) -> None:
    """Print a run's summary table, and its first bad rows."""
    table = Table(title=f"ingest {report.kind}: {report.seconds:.1f} s")
    for column in ("table", "read", "written", "skipped (bad)"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, counts in report.tables.items():
        table.add_row(name, f"{counts.read:,}", f"{counts.written:,}", f"{counts.skipped:,}")
    out.print(table)
    if report.bad_row_count:
        console.print(f"[yellow]{report.bad_row_count:,} bad row(s) skipped[/yellow]; first ones:")
        for bad in report.bad_rows[:10]:
            console.print(f"  {bad}", markup=False, highlight=False)
