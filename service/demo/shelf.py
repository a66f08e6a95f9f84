"""The catalogue as arrays, for fast choices during the purchase simulation.

Also what a shopper sees on a given day: which articles are on sale yet, at what price, and how
much the season lifts each category.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from service.demo.assortment import LOOKS
from service.demo.catalogue import PRICE_TIERS, Article, Catalogue
from service.demo.categories import CATEGORIES, CategoryFact
from service.demo.palette import BASIC_TERMS, PALETTE, colours_go_together
from service.demo.shoppers import PRICE_LEVELS, Shopper

GENDERS = ("women", "men", "unisex")
# How willing each price level (rows) is to pay each price tier (columns: budget, mid, premium).
_PRICE_FIT = np.array([[1.0, 0.5, 0.1], [0.6, 1.0, 0.35], [0.3, 0.8, 1.0]])
_GENDER_FIT = {"women": {"women": 1.0, "unisex": 0.8, "men": 0.02}}
_GENDER_FIT["men"] = {"women": 0.02, "unisex": 0.8, "men": 1.0}
# Markdown periods: the winter and summer sales (days of the year) and their discount.
_SALES = ((2, 31), (182, 213))
_DISCOUNT = 0.3


@dataclass(frozen=True)
class Shelf:
    """Column arrays over articles (in catalogue order) and a few lookup tables."""

    articles: tuple[Article, ...]
    category: np.ndarray
    """Index into :data:`CATEGORIES` of each article."""
    look: np.ndarray
    basic: np.ndarray
    tier: np.ndarray
    colour: np.ndarray
    """Index into :data:`PALETTE`."""
    gender: np.ndarray
    """Index into :data:`GENDERS`."""
    popularity: np.ndarray
    launch_day: np.ndarray
    price: np.ndarray
    on_markdown: np.ndarray
    """Whether the article is discounted in the sales."""
    by_category: tuple[np.ndarray, ...]
    """Article indices of each category."""
    compatible: np.ndarray
    """``compatible[i, j]``: palette colours ``i`` and ``j`` make an outfit."""
    start: date

    def affinity(self, shopper: Shopper) -> np.ndarray:
        """How much the shopper is drawn to each article, before need, season and timing."""
        looks = np.array([shopper.looks[name] for name in LOOKS]) * len(LOOKS)
        colours = np.array([shopper.colours[name] for name in BASIC_TERMS]) * len(BASIC_TERMS)
        price = _PRICE_FIT[PRICE_LEVELS.index(shopper.price_level)]
        fit = np.array([_GENDER_FIT[shopper.gender][g] for g in GENDERS])
        appeal = self.popularity**0.8 * looks[self.look] ** 1.5 * colours[self.basic]
        return appeal * price[self.tier] * fit[self.gender]  # type: ignore[no-any-return]

    def season(self, category: CategoryFact, day: int) -> float:
        """Seasonal lift of a category on a day of the period (1 = no effect)."""
        if category.season == "all":
            return 1.0
        winter = math.cos(2 * math.pi * (self.date(day).timetuple().tm_yday - 15) / 365)
        return 1 + (0.7 if category.season == "cold" else -0.7) * winter

    def unit_price(self, article: int, day: int) -> float:
        """The price paid on a given day, after any markdown."""
        price = float(self.price[article])
        if self.on_markdown[article] and _in_sale(self.date(day)):
            return round(price * (1 - _DISCOUNT), 2)
        return price

    def date(self, day: int) -> date:
        """The calendar date of a day of the period."""
        return self.start + timedelta(days=day)


def build_shelf(catalogue: Catalogue, start: date) -> Shelf:
    """Index a catalogue for the simulation of a period starting on ``start``."""
    articles = catalogue.articles
    category_index = {c.name: i for i, c in enumerate(CATEGORIES)}
    colour_index = {c.name: i for i, c in enumerate(PALETTE)}
    category = np.array([category_index[a.style.category.name] for a in articles], dtype=int)
    return Shelf(
        articles=articles,
        category=category,
        look=np.array([LOOKS.index(a.style.look) for a in articles], dtype=int),
        basic=np.array([BASIC_TERMS.index(a.colour.basic) for a in articles], dtype=int),
        tier=np.array([list(PRICE_TIERS).index(a.style.price_tier) for a in articles], dtype=int),
        colour=np.array([colour_index[a.colour.name] for a in articles], dtype=int),
        gender=np.array([GENDERS.index(a.style.gender) for a in articles], dtype=int),
        popularity=np.array([a.popularity for a in articles]),
        launch_day=np.array([a.style.launch_day for a in articles], dtype=int),
        price=np.array([a.style.price for a in articles]),
        # A third of the styles go into the sales; which ones is part of the style's identity.
        on_markdown=np.array([a.style.number % 3 == 0 for a in articles]),
        by_category=tuple(np.flatnonzero(category == i) for i in range(len(CATEGORIES))),
        compatible=np.array([[colours_go_together(a, b) for b in PALETTE] for a in PALETTE]),
        start=start,
    )


def _in_sale(day: date) -> bool:
    day_of_year = day.timetuple().tm_yday
    return any(first <= day_of_year <= last for first, last in _SALES)
