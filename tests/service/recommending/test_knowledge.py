"""The catalogue facts from the store alone, the fallback when no graph has been built."""

from __future__ import annotations

from seeded_store import seed_store
from sqlalchemy import Engine

from service.recommending.knowledge import attribute_facts, store_knowledge


def test_store_knowledge_reads_style_codes_and_relation_columns(engine: Engine) -> None:
    seed_store(engine)
    knowledge = store_knowledge(engine)
    assert knowledge.item_facts("C1") == {
        "style": ("SC",),
        "category": ("coat",),
        "colour": ("navy",),
    }


def test_feed_aliases_map_to_relations() -> None:
    assert attribute_facts({"product_type_name": "Trousers", "price": "1", "x": None}) == {
        "category": ("trousers",)
    }
