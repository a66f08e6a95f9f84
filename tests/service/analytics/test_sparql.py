from __future__ import annotations

import pytest

from kg.store import EmbeddedStore
from service.analytics.sparql import article_edges, frame, select, short

EX = "https://w3id.org/atelier/id/"
RETAILER = "<https://w3id.org/atelier/graph/retailer/t>"
BROADER = "<http://www.w3.org/2004/02/skos/core#broader>"


@pytest.fixture
def store() -> EmbeddedStore:
    """An article with a retailer colour whose concept has a broader hue."""
    store = EmbeddedStore(None)
    store.add_nquads(
        [
            f'<{EX}article/A1> <https://schema.org/productID> "A1" {RETAILER} .\n',
            f"<{EX}article/A1> <https://w3id.org/atelier/vocab#colour> <{EX}colour/fine/navy> "
            "<https://w3id.org/atelier/graph/retailer/t> .\n",
            f"<{EX}colour/fine/navy> <http://www.w3.org/2004/02/skos/core#broader> "
            f"<{EX}colour/hue/blue> <https://w3id.org/atelier/graph/platform> .\n",
            "<https://w3id.org/atelier/graph/retailer/t> <https://w3id.org/atelier/vocab#view> "
            '"retailer" <https://w3id.org/atelier/graph/meta> .\n',
        ]
    )
    return store


def test_frame_converts_numeric_columns_only() -> None:
    table = frame([{"n": "3", "name": "blue"}, {"n": "4.5", "name": "7"}])
    assert table["n"].tolist() == [3.0, 4.5]
    assert table["name"].tolist() == ["blue", "7"]


def test_frame_keeps_zero_padded_ids_as_text() -> None:
    table = frame([{"article": "0108775015", "sold": "3"}, {"article": "0924243001", "sold": "0"}])
    assert table["article"].tolist() == ["0108775015", "0924243001"]
    assert table["sold"].tolist() == [3, 0]


def test_short_keeps_the_end_of_iris_and_literals_whole() -> None:
    assert short("https://w3id.org/atelier/id/colour/basic/blue") == "blue"
    assert short("https://w3id.org/atelier/vocab#basicColour") == "basicColour"
    assert short("dark grayish blue") == "dark grayish blue"


def test_select_binds_variables_with_values(store: EmbeddedStore) -> None:
    query = f"SELECT ?source ?target WHERE {{ ?source {BROADER} ?target }}"
    rows = select(store, query, source=f"<{EX}colour/fine/navy>")
    assert rows["target"].tolist() == [f"{EX}colour/hue/blue"]
    assert select(store, query, source=f"<{EX}colour/fine/red>").empty


def test_article_edges_follow_concepts_to_their_parents(store: EmbeddedStore) -> None:
    edges = article_edges(store, "A1")
    assert edges.values.tolist() == [
        ["A1", "colour", f"{EX}colour/fine/navy", "retailer"],
        [f"{EX}colour/fine/navy", "broader", f"{EX}colour/hue/blue", "platform"],
    ]


def test_an_empty_answer_keeps_its_columns(store: EmbeddedStore) -> None:
    query = (
        f"SELECT ?source (COUNT(*) AS ?n) WHERE {{ ?source {BROADER} ?target }} GROUP BY ?source"
    )
    empty = select(store, query, source=f"<{EX}colour/fine/red>")
    assert empty.empty and list(empty.columns) == ["source", "n"]
