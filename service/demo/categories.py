"""Garment categories and what is known about them, as one declarative table.

These facts are the ground truth the knowledge graph is expected to learn or own: where a
garment sits in an outfit, how long it lasts, when people buy it again, and what it is worn with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Slot = Literal["top", "bottom", "full-body", "outerwear", "shoes", "basics", "accessory"]
Durability = Literal["durable", "semi-durable", "consumable"]
Season = Literal["all", "cold", "warm"]
Gender = Literal["women", "men", "unisex"]


@dataclass(frozen=True)
class CategoryFact:
    """What the platform knows about one garment category."""

    name: str
    """The platform's category name, e.g. ``"jeans"``."""
    slot: Slot
    """The outfit slot the garment fills."""
    durability: Durability
    """Durable goods are bought once; consumables are replenished."""
    repurchase_days: int | None
    """Typical days between two purchases by the same shopper; ``None``: not repurchased."""
    complements: tuple[str, ...]
    """Categories typically bought to wear with it."""
    genders: tuple[Gender, ...] = ("women", "men", "unisex")
    """Departments that carry it."""
    season: Season = "all"
    """When it sells best."""


CATEGORIES: tuple[CategoryFact, ...] = (
    CategoryFact("t-shirt", "top", "consumable", 120, ("jeans", "shorts", "sneakers", "jacket")),
    CategoryFact("shirt", "top", "semi-durable", 240, ("trousers", "jeans", "sweater", "coat")),
    CategoryFact(
        "blouse", "top", "semi-durable", 240, ("skirt", "trousers", "bag"), genders=("women",)
    ),
    CategoryFact(
        "sweater", "top", "semi-durable", 300, ("jeans", "trousers", "scarf"), season="cold"
    ),
    CategoryFact("hoodie", "top", "semi-durable", 300, ("jeans", "sneakers", "t-shirt")),
    CategoryFact(
        "tank top", "top", "consumable", 90, ("shorts", "skirt", "sneakers"), season="warm"
    ),
    CategoryFact("jeans", "bottom", "durable", None, ("t-shirt", "shirt", "sneakers", "boots")),
    CategoryFact("trousers", "bottom", "semi-durable", 300, ("shirt", "blouse", "sweater")),
    CategoryFact(
        "skirt", "bottom", "semi-durable", 365, ("blouse", "t-shirt", "boots"), genders=("women",)
    ),
    CategoryFact(
        "shorts", "bottom", "semi-durable", 365, ("t-shirt", "tank top", "sneakers"), season="warm"
    ),
    CategoryFact(
        "dress", "full-body", "semi-durable", 365, ("bag", "jacket", "boots"), genders=("women",)
    ),
    CategoryFact(
        "coat", "outerwear", "durable", None, ("scarf", "boots", "sweater"), season="cold"
    ),
    CategoryFact("jacket", "outerwear", "durable", None, ("t-shirt", "jeans", "sneakers")),
    CategoryFact("sneakers", "shoes", "durable", None, ("socks", "jeans", "t-shirt")),
    CategoryFact("boots", "shoes", "durable", None, ("socks", "jeans", "coat"), season="cold"),
    CategoryFact("socks", "basics", "consumable", 60, ("briefs", "sneakers")),
    CategoryFact("briefs", "basics", "consumable", 75, ("socks", "tank top")),
    CategoryFact("bag", "accessory", "durable", None, ("scarf", "dress", "blouse")),
    CategoryFact("scarf", "accessory", "semi-durable", None, ("coat", "sweater"), season="cold"),
)

CATEGORIES_BY_NAME: dict[str, CategoryFact] = {c.name: c for c in CATEGORIES}
