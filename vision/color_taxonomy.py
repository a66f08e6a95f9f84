"""Colour naming: ISCC-NBS fine names, their hues, the 11 basic terms and retailer-facing names.

The hierarchy, from coarse to fine::

    basic term (11: black, white, gray, red, orange, yellow, green, blue, purple, pink, brown)
      └─ ISCC-NBS hue name (29: "purplish blue", "yellowish brown", "white", …)
           └─ ISCC-NBS fine name (267 centroids: "dark grayish blue", …)
                └─ retailer-facing names (XKCD 949, Centore 20: "navy", "taupe", …),
                   each attached to its nearest fine name by CIEDE2000

A colour is named by its nearest ISCC-NBS centroid under CIEDE2000. The ISCC-NBS blocks are
really boxes in Munsell space, not Voronoi cells of their centroids, so nearest-centroid naming is
the usual approximation when only the centroids are known.

The tables are bundled in ``vision/data`` (see its README for provenance) and loaded once.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from vision.colorspace import D65_WHITE, FloatArray, delta_e_2000, hex_to_lab, lch_to_lab

BasicTerm = Literal[
    "black", "white", "gray", "red", "orange", "yellow", "green", "blue", "purple", "pink", "brown"
]

#: Berlin & Kay's 11 basic colour terms of English, in their order of the literature.
BASIC_TERMS: tuple[BasicTerm, ...] = (
    "black",
    "white",
    "gray",
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
)

#: Declared mapping from every ISCC-NBS hue name to one basic term. The calls that are not
#: obvious follow the basic-colour-term naming literature (Boynton & Olson 1987, Sturges & Whitfield
#: 1995): yellowish pink (salmon, peach) is pink; orange yellow (gold, mustard) is yellow; olive and
#: yellow green are green, while olive brown is brown; greenish blue (teal) is blue; violet is
#: purple; the neutrals "… white / gray / black" keep their neutral term whatever their tint.
HUE_TO_BASIC: dict[str, BasicTerm] = {
    "pink": "pink",
    "yellowish pink": "pink",
    "purplish pink": "pink",
    "red": "red",
    "purplish red": "red",
    "reddish orange": "orange",
    "orange": "orange",
    "orange yellow": "yellow",
    "yellow": "yellow",
    "greenish yellow": "yellow",
    "brown": "brown",
    "reddish brown": "brown",
    "yellowish brown": "brown",
    "olive brown": "brown",
    "olive": "green",
    "yellow green": "green",
    "olive green": "green",
    "yellowish green": "green",
    "green": "green",
    "bluish green": "green",
    "greenish blue": "blue",
    "blue": "blue",
    "purplish blue": "blue",
    "violet": "purple",
    "purple": "purple",
    "reddish purple": "purple",
    "white": "white",
    "gray": "gray",
    "black": "black",
}

#: C*ab below which a colour counts as neutral. Measured on catalogue photos: the dominant colour
#: of garments labelled black, gray or white has median C*ab 2–4 and 90th percentile under 5, the
#: 10th percentile of those labelled blue or green is above 4.
NEUTRAL_CHROMA = 5.0


@dataclass(frozen=True, slots=True)
class NeutralBounds:
    """Lightness boundaries between the neutral basic terms.

    Attributes:
        black_below: Neutral colours with L* below this are black.
        white_from: Neutral colours with L* at or above this are white; in between, gray.
    """

    black_below: float
    white_from: float


#: Neutral boundaries for colours measured in product photos. ISCC-NBS puts black below Munsell
#: value 2.5 (L* ≈ 26) and white above 8.5 (L* ≈ 86) for surface colours; in photos, lens flare and
#: the sheen of fabric lift the measured lightness of black garments, so that on 1,500 labelled
#: catalogue photos the black/gray boundary with the fewest disagreements sits at L* ≈ 35 while the
#: gray/white boundary stays at ≈ 86.
PHOTO_NEUTRAL_BOUNDS = NeutralBounds(black_below=35.0, white_from=86.0)

# Longest first, so that "purplish blue" wins over "blue" when matching a name's ending.
_HUE_NAMES = sorted(HUE_TO_BASIC, key=len, reverse=True)
_MUNSELL_PATTERN = re.compile(
    r"^\s*(?P<step>\d+(?:\.\d+)?)(?P<family>R|YR|Y|GY|G|BG|B|PB|P|RP)\s+"
    r"(?P<value>\d+(?:\.\d+)?)\s*/\s*(?P<chroma>\d+(?:\.\d+)?)\s*$"
)
_MUNSELL_FAMILIES = ("R", "YR", "Y", "GY", "G", "BG", "B", "PB", "P", "RP")
# Approximate CIELAB hue angle (degrees, D65) of the principal hues 5R, 5YR, …, 5RP at medium
# value and chroma, read off the Munsell renotation data; angles in between are interpolated.
_MUNSELL_PRINCIPAL_HUE_ANGLES = (24.0, 62.0, 92.0, 117.0, 162.0, 198.0, 232.0, 277.0, 314.0, 350.0)
# One Munsell chroma step spans about 5 CIELAB chroma units at medium value (renotation data).
_CIELAB_CHROMA_PER_MUNSELL_STEP = 5.0


@dataclass(frozen=True, slots=True)
class IsccNbsColor:
    """One of the 267 ISCC-NBS colour blocks, represented by its centroid.

    Attributes:
        name: Fine name, e.g. ``"dark grayish blue"``.
        modifier: The modifier part of the name, e.g. ``"dark grayish"``; empty for "white".
        hue: ISCC-NBS hue name, e.g. ``"blue"``, ``"purplish blue"``, ``"white"``.
        basic: One of :data:`BASIC_TERMS`.
        hex: Centroid as ``"#rrggbb"``.
        lab: Centroid in CIELAB (D65).
    """

    name: str
    modifier: str
    hue: str
    basic: BasicTerm
    hex: str
    lab: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class ColorName:
    """The name given to a colour.

    Attributes:
        name: ISCC-NBS fine name of the nearest centroid.
        hue: Its ISCC-NBS hue name.
        basic: Its basic colour term.
        delta_e: CIEDE2000 distance from the colour to that centroid.
    """

    name: str
    hue: str
    basic: BasicTerm
    delta_e: float


@dataclass(frozen=True, slots=True)
class RetailerColor:
    """A retailer-facing colour name linked into the ISCC-NBS hierarchy.

    Attributes:
        name: The name as retailers use it, e.g. ``"navy"``.
        source: ``"centore"`` (fabric-derived, Munsell centroid) or ``"xkcd"`` (colour survey).
        hex: Its colour as ``"#rrggbb"``.
        lab: Its colour in CIELAB (D65).
        iscc_name: Nearest ISCC-NBS fine name by CIEDE2000.
        hue: ISCC-NBS hue of that fine name.
        basic: Basic term of that fine name.
        delta_e: CIEDE2000 distance to that fine name's centroid.
    """

    name: str
    source: Literal["centore", "xkcd"]
    hex: str
    lab: tuple[float, float, float]
    iscc_name: str
    hue: str
    basic: BasicTerm
    delta_e: float


def hue_of_name(name: str) -> str:
    """ISCC-NBS hue name contained in a fine name.

    The hue is the name's ending: "pinkish white" → "white", "dark grayish yellowish brown" →
    "yellowish brown", "blackish blue" → "blue". Deriving it from the name, not from the table's
    hue column, sidesteps that column's inconsistencies (see ``vision/data/README.md``).

    Raises:
        ValueError: If the name ends with no known hue.
    """
    normalised = name.strip().lower().replace("grey", "gray")
    for hue in _HUE_NAMES:
        if normalised == hue or normalised.endswith(" " + hue):
            return hue
    raise ValueError(f"no ISCC-NBS hue in colour name {name!r}")


def basic_term_of_hue(hue: str) -> BasicTerm:
    """Basic colour term of an ISCC-NBS hue name, from :data:`HUE_TO_BASIC`.

    Raises:
        ValueError: For a hue name outside the ISCC-NBS vocabulary.
    """
    try:
        return HUE_TO_BASIC[hue]
    except KeyError:
        raise ValueError(f"unknown ISCC-NBS hue {hue!r}") from None


def munsell_to_lab(notation: str) -> FloatArray:
    """Approximate CIELAB (D65) of a Munsell colour ``"H V/C"`` such as ``"7.3PB 2.1/3.6"``.

    An exact conversion interpolates the Munsell renotation tables, which are not bundled. This
    small conversion is accurate enough to attach a name to its nearest ISCC-NBS block:

    - lightness is exact: the ASTM D1535 polynomial gives the luminance factor
      ``Y = 1.1914 V − 0.22533 V² + 0.23352 V³ − 0.020484 V⁴ + 0.00081939 V⁵`` (percent),
      then ``L* = 116 (Y/100)^(1/3) − 16``;
    - hue angle is interpolated between the approximate CIELAB angles of the ten principal hues;
    - chroma is scaled by about 5 CIELAB units per Munsell chroma step.

    Raises:
        ValueError: If the notation is not of the form ``"<step><family> <value>/<chroma>"``.
    """
    match = _MUNSELL_PATTERN.match(notation)
    if match is None:
        raise ValueError(f"not a Munsell notation 'H V/C': {notation!r}")
    step = float(match["step"])
    value = float(match["value"])
    chroma = float(match["chroma"])
    if not 0.0 < step <= 10.0 or not 0.0 <= value <= 10.0:
        raise ValueError(f"Munsell hue step or value out of range: {notation!r}")
    # Position on the 100-step hue circle, measured from 5R, in units of one family (10 steps).
    position = (_MUNSELL_FAMILIES.index(match["family"]) * 10.0 + step - 5.0) / 10.0
    lower = int(np.floor(position)) % 10
    upper = (lower + 1) % 10
    frac = position - np.floor(position)
    start = _MUNSELL_PRINCIPAL_HUE_ANGLES[lower]
    span = (_MUNSELL_PRINCIPAL_HUE_ANGLES[upper] - start) % 360.0
    hue_angle = (start + frac * span) % 360.0
    v = value
    y = 1.1914 * v - 0.22533 * v**2 + 0.23352 * v**3 - 0.020484 * v**4 + 0.00081939 * v**5
    lightness = 116.0 * np.cbrt(y / 100.0 * D65_WHITE[1]) - 16.0
    return lch_to_lab([lightness, chroma * _CIELAB_CHROMA_PER_MUNSELL_STEP, hue_angle])


def _read_table(filename: str) -> list[dict[str, str]]:
    text = resources.files("vision.data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _as_triple(lab: FloatArray) -> tuple[float, float, float]:
    return float(lab[0]), float(lab[1]), float(lab[2])


class ColorTaxonomy:
    """The ISCC-NBS centroids plus retailer names, with nearest-centroid naming.

    Build it with :func:`load_taxonomy`, which caches one instance.

    Attributes:
        colors: The 267 ISCC-NBS colours in table order.
        retailer: Retailer-facing names keyed by lower-case name; a Centore name wins over an
            XKCD name of the same spelling, being measured on fabrics.
    """

    def __init__(
        self,
        colors: list[IsccNbsColor],
        retailer_rows: list[tuple[str, str, str]],
        neutral_chroma: float = NEUTRAL_CHROMA,
    ):
        """Index the centroids and link retailer names to them.

        Args:
            colors: ISCC-NBS colours.
            retailer_rows: ``(name, source, hex)`` of each retailer-facing name.
            neutral_chroma: Colours with C*ab below this are named from the neutral
                (white/gray/black) centroids only.
        """
        if not colors:
            raise ValueError("ColorTaxonomy needs at least one ISCC-NBS colour")
        self.colors = colors
        self.neutral_chroma = neutral_chroma
        self._labs: FloatArray = np.array([c.lab for c in colors])
        self._basic = np.array([c.basic for c in colors])
        self._neutral = np.isin(self._basic, ["white", "gray", "black"])
        self.retailer: dict[str, RetailerColor] = {}
        for name, source, hex_code in retailer_rows:
            key = name.lower()
            if key in self.retailer and source == "xkcd":
                continue
            lab = hex_to_lab(hex_code)
            nearest = self.name(lab)
            self.retailer[key] = RetailerColor(
                name=name,
                source="centore" if source == "centore" else "xkcd",
                hex=hex_code,
                lab=_as_triple(lab),
                iscc_name=nearest.name,
                hue=nearest.hue,
                basic=nearest.basic,
                delta_e=nearest.delta_e,
            )
        retailer_list = list(self.retailer.values())
        self._retailer_list = retailer_list
        self._retailer_labs: FloatArray = np.array([r.lab for r in retailer_list]).reshape(-1, 3)

    def name_many(
        self, labs: ArrayLike, neutral_bounds: NeutralBounds | None = None
    ) -> list[ColorName]:
        """Name each of several CIELAB colours, shape ``(N, 3)``, by its nearest centroid.

        Args:
            labs: CIELAB colours.
            neutral_bounds: Lightness boundaries between black, gray and white for neutral
                colours. None uses nearest-centroid naming throughout (the surface-colour
                boundaries of ISCC-NBS); :data:`PHOTO_NEUTRAL_BOUNDS` suits photographed colours.
        """
        lab_arr = np.asarray(labs, dtype=np.float64).reshape(-1, 3)
        distances = delta_e_2000(lab_arr[:, None, :], self._labs[None, :, :])  # (N, 267)
        # The ISCC-NBS neutral blocks are wide but have few centroids, so a near-neutral colour can
        # sit nearer a low-chroma chromatic centroid ("dark grayish olive green" for charcoal).
        # Below the neutral chroma, only the white/gray/black names compete.
        achromatic = np.hypot(lab_arr[:, 1], lab_arr[:, 2]) < self.neutral_chroma
        distances[np.ix_(achromatic, ~self._neutral)] = np.inf
        if neutral_bounds is not None:
            lightness = lab_arr[:, 0]
            term = np.where(
                lightness < neutral_bounds.black_below,
                "black",
                np.where(lightness >= neutral_bounds.white_from, "white", "gray"),
            )
            for i in np.nonzero(achromatic)[0]:
                distances[i, self._basic != term[i]] = np.inf
        nearest = np.argmin(distances, axis=1)
        return [
            ColorName(
                name=self.colors[j].name,
                hue=self.colors[j].hue,
                basic=self.colors[j].basic,
                delta_e=float(distances[i, j]),
            )
            for i, j in enumerate(nearest)
        ]

    def distance_to_term(self, lab: ArrayLike, term: str) -> float:
        """CIEDE2000 distance from one CIELAB colour to the nearest centroid of a basic term
        (``inf`` for a term no centroid has).
        """
        centroids = self._labs[self._basic == term]
        if not len(centroids):
            return float("inf")
        point = np.asarray(lab, dtype=np.float64).reshape(1, 1, 3)
        return float(delta_e_2000(point, centroids[None, :, :]).min())

    def name(self, lab: ArrayLike) -> ColorName:
        """Name one CIELAB colour by its nearest ISCC-NBS centroid under CIEDE2000."""
        return self.name_many(np.asarray(lab, dtype=np.float64).reshape(1, 3))[0]

    def nearest_retailer(self, lab: ArrayLike) -> RetailerColor:
        """Retailer-facing name whose colour is nearest to ``lab`` under CIEDE2000."""
        if not self._retailer_list:
            raise ValueError("this taxonomy has no retailer-facing names")
        distances = delta_e_2000(np.asarray(lab, dtype=np.float64), self._retailer_labs)
        return self._retailer_list[int(np.argmin(distances))]


@lru_cache(maxsize=1)
def load_taxonomy() -> ColorTaxonomy:
    """Load the bundled ISCC-NBS, Centore and XKCD tables (once per process)."""
    colors = []
    for row in _read_table("iscc_nbs_267.csv"):
        hue = hue_of_name(row["name"])
        colors.append(
            IsccNbsColor(
                name=row["name"],
                modifier=row["modifier"],
                hue=hue,
                basic=basic_term_of_hue(hue),
                hex=row["hex"].lower(),
                lab=_as_triple(hex_to_lab(row["hex"])),
            )
        )
    retailer_rows = [
        (row["name"], "centore", _lab_to_hex_str(munsell_to_lab(row["munsell"])))
        for row in _read_table("centore_colors.csv")
    ]
    retailer_rows += [
        (row["name"], "xkcd", row["hex"].lower()) for row in _read_table("xkcd_colors.csv")
    ]
    return ColorTaxonomy(colors, retailer_rows)


def _lab_to_hex_str(lab: FloatArray) -> str:
    from vision.colorspace import lab_to_hex

    return lab_to_hex(lab)


def name_color(lab: ArrayLike) -> ColorName:
    """Name a CIELAB (D65) colour with the bundled ISCC-NBS taxonomy.

    Example:
        >>> name_color(hex_to_lab("#1f2a44")).basic
        'blue'
    """
    return load_taxonomy().name(lab)


def retailer_color(name: str) -> RetailerColor:
    """Look up a retailer-facing colour name (case-insensitive), e.g. ``"navy"``.

    Raises:
        KeyError: If the name is in neither the Centore nor the XKCD list.
    """
    try:
        return load_taxonomy().retailer[name.strip().lower()]
    except KeyError:
        raise KeyError(f"unknown colour name {name!r}") from None
