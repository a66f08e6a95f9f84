"""How each retailer's feed is read into concept schemes: which columns, which roles.

A profile names the feed's hierarchy columns (coarse to fine; the demo retailer writes its
hierarchy into one column as ``"Outerwear > Coats"``) and its flat columns, each with the role
its concepts play once mapped (category, colour, pattern, ...). Feeds without a profile of
their own get :data:`GENERIC` (Atelier's generic CSV columns).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Roles whose mapped platform concept becomes a product fact (``atl:<role>``).
FACT_ROLES = ("category", "colour", "pattern", "neckline", "sleeve", "occasion", "gender")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One feed column that carries concepts.

    Attributes:
        field: The column name.
        role: What its concepts are: ``category``, ``colour``, ``pattern``, ``neckline``,
            ``sleeve``, ``occasion``, ``gender``, ``department``, ``season`` or ``other``.
        separator: Splits a hierarchical value (``"A > B"``) into levels, when set.
    """

    field: str
    role: str
    separator: str | None = None


@dataclass(frozen=True, slots=True)
class RetailerProfile:
    """The concept-bearing columns of one retailer's feed.

    Attributes:
        name: The profile's name, used by the declared mappings (``vocab/mappings.csv``).
        hierarchy: Columns forming one hierarchy, coarse to fine (skos:broader between levels).
        fields: Every concept-bearing column, including the hierarchy's.
    """

    name: str
    hierarchy: tuple[str, ...]
    fields: tuple[FieldSpec, ...]


HM = RetailerProfile(
    name="hm",
    hierarchy=("index_group_name", "section_name", "garment_group_name", "product_type_name"),
    fields=(
        FieldSpec("index_group_name", "gender"),
        FieldSpec("section_name", "other"),
        FieldSpec("garment_group_name", "other"),
        FieldSpec("product_group_name", "category"),
        FieldSpec("product_type_name", "category"),
        FieldSpec("colour_group_name", "colour"),
        FieldSpec("perceived_colour_master_name", "colour"),
        FieldSpec("perceived_colour_value_name", "other"),
        FieldSpec("graphical_appearance_name", "pattern"),
        FieldSpec("department_name", "department"),
    ),
)

MYNTRA = RetailerProfile(
    name="myntra",
    hierarchy=("masterCategory", "subCategory", "articleType"),
    fields=(
        FieldSpec("masterCategory", "category"),
        FieldSpec("subCategory", "category"),
        FieldSpec("articleType", "category"),
        FieldSpec("baseColour", "colour"),
        FieldSpec("usage", "occasion"),
        FieldSpec("season", "season"),
        FieldSpec("gender", "gender"),
    ),
)

DEMO = RetailerProfile(
    name="demo",
    hierarchy=(),
    fields=(
        FieldSpec("category", "category", separator=" > "),
        FieldSpec("color", "colour"),
        FieldSpec("pattern", "pattern"),
        FieldSpec("department", "gender"),
        FieldSpec("fit", "other"),
        FieldSpec("sleeve_length", "sleeve"),
        FieldSpec("neck", "neckline"),
        FieldSpec("occasion", "occasion"),
    ),
)

GENERIC = RetailerProfile(
    name="generic",
    hierarchy=(),
    fields=(
        FieldSpec("category", "category", separator=" > "),
        FieldSpec("color", "colour"),
        FieldSpec("pattern", "pattern"),
    ),
)

PROFILES = {profile.name: profile for profile in (HM, MYNTRA, DEMO)}


def profile_for(source: str) -> RetailerProfile:
    """The profile of a retailer feed source (``generic`` when it has none of its own)."""
    return PROFILES.get(source, GENERIC)
