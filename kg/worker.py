"""Running SPARQL where a runaway query can be stopped: a worker process that owns the store.

pyoxigraph has no query timeout, and a thread cannot be killed, so the embedded store is opened
by one child process; the parent sends it a request over a pipe and waits. Past the timeout
the parent kills the child (which really stops the query), starts a fresh one and answers 503.
The child serialises results itself (pyoxigraph's serialisers are native code) and refuses
bodies over the size limit.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.graphstore import GraphRequest, run_graph_request
from kg.protocol import (
    ProtocolError,
    ProtocolResponse,
    QueryRequest,
    UpdateRequest,
    content_type,
)
from kg.update_dataset import with_using

_CONTEXT = mp.get_context("spawn")  # never fork a threaded server


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """Limits of the query worker.

    Attributes:
        timeout_s: Seconds a query or update may run before the worker is killed.
        max_result_bytes: Largest serialised result returned.
        start_timeout_s: Seconds the worker may take to open the store.
    """

    timeout_s: float = 10.0
    max_result_bytes: int = 50_000_000
    start_timeout_s: float = 60.0


class QueryWorker:
    """A killable child process that owns an on-disk pyoxigraph store."""

    def __init__(self, path: Path, config: WorkerConfig | None = None) -> None:
        self.path, self.config = path, config or WorkerConfig()
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        parent, child = _CONTEXT.Pipe()
        self._process = _CONTEXT.Process(
            target=serve, args=(child, str(self.path), self.config.max_result_bytes), daemon=True
        )
        self._process.start()
        child.close()
        self._conn = parent
        if not parent.poll(self.config.start_timeout_s):
            self._kill()
            raise ProtocolError(503, "the graph store did not open in time")
        try:
            status, message = parent.recv()
        except EOFError:
            status, message = "error", "the worker process exited while starting"
        if status != "ready":
            self._process.join(5)
            raise OSError(f"cannot open the graph store at {self.path}: {message}")

    def query(self, request: QueryRequest) -> ProtocolResponse:
        """Run a query; 503 (and a restarted worker) when it runs past the timeout."""
        return self._call(("query", request))

    def update(self, request: UpdateRequest) -> ProtocolResponse:
        """Run an update; 503 when it runs past the timeout (it is then not applied)."""
        return self._call(("update", request))

    def graph(self, request: GraphRequest) -> ProtocolResponse:
        """Run a Graph Store Protocol request, under the same timeout and size limit."""
        return self._call(("graph", request))

    def _call(
        self, message: tuple[str, QueryRequest | UpdateRequest | GraphRequest]
    ) -> ProtocolResponse:
        with self._lock:
            if not self._process.is_alive():
                self._start()
            self._conn.send(message)
            if not self._conn.poll(self.config.timeout_s):
                self._kill()
                self._start()
                limit = self.config.timeout_s
                return _error(503, f"the query ran past the {limit:g} s limit and was stopped")
            try:
                response: ProtocolResponse = self._conn.recv()
            except EOFError:
                self._start()
                return _error(500, "the query worker died while running the query")
            return response

    def _kill(self) -> None:
        self._process.kill()
        self._process.join(10)
        self._conn.close()

    def close(self) -> None:
        """Stop the worker (the store is flushed by its process exiting cleanly)."""
        with self._lock:
            if self._process.is_alive():
                try:
                    self._conn.send(("stop", None))
                    self._process.join(10)
                except (BrokenPipeError, OSError):
                    pass
            if self._process.is_alive():
                self._kill()
            self._conn.close()


_TEXT = "text/plain; charset=utf-8"


def _error(status: int, message: str) -> ProtocolResponse:
    return ProtocolResponse(status, message.encode(), _TEXT)


def serve(conn: Connection, path: str, max_bytes: int) -> None:
    """The worker's loop: open the store, then answer requests until told to stop."""
    try:
        store = ox.Store(path)
    except OSError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            kind, request = conn.recv()
        except EOFError:  # the parent is gone (killed): nothing is left to answer
            kind, request = "stop", None
        if kind == "stop":
            store.flush()
            return
        if isinstance(request, QueryRequest):
            conn.send(run_query(store, request, max_bytes))
        elif isinstance(request, UpdateRequest):
            conn.send(run_update(store, request))
        elif isinstance(request, GraphRequest):
            conn.send(run_graph(store, request, max_bytes))


