"""The networkx projection of the graph the recommender reads (``CatalogueKnowledge``).

It satisfies ``recommender.knowledge.CatalogueKnowledge`` structurally (``kg`` imports nothing
from ``recommender``). Concept ids are plain names: categories by notation (``"t-shirt"``),
colours, patterns, materials, occasions and genders by lower-case label (``"dark blue"``,
``"blue"``, ``"stripes"``), slots by notation, styles by style code.

The projection is one ``networkx.MultiDiGraph``: article nodes ``("item", id)`` link to concept
nodes ``(relation, name)`` by an edge keyed with the relation; concept nodes link to their
broader concepts (``"broader"``) and categories to their complements (``"complement"``).

Learned repurchase statistics go back into the graph with :func:`put_repurchase_stats`, into
the named graph ``graph/learned``; a learned interval replaces the declared one in
:meth:`GraphKnowledge.category_rule`. Complements mined from purchases (``kg.learned``) come
first in :meth:`GraphKnowledge.complements`, the hand-written ones after them as the prior.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import networkx as nx

from kg import nquads as nq
from kg.learned import MinedEvidence, MinedGraph, evidence, read_mined
from kg.namespaces import ATL, ID, category_iri, graph_iri
from kg.store import GraphStore

_PREFIXES = """PREFIX atl: <https://w3id.org/atelier/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""

#: (relation, graph pattern): the pattern binding an article ``?a`` to a concept's ``?value`` (names
#: taken as they are) or ``?v`` (labels, lower-cased).
_FACT_PATTERNS = [
    ("category", "?a atl:category/skos:notation ?value"),
    ("slot", "?a atl:category/atl:slot/skos:notation ?value"),
    ("basic_colour", "?a atl:basicColour/skos:prefLabel ?v"),
    ("basic_colour", "?a atl:hasColour ?n . ?n atl:rank 0 ; atl:basicColour/skos:prefLabel ?v"),
    # where the retailer's colour name belongs by its photos (kg.colour_links), which may
    # differ from where its spelling's Lab put it, or reach a name no mapping reached
    (
        "basic_colour",
        # the few links first: written the other way round, the store scans every
        # article's concepts (8.7 s against 1.1 s on H&M and Myntra's 150,000 articles)
        "GRAPH <https://w3id.org/atelier/graph/learned> { ?d skos:broadMatch ?b } "
        "?b skos:prefLabel ?v . ?a atl:retailerConcept ?d",
    ),
    ("colour", "?a atl:colour/skos:prefLabel ?v"),
    ("colour", "?a atl:hasColour ?n . ?n atl:rank 0 ; atl:colour/skos:prefLabel ?v"),
    ("pattern", "?a atl:pattern/skos:prefLabel ?v"),
    ("occasion", "?a atl:occasion/skos:prefLabel ?v"),
    ("gender", "?a atl:gender/skos:prefLabel ?v"),
    (
        "material",
        "?a atl:fibre/(skos:exactMatch|skos:closeMatch|skos:narrowMatch)/skos:prefLabel ?v",
    ),
    ("style", "?a schema:isVariantOf/schema:productGroupID ?value"),
    (
        "department",
        "?a atl:retailerConcept ?d . ?d atl:field ?field ; skos:prefLabel ?value "
        'FILTER(?field IN ("department", "department_name"))',
    ),
]


def _facts_query(pattern: str) -> str:
    value = "?value" if "?value" in pattern else "(LCASE(STR(?v)) AS ?value)"
    return f"{_PREFIXES}SELECT DISTINCT ?a {value} WHERE {{ {pattern} }}"


_RULES = (
    _PREFIXES
    + """SELECT ?category ?durability ?slot ?days ?learned ?probability WHERE {
  ?c a atl:GarmentCategory ; skos:notation ?category ;
     atl:durability/skos:notation ?durability ; atl:slot/skos:notation ?slot .
  OPTIONAL { ?c atl:repurchaseDays ?days }
  OPTIONAL { ?c atl:learnedRepurchaseDays ?learned }
  OPTIONAL { ?c atl:repurchaseProbability ?probability }
}"""
)

