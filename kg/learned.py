"""Relations learned from shoppers' purchases, kept in the named graph ``graph/learned``.

``service`` mines the purchases of each source (``recommender.mining``) and hands the pairs
here as plain :class:`MinedPairRecord` rows. :func:`put_mined_pairs` replaces one source's
pairs, each a node with its figures and provenance::

    <id/mined/complement/hm/coat/scarf> a atl:MinedComplement ;
        atl:antecedent <id/category/coat> ; atl:consequent <id/category/scarf> ;
        atl:pairCount 42 ; atl:sameBasketCount 17 ; atl:antecedentCount 300 ;
        atl:basketCount 90000 ; atl:windowDays 30 ; atl:support … ; atl:confidence … ;
        atl:smoothedConfidence … ; atl:lift … ; atl:source "hm" ; prov:generatedAtTime … ;
        atl:minedFrom "2020-06-24"^^xsd:date ; atl:minedUntil "2020-09-22"^^xsd:date .

:func:`purchase_context` gives the miner what the graph knows (each article's category and
style, each category's slot and hand-written complements), and :func:`read_mined` reads the
pairs back for the projection. A full rebuild (``kg.loading.build_graph``) replaces them with
what its learner mines beside it (:class:`kg.build.Learner`: told :func:`built_context`, it
hands back :func:`mined_pair_quads`), or clears them when it has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import unquote

from kg import nquads as nq
from kg.facts import TYPE
from kg.namespaces import ATL, ID, PROV, XSD, article_iri, category_iri, graph_iri, mined_iri
from kg.store import EmbeddedStore, GraphStore, Row
from kg.vocabulary import write_vocabulary

#: Record kind -> the class of its node.
KINDS = {
    "complement": ATL.MinedComplement,
    "substitute": ATL.MinedSubstitute,
    "article": ATL.MinedArticlePair,
    "refuted": ATL.RefutedComplement,
}

_PREFIXES = """PREFIX atl: <https://w3id.org/atelier/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""

# Categories and styles are asked for apart and joined here: pyoxigraph answers the two in
# 8 s on a 105,542-article graph, and the one query with an OPTIONAL style in 16 s.
_ARTICLES = (
    _PREFIXES
    + """SELECT ?a ?category WHERE {
  ?a atl:category/skos:notation ?category .
}"""
)

_STYLES = (
    _PREFIXES
    + """SELECT ?a ?style WHERE {
  ?a schema:isVariantOf/schema:productGroupID ?style .
}"""
)

_CATEGORIES = (
    _PREFIXES
    + """SELECT ?category ?slot ?complement WHERE {
  ?c a atl:GarmentCategory ; skos:notation ?category .
  OPTIONAL { ?c atl:slot/skos:notation ?slot }
  OPTIONAL { ?c atl:complement/skos:notation ?complement }
}"""
)

_CATEGORY_NAMES = (
    _PREFIXES
    + """SELECT ?c ?category WHERE {
  ?c a atl:GarmentCategory ; skos:notation ?category .
}"""
)

_MINED = (
    _PREFIXES
    + """SELECT ?kind ?a ?b ?from ?to ?confidence ?lift WHERE {
  GRAPH <%s> {
    ?r a ?kind ; atl:antecedent ?a ; atl:consequent ?b ;
       atl:smoothedConfidence ?confidence ; atl:lift ?lift .
  }
  OPTIONAL { ?a skos:notation ?from } OPTIONAL { ?b skos:notation ?to }
}"""
)


@dataclass(frozen=True, slots=True)
class MinedPairRecord:
    """One mined pair as the graph stores it.

    Attributes:
        kind: ``complement``, ``substitute`` or ``refuted`` (a declared pair the data
            contradicts) between categories (by notation), or ``article`` (article external
            ids).
        antecedent: What was bought first (or in the same basket).
        consequent: What was bought with it or within the window after it.
        count: Baskets holding the antecedent followed by the consequent within the window.
        same_basket: ...of which held both.
        antecedent_baskets: Baskets holding the antecedent.
        baskets: All baskets mined from the source.
        window_days: The window.
        support: ``count / baskets``.
        confidence: ``count / antecedent_baskets``.
        smoothed_confidence: The confidence shrunk toward the prior.
        lift: The confidence over the chance after any basket.
        first_day: The first day of the purchases mined (None: not known).
        last_day: The last day of the purchases mined (None: not known).
    """

    kind: str
    antecedent: str
    consequent: str
    count: int
    same_basket: int
    antecedent_baskets: int
    baskets: int
    window_days: float
    support: float
    confidence: float
    smoothed_confidence: float
    lift: float
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class MinedEvidence:
    """A mined complement as the recommender reads it (satisfies ``ComplementEvidence``)."""

    confidence: float
    lift: float
    declared: bool = False


