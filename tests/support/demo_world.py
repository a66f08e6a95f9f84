"""One tiny demo world for the demo tests, and how they read its files."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from service.demo import DemoConfig, WorldSummary


@dataclass(frozen=True)
class World:
    """A generated demo world: its config, its folder and what was generated."""

    config: DemoConfig
    path: Path
    summary: WorldSummary

    def rows(self, name: str) -> list[dict[str, str]]:
        """The rows of one of the world's CSV files."""
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def header(self, name: str) -> list[str]:
        """The header of one of the world's CSV files."""
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))


TINY = DemoConfig(seed=11, n_styles=45, n_shoppers=150, days=365)
