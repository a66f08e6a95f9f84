from __future__ import annotations

import pytest

from kg.protocol import (
    HttpParts,
    ProtocolError,
    negotiate,
    parse_query,
    query_form,
    refuse_network_access,
)


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX s: <https://schema.org/select#> ASK {}", "ask"),
        ('SELECT ?x WHERE { BIND("construct" AS ?x) }', "select"),
        ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("describe <urn:x>", "describe"),
        ("nonsense", None),
    ],
)
def test_the_query_form_ignores_iris_strings_and_comments(query: str, form: str | None) -> None:
    assert query_form(query) == form


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ex:service ?o }",
        "SELECT ?service { ?service ?p ?o }",
        'SELECT * { ?s ?p "LOAD <x>" }',
        "SELECT * { <http://x/SERVICE> ?p ?o }",
    ],
)
def test_names_that_merely_contain_service_or_load_pass(text: str) -> None:
    refuse_network_access(text)


@pytest.mark.parametrize("text", ["SELECT * { SERVICE <x> { } }", "LOAD SILENT <x> INTO GRAPH <g>"])
def test_service_and_load_are_refused(text: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        refuse_network_access(text)
    assert caught.value.status == 403


@pytest.mark.parametrize(
    ("accept", "form", "chosen"),
    [
        (None, "select", "application/sparql-results+json"),
        ("text/*", "select", "text/csv"),
        ("application/rdf+xml;q=0.2, text/turtle;q=0.9", "construct", "text/turtle"),
        ("text/plain", "describe", "application/n-triples"),
        ("*/*", "construct", "text/turtle"),
    ],
)
def test_negotiation_follows_quality_values(accept: str | None, form: str, chosen: str) -> None:
    assert negotiate(accept, form) == chosen


def test_negotiation_fails_with_406() -> None:
    with pytest.raises(ProtocolError) as caught:
        negotiate("text/turtle", "select")
    assert caught.value.status == 406


def test_a_direct_post_may_not_repeat_the_query_in_the_url() -> None:
    parts = HttpParts("POST", "application/sparql-query", [("query", "ASK {}")], b"ASK {}")
    with pytest.raises(ProtocolError) as caught:
        parse_query(parts)
    assert caught.value.status == 400