_LINKS = (
    _PREFIXES
    + """SELECT DISTINCT ?kind ?source ?target WHERE {
  { ?c atl:complement ?x . ?c skos:notation ?from . ?x skos:notation ?to
    BIND("complement" AS ?kind) }
  UNION { ?c a atl:GarmentCategory ; skos:notation ?from ; skos:broader/skos:notation ?to
          BIND("broader" AS ?kind) }
  UNION { GRAPH <https://w3id.org/atelier/graph/vocab/colour> {
            ?c skos:prefLabel ?f ; skos:broader/skos:prefLabel ?t } BIND("broader" AS ?kind) }
  UNION { ?c atl:mergedInto/skos:prefLabel ?t ; skos:prefLabel ?f BIND("broader" AS ?kind) }
  BIND(COALESCE(?from, LCASE(STR(?f))) AS ?source)
  BIND(COALESCE(?to, LCASE(STR(?t))) AS ?target)
  FILTER(?source != ?target)
}"""
)


@dataclass(frozen=True, slots=True)
class GraphCategoryRule:
    """A category's rule as the graph states it (satisfies ``CategoryRule``).

    Attributes:
        durability: ``durable``, ``semi-durable`` or ``consumable``.
        repurchase_days: The learned median interval when there is one, else the declared one.
        slot: The outfit slot.
        repurchase_probability: Learned probability of buying the category again, if known.
    """

    durability: str
    repurchase_days: float | None
    slot: str | None
    repurchase_probability: float | None = None


class GraphKnowledge:
    """The recommender's view of the graph, held in memory as a networkx graph."""

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        rules: Mapping[str, GraphCategoryRule],
        mined: MinedGraph | None = None,
    ) -> None:
        self.graph = graph
        self.rules = dict(rules)
        self.mined = mined or MinedGraph()

    @classmethod
    def from_store(cls, store: GraphStore) -> GraphKnowledge:
        """Project the store's graph (a few SELECT queries, one pass each)."""
        graph = nx.MultiDiGraph()
        prefix = len(ID + "article/")
        for relation, pattern in _FACT_PATTERNS:
            for row in store.select(_facts_query(pattern)):
                suffix = row["a"][prefix:]
                if "/" in suffix:  # a node hanging off an article (a vision colour), not one
                    continue
                graph.add_edge(("item", unquote(suffix)), (relation, row["value"]), key=relation)
        for row in store.select(_LINKS):
            relation = "category" if row["kind"] == "complement" else "concept"
            source, target = (relation, row["source"]), (relation, row["target"])
            graph.add_edge(source, target, key=row["kind"])
        rules = {row["category"]: _rule(row) for row in store.select(_RULES)}
        return cls(graph, rules, read_mined(store))

    def items(self) -> Iterable[str]:
        """Every article id in the projection."""
        return [node[1] for node in self.graph if node[0] == "item"]

    def item_facts(self, item_id: str) -> Mapping[str, Sequence[str]]:
        """Relation → concept ids of one article; ``{}`` when unknown."""
        node = ("item", item_id)
        if node not in self.graph:
            return {}
        facts: dict[str, list[str]] = defaultdict(list)
        for _, (relation, value) in self.graph.out_edges(node):
            facts[relation].append(value)
        return {relation: sorted(values) for relation, values in facts.items()}

    def category_rule(self, category: str) -> GraphCategoryRule | None:
        """The category's durability, repurchase interval and slot, or None."""
        return self.rules.get(category)

    def complements(self, category: str) -> Sequence[str]:
        """Categories that go with ``category``: mined (most confident first), then the
        declared ones the data does not refute.
        """
        mined = self.mined.complements.get(category, {})
        ranked = sorted(mined, key=lambda other: (-mined[other][0], other))
        refuted = self.mined.refuted.get(category, set())
        prior = [c for c in self.declared_complements(category) if c not in refuted]
        return list(dict.fromkeys([*ranked, *prior]))

    def declared_complements(self, category: str) -> list[str]:
        """The hand-written complements of ``category`` (the prior of the mining)."""
        return self._targets(("category", category), "complement")

    def mined_complements(self, category: str) -> Mapping[str, MinedEvidence]:
        """Complements mined from purchases -> their confidence, lift and whether declared."""
        mined = self.mined.complements.get(category, {})
        return evidence(mined, self.declared_complements(category)) if mined else {}

    def bought_with(self, item_id: str) -> Mapping[str, float]:
        """Articles often bought with ``item_id`` (the graph keeps the best pairs only) -> the
        smoothed confidence.
        """
        return self.mined.articles.get(item_id, {})

    def broader(self, concept: str) -> Sequence[str]:
        """Parents of a concept: a category's coarser category, a colour's hue or basic term,
        a fine attribute label's merged label.
        """
        parents = self._targets(("category", concept), "broader")
        return parents or self._targets(("concept", concept), "broader")

    def substitutes(self, item_id: str, k: int = 12) -> list[str]:
        """Articles of the same category ranked by the concepts they share with ``item_id``."""
        facts = self.item_facts(item_id)
        scores: dict[str, int] = defaultdict(int)
        for relation, values in facts.items():
            for value in values:
                for other, _ in self.graph.in_edges((relation, value)):
                    scores[other[1]] += 1
        categories = set(facts.get("category", ()))
        ranked = [
            other
            for other in sorted(scores, key=lambda o: (-scores[o], o))
            if other != item_id and categories & set(self.item_facts(other).get("category", ()))
        ]
        return ranked[:k]

    def _targets(self, node: tuple[str, str], kind: str) -> list[str]:
        if node not in self.graph:
            return []
        found = {t[1] for _, t, key in self.graph.out_edges(node, keys=True) if key == kind}
        return sorted(found)


