"""The Graph Store HTTP Protocol at /sparql/graph, the service description, and read-only.

Beyond the W3C manifest (test_w3c_manifests.py): every format, bad input, the limits, and a
walk over every write route without the token. Each test runs on the embedded store and on a
remote ``oxigraph serve``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from oxigraph_server import OxigraphServer, serve_oxigraph

from tests.service.api.sparql_app import AUTH, RETAILER, SALES, graph_app

GRAPH = "/sparql/graph"
NOTES = "urn:atelier:test:notes"
TURTLE = {"Content-Type": "text/turtle"}
NQUADS = "application/n-quads"
SD = "http://www.w3.org/ns/sparql-service-description#"
ATL = "https://w3id.org/atelier/vocab#"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    yield from serve_oxigraph(tmp_path_factory.mktemp("oxigraph-gsp"))


@pytest.fixture(scope="module", params=["embedded", "remote"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def client(
    request: pytest.FixtureRequest, store_kind: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app on the three-article graph."""
    server = request.getfixturevalue("oxigraph") if store_kind == "remote" else None
    with graph_app(tmp_path_factory.mktemp("home"), server) as test_client:
        yield test_client


def other_app(
    request: pytest.FixtureRequest, store_kind: str, home: Path, **settings: object
) -> AbstractContextManager[TestClient]:
    """Another app on the same kind of store, with other settings (the remote is not rebuilt)."""
    server = request.getfixturevalue("oxigraph") if store_kind == "remote" else None
    return graph_app(home, server, build=server is None, **settings)


