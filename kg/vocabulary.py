"""The bundled Turtle vocabularies, each loaded into its own named graph."""

from __future__ import annotations

from importlib import resources

import pyoxigraph as ox

from kg import nquads as nq
from kg.facts import Emit
from kg.namespaces import graph_iri

#: Bundled file → the named graph that holds it.
VOCABULARY_GRAPHS = {
    "ontology.ttl": graph_iri("vocab", "ontology"),
    "categories.ttl": graph_iri("vocab", "category"),
    "colours.ttl": graph_iri("vocab", "colour"),
    "platform.ttl": graph_iri("vocab", "platform"),
    "platform_extra.ttl": graph_iri("vocab", "platform"),
}


def vocabulary_text(name: str) -> bytes:
    """The bytes of one bundled Turtle file."""
    return resources.files("kg.vocab").joinpath(name).read_bytes()


def write_vocabulary(emit: Emit) -> None:
    """Emit every bundled vocabulary's triples into its graph."""
    for name, graph in VOCABULARY_GRAPHS.items():
        target = nq.iri(graph)
        for triple in ox.parse(vocabulary_text(name), ox.RdfFormat.TURTLE):
            emit(str(triple.subject), str(triple.predicate), str(triple.object), target)
