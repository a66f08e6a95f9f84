"""The graph builds for the real shared catalogues (Myntra in full, a slice of H&M)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import BuildConfig, write_dataset
from kg.loading import build_graph
from kg.records import ArticleRecord, FeedRecord
from kg.store import EmbeddedStore
from kg.validation import validate

pytestmark = pytest.mark.realdata


def myntra(data: Path) -> Iterator[ArticleRecord]:
    with (data / "myntra" / "styles.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row.get("id"):
                continue
            feed = {k: v for k, v in row.items() if k and v}
            name = row.get("productDisplayName")
            yield ArticleRecord(
                row["id"], "myntra", row["id"], name, (FeedRecord("retailer", "myntra", feed),)
            )


def hm(data: Path, articles: int) -> list[ArticleRecord]:
    """The first ``articles`` H&M articles as the store holds them (every column as text)."""
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_parquet(data / "hm" / "articles.parquet").head(articles).astype(str)
    return [
        ArticleRecord(
            r["article_id"],
            "hm",
            r["product_code"],
            r["prod_name"],
            (FeedRecord("retailer", "hm", r),),
        )
        for r in frame.to_dict("records")
    ]


def test_the_myntra_catalogue_builds_and_most_of_it_is_mapped(shared_data: Path) -> None:
    buffer = io.StringIO()
    config = BuildConfig(xkcd_colours=shared_data / "taxonomies" / "xkcd_colors.csv")
    report = write_dataset(myntra(shared_data), [], [], buffer, config)
    assert report.articles > 44_000
    store = ox.Store()
    store.bulk_load(buffer.getvalue().encode(), ox.RdfFormat.N_QUADS)
    query = """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?a <https://w3id.org/atelier/vocab#category> ?c }"""
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    categorised = int(next(iter(solutions))["n"].value)
    assert categorised / report.articles > 0.95
    unmapped_types = {label for _, field, label in report.unmapped if field == "articleType"}
    assert len(unmapped_types) < 15, sorted(unmapped_types)
    colours = {label for _, field, label in report.unmapped if field == "baseColour"}
    assert colours <= {"Multi", "Metallic", "Nude", "Skin"}


def test_hm_colour_names_map_to_their_semantic_colour(shared_data: Path) -> None:
    records = hm(shared_data, 3_000)
    buffer = io.StringIO()
    config = BuildConfig(xkcd_colours=shared_data / "taxonomies" / "xkcd_colors.csv")
    write_dataset(records, [], [], buffer, config)
    store = ox.Store()
    store.bulk_load(buffer.getvalue().encode(), ox.RdfFormat.N_QUADS)
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?label ?basic WHERE {
        ?c skos:prefLabel ?label ; skos:closeMatch/skos:broader/skos:broader/skos:prefLabel ?basic ;
           <https://w3id.org/atelier/vocab#field> "colour_group_name" }"""
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    basic = {row["label"].value: row["basic"].value for row in solutions}
    assert basic["Black"] == "black" and basic["Dark Blue"] == "blue"
    assert basic["Light Pink"] == "pink"


@pytest.mark.parametrize("source", ["myntra", "hm"])
def test_the_real_catalogue_graphs_pass_shacl_validation(
    source: str, shared_data: Path, tmp_path: Path
) -> None:
    articles = list(myntra(shared_data)) if source == "myntra" else hm(shared_data, 20_000)
    store = EmbeddedStore(tmp_path / "graph")
    config = BuildConfig(xkcd_colours=shared_data / "taxonomies" / "xkcd_colors.csv")
    build_graph(store, articles, (), (), config, tmp_path)
    report = validate(store, sample=1_000)
    store.close()
    assert report.conforms, report.text()
    assert report.articles_checked == 1_000
