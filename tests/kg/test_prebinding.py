from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import queries
from kg.prebinding import pattern_start
from tests.kg.conftest import build_tiny

EX = "http://example.org/"
# a1 is red and sized; a2 has no colour: a variable bound only by OPTIONAL is unbound there
DATA = f"""
<{EX}a1> <{EX}colour> "red" .
<{EX}a1> <{EX}size> "M" .
<{EX}a2> <{EX}size> "S" .
<{EX}g> <{EX}holds> <{EX}a1> <{EX}graph> .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.N_QUADS)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted(tuple(str(term) for term in row) for row in solutions)


def trailing(query: str, name: str, value: str) -> str:
    return f'{query}\nVALUES ?{name} {{ "{value}" }}'


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?a ?size WHERE {{ ?a <{EX}size> ?size }}",
        f"SELECT DISTINCT ?a WHERE {{ ?a <{EX}size> ?size . FILTER(?size != 'L') }} ORDER BY ?a",
        f"# a comment {{\nSELECT * {{ ?a <{EX}size> ?size OPTIONAL {{ ?a <{EX}colour> ?c }} }}",
        f"SELECT ?a WHERE {{ GRAPH <{EX}graph> {{ ?g <{EX}holds> ?a }} ?a <{EX}size> ?size }}",
    ],
)
def test_a_variable_of_a_required_pattern_is_bound_at_the_start_with_the_same_answer(
    store: ox.Store, query: str
) -> None:
    start = pattern_start(query, ["size"])
    assert start is not None and query[start - 1] == "{"
    bound = queries.bind(query, {"size": "M"})
    assert bound.index("VALUES") < bound.rindex("}")  # inside the pattern, not trailing
    assert rows(store, bound) == rows(store, trailing(query, "size", "M"))


@pytest.mark.parametrize(
    "query",
    [
        # only in an OPTIONAL: a trailing VALUES also keeps a2 (colour unbound, then joined)
        f"SELECT ?a ?c WHERE {{ ?a <{EX}size> ?s OPTIONAL {{ ?a <{EX}colour> ?c }} }}",
        f"SELECT ?a ?c WHERE {{ ?a <{EX}size> ?s BIND(STR(?s) AS ?c) }}",
        f"SELECT ?a ?c WHERE {{ {{ ?a <{EX}size> ?c }} UNION {{ ?a <{EX}colour> ?c }} }}",
        f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ ?a <{EX}colour> ?c }} GROUP BY ?c",
        f"SELECT ?c WHERE {{ {{ SELECT ?c WHERE {{ ?a <{EX}colour> ?c }} }} }}",
        f"SELECT (EXISTS {{ ?x ?y ?z }} AS ?e) ?c WHERE {{ ?a <{EX}colour> ?c }}",
        f"ASK {{ ?a <{EX}colour> ?c }}",
        f"CONSTRUCT {{ ?a <{EX}p> ?c }} WHERE {{ ?a <{EX}colour> ?c }}",
        "SELECT ?c WHERE { this is not SPARQL }",
    ],
)
def test_anything_else_keeps_the_trailing_clause(store: ox.Store, query: str) -> None:
    assert pattern_start(query, ["c"]) is None
    assert queries.bind(query, {"c": "red"}).rstrip().endswith('VALUES (?c) { ("red") }')


def test_the_optional_case_is_why_the_clause_stays_trailing(store: ox.Store) -> None:
    query = f"SELECT ?a ?c WHERE {{ ?a <{EX}size> ?s OPTIONAL {{ ?a <{EX}colour> ?c }} }}"
    first = query.replace("WHERE {", 'WHERE { VALUES ?c { "blue" }', 1)
    assert rows(store, trailing(query, "c", "blue")) != rows(store, first)
    assert rows(store, queries.bind(query, {"c": "blue"})) == rows(
        store, trailing(query, "c", "blue")
    )


@pytest.mark.parametrize(
    ("name", "bindings"),
    [
        ("provenance", {"article": "A1"}),
        ("provenance", {"article": "A2"}),
        ("complements", {"category": "jeans"}),
        ("best-selling-colours-per-season", {"season": "summer"}),
        ("unmapped-concepts", {"scheme": "demo fit"}),
        ("mined-complements", {"category": "jeans"}),
        ("mined-complements", {"relation": "complement"}),
        ("bought-together", {"article": "A1"}),
    ],
)
def test_every_bundled_query_answers_the_same_bound_either_way(
    name: str, bindings: dict[str, str]
) -> None:
    store, _ = build_tiny()
    text = queries.load(name)
    last = text.rstrip() + "\nVALUES ({}) {{ ({}) }}".format(
        " ".join(f"?{v}" for v in bindings), " ".join(f'"{v}"' for v in bindings.values())
    )
    assert rows(store, queries.bind(text, bindings)) == rows(store, last)
