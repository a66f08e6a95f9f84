"""The SPARQL 1.1 Protocol (W3C Recommendation, 21 March 2013), request form by request form.

Every test runs twice: against the embedded pyoxigraph store (queried in a killable worker
process) and against a remote ``oxigraph serve`` the app forwards to. Section numbers refer to
the specification.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from oxigraph_server import OxigraphServer, serve_oxigraph

from kg.namespaces import graph_iri
from service.api import create_app
from service.settings import Settings
from tests.service.api.sparql_app import RETAILER, SALES, TOKEN, graph_app

RESULTS_JSON = "application/sparql-results+json"
PRODUCTS = "SELECT ?id WHERE { ?a <https://schema.org/productID> ?id } ORDER BY ?id"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    yield from serve_oxigraph(tmp_path_factory.mktemp("oxigraph"))


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app on a graph holding three articles, on each store configuration."""
    server = request.getfixturevalue("oxigraph") if request.param == "remote" else None
    with graph_app(tmp_path_factory.mktemp("home"), server) as test_client:
        yield test_client


def ids(response_json: Any) -> list[str]:
    return [row["id"]["value"] for row in response_json["results"]["bindings"]]


def count(response: Any) -> str:
    value: str = response.json()["results"]["bindings"][0]["n"]["value"]
    return value


# --- 2.1.1 query via GET, 2.1.2 via URL-encoded POST, 2.1.3 via POST directly ---------------


def test_query_via_get(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PRODUCTS})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(RESULTS_JSON)
    assert ids(response.json()) == ["P0", "P1", "P2"]


def test_query_via_url_encoded_post(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": PRODUCTS})
    assert response.status_code == 200
    assert ids(response.json()) == ["P0", "P1", "P2"]


def test_query_via_post_directly(client: TestClient) -> None:
    response = client.post(
        "/sparql", content=PRODUCTS.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200
    assert ids(response.json()) == ["P0", "P1", "P2"]


def test_non_ascii_queries_round_trip(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("Größe · 漢字" AS ?x) }'
    response = client.post("/sparql", data={"query": query})
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "Größe · 漢字"


# --- 2.1.4 the RDF dataset: default-graph-uri and named-graph-uri ---------------------------


def test_default_graph_uri_replaces_the_default_graph(client: TestClient) -> None:
    query = "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://schema.org/Product> }"
    retailer = client.get("/sparql", params={"query": query, "default-graph-uri": RETAILER})
    sales = client.get("/sparql", params={"query": query, "default-graph-uri": SALES})
    assert (count(retailer), count(sales)) == ("3", "0")


def test_named_graph_uri_limits_the_named_graphs(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": [SALES, RETAILER]})
    graphs = {row["g"]["value"] for row in response.json()["results"]["bindings"]}
    assert graphs == {SALES, RETAILER}


def test_dataset_parameters_also_work_with_a_direct_post(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(
        "/sparql",
        params={"named-graph-uri": SALES},
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert [row["g"]["value"] for row in response.json()["results"]["bindings"]] == [SALES]


# --- content negotiation of query results ---------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_in_every_format(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", params={"query": PRODUCTS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "text/csv":
        assert [row["id"] for row in csv.DictReader(io.StringIO(response.text))] == [
            "P0",
            "P1",
            "P2",
        ]
    if media_type.endswith("xml"):
        assert response.text.count("<result>") == 3


def test_ask_answers_a_boolean(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
)
def test_construct_in_every_graph_format(client: TestClient, accept: str) -> None:
    query = "CONSTRUCT { ?a schema:productID ?id } WHERE { ?a schema:productID ?id }"
    query = "PREFIX schema: <https://schema.org/>\n" + query
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    rdf_format = ox.RdfFormat.from_media_type(accept)
    assert rdf_format is not None
    assert len(list(ox.parse(response.content, rdf_format))) == 3


def test_describe_defaults_to_turtle(client: TestClient) -> None:
    query = 'DESCRIBE ?a WHERE { ?a <https://schema.org/productID> "P1" }'
    response = client.get("/sparql", params={"query": query})
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=response.text, format="turtle")) > 0


def test_unacceptable_media_type_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PRODUCTS}, headers={"Accept": "image/png"})
    assert response.status_code == 406


# --- failures: malformed requests (4xx) ---------------------------------------------------


def test_syntax_error_is_400_with_the_parsers_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELEKT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert "error" in response.text.lower() and "1:" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"default-graph-uri": RETAILER},
        {"query": ["ASK {}", "ASK {}"]},
        {"update": "CLEAR ALL"},
    ],
    ids=["no-query", "two-queries", "update-on-query-endpoint"],
)
def test_missing_duplicate_or_misplaced_strings_are_400(
    client: TestClient, params: dict[str, object]
) -> None:
    assert client.get("/sparql", params=params).status_code == 400  # type: ignore[arg-type]


