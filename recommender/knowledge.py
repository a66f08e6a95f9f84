"""What the recommender knows about the catalogue, behind a small protocol.

The recommender never talks to the knowledge graph directly: it reads item facts, category
rules and concept hierarchies through :class:`CatalogueKnowledge`. The graph's projection
(``kg/projection.py``) satisfies the protocol structurally; :class:`TableKnowledge` satisfies it
from plain tables (per-item attribute rows and a category-rules table), so evaluation works on
CSV files without any graph.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from recommender.data import csv_separator
from recommender.feedformat import plain_name

#: Item-table columns that name relations (the rest are ignored); "article_id"/"item_id" is the key.
KNOWN_RELATIONS = (
    "style",
    "category",
    "slot",
    "basic_colour",
    "colour",
    "pattern",
    "material",
    "occasion",
    "gender",
    "department",
)


class Durability(StrEnum):
    """How long a category lasts, spelled as the graph's ``atl:durability`` notations.

    A ``str`` subclass: stored tables and the graph's projection hand plain strings, which
    compare equal to the members and convert with ``Durability(text)``.
    """

    DURABLE = "durable"
    """Kept for years and rarely bought again (a coat, jeans)."""
    SEMI_DURABLE = "semi-durable"
    """Worn out or replaced within seasons (a shirt, a dress)."""
    CONSUMABLE = "consumable"
    """Bought again and again (socks, a basic tee)."""


@runtime_checkable
class CategoryRule(Protocol):
    """How shoppers buy one category: how long it lasts and when they buy it again."""

    @property
    def durability(self) -> str:
        """A :class:`Durability` value (``"durable"``, ``"semi-durable"``, ``"consumable"``)."""
        ...

    @property
    def repurchase_days(self) -> float | None:
        """Typical days before another of the same kind; ``None``: rarely or never."""
        ...

    @property
    def slot(self) -> str | None:
        """Outfit slot (top, bottom, outerwear, shoes, ...), when known."""
        ...


@runtime_checkable
class ComplementEvidence(Protocol):
    """What purchases say about one mined complement pair (category -> category)."""

    @property
    def confidence(self) -> float:
        """Chance that a purchase of the category is followed by the complement within the
        mining window, smoothed toward the prior (0..1).
        """
        ...

    @property
    def lift(self) -> float:
        """The unsmoothed confidence over the chance after any purchase (> 1 when mined)."""
        ...

    @property
    def declared(self) -> bool:
        """The hand-written table also says the two go together."""
        ...


@runtime_checkable
class CatalogueKnowledge(Protocol):
    """Facts about articles and the concepts they relate to."""

    def items(self) -> Iterable[str]:
        """Every article external id known."""
        ...

    def item_facts(self, item_id: str) -> Mapping[str, Sequence[str]]:
        """Relation -> concept ids of one article; ``{}`` for an unknown article."""
        ...

    def category_rule(self, category: str) -> CategoryRule | None:
        """The rule of a category, or ``None`` when nothing is known."""
        ...

    def complements(self, category: str) -> Sequence[str]:
        """Categories that go with ``category``: the mined ones (best first), then the
        hand-written prior's.
        """
        ...

    def mined_complements(self, category: str) -> Mapping[str, ComplementEvidence]:
        """Complements mined from purchases (``recommender.mining``) -> their evidence."""
        ...

    def broader(self, concept: str) -> Sequence[str]:
        """Parents of a concept in its hierarchy (``"navy"`` -> ``"blue"``)."""
        ...


@dataclass(frozen=True)
class Rule:
    """A plain category rule (satisfies :class:`CategoryRule`)."""

    durability: Durability = Durability.SEMI_DURABLE
    repurchase_days: float | None = None
    slot: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Plain mined-complement evidence (satisfies :class:`ComplementEvidence`)."""

    confidence: float
    lift: float
    declared: bool = False


@dataclass(frozen=True)
class TableKnowledge:
    """Knowledge held in plain tables (satisfies :class:`CatalogueKnowledge`).

    Attributes:
        facts: Article id -> relation -> concept ids.
        rules: Category -> its rule.
        complement_map: Category -> categories that go with it.
        parents: Concept -> broader concepts.
        mined: Category -> complement -> evidence mined from purchases.
    """

    facts: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    rules: Mapping[str, Rule] = field(default_factory=dict)
    complement_map: Mapping[str, Sequence[str]] = field(default_factory=dict)
    parents: Mapping[str, Sequence[str]] = field(default_factory=dict)
    mined: Mapping[str, Mapping[str, Evidence]] = field(default_factory=dict)

    def items(self) -> Iterable[str]:
        """Every article with facts."""
        return self.facts.keys()

    def item_facts(self, item_id: str) -> Mapping[str, Sequence[str]]:
        """Facts of one article, ``{}`` when unknown."""
        return self.facts.get(item_id, {})

    def category_rule(self, category: str) -> CategoryRule | None:
        """The category's rule, if the table has one."""
        return self.rules.get(category)

    def complements(self, category: str) -> Sequence[str]:
        """Mined complements (most confident first), then the rules table's."""
        mined = self.mined_complements(category)
        ranked = sorted(mined, key=lambda other: (-mined[other].confidence, other))
        return tuple(dict.fromkeys([*ranked, *self.complement_map.get(category, ())]))

    def mined_complements(self, category: str) -> Mapping[str, Evidence]:
        """Mined complements of a category with their evidence."""
        return self.mined.get(category, {})

    def broader(self, concept: str) -> Sequence[str]:
        """Parents of a concept."""
        return self.parents.get(concept, ())