@dataclass
class PurchaseContext:
    """What the miner needs from the graph: article -> (category, style); category -> slot
    and its hand-written complements.
    """

    articles: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    slots: dict[str, str | None] = field(default_factory=dict)
    declared: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class MinedGraph:
    """The mined pairs read back: category -> complement -> (confidence, lift), best of every
    source; article -> article -> confidence; category -> declared complements the data
    refutes.
    """

    complements: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    articles: dict[str, dict[str, float]] = field(default_factory=dict)
    refuted: dict[str, set[str]] = field(default_factory=dict)


def put_mined_pairs(
    store: GraphStore,
    source: str,
    pairs: Iterable[MinedPairRecord],
    computed_at: datetime | None = None,
) -> int:
    """Replace the pairs mined from ``source``'s purchases in ``graph/learned``.

    Args:
        store: The graph store.
        source: The event source the purchases came from (``hm``, ``demo``, ...).
        pairs: The pairs to store.
        computed_at: When they were mined (now when None).

    Returns:
        How many pairs were written.

    Raises:
        ValueError: For an unknown kind, a pair of a thing with itself, or figures out of range.
    """
    pairs = list(pairs)
    lines = mined_pair_quads(source, pairs, stamp := learned_stamp(computed_at))
    store.update(_delete(source))
    store.add_nquads(lines + describe_learned_graph(store, stamp))
    return len(pairs)


def learned_stamp(computed_at: datetime | None = None) -> str:
    """The time mined pairs are stamped with, as an N-Quads literal (now when None)."""
    return f'"{(computed_at or datetime.now(UTC)).isoformat()}"^^<{XSD}dateTime>'


def mined_pair_quads(source: str, pairs: Iterable[MinedPairRecord], stamp: str) -> list[str]:
    """The N-Quads of pairs mined from ``source``'s purchases, in ``graph/learned``.

    Raises:
        ValueError: For an unknown kind, a pair of a thing with itself, or figures out of range.
    """
    graph = nq.iri(graph_iri("learned"))
    lines: list[str] = []
    for pair in pairs:
        _check(pair)
        node = nq.iri(mined_iri(pair.kind, source, pair.antecedent, pair.consequent))
        ends = article_iri if pair.kind == "article" else category_iri
        facts = [
            (TYPE, nq.iri(str(KINDS[pair.kind]))),
            (_p(ATL.antecedent), nq.iri(ends(pair.antecedent))),
            (_p(ATL.consequent), nq.iri(ends(pair.consequent))),
            (_p(ATL.pairCount), nq.number(pair.count)),
            (_p(ATL.sameBasketCount), nq.number(pair.same_basket)),
            (_p(ATL.antecedentCount), nq.number(pair.antecedent_baskets)),
            (_p(ATL.basketCount), nq.number(pair.baskets)),
            (_p(ATL.windowDays), nq.number(float(pair.window_days))),
            (_p(ATL.support), nq.number(float(pair.support))),
            (_p(ATL.confidence), nq.number(float(pair.confidence))),
            (_p(ATL.smoothedConfidence), nq.number(float(pair.smoothed_confidence))),
            (_p(ATL.lift), nq.number(float(pair.lift))),
            (_p(ATL.source), nq.text(source)),
            (nq.iri(PROV + "generatedAtTime"), stamp),
        ]
        if pair.first_day is not None:
            facts.append((_p(ATL.minedFrom), nq.day(pair.first_day)))
        if pair.last_day is not None:
            facts.append((_p(ATL.minedUntil), nq.day(pair.last_day)))
        lines += [nq.quad(node, predicate, obj, graph) for predicate, obj in facts]
    return lines


def _p(term: object) -> str:
    return nq.iri(str(term))


def _check(pair: MinedPairRecord) -> None:
    if pair.kind not in KINDS:
        raise ValueError(f"unknown kind of mined pair: {pair.kind!r}")
    if pair.antecedent == pair.consequent:
        raise ValueError(f"{pair.antecedent!r} cannot be mined as a pair with itself")
    refuted = pair.kind == "refuted"  # may never have been seen together: count and lift 0
    within = (0 if refuted else 1) <= pair.count <= pair.antecedent_baskets <= pair.baskets
    lift = pair.lift >= 0 if refuted else pair.lift > 0
    if not (within and 0 <= pair.same_basket <= pair.count and lift):
        raise ValueError(f"inconsistent counts for {pair.antecedent!r} -> {pair.consequent!r}")
    if pair.first_day and pair.last_day and pair.first_day > pair.last_day:
        raise ValueError(
            f"{pair.antecedent!r} -> {pair.consequent!r} was mined from purchases ending "
            f"({pair.last_day}) before they start ({pair.first_day})"
        )


def _delete(source: str) -> str:
    classes = ", ".join(f"<{cls}>" for cls in KINDS.values())
    return f"""{_PREFIXES}DELETE {{ GRAPH <{graph_iri("learned")}> {{ ?r ?p ?o }} }}
WHERE {{ GRAPH <{graph_iri("learned")}> {{
  ?r atl:source {nq.text(source)} ; a ?kind ; ?p ?o . FILTER(?kind IN ({classes})) }} }}"""


