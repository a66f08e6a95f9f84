from __future__ import annotations

from pathlib import Path

import pytest

from kg.loading import build_graph
from kg.projection import GraphKnowledge, put_repurchase_stats
from kg.records import ArticleRecord, SalesRecord, VisionRecord
from kg.store import EmbeddedStore

Catalogue = tuple[list[ArticleRecord], list[SalesRecord], list[VisionRecord]]


@pytest.fixture
def store(tmp_path: Path, catalogue: Catalogue) -> EmbeddedStore:
    store = EmbeddedStore(None)
    build_graph(store, *catalogue, workdir=tmp_path)
    return store


def test_item_facts_use_plain_concept_names(store: EmbeddedStore) -> None:
    knowledge = GraphKnowledge.from_store(store)
    assert sorted(knowledge.items()) == ["A1", "A2", "A3"]
    facts = knowledge.item_facts("A1")
    assert facts["category"] == ["jeans"]
    assert facts["slot"] == ["bottom"]
    assert facts["style"] == ["S1"]
    assert facts["basic_colour"] == ["blue"]
    assert facts["material"] == ["cotton", "spandex"]
    assert knowledge.item_facts("A3")["pattern"] == ["stripes"]
    assert knowledge.item_facts("nope") == {}


def test_category_rules_complements_and_hierarchies(store: EmbeddedStore) -> None:
    knowledge = GraphKnowledge.from_store(store)
    jeans = knowledge.category_rule("jeans")
    assert jeans is not None
    assert (jeans.durability, jeans.repurchase_days, jeans.slot) == ("durable", None, "bottom")
    socks = knowledge.category_rule("socks")
    assert socks is not None and socks.repurchase_days == 60
    assert knowledge.category_rule("spaceship") is None
    assert knowledge.complements("jeans") == ["boots", "shirt", "sneakers", "t-shirt"]
    assert knowledge.broader("jeans") == ["trousers"]
    assert knowledge.broader("dark blue") == ["blue"]
    assert knowledge.broader("u-necks") == ["round neck"]


def test_substitutes_share_the_category(store: EmbeddedStore) -> None:
    knowledge = GraphKnowledge.from_store(store)
    assert knowledge.substitutes("A2") == ["A3"]


def test_learned_repurchase_statistics_replace_the_declared_interval(store: EmbeddedStore) -> None:
    put_repurchase_stats(store, [("socks", 0.7, 45.0), ("jeans", 0.05, None)])
    put_repurchase_stats(store, [("socks", 0.8, 50.0)])  # replaces, does not add
    knowledge = GraphKnowledge.from_store(store)
    socks = knowledge.category_rule("socks")
    assert socks is not None
    assert (socks.repurchase_days, socks.repurchase_probability) == (50.0, 0.8)
    with pytest.raises(ValueError, match="bad repurchase"):
        put_repurchase_stats(store, [("socks", 1.5, 3.0)])


def test_the_projection_satisfies_the_recommenders_protocol(store: EmbeddedStore) -> None:
    knowledge_module = pytest.importorskip("recommender.knowledge")
    knowledge = GraphKnowledge.from_store(store)
    assert isinstance(knowledge, knowledge_module.CatalogueKnowledge)
    rule = knowledge.category_rule("jeans")
    assert isinstance(rule, knowledge_module.CategoryRule)


def test_vision_colours_join_the_catalogues_colour(store: EmbeddedStore) -> None:
    knowledge = GraphKnowledge.from_store(store)
    assert knowledge.item_facts("A2")["basic_colour"] == ["black", "blue"]
