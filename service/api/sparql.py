"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` (read-only) and ``/sparql/update`` (token).

The protocol itself lives in :mod:`kg.protocol` and execution in :mod:`kg.worker` (embedded
store, killable) or :mod:`kg.endpoint` (remote store); this module only moves HTTP in and out,
checks the update token and holds the endpoint the lifespan opened.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from kg.endpoint import RemoteEndpoint, SparqlEndpoint
from kg.protocol import HttpParts, ProtocolError, parse_query, parse_update
from kg.worker import QueryWorker, WorkerConfig
from service.graph.stores import remote_config
from service.settings import Settings

log = logging.getLogger(__name__)

router = APIRouter(tags=["knowledge graph"])
_Handler = Callable[[Request], Awaitable[Response]]

#: The protocol's methods, documented one route each so every operation has its own id.
DOCUMENTED = ("GET", "POST")
#: Routed too, but left out of the schema, so the protocol, not the router, answers 405 + Allow.
UNDOCUMENTED = ["PUT", "DELETE", "PATCH"]


def _sparql_route(path: str, summary: str) -> Callable[[_Handler], _Handler]:
    """Route every method of ``path`` to one handler, each documented method on its own."""

    def register(handler: _Handler) -> _Handler:
        for method in DOCUMENTED:
            router.add_api_route(path, handler, methods=[method], summary=summary)
        router.add_api_route(path, handler, methods=UNDOCUMENTED, include_in_schema=False)
        return handler

    return register


class SparqlService:
    """The endpoint of the configured graph store, opened on first use, and the update token.

    Opening lazily keeps the app's start fast (the worker process starts only when someone
    asks a query) and lets a store that was busy (``atelier kg build`` holds it) come back.
    """

    def __init__(self, factory: Callable[[], SparqlEndpoint], token: str | None) -> None:
        self._factory, self.token = factory, token
        self._endpoint: SparqlEndpoint | None = None
        self._lock = threading.Lock()

    def endpoint(self) -> SparqlEndpoint:
        """The endpoint, opened now if needed.

        Raises:
            ProtocolError: 503 when the graph store cannot be opened (with the reason).
        """
        with self._lock:
            if self._endpoint is None:
                try:
                    self._endpoint = self._factory()
                except (OSError, ProtocolError) as exc:
                    log.warning("SPARQL endpoint unavailable: %s", exc)
                    raise ProtocolError(503, f"the graph store is unavailable: {exc}") from exc
            return self._endpoint

    async def ready_endpoint(self) -> SparqlEndpoint:
        """The endpoint; opened in a worker thread the first time (it may take a second)."""
        endpoint = self._endpoint
        return endpoint if endpoint is not None else await run_in_threadpool(self.endpoint)

    def close(self) -> None:
        """Stop the worker or close the remote client."""
        with self._lock:
            if self._endpoint is not None:
                self._endpoint.close()
                self._endpoint = None


def open_sparql(settings: Settings) -> SparqlService:
    """The SPARQL service for the settings (nothing is opened until the first request)."""
    limits = WorkerConfig(settings.sparql_timeout_s, settings.sparql_max_result_bytes)

    def factory() -> SparqlEndpoint:
        if settings.sparql_query_url:
            return RemoteEndpoint(remote_config(settings), limits)
        settings.graph_path.parent.mkdir(parents=True, exist_ok=True)
        return QueryWorker(settings.graph_path, limits)

    return SparqlService(factory, settings.sparql_update_token)


async def _parts(request: Request) -> HttpParts:
    return HttpParts(
        method=request.method,
        content_type=request.headers.get("content-type"),
        url_params=list(request.query_params.multi_items()),
        body=await request.body(),
        accept=request.headers.get("accept"),
    )


def _service(request: Request) -> SparqlService:
    service: SparqlService = request.app.state.sparql
    return service


def _error(exc: ProtocolError) -> Response:
    headers = dict(exc.headers)
    if exc.status == 503:
        headers.setdefault("Retry-After", "5")
    return Response(exc.message, exc.status, headers, "text/plain; charset=utf-8")


@_sparql_route("/sparql", "SPARQL 1.1 query (read-only)")
async def query(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation: GET, POST form-encoded or POST direct."""
    try:
        parsed = parse_query(await _parts(request))
        endpoint = await _service(request).ready_endpoint()
    except ProtocolError as exc:
        return _error(exc)
    answer = await run_in_threadpool(endpoint.query, parsed)
    return Response(answer.body, answer.status, answer.headers, answer.media_type)


@_sparql_route("/sparql/update", "SPARQL 1.1 update (token)")
async def update(request: Request) -> Response:
    """SPARQL 1.1 Protocol update operation: POST form-encoded or direct, bearer token."""
    try:
        parts = await _parts(request)
        parsed = parse_update(parts)
        service = _service(request)
        _check_token(service.token, request.headers.get("authorization"))
        endpoint = await service.ready_endpoint()
    except ProtocolError as exc:
        return _error(exc)
    answer = await run_in_threadpool(endpoint.update, parsed)
    return Response(answer.body, answer.status, answer.headers, answer.media_type)


def _check_token(expected: str | None, authorization: str | None) -> None:
    if not expected:
        raise ProtocolError(403, "updates are disabled: set SPARQL_UPDATE_TOKEN to enable them")
    scheme, _, given = (authorization or "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="sparql-update"'}
    if scheme.lower() != "bearer" or not given:
        raise ProtocolError(401, "an update needs an Authorization: Bearer token", challenge)
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise ProtocolError(401, "wrong update token", challenge)
