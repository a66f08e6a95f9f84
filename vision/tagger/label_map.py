"""Catalogue fields -> platform attribute groups: the one declarative table.

Each catalogue (``myntra``, ``hm``, ``demo``) lists :class:`FieldRule` s: which of its fields
feeds which platform group, and how its values translate. A value maps to a tuple of platform
labels (multi-label groups may get several; ``ABSTAIN`` says "not visible / not applicable");
``None`` means "unknown": the photo gets no target in that group, so the loss ignores it.
Values a rule does not list are lower-cased when ``passthrough`` is set (fine-grained category
names keep their catalogue's granularity), and treated as unknown otherwise.

The knowledge-graph package is meant to own this mapping eventually; until then it lives here,
as data, so the graph can read it instead of re-deriving it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vision.tagger.schema import ABSTAIN

Labels = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one catalogue field feeds one platform attribute group."""

    column: str
    group: str
    values: Mapping[str, Labels | None] = field(default_factory=dict)
    passthrough: bool = False


def _same(*values: str) -> dict[str, Labels | None]:
    return {value: (value,) for value in values}


_MYNTRA_CATEGORY: dict[str, Labels | None] = {
    "tshirts": ("t-shirt",), "shirts": ("shirt",), "tops": ("top",), "sweaters": ("sweater",),
    "sweatshirts": ("sweatshirt",), "jackets": ("jacket",), "dresses": ("dress",),
    "skirts": ("skirt",), "handbags": ("handbag",), "backpacks": ("backpack",),
    "belts": ("belt",), "caps": ("cap",), "scarves": ("scarf",), "watches": ("watch",),
    "wallets": ("wallet",), "ties": ("tie",), "kurtas": ("kurta",), "kurtis": ("kurti",),
    "tunics": ("tunic",), "free gifts": None,
}  # fmt: skip

_MYNTRA_SLOT: dict[str, Labels | None] = {
    "topwear": ("top",), "bottomwear": ("bottom",), "dress": ("full-body",),
    "saree": ("full-body",), "apparel set": ("full-body",), "shoes": ("shoes",),
    "sandal": ("shoes",), "flip flops": ("shoes",), "innerwear": ("basics",),
    "socks": ("basics",), "loungewear and nightwear": ("nightwear",), "bags": ("bag",),
    "wallets": ("accessory",), "watches": ("accessory",), "eyewear": ("accessory",),
    "belts": ("accessory",), "headwear": ("accessory",), "ties": ("accessory",),
    "mufflers": ("accessory",), "scarves": ("accessory",), "stoles": ("accessory",),
    "cufflinks": ("accessory",), "gloves": ("accessory",), "jewellery": ("accessory",),
    "accessories": ("accessory",), "shoe accessories": ("accessory",),
    "umbrellas": ("accessory",), "fragrance": ("personal care",),
}  # fmt: skip

_GENDER: dict[str, Labels | None] = {
    "men": ("men",), "boys": ("men",), "women": ("women",), "girls": ("women",),
    "unisex": ("unisex",), "menswear": ("men",), "ladieswear": ("women",),
}  # fmt: skip

_USAGE_STYLE: dict[str, Labels | None] = {
    "casual": ("casual",), "smart casual": ("casual", "business"), "formal": ("formal",),
    "sports": ("sporty",), "ethnic": ("ethnic",), "party": ("party",), "travel": ("casual",),
}  # fmt: skip

_HM_PATTERN: dict[str, Labels | None] = {
    "solid": ("solid",), "melange": ("melange",), "denim": ("solid",), "chambray": ("solid",),
    "stripe": ("striped",), "check": ("checked",), "dot": ("dotted",),
    "all over pattern": ("printed",), "placement print": ("printed",),
    "front print": ("printed",), "other pattern": ("printed",),
    "mixed solid/pattern": ("printed",), "lace": ("lace",), "embroidery": ("embroidered",),
    "colour blocking": ("colour-block",), "contrast": ("colour-block",),
    "jacquard": ("jacquard",), "glittering/metallic": ("metallic",), "metallic": ("metallic",),
    "sequin": ("metallic",), "other structure": ("textured",), "treatment": ("textured",),
    "neps": ("textured",), "slub": ("textured",), "mesh": ("textured",),
    "application/3d": ("textured",), "transparent": ("sheer",), "unknown": None,
}  # fmt: skip

_HM_CATEGORY: dict[str, Labels | None] = {"unknown": None, "leggings/tights": ("leggings",)}
_HM_MATERIAL: dict[str, Labels | None] = {"denim": ("denim",)}

_DEMO_NONE: dict[str, Labels | None] = {"none": (ABSTAIN,)}

#: Catalogue -> its field rules. The one place catalogue vocabularies meet the platform's.
LABEL_MAP: dict[str, tuple[FieldRule, ...]] = {
    "myntra": (
        FieldRule("articleType", "category", _MYNTRA_CATEGORY, passthrough=True),
        FieldRule("subCategory", "slot", _MYNTRA_SLOT),
        FieldRule("gender", "gender", _GENDER),
        FieldRule("usage", "style", _USAGE_STYLE),
        FieldRule("season", "season", _same("fall", "winter", "summer", "spring")),
    ),
    "hm": (
        FieldRule("product_type_name", "category", _HM_CATEGORY, passthrough=True),
        FieldRule("graphical_appearance_name", "pattern", _HM_PATTERN),
        FieldRule("graphical_appearance_name", "material", _HM_MATERIAL),
        FieldRule("index_group_name", "gender", _GENDER),
    ),
    "demo": (
        FieldRule("category", "category", passthrough=True),
        FieldRule("slot", "slot", passthrough=True),
        FieldRule("gender", "gender", passthrough=True),
        FieldRule("pattern", "pattern", passthrough=True),
        FieldRule("neckline", "neckline", _DEMO_NONE, passthrough=True),
        FieldRule("sleeve", "sleeve", _DEMO_NONE, passthrough=True),
        FieldRule("material", "material", passthrough=True),
        FieldRule("style", "style", passthrough=True),
    ),
}


def _normalise(value: str) -> str:
    return " ".join(value.strip().lower().split())


def map_value(rule: FieldRule, value: object) -> Labels | None:
    """Platform labels of one raw field value under one rule (None: unknown)."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = _normalise(value)
    if key in rule.values:
        return rule.values[key]
    return (key,) if rule.passthrough else None


def map_record(catalogue: str, record: Mapping[str, object]) -> dict[str, Labels]:
    """Platform attribute labels of one catalogue record (groups with unknown values left out).

    Raises:
        KeyError: If the catalogue has no rules.
    """
    labels: dict[str, Labels] = {}
    for rule in LABEL_MAP[catalogue]:
        mapped = map_value(rule, record.get(rule.column))
        if mapped is not None:
            merged = labels.get(rule.group, ()) + mapped
            labels[rule.group] = tuple(dict.fromkeys(merged))
    return labels
