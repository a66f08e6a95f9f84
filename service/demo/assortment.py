"""The synthetic retailer's range: per category, which attributes occur and how often.

This is the generator's own knowledge of a plausible assortment (shirts have collars, jeans are
denim and mostly blue), kept apart from :mod:`service.demo.categories`, whose facts the platform
itself is meant to know.
"""

from __future__ import annotations

from dataclasses import dataclass

Weights = tuple[tuple[str, float], ...]
"""Values with relative frequencies."""

PATTERNS = ("solid", "striped", "checked", "dotted", "floral", "printed")
NECKLINES = ("round", "v-neck", "collar", "hooded", "none")
SLEEVES = ("sleeveless", "short", "long", "none")
MATERIALS = (
    "cotton",
    "denim",
    "wool",
    "polyester",
    "leather",
    "linen",
    "silk",
    "knit",
    "suede",
    "canvas",
    "nylon",
)
LOOKS = ("casual", "formal", "business", "sporty", "party")

_NO_NECK: Weights = (("none", 1.0),)
_NO_SLEEVE: Weights = (("none", 1.0),)
_SOLID: Weights = (("solid", 1.0),)
_NEUTRAL_AND_DARK = (
    "black",
    "charcoal grey",
    "navy blue",
    "chocolate brown",
    "camel",
    "tan",
    "burgundy",
    "olive green",
    "beige",
    "mid grey",
)


@dataclass(frozen=True)
class CategoryRange:
    """The part of the assortment in one category."""

    category: str
    share: float
    """Relative number of styles in the range."""
    base_price: float
    """A mid-market price in euros."""
    patterns: Weights
    necklines: Weights
    sleeves: Weights
    materials: Weights
    looks: Weights
    colours: tuple[str, ...] | None = None
    """Palette names this category comes in; ``None``: the whole palette."""


