"""SPARQL results as pandas frames, and pictures of a garment's neighbourhood in the graph.

Queries run on whichever store the settings select (:func:`service.graph.stores.
open_graph_store`): the embedded pyoxigraph store under ATELIER_HOME, or the remote SPARQL
endpoint when ``SPARQL_QUERY_URL`` is set, so a notebook works against either unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd
import pyoxigraph as ox
from matplotlib.figure import Figure

from kg import queries
from kg.store import EmbeddedStore, GraphStore, RemoteStore
from service.analytics.plots import finished

#: Node colours of a neighbourhood picture, by the kind of node.
KIND_COLOURS = {"article": "#d62728", "retailer": "#1f77b4", "manufacturer": "#ff7f0e",
                "vision": "#2ca02c", "platform": "#9467bd"}  # fmt: skip


def frame(rows: Sequence[Mapping[str, str]], columns: list[str] | None = None) -> pd.DataFrame:
    """Rows of a SELECT as a frame, numeric columns converted to numbers (not zero-padded ids)."""
    table = pd.DataFrame(rows, columns=columns)
    for name in table.columns:
        numbers = pd.to_numeric(table[name], errors="coerce")
        # ids such as H&M's "0108775015" look numeric but are names: keep leading zeros
        padded = table[name].astype(str).str.match(r"-?0\d").any()
        if len(table) and numbers.notna().all() and not padded:
            table[name] = numbers
    return table


def select(store: GraphStore, query: str, **bindings: str) -> pd.DataFrame:
    """Run ``query`` (SPARQL text or a bundled query's name) with ``VALUES`` bindings."""
    text = queries.bind(queries.load(query) if query in queries.names() else query, bindings)
    rows = store.select(text)
    return frame(rows, None if rows else variables(store, text))


def variables(store: GraphStore, query: str) -> list[str] | None:
    """The variables a SELECT projects (so an empty answer still has its columns)."""
    if isinstance(store, EmbeddedStore):
        solutions = store.query(query)
        if isinstance(solutions, ox.QuerySolutions):
            return [variable.value for variable in solutions.variables]
    if isinstance(store, RemoteStore):
        head = json.loads(store.raw_query(query, "application/sparql-results+json"))
        return list(head.get("head", {}).get("vars", [])) or None
    return None


def short(term: str) -> str:
    """The readable end of an IRI (``.../colour/basic/blue`` -> ``blue``); literals unchanged."""
    if not term.startswith(("http://", "https://")):
        return term
    return term.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


#: Links from a concept to its parents and its matches in other views.
CONCEPT_LINKS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?source ?target ?link WHERE {
  VALUES ?property { skos:broader skos:exactMatch skos:closeMatch skos:broadMatch }
  ?source ?property ?target .
  BIND(STRAFTER(STR(?property), "#") AS ?link)
}
"""
#: What the vision model says about an article: its dominant colour and its confident tags.
VISION_LINKS = """
PREFIX atl: <https://w3id.org/atelier/vocab#>
PREFIX schema: <https://schema.org/>
SELECT ?article ?label ?target WHERE {
  ?a schema:productID ?article .
  { ?a atl:hasColour ?node . ?node atl:rank 0 ; atl:colour ?target .
    BIND("dominant colour" AS ?label) }
  UNION
  { ?a atl:hasTag ?node . ?node atl:confident true ; atl:attribute ?target .
    BIND("tag" AS ?label) }
}
"""
#: Prefix of Atelier's resource IRIs (concepts, styles, articles).
RESOURCES = "https://w3id.org/atelier/id/"
#: Article properties left out of neighbourhood pictures (structure, not meaning).
STRUCTURAL = ("hasTag", "hasColour", "isVariantOf", "retailerConcept")


def article_edges(store: GraphStore, article: str) -> pd.DataFrame:
    """Edges around an article: its concepts per view (bundled ``provenance`` query), what
    vision measured (dominant colour, confident tags), then each concept's parents and
    cross-view matches. Columns source, label, target, kind.
    """
    facts = select(store, "provenance", article=article)
    facts = facts[facts["value"].astype(str).str.startswith(RESOURCES)]
    facts = facts.assign(label=facts["property"].map(short))
    facts = facts[~facts["label"].isin(STRUCTURAL)]
    vision = select(store, VISION_LINKS, article=article)
    edges: list[tuple[str, str, str, str]] = [
        *((article, str(r.label), str(r.value), str(r.view)) for r in facts.itertuples()),
        *((article, str(r.label), str(r.target), "vision") for r in vision.itertuples()),
    ]
    for target in dict.fromkeys(edge[2] for edge in edges):
        links = select(store, CONCEPT_LINKS, source=f"<{target}>")
        edges += [(target, str(r.link), str(r.target), "platform") for r in links.itertuples()]
    table = pd.DataFrame(edges, columns=["source", "label", "target", "kind"])
    return table.drop_duplicates(ignore_index=True)


def neighbourhood(edges: pd.DataFrame, centre: str, *, title: str = "") -> Figure:
    """Draw a node's neighbourhood: columns ``source``, ``label``, ``target`` and ``kind``.

    ``kind`` (retailer, manufacturer, vision, platform) colours the edge's target node, so
    the picture shows which view says what about the garment.
    """
    graph = nx.MultiDiGraph()
    graph.add_node(centre, kind="article")
    for row in edges.itertuples(index=False):
        graph.add_node(row.target, kind=graph.nodes.get(row.target, {}).get("kind", row.kind))
        graph.add_edge(row.source, row.target, label=row.label)
    layout = nx.spring_layout(graph, seed=7, k=1.2)
    fig, ax = plt.subplots(figsize=(11, 8))
    colours = [KIND_COLOURS.get(graph.nodes[n].get("kind", ""), "#7f7f7f") for n in graph]
    nx.draw_networkx_edges(graph, layout, ax=ax, alpha=0.4, arrows=True)
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_color=colours, node_size=260)
    nx.draw_networkx_labels(graph, layout, {n: short(n) for n in graph}, ax=ax, font_size=7)
    labels = {(s, t): d["label"] for s, t, d in graph.edges(data=True)}
    nx.draw_networkx_edge_labels(graph, layout, labels, ax=ax, font_size=6, alpha=0.7)
    for kind, colour in KIND_COLOURS.items():
        ax.scatter([], [], color=colour, label=kind)
    ax.legend(fontsize="small", loc="lower left")
    ax.set_title(title)
    ax.axis("off")
    return finished(fig)
