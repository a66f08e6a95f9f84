"""The SPARQL 1.1 Graph Store HTTP Protocol: whole graphs fetched and written over HTTP.

What a request names (the *target*):

- a named graph, by ``?graph=IRI`` (indirect) or by a URL under the endpoint (direct: the
  request URL is the graph's IRI);
- the default graph, by ``?default``: the store's own default graph, which Atelier's builds
  leave empty (queries read the union of every graph as their default graph);
- the whole dataset, by the endpoint URL alone: ``GET`` answers N-Quads, TriG or JSON-LD,
  ``PUT`` replaces everything, ``POST`` adds quads, or with triples creates a new graph
  (``201`` with its IRI in ``Location``).

Every write is one SPARQL Update (built here, run by the store in one transaction), so a
``PUT`` replaces a graph atomically and a body that does not parse changes nothing. Status
codes: ``200`` a graph, ``201`` a graph created, ``204`` a write done, ``400`` a body that does
not parse or a bad IRI, ``404`` no such graph, ``405`` a method the target does not take,
``406`` no acceptable format, ``415`` a body in a format we cannot read.

Parsing (:func:`parse_graph_request`, pure) is shared by the HTTP route and ``atelier kg
export`` / ``kg import``, which build the same request parts; execution on a pyoxigraph store is
:func:`run_graph_request`, and :class:`kg.endpoint.RemoteEndpoint` runs the same requests on a
remote store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Literal

import pyoxigraph as ox

from kg.namespaces import BASE, DCT, PROV, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from kg.protocol import (
    HttpParts,
    ProtocolError,
    ProtocolResponse,
    base_iri,
    check_iri,
    content_type,
    media_type_of,
    negotiate_among,
)
from kg.rdf_body import DATASET_FORMATS, GRAPH_FORMATS, read_body

TargetKind = Literal["named", "default", "dataset"]

#: Prefixes written into Turtle and TriG answers, so graphs read like the docs' queries.
PREFIXES = {
    "atl": BASE + "vocab#",
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "dct": DCT,
    "rdf": RDF_TYPE.removesuffix("type"),
    "rdfs": RDFS,
    "xsd": XSD,
}
_READS = ("GET", "HEAD")
_WRITES = ("PUT", "POST", "DELETE")
#: Bodies that only make sense for the whole dataset (JSON-LD may hold triples alone).
_QUADS_ONLY = ("application/n-quads", "application/trig", "text/x-nquads")


@dataclass(frozen=True, slots=True)
class GraphTarget:
    """A named graph (``iri``), the default graph, or the whole dataset."""

    kind: TargetKind
    iri: str = ""

    def graph_name(self) -> ox.NamedNode | ox.DefaultGraph | None:
        """The pyoxigraph graph name; None for the whole dataset."""
        if self.kind == "named":
            return ox.NamedNode(self.iri)
        return ox.DefaultGraph() if self.kind == "default" else None

    def describe(self) -> str:
        """How messages name the target."""
        if self.kind == "named":
            return f"graph <{self.iri}>"
        return "the default graph" if self.kind == "default" else "the dataset"


@dataclass(frozen=True, slots=True)
class GraphRequest:
    """One Graph Store Protocol operation, ready to run on any SPARQL 1.1 store.

    Attributes:
        method: GET, HEAD, PUT, POST or DELETE.
        target: What the request names (a POST that creates a graph names the new graph).
        media_type: The negotiated answer type (GET, HEAD); empty for writes.
        update: The SPARQL Update that performs a write, in one transaction.
        created: True for a POST to the endpoint that creates ``target`` (answered 201).
    """

    method: str
    target: GraphTarget
    media_type: str = ""
    update: str = ""
    created: bool = False


def parse_graph_request(parts: HttpParts, endpoint: str, direct: str = "") -> GraphRequest:
    """The operation an HTTP request carries.

    Args:
        parts: The request (method, headers, URL parameters, body, URL).
        endpoint: The endpoint's own URL (``.../sparql/graph``), the prefix of direct IRIs
            and of the IRIs minted for new graphs.
        direct: The path below the endpoint, when the request names its graph directly.

    Raises:
        ProtocolError: For anything the protocol rejects (see the module docstring).
    """
    method = parts.method.upper()
    target = _target(parts, endpoint, direct)
    allowed = ("GET", "HEAD", "PUT", "POST") if target.kind == "dataset" else (*_READS, *_WRITES)
    if method not in allowed:
        raise ProtocolError(
            405, f"{method} is not allowed on {target.describe()}", {"Allow": ", ".join(allowed)}
        )
    if method in _READS:
        if target.kind == "dataset":
            what = (
                "whole dataset: name a graph (?graph=IRI or ?default; in the CLI --graph or "
                "--default) for a triples-only format"
            )
            media_type = negotiate_among(parts.accept, DATASET_FORMATS, what)
            return GraphRequest(method, target, media_type)
        return GraphRequest(method, target, negotiate_among(parts.accept, GRAPH_FORMATS, "graph"))
    if method == "DELETE":
        return GraphRequest(method, target, update=write_update(method, target))
    quads = _body_statements(parts, target, base_iri(parts) or endpoint)
    if method == "POST" and target.kind == "dataset" and not _has_graphs(parts):
        # POST of triples to the endpoint itself: a new graph, named under the endpoint.
        target = GraphTarget("named", f"{endpoint.rstrip('/')}/{uuid.uuid4().hex}")
        return GraphRequest(method, target, update=write_update("PUT", target, quads), created=True)
    return GraphRequest(method, target, update=write_update(method, target, quads))


def _target(parts: HttpParts, endpoint: str, direct: str) -> GraphTarget:
    names = [value for key, value in parts.url_params if key == "graph"]
    default = any(key == "default" for key, _ in parts.url_params)
    if len(names) > 1:
        raise ProtocolError(400, "name one graph: ?graph= was given more than once")
    if sum((bool(names), default, bool(direct))) > 1:
        raise ProtocolError(400, "name the graph one way: ?graph=IRI, ?default, or its own URL")
    if direct:
        iri = f"{endpoint.rstrip('/')}/{direct}"
        check_iri(iri, "the request URL")
        return GraphTarget("named", iri)
    if names:
        check_iri(names[0], "graph")
        return GraphTarget("named", names[0])
    return GraphTarget("default") if default else GraphTarget("dataset")


def _has_graphs(parts: HttpParts) -> bool:
    return media_type_of(parts.content_type) in DATASET_FORMATS


def _body_statements(parts: HttpParts, target: GraphTarget, base: str) -> list[ox.Quad]:
    """The body's statements, parsed (and so checked) before anything is written."""
    content_type = media_type_of(parts.content_type)
    if content_type in _QUADS_ONLY and target.kind != "dataset":
        raise ProtocolError(
            415,
            f"{target.describe()} takes triples, not {content_type}: send N-Quads or TriG to "
            "the endpoint itself (no ?graph or ?default) to write several graphs",
        )
    if target.kind == "dataset" and parts.method.upper() == "PUT" and not _has_graphs(parts):
        raise ProtocolError(
            415,
            f"replacing the whole dataset takes N-Quads or TriG, not {content_type or 'untyped'}"
            ": name a graph with ?graph=IRI or ?default to replace one graph",
        )
    return read_body(parts.content_type, parts.method, parts.body, base)


