"""Writing the retailer and manufacturer schemes, their mappings and the facts they imply."""

from __future__ import annotations

from collections.abc import Container, Mapping

from kg import nquads as nq
from kg.facts import IN_SCHEME, PREF_LABEL, TYPE, Emit, p
from kg.mappings import RELATIONS, ConceptMapping, map_colour
from kg.namespaces import (
    ATL,
    RDFS,
    SKOS,
    article_iri,
    graph_iri,
    manufacturer_iri,
    retailer_scheme_iri,
)
from kg.palette import Palette
from kg.profiles import DEMO, FACT_ROLES, GENERIC
from kg.report import BuildReport
from kg.schemes import ConceptKey, SchemeCollector

CONCEPT, SCHEME = nq.iri(SKOS + "Concept"), nq.iri(SKOS + "ConceptScheme")
BROADER, ALT_LABEL = nq.iri(SKOS + "broader"), nq.iri(SKOS + "altLabel")
MATCH = {r: nq.iri(f"{SKOS}{r}Match") for r in ("exact", "close", "broad", "narrow")}
COMMENT = nq.iri(RDFS + "comment")
ROLE_PREDICATES = {role: p(getattr(ATL, role)) for role in FACT_ROLES}
_CATEGORY = ROLE_PREDICATES["category"]
BASIC_COLOUR = p(ATL.basicColour)


class ConceptWriter:
    """Resolves every collected concept to the platform and writes schemes and mappings."""

    def __init__(
        self,
        palette: Palette,
        declared: Mapping[tuple[str, str, str], ConceptMapping],
        lexicon: Mapping[str, tuple[float, ...]],
        known: Container[str] = frozenset(),
    ) -> None:
        """Start with nothing collected.

        Args:
            palette: The platform colours.
            declared: The bundled mappings, by (profile, field, lower-cased label).
            lexicon: Colour names with a Lab, for retailer colour names without dye evidence.
            known: IRIs of concepts the graph states already (an incremental update): their
                scheme and mapping statements are left as they are, not written again, except
                the broader concepts the update's articles file them under.
        """
        self.palette, self.declared, self.lexicon = palette, declared, lexicon
        self.known = known
        self.collector = SchemeCollector()
        self.resolved: dict[ConceptKey, ConceptMapping | None] = {}
        self._basic = dict(zip(palette.iris, palette.basics, strict=True))
        self._schemes: set[str] = set()  # scheme + graph, each scheme's facts stated once
        self._facts: dict[tuple[tuple[ConceptKey, int], ...], list[tuple[str, str, str]]] = {}

    def resolve(self, key: ConceptKey) -> ConceptMapping | None:
        """The mapping of one retailer concept, declared or (for colours) computed."""
        if key.role == "colour":
            labs = self.collector.dye_labs.get(key, [])
            return map_colour(key.label, labs, self.palette, self.lexicon)
        profiles = (key.profile, DEMO.name) if key.profile == GENERIC.name else (key.profile,)
        # Generic feeds use the same plain-English retail words as the demo retailer, and a
        # mapping may be declared for any of the concept's spellings.
        for profile in profiles:
            for label in (key.label, *sorted(self.collector.spellings.get(key, ()))):
                if (found := self.declared.get((profile, key.field, label.lower()))) is not None:
                    return found
        return None

    def write(self, emit: Emit, report: BuildReport) -> None:
        """Schemes and mappings of every retailer and manufacturer concept collected."""
        for key in self.collector.concepts():
            mapping = self.resolved[key] = self.resolve(key)
            if key.iri in self.known:
                # the update's articles may file a known concept under a new broader one
                self._write_broader(key, emit)
                continue
            self._write_concept(key, emit)
            graph = nq.iri(graph_iri("mapping", key.source))
            report.concepts += 1
            if mapping is None:
                emit(nq.iri(key.iri), TYPE, p(ATL.UnmappedConcept), graph)
                report.unmapped.append((key.source, key.field, key.label))
                continue
            report.mapped += 1
            _write_mapping(key.iri, mapping, graph, emit)
        self._write_manufacturer(emit)

    def _write_concept(self, key: ConceptKey, emit: Emit) -> None:
        graph = nq.iri(graph_iri("scheme", "retailer", key.source))
        concept, scheme = nq.iri(key.iri), nq.iri(key.scheme)
        if self._new_scheme(scheme, graph):
            emit(scheme, TYPE, SCHEME, graph)
            emit(scheme, PREF_LABEL, nq.text(f"{key.source} {key.field}", "en"), graph)
        emit(concept, TYPE, CONCEPT, graph)
        emit(concept, PREF_LABEL, nq.text(key.label), graph)
        for spelling in sorted(self.collector.spellings.get(key, ())):
            emit(concept, ALT_LABEL, nq.text(spelling), graph)
        emit(concept, IN_SCHEME, scheme, graph)
        emit(concept, p(ATL.field), nq.text(key.field), graph)
        if key.role == "colour":
            emit(concept, TYPE, p(ATL.RetailerColour), graph)
        emit(concept, p(ATL.articleCount), nq.number(self.collector.uses[key]), graph)
        self._write_broader(key, emit)

    def _write_broader(self, key: ConceptKey, emit: Emit) -> None:
        graph = nq.iri(graph_iri("scheme", "retailer", key.source))
        for parent in self.collector.broader.get(key, ()):
            emit(nq.iri(key.iri), BROADER, nq.iri(parent.iri), graph)

    def _new_scheme(self, scheme: str, graph: str) -> bool:
        """Whether the scheme's own facts are still to be written to ``graph`` (noted now)."""
        if (key := scheme + graph) in self._schemes:
            return False
        self._schemes.add(key)
        return True

    def _write_manufacturer(self, emit: Emit) -> None:
        for source, kind, label in sorted(self.collector.manufacturer):
            graph = nq.iri(graph_iri("scheme", "manufacturer", source))
            concept = manufacturer_iri(source, kind, label)
            scheme = nq.iri(retailer_scheme_iri(source, kind).replace("/retailer/", "/maker/"))
            if self._new_scheme(scheme, graph):
                emit(scheme, TYPE, SCHEME, graph)
            emit(nq.iri(concept), TYPE, CONCEPT, graph)
            emit(nq.iri(concept), PREF_LABEL, nq.text(label), graph)
            emit(nq.iri(concept), IN_SCHEME, scheme, graph)
            mapping = self._manufacturer_mapping(source, kind, label, concept, emit, graph)
            if mapping is not None:
                _write_mapping(concept, mapping, nq.iri(graph_iri("mapping", source)), emit)

    def _manufacturer_mapping(
        self, source: str, kind: str, label: str, concept: str, emit: Emit, graph: str
    ) -> ConceptMapping | None:
        if kind != "dye":
            return self.declared.get(("manufacturer", kind, label.lower()))
        lab = self.collector.dyes.get((source, label))
        if lab is None:
            return None
        emit(nq.iri(concept), TYPE, p(ATL.DyeCode), graph)
        for predicate, value in zip((ATL.labL, ATL.labA, ATL.labB), lab, strict=True):
            emit(nq.iri(concept), p(predicate), nq.number(float(value)), graph)
        return map_colour(label, [lab], self.palette, {})

    def write_platform_facts(
        self, external_id: str, keys: list[tuple[ConceptKey, int]], emit: Emit
    ) -> str | None:
        """The platform facts an article's retailer concepts translate to.

        Returns:
            The IRI of the platform category the first of them states, if any.
        """
        article = nq.iri(article_iri(external_id))
        relevant = tuple(pair for pair in keys if pair[0].role in FACT_ROLES)
        facts = self._facts.get(relevant)
        if facts is None:
            facts = self._facts[relevant] = self._platform_facts(relevant)
        category = None
        for predicate, obj, graph in facts:
            emit(article, predicate, obj, graph)
            if category is None and predicate == _CATEGORY:
                category = obj[1:-1]  # the IRI without its angle brackets
        return category

    def _platform_facts(
        self, keys: tuple[tuple[ConceptKey, int], ...]
    ) -> list[tuple[str, str, str]]:
        # Memoised per combination of concepts: articles repeat a few thousand combinations.
        by_source: dict[str, list[tuple[ConceptKey, int]]] = {}
        for key, depth in keys:
            by_source.setdefault(key.source, []).append((key, depth))
        facts: list[tuple[str, str, str]] = []
        for source, found in by_source.items():
            graph = nq.iri(graph_iri("retailer", source))
            for role, mapping in best_mappings(found, self.resolved).items():
                facts.append((ROLE_PREDICATES[role], nq.iri(mapping.target), graph))
                if role == "colour":
                    facts.append((BASIC_COLOUR, nq.iri(self._basic[mapping.target]), graph))
        return facts


