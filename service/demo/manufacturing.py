"""The manufacturer's view of a garment: fibre content, how the cloth is made, and the dye.

A dye is identified by its code and measured as CIELAB (D65), the way a mill reports a lab dip;
the values are computed from the article's true sRGB colour.
"""

from __future__ import annotations

import numpy as np

from service.demo.catalogue import Style
from service.demo.palette import PALETTE, NamedColour
from vision.colorspace import hex_to_lab

COMPOSITIONS: dict[str, tuple[str, ...]] = {
    "cotton": (
        "100% cotton",
        "95% cotton, 5% elastane",
        "60% cotton, 40% polyester",
        "100% organic cotton",
    ),
    "denim": ("99% cotton, 1% elastane", "98% cotton, 2% elastane", "100% cotton"),
    "wool": ("80% wool, 20% polyamide", "100% merino wool", "70% wool, 30% polyester"),
    "polyester": ("100% polyester", "100% recycled polyester", "88% polyester, 12% elastane"),
    "leather": ("100% bovine leather", "100% lamb leather"),
    "linen": ("100% linen", "55% linen, 45% cotton"),
    "silk": ("100% silk", "92% silk, 8% elastane"),
    "knit": ("60% cotton, 40% acrylic", "50% viscose, 28% polyester, 22% polyamide"),
    "suede": ("100% goat suede", "100% cow suede"),
    "canvas": ("100% cotton canvas", "70% cotton, 30% linen canvas"),
    "nylon": ("100% polyamide", "100% recycled nylon"),
}

# How the cloth is made, by category, then by material where the category does not settle it.
_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "t-shirt": ("single jersey knit", "slub jersey knit"),
    "tank top": ("single jersey knit", "1x1 rib knit"),
    "briefs": ("single jersey knit, elastic waistband",),
    "socks": ("circular knit",),
    "hoodie": ("brushed fleece knit", "loopback french terry"),
    "sweater": ("fine-gauge knit", "rib knit", "cable knit"),
    "jeans": ("woven twill (3x1 denim)",),
    "sneakers": ("cemented construction", "vulcanised sole"),
    "boots": ("Goodyear welted", "cemented construction"),
}
_BY_MATERIAL: dict[str, tuple[str, ...]] = {
    "cotton": ("woven poplin", "woven oxford", "woven twill"),
    "denim": ("woven twill (3x1 denim)",),
    "wool": ("woven melton", "woven flannel", "woven twill"),
    "polyester": ("woven crepe", "woven georgette"),
    "leather": ("full-grain leather, stitched", "nappa leather"),
    "linen": ("plain weave",),
    "silk": ("woven satin", "crepe de chine"),
    "knit": ("fine-gauge knit", "rib knit"),
    "suede": ("split suede",),
    "canvas": ("woven canvas",),
    "nylon": ("ripstop weave", "taffeta, padded"),
}

_DYE_CODES = {colour.name: f"DY-{4000 + 37 * index}" for index, colour in enumerate(PALETTE)}


def composition(style: Style, rng: np.random.Generator) -> str:
    """A fibre content label such as ``"98% cotton, 2% elastane"``."""
    fibres = str(rng.choice(COMPOSITIONS[style.material]))
    if style.category.slot == "shoes":
        return f"upper: {fibres}; lining: textile; sole: rubber"
    return fibres


def construction(style: Style, rng: np.random.Generator) -> str:
    """How the cloth or shoe is made, e.g. ``"single jersey knit"``."""
    options = _BY_CATEGORY.get(style.category.name) or _BY_MATERIAL[style.material]
    return str(rng.choice(options))


def dye_code(colour: NamedColour) -> str:
    """The mill's code of the dye giving ``colour``."""
    return _DYE_CODES[colour.name]


def dye_lab(colour: NamedColour) -> tuple[float, float, float]:
    """The dye as CIELAB (D65), rounded as a lab report is."""
    lightness, a, b = (round(float(v), 2) for v in hex_to_lab(colour.hex))
    return lightness, a, b
