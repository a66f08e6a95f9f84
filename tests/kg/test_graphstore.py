"""kg.graphstore: Graph Store requests parsed from HTTP parts and run on a pyoxigraph store."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from kg.graphstore import GraphTarget, parse_graph_request, run_graph_request, write_update
from kg.protocol import HttpParts, ProtocolError

ENDPOINT = "http://shop.example/sparql/graph"
NASTY = [
    'a"b',
    "back\\slash \\u0022 not an escape",
    "control \x01\x7f\x00 end",
    "brace } { . ; GRAPH <urn:x> { }",
    "lines\n\r\t",
    "👗 é",
    'single \' and triple """ quotes',
]


def run(store: ox.Store, parts: HttpParts, direct: str = "") -> tuple[int, bytes, dict[str, str]]:
    out = io.BytesIO()
    answer = run_graph_request(store, parse_graph_request(parts, ENDPOINT, direct), out)
    return answer.status, out.getvalue(), answer.headers


def test_every_literal_survives_the_update_that_writes_it() -> None:
    quads = [ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(t)) for t in NASTY]
    quads.append(ox.Quad(ox.BlankNode(), ox.NamedNode("urn:p"), ox.Literal("x", language="en-GB")))
    store = ox.Store()
    store.update(write_update("PUT", GraphTarget("named", "urn:g"), quads))
    written = list(store.quads_for_pattern(None, None, None, ox.NamedNode("urn:g")))
    assert {q.object for q in written} == {q.object for q in quads}


def test_put_replaces_post_adds_delete_drops() -> None:
    store = ox.Store()
    put = HttpParts("PUT", "text/turtle", [("graph", "urn:g")], b"<urn:a> <urn:b> 1 .")
    assert run(store, put)[0] == 201
    post = HttpParts("POST", "text/turtle", [("graph", "urn:g")], b"<urn:a> <urn:b> 2 .")
    assert run(store, post)[0] == 204
    assert run(store, put)[0] == 204
    get = HttpParts("GET", None, [("graph", "urn:g")], b"", "application/n-triples")
    status, body, _ = run(store, get)
    assert (status, body) == (
        200,
        b'<urn:a> <urn:b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    )
    assert run(store, HttpParts("DELETE", None, [("graph", "urn:g")], b""))[0] == 204
    with pytest.raises(ProtocolError) as gone:
        run(store, get)
    assert gone.value.status == 404


def test_triples_posted_to_the_endpoint_make_a_new_graph_under_it() -> None:
    store = ox.Store()
    status, _, headers = run(store, HttpParts("POST", "text/turtle", [], b"<urn:a> <urn:b> <c> ."))
    assert status == 201 and headers["Location"].startswith(ENDPOINT + "/")
    graph = ox.NamedNode(headers["Location"])
    objects = [q.object for q in store.quads_for_pattern(None, None, None, graph)]
    assert objects == [ox.NamedNode("http://shop.example/sparql/c")]  # relative: the endpoint's


def test_multipart_posts_add_every_part() -> None:
    body = (
        b"--XyZ\r\nContent-Type: text/turtle\r\n\r\n<urn:a> <urn:b> 1 .\r\n"
        b'--XyZ\r\nContent-Type: application/n-triples\r\n\r\n<urn:a> <urn:b> "2" .\r\n'
        b"--XyZ--\r\n"
    )
    store = ox.Store()
    parts = HttpParts("POST", "multipart/form-data; boundary=XyZ", [("graph", "urn:g")], body)
    assert run(store, parts)[0] == 201
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode("urn:g")))) == 2


def test_a_graph_named_directly_is_the_endpoint_url_and_path() -> None:
    store = ox.Store()
    parts = HttpParts("PUT", "text/turtle", [], b"<urn:a> <urn:b> <urn:c> .")
    assert run(store, parts, direct="people/1.ttl")[0] == 201
    assert store.contains_named_graph(ox.NamedNode(ENDPOINT + "/people/1.ttl"))


@pytest.mark.parametrize(
    ("parts", "status"),
    [
        (HttpParts("PUT", "text/turtle", [], b"<urn:a> <urn:b> <urn:c> ."), 415),
        (HttpParts("PUT", "application/n-quads", [("default", "")], b""), 415),
        (HttpParts("PUT", "text/turtle", [("graph", "urn:g")], b"<urn:a> <urn:b> ."), 400),
        (HttpParts("PUT", "text/turtle", [("graph", "a b")], b""), 400),
        (HttpParts("PUT", "multipart/form-data; boundary=x", [("graph", "urn:g")], b""), 415),
        (HttpParts("DELETE", None, [], b""), 405),
        (HttpParts("GET", None, [], b"", "text/turtle"), 406),
    ],
    ids=[
        "triples-for-dataset",
        "quads-for-graph",
        "syntax",
        "bad-iri",
        "multipart-put",
        "delete-dataset",
        "dataset-as-turtle",
    ],
)
def test_requests_the_protocol_refuses(parts: HttpParts, status: int) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse_graph_request(parts, ENDPOINT)
    assert refused.value.status == status
