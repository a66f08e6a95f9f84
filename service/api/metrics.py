"""Prometheus metrics: request latency per route, recommendations, events, model version.

Each app gets its own registry (not the process-global default), so several apps in one process
(tests, a reload) never collide, and ``/metrics`` shows exactly this app's figures.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Request latencies of a recommendation service: most answers in a few milliseconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class Metrics:
    """The app's collectors, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "atelier_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status.",
            ("method", "route", "status"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.recommendations = Counter(
            "atelier_recommendations_served",
            "Shelves of recommendations answered, by shelf and whether it was a cold start.",
            ("shelf", "cold_start"),
            registry=self.registry,
        )
        self.events = Counter(
            "atelier_events_stored",
            "Live events posted, by outcome (stored, or duplicate of an already stored id).",
            ("outcome",),
            registry=self.registry,
        )
        self.model = Gauge(
            "atelier_model_info",
            "The recommendation model serving: 1 for its version, absent before the first load.",
            ("version",),
            registry=self.registry,
        )

    def model_loaded(self, version: str) -> None:
        """Show ``version`` as the serving model (and no other)."""
        self.model.clear()
        self.model.labels(version=version).set(1)


class LatencyMiddleware:
    """Observes every HTTP request's duration under its route template (not its raw path,
    which would give one time series per article id).
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and record its route, status and latency."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.latency.labels(scope["method"], template, str(status)).observe(
                time.perf_counter() - start
            )


router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"example": "atelier_model_info{...} 1.0"}}}},
)
def metrics(request: Request) -> Response:
    """Request latency histograms, recommendations served, events stored, model version."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
