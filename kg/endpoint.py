"""SPARQL endpoints behind one interface: the embedded store's worker, or a remote store.

:class:`kg.worker.QueryWorker` serves the embedded store; :class:`RemoteEndpoint` forwards
the same protocol requests to a remote SPARQL 1.1 store (``oxigraph serve``, Fuseki, ...),
with the same timeout (503) and result-size limit (500). Graph Store Protocol writes reach the
remote as the SPARQL Update :mod:`kg.graphstore` built (one transaction there too); reads are
fetched from the remote's own Graph Store endpoint (``SPARQL_STORE_URL``), the one place a
store that answers queries over the union of its graphs still tells its default graph apart.
"""

from __future__ import annotations

import json
import time
from typing import Protocol
from urllib.parse import quote, urlencode

import httpx

from kg.graphstore import GraphRequest, write_response
from kg.protocol import (
    FORM_TYPE,
    ProtocolResponse,
    QueryRequest,
    UpdateRequest,
    content_type,
    media_type_of,
)
from kg.store import RemoteConfig
from kg.worker import WorkerConfig


class SparqlEndpoint(Protocol):
    """Executes protocol requests."""

    def query(self, request: QueryRequest) -> ProtocolResponse:
        """Answer a query operation."""
        ...

    def update(self, request: UpdateRequest) -> ProtocolResponse:
        """Answer an update operation."""
        ...

    def graph(self, request: GraphRequest) -> ProtocolResponse:
        """Answer a Graph Store Protocol operation."""
        ...

    def close(self) -> None:
        """Release the endpoint's resources."""
        ...


class RemoteEndpoint:
    """Forwards protocol requests to a remote SPARQL 1.1 store."""

    def __init__(self, remote: RemoteConfig, limits: WorkerConfig | None = None) -> None:
        self.remote, self.limits = remote, limits or WorkerConfig()
        self.client = httpx.Client(timeout=self.limits.timeout_s)

    def query(self, request: QueryRequest) -> ProtocolResponse:
        """POST the query (form-encoded, dataset included) and relay the answer."""
        form = [("query", with_base(request.query, request.base_iri))]
        form += [("default-graph-uri", g) for g in request.default_graphs]
        form += [("named-graph-uri", g) for g in request.named_graphs]
        headers = {"Accept": request.media_type, "Content-Type": FORM_TYPE}
        return self._send("POST", self.remote.query_url, headers, content=urlencode(form).encode())

    def update(self, request: UpdateRequest) -> ProtocolResponse:
        """POST the update directly, with the remote store's token when it needs one."""
        if self.remote.update_url is None:
            return _text(403, "the remote graph store has no update endpoint configured")
        headers = {"Content-Type": "application/sparql-update"}
        if self.remote.token:
            headers["Authorization"] = f"Bearer {self.remote.token}"
        params = [("using-graph-uri", g) for g in request.using_graphs]
        params += [("using-named-graph-uri", g) for g in request.using_named_graphs]
        text = with_base(request.update, request.base_iri).encode()
        return self._send("POST", self.remote.update_url, headers, params=params, content=text)

    def graph(self, request: GraphRequest) -> ProtocolResponse:
        """Fetch a graph from the remote's Graph Store endpoint, or write it by SPARQL Update."""
        if request.method in ("GET", "HEAD"):
            return self._read_graph(request)
        target = request.target
        exists = target.kind != "named" or self._has_graph(target.iri)
        if exists is None:
            return _text(502, "the remote graph store did not say whether the graph exists")
        if request.method == "DELETE" and not exists:
            return _text(404, f"there is no {target.describe()} in this store")
        if request.update:
            answer = self.update(UpdateRequest(request.update))
            if answer.status >= 300:
                return answer
        return write_response(request, created=not exists)

    def _read_graph(self, request: GraphRequest) -> ProtocolResponse:
        if self.remote.store_url is None:
            return _text(
                501,
                "reading whole graphs from a remote store needs its Graph Store endpoint: "
                "set SPARQL_STORE_URL (oxigraph serve: http://host:7878/store)",
            )
        target = request.target
        query = {"named": f"?graph={quote(target.iri, safe='')}", "default": "?default"}
        url = self.remote.store_url + query.get(target.kind, "")
        headers = {"Accept": request.media_type}
        if request.method == "HEAD":
            # oxigraph 0.5 sends a body with a HEAD's 404: the connection must not be reused.
            headers["Connection"] = "close"
        answer = self._send(request.method, url, headers)
        if answer.status != 200:
            return answer
        # A HEAD answer may carry no type: it is the one asked for (or the remote says 406).
        media = request.media_type if request.method == "HEAD" else answer.media_type
        media = content_type(media_type_of(media))
        return ProtocolResponse(200, answer.body, media, answer.headers)

    def _has_graph(self, iri: str) -> bool | None:
        ask = QueryRequest(f"ASK {{ GRAPH <{iri}> {{ }} }}")
        answer = self.query(ask)
        try:
            found = json.loads(answer.body)["boolean"] if answer.status == 200 else None
        except (ValueError, KeyError, TypeError):
            return None
        return found if isinstance(found, bool) else None

    def _send(
        self, method: str, url: str, headers: dict[str, str], **kwargs: object
    ) -> ProtocolResponse:
        # httpx's timeout bounds each read; the deadline bounds the whole answer, so a remote
        # that streams a huge graph slowly is stopped like the embedded worker is.
        deadline = time.monotonic() + self.limits.timeout_s
        try:
            with self.client.stream(method, url, headers=headers, **kwargs) as response:  # type: ignore[arg-type]
                body = bytearray()
                for chunk in response.iter_bytes():
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("past the deadline")
                    body += chunk
                    if len(body) > self.limits.max_result_bytes:
                        size = self.limits.max_result_bytes
                        return _text(500, f"the result is larger than {size:,} bytes: add a LIMIT")
                media = response.headers.get("content-type", "application/octet-stream")
                return ProtocolResponse(_status(response.status_code), bytes(body), media)
        except httpx.TimeoutException:
            limit = self.limits.timeout_s
            return _text(503, f"the query ran past the {limit:g} s limit and was abandoned")
        except httpx.HTTPError as exc:
            return _text(502, f"the remote graph store cannot be reached: {exc}")

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()


def with_base(text: str, base_iri: str | None) -> str:
    """``text`` with our base IRI declared first, so the remote resolves relative IRIs alike.

    A ``BASE`` the text declares itself still wins: it comes later. Kept on the first line so
    the remote's error positions keep their line numbers.
    """
    return f"BASE <{base_iri}> {text}" if base_iri else text


def _status(remote: int) -> int:
    # A remote 2xx other than 200/204 is passed on; its 5xx become 502 (our server is fine).
    return 502 if remote >= 500 else remote


def _text(status: int, message: str) -> ProtocolResponse:
    return ProtocolResponse(status, message.encode(), "text/plain; charset=utf-8")