def describe_learned_graph(store: GraphStore, stamp: str) -> list[str]:
    """``graph/learned`` described in ``graph/meta``: the statements to add (the time it was
    last written, ``stamp``, replaces the stored one).
    """
    learned, meta = nq.iri(graph_iri("learned")), nq.iri(graph_iri("meta"))
    at = nq.iri(PROV + "generatedAtTime")
    store.update(f"DELETE WHERE {{ GRAPH {meta} {{ {learned} {at} ?t }} }}")
    return learned_graph_quads(stamp)


def learned_graph_quads(stamp: str) -> list[str]:
    """``graph/learned`` described in ``graph/meta``, last written at ``stamp``."""
    learned, meta = nq.iri(graph_iri("learned")), nq.iri(graph_iri("meta"))
    return [
        nq.quad(learned, TYPE, _p(ATL.SourceGraph), meta),
        nq.quad(learned, _p(ATL.view), nq.text("learned"), meta),
        nq.quad(learned, _p(ATL.source), nq.text("learned"), meta),
        nq.quad(learned, nq.iri(PROV + "generatedAtTime"), stamp, meta),
    ]


def purchase_context(store: GraphStore) -> PurchaseContext:
    """Each article's category and style, each category's slot and hand-written complements."""
    context = PurchaseContext()
    prefix = len(ID + "article/")
    styles: dict[str, str] = {}
    for row in store.select(_STYLES):
        styles.setdefault(row["a"], row["style"])
    for row in store.select(_ARTICLES):
        suffix = row["a"][prefix:]
        if "/" not in suffix:
            fact = (row["category"], styles.get(row["a"]))
            context.articles.setdefault(unquote(suffix), fact)
    _add_categories(context, store.select(_CATEGORIES))
    return context


def built_context(categories: Mapping[str, str], styles: Mapping[str, str]) -> PurchaseContext:
    """The miner's context from what a build writes, before the graph is loaded.

    Args:
        categories: Article external id -> the IRI of the platform category the build states.
        styles: Article external id -> its style code.

    Returns:
        What :func:`purchase_context` reads back from the built graph: the categories' names,
        slots and hand-written complements come from the same bundled vocabulary.
    """
    vocabulary = _vocabulary()
    names = {row["c"]: row["category"] for row in vocabulary.select(_CATEGORY_NAMES)}
    context = PurchaseContext()
    for article, category in categories.items():
        if (name := names.get(category)) is not None:
            context.articles[article] = (name, styles.get(article))
    _add_categories(context, vocabulary.select(_CATEGORIES))
    return context


@lru_cache(maxsize=1)
def _vocabulary() -> EmbeddedStore:
    """The bundled vocabulary alone, in memory (a few thousand statements)."""
    lines: list[str] = []
    write_vocabulary(lambda s, p, o, g: lines.append(nq.quad(s, p, o, g)))
    store = EmbeddedStore(None)
    store.add_nquads(lines)
    return store


def _add_categories(context: PurchaseContext, rows: Iterable[Row]) -> None:
    for row in rows:
        context.slots[row["category"]] = row.get("slot")
        declared = context.declared.setdefault(row["category"], [])
        if row.get("complement") and row["complement"] != row["category"]:
            declared.append(row["complement"])


def read_mined(store: GraphStore) -> MinedGraph:
    """The mined complements, refuted priors and article pairs of every source (substitutes
    left out).
    """
    mined = MinedGraph()
    prefix = len(ID + "article/")
    for row in store.select(_MINED % graph_iri("learned")):
        confidence, lift = float(row["confidence"]), float(row["lift"])
        if row["kind"] == str(ATL.MinedComplement) and row.get("from") and row.get("to"):
            targets = mined.complements.setdefault(row["from"], {})
            best = max(targets.get(row["to"], (0.0, 0.0)), (confidence, lift))
            targets[row["to"]] = best
        elif row["kind"] == str(ATL.RefutedComplement) and row.get("from") and row.get("to"):
            mined.refuted.setdefault(row["from"], set()).add(row["to"])
        elif row["kind"] == str(ATL.MinedArticlePair):
            a, b = unquote(row["a"][prefix:]), unquote(row["b"][prefix:])
            others = mined.articles.setdefault(a, {})
            others[b] = max(others.get(b, 0.0), confidence)
    return mined


def evidence(
    mined: Mapping[str, tuple[float, float]], declared: Iterable[str]
) -> dict[str, MinedEvidence]:
    """Mined (confidence, lift) per complement as :class:`MinedEvidence`."""
    known = set(declared)
    return {
        other: MinedEvidence(confidence, lift, other in known)
        for other, (confidence, lift) in mined.items()
    }
