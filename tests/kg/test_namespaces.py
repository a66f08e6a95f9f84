from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.namespaces import ATL, article_iri, slug
from kg.vocabulary import vocabulary_text


def test_a_typo_in_the_vocabulary_is_an_error() -> None:
    assert str(ATL.category).endswith("vocab#category")
    with pytest.raises(AttributeError):
        _ = ATL.categroy


def test_every_python_term_is_declared_in_the_ontology() -> None:
    declared = {
        str(t.subject) for t in ox.parse(vocabulary_text("ontology.ttl"), ox.RdfFormat.TURTLE)
    }
    terms = [name for name in ATL.__annotations__ if not name.startswith("_")]
    missing = [name for name in terms if f"<{ATL._NS}{name}>" not in declared]
    assert missing == []


def test_slugs_and_article_iris_are_iri_safe() -> None:
    assert slug("Dusty Light Blue") == "dusty-light-blue"
    assert slug("Jumpsuit/Playsuit") == "jumpsuit-playsuit"
    assert article_iri("a b").endswith("/article/a%20b")
