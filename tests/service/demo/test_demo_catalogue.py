from __future__ import annotations

import re
from collections import defaultdict

from service.demo import DemoConfig
from service.demo.assortment import (
    LOOKS,
    MATERIALS,
    NECKLINES,
    PATTERNS,
    RANGES_BY_CATEGORY,
    SLEEVES,
)
from service.demo.catalogue import Article, build_catalogue
from service.demo.categories import CATEGORIES, CATEGORIES_BY_NAME
from service.demo.palette import BASIC_TERMS, PALETTE
from service.demo.silhouettes import silhouette

CONFIG = DemoConfig(seed=5, n_styles=300, n_shoppers=1)


def test_every_category_has_a_range_a_drawing_and_known_complements() -> None:
    for fact in CATEGORIES:
        assert fact.name in RANGES_BY_CATEGORY
        assert silhouette(fact.name, "long", "round").shapes
        assert fact.complements and set(fact.complements) <= set(CATEGORIES_BY_NAME)
        assert fact.name not in fact.complements
        if fact.durability == "durable":
            assert fact.repurchase_days is None
        if fact.durability == "consumable":
            assert fact.repurchase_days is not None


def test_palette_uses_basic_colour_terms_and_includes_white() -> None:
    assert {c.basic for c in PALETTE} == set(BASIC_TERMS)
    assert len({c.name for c in PALETTE}) == len(PALETTE)
    assert any(c.basic == "white" and min(c.rgb) > 240 for c in PALETTE)


def test_ids_follow_the_style_and_colourway_scheme() -> None:
    catalogue = build_catalogue(CONFIG)
    assert len(catalogue.styles) == CONFIG.n_styles
    for article in catalogue.articles:
        assert re.fullmatch(r"DS\d{6}", article.style.code)
        assert article.article_id == f"D{article.style.code[2:]}{article.colourway:02d}"
    ids = [a.article_id for a in catalogue.articles]
    assert len(set(ids)) == len(ids)


def test_colourways_differ_in_colour_only() -> None:
    by_style: dict[str, list[Article]] = defaultdict(list)
    for article in build_catalogue(CONFIG).articles:
        by_style[article.style.code].append(article)
    sizes = [len(group) for group in by_style.values()]
    assert min(sizes) >= 1 and max(sizes) <= 6 and 2.5 < sum(sizes) / len(sizes) < 4.5
    for group in by_style.values():
        assert len({a.style for a in group}) == 1
        assert len({a.colour.name for a in group}) == len(group)


def test_attributes_come_from_the_platform_vocabulary() -> None:
    for style in build_catalogue(CONFIG).styles:
        assert style.pattern in PATTERNS
        assert style.neckline in NECKLINES
        assert style.sleeve in SLEEVES
        assert style.material in MATERIALS
        assert style.look in LOOKS
        assert style.gender in style.category.genders
        assert str(style.price).endswith(".99")


def test_solid_articles_have_no_pattern_colour_and_others_one_that_contrasts() -> None:
    for article in build_catalogue(CONFIG).articles:
        second = article.pattern_colour
        if article.style.pattern == "solid":
            assert second is None
        else:
            assert second is not None
            assert abs(sum(second.rgb) - sum(article.colour.rgb)) / 3 >= 89


def test_the_same_seed_gives_the_same_catalogue_and_another_seed_another() -> None:
    first, again = build_catalogue(CONFIG), build_catalogue(CONFIG)
    other = build_catalogue(DemoConfig(seed=6, n_styles=300, n_shoppers=1))
    assert first == again
    assert [a.article_id for a in first.articles] != [a.article_id for a in other.articles]
