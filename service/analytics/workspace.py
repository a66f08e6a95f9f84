"""Which data an analysis reads: the demo world under ATELIER_HOME, or the shared H&M files.

Notebooks call :func:`open_workspace` first. ``ATELIER_HOME`` names the home whose catalogue
store, graph and models they read (the demo world by default); when ``ATELIER_DATA`` points
at an H&M Kaggle folder, the analyses that read raw files (the recommender's evaluation splits)
read it instead of the demo world's files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from service.errors import ConfigurationError
from service.settings import Settings
from service.store import create_store_engine

#: Files that identify an H&M Kaggle folder (a catalogue and a transactions file).
HM_MARKERS = ("articles", "transactions")


@dataclass(frozen=True)
class Workspace:
    """The home an analysis reads and, for H&M, the raw data folder.

    Attributes:
        settings: Settings read from the environment (``ATELIER_HOME``, ``DATABASE_URL``).
        data: The H&M folder when ``ATELIER_DATA`` names one, else ``None`` (demo world).
    """

    settings: Settings
    data: Path | None = None

    @property
    def kind(self) -> str:
        """``"hm"`` for the H&M data, ``"demo"`` for the demo world."""
        return "hm" if self.data is not None else "demo"

    @property
    def home(self) -> Path:
        """ATELIER_HOME."""
        return self.settings.atelier_home

    @property
    def demo_world(self) -> Path:
        """Folder of the demo world's files (feeds, photos, ground truth)."""
        return self.home / "demo-world"

    @cached_property
    def engine(self) -> Engine:
        """An engine on the home's catalogue store."""
        return create_store_engine(self.settings.catalogue_url)

    def describe(self) -> str:
        """One line naming what this workspace reads."""
        source = f"H&M data at {self.data}" if self.data else f"demo world at {self.demo_world}"
        return f"{source}; ATELIER_HOME={self.home}"


def is_hm_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an H&M catalogue and transactions (CSV or Parquet)."""
    return all(any(folder.glob(f"{marker}*")) for marker in HM_MARKERS)


def open_workspace(environ: Mapping[str, str] | None = None) -> Workspace:
    """The workspace the environment describes.

    Raises:
        ConfigurationError: ``ATELIER_DATA`` is set but is not an H&M folder, or the home
            holds no catalogue store (build one with ``atelier demo --no-serve``).
    """
    env = os.environ if environ is None else environ
    settings = Settings.model_validate(_settings_from(env))
    raw = env.get("ATELIER_DATA", "").strip()
    data = Path(raw).expanduser() if raw else None
    if data is not None and not is_hm_folder(data):
        raise ConfigurationError(
            f"ATELIER_DATA={data} is not an H&M folder (articles.* and transactions*.* expected)"
        )
    if settings.database_url is None and not (settings.atelier_home / "catalogue.db").is_file():
        raise ConfigurationError(
            f"no catalogue store in ATELIER_HOME={settings.atelier_home}: "
            "run `atelier demo --no-serve` (or ingest data) first"
        )
    return Workspace(settings=settings, data=data)


def _settings_from(env: Mapping[str, str]) -> dict[str, object]:
    """Settings fields taken from ``env`` (so tests can pass a plain mapping)."""
    fields = {"atelier_home": "ATELIER_HOME", "database_url": "DATABASE_URL"}
    return {field: env[name] for field, name in fields.items() if env.get(name)}
