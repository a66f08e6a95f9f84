"""The FastAPI application factory.

Resources (catalogue store, graph store, models) are opened in the lifespan and kept on
``app.state``; routers live one per concern in this package and are registered here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service.api import health
from service.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted).

    Args:
        settings: Where the stores live and how to reach them.

    Returns:
        The app, ready for uvicorn or a test client.
    """
    resolved = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = resolved
        yield

    app = FastAPI(
        title="Atelier",
        summary="Knowledge-graph-driven fashion recommendations.",
        version=_version(),
        lifespan=lifespan,
    )
    app.include_router(health.router)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("atelier")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0+unknown"
