"""State shared by the CLI's commands: the settings and how to report errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from service.settings import Settings


@dataclass
class CliState:
    """Built once by the root callback from the environment and global options."""

    settings: Settings
    verbose: bool = False

    def engine(self) -> Engine:
        """An engine for the configured catalogue store."""
        # imported here: SQLAlchemy and the store's models are a quarter of a second that
        # `atelier --help` and the commands without a store need not wait for
        from service.store import create_store_engine

        return create_store_engine(self.settings.catalogue_url)


def state(ctx: typer.Context) -> CliState:
    """The state the root callback stored on the click context."""
    found = ctx.find_root().obj
    assert isinstance(found, CliState)
    return found
