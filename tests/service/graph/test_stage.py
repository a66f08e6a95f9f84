from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kg.namespaces import article_iri
from kg.records import SalesRecord
from kg.store import EmbeddedStore
from service.graph.mining import PendingPurchases
from service.graph.records import SalesTally, read_articles, read_sales
from service.graph.stage import build_from_catalogue, refresh_articles
from service.store.models import Article, ArticleAttributes, Customer, Event, Style
from service.store.vision_models import VisionColour, VisionTag, VisionTagged


def fill(engine: Engine) -> None:
    """Two demo articles; three units of A1 bought in July, one in January."""
    with Session(engine) as session:
        style = Style(catalogue="demo", style_code="S1", name="Tee")
        a1 = Article(external_id="A1", style=style, name="Tee")
        a2 = Article(external_id="A2", style=style, name="Tee")
        a1.attributes = [
            ArticleAttributes(view="retailer", source="demo", data={"category": "Tees"}),
            ArticleAttributes(
                view="manufacturer", source="demo", data={"fabric_composition": "100% cotton"}
            ),
        ]
        a2.attributes = [ArticleAttributes(view="retailer", source="demo", data={"category": ""})]
        shopper = Customer(external_id="U1")
        session.add_all([style, a1, a2, shopper])
        session.flush()
        for key, (when, quantity) in enumerate(
            [(datetime(2024, 7, 1), 3), (datetime(2024, 1, 5), 1)]
        ):
            session.add(
                Event(
                    dedup_key=bytes([key]) * 16,
                    customer_id=shopper.id,
                    article_id=a1.id,
                    event_type="purchase",
                    occurred_at=when,
                    quantity=quantity,
                    source="demo",
                )
            )
        session.commit()


def test_the_store_is_read_as_records(engine: Engine) -> None:
    fill(engine)
    articles = {a.external_id: a for a in read_articles(engine)}
    assert [f.view for f in articles["A1"].feeds] == ["manufacturer", "retailer"]
    assert articles["A2"].feeds[0].data == {}  # empty values are dropped
    sales = {(s.external_id, s.season): s.units for s in read_sales(engine)}
    assert sales == {("A1", "summer"): 3, ("A1", "winter"): 1}
    # a full build takes them from the learn step's read of the purchases: the same figures
    assert list(PendingPurchases(engine).sales()) == list(read_sales(engine))


SALES = pa.schema(
    [
        ("article_id", pa.int64()),
        ("source", pa.string()),
        ("day", pa.int64()),
        ("units", pa.int64()),
    ]
)


def test_the_tally_grows_with_the_article_keys_of_each_batch() -> None:
    def batch(keys: list[int], days: list[int], units: list[int], source: str) -> pa.RecordBatch:
        columns = {"article_id": keys, "source": [source] * len(keys), "day": days, "units": units}
        return pa.RecordBatch.from_pydict(columns, schema=SALES)

    tally = SalesTally()
    tally.add(batch([1], [0], [2], "demo"))  # days since 1970: 0 is in January, 181 in July
    tally.add(batch([7, 1], [181, 0], [1, 1], "demo"))
    tally.add(batch([1], [181], [5], "hm"))
    tally.add(batch([], [], [], "hm"))
    assert tally.records({1: "A1", 7: "A7"}) == [
        SalesRecord("A1", "winter", 3, "demo"),
        SalesRecord("A1", "summer", 5, "hm"),
        SalesRecord("A7", "summer", 1, "demo"),
    ]
    assert [r.external_id for r in tally.records({7: "A7"})] == ["A7"]  # the others left out


def test_the_graph_is_built_from_the_store_and_refreshed(engine: Engine, tmp_path: Path) -> None:
    fill(engine)
    store = EmbeddedStore(tmp_path / "graph")
    report = build_from_catalogue(engine, store, workdir=tmp_path)
    assert report.articles == 2
    query = (
        f"SELECT ?c WHERE {{ <{article_iri('A1')}> <https://w3id.org/atelier/vocab#category> ?c }}"
    )
    assert store.select(query) == [{"c": "https://w3id.org/atelier/id/category/t-shirt"}]
    with Session(engine) as session:
        row = session.query(ArticleAttributes).filter_by(view="retailer", article_id=1).one()
        row.data = {"category": "Skirts"}
        session.commit()
    refresh_articles(engine, store, ["A1"])
    assert store.select(query) == [{"c": "https://w3id.org/atelier/id/category/skirt"}]
    units = store.select(
        "SELECT (SUM(?n) AS ?u) WHERE { ?f <https://w3id.org/atelier/vocab#salesCount> ?n }"
    )
    assert units == [{"u": "4"}]  # sales survive the refresh
    store.close()


def test_vision_results_in_the_store_become_the_vision_graph(
    engine: Engine, tmp_path: Path
) -> None:
    fill(engine)
    with Session(engine) as session:
        session.add_all(
            [
                VisionTagged(
                    article_id=1,
                    model_version="v7",
                    image_path="a1.jpg",
                    image_bytes=10,
                    tagged_at=datetime(2024, 8, 1),
                ),
                VisionColour(
                    article_id=1,
                    model_version="v7",
                    rank=0,
                    hex="#1b2a4a",
                    lab_l=17.0,
                    lab_a=2.0,
                    lab_b=-22.0,
                    share=0.8,
                    fine_name="dark blue",
                    hue="blue",
                    basic="blue",
                ),
                VisionTag(
                    article_id=1,
                    model_version="v7",
                    attr_group="category",
                    label="t-shirt",
                    score=0.9,
                    confident=True,
                ),
            ]
        )
        session.commit()
    store = EmbeddedStore(tmp_path / "graph")
    build_from_catalogue(engine, store, workdir=tmp_path)
    rows = store.select(
        "SELECT ?b WHERE { GRAPH <https://w3id.org/atelier/graph/vision/v7> { "
        f"<{article_iri('A1')}> <https://w3id.org/atelier/vocab#hasColour>/"
        "<https://w3id.org/atelier/vocab#basicColour> ?b } }"
    )
    assert rows == [{"b": "https://w3id.org/atelier/id/colour/basic/blue"}]
    store.close()
