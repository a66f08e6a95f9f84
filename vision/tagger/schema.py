"""Attribute groups the tagger predicts, and the label vocabulary of a trained model.

A **single-choice** group (category, slot, neckline, sleeve, gender, season) has exactly one
value per photo; its softmax head also has the outcome :data:`ABSTAIN` ("not visible": a
neckline on a photo of shoes, a sleeve hidden under a jacket) so the net can say so instead of
guessing. A **multi-label** group (pattern, material, style) may have several values, each with
its own sigmoid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: The "not visible / not applicable" outcome of every single-choice group.
ABSTAIN = "not visible"


class GroupKind(StrEnum):
    """How a group's values combine on one photo."""

    SINGLE = "single"
    MULTI = "multi"


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """What kind of group a platform attribute group is.

    Attributes:
        kind: Single-choice (softmax + abstain) or multi-label (sigmoids).
        order: For ordered attributes (sleeve length, ...), their values from smallest to
            largest; errors of one step are then graded as less wrong than errors of three.
    """

    kind: GroupKind
    order: tuple[str, ...] = ()


#: The platform's attribute groups.
GROUPS: dict[str, GroupSpec] = {
    "category": GroupSpec(GroupKind.SINGLE),
    "slot": GroupSpec(GroupKind.SINGLE),
    "gender": GroupSpec(GroupKind.SINGLE),
    "neckline": GroupSpec(GroupKind.SINGLE),
    "sleeve": GroupSpec(GroupKind.SINGLE, order=("sleeveless", "short", "elbow", "3/4", "long")),
    "season": GroupSpec(GroupKind.SINGLE),
    "pattern": GroupSpec(GroupKind.MULTI),
    "material": GroupSpec(GroupKind.MULTI),
    "style": GroupSpec(GroupKind.MULTI),
}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The groups and labels of one trained model, in head order.

    Single-choice groups list :data:`ABSTAIN` first.
    """

    groups: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Group names in head order."""
        return tuple(name for name, _ in self.groups)

    def labels(self, group: str) -> tuple[str, ...]:
        """Labels of one group in output order."""
        return dict(self.groups)[group]

    def kind(self, group: str) -> GroupKind:
        """Single-choice or multi-label."""
        return GROUPS[group].kind

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {name: list(labels) for name, labels in self.groups}

    @classmethod
    def from_json(cls, data: Mapping[str, Iterable[str]]) -> Vocabulary:
        """Rebuild from :meth:`to_json` output."""
        return cls(tuple((name, tuple(labels)) for name, labels in data.items()))

    @classmethod
    def from_labels(
        cls, rows: Iterable[Mapping[str, tuple[str, ...]]], min_count: int = 1
    ) -> Vocabulary:
        """The vocabulary of labelled rows: labels seen at least ``min_count`` times, sorted."""
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            for group, labels in row.items():
                for label in labels:
                    group_counts = counts.setdefault(group, {})
                    group_counts[label] = group_counts.get(label, 0) + 1
        groups = []
        for name in (g for g in GROUPS if g in counts):
            kept = sorted(
                lab for lab, n in counts[name].items() if n >= min_count and lab != ABSTAIN
            )
            prefix = (ABSTAIN,) if GROUPS[name].kind is GroupKind.SINGLE else ()
            if kept:
                groups.append((name, prefix + tuple(kept)))
        return cls(tuple(groups))
