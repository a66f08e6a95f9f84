from __future__ import annotations

import io

import pyoxigraph as ox

from kg.build import BuildReport, write_dataset
from kg.namespaces import article_iri, category_iri, graph_iri
from kg.records import ArticleRecord, FeedRecord
from tests.kg.conftest import Catalogue

PREFIXES = {
    "atl": "https://w3id.org/atelier/vocab#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(term.value if term is not None else "" for term in row) for row in solutions]


def test_retailer_labels_translate_to_platform_categories(
    tiny: tuple[ox.Store, BuildReport],
) -> None:
    store, _ = tiny
    rows = select(store, "SELECT ?a ?c WHERE { ?a atl:category ?c } ORDER BY ?a")
    expected = [
        (article_iri("A1"), category_iri("jeans")),
        (article_iri("A2"), category_iri("t-shirt")),  # vision agrees with the retailer
        (article_iri("A3"), category_iri("t-shirt")),
    ]
    assert sorted(set(rows)) == sorted(set(expected))


def test_a_marketing_colour_takes_its_lab_from_the_dyes_and_keeps_the_distance(
    tiny: tuple[ox.Store, BuildReport],
) -> None:
    store, _ = tiny
    rows = select(
        store,
        """SELECT ?basic ?d ?why WHERE {
             ?m atl:mappedConcept ?c ; atl:mappingDistance ?d ; rdfs:comment ?why .
             ?c skos:prefLabel "Ink" . ?m atl:mappedTo/skos:broader/skos:broader ?basic }""",
    )
    assert len(rows) == 1
    basic, distance, evidence = rows[0]
    assert basic.endswith("/basic/blue") and float(distance) < 10 and evidence == "dyes:1"


def test_unmapped_retailer_concepts_are_listed(tiny: tuple[ox.Store, BuildReport]) -> None:
    store, report = tiny
    assert ("demo", "fit", "Boxy") in report.unmapped
    rows = select(store, "SELECT ?l WHERE { ?c a atl:UnmappedConcept ; skos:prefLabel ?l }")
    assert ("Boxy",) in rows and ("Black",) not in rows  # "Black" is an ISCC-NBS name


def test_each_source_has_its_own_graph(tiny: tuple[ox.Store, BuildReport]) -> None:
    store, _ = tiny
    graphs = {g.value for g in store.named_graphs()}
    for parts in [("retailer", "demo"), ("manufacturer", "demo"), ("vision", "v1")]:
        assert graph_iri(*parts) in graphs
    assert graph_iri("sales", "demo") in graphs
    vision = select(
        store,
        f"SELECT ?b WHERE {{ GRAPH <{graph_iri('vision', 'v1')}> "
        "{ ?a atl:hasColour/atl:basicColour ?b } }",
    )
    assert vision == [("https://w3id.org/atelier/id/colour/basic/blue",)]


def test_hierarchy_levels_are_linked_by_broader(tiny: tuple[ox.Store, BuildReport]) -> None:
    store, _ = tiny
    rows = select(
        store, 'SELECT ?p WHERE { ?c skos:prefLabel "Jeans" ; skos:broader/skos:prefLabel ?p }'
    )
    assert rows == [("Denim",)]


def test_the_bundled_analyst_queries_answer_on_the_tiny_graph(
    tiny: tuple[ox.Store, BuildReport],
) -> None:
    from kg import queries

    store, _ = tiny
    disagreements = select(store, queries.load("colour-disagreements"))
    assert [(row[0], row[1], row[2]) for row in disagreements] == [("A2", "black", "blue")]
    colours = select(store, queries.load("best-selling-colours-per-season"))
    assert ("summer", "black", "7", "1") in colours
    unmapped = select(store, queries.load("unmapped-concepts"))
    assert ("demo fit", "Boxy", "1") in unmapped
    provenance = select(store, queries.bind(queries.load("provenance"), {"article": "A1"}))
    assert {row[1] for row in provenance} >= {graph_iri("retailer", "demo")}


def test_every_statement_is_written_once_and_the_report_counts_what_the_store_holds(
    catalogue: Catalogue,
) -> None:
    # A2 and A3 are colourways of style S2 in one feed; the feed's concepts share schemes
    buffer = io.StringIO()
    report = write_dataset(*catalogue, buffer)
    lines = buffer.getvalue().splitlines()
    store = ox.Store()
    store.bulk_load(buffer.getvalue().encode(), ox.RdfFormat.N_QUADS)

    assert len(lines) == len(set(lines))
    assert report.statements == len(lines) == len(store)


def test_spellings_of_one_label_are_one_concept_with_its_other_spellings_as_alt_labels(
    catalogue: Catalogue,
) -> None:
    articles, sales, vision = catalogue
    respelt = ArticleRecord(
        "A4", "demo", "S3", "Tee", (FeedRecord("retailer", "demo", {"category": "TEES"}),)
    )
    buffer = io.StringIO()
    write_dataset([*articles, respelt], sales, vision, buffer)
    store = ox.Store()
    store.bulk_load(buffer.getvalue().encode(), ox.RdfFormat.N_QUADS)

    rows = select(
        store,
        "SELECT ?label ?n ?other WHERE { ?c skos:prefLabel ?label ; atl:articleCount ?n ; "
        'skos:altLabel ?other FILTER(?label = "Tees") }',
    )
    assert rows == [("Tees", "3", "TEES")]
    # the concept keeps its mapping: the respelt tee is a T-shirt too
    assert select(store, f"SELECT ?c WHERE {{ <{article_iri('A4')}> atl:category ?c }}") == [
        (category_iri("t-shirt"),)
    ]
