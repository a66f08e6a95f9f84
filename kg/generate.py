"""Regenerate the bundled concept schemes from the public taxonomy tables.

``python -m kg.generate ../shared/data/taxonomies`` writes ``vocab/colours.ttl`` (ISCC-NBS 267
fine names → 29 hues → 11 basic terms), ``vocab/platform.ttl`` (the iMaterialist 228 labels in
their 8 groups, with the knowledge-translation merges of ``vocab/translation.csv``) and
``vocab/categories.ttl`` (``vocab/categories.csv``: slot, durability, repurchase, complements).
The outputs are committed, so that nothing reads ``shared/data`` at run time.
"""

from __future__ import annotations

import csv
import sys
from importlib import resources
from pathlib import Path

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from kg.colour import hex_to_lab
from kg.namespaces import ATL, ID, attribute_iri, category_iri, colour_iri

VOCAB = Path(__file__).parent / "vocab"
COLOUR_SCHEME = URIRef(ID + "scheme/colour")
PLATFORM_SCHEME = URIRef(ID + "scheme/platform")
CATEGORY_SCHEME = URIRef(ID + "scheme/category")


def read_bundled_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV bundled in ``kg/vocab``."""
    text = resources.files("kg.vocab").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _new_graph() -> Graph:
    graph = Graph()
    graph.bind("atl", ATL._NS)
    graph.bind("skos", SKOS)
    return graph


def _concept(graph: Graph, iri: str, label: str, scheme: URIRef) -> URIRef:
    node = URIRef(iri)
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((node, SKOS.inScheme, scheme))
    return node


def hue_of_name(name: str, hues: list[str]) -> str:
    """The ISCC-NBS hue a fine name ends with ("dark grayish yellowish brown" → "yellowish brown").

    Raises:
        ValueError: If the name ends with no known hue.
    """
    normalised = name.strip().lower().replace("grey", "gray")
    for hue in sorted(hues, key=len, reverse=True):
        if normalised == hue or normalised.endswith(" " + hue):
            return hue
    raise ValueError(f"no ISCC-NBS hue in colour name {name!r}")


def colour_graph(iscc_rows: list[dict[str, str]]) -> Graph:
    """The semantic colour scheme: fine names with hex and Lab, broader hue, broader basic term."""
    graph = _new_graph()
    graph.add((COLOUR_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((COLOUR_SCHEME, SKOS.prefLabel, Literal("Semantic colours (ISCC-NBS)", lang="en")))
    hue_to_basic = {row["hue"]: row["basic"] for row in read_bundled_csv("hues.csv")}
    for basic in sorted(set(hue_to_basic.values())):
        node = _concept(graph, colour_iri("basic", basic), basic, COLOUR_SCHEME)
        graph.add((COLOUR_SCHEME, SKOS.hasTopConcept, node))
    for hue, basic in hue_to_basic.items():
        node = _concept(graph, colour_iri("hue", hue), hue, COLOUR_SCHEME)
        graph.add((node, SKOS.broader, URIRef(colour_iri("basic", basic))))
    for row in iscc_rows:
        cells = {key.strip(): value.strip() for key, value in row.items() if key}
        name, hex_colour = cells["ISCC-NBS Name"], cells["sRGB"]
        node = _concept(graph, colour_iri("fine", name), name, COLOUR_SCHEME)
        graph.add(
            (node, SKOS.broader, URIRef(colour_iri("hue", hue_of_name(name, list(hue_to_basic)))))
        )
        graph.add((node, ATL.hex, Literal(hex_colour.lower())))
        for prop, value in zip((ATL.labL, ATL.labA, ATL.labB), hex_to_lab(hex_colour), strict=True):
            graph.add((node, prop, Literal(round(value, 3), datatype=XSD.decimal)))
    return graph


def platform_graph(imat_rows: list[dict[str, str]]) -> Graph:
    """The platform attribute scheme: iMaterialist groups → labels, merges as ``atl:mergedInto``."""
    graph = _new_graph()
    graph.add((PLATFORM_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((PLATFORM_SCHEME, SKOS.prefLabel, Literal("Platform attributes", lang="en")))
    for row in imat_rows:
        group, label = row["taskName"], row["labelName"]
        group_node = _concept(graph, attribute_iri(group, group), group, PLATFORM_SCHEME)
        graph.add((PLATFORM_SCHEME, SKOS.hasTopConcept, group_node))
        node = _concept(graph, attribute_iri(group, label), label, PLATFORM_SCHEME)
        graph.add((node, SKOS.broader, group_node))
        graph.add((node, ATL.attributeGroup, Literal(group)))
        graph.add((node, SKOS.notation, Literal(row["labelId"])))
    for merge in read_bundled_csv("translation.csv"):
        group = merge["group"]
        fine = URIRef(attribute_iri(group, merge["label"]))
        coarse = _concept(
            graph, attribute_iri(group, merge["merged_into"]), merge["merged_into"], PLATFORM_SCHEME
        )
        graph.add((coarse, SKOS.broader, URIRef(attribute_iri(group, group))))
        graph.add((coarse, ATL.attributeGroup, Literal(group)))
        graph.add((fine, ATL.mergedInto, coarse))
    return graph


def category_graph() -> Graph:
    """Garment categories with slot, durability, repurchase days, season and complements.

    Each iMaterialist category label is merged into the platform category it names
    (``imat_exact`` also gets ``skos:exactMatch``), which is the knowledge translation for the
    category group.
    """
    graph = _new_graph()
    graph.add((CATEGORY_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((CATEGORY_SCHEME, SKOS.prefLabel, Literal("Garment categories", lang="en")))
    for row in read_bundled_csv("categories.csv"):
        node = _concept(graph, category_iri(row["category"]), row["category"], CATEGORY_SCHEME)
        graph.add((node, RDF.type, ATL.GarmentCategory))
        graph.add((node, SKOS.notation, Literal(row["category"])))
        if row["broader"]:
            graph.add((node, SKOS.broader, URIRef(category_iri(row["broader"]))))
        else:
            graph.add((CATEGORY_SCHEME, SKOS.hasTopConcept, node))
        graph.add((node, ATL.slot, URIRef(ID + "slot/" + row["slot"])))
        graph.add((node, ATL.durability, URIRef(ID + "durability/" + row["durability"])))
        graph.add((node, ATL.season, Literal(row["season"])))
        if row["repurchase_days"]:
            days = Literal(row["repurchase_days"], datatype=XSD.decimal)
            graph.add((node, ATL.repurchaseDays, days))
        for other in filter(None, row["complements"].split("|")):
            graph.add((node, ATL.complement, URIRef(category_iri(other))))
        for label in filter(None, row["imat_exact"].split("|")):
            graph.add((node, SKOS.exactMatch, URIRef(attribute_iri("category", label))))
        for label in filter(None, (row["imat_exact"] + "|" + row["imat_close"]).split("|")):
            graph.add((URIRef(attribute_iri("category", label)), ATL.mergedInto, node))
    return graph


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main(taxonomies: Path) -> None:
    """Write the generated Turtle files into ``kg/vocab``."""
    colour_graph(_read_csv(taxonomies / "iscc_nbs_267.csv")).serialize(VOCAB / "colours.ttl")
    platform_graph(_read_csv(taxonomies / "imat_label_map_228.csv")).serialize(
        VOCAB / "platform.ttl"
    )
    category_graph().serialize(VOCAB / "categories.ttl")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