EMPTY_KNOWLEDGE = TableKnowledge()


def declared_complements(knowledge: CatalogueKnowledge, category: str) -> tuple[str, ...]:
    """The complements of ``category`` a prior declares: all but those only purchases mined."""
    mined = knowledge.mined_complements(category)
    return tuple(c for c in knowledge.complements(category) if c not in mined or mined[c].declared)


#: Columns that carry a style code under another name; when present, a "style" column is taken
#: to mean a fashion style ("casual") and read as the occasion instead.
STYLE_CODE_COLUMNS = ("style_code", "product_code")
#: Columns that name an item table's key, the first found wins.
KEY_COLUMNS = ("item_id", "article_id")
#: Other spellings of item-table columns, by their plain form (:func:`plain_column`).
COLUMN_ALIASES = {"color": "colour", "basic_color": "basic_colour"}


def plain_column(name: str) -> str:
    """A column name as the item table's relations are spelled: ``"Basic Color"`` is
    ``"basic_colour"`` (:func:`recommender.feedformat.plain_name`, then US spellings of colour).
    """
    plain = plain_name(name)
    return COLUMN_ALIASES.get(plain, plain)


def relation_columns(header: Sequence[str]) -> dict[str, str]:
    """Column -> relation for an item table's header (columns matched by :func:`plain_column`)."""
    plain = {plain_column(name): name for name in reversed(header)}  # the first of a spelling
    columns = {plain[name]: name for name in KNOWN_RELATIONS if name in plain}
    code = next((plain[name] for name in STYLE_CODE_COLUMNS if name in plain), None)
    if code is not None:
        columns = {column: r for column, r in columns.items() if r != "style"}
        columns[code] = "style"
        if "style" in plain and "occasion" not in plain:
            columns[plain["style"]] = "occasion"
    return columns


def key_column(header: Sequence[str]) -> str | None:
    """The column of an item table that holds the item ids (:data:`KEY_COLUMNS`), if any."""
    plain = {plain_column(name): name for name in reversed(header)}
    return next((plain[name] for name in KEY_COLUMNS if name in plain), None)


def facts_from_row(
    row: Mapping[str, str], columns: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """Relations of one item-table row (``|``-separated values; empty cells skipped)."""
    facts: dict[str, tuple[str, ...]] = {}
    for column, relation in columns.items():
        raw = (row.get(column) or "").strip()
        if raw:
            facts[relation] = tuple(v.strip() for v in raw.split("|") if v.strip())
    return facts


def rules_from_rows(
    rows: Iterable[Mapping[str, str]],
) -> tuple[dict[str, Rule], dict[str, tuple[str, ...]]]:
    """Category rules and complements from rows of ``category,slot,durability,repurchase_days,
    complements`` (complements ``|``-separated; empty repurchase_days: not re-bought).
    """
    rules: dict[str, Rule] = {}
    complements: dict[str, tuple[str, ...]] = {}
    for row in rows:
        name = (row.get("category") or "").strip()
        if not name:
            continue
        days = (row.get("repurchase_days") or "").strip()
        rules[name] = Rule(
            durability=Durability((row.get("durability") or "semi-durable").strip()),
            repurchase_days=float(days) if days else None,
            slot=(row.get("slot") or "").strip() or None,
        )
        complements[name] = tuple(
            c.strip() for c in (row.get("complements") or "").split("|") if c.strip()
        )
    return rules, complements


def read_knowledge(items_csv: Path | None, categories_csv: Path | None = None) -> TableKnowledge:
    """Table knowledge from an items CSV (``item_id`` or ``article_id`` + relation columns) and
    an optional category-rules CSV. Missing files give empty knowledge for that part.
    """
    facts: dict[str, dict[str, tuple[str, ...]]] = {}
    if items_csv is not None:
        # utf-8-sig: a byte-order mark (spreadsheet exports) is not part of the first name
        with items_csv.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, delimiter=csv_separator(items_csv))
            header = reader.fieldnames or ()
            key_name = key_column(header)
            if key_name is None:
                raise ValueError(
                    f"{items_csv}: no item_id column (found {', '.join(header) or 'none'})"
                )
            columns = relation_columns(header)
            for row in reader:
                key = (row.get(key_name) or "").strip()
                if key:
                    facts[key] = facts_from_row(row, columns)
    rules: dict[str, Rule] = {}
    complements: dict[str, tuple[str, ...]] = {}
    if categories_csv is not None:
        with categories_csv.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.DictReader(handle, delimiter=csv_separator(categories_csv))
            rules, complements = rules_from_rows(rows)
    return TableKnowledge(facts=facts, rules=rules, complement_map=complements)
