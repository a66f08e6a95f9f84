"""Retailer colour names linked to platform basic terms by what the photos show.

A retailer's colour name ("Dusty Light Blue", "Off White", "Greyish Beige") is mapped at build
time by its Lab (``kg.mappings``): from the dyes of the articles it names, else from a colour
lexicon. The photos are a second, independent witness: vision names the dominant colour of
every tagged article's photo with a platform basic term. Counting, for each retailer colour
name, the basic terms vision gave its photos is the confusion row of that name; it says where
the retailer's word belongs on the platform, however the word is spelled.

:func:`learn_colour_links` measures those counts from the graph itself and writes them to the
named graph ``graph/learned``, each cell a node with its figures and provenance::

    <id/learned/colour/hm/colour-group-name/dusty-light-blue/blue> a atl:LearnedColourLink ;
        atl:retailerColour <id/retailer/hm/colour-group-name/dusty-light-blue> ;
        atl:basicColour <id/colour/basic/blue> ;
        atl:photoCount 14 ; atl:namePhotoCount 17 ; atl:confidence 0.82 ;
        atl:confidenceLower 0.59 ; atl:modelVersion "…" ; atl:source "hm" ;
        prov:generatedAtTime … .

and, for a name with enough photos whose leading term holds enough of them, the SKOS link
``<name> skos:broadMatch <basic term>`` (the platform term is the broader concept). The bundled
query ``colour-name-disagreements`` lists the names whose photos say another basic term than
their Lab mapping does.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kg import nquads as nq
from kg.facts import TYPE
from kg.learned import describe_learned_graph
from kg.namespaces import ATL, ID, PROV, SKOS, XSD, colour_iri, graph_iri
from kg.store import GraphStore

_PREFIXES = """PREFIX atl: <https://w3id.org/atelier/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

# One row per (article, retailer colour name, vision model): the model's dominant basic term.
_OBSERVED = (
    _PREFIXES
    # The photographed articles first: pyoxigraph joins in the order written, and starting
    # from every article's colour names took 27 s on a 105,542-article graph without photos.
    + """SELECT ?source ?name ?label ?article ?basic ?model ?time WHERE {
  ?vision atl:view "vision" ; atl:modelVersion ?model ; prov:generatedAtTime ?time .
  GRAPH ?vision { ?article atl:hasColour ?share . ?share atl:rank 0 ; atl:basicColour ?basic }
  GRAPH ?retailer { ?article atl:retailerConcept ?name }
  ?retailer atl:view "retailer" ; atl:source ?source .
  ?name a atl:RetailerColour ; skos:prefLabel ?label .
}"""
)

_BASIC_PREFIX = colour_iri("basic", "x")[:-1]


@dataclass(frozen=True, slots=True)
class ColourLinkConfig:
    """When a colour name's photos are enough to state a link.

    Attributes:
        min_photos: Photos of the name needed before its link is stated (the counts are
            written whatever their number).
        min_share: Share of those photos its leading basic term must hold.
    """

    min_photos: int = 5
    min_share: float = 0.5


@dataclass(frozen=True, slots=True)
class ColourObservation:
    """Vision's dominant basic term for one photographed article carrying a colour name."""

    source: str
    name: str  # the retailer colour concept's IRI
    label: str
    article: str
    basic: str  # the basic term's name, e.g. "blue"
    model_version: str
    generated_at: str


@dataclass(frozen=True, slots=True)
class ColourLinkRecord:
    """One cell of a retailer colour name's confusion row.

    Attributes:
        source: The retailer.
        name: The retailer colour concept's IRI.
        label: Its label as the feed spells it.
        basic: The platform basic term vision gave (name, e.g. ``blue``).
        photos: Photographed articles of the name that vision saw as ``basic``.
        name_photos: Photographed articles of the name.
        confidence: ``photos / name_photos``.
        confidence_lower: The 95% Wilson lower bound of that share.
        model_version: The vision model behind most of the counts.
        linked: Whether this is the name's stated link (``skos:broadMatch``).
    """

    source: str
    name: str
    label: str
    basic: str
    photos: int
    name_photos: int
    confidence: float
    confidence_lower: float
    model_version: str
    linked: bool


@dataclass
class ColourLinkReport:
    """What :func:`learn_colour_links` found."""

    names: int = 0  # colour names with at least one photographed article
    linked: int = 0  # ...of which got a stated link
    photos: int = 0  # photographed (article, name) pairs counted
    records: list[ColourLinkRecord] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        if not self.names:
            return "no retailer colour name has a tagged photo yet (run `atelier tag`)"
        return (
            f"{self.linked:,} of {self.names:,} retailer colour names linked to a basic term "
            f"by {self.photos:,} photos"
        )


def observe(store: GraphStore) -> list[ColourObservation]:
    """Each photographed article's dominant basic term, per retailer colour name it carries.

    An article tagged by several vision models counts once, with its newest model's term.
    """
    newest: dict[tuple[str, str], ColourObservation] = {}
    for row in store.select(_OBSERVED):
        if not row["basic"].startswith(_BASIC_PREFIX):
            continue
        seen = ColourObservation(
            source=row["source"],
            name=row["name"],
            label=row["label"],
            article=row["article"],
            basic=row["basic"][len(_BASIC_PREFIX) :],
            model_version=row["model"],
            generated_at=row["time"],
        )
        key = (seen.name, seen.article)
        if key not in newest or newest[key].generated_at < seen.generated_at:
            newest[key] = seen
    return list(newest.values())


