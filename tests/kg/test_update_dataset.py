"""The protocol's update dataset written into updates as USING clauses (kg.update_dataset)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.update_dataset import blank_opaque, declares_dataset, with_using

TAG = "INSERT { GRAPH <urn:out> { ?s a <urn:Tagged> } } "


def store_with_two_graphs() -> ox.Store:
    store = ox.Store()
    store.update(
        "INSERT DATA { GRAPH <urn:g1> { <urn:a> a <urn:Doc> } "
        "GRAPH <urn:g2> { <urn:b> a <urn:Doc> } }"
    )
    return store


def tagged(store: ox.Store) -> set[str]:
    rows = store.query("SELECT ?s { GRAPH <urn:out> { ?s a <urn:Tagged> } }")
    assert isinstance(rows, ox.QuerySolutions)
    return {row["s"].value for row in rows}


@pytest.mark.parametrize(
    ("graphs", "named", "update", "expected"),
    [
        (
            ["urn:g1"],
            [],
            TAG + "WHERE { ?s a <urn:Doc> }",
            {"urn:a"},
        ),
        (
            ["urn:g1", "urn:g2"],
            [],
            TAG + "WHERE { ?s a <urn:Doc> }",
            {"urn:a", "urn:b"},
        ),
        (
            [],
            ["urn:g2"],
            TAG + "WHERE { GRAPH ?g { ?s a <urn:Doc> } }",
            {"urn:b"},
        ),
    ],
    ids=["one-default", "two-defaults", "named"],
)
def test_the_dataset_decides_what_where_sees(
    graphs: list[str], named: list[str], update: str, expected: set[str]
) -> None:
    store = store_with_two_graphs()
    store.update(with_using(update, graphs, named))
    assert tagged(store) == expected


def test_delete_where_gets_the_dataset_too() -> None:
    store = store_with_two_graphs()
    store.update("INSERT DATA { <urn:a> a <urn:Doc> }")  # also in the store's default graph
    store.update(with_using("DELETE WHERE { GRAPH ?g { ?s a <urn:Doc> } }", [], ["urn:g1"]))
    left = {(q.subject.value, q.graph_name) for q in store}
    assert left == {("urn:a", ox.DefaultGraph()), ("urn:b", ox.NamedNode("urn:g2"))}


def test_keywords_in_strings_iris_comments_and_subqueries_are_left_alone() -> None:
    update = (
        'INSERT { GRAPH <urn:out> { ?s <urn:note> "WHERE DELETE" } } # WHERE\n'
        "WHERE { { SELECT ?s WHERE { ?s a <urn:WHERE> } } }"
    )
    rewritten = with_using(update, ["urn:g1"], [])
    assert rewritten.count("USING <urn:g1>") == 1
    assert "# WHERE\nUSING <urn:g1> WHERE { { SELECT" in rewritten
    ox.Store().update(rewritten)  # still parses


def test_operations_without_where_are_unchanged() -> None:
    update = "CLEAR ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert with_using(update, ["urn:g1"], ["urn:g2"]) == update


@pytest.mark.parametrize(
    ("update", "declares"),
    [
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("DELETE { ?s ?p ?o } USING <urn:g> WHERE { ?s ?p ?o }", True),
        ("insert { ?s ?p ?o } using named <urn:g> where { graph ?g { ?s ?p ?o } }", True),
        ('INSERT DATA { <urn:using> <urn:with> "WITH USING" }', False),
        ("INSERT { ?s ?p ?o } WHERE { ?s <urn:x#with> ?o }", False),
    ],
)
def test_an_update_naming_its_own_dataset_is_recognised(update: str, declares: bool) -> None:
    assert declares_dataset(update) is declares


def test_blanking_keeps_every_offset() -> None:
    text = 'SELECT ?x { ?x <urn:a> "b c" } # d'
    blanked = blank_opaque(text)
    assert len(blanked) == len(text)
    assert blanked.index("}") == text.index("}")
    assert "urn" not in blanked and '"' not in blanked