def _rule(row: Mapping[str, str]) -> GraphCategoryRule:
    learned, declared = row.get("learned"), row.get("days")
    days = learned if learned is not None else declared
    probability = row.get("probability")
    return GraphCategoryRule(
        durability=row["durability"],
        repurchase_days=float(days) if days is not None else None,
        slot=row["slot"],
        repurchase_probability=float(probability) if probability is not None else None,
    )


def put_repurchase_stats(
    store: GraphStore, stats: Iterable[tuple[str, float, float | None]]
) -> int:
    """Write learned repurchase statistics into ``graph/learned``, replacing earlier ones.

    Args:
        store: The graph store.
        stats: (category notation, probability of buying it again in 0..1, median interval in
            days or None when nobody bought it twice).

    Returns:
        How many categories were written.

    Raises:
        ValueError: For a probability outside 0..1 or a negative interval.
    """
    graph = nq.iri(graph_iri("learned"))
    probability_p, days_p = (
        nq.iri(str(ATL.repurchaseProbability)),
        nq.iri(str(ATL.learnedRepurchaseDays)),
    )
    rows = list(stats)
    for category, probability, days in rows:
        if not 0.0 <= probability <= 1.0 or (days is not None and days < 0):
            raise ValueError(f"bad repurchase statistics for {category!r}: {probability}, {days}")
        node = nq.iri(category_iri(category))
        store.update(
            f"DELETE WHERE {{ GRAPH {graph} {{ {node} {probability_p} ?p }} }};\n"
            f"DELETE WHERE {{ GRAPH {graph} {{ {node} {days_p} ?d }} }}"
        )
        lines = [f"{node} {probability_p} {nq.number(float(probability))} {graph} .\n"]
        if days is not None:
            lines.append(f"{node} {days_p} {nq.number(float(days))} {graph} .\n")
        store.add_nquads(lines)
    return len(rows)