def run_query(store: ox.Store, request: QueryRequest, max_bytes: int) -> ProtocolResponse:
    """Execute a query and serialise its result in the negotiated media type."""
    try:
        result = _execute(store, request)
        body = _serialise(result, request.media_type, max_bytes)
    except ResultTooLarge:
        return _error(500, f"the result is larger than {max_bytes:,} bytes: add a LIMIT")
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    except ProtocolError as exc:
        return _error(exc.status, exc.message)
    except (OSError, ValueError, RuntimeError) as exc:
        return _error(500, f"query failed: {exc}")
    return ProtocolResponse(200, body, content_type(request.media_type))


def _execute(
    store: ox.Store, request: QueryRequest
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    # The protocol's dataset, when given, replaces the store's (union) default graph.
    base = request.base_iri
    if not request.default_graphs and not request.named_graphs:
        return store.query(request.query, base_iri=base, use_default_graph_as_union=True)
    # A protocol dataset is complete: graphs it does not name are not in it (SPARQL 1.1
    # Protocol 2.1.4), so an empty list means an empty default graph or no named graphs.
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(g) for g in request.default_graphs
    ]
    named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in request.named_graphs]
    return store.query(request.query, base_iri=base, default_graph=default, named_graphs=named)


class ResultTooLarge(Exception):
    """A serialised result grew past the size limit (raised while it is being written)."""


class LimitedBuffer(io.RawIOBase):
    """A write-only buffer that stops the serialiser as soon as the limit is passed."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.chunks, self.size = limit, list[bytes](), 0

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data: Any) -> int:
        """Keep a chunk, or raise :class:`ResultTooLarge` past the limit."""
        chunk = bytes(data)
        self.size += len(chunk)
        if self.size > self.limit:
            raise ResultTooLarge
        self.chunks.append(chunk)
        return len(chunk)


def _serialise(result: object, media_type: str, max_bytes: int) -> bytes:
    buffer = LimitedBuffer(max_bytes)
    out = cast(IO[bytes], buffer)
    if isinstance(result, ox.QueryTriples):
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise ProtocolError(406, f"a graph cannot be written as {media_type}")
        result.serialize(out, format=rdf_format)
    else:
        assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is None:
            raise ProtocolError(406, f"query results cannot be written as {media_type}")
        result.serialize(out, format=results_format)
    return b"".join(buffer.chunks)


def run_update(store: ox.Store, request: UpdateRequest) -> ProtocolResponse:
    """Execute an update (in one transaction: all of it applies, or none)."""
    update = request.update
    if request.using_graphs or request.using_named_graphs:
        update = with_using(update, request.using_graphs, request.using_named_graphs)
    try:
        store.update(update, base_iri=request.base_iri)
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    except (OSError, ValueError, RuntimeError) as exc:
        return _error(500, f"update failed: {exc}")
    return ProtocolResponse(204, b"", "text/plain")


def run_graph(store: ox.Store, request: GraphRequest, max_bytes: int) -> ProtocolResponse:
    """Run a Graph Store Protocol request; a graph read is refused past the size limit."""
    buffer = LimitedBuffer(max_bytes)
    try:
        answer = run_graph_request(store, request, cast(IO[bytes], buffer))
    except ResultTooLarge:
        return _error(500, f"the graph is larger than {max_bytes:,} bytes")
    except ProtocolError as exc:
        return ProtocolResponse(exc.status, exc.message.encode(), _TEXT, exc.headers)
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    except (OSError, ValueError, RuntimeError) as exc:
        return _error(500, f"graph store request failed: {exc}")
    body = b"".join(buffer.chunks)
    return ProtocolResponse(answer.status, body, answer.media_type, answer.headers)
