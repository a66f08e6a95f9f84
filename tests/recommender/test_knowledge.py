"""Table-backed knowledge and its protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.knowledge import CatalogueKnowledge, CategoryRule, read_knowledge


def test_tables_satisfy_the_protocols(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text("article_id,style_code,style,category,colour\nA1,S1,casual,coat,navy|blue\n")
    rules = tmp_path / "categories.csv"
    rules.write_text(
        "category,slot,durability,repurchase_days,complements\n"
        "coat,outerwear,durable,,scarf|boots\nsocks,basics,consumable,60,\n"
    )
    knowledge = read_knowledge(items, rules)
    assert isinstance(knowledge, CatalogueKnowledge)
    # a style_code column wins; the fashion-style column becomes the occasion
    assert knowledge.item_facts("A1") == {
        "style": ("S1",),
        "occasion": ("casual",),
        "category": ("coat",),
        "colour": ("navy", "blue"),
    }
    coat = knowledge.category_rule("coat")
    assert isinstance(coat, CategoryRule) and coat.repurchase_days is None
    assert knowledge.category_rule("socks").repurchase_days == 60.0  # type: ignore[union-attr]
    assert list(knowledge.complements("coat")) == ["scarf", "boots"]
    assert knowledge.item_facts("unknown") == {}


def test_items_without_attributes_work(tmp_path: Path) -> None:
    knowledge = read_knowledge(None, None)
    assert list(knowledge.items()) == [] and knowledge.category_rule("x") is None


def test_items_tables_from_spreadsheets_keep_their_facts(tmp_path: Path) -> None:
    # a byte-order mark, semicolons, capitals and US spelling, as a spreadsheet exports them
    items = tmp_path / "items.csv"
    items.write_bytes("\ufeffItem ID;Category;Basic Color;Color\nA1;coat;blue;Navy\n".encode())
    assert read_knowledge(items).item_facts("A1") == {
        "category": ("coat",),
        "basic_colour": ("blue",),
        "colour": ("Navy",),
    }


def test_an_items_table_without_an_id_column_is_an_error_naming_it(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text("sku,category\nA1,coat\n")
    with pytest.raises(ValueError, match="no item_id column"):
        read_knowledge(items)
