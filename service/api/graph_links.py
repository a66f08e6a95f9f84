"""An article's links in the knowledge graph, one list per view (named graph).

The graph keeps each source's statements in its own named graph (``retailer/<feed>``,
``manufacturer/<feed>``, ``vision/<model>``, ``sales/<source>``); this reads the concepts the
article is linked to in each, with their labels, through the app's SPARQL endpoint.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from kg.namespaces import GRAPH, article_iri
from kg.protocol import ProtocolError, QueryRequest

log = logging.getLogger(__name__)

# The article IRI is spliced in, not bound: kg.namespaces.article_iri percent-encodes every
# character outside [A-Za-z0-9._~-], so an id can never close the IRI or add syntax.
_LINKS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?p ?o (SAMPLE(?l) AS ?label) WHERE {
  GRAPH ?g { <%s> ?p ?o FILTER(isIRI(?o)) }
  OPTIONAL { GRAPH ?lg { ?o skos:prefLabel ?l } }
} GROUP BY ?g ?p ?o ORDER BY ?g ?p ?o"""

_IRI_UNSAFE = set('<>"{}|^`\\ \t\r\n')


@dataclass(frozen=True)
class GraphLink:
    """One statement ``article --relation--> concept`` of one view."""

    relation: str
    concept: str
    label: str | None


def graph_links(service: Any, article_id: str) -> dict[str, list[GraphLink]] | None:
    """Links per view (``retailer/hm``, ...), or ``None`` when the graph cannot answer now."""
    iri = article_iri(article_id)
    if _IRI_UNSAFE & set(iri):  # article_iri guarantees this; never splice if it did not
        return None
    try:
        answer = service.endpoint().query(QueryRequest(query=_LINKS % iri))
    except (ProtocolError, OSError) as exc:
        log.warning("graph links of %r unavailable: %s", article_id, exc)
        return None
    if answer.status != 200:
        return None
    views: dict[str, list[GraphLink]] = {}
    for row in json.loads(answer.body)["results"]["bindings"]:
        view = row["g"]["value"].removeprefix(str(GRAPH))
        label = row.get("label", {}).get("value")
        link = GraphLink(_local(row["p"]["value"]), row["o"]["value"], label)
        views.setdefault(view, []).append(link)
    return views


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
