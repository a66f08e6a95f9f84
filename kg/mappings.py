"""Cross-view mappings: retailer and manufacturer concepts → platform concepts.

Two kinds:

- **declared** (``vocab/mappings.csv``): a retailer's category, pattern, neckline, sleeve,
  occasion or gender label → a platform concept, as ``skos:exactMatch``, ``closeMatch``,
  ``broadMatch`` (the platform concept is broader) or ``narrowMatch``;
- **colour** (computed): a colour's Lab → the nearest ISCC-NBS fine colour under CIEDE2000,
  as ``skos:closeMatch`` with the distance kept on an ``atl:ColourMapping`` node. A retailer's
  colour name gets its Lab from the manufacturer's dyes of the articles it names (their mean),
  or else from a colour-name lexicon (ISCC-NBS names, plus XKCD's when given).

Concepts neither kind can map are listed as ``atl:UnmappedConcept``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.colour import hex_to_lab
from kg.generate import read_bundled_csv
from kg.namespaces import ID
from kg.palette import Palette

#: Relations by strength: a fact is derived from the strongest mapping at the finest level.
RELATIONS = {"exact": 0, "close": 1, "narrow": 2, "broad": 3}
#: Colour names that say nothing about a hue: never mapped, whatever a lexicon holds.
UNINFORMATIVE_COLOURS = frozenset(
    {"other", "unknown", "undefined", "multi", "mixed", "transparent", "metal", "metallic", "nan"}
)


@dataclass(frozen=True, slots=True)
class ConceptMapping:
    """One mapping of a source concept to a platform concept.

    Attributes:
        relation: ``exact``, ``close``, ``narrow`` or ``broad``.
        target: The platform concept's IRI.
        distance: CIEDE2000 distance for colour mappings, None for declared ones.
        evidence: Where a colour's Lab came from (``dyes:<n>`` or ``lexicon:<name>``).
    """

    relation: str
    target: str
    distance: float | None = None
    evidence: str | None = None


def declared_mappings() -> dict[tuple[str, str, str], ConceptMapping]:
    """(profile, field, lower-case label) → mapping, from ``vocab/mappings.csv``."""
    table: dict[tuple[str, str, str], ConceptMapping] = {}
    for row in read_bundled_csv("mappings.csv"):
        key = (row["profile"], row["field"], row["label"].strip().lower())
        table[key] = ConceptMapping(row["relation"], ID + row["target"])
    return table


def colour_lexicon(palette: Palette, xkcd_csv: Path | None = None) -> dict[str, tuple[float, ...]]:
    """Lower-case colour name → Lab: ISCC-NBS fine names, then XKCD names (read at build time)."""
    lexicon: dict[str, tuple[float, ...]] = {}
    if xkcd_csv is not None:
        with xkcd_csv.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                # The shared copy calls the hex column "coordinates", vision's copy "hex".
                hex_colour = next((v for v in cells.values() if v.startswith("#")), None)
                if hex_colour is not None:
                    lexicon[cells["name"].lower()] = hex_to_lab(hex_colour)
    for name, lab in zip(palette.names, palette.labs, strict=True):
        lexicon[name] = tuple(float(v) for v in lab)
    return lexicon


def _name_variants(label: str) -> Iterable[str]:
    name = label.strip().lower()
    for candidate in (name, name.replace("grey", "gray"), name.replace("gray", "grey")):
        yield candidate
        yield candidate.removeprefix("other ").strip()
    # Then the name less one word: "grey melange" → "grey", "coffee brown" → "coffee".
    words = name.split()
    if len(words) > 1:
        yield " ".join(words[:-1])
        yield " ".join(words[1:])


def map_colour(
    label: str,
    dye_labs: list[tuple[float, float, float]],
    palette: Palette,
    lexicon: Mapping[str, tuple[float, ...]],
) -> ConceptMapping | None:
    """Map a colour name to its nearest ISCC-NBS colour, or None when its Lab is unknown."""
    if label.strip().lower() in UNINFORMATIVE_COLOURS:
        return None
    if dye_labs:
        count = len(dye_labs)
        lab = tuple(sum(values) / count for values in zip(*dye_labs, strict=True))
        evidence = f"dyes:{count}"
    else:
        found = next((n for n in _name_variants(label) if n in lexicon), None)
        if found is None:
            return None
        lab, evidence = lexicon[found], f"lexicon:{found}"
    index, distance = palette.nearest((lab[0], lab[1], lab[2]))
    return ConceptMapping("close", palette.iris[index], round(distance, 3), evidence)
