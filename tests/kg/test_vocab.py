from __future__ import annotations

import io

import pyoxigraph as ox

from kg.generate import read_bundled_csv
from kg.namespaces import ID
from kg.vocabulary import write_vocabulary


def vocabulary_store() -> ox.Store:
    buffer = io.StringIO()

    def emit(s: str, p: str, o: str, g: str) -> None:
        buffer.write(f"{s} {p} {o} {g} .\n")

    write_vocabulary(emit)
    store = ox.Store()
    store.load(buffer.getvalue().encode(), ox.RdfFormat.N_QUADS)
    return store


def concepts(store: ox.Store) -> set[str]:
    skos = "http://www.w3.org/2004/02/skos/core#"
    pattern = store.quads_for_pattern(None, ox.NamedNode(skos + "prefLabel"), None, None)
    return {quad.subject.value for quad in pattern if isinstance(quad.subject, ox.NamedNode)}


def test_every_declared_mapping_targets_a_platform_concept() -> None:
    known = concepts(vocabulary_store())
    targets = {ID + row["target"] for row in read_bundled_csv("mappings.csv")}
    assert sorted(targets - known) == []


def test_categories_complements_and_merges_name_known_concepts() -> None:
    store = vocabulary_store()
    known = concepts(store)
    atl = "https://w3id.org/atelier/vocab#"
    for prop in ("complement", "mergedInto", "slot", "durability"):
        quads = store.quads_for_pattern(None, ox.NamedNode(atl + prop), None, None)
        objects = {str(q.object)[1:-1] for q in quads}
        assert objects and objects <= known, prop


def test_the_platform_scheme_has_the_228_imaterialist_labels() -> None:
    store = vocabulary_store()
    notation = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
    platform = ox.NamedNode("https://w3id.org/atelier/graph/vocab/platform")
    assert len(list(store.quads_for_pattern(None, notation, None, platform))) == 228