def write_update(method: str, target: GraphTarget, statements: Iterable[ox.Quad] = ()) -> str:
    """The SPARQL Update that performs a write on ``target``, as one transaction.

    ``PUT`` drops the graph (or everything) and inserts the statements; ``POST`` inserts them;
    ``DELETE`` drops the graph. Statements of a graph target land in that graph whatever graph
    the body gave them; a dataset target keeps each statement's own graph.
    """
    if method == "DELETE":
        return "DROP SILENT DEFAULT" if target.kind == "default" else f"DROP GRAPH <{target.iri}>"
    steps: list[str] = []
    if method == "PUT":
        steps.append(_drop(target))
    if target.kind == "named":
        steps.append(f"CREATE SILENT GRAPH <{target.iri}>")
    data = _insert_data(target, statements)
    if data:
        steps.append(data)
    return " ;\n".join(steps)  # empty: a POST of nothing to an existing graph, nothing to do


def _drop(target: GraphTarget) -> str:
    if target.kind == "dataset":
        return "DROP SILENT ALL"
    if target.kind == "default":
        return "DROP SILENT DEFAULT"
    return f"DROP SILENT GRAPH <{target.iri}>"


def _insert_data(target: GraphTarget, statements: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in statements:
        if target.kind == "dataset":
            name = quad.graph_name
            key = f"<{name.value}>" if isinstance(name, ox.NamedNode) else ""
            if isinstance(name, ox.BlankNode):
                key = f"_:{name.value}"
        else:
            key = "" if target.kind == "default" else f"<{target.iri}>"
        by_graph.setdefault(key, []).append(quad.triple)
    if not by_graph:
        return ""
    blocks = []
    for graph, triples in by_graph.items():
        # N-Triples is SPARQL's own triple syntax: every IRI and literal arrives escaped.
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        blocks.append(f"GRAPH {graph} {{\n{text}}}" if graph else text)
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def run_graph_request(store: ox.Store, request: GraphRequest, out: IO[bytes]) -> ProtocolResponse:
    """Run a request on a pyoxigraph store; a GET's graph is written to ``out``.

    The returned response has an empty body: the caller owns ``out`` (a size-limited buffer
    in the query worker, a file for ``atelier kg export``).
    """
    target = request.target
    exists = _exists(store, target)
    if request.method in _READS or request.method == "DELETE":
        if not exists:
            raise ProtocolError(404, f"there is no {target.describe()} in this store")
        if request.method == "GET":
            write_graph(store, target, request.media_type, out)
        if request.method in _READS:
            return ProtocolResponse(200, b"", content_type(request.media_type))
    if request.update:
        store.update(request.update)
    return write_response(request, created=not exists)


def write_response(request: GraphRequest, *, created: bool) -> ProtocolResponse:
    """The answer to a write: 201 (with ``Location`` for a minted graph) or 204."""
    if request.created:
        return ProtocolResponse(201, b"", "text/plain", {"Location": request.target.iri})
    if created and request.method in ("PUT", "POST") and request.target.kind == "named":
        return ProtocolResponse(201, b"", "text/plain")
    return ProtocolResponse(204, b"", "text/plain")


def _exists(store: ox.Store, target: GraphTarget) -> bool:
    if target.kind == "named":
        return store.contains_named_graph(ox.NamedNode(target.iri))
    return True  # the default graph and the dataset always exist, possibly empty


def write_graph(store: ox.Store, target: GraphTarget, media_type: str, out: IO[bytes]) -> None:
    """Serialise a graph's triples, or the whole dataset with its graph names.

    A graph written as N-Quads or TriG is its triples, without the graph's name (as
    ``oxigraph serve`` writes it): a graph has no name inside it.
    """
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise ProtocolError(406, f"cannot write a graph as {media_type}")
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    graph = target.graph_name()
    quads = store.quads_for_pattern(None, None, None, graph)
    if graph is None:
        ox.serialize(quads, out, rdf_format, prefixes=prefixes)
    else:
        ox.serialize((quad.triple for quad in quads), out, rdf_format, prefixes=prefixes)
