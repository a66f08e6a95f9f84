"""What the generator knows and the feeds hide: the answers evaluations are scored against.

* ``ground_truth/articles.csv``: every article's platform attributes and true colour.
* ``ground_truth/categories.csv``: the category facts of :mod:`service.demo.categories`.
* ``ground_truth/shoppers.json``: each shopper's hidden tastes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from service.demo.catalogue import Catalogue
from service.demo.categories import CATEGORIES
from service.demo.feeds import Row
from service.demo.shoppers import Shopper

ARTICLE_COLUMNS = (
    "article_id",
    "style_code",
    "category",
    "slot",
    "durability",
    "gender",
    "colour",
    "colour_hex",
    "basic_colour",
    "pattern",
    "pattern_colour",
    "pattern_colour_hex",
    "neckline",
    "sleeve",
    "material",
    "style",
    "price_tier",
    "list_price",
    "launch_date",
    "popularity",
)
CATEGORY_COLUMNS = (
    "category",
    "slot",
    "durability",
    "repurchase_days",
    "complements",
    "genders",
    "season",
)


def article_rows(catalogue: Catalogue, start: date) -> Iterator[Row]:
    """One row per article with every platform attribute (lists inside a cell use ``|``)."""
    for article in catalogue.articles:
        style, second = article.style, article.pattern_colour
        yield [
            article.article_id,
            style.code,
            style.category.name,
            style.category.slot,
            style.category.durability,
            style.gender,
            article.colour.name,
            article.colour.hex,
            article.colour.basic,
            style.pattern,
            second.name if second else "",
            second.hex if second else "",
            style.neckline,
            style.sleeve,
            style.material,
            style.look,
            style.price_tier,
            f"{style.price:.2f}",
            (start + timedelta(days=style.launch_day)).isoformat(),
            f"{article.popularity:.4f}",
        ]


def category_rows() -> Iterator[Row]:
    """The category facts; an empty ``repurchase_days`` means not repurchased."""
    for fact in CATEGORIES:
        yield [
            fact.name,
            fact.slot,
            fact.durability,
            "" if fact.repurchase_days is None else str(fact.repurchase_days),
            "|".join(fact.complements),
            "|".join(fact.genders),
            fact.season,
        ]


def shopper_tastes(shoppers: Iterable[Shopper]) -> list[dict[str, Any]]:
    """Every shopper's hidden tastes, JSON-ready."""
    return [shopper.hidden() for shopper in shoppers]
