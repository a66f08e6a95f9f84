"""Retailer concept schemes, discovered from the feeds: one scheme per retailer column.

Every distinct value of a concept-bearing column becomes a ``skos:Concept`` of its retailer's
scheme (values that differ only in case, spaces or punctuation, such as ``"Denim Trousers"`` and
``"Denim trousers"``, are one concept: the first spelling seen is its label, the others are
kept as alternative labels); hierarchy columns (and ``"A > B"`` values) link levels with
``skos:broader``. The collector also remembers, per concept, the manufacturer dye Labs of the
articles that carry it, which is how a retailer's marketing colour name gets a colour at all.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from kg.namespaces import retailer_concept_iri, retailer_scheme_iri, slug
from kg.profiles import FieldSpec, RetailerProfile


class ConceptKey(NamedTuple):
    """A retailer concept: one label of one column of one source's feed."""

    source: str
    profile: str
    field: str
    role: str
    label: str

    @property
    def iri(self) -> str:
        """The concept's IRI."""
        return retailer_concept_iri(self.source, self.field, self.label)

    @property
    def scheme(self) -> str:
        """The IRI of the concept's scheme (its column)."""
        return retailer_scheme_iri(self.source, self.field)


@dataclass
class SchemeCollector:
    """Concepts seen so far, how many articles use each, their broader concepts, colour evidence."""

    broader: dict[ConceptKey, set[ConceptKey]] = field(default_factory=lambda: defaultdict(set))
    uses: dict[ConceptKey, int] = field(default_factory=lambda: defaultdict(int))
    dye_labs: dict[ConceptKey, list[tuple[float, float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    spellings: dict[ConceptKey, set[str]] = field(default_factory=lambda: defaultdict(set))
    manufacturer: set[tuple[str, str, str]] = field(default_factory=set)
    dyes: dict[tuple[str, str], tuple[float, float, float]] = field(default_factory=dict)
    _memo: dict[tuple[str, str, str, str], list[tuple[ConceptKey, int]]] = field(
        default_factory=dict
    )
    _chains: set[tuple[ConceptKey, ...]] = field(default_factory=set)
    _labels: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def read(
        self, source: str, profile: RetailerProfile, data: Mapping[str, str]
    ) -> list[tuple[ConceptKey, int]]:
        """Register the concepts of one feed row; returns them with their depth (0 = coarsest)."""
        found: list[tuple[ConceptKey, int]] = []
        for spec in profile.fields:
            value = data.get(spec.field)
            if value:
                found += self._levels(source, profile, spec, value)
        for key, _ in found:
            self.uses[key] += 1
        chain = tuple(key for key, _ in found if key.field in profile.hierarchy)
        if len(chain) > 1 and chain not in self._chains:
            self._link_hierarchy(profile, chain)
        return found

    def _levels(
        self, source: str, profile: RetailerProfile, spec: FieldSpec, value: str
    ) -> list[tuple[ConceptKey, int]]:
        # Memoised per distinct value: a catalogue repeats a few hundred labels many times.
        memo = (source, profile.name, spec.field, value)
        cached = self._memo.get(memo)
        if cached is not None:
            return cached
        found: list[tuple[ConceptKey, int]] = []
        text = value.strip()
        if text and text.lower() != "nan":
            levels = [v.strip() for v in text.split(spec.separator)] if spec.separator else [text]
            parent: ConceptKey | None = None
            for depth, spelling in enumerate(filter(None, levels)):
                # one concept per IRI: a label's other spellings slug to the same one
                label = self._labels.setdefault((source, spec.field, slug(spelling)), spelling)
                key = ConceptKey(source, profile.name, spec.field, spec.role, label)
                if spelling != label:
                    self.spellings[key].add(spelling)
                if parent is not None:
                    self.broader[key].add(parent)
                found.append((key, depth + _hierarchy_depth(profile, spec.field)))
                parent = key
        self._memo[memo] = found
        return found

    def _link_hierarchy(self, profile: RetailerProfile, chain: tuple[ConceptKey, ...]) -> None:
        self._chains.add(chain)
        ordered = sorted(chain, key=lambda key: profile.hierarchy.index(key.field))
        for parent, child in itertools.pairwise(ordered):
            self.broader[child].add(parent)

    def concepts(self) -> Iterator[ConceptKey]:
        """Every concept seen, in a stable order."""
        return iter(sorted(self.uses, key=lambda k: (k.source, k.field, k.label)))


def _hierarchy_depth(profile: RetailerProfile, name: str) -> int:
    return profile.hierarchy.index(name) if name in profile.hierarchy else 0
