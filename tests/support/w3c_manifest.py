"""A runner for the W3C SPARQL 1.1 Protocol and Graph Store Protocol test manifests.

Each manifest test is a sequence of HTTP exchanges (``ht:Request`` with its expected
``ht:Response``: status or status class, media type, an ASK answer, a graph isomorphic to a
given one, a ``Location`` to reuse). The runner reads them with rdflib, sends each request
through a caller's transport (a test client, or httpx to a real server) after rewriting the
manifest's paths (``/sparql/``, ``/gsp``) to the server's, and lists every way the answers
differ from what the manifest expects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#"

#: Status names the manifests use, besides the ``StatusCodeNxx`` classes.
STATUS_CODES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
RDF_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
)


@dataclass(frozen=True)
class Expected:
    """What a response must look like."""

    statuses: tuple[str, ...]
    boolean: bool | None = None
    result_format: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    location_variable: str | None = None


@dataclass(frozen=True)
class Exchange:
    """One request of a test and the response it expects."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class ManifestTest:
    """One manifest entry: data to load first, then its exchanges in order."""

    name: str
    title: str
    graph_data: tuple[tuple[str, Path], ...]
    exchanges: tuple[Exchange, ...]


@dataclass(frozen=True)
class Reply:
    """What the server answered."""

    status: int
    headers: Mapping[str, str]
    body: bytes


#: Sends (method, path, headers, body) and returns the reply.
Transport = Callable[[str, str, dict[str, str], bytes | None], Reply]


def read_manifest(path: Path) -> list[ManifestTest]:
    """The tests of a manifest and of the manifests it includes, in their listed order."""
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = rdflib.URIRef(path.resolve().as_uri())
    tests: list[ManifestTest] = []
    for include_list in graph.objects(manifest, MF.include):
        for included in Collection(graph, include_list):
            tests += read_manifest(Path(str(included).removeprefix("file://")))
    for entries in graph.objects(manifest, MF.entries):
        tests += [_test(graph, entry, path.parent) for entry in Collection(graph, entries)]
    return tests


def _one(graph: rdflib.Graph, subject: Node, predicate: rdflib.URIRef) -> Node | None:
    return next(iter(graph.objects(subject, predicate)), None)


def _test(graph: rdflib.Graph, entry: Node, folder: Path) -> ManifestTest:
    name = str(entry).rsplit("#", 1)[-1]
    title = str(_one(graph, entry, MF.name) or name)
    data = []
    for item in graph.objects(entry, UT.graphData):
        source = str(_one(graph, item, UT.graph)).removeprefix("file://")
        data.append((str(_one(graph, item, rdflib.RDFS.label)), folder / Path(source).name))
    action = _one(graph, entry, MF.action)
    requests = _one(graph, action, HT.requests) if action is not None else None
    if requests is None:
        raise ValueError(f"manifest test {name} has no ht:requests")
    exchanges = tuple(_exchange(graph, request) for request in Collection(graph, requests))
    return ManifestTest(name, title, tuple(sorted(data)), exchanges)


def _headers(graph: rdflib.Graph, node: Node) -> tuple[tuple[str, str], ...]:
    listed = _one(graph, node, HT.headers)
    if listed is None:
        return ()
    return tuple(
        (str(_one(graph, h, HT.fieldName)), str(_one(graph, h, HT.fieldValue)))
        for h in Collection(graph, listed)
    )


def _chars(graph: rdflib.Graph, node: Node) -> tuple[str, str] | None:
    body = _one(graph, node, HT.body)
    if body is None:
        return None
    encoding = str(_one(graph, body, CNT.characterEncoding) or "UTF-8")
    return str(_one(graph, body, CNT.chars)), encoding


def _exchange(graph: rdflib.Graph, request: Node) -> Exchange:
    response = _one(graph, request, HT.resp)
    assert response is not None, "every manifest request has an ht:resp"
    boolean = _one(graph, response, MF.expectedBoolean)
    result_format = _one(graph, response, MF.expectedFormat)
    location = _one(graph, response, MF.expectedLocation)
    expected_body = _chars(graph, response)
    expected = Expected(
        statuses=tuple(
            sorted(str(s).removeprefix(HTS) for s in graph.objects(response, MF.expectedStatus))
        ),
        boolean=bool(boolean.toPython()) if isinstance(boolean, rdflib.Literal) else None,
        result_format=str(result_format) if result_format is not None else None,
        headers=_headers(graph, response),
        body=expected_body[0] if expected_body else None,
        location_variable=str(location) if location is not None else None,
    )
    body = _chars(graph, request)
    return Exchange(
        method=str(_one(graph, request, HT.methodName)),
        path=str(_one(graph, request, HT.absolutePath)),
        headers=_headers(graph, request),
        body=body[0].encode(body[1].lower()) if body else None,
        expected=expected,
    )