RANGES: tuple[CategoryRange, ...] = (
    CategoryRange(
        "t-shirt",
        14,
        17.99,
        (("solid", 0.5), ("striped", 0.2), ("printed", 0.25), ("dotted", 0.05)),
        (("round", 0.75), ("v-neck", 0.25)),
        (("short", 0.8), ("long", 0.2)),
        (("cotton", 0.85), ("polyester", 0.15)),
        (("casual", 0.75), ("sporty", 0.25)),
    ),
    CategoryRange(
        "shirt",
        8,
        39.99,
        (("solid", 0.45), ("striped", 0.25), ("checked", 0.25), ("floral", 0.05)),
        (("collar", 1.0),),
        (("long", 0.75), ("short", 0.25)),
        (("cotton", 0.8), ("linen", 0.2)),
        (("business", 0.4), ("formal", 0.2), ("casual", 0.4)),
    ),
    CategoryRange(
        "blouse",
        6,
        34.99,
        (("solid", 0.45), ("floral", 0.25), ("dotted", 0.15), ("striped", 0.15)),
        (("round", 0.3), ("v-neck", 0.45), ("collar", 0.25)),
        (("long", 0.5), ("short", 0.35), ("sleeveless", 0.15)),
        (("silk", 0.25), ("polyester", 0.4), ("cotton", 0.2), ("linen", 0.15)),
        (("business", 0.4), ("party", 0.25), ("casual", 0.35)),
    ),
    CategoryRange(
        "sweater",
        7,
        49.99,
        (("solid", 0.7), ("striped", 0.2), ("checked", 0.1)),
        (("round", 0.65), ("v-neck", 0.35)),
        (("long", 1.0),),
        (("wool", 0.5), ("knit", 0.5)),
        (("casual", 0.7), ("business", 0.3)),
    ),
    CategoryRange(
        "hoodie",
        5,
        44.99,
        (("solid", 0.7), ("printed", 0.3)),
        (("hooded", 1.0),),
        (("long", 1.0),),
        (("cotton", 0.8), ("polyester", 0.2)),
        (("casual", 0.6), ("sporty", 0.4)),
    ),
    CategoryRange(
        "tank top",
        4,
        12.99,
        (("solid", 0.75), ("striped", 0.25)),
        (("round", 0.6), ("v-neck", 0.4)),
        (("sleeveless", 1.0),),
        (("cotton", 0.8), ("polyester", 0.2)),
        (("casual", 0.6), ("sporty", 0.4)),
    ),
    CategoryRange(
        "jeans",
        8,
        59.99,
        _SOLID,
        _NO_NECK,
        _NO_SLEEVE,
        (("denim", 1.0),),
        (("casual", 1.0),),
        ("indigo denim", "mid denim blue", "light denim blue", "black", "mid grey", "white"),
    ),
    CategoryRange(
        "trousers",
        7,
        49.99,
        (("solid", 0.8), ("checked", 0.1), ("striped", 0.1)),
        _NO_NECK,
        _NO_SLEEVE,
        (("cotton", 0.45), ("wool", 0.25), ("linen", 0.15), ("polyester", 0.15)),
        (("business", 0.4), ("formal", 0.2), ("casual", 0.4)),
    ),
    CategoryRange(
        "skirt",
        5,
        39.99,
        (("solid", 0.55), ("floral", 0.2), ("checked", 0.1), ("dotted", 0.1), ("striped", 0.05)),
        _NO_NECK,
        _NO_SLEEVE,
        (("cotton", 0.35), ("denim", 0.2), ("polyester", 0.25), ("leather", 0.1), ("wool", 0.1)),
        (("casual", 0.5), ("business", 0.25), ("party", 0.25)),
    ),
    CategoryRange(
        "shorts",
        4,
        29.99,
        (("solid", 0.7), ("striped", 0.1), ("checked", 0.1), ("floral", 0.1)),
        _NO_NECK,
        _NO_SLEEVE,
        (("denim", 0.35), ("cotton", 0.35), ("linen", 0.15), ("polyester", 0.15)),
        (("casual", 0.7), ("sporty", 0.3)),
    ),
    CategoryRange(
        "dress",
        8,
        59.99,
        (("solid", 0.45), ("floral", 0.25), ("dotted", 0.1), ("striped", 0.1), ("printed", 0.1)),
        (("round", 0.4), ("v-neck", 0.45), ("collar", 0.15)),
        (("sleeveless", 0.35), ("short", 0.35), ("long", 0.3)),
        (("cotton", 0.3), ("silk", 0.15), ("polyester", 0.3), ("linen", 0.1), ("knit", 0.15)),
        (("party", 0.35), ("casual", 0.4), ("formal", 0.1), ("business", 0.15)),
    ),
    CategoryRange(
        "coat",
        4,
        149.99,
        (("solid", 0.85), ("checked", 0.15)),
        (("collar", 1.0),),
        (("long", 1.0),),
        (("wool", 0.65), ("polyester", 0.35)),
        (("formal", 0.3), ("business", 0.35), ("casual", 0.35)),
        (*_NEUTRAL_AND_DARK, "forest green", "light grey", "off-white"),
    ),
    CategoryRange(
        "jacket",
        5,
        89.99,
        _SOLID,
        (("collar", 0.75), ("hooded", 0.25)),
        (("long", 1.0),),
        (("denim", 0.3), ("leather", 0.2), ("nylon", 0.3), ("cotton", 0.2)),
        (("casual", 0.6), ("sporty", 0.25), ("business", 0.15)),
    ),
    CategoryRange(
        "sneakers",
        6,
        79.99,
        _SOLID,
        _NO_NECK,
        _NO_SLEEVE,
        (("leather", 0.45), ("canvas", 0.35), ("suede", 0.2)),
        (("casual", 0.6), ("sporty", 0.4)),
        ("white", "white", "off-white", "black", "navy blue", "mid grey", "beige", "bright red"),
    ),
    CategoryRange(
        "boots",
        4,
        119.99,
        _SOLID,
        _NO_NECK,
        _NO_SLEEVE,
        (("leather", 0.7), ("suede", 0.3)),
        (("casual", 0.6), ("formal", 0.4)),
        ("black", "chocolate brown", "tan", "camel", "burgundy", "taupe grey-brown", "beige"),
    ),
    CategoryRange(
        "socks",
        5,
        9.99,
        (("solid", 0.5), ("striped", 0.25), ("dotted", 0.15), ("printed", 0.1)),
        _NO_NECK,
        _NO_SLEEVE,
        (("cotton", 0.85), ("wool", 0.15)),
        (("casual", 0.6), ("sporty", 0.25), ("business", 0.15)),
    ),
    CategoryRange(
        "briefs",
        4,
        14.99,
        (("solid", 0.75), ("striped", 0.1), ("printed", 0.15)),
        _NO_NECK,
        _NO_SLEEVE,
        (("cotton", 0.9), ("polyester", 0.1)),
        (("casual", 0.8), ("sporty", 0.2)),
    ),
    CategoryRange(
        "bag",
        4,
        69.99,
        (("solid", 0.85), ("checked", 0.1), ("printed", 0.05)),
        _NO_NECK,
        _NO_SLEEVE,
        (("leather", 0.55), ("canvas", 0.3), ("nylon", 0.15)),
        (("casual", 0.45), ("business", 0.35), ("party", 0.2)),
    ),
    CategoryRange(
        "scarf",
        3,
        29.99,
        (("solid", 0.4), ("checked", 0.3), ("striped", 0.15), ("floral", 0.15)),
        _NO_NECK,
        _NO_SLEEVE,
        (("wool", 0.6), ("silk", 0.2), ("knit", 0.2)),
        (("casual", 0.7), ("formal", 0.3)),
    ),
)

RANGES_BY_CATEGORY: dict[str, CategoryRange] = {r.category: r for r in RANGES}
