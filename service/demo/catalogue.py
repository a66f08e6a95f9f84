"""The synthetic retailer's catalogue: styles with their ground-truth attributes and colourways.

A style (``DS000123``) fixes everything about a product except its colour; its colourway
articles (``D00012301``, ``D00012302``, ...) differ in colour only, as at a real retailer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.demo.assortment import RANGES, CategoryRange, Weights
from service.demo.categories import CATEGORIES_BY_NAME, CategoryFact, Gender
from service.demo.config import DemoConfig
from service.demo.palette import COLOURS_BY_NAME, PALETTE, NamedColour

PRICE_TIERS: dict[str, float] = {"budget": 0.7, "mid": 1.0, "premium": 1.6}
_TIER_WEIGHTS = (("budget", 0.35), ("mid", 0.45), ("premium", 0.2))
_MATERIAL_PRICE = {"silk": 1.4, "leather": 1.5, "suede": 1.4, "wool": 1.3, "linen": 1.15}
# How many colourways a style comes in: 1–6, about 3.4 on average.
_COLOURWAY_WEIGHTS = np.array([0.12, 0.18, 0.22, 0.22, 0.15, 0.11])
_NEW_STYLE_SHARE = 0.15  # styles launched during the period; the rest predate it
_DEAD_SHARE = 0.05  # articles nobody wants: long-tail stock and cold-start cases


@dataclass(frozen=True)
class Style:
    """A product in all its colours, with the platform's ground-truth attributes."""

    code: str
    """Style code, e.g. ``"DS000123"``."""
    number: int
    category: CategoryFact
    gender: Gender
    pattern: str
    neckline: str
    sleeve: str
    material: str
    look: str
    """The platform's ``style`` attribute: casual, formal, business, sporty or party."""
    price_tier: str
    price: float
    """List price in euros."""
    launch_day: int
    """First day on sale, counted from the period's start (negative: launched before it)."""


@dataclass(frozen=True)
class Article:
    """One colourway of a style: the unit that is photographed, sold and recommended."""

    article_id: str
    """Article id, e.g. ``"D00012301"``."""
    style: Style
    colourway: int
    """Position among the style's colourways, from 1."""
    colour: NamedColour
    """The dominant colour."""
    pattern_colour: NamedColour | None
    """The colour of stripes, checks, dots or prints; ``None`` for solid articles."""
    popularity: float
    """Hidden appeal to shoppers; heavy-tailed, so that there are best sellers and duds."""


@dataclass(frozen=True)
class Catalogue:
    """Every style and article of the retailer, in id order."""

    styles: tuple[Style, ...]
    articles: tuple[Article, ...]


def build_catalogue(config: DemoConfig) -> Catalogue:
    """Draw the retailer's range: ``config.n_styles`` styles and their colourways."""
    rng = config.rng("catalogue")
    shares = np.array([r.share for r in RANGES], dtype=float)
    ranges = rng.choice(len(RANGES), size=config.n_styles, p=shares / shares.sum())
    numbers = np.sort(rng.choice(999_999, size=config.n_styles, replace=False) + 1)
    styles: list[Style] = []
    articles: list[Article] = []
    for number, range_index in zip(numbers.tolist(), ranges.tolist(), strict=True):
        style = _draw_style(rng, RANGES[range_index], number, config.days)
        styles.append(style)
        articles.extend(_draw_colourways(rng, style, RANGES[range_index]))
    return Catalogue(tuple(styles), tuple(articles))


def _draw_style(rng: np.random.Generator, spec: CategoryRange, number: int, days: int) -> Style:
    category = CATEGORIES_BY_NAME[spec.category]
    material = _pick(rng, spec.materials)
    tier = _pick(rng, _TIER_WEIGHTS)
    raw_price = spec.base_price * PRICE_TIERS[tier] * _MATERIAL_PRICE.get(material, 1.0)
    raw_price *= float(rng.lognormal(0.0, 0.1))
    if rng.random() < _NEW_STYLE_SHARE:
        launch_day = int(rng.integers(0, days))
    else:
        launch_day = -int(rng.integers(1, 366))
    return Style(
        code=f"DS{number:06d}",
        number=number,
        category=category,
        gender=_draw_gender(rng, category),
        pattern=_pick(rng, spec.patterns),
        neckline=_pick(rng, spec.necklines),
        sleeve=_pick(rng, spec.sleeves),
        material=material,
        look=_pick(rng, spec.looks),
        price_tier=tier,
        price=max(math.floor(raw_price), 2) + 0.99,  # retail prices end in .99
        launch_day=launch_day,
    )


def _draw_gender(rng: np.random.Generator, category: CategoryFact) -> Gender:
    if len(category.genders) == 1:
        return category.genders[0]
    return _pick(rng, (("women", 0.45), ("men", 0.4), ("unisex", 0.15)))  # type: ignore[return-value]


def _draw_colourways(rng: np.random.Generator, style: Style, spec: CategoryRange) -> list[Article]:
    count = int(rng.choice(len(_COLOURWAY_WEIGHTS), p=_COLOURWAY_WEIGHTS)) + 1
    colours = _distinct_colours(rng, spec.colours, count)
    style_appeal = float(rng.lognormal(0.0, 0.6))
    articles = []
    for index, colour in enumerate(colours, start=1):
        popularity = style_appeal * float(rng.lognormal(0.0, 1.0))
        if rng.random() < _DEAD_SHARE:
            popularity *= 0.01
        pattern_colour = None if style.pattern == "solid" else _contrast(rng, colour)
        article_id = f"D{style.number:06d}{index:02d}"
        articles.append(Article(article_id, style, index, colour, pattern_colour, popularity))
    return articles


def _distinct_colours(
    rng: np.random.Generator, names: Sequence[str] | None, count: int
) -> list[NamedColour]:
    """Up to ``count`` different colours, common ones more often.

    A name listed twice in ``names`` is twice as likely.
    """
    pool = list(PALETTE) if names is None else [COLOURS_BY_NAME[n] for n in dict.fromkeys(names)]
    weights = np.array(
        [c.commonness * (1 if names is None else list(names).count(c.name)) for c in pool]
    )
    chosen = rng.choice(
        len(pool), size=min(count, len(pool)), replace=False, p=weights / weights.sum()
    )
    return [pool[i] for i in chosen.tolist()]


def _contrast(rng: np.random.Generator, colour: NamedColour) -> NamedColour:
    """A second colour that stands out against ``colour`` (white stripes on navy, ...)."""
    lightness = sum(colour.rgb) / 3
    pool = [c for c in PALETTE if abs(sum(c.rgb) / 3 - lightness) > 90]
    weights = np.array([c.commonness for c in pool])
    return pool[int(rng.choice(len(pool), p=weights / weights.sum()))]


def _pick(rng: np.random.Generator, weights: Weights) -> str:
    values = [v for v, _ in weights]
    p = np.array([w for _, w in weights], dtype=float)
    return values[int(rng.choice(len(values), p=p / p.sum()))]
