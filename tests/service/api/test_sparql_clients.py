"""Real SPARQL clients against the endpoint on a live uvicorn: SPARQLWrapper and rdflib."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import running
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from kg.loading import build_graph
from kg.namespaces import article_iri, graph_iri
from kg.records import ArticleRecord, FeedRecord
from kg.store import EmbeddedStore
from service.settings import Settings

TOKEN = "client-token"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home: Path = tmp_path_factory.mktemp("home")
    store = EmbeddedStore(home / "graph")
    feed = FeedRecord("retailer", "shop", {"category": "Coats"})
    build_graph(store, [ArticleRecord("C1", "shop", "S1", "Wool coat", (feed,))], workdir=home)
    store.close()
    settings = Settings(
        atelier_home=home,
        database_url=f"sqlite:///{home / 'catalogue.db'}",
        sparql_update_token=TOKEN,
    )
    with running(settings) as url:
        yield url


def test_sparqlwrapper_select_construct_and_update(base_url: str) -> None:
    client = SPARQLWrapper(base_url + "/sparql")
    client.setQuery("SELECT ?n WHERE { ?a <https://schema.org/name> ?n }")
    client.setReturnFormat(JSON)
    answer: Any = client.queryAndConvert()
    assert [row["n"]["value"] for row in answer["results"]["bindings"]] == ["Wool coat"]

    client.setQuery("CONSTRUCT WHERE { ?a <https://schema.org/name> ?n }")
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    assert b"Wool coat" in turtle  # type: ignore[operator]

    updater = SPARQLWrapper(base_url + "/sparql", updateEndpoint=base_url + "/sparql/update")
    updater.setMethod(POST)
    updater.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    note = graph_iri("notes")
    updater.setQuery(f'INSERT DATA {{ GRAPH <{note}> {{ <urn:a> <urn:b> "c" }} }}')
    updater.query()
    client.setQuery('ASK { <urn:a> <urn:b> "c" }')
    client.setReturnFormat(JSON)
    asked: Any = client.queryAndConvert()
    assert asked["boolean"] is True


def test_rdflib_sparqlstore_reads_the_graph(base_url: str) -> None:
    graph = Graph(store=SPARQLStore(base_url + "/sparql", returnFormat="json"))
    article = URIRef(article_iri("C1"))
    names = list(graph.objects(article, URIRef("https://schema.org/name")))
    assert names == [Literal("Wool coat")]
    rows = list(graph.query("SELECT ?c WHERE { ?a <https://w3id.org/atelier/vocab#category> ?c }"))
    assert [str(row[0]) for row in rows] == ["https://w3id.org/atelier/id/category/coat"]  # type: ignore[index]