def dataset(client: TestClient) -> dict[str, int]:
    """Statements per graph (the default graph as ""): what a write would change."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    default = client.get(GRAPH + "?default", headers={"Accept": "application/n-triples"})
    return counts | {"": len(default.text.splitlines())}


def statements(client: TestClient, graph: str) -> int:
    return dataset(client)[graph]


# --- reads: every format, the dataset, HEAD, 404 ----------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "application/rdf+xml",
        "application/ld+json",
    ],
)
def test_a_graph_in_every_format(client: TestClient, accept: str) -> None:
    response = client.get(GRAPH, params={"graph": RETAILER}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    rdf_format = ox.RdfFormat.from_media_type(accept)
    assert rdf_format is not None
    parsed = list(ox.parse(response.content, rdf_format))
    assert len(parsed) == statements(client, RETAILER) > 10


@pytest.mark.parametrize("accept", ["application/n-quads", "application/trig"])
def test_a_graph_as_quads_is_its_triples(client: TestClient, accept: str) -> None:
    response = client.get(GRAPH, params={"graph": SALES}, headers={"Accept": accept})
    rdf_format = ox.RdfFormat.from_media_type(accept)
    assert rdf_format is not None
    graphs = {quad.graph_name for quad in ox.parse(response.content, rdf_format)}
    assert graphs == {ox.DefaultGraph()}


@pytest.mark.parametrize("accept", ["application/n-quads", "application/trig"])
def test_the_dataset_keeps_its_graph_names(
    request: pytest.FixtureRequest, client: TestClient, store_kind: str, tmp_path: Path, accept: str
) -> None:
    # The vocabularies make the dataset 880 kB: over this module's 200 kB result limit.
    assert client.get(GRAPH, headers={"Accept": accept}).status_code == 500
    with other_app(request, store_kind, tmp_path, sparql_max_result_bytes=50_000_000) as roomy:
        response = roomy.get(GRAPH, headers={"Accept": accept})
    rdf_format = ox.RdfFormat.from_media_type(accept)
    assert response.status_code == 200 and rdf_format is not None
    graphs = {quad.graph_name for quad in ox.parse(response.content, rdf_format)}
    assert {ox.NamedNode(RETAILER), ox.NamedNode(SALES)} <= graphs


def test_the_dataset_is_not_offered_as_triples(client: TestClient) -> None:
    response = client.get(GRAPH, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "name a graph" in response.text


def test_head_names_the_type_and_sends_no_body(client: TestClient) -> None:
    response = client.head(GRAPH, params={"graph": RETAILER}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_an_unknown_graph_is_404(client: TestClient) -> None:
    for method in ("GET", "HEAD"):
        assert client.request(method, GRAPH, params={"graph": "urn:nothing"}).status_code == 404


# --- writes: PUT replaces, POST adds, DELETE drops -----------------------------------------


def test_put_post_delete_on_a_named_graph(client: TestClient) -> None:
    put = client.put(
        GRAPH, params={"graph": NOTES}, content=b"<urn:a> <urn:says> 'one' .", headers=TURTLE | AUTH
    )
    assert put.status_code == 201
    again = client.put(
        GRAPH, params={"graph": NOTES}, content=b"<urn:a> <urn:says> 'two' .", headers=TURTLE | AUTH
    )
    assert again.status_code == 204
    post = client.post(
        GRAPH,
        params={"graph": NOTES},
        content=b"<urn:b> <urn:says> 'three' .",
        headers=TURTLE | AUTH,
    )
    assert post.status_code == 204
    nt = client.get(GRAPH, params={"graph": NOTES}, headers={"Accept": "application/n-triples"})
    assert sorted(nt.text.splitlines()) == [
        '<urn:a> <urn:says> "two" .',
        '<urn:b> <urn:says> "three" .',
    ]
    assert client.delete(GRAPH, params={"graph": NOTES}, headers=AUTH).status_code == 204
    assert client.get(GRAPH, params={"graph": NOTES}).status_code == 404
    assert client.delete(GRAPH, params={"graph": NOTES}, headers=AUTH).status_code == 404


def test_a_body_that_does_not_parse_changes_nothing(client: TestClient) -> None:
    before = dataset(client)
    response = client.put(
        GRAPH, params={"graph": RETAILER}, content=b"<urn:a> <urn:b> .", headers=TURTLE | AUTH
    )
    assert response.status_code == 400
    assert "Turtle" in response.text and "line 1" in response.text
    assert dataset(client) == before


@pytest.mark.parametrize(
    ("content_type", "status", "words"),
    [
        ("image/png", 415, "cannot read image/png"),
        ("text/turtle; charset=UTF-16", 415, "UTF-8"),
        ("application/n-quads", 415, "takes triples"),
    ],
)
def test_bodies_we_cannot_take_are_refused_with_the_reason(
    client: TestClient, content_type: str, status: int, words: str
) -> None:
    response = client.put(
        GRAPH,
        params={"graph": NOTES},
        content=b"<urn:a> <urn:b> <urn:c> .",
        headers={"Content-Type": content_type} | AUTH,
    )
    assert response.status_code == status
    assert words in response.text


@pytest.mark.parametrize(
    "query",
    [
        "graph=not%20an%20iri",
        "graph=urn:a&graph=urn:b",
        "graph=urn:a&default",
        "graph=http://x/%3E%20%7D%20DROP%20ALL%20%23",
    ],
    ids=["relative", "two-graphs", "graph-and-default", "injection"],
)
def test_bad_graph_names_are_400(client: TestClient, query: str) -> None:
    before = dataset(client)
    response = client.put(
        f"{GRAPH}?{query}", content=b"<urn:a> <urn:b> <urn:c> .", headers=TURTLE | AUTH
    )
    assert response.status_code == 400
    assert dataset(client) == before


def test_methods_a_target_does_not_take_are_405_with_allow(client: TestClient) -> None:
    deleted = client.delete(GRAPH, headers=AUTH)
    assert deleted.status_code == 405
    assert deleted.headers["allow"] == "GET, HEAD, PUT, POST"
    patched = client.patch(GRAPH, params={"graph": RETAILER}, headers=AUTH)
    assert patched.status_code == 405


def test_post_to_the_endpoint_creates_a_graph(client: TestClient) -> None:
    created = client.post(GRAPH, content=b"<urn:new> <urn:p> 1 .", headers=TURTLE | AUTH)
    assert created.status_code == 201
    location = created.headers["location"]
    assert location.startswith("http://testserver/sparql/graph/")
    fetched = client.get(GRAPH, params={"graph": location}, headers={"Accept": "text/turtle"})
    assert "<urn:new>" in fetched.text
    assert client.get(location.removeprefix("http://testserver")).status_code == 200
    assert client.delete(GRAPH, params={"graph": location}, headers=AUTH).status_code == 204


# --- read-only stays read-only --------------------------------------------------------------

WRITES = [
    ("POST", "/sparql/update", {"update": "DROP ALL"}, None, {}),
    ("POST", "/sparql/update", {}, b"DROP ALL", {"Content-Type": "application/sparql-update"}),
    ("POST", "/sparql", {"update": "DROP ALL"}, None, {}),
    ("PUT", GRAPH, {"graph": RETAILER}, b"<urn:a> <urn:b> <urn:c> .", TURTLE),
    ("POST", GRAPH, {"graph": RETAILER}, b"<urn:a> <urn:b> <urn:c> .", TURTLE),
    ("DELETE", GRAPH, {"graph": RETAILER}, None, {}),
    ("PUT", GRAPH, {"default": ""}, b"<urn:a> <urn:b> <urn:c> .", TURTLE),
    ("POST", GRAPH, {"default": ""}, b"<urn:a> <urn:b> <urn:c> .", TURTLE),
    ("DELETE", GRAPH, {"default": ""}, None, {}),
    (
        "PUT",
        GRAPH,
        {},
        b"<urn:a> <urn:b> <urn:c> <urn:g> .",
        {"Content-Type": "application/n-quads"},
    ),
    ("POST", GRAPH, {}, b"<urn:a> <urn:b> <urn:c> .", TURTLE),
    ("PUT", GRAPH + "/direct/1", {}, b"<urn:a> <urn:b> <urn:c> .", TURTLE),
    ("DELETE", GRAPH + "/direct/1", {}, None, {}),
]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", "Basic czNjcmV0"], ids=["none", "wrong", "basic"]
)
def test_no_write_route_works_without_the_token(
    client: TestClient, authorization: str | None
) -> None:
    before = dataset(client)
    for method, path, params, body, headers in WRITES:
        sent = headers | ({"Authorization": authorization} if authorization else {})
        if body is None and method == "POST" and path.startswith("/sparql"):
            response = client.request(method, path, data=params, headers=sent)
        else:
            response = client.request(method, path, params=params, content=body, headers=sent)
        assert response.status_code in (400, 401), (method, path, params, response.text)
    assert dataset(client) == before


def test_with_updates_disabled_every_write_is_403(
    request: pytest.FixtureRequest, store_kind: str, tmp_path: Path
) -> None:
    with other_app(request, store_kind, tmp_path, sparql_update_token=None) as plain:
        for method, path, params, body, headers in WRITES:
            if path == "/sparql":
                continue  # the query endpoint refuses an update string with 400 first
            sent = headers | {"Authorization": "Bearer anything"}
            if body is None and method == "POST":
                response = plain.request(method, path, data=params, headers=sent)
            else:
                response = plain.request(method, path, params=params, content=body, headers=sent)
            assert response.status_code == 403, (method, path, response.text)
        description = plain.get("/sparql").text
        assert "SPARQL11Update" not in description


# --- limits hold for whole-graph reads -------------------------------------------------------


def test_a_graph_over_the_result_limit_is_refused(client: TestClient) -> None:
    big = "".join(f'<urn:big:{i}> <urn:p> "{"x" * 100}" .\n' for i in range(3_000)).encode()
    assert len(big) > 200_000
    put = client.put(GRAPH, params={"graph": "urn:big"}, content=big, headers=TURTLE | AUTH)
    assert put.status_code == 201
    response = client.get(GRAPH, params={"graph": "urn:big"})
    assert response.status_code == 500
    assert "larger than 200,000 bytes" in response.text
    assert client.delete(GRAPH, params={"graph": "urn:big"}, headers=AUTH).status_code == 204


def test_a_request_body_over_the_limit_is_413(
    request: pytest.FixtureRequest, store_kind: str, tmp_path: Path
) -> None:
    with other_app(request, store_kind, tmp_path, atelier_max_request_bytes=1024) as small:
        body = b"<urn:a> <urn:b> '" + b"x" * 2048 + b"' ."
        response = small.put(GRAPH, params={"graph": NOTES}, content=body, headers=TURTLE | AUTH)
        assert response.status_code == 413


def test_a_graph_read_past_the_timeout_is_503(
    request: pytest.FixtureRequest, client: TestClient, store_kind: str, tmp_path: Path
) -> None:
    # The whole dataset (the vocabularies: 880 kB of N-Quads) takes 80+ ms to write: far
    # past a 1 ms limit, on either store; the result limit is raised out of the way.
    limits = {"sparql_timeout_s": 0.001, "sparql_max_result_bytes": 50_000_000}
    with other_app(request, store_kind, tmp_path, **limits) as hasty:
        response = hasty.get(GRAPH, headers={"Accept": "application/n-quads"})
        assert response.status_code == 503
        assert "limit" in response.text


# --- the service description and the base IRI -------------------------------------------------


def test_get_without_parameters_describes_the_service(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, ox.RdfFormat.TURTLE))
    values = {(t.predicate.value, t.object.value) for t in triples}
    assert (SD + "endpoint", "http://testserver/sparql") in values
    assert (SD + "endpoint", "http://testserver/sparql/update") in values
    assert (ATL + "graphStore", "http://testserver/sparql/graph") in values
    assert (ATL + "queryTimeoutSeconds", "2") in values
    assert (ATL + "maxResultBytes", "200000") in values
    formats = {o for p, o in values if p == SD + "resultFormat"}
    assert len(formats) == 8 and "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats


def test_the_description_follows_the_accept_header(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert list(ox.parse(response.content, ox.RdfFormat.JSON_LD))


def test_relative_iris_resolve_against_the_request_url(client: TestClient) -> None:
    query = "SELECT (STR(<x>) AS ?v) WHERE {}"
    response = client.get("/sparql", params={"query": query})
    assert response.json()["results"]["bindings"][0]["v"]["value"] == "http://testserver/x"


def test_the_console_lists_the_named_graphs_with_their_counts(client: TestClient) -> None:
    saved = {q["name"]: q["text"] for q in client.get("/queries").json()}
    response = client.post(
        "/sparql",
        content=saved["named-graphs"].encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    rows = {
        row["graph"]["value"]: (row.get("view", {}).get("value"), int(row["statements"]["value"]))
        for row in response.json()["results"]["bindings"]
    }
    counts = {graph: n for graph, n in dataset(client).items() if graph}
    assert {graph: n for graph, (_, n) in rows.items()} == counts
    assert rows[RETAILER][0] == "retailer" and rows[SALES][0] == "sales"
    assert "https://w3id.org/atelier/graph/meta" in rows
    console = client.get("/storefront/console.js").text
    assert "named-graphs" in console and "/sparql/graph?graph=" in console


def _laughs(levels: int) -> bytes:
    entities = '<!ENTITY l0 "haha">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
        f'<rdf:Description rdf:about="urn:a"><ex:p>&l{levels - 1};</ex:p></rdf:Description>'
        "</rdf:RDF>"
    ).encode()


def _plain_entities(repeats: int, size: int) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY ex "http://ex/{"x" * size}">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
        + '<rdf:Description rdf:about="&ex;a"><ex:p>&ex;</ex:p></rdf:Description>' * repeats
        + "</rdf:RDF>"
    ).encode()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (_laughs(9), 400),  # nested entities: a billion laughs
        (_plain_entities(6_000, 1_000), 400),  # plain, but 12 million characters once expanded
        (_plain_entities(1, 10), 201),  # Protégé-style namespace entities are fine
    ],
    ids=["billion-laughs", "quadratic", "plain"],
)
def test_rdf_xml_entities_cannot_blow_the_memory_up(
    client: TestClient, body: bytes, status: int
) -> None:
    headers = {"Content-Type": "application/rdf+xml"} | AUTH
    response = client.put(GRAPH, params={"graph": "urn:xml"}, content=body, headers=headers)
    assert response.status_code == status, response.text
    if status == 201:
        assert client.delete(GRAPH, params={"graph": "urn:xml"}, headers=AUTH).status_code == 204


def test_a_graph_named_by_its_url_keeps_the_percent_encoding(client: TestClient) -> None:
    body = b"<urn:a> <urn:b> <urn:c> ."
    put = client.put(GRAPH + "/looks/%2531", content=body, headers=TURTLE | AUTH)
    assert put.status_code == 201
    looks = "http://testserver/sparql/graph/looks/"
    assert client.get(GRAPH, params={"graph": looks + "%2531"}).status_code == 200
    assert client.get(GRAPH, params={"graph": looks + "%31"}).status_code == 404
    assert client.delete(GRAPH + "/looks/%2531", headers=AUTH).status_code == 204


def test_a_remote_without_a_graph_store_endpoint_says_what_to_set(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    server = request.getfixturevalue("oxigraph")
    with graph_app(tmp_path, server, build=False, sparql_store_url=None) as bare:
        read = bare.get(GRAPH, params={"graph": RETAILER})
        assert read.status_code == 501 and "SPARQL_STORE_URL" in read.text
        body = b"<urn:a> <urn:b> <urn:c> ."
        put = bare.put(GRAPH, params={"graph": NOTES}, content=body, headers=TURTLE | AUTH)
        assert put.status_code == 201  # writes go through the update endpoint
        assert bare.delete(GRAPH, params={"graph": NOTES}, headers=AUTH).status_code == 204


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/turtle", b'<urn:a> <urn:says> "hi"@en .'),
        ("application/n-triples", b'<urn:a> <urn:says> "hi"@en .\n'),
        (
            "application/rdf+xml",
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns:u="urn:"><rdf:Description rdf:about="urn:a">'
            b'<u:says xml:lang="en">hi</u:says></rdf:Description></rdf:RDF>',
        ),
        (
            "application/ld+json",
            b'{"@id": "urn:a", "urn:says": {"@value": "hi", "@language": "en"}}',
        ),
    ],
)
def test_a_graph_is_written_from_every_triple_format(
    client: TestClient, content_type: str, body: bytes
) -> None:
    headers = {"Content-Type": content_type} | AUTH
    assert (
        client.put(GRAPH, params={"graph": NOTES}, content=body, headers=headers).status_code == 201
    )
    back = client.get(GRAPH, params={"graph": NOTES}, headers={"Accept": "application/n-triples"})
    assert back.text == '<urn:a> <urn:says> "hi"@en .\n'
    assert client.delete(GRAPH, params={"graph": NOTES}, headers=AUTH).status_code == 204
