"""Run-time settings, read from the environment at the entry point (never at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    atelier_api_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated keys that write routes accept in the X-API-Key header.",
    )
    atelier_cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated browser origins allowed to call the API (none by default).",
    )
    atelier_max_request_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body the API accepts."
    )
    atelier_model_poll_s: float = Field(
        default=10.0,
        ge=0,
        description="Seconds between a server's looks at ATELIER_HOME/models/current: a newly "
        "published model is swapped in by every worker of every replica; 0 = only on "
        "POST /admin/reload or SIGHUP.",
    )
    atelier_host: str = Field(default="127.0.0.1", description="Interface `atelier serve` binds.")
    atelier_port: int = Field(
        default=8000, ge=1, le=65535, description="Port `atelier serve` binds."
    )
    sparql_query_url: str | None = Field(
        default=None,
        description="Remote SPARQL 1.1 query endpoint of the graph store; the embedded "
        "pyoxigraph store under ATELIER_HOME/graph when unset.",
    )
    sparql_update_url: str | None = Field(
        default=None, description="Remote SPARQL 1.1 update endpoint of the graph store."
    )
    sparql_store_url: str | None = Field(
        default=None,
        description="Remote Graph Store Protocol endpoint accepting N-Quads (bulk loads); "
        "INSERT DATA batches when unset.",
    )
    sparql_update_token: str | None = Field(
        default=None,
        description="Bearer token /sparql/update requires (and sends to a remote store); "
        "updates are refused when unset.",
    )
    sparql_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds a /sparql query may run before 503."
    )
    sparql_max_result_bytes: int = Field(
        default=50_000_000, ge=1024, description="Largest /sparql response body."
    )

    @field_validator("atelier_api_keys", "atelier_cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def catalogue_url(self) -> str:
        """The SQLAlchemy URL of the catalogue store."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.atelier_home / 'catalogue.db').resolve()}"

    @property
    def graph_path(self) -> Path:
        """Folder of the embedded graph store."""
        return self.atelier_home / "graph"

    @property
    def may_have_graph(self) -> bool:
        """Whether a graph may be there to read: a remote store is configured, or the embedded
        store's folder exists (it may still be empty).
        """
        return bool(self.sparql_query_url) or self.graph_path.exists()


def normalise_database_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain ``postgresql://`` URLs.

    Operators paste URLs as their hosting provider prints them (``postgres://`` or
    ``postgresql://``); SQLAlchemy would otherwise look for psycopg2, which we do not ship.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
