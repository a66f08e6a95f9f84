"""What an ingestion run read, stored and skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How many bad rows a report keeps word for word; the rest are only counted.
KEPT_BAD_ROWS = 50


@dataclass(frozen=True)
class BadRow:
    """A row that could not be ingested, located precisely enough to fix it."""

    file: str
    line: int | None
    """The physical line (CSV, header = 1) or row (Parquet); ``None`` for a whole file."""
    problem: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.problem}"
        return f"{self.file}, line {self.line}: {self.problem}"


@dataclass
class TableCounts:
    """Rows of one kind: read from the inputs, newly written, and skipped as bad."""

    read: int = 0
    written: int = 0
    skipped: int = 0


@dataclass
class IngestReport:
    """The outcome of one ingestion run."""

    kind: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_row_count: int = 0
    seconds: float = 0.0
    changed_articles: set[int] = field(default_factory=set)
    """Store ids of the articles the run added, or whose name, style or feed record it changed
    (what a built knowledge graph must refresh)."""

    def counts(self, table: str) -> TableCounts:
        """The counters of ``table``, created on first use."""
        return self.tables.setdefault(table, TableCounts())

    def add_bad_row(self, bad: BadRow, table: str) -> None:
        """Count a skipped row, keeping the first few word for word."""
        self.counts(table).skipped += 1
        self.bad_row_count += 1
        if len(self.bad_rows) < KEPT_BAD_ROWS:
            self.bad_rows.append(bad)

    @property
    def written(self) -> int:
        """Rows newly written across all tables."""
        return sum(c.written for c in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "kind": self.kind,
            "seconds": round(self.seconds, 3),
            "tables": {name: vars(c).copy() for name, c in self.tables.items()},
            "articles_changed": len(self.changed_articles),
            "bad_rows": self.bad_row_count,
            "first_bad_rows": [str(b) for b in self.bad_rows],
        }
