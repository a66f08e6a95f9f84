"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query).

It names what a client can ask for before it asks: the query and update endpoints, the
languages, every result and graph format, the Graph Store endpoint, and the limits the
service enforces (``atl:queryTimeoutSeconds``, ``atl:maxResultBytes``), since no SD term exists
for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import BASE, RDF_TYPE, XSD
from kg.protocol import GRAPH_TYPES, RESULT_TYPES
from kg.rdf_body import GRAPH_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
ATL = BASE + "vocab#"

#: W3C format IRIs (https://www.w3.org/ns/formats/) of the media types the service speaks.
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the description says.

    Attributes:
        query_url: The query endpoint (``sd:endpoint``).
        update_url: The update endpoint; None when updates are disabled.
        graph_store_url: The Graph Store Protocol endpoint.
        timeout_s: Seconds a request may run.
        max_result_bytes: Largest answer body.
    """

    query_url: str
    update_url: str | None
    graph_store_url: str
    timeout_s: float
    max_result_bytes: int


def describe(facts: ServiceFacts, media_type: str) -> bytes:
    """The description serialised in ``media_type`` (one of :data:`kg.protocol.GRAPH_TYPES`)."""
    rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    prefixes = {"sd": SD, "format": FORMATS, "atl": ATL, "xsd": XSD}
    return ox.serialize(description(facts), format=rdf_format, prefixes=prefixes) or b""


def description(facts: ServiceFacts) -> list[ox.Triple]:
    """The description's triples: the query service, and the update service when enabled."""
    query = ox.BlankNode()
    answers = sorted(set(RESULT_TYPES.values()) | set(GRAPH_TYPES.values()))
    triples = _service(query, facts.query_url, "SPARQL11Query")
    triples += [_sd(query, "resultFormat", _format(media)) for media in answers]
    triples += [_sd(query, "inputFormat", _format(m)) for m in sorted(set(GRAPH_FORMATS.values()))]
    triples += [
        # Queries read the union of the named graphs as their default graph.
        _sd(query, "feature", ox.NamedNode(SD + "UnionDefaultGraph")),
        _atl(query, "queryTimeoutSeconds", _typed(f"{facts.timeout_s:g}", "decimal")),
        _atl(query, "maxResultBytes", _typed(str(facts.max_result_bytes), "integer")),
        _atl(query, "graphStore", ox.NamedNode(facts.graph_store_url)),
    ]
    if facts.update_url:
        triples += _service(ox.BlankNode(), facts.update_url, "SPARQL11Update")
    return triples


def _service(node: ox.BlankNode, endpoint: str, language: str) -> list[ox.Triple]:
    return [
        ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Service")),
        _sd(node, "endpoint", ox.NamedNode(endpoint)),
        _sd(node, "supportedLanguage", ox.NamedNode(SD + language)),
    ]


def _sd(node: ox.BlankNode, term: str, value: ox.NamedNode) -> ox.Triple:
    return ox.Triple(node, ox.NamedNode(SD + term), value)


def _atl(node: ox.BlankNode, term: str, value: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(node, ox.NamedNode(ATL + term), value)


def _format(media_type: str) -> ox.NamedNode:
    return ox.NamedNode(FORMATS + FORMAT_IRIS[media_type])


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
