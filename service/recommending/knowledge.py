"""The catalogue facts the recommender learns with: the graph's projection, else the store's.

:func:`store_knowledge` is the fallback knowledge when no graph has been built: style codes
plus the feeds' own columns that name a relation (H&M's ``product_type_name`` is the category,
and so on).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, select

from kg.projection import GraphKnowledge
from recommender.knowledge import KNOWN_RELATIONS, CatalogueKnowledge, TableKnowledge
from service.graph.stores import open_graph_store
from service.settings import Settings
from service.store.models import Article, ArticleAttributes, Style

#: Feed columns (lower case) that name a relation under another name.
RELATION_ALIASES: Mapping[str, str] = {
    "product_type_name": "category",
    "articletype": "category",
    "colour_group_name": "colour",
    "color": "colour",
    "basecolour": "colour",
    "perceived_colour_master_name": "basic_colour",
    "graphical_appearance_name": "pattern",
    "department_name": "department",
    "usage": "occasion",
}


def knowledge_for(settings: Settings, engine: Engine) -> CatalogueKnowledge:
    """The graph's projection when the graph holds articles, else facts from the store."""
    if settings.may_have_graph:
        store = open_graph_store(settings)
        try:
            graph = GraphKnowledge.from_store(store)
        finally:
            store.close()
        if next(iter(graph.items()), None) is not None:
            return graph
    return store_knowledge(engine)


def store_knowledge(engine: Engine) -> TableKnowledge:
    """Item facts from the store alone: style codes and relation-named feed columns."""
    facts: dict[str, dict[str, tuple[str, ...]]] = {}
    with engine.connect() as connection:
        for item, code in connection.execute(
            select(Article.external_id, Style.style_code).join(Style)
        ):
            facts[item] = {"style": (code,)}
        rows = connection.execute(
            select(Article.external_id, ArticleAttributes.data).join(ArticleAttributes)
        )
        for item, data in rows:
            facts.setdefault(item, {}).update(attribute_facts(data or {}))
    return TableKnowledge(facts=facts)


def attribute_facts(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Relations named by one feed record's columns (first record wins per relation)."""
    found: dict[str, tuple[str, ...]] = {}
    for column, value in data.items():
        key = str(column).strip().lower()
        relation = RELATION_ALIASES.get(key, key if key in KNOWN_RELATIONS else None)
        text = str(value).strip() if value is not None else ""
        if relation and relation != "style" and text and relation not in found:
            found[relation] = (text.lower(),)
    return found
