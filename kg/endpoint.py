"""SPARQL endpoints behind one interface: the embedded store's worker, or a remote store.

:class:`kg.worker.QueryWorker` serves the embedded store; :class:`RemoteEndpoint` forwards
the same protocol requests to a remote SPARQL 1.1 store (``oxigraph serve``, Fuseki, ...),
with the same timeout (503) and result-size limit (500).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlencode

import httpx

from kg.protocol import FORM_TYPE, ProtocolResponse, QueryRequest, UpdateRequest
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
        form = [("query", request.query)]
        form += [("default-graph-uri", g) for g in request.default_graphs]
        form += [("named-graph-uri", g) for g in request.named_graphs]
        headers = {"Accept": request.media_type, "Content-Type": FORM_TYPE}
        return self._send(self.remote.query_url, headers, content=urlencode(form).encode())

    def update(self, request: UpdateRequest) -> ProtocolResponse:
        """POST the update directly, with the remote store's token when it needs one."""
        if self.remote.update_url is None:
            return _text(403, "the remote graph store has no update endpoint configured")
        params = [("using-graph-uri", g) for g in request.using_graphs]
        params += [("using-named-graph-uri", g) for g in request.using_named_graphs]
        headers = {"Content-Type": "application/sparql-update"}
        if self.remote.token:
            headers["Authorization"] = f"Bearer {self.remote.token}"
        return self._send(
            self.remote.update_url, headers, params=params, content=request.update.encode()
        )

    def _send(self, url: str, headers: dict[str, str], **kwargs: object) -> ProtocolResponse:
        try:
            with self.client.stream("POST", url, headers=headers, **kwargs) as response:  # type: ignore[arg-type]
                body = bytearray()
                for chunk in response.iter_bytes():
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


def _status(remote: int) -> int:
    # A remote 2xx other than 200/204 is passed on; its 5xx become 502 (our server is fine).
    return 502 if remote >= 500 else remote


def _text(status: int, message: str) -> ProtocolResponse:
    return ProtocolResponse(status, message.encode(), "text/plain; charset=utf-8")
