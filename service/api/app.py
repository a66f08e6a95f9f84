"""The FastAPI application factory.

Resources (catalogue store, graph store, models) are opened in the lifespan and kept on
``app.state``; routers live one per concern in this package and are registered here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from threadpoolctl import threadpool_limits

from recommender.serving import Shelves
from service.api import (
    admin,
    customers,
    events,
    health,
    metrics,
    problems,
    products,
    readiness,
    shelves,
    sparql,
    storefront,
)
from service.api.heap import settle_heap
from service.api.limits import BodyLimitMiddleware
from service.api.metrics import LatencyMiddleware, Metrics
from service.api.resources import ModelLoader, open_resources, reload_model
from service.settings import Settings

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, model_loader: ModelLoader | None = None
) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted).

    Args:
        settings: Where the stores live and how to reach them.
        model_loader: Builds the recommendation model from an artifact folder (default:
            :meth:`recommender.serving.Shelves.load`; the artifact carries the catalogue facts
            it was trained with, so serving needs no graph).

    Returns:
        The app, ready for uvicorn or a test client.
    """
    resolved = settings or Settings()
    meters = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = resolved
        app.state.metrics = meters
        # Scoring one shopper is a memory-bound matrix-vector product over the catalogue:
        # BLAS threads only contend with the other requests in flight (H&M, 105,542 articles,
        # one core busy: 5.3 ms with two threads, 1.1 ms with one), so serving uses one.
        blas = threadpool_limits(1, "blas")
        loader = model_loader or Shelves.load
        resources = await asyncio.to_thread(open_resources, resolved, meters, loader)
        settle_heap(collect=True)  # nothing is served yet: a full collection costs no request
        app.state.resources = resources
        app.state.sparql = sparql.open_sparql(resolved)
        _reload_on_sighup(lambda: reload_model(resources))
        try:
            yield
        finally:
            app.state.sparql.close()
            resources.close()
            blas.restore_original_limits()

    app = FastAPI(
        title="Atelier",
        summary="Knowledge-graph-driven fashion recommendations.",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.settings = resolved
    problems.install(app)
    app.include_router(health.router)
    app.include_router(readiness.router)
    app.include_router(metrics.router)
    app.include_router(events.router)
    app.include_router(products.router)
    app.include_router(shelves.router)
    app.include_router(customers.router)
    app.include_router(admin.router)
    app.include_router(sparql.router)
    storefront.mount(app)
    if resolved.atelier_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(resolved.atelier_cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    app.add_middleware(BodyLimitMiddleware, limit=resolved.atelier_max_request_bytes)
    app.add_middleware(LatencyMiddleware, metrics=meters)
    return app


def _reload_on_sighup(reload: Any) -> None:
    """Reload the model on SIGHUP (``kill -HUP <pid>`` after ``atelier train``).

    The load runs in a worker thread so requests keep being answered meanwhile. Only the main
    thread's event loop can take signals; under a test client there is none, and nothing is
    installed.
    """
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.run_in_executor(None, reload))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("atelier")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0+unknown"
