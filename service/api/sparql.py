"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` (read-only) and ``/sparql/update`` (token).

The protocol itself lives in :mod:`kg.protocol` and execution in :mod:`kg.worker` (embedded
store, killable) or :mod:`kg.endpoint` (remote store); this module only moves HTTP in and out,
checks the update token and holds the endpoint the lifespan opened.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from kg.endpoint import RemoteEndpoint, SparqlEndpoint
from kg.protocol import HttpParts, ProtocolError, parse_query, parse_update
from kg.worker import QueryWorker, WorkerConfig
from service.graph.stores import remote_config
from service.settings import Settings

log = logging.getLogger(__name__)

router = APIRouter(tags=["knowledge graph"])

#: Every method is routed here so that the protocol, not the router, answers 405 with Allow.
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


@dataclass
class SparqlService:
    """The endpoint opened at start-up, or why there is none, and the update token."""

    endpoint: SparqlEndpoint | None
    problem: str | None
    token: str | None

    def close(self) -> None:
        """Stop the worker or close the remote client."""
        if self.endpoint is not None:
            self.endpoint.close()


def open_sparql(settings: Settings) -> SparqlService:
    """Open the configured graph store's endpoint (never raises: a problem is kept instead)."""
    limits = WorkerConfig(settings.sparql_timeout_s, settings.sparql_max_result_bytes)
    try:
        if settings.sparql_query_url:
            endpoint: SparqlEndpoint = RemoteEndpoint(remote_config(settings), limits)
        else:
            settings.graph_path.parent.mkdir(parents=True, exist_ok=True)
            endpoint = QueryWorker(settings.graph_path, limits)
    except (OSError, ProtocolError) as exc:
        log.warning("SPARQL endpoint unavailable: %s", exc)
        return SparqlService(None, f"the graph store is unavailable: {exc}", None)
    return SparqlService(endpoint, None, settings.sparql_update_token)


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
    if service.endpoint is None:
        raise ProtocolError(503, service.problem or "the graph store is unavailable")
    return service


def _error(exc: ProtocolError) -> Response:
    headers = dict(exc.headers)
    if exc.status == 503:
        headers.setdefault("Retry-After", "5")
    return Response(exc.message, exc.status, headers, "text/plain; charset=utf-8")


@router.api_route("/sparql", methods=METHODS, summary="SPARQL 1.1 query (read-only)")
async def query(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation: GET, POST form-encoded or POST direct."""
    try:
        parsed = parse_query(await _parts(request))
        endpoint = _service(request).endpoint
        assert endpoint is not None
    except ProtocolError as exc:
        return _error(exc)
    answer = await run_in_threadpool(endpoint.query, parsed)
    return Response(answer.body, answer.status, answer.headers, answer.media_type)


@router.api_route("/sparql/update", methods=METHODS, summary="SPARQL 1.1 update (token)")
async def update(request: Request) -> Response:
    """SPARQL 1.1 Protocol update operation: POST form-encoded or direct, bearer token."""
    try:
        parts = await _parts(request)
        parsed = parse_update(parts)
        service = _service(request)
        _check_token(service.token, request.headers.get("authorization"))
        assert service.endpoint is not None
    except ProtocolError as exc:
        return _error(exc)
    answer = await run_in_threadpool(service.endpoint.update, parsed)
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
