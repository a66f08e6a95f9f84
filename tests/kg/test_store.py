from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from kg.build import BuildConfig
from kg.loading import build_graph, update_articles
from kg.namespaces import article_iri
from kg.records import ArticleRecord, FeedRecord, SalesRecord, VisionRecord
from kg.store import EmbeddedStore, RemoteStore
from kg.validation import validate

Catalogue = tuple[list[ArticleRecord], list[SalesRecord], list[VisionRecord]]
CATEGORY = "SELECT ?c WHERE { <%s> <https://w3id.org/atelier/vocab#category> ?c }"


def test_a_build_loads_and_answers_the_same_on_both_stores(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    report = build_graph(any_store, *catalogue, workdir=tmp_path)
    rows = any_store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert 0 < int(rows[0]["n"]) <= report.statements
    assert any_store.select(CATEGORY % article_iri("A3")) == [
        {"c": "https://w3id.org/atelier/id/category/t-shirt"}
    ]


def test_an_incremental_update_replaces_one_article(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    build_graph(any_store, catalogue[0], workdir=tmp_path)
    changed = ArticleRecord(
        "A3", "demo", "S2", "Tee", (FeedRecord("retailer", "demo", {"category": "Skirts"}),)
    )
    update_articles(any_store, [changed])
    assert any_store.select(CATEGORY % article_iri("A3")) == [
        {"c": "https://w3id.org/atelier/id/category/skirt"}
    ]
    assert any_store.select(CATEGORY % article_iri("A1")) == [
        {"c": "https://w3id.org/atelier/id/category/jeans"}
    ]


COUNTS = """
SELECT ?label ?n WHERE { GRAPH ?g {
  ?c <https://w3id.org/atelier/vocab#articleCount> ?n ;
     <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } }"""


def test_an_incremental_update_counts_the_concepts_again_and_keeps_one_label(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    build_graph(any_store, *catalogue, workdir=tmp_path)
    before = sorted((row["label"], row["n"]) for row in any_store.select(COUNTS))
    assert ("Tees", "2") in before  # A2 and A3
    changed = ArticleRecord(
        "A3",
        "demo",
        "S2",
        "Tee",
        (FeedRecord("retailer", "demo", {"category": "TEES ", "pattern": "Stripe"}),),
    )
    update_articles(any_store, [changed])  # the same concept, spelt another way
    assert sorted((row["label"], row["n"]) for row in any_store.select(COUNTS)) == before

    moved = ArticleRecord(
        "A3", "demo", "S2", "Tee", (FeedRecord("retailer", "demo", {"category": "Skirts"}),)
    )
    update_articles(any_store, [moved])
    after = dict((row["label"], row["n"]) for row in any_store.select(COUNTS))
    assert (after["Tees"], after["Skirts"], after["Stripe"]) == ("1", "1", "0")
    assert len(any_store.select(COUNTS)) == len(after)  # one label and one count each
    assert validate(any_store).conforms


def test_an_incremental_update_states_a_known_concept_under_a_new_broader_one(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    broader = """SELECT ?parent WHERE { GRAPH ?g {
      ?c <http://www.w3.org/2004/02/skos/core#prefLabel> "Tees" ;
         <http://www.w3.org/2004/02/skos/core#broader> ?parent } }"""
    build_graph(any_store, *catalogue, workdir=tmp_path)
    assert any_store.select(broader) == []
    filed = ArticleRecord(
        "A3", "demo", "S2", "Tee", (FeedRecord("retailer", "demo", {"category": "Tops > Tees"}),)
    )
    update_articles(any_store, [filed])  # Tees is known; Tops above it is news
    assert [row["parent"].rsplit("/", 1)[1] for row in any_store.select(broader)] == ["tops"]
    assert validate(any_store).conforms


def test_an_incremental_update_gives_the_graphs_it_wrote_its_own_time(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    stamps = """SELECT ?g ?t WHERE { GRAPH <https://w3id.org/atelier/graph/meta> {
      ?g <http://www.w3.org/ns/prov#generatedAtTime> ?t } }"""
    build_graph(any_store, *catalogue, BuildConfig(built_at=datetime(2026, 1, 1, tzinfo=UTC)))
    built = {row["g"]: row["t"] for row in any_store.select(stamps)}
    update_articles(
        any_store, catalogue[0][1:2], config=BuildConfig(built_at=datetime(2026, 2, 1, tzinfo=UTC))
    )
    rows = any_store.select(stamps)
    now = {row["g"]: row["t"] for row in rows}
    assert len(rows) == len(now) == len(built)  # one time per graph
    retailer = "https://w3id.org/atelier/graph/retailer/demo"
    assert (built[retailer][:7], now[retailer][:7]) == ("2026-01", "2026-02")
    assert now["https://w3id.org/atelier/graph/manufacturer/demo"].startswith("2026-01")


def test_the_built_graph_passes_shacl_and_a_broken_one_does_not(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    build_graph(any_store, *catalogue, workdir=tmp_path)
    assert validate(any_store).conforms
    any_store.update(
        "INSERT DATA { GRAPH <https://w3id.org/atelier/graph/retailer/demo> { "
        f"<{article_iri('A1')}> <https://w3id.org/atelier/vocab#category> "
        "<https://w3id.org/atelier/id/colour/basic/blue> } }"
    )
    report = validate(any_store)
    assert not report.conforms
    assert "atl:category must name a platform garment category" in report.text()


def test_a_retailer_concept_with_two_labels_does_not_conform(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    build_graph(any_store, *catalogue, workdir=tmp_path)
    any_store.update(
        "INSERT DATA { GRAPH <https://w3id.org/atelier/graph/scheme/retailer/demo> { "
        "<https://w3id.org/atelier/id/retailer/demo/category/tees> "
        '<http://www.w3.org/2004/02/skos/core#prefLabel> "TEES" } }'
    )
    assert "a retailer concept has one preferred label" in validate(any_store).text()


def test_export_writes_parseable_nquads(
    any_store: EmbeddedStore | RemoteStore, tmp_path: Path, catalogue: Catalogue
) -> None:
    build_graph(any_store, catalogue[0], workdir=tmp_path)
    out = io.BytesIO()
    any_store.export("application/n-quads", out)
    assert f"<{article_iri('A1')}>".encode() in out.getvalue()