def colour_links(
    observations: Iterable[ColourObservation], config: ColourLinkConfig | None = None
) -> list[ColourLinkRecord]:
    """Each colour name's confusion row, with the stated link marked.

    Returns:
        Records ordered by source, name, then count (largest first).
    """
    config = config or ColourLinkConfig()
    by_name: dict[tuple[str, str, str], list[ColourObservation]] = defaultdict(list)
    for observation in observations:
        by_name[(observation.source, observation.name, observation.label)].append(observation)
    records: list[ColourLinkRecord] = []
    for (source, name, label), seen in sorted(by_name.items()):
        counts = Counter(s.basic for s in seen)
        total = len(seen)
        model = Counter(s.model_version for s in seen).most_common(1)[0][0]
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        for place, (basic, count) in enumerate(ranked):
            share = count / total
            linked = (
                place == 0
                and total >= config.min_photos
                and share >= config.min_share
                # a tie for the lead states nothing
                and (len(ranked) == 1 or ranked[1][1] < count)
            )
            records.append(
                ColourLinkRecord(
                    source=source,
                    name=name,
                    label=label,
                    basic=basic,
                    photos=count,
                    name_photos=total,
                    confidence=share,
                    confidence_lower=wilson_lower(count, total),
                    model_version=model,
                    linked=linked,
                )
            )
    return records


def wilson_lower(successes: int, trials: int, z: float = 1.96) -> float:
    """The lower end of the Wilson score interval of a proportion (0 for no trials)."""
    if trials <= 0:
        return 0.0
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - spread) / (1 + z * z / trials))


def link_iri(name: str, basic: str) -> str:
    """IRI of one confusion cell: the name's path under ``id/learned/colour/`` and the term."""
    path = name.removeprefix(ID + "retailer/") if name.startswith(ID + "retailer/") else name
    return f"{ID}learned/colour/{path}/{basic}"


def put_colour_links(
    store: GraphStore, records: Sequence[ColourLinkRecord], computed_at: datetime | None = None
) -> int:
    """Replace every learned colour link in ``graph/learned`` with ``records``.

    Returns:
        How many records were written.

    Raises:
        ValueError: For counts that cannot be true (more photos of a term than of its name).
    """
    for record in records:
        if not 1 <= record.photos <= record.name_photos:
            raise ValueError(
                f"inconsistent photo counts for {record.label!r} -> {record.basic!r}: "
                f"{record.photos} of {record.name_photos}"
            )
    graph = nq.iri(graph_iri("learned"))
    store.update(_DELETE)
    stamp = f'"{(computed_at or datetime.now(UTC)).isoformat()}"^^<{XSD}dateTime>'
    lines: list[str] = []
    for record in records:
        node = nq.iri(link_iri(record.name, record.basic))
        basic = nq.iri(colour_iri("basic", record.basic))
        facts = [
            (TYPE, _p(ATL.LearnedColourLink)),
            (_p(ATL.retailerColour), nq.iri(record.name)),
            (_p(ATL.basicColour), basic),
            (_p(ATL.photoCount), nq.number(record.photos)),
            (_p(ATL.namePhotoCount), nq.number(record.name_photos)),
            (_p(ATL.confidence), nq.number(float(record.confidence))),
            (_p(ATL.confidenceLower), nq.number(float(record.confidence_lower))),
            (_p(ATL.modelVersion), nq.text(record.model_version)),
            (_p(ATL.source), nq.text(record.source)),
            (nq.iri(PROV + "generatedAtTime"), stamp),
        ]
        lines += [nq.quad(node, predicate, obj, graph) for predicate, obj in facts]
        if record.linked:
            lines.append(nq.quad(nq.iri(record.name), nq.iri(SKOS + "broadMatch"), basic, graph))
    store.add_nquads(lines + describe_learned_graph(store, stamp))
    return len(records)


def learn_colour_links(
    store: GraphStore, config: ColourLinkConfig | None = None, computed_at: datetime | None = None
) -> ColourLinkReport:
    """Measure every retailer colour name's confusion row from the graph and store it."""
    observations = observe(store)
    records = colour_links(observations, config)
    put_colour_links(store, records, computed_at)
    names = {(r.source, r.name) for r in records}
    return ColourLinkReport(
        names=len(names),
        linked=sum(r.linked for r in records),
        photos=len(observations),
        records=records,
    )


def _p(term: object) -> str:
    return nq.iri(str(term))


_DELETE = f"""{_PREFIXES}DELETE {{ GRAPH <{graph_iri("learned")}> {{ ?s ?p ?o }} }}
WHERE {{ GRAPH <{graph_iri("learned")}> {{
  {{ ?s a atl:LearnedColourLink ; ?p ?o }}
  UNION {{ ?s skos:broadMatch ?o . BIND(skos:broadMatch AS ?p) }}
}} }}"""