def test_other_methods_are_405_with_allow(client: TestClient) -> None:
    response = client.put("/sparql", content=b"ASK {}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/sparql-update"])
def test_post_bodies_of_other_types_are_415(client: TestClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/sparql", content=b"ASK {}", headers=headers)
    assert response.status_code == 415


def test_a_body_that_is_not_utf8_is_400(client: TestClient) -> None:
    response = client.post(
        "/sparql", content=b"ASK { \xff }", headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400


# --- refusals: network access, runaway queries, huge results --------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403
    assert "SERVICE" in response.text


def test_the_word_service_inside_a_literal_is_fine(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE and LOAD" AS ?x) } # SERVICE'
    assert client.get("/sparql", params={"query": query}).status_code == 200


def test_a_runaway_query_is_stopped_with_503_and_the_endpoint_recovers(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SLOW})
    assert response.status_code == 503
    assert "Retry-After" in response.headers or "limit" in response.text
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_result_over_the_size_limit_is_refused(client: TestClient) -> None:
    query = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 20000"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 500
    assert "LIMIT" in response.text


# --- 2.2 update operation -------------------------------------------------------------------

INSERT = f'INSERT DATA {{ GRAPH <{graph_iri("notes")}> {{ <urn:x> <urn:says> "hello" }} }}'
ASK_NOTE = 'ASK { <urn:x> <urn:says> "hello" }'


def test_update_needs_the_token(client: TestClient) -> None:
    direct = {"Content-Type": "application/sparql-update"}
    assert client.post("/sparql/update", content=INSERT, headers=direct).status_code == 401
    wrong = {**direct, "Authorization": "Bearer nope"}
    assert client.post("/sparql/update", content=INSERT, headers=wrong).status_code == 401
    assert client.get("/sparql", params={"query": ASK_NOTE}).json()["boolean"] is False


def test_update_via_url_encoded_post_and_directly(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post("/sparql/update", data={"update": INSERT}, headers=auth)
    assert response.status_code in (200, 204)
    assert client.get("/sparql", params={"query": ASK_NOTE}).json()["boolean"] is True
    delete = INSERT.replace("INSERT DATA", "DELETE DATA")
    headers = {**auth, "Content-Type": "application/sparql-update"}
    assert client.post("/sparql/update", content=delete, headers=headers).status_code in (200, 204)
    assert client.get("/sparql", params={"query": ASK_NOTE}).json()["boolean"] is False


def test_update_via_get_is_405(client: TestClient) -> None:
    response = client.get("/sparql/update", params={"update": INSERT})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_load_is_refused(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = client.post(
        "/sparql/update", data={"update": "LOAD <http://example.org/x>"}, headers=auth
    )
    assert response.status_code == 403


def test_updates_are_disabled_without_a_configured_token(tmp_path: Path) -> None:
    settings = Settings(
        atelier_home=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'c.db'}",
        sparql_update_token=None,
    )
    with TestClient(create_app(settings)) as plain:
        headers = {"Authorization": "Bearer anything"}
        response = plain.post("/sparql/update", data={"update": INSERT}, headers=headers)
        assert response.status_code == 403
        empty = plain.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert json.loads(empty.text)["boolean"] is False