@dataclass
class Runner:
    """Runs manifest tests through a transport.

    Attributes:
        send: The transport.
        route: Rewrites a manifest request's path to the server's (given the whole exchange).
        update_path: Where the runner's own set-up updates go (clearing, loading data).
        auth: Headers added to every request but GET and HEAD (the update token).
    """

    send: Transport
    route: Callable[[Exchange], str]
    update_path: str
    auth: dict[str, str] = field(default_factory=dict)

    def run(self, test: ManifestTest) -> list[str]:
        """Set the store up for ``test``, run it, and return its failures (none: it passed)."""
        self._prepare(test)
        failures: list[str] = []
        variables: dict[str, str] = {}
        for number, exchange in enumerate(test.exchanges, 1):
            path = _substitute(self.route(exchange), variables)
            headers = dict(exchange.headers)
            if exchange.method not in ("GET", "HEAD"):
                # Writes carry the token, so a refused request is refused for its own fault.
                headers.update(self.auth)
            body = exchange.body
            if body is not None and variables:
                body = _substitute(body.decode("utf-8"), variables).encode("utf-8")
            reply = self.send(exchange.method, path, headers, body)
            problems = check(exchange.expected, reply)
            failures += [f"request {number} ({exchange.method} {path}): {p}" for p in problems]
            if exchange.expected.location_variable and "location" in reply.headers:
                variables[exchange.expected.location_variable] = reply.headers["location"]
        return failures

    def _prepare(self, test: ManifestTest) -> None:
        blocks = [
            f"GRAPH <{name}> {{ {source.read_text(encoding='utf-8')} }}"
            for name, source in test.graph_data
        ]
        update = "DROP ALL" + (" ; INSERT DATA { " + " ".join(blocks) + " }" if blocks else "")
        headers = {"Content-Type": "application/sparql-update", **self.auth}
        reply = self.send("POST", self.update_path, headers, update.encode())
        if reply.status >= 300:
            raise RuntimeError(f"set-up update failed with {reply.status}: {reply.body[:300]!r}")


def _substitute(text: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        text = text.replace(name, value)
    return text


def _is_update(exchange: Exchange) -> bool:
    """Whether a protocol request is meant for the update operation."""
    content_type = dict((k.lower(), v) for k, v in exchange.headers).get("content-type", "")
    form = (exchange.body or b"").decode("utf-8", "replace")
    return (
        content_type.startswith("application/sparql-update")
        or re.search(r"[?&](update|using-graph-uri|using-named-graph-uri)=", exchange.path)
        is not None
        or (content_type.startswith("application/x-www-form-urlencoded") and "update=" in form)
    )


def protocol_route(query_path: str, update_path: str) -> Callable[[Exchange], str]:
    """Routes the protocol manifest's ``/sparql/`` to the query or the update endpoint."""

    def route(exchange: Exchange) -> str:
        path = update_path if _is_update(exchange) else query_path
        return path + exchange.path.removeprefix("/sparql/")

    return route


def graph_store_route(store_path: str) -> Callable[[Exchange], str]:
    """Routes the Graph Store manifest's ``/gsp`` to the server's Graph Store endpoint."""
    return lambda exchange: store_path + exchange.path.removeprefix("/gsp")


def check(expected: Expected, reply: Reply) -> list[str]:
    """Every way ``reply`` differs from ``expected``."""
    problems: list[str] = []
    if not any(_status_is(reply.status, name) for name in expected.statuses):
        detail = reply.body[:200].decode("utf-8", "replace")
        problems.append(f"status {reply.status}, expected {'/'.join(expected.statuses)}: {detail}")
        return problems
    media_type = reply.headers.get("content-type", "").split(";")[0].strip().lower()
    for name, value in expected.headers:
        if _normal(reply.headers.get(name.lower(), "")) != _normal(value):
            problems.append(f"{name}: {reply.headers.get(name.lower())!r}, expected {value!r}")
    if expected.result_format is not None:
        problems += _check_format(expected, media_type, reply.body)
    if expected.body is not None:
        problems += _check_graph(expected.body, media_type, reply.body)
    if expected.location_variable and "location" not in reply.headers:
        problems.append("no Location header")
    return problems


def _status_is(status: int, name: str) -> bool:
    if name.startswith("StatusCode") and name.endswith("xx"):
        return status // 100 == int(name[len("StatusCode")])
    if name not in STATUS_CODES:
        raise ValueError(f"the runner does not know the status {name}")
    return status == STATUS_CODES[name]


def _normal(value: str) -> str:
    return value.replace(" ", "").lower()


def _check_format(expected: Expected, media_type: str, body: bytes) -> list[str]:
    if expected.result_format == "RDF":
        if media_type not in RDF_TYPES:
            return [f"an RDF graph was expected, got {media_type}"]
        _graph(body, media_type)
        return []
    if media_type not in RESULT_TYPES:
        return [f"SPARQL results were expected, got {media_type}"]
    if expected.result_format != "boolean":
        return []
    answer = _boolean(media_type, body)
    if answer is None:
        return [f"no boolean in the {media_type} answer: {body[:200]!r}"]
    if expected.boolean is not None and answer != expected.boolean:
        return [f"ASK answered {answer}, expected {expected.boolean}"]
    return []


def _boolean(media_type: str, body: bytes) -> bool | None:
    if media_type == "application/sparql-results+json":
        value = json.loads(body).get("boolean")
        return value if isinstance(value, bool) else None
    found = re.search(rb"<boolean>\s*(true|false)\s*</boolean>", body)
    return found.group(1) == b"true" if found else None


def _graph(body: bytes, media_type: str) -> rdflib.Graph:
    """The body parsed by pyoxigraph (any format the servers write), as an rdflib graph."""
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    assert rdf_format is not None, media_type
    graph = rdflib.Graph()
    for quad in ox.parse(body, rdf_format):
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graph


def _term(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _check_graph(expected: str, media_type: str, body: bytes) -> list[str]:
    if media_type not in RDF_TYPES:
        return [f"a graph was expected, got {media_type}"]
    wanted = _graph(expected.encode(), "text/turtle")
    got = _graph(body, media_type)
    if isomorphic(wanted, got):
        return []
    return [f"the graph differs ({len(got)} statements, expected {len(wanted)}): {body[:400]!r}"]
