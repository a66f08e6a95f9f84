"""Run-time settings, read from the environment at the entry point (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where Atelier keeps its state and how it reaches its stores.

    Every field can be set from an environment variable of the same name in upper case,
    e.g. ``ATELIER_HOME`` or ``DATABASE_URL``.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    atelier_home: Path = Field(
        default=Path("atelier-home"),
        description="Folder for the embedded catalogue database, graph store and model artifacts.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the catalogue store; SQLite under ATELIER_HOME when unset.",
    )

    @property
    def catalogue_url(self) -> str:
        """The SQLAlchemy URL of the catalogue store."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.atelier_home / 'catalogue.db').resolve()}"


def normalise_database_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain ``postgresql://`` URLs.

    Operators paste URLs as their hosting provider prints them (``postgres://`` or
    ``postgresql://``); SQLAlchemy would otherwise look for psycopg2, which we do not ship.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
