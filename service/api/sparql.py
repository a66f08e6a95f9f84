"""The SPARQL 1.1 endpoints: ``/sparql`` (read-only), ``/sparql/update`` and ``/sparql/graph``.

``/sparql`` answers queries, and its service description on a GET without parameters;
``/sparql/update`` takes updates; ``/sparql/graph`` is the Graph Store HTTP Protocol (reads for
everyone, writes with the update token, like ``/sparql/update``). The protocols live in
:mod:`kg.protocol`, :mod:`kg.graphstore` and :mod:`kg.description`, execution in
:mod:`kg.worker` (embedded store, killable) or :mod:`kg.endpoint` (remote store); this module
only moves HTTP in and out, checks the update token and holds the endpoint the lifespan opened.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from kg.description import ServiceFacts, describe
from kg.endpoint import RemoteEndpoint, SparqlEndpoint
from kg.graphstore import parse_graph_request
from kg.protocol import (
    HttpParts,
    ProtocolError,
    ProtocolResponse,
    content_type,
    negotiate,
    parse_query,
    parse_update,
    wants_description,
)
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
#: The Graph Store Protocol's methods; PATCH is routed only to be answered 405 with Allow.
GRAPH_METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
GRAPH_PATH = "/sparql/graph"


def _sparql_route(
    path: str, summary: str, documented: tuple[str, ...] = DOCUMENTED
) -> Callable[[_Handler], _Handler]:
    """Route every method of ``path`` to one handler, each documented method on its own."""
    hidden = [m for m in (*UNDOCUMENTED, "HEAD") if m not in documented]

    def register(handler: _Handler) -> _Handler:
        for method in documented:
            router.add_api_route(path, handler, methods=[method], summary=summary)
        router.add_api_route(path, handler, methods=hidden, include_in_schema=False)
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
        url=_request_url(request),
    )


def _request_url(request: Request) -> str:
    """The URL as the client sent it: Starlette's ``request.url`` has the path decoded."""
    raw_path = request.scope.get("raw_path")
    if not isinstance(raw_path, bytes):
        return str(request.url)
    return f"{request.url.scheme}://{request.url.netloc}{raw_path.decode('latin-1')}"


def _service(request: Request) -> SparqlService:
    service: SparqlService = request.app.state.sparql
    return service


def _error(exc: ProtocolError) -> Response:
    headers = dict(exc.headers)
    if exc.status == 503:
        headers.setdefault("Retry-After", "5")
    return Response(exc.message, exc.status, headers, "text/plain; charset=utf-8")


def _answer(answer: ProtocolResponse) -> Response:
    return Response(answer.body, answer.status, answer.headers, answer.media_type)


@_sparql_route("/sparql", "SPARQL 1.1 query (read-only), or the service description")
async def query(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation: GET, POST form-encoded or POST direct.

    A GET without any parameter answers the SPARQL 1.1 Service Description (Turtle unless
    the Accept header asks for N-Triples, RDF/XML or JSON-LD).
    """
    try:
        parts = await _parts(request)
        if wants_description(parts):
            return _description(request, parts)
        parsed = parse_query(parts)
        endpoint = await _service(request).ready_endpoint()
    except ProtocolError as exc:
        return _error(exc)
    return _answer(await run_in_threadpool(endpoint.query, parsed))


def _description(request: Request, parts: HttpParts) -> Response:
    settings: Settings = request.app.state.settings
    base = str(request.base_url).rstrip("/")
    facts = ServiceFacts(
        query_url=base + "/sparql",
        update_url=base + "/sparql/update" if _service(request).token else None,
        graph_store_url=base + GRAPH_PATH,
        timeout_s=settings.sparql_timeout_s,
        max_result_bytes=settings.sparql_max_result_bytes,
    )
    media_type = negotiate(parts.accept, "describe")
    return Response(describe(facts, media_type), 200, media_type=content_type(media_type))


@_sparql_route(GRAPH_PATH, "SPARQL 1.1 Graph Store Protocol (writes: token)", GRAPH_METHODS)
async def graph_store(request: Request) -> Response:
    """Graph Store HTTP Protocol: ``?graph=IRI``, ``?default`` or the whole dataset.

    GET and HEAD for everyone (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD); PUT
    (replace), POST (add; to the endpoint itself: a new graph) and DELETE with
    ``Authorization: Bearer $SPARQL_UPDATE_TOKEN``.
    """
    return await _graph_store(request, "")


@_sparql_route(GRAPH_PATH + "/{path:path}", "Graph Store Protocol by URL", GRAPH_METHODS)
async def graph_store_direct(request: Request) -> Response:
    """The Graph Store Protocol on the graph whose IRI is this URL (direct identification)."""
    # The graph's IRI is the URL as sent (percent-encoding kept), not the decoded path.
    sent = _request_url(request).split("?", 1)[0]
    return await _graph_store(request, sent.split(GRAPH_PATH + "/", 1)[-1])


async def _graph_store(request: Request, path: str) -> Response:
    try:
        parts = await _parts(request)
        service = _service(request)
        if parts.method.upper() not in ("GET", "HEAD"):
            # The token comes first: without it, the body is not even parsed.
            _check_token(service.token, request.headers.get("authorization"))
        endpoint_url = str(request.base_url).rstrip("/") + GRAPH_PATH
        # Parsing a body (up to ATELIER_MAX_REQUEST_BYTES of RDF) is CPU work: off the loop.
        parsed = await run_in_threadpool(parse_graph_request, parts, endpoint_url, path)
        endpoint = await service.ready_endpoint()
    except ProtocolError as exc:
        return _error(exc)
    return _answer(await run_in_threadpool(endpoint.graph, parsed))


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
    return _answer(await run_in_threadpool(endpoint.update, parsed))


def _check_token(expected: str | None, authorization: str | None) -> None:
    if not expected:
        raise ProtocolError(403, "updates are disabled: set SPARQL_UPDATE_TOKEN to enable them")
    scheme, _, given = (authorization or "").partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="sparql-update"'}
    if scheme.lower() != "bearer" or not given:
        raise ProtocolError(401, "an update needs an Authorization: Bearer token", challenge)
    if not hmac.compare_digest(expected.encode(), given.strip().encode()):
        raise ProtocolError(401, "wrong update token", challenge)
