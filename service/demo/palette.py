"""The platform's named colours: each a real sRGB value with its basic colour term.

Basic colour terms are the eleven of Berlin and Kay (black, white, gray, red, orange, yellow,
green, blue, purple, pink, brown); the platform filters and explains by them, while the named
colour is what a shopper actually sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from vision.color_taxonomy import BASIC_TERMS
from vision.colorspace import hex_to_srgb

__all__ = ["BASIC_TERMS", "PALETTE", "NamedColour", "colours_go_together"]


@dataclass(frozen=True)
class NamedColour:
    """One colour of the platform palette."""

    name: str
    """The platform's name, e.g. ``"navy blue"``."""
    hex: str
    """The colour as ``#RRGGBB`` sRGB."""
    basic: str
    """Its basic colour term, one of :data:`BASIC_TERMS`."""
    commonness: float
    """Relative frequency in a fashion assortment (black and navy are everywhere, lilac is not)."""
    neutral: bool = False
    """Whether it goes with anything (blacks, whites, greys, navy, beiges)."""

    @cached_property
    def rgb(self) -> tuple[int, int, int]:
        """The colour as 8-bit sRGB."""
        r, g, b = (round(float(v) * 255) for v in hex_to_srgb(self.hex))
        return r, g, b


PALETTE: tuple[NamedColour, ...] = (
    NamedColour("black", "#1B1B1D", "black", 10.0, neutral=True),
    NamedColour("charcoal grey", "#3C3F44", "gray", 4.0, neutral=True),
    NamedColour("mid grey", "#8A8D91", "gray", 3.0, neutral=True),
    NamedColour("heather grey", "#B4B2AE", "gray", 3.0, neutral=True),
    NamedColour("light grey", "#D3D5D7", "gray", 2.5, neutral=True),
    NamedColour("white", "#FAFAF8", "white", 9.0, neutral=True),
    NamedColour("off-white", "#F1EDE2", "white", 4.0, neutral=True),
    NamedColour("cream", "#EDE3C8", "white", 2.0, neutral=True),
    NamedColour("beige", "#D8C6A5", "brown", 3.5, neutral=True),
    NamedColour("sand", "#C9B28B", "brown", 2.0, neutral=True),
    NamedColour("camel", "#B8864B", "brown", 2.5),
    NamedColour("tan", "#A67B4F", "brown", 2.0),
    NamedColour("taupe grey-brown", "#8B7D6B", "brown", 1.5, neutral=True),
    NamedColour("chocolate brown", "#4E3427", "brown", 2.0),
    NamedColour("navy blue", "#1F2A44", "blue", 8.0, neutral=True),
    NamedColour("indigo denim", "#2E3A5F", "blue", 3.0),
    NamedColour("mid denim blue", "#4A6A93", "blue", 2.5),
    NamedColour("light denim blue", "#8FA9C7", "blue", 2.0),
    NamedColour("sky blue", "#9CC3E6", "blue", 2.0),
    NamedColour("royal blue", "#2B50AA", "blue", 1.5),
    NamedColour("teal", "#1F6F78", "blue", 1.0),
    NamedColour("olive green", "#6B6B3A", "green", 2.5),
    NamedColour("khaki green", "#8E8A5A", "green", 2.0),
    NamedColour("forest green", "#2E5339", "green", 1.5),
    NamedColour("sage green", "#A3B18A", "green", 1.5),
    NamedColour("mint green", "#BFE3CF", "green", 1.0),
    NamedColour("emerald green", "#1E7F5C", "green", 0.8),
    NamedColour("bright red", "#C0282D", "red", 2.0),
    NamedColour("burgundy", "#6D1F2E", "red", 2.5),
    NamedColour("rust", "#A4492B", "orange", 1.5),
    NamedColour("orange", "#E6762A", "orange", 1.0),
    NamedColour("coral", "#F07F6B", "orange", 1.0),
    NamedColour("peach", "#F4C2A1", "orange", 1.0),
    NamedColour("mustard yellow", "#D1A32E", "yellow", 1.5),
    NamedColour("lemon yellow", "#F2D43D", "yellow", 0.8),
    NamedColour("pale yellow", "#F5E98A", "yellow", 0.7),
    NamedColour("baby pink", "#F1C9CF", "pink", 1.5),
    NamedColour("rose pink", "#E8A0B4", "pink", 1.5),
    NamedColour("fuchsia", "#D63C7D", "pink", 0.8),
    NamedColour("lavender", "#C8BFE3", "purple", 1.0),
    NamedColour("lilac", "#B9A3D0", "purple", 1.0),
    NamedColour("purple", "#5E3A87", "purple", 0.8),
    NamedColour("plum", "#5B2B4B", "purple", 1.0),
)

COLOURS_BY_NAME: dict[str, NamedColour] = {c.name: c for c in PALETTE}

# Basic-term pairs a stylist would put together (besides neutrals and same-hue outfits).
_HARMONIOUS = frozenset(
    frozenset(pair)
    for pair in (
        ("blue", "brown"),
        ("blue", "pink"),
        ("blue", "orange"),
        ("green", "brown"),
        ("green", "pink"),
        ("red", "blue"),
        ("purple", "gray"),
        ("yellow", "blue"),
        ("orange", "brown"),
        ("pink", "gray"),
    )
)


def colours_go_together(first: NamedColour, second: NamedColour) -> bool:
    """Whether two garment colours make a plausible outfit.

    Neutrals go with everything; otherwise the two need the same basic term or a pair of terms
    stylists combine (blue with brown, green with pink, ...).
    """
    if first.neutral or second.neutral or first.basic == second.basic:
        return True
    return frozenset((first.basic, second.basic)) in _HARMONIOUS
