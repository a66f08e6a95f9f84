"""Retailers' own colour labels mapped onto the 11 basic colour terms.

Catalogues label each article with a colour from their own vocabulary ("Navy Blue", "Greenish
Khaki", "Off White"). Mapping those labels onto basic terms lets ingestion compare them with
what :func:`vision.colors.extract_colors` sees, and is how the colour pipeline is evaluated.

Labels are mapped to ``None`` when no single basic term is right:

- several colours or none: "Multi", "Other", "Unknown", "Transparent";
- metallic finishes, whose photographed colour depends on lighting: "Gold", "Bronze", "Copper",
  "Metallic", "Metal"; silver and steel are kept as gray, which is how they photograph;
- names that straddle two basic terms in the naming literature and in practice: "Teal" and
  "Turquoise" (blue/green), "Khaki" (brown/green), "Magenta" and "Mauve" (pink/purple), "Peach"
  (pink/orange), "Rust" (orange/brown/red), "Taupe" and "Mole" (brown/gray), "Skin" and "Nude".

Beige and its variants map to brown, as in the ISCC-NBS system, where beiges are light
grayish/pale yellowish browns.
"""

from __future__ import annotations

from vision.color_taxonomy import BasicTerm

#: Lower-case catalogue label → basic term, or None for an ambiguous label. Covers Myntra's
#: ``baseColour`` and H&M's ``colour_group_name`` and ``perceived_colour_master_name``.
CATALOGUE_LABELS: dict[str, BasicTerm | None] = {
    # basic terms and plain variants
    "black": "black",
    "white": "white",
    "off white": "white",
    "cream": "white",
    "grey": "gray",
    "gray": "gray",
    "light grey": "gray",
    "dark grey": "gray",
    "grey melange": "gray",
    "charcoal": "gray",
    "silver": "gray",
    "steel": "gray",
    "red": "red",
    "light red": "red",
    "dark red": "red",
    "other red": "red",
    "maroon": "red",
    "burgundy": "red",
    "orange": "orange",
    "light orange": "orange",
    "dark orange": "orange",
    "other orange": "orange",
    "yellow": "yellow",
    "light yellow": "yellow",
    "dark yellow": "yellow",
    "other yellow": "yellow",
    "mustard": "yellow",
    "green": "green",
    "light green": "green",
    "dark green": "green",
    "other green": "green",
    "olive": "green",
    "sea green": "green",
    "lime green": "green",
    "fluorescent green": "green",
    "greenish khaki": "green",
    "khaki green": "green",
    "yellowish green": "green",
    "bluish green": "green",
    "blue": "blue",
    "light blue": "blue",
    "dark blue": "blue",
    "other blue": "blue",
    "navy blue": "blue",
    "turquoise blue": "blue",
    "purple": "purple",
    "light purple": "purple",
    "dark purple": "purple",
    "other purple": "purple",
    "lavender": "purple",
    "lilac purple": "purple",
    "pink": "pink",
    "light pink": "pink",
    "dark pink": "pink",
    "other pink": "pink",
    "rose": "pink",
    "brown": "brown",
    "yellowish brown": "brown",
    "coffee brown": "brown",
    "mushroom brown": "brown",
    "tan": "brown",
    "beige": "brown",
    "light beige": "brown",
    "dark beige": "brown",
    "greyish beige": "brown",
    # ambiguous: see the module docstring
    "multi": None,
    "other": None,
    "unknown": None,
    "undefined": None,
    "transparent": None,
    "gold": None,
    "bronze": None,
    "copper": None,
    "bronze/copper": None,
    "metallic": None,
    "metal": None,
    "teal": None,
    "turquoise": None,
    "light turquoise": None,
    "dark turquoise": None,
    "other turquoise": None,
    "khaki": None,
    "magenta": None,
    "mauve": None,
    "peach": None,
    "rust": None,
    "taupe": None,
    "mole": None,
    "skin": None,
    "nude": None,
}


def basic_term_of_label(label: str) -> BasicTerm | None:
    """Basic colour term of a catalogue colour label, or None when the label is ambiguous.

    Args:
        label: Catalogue label, e.g. ``"Navy Blue"`` (case and surrounding spaces ignored).

    Raises:
        KeyError: If the label is not in :data:`CATALOGUE_LABELS`.
    """
    key = " ".join(label.strip().lower().split())
    try:
        return CATALOGUE_LABELS[key]
    except KeyError:
        raise KeyError(f"unmapped catalogue colour label {label!r}") from None
