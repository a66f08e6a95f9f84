"""One tiny demo world shared by the tests of this folder (generating it takes about a second)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.demo import DemoConfig, WorldSummary, generate_world


@dataclass(frozen=True)
class World:
    config: DemoConfig
    path: Path
    summary: WorldSummary

    def rows(self, name: str) -> list[dict[str, str]]:
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def header(self, name: str) -> list[str]:
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))


TINY = DemoConfig(seed=11, n_styles=45, n_shoppers=150, days=365)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("demo-world")
    return World(TINY, path, generate_world(TINY, path))