def best_mappings(
    keys: list[tuple[ConceptKey, int]], resolved: dict[ConceptKey, ConceptMapping | None]
) -> dict[str, ConceptMapping]:
    """Per role, the mapping of the finest mapped level, the strongest relation first."""
    best: dict[str, tuple[tuple[int, int], ConceptMapping]] = {}
    for key, depth in keys:
        mapping = resolved.get(key)
        if mapping is None:
            continue
        rank = (-depth, RELATIONS[mapping.relation])
        if key.role not in best or rank < best[key.role][0]:
            best[key.role] = (rank, mapping)
    return {role: mapping for role, (_, mapping) in best.items()}


def _write_mapping(concept: str, mapping: ConceptMapping, graph: str, emit: Emit) -> None:
    emit(nq.iri(concept), MATCH[mapping.relation], nq.iri(mapping.target), graph)
    if mapping.distance is None:
        return
    node = nq.iri(concept + "/colour-mapping")
    emit(node, TYPE, p(ATL.ColourMapping), graph)
    emit(node, p(ATL.mappedConcept), nq.iri(concept), graph)
    emit(node, p(ATL.mappedTo), nq.iri(mapping.target), graph)
    emit(node, p(ATL.mappingDistance), nq.number(mapping.distance), graph)
    if mapping.evidence:
        emit(node, COMMENT, nq.text(mapping.evidence), graph)
