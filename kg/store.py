"""Graph stores behind one interface: pyoxigraph on disk, or a remote SPARQL 1.1 store.

Both answer queries over the **union of the named graphs** as their default graph (every fact
lives in a named graph, see :mod:`kg.facts`); a remote ``oxigraph serve`` does the same with
``--union-default-graph``, Fuseki with ``tdb:unionDefaultGraph true``.

A full build replaces everything with one bulk load of N-Quads; incremental updates go through
SPARQL Update, which every store speaks.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, TextIO

import httpx
import pyoxigraph as ox

from kg.streaming import LoadFailed, streamed_load

#: Statements per INSERT DATA request when a remote store has no graph-store upload.
INSERT_BATCH = 20_000


class GraphStoreError(RuntimeError):
    """A store cannot be opened, queried or updated; the message says which and why."""


Row = dict[str, str]


class GraphStore(Protocol):
    """What the build, the CLI and the projection need from a store."""

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query: variable → lexical value (IRIs without brackets)."""
        ...

    def construct(self, query: str) -> bytes:
        """The triples of a CONSTRUCT query as N-Triples."""
        ...

    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update."""
        ...

    def replace_all(self, nquads: Path) -> None:
        """Drop everything and bulk-load an N-Quads file."""
        ...

    def replacing(self, workdir: Path | None = None) -> AbstractContextManager[TextIO]:
        """A handle whose N-Quads replace everything once the block ends without an error.

        On an error the store keeps what it held. ``workdir``: where temporary files go (the
        system's temporary folder when None).
        """
        ...

    def add_nquads(self, lines: Iterable[str]) -> None:
        """Add N-Quads statements (already formatted lines)."""
        ...

    def export(self, media_type: str, out: IO[bytes]) -> None:
        """Write the whole dataset (N-Quads or TriG) or the union graph (Turtle, ...)."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


class EmbeddedStore:
    """A pyoxigraph store on disk (or in memory, for tests, when ``path`` is None)."""

    def __init__(self, path: Path | None) -> None:
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                _finish_interrupted_swap(path)
            self.store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            raise GraphStoreError(f"cannot open the graph store at {path}: {exc}") from exc
        self.path = path

    def query(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query over the union of the named graphs."""
        return self.store.query(query, use_default_graph_as_union=True)

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query as plain strings."""
        solutions = self.query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise GraphStoreError("not a SELECT query")
        names = [variable.value for variable in solutions.variables]
        return [
            {name: term.value for name, term in zip(names, row, strict=True) if term is not None}
            for row in solutions
        ]

    def construct(self, query: str) -> bytes:
        """The triples of a CONSTRUCT query as N-Triples."""
        triples = self.query(query)
        if not isinstance(triples, ox.QueryTriples):
            raise GraphStoreError("not a CONSTRUCT query")
        return triples.serialize(format=ox.RdfFormat.N_TRIPLES) or b""

    def update(self, update: str) -> None:
        """Run a SPARQL Update."""
        self.store.update(update)

    def replace_all(self, nquads: Path) -> None:
        """Clear the store and bulk-load ``nquads``."""
        self.store.clear()
        # lenient: the file comes from kg.nquads, which already escaped every IRI and literal.
        self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS, lenient=True)
        self.store.flush()

    @contextmanager
    def replacing(self, workdir: Path | None = None) -> Iterator[TextIO]:
        """A handle whose N-Quads replace everything once the block ends without an error.

        The statements are bulk-loaded while they are written (:mod:`kg.streaming`), into a
        store of their own (beside this one on disk: ``<path>.new``), which takes this one's
        place at the end. On an error in the block, or in the loader, the new store is dropped
        and this one keeps what it held.

        Raises:
            GraphStoreError: If the bulk load failed.
        """
        fresh_path = None if self.path is None else _beside(self.path, ".new")
        if fresh_path is not None:
            shutil.rmtree(fresh_path, ignore_errors=True)  # left by a build that died
        fresh = ox.Store(str(fresh_path)) if fresh_path else ox.Store()
        try:
            with (
                tempfile.TemporaryDirectory(dir=workdir, prefix="kg-build-") as folder,
                streamed_load(fresh, Path(folder)) as handle,
            ):
                yield handle
            fresh.flush()
        except BaseException as exc:
            del fresh  # closed, so that its folder can go
            if fresh_path is not None:
                shutil.rmtree(fresh_path, ignore_errors=True)
            if isinstance(exc, LoadFailed):
                raise GraphStoreError(str(exc)) from exc
            raise
        if fresh_path is None or self.path is None:
            self.store = fresh
            return
        del fresh  # closed before its folder is renamed: RocksDB keeps files by their path
        self._move_in(fresh_path, self.path)

    def _move_in(self, fresh_path: Path, path: Path) -> None:
        """Serve the store loaded at ``fresh_path`` from ``path``, in place of the one there."""
        self.store.flush()
        del self.store
        old = _beside(path, ".old")
        shutil.rmtree(old, ignore_errors=True)
        path.rename(old)
        fresh_path.rename(path)
        self.store = ox.Store(str(path))
        shutil.rmtree(old, ignore_errors=True)

    def add_nquads(self, lines: Iterable[str]) -> None:
        """Add statements in one transaction."""
        self.store.load("".join(lines).encode(), ox.RdfFormat.N_QUADS)

    def export(self, media_type: str, out: IO[bytes]) -> None:
        """Dump the dataset, or for triple formats the union of its graphs."""
        rdf_format = _rdf_format(media_type)
        if rdf_format.supports_datasets:
            self.store.dump(out, rdf_format)
            return
        triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert isinstance(triples, ox.QueryTriples)
        out.write(triples.serialize(format=rdf_format) or b"")

    def close(self) -> None:
        """Flush to disk; pyoxigraph closes the database when the object goes."""
        self.store.flush()
        del self.store


def _finish_interrupted_swap(path: Path) -> None:
    """Put a fully loaded new store in place when a build stopped between its two renames.

    :meth:`EmbeddedStore.replacing` closes the new store, renames the old one ``<path>.old``
    and then the new one to ``path``: a process killed in between leaves no store at ``path``,
    and the graph would open empty.
    """
    fresh, old = _beside(path, ".new"), _beside(path, ".old")
    if not path.exists() and fresh.exists() and old.exists():
        fresh.rename(path)
        shutil.rmtree(old, ignore_errors=True)


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


@dataclass(frozen=True, slots=True)
class RemoteConfig:
    """Where a remote SPARQL 1.1 store listens.

    Attributes:
        query_url: SPARQL 1.1 Protocol query endpoint.
        update_url: SPARQL 1.1 Protocol update endpoint.
        store_url: Graph Store Protocol endpoint accepting N-Quads for bulk loads (``/store``
            on ``oxigraph serve``); None: loads go through INSERT DATA batches.
        token: Bearer token sent with updates, when the store needs one.
        timeout_s: Seconds before a request is abandoned.
    """

    query_url: str
    update_url: str | None = None
    store_url: str | None = None
    token: str | None = None
    timeout_s: float = 60.0


class RemoteStore:
    """A remote SPARQL 1.1 store reached over HTTP."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self.client = httpx.Client(timeout=config.timeout_s)

    def _post(self, url: str | None, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        if url is None:
            raise GraphStoreError("no update URL configured for the remote graph store")
        headers = {"Content-Type": content_type, "Accept": accept}
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        try:
            response = self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise GraphStoreError(f"graph store at {url} unreachable: {exc}") from exc
        if response.status_code >= 400:
            detail = response.text[:500]
            raise GraphStoreError(f"graph store at {url} said {response.status_code}: {detail}")
        return response.content

    def raw_query(self, query: str, accept: str) -> bytes:
        """The store's answer to a query, in the media type asked for."""
        return self._post(self.config.query_url, query.encode(), "application/sparql-query", accept)

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query as plain strings."""
        body = json.loads(self.raw_query(query, "application/sparql-results+json"))
        return [
            {name: cell["value"] for name, cell in binding.items()}
            for binding in body["results"]["bindings"]
        ]

    def construct(self, query: str) -> bytes:
        """The triples of a CONSTRUCT query as N-Triples."""
        return self.raw_query(query, "application/n-triples")

    def update(self, update: str) -> None:
        """Run a SPARQL Update on the remote store."""
        self._post(self.config.update_url, update.encode(), "application/sparql-update")

    def replace_all(self, nquads: Path) -> None:
        """Clear the remote store and upload ``nquads``."""
        self.update("CLEAR ALL")
        with nquads.open(encoding="utf-8") as handle:
            self.add_nquads(handle)

    @contextmanager
    def replacing(self, workdir: Path | None = None) -> Iterator[TextIO]:
        """A handle whose N-Quads replace everything once the block ends without an error.

        Written to a temporary file first, then uploaded (:meth:`replace_all`): the remote
        store is left as it was when the block fails.
        """
        with tempfile.TemporaryDirectory(dir=workdir, prefix="kg-build-") as folder:
            path = Path(folder) / "graph.nq"
            with path.open("w", encoding="utf-8") as handle:
                yield handle
            self.replace_all(path)

    def add_nquads(self, lines: Iterable[str]) -> None:
        """Upload statements, in batches."""
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= INSERT_BATCH:
                self._upload(batch)
                batch = []
        if batch:
            self._upload(batch)

    def _upload(self, lines: list[str]) -> None:
        if self.config.store_url:
            self._post(self.config.store_url, "".join(lines).encode(), "application/n-quads")
            return
        self.update(insert_data(lines))

    def export(self, media_type: str, out: IO[bytes]) -> None:
        """Write the union of the graphs via CONSTRUCT, or the dataset quads for N-Quads."""
        if _rdf_format(media_type).supports_datasets:
            query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
            body = self.raw_query(query, "application/sparql-results+json")
            for binding in json.loads(body)["results"]["bindings"]:
                terms = [_json_term(binding[k]) for k in ("s", "p", "o", "g")]
                out.write((" ".join(terms) + " .\n").encode())
            return
        out.write(self.raw_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", media_type))

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()


def insert_data(lines: Iterable[str]) -> str:
    """An INSERT DATA update holding N-Quads lines, grouped by graph."""
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        quad = line.rstrip().removesuffix(".").rstrip()
        head, _, graph = quad.rpartition(" ")
        by_graph.setdefault(graph, []).append(head)
    blocks = (f"GRAPH {g} {{\n" + " .\n".join(t) + " .\n}" for g, t in by_graph.items())
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def _json_term(cell: dict[str, str]) -> str:
    if cell["type"] == "uri":
        return f"<{cell['value']}>"
    if cell["type"] == "bnode":
        return f"_:{cell['value']}"
    value = json.dumps(cell["value"], ensure_ascii=False)
    if "xml:lang" in cell:
        return f"{value}@{cell['xml:lang']}"
    return f"{value}^^<{cell['datatype']}>" if "datatype" in cell else value


def _rdf_format(media_type: str) -> ox.RdfFormat:
    found = ox.RdfFormat.from_media_type(media_type)
    if found is None:
        raise GraphStoreError(f"unsupported RDF media type {media_type!r}")
    return found
