"""Generic items, interactions and customers CSV formats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_samples import count, photo, snapshot, write
from sqlalchemy import Engine, select

from service.ingest import (
    IngestReport,
    ingest_generic_customers,
    ingest_generic_interactions,
    ingest_items,
)
from service.store import Article, ArticleAttributes, Customer, Event, ProductImage, Style

Ingest = Callable[..., IngestReport]

ITEMS = """\
item_id,name,category,color,pattern,style_code,fit
A1,Slim jeans,Denim > Jeans,Indigo,,S1,slim
A2,Slim jeans,Denim > Jeans,Black,,S1,slim
B1,Oxford shirt,Shirts,White,Solid,,regular
"""

MANUFACTURER = """\
item_id,style_code,fabric_composition,dye_code,dye_lab_l,dye_lab_a,dye_lab_b
A1,S1,"98% cotton, 2% elastane",DY-1,30.1,5.2,-30.4
"""


@pytest.fixture
def items(tmp_path: Path) -> Path:
    return write(tmp_path / "items.csv", ITEMS)


def test_items_group_colourways_by_style_and_keep_extra_columns(
    ingest: Ingest, engine: Engine, items: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))

    assert count(engine, Style) == 2  # S1, and B1 alone
    with engine.connect() as connection:
        data = connection.execute(
            select(ArticleAttributes.data).join(Article).where(Article.external_id == "A1")
        ).scalar_one()
    assert data == {
        "item_id": "A1",
        "name": "Slim jeans",
        "category": "Denim > Jeans",
        "color": "Indigo",
        "style_code": "S1",
        "fit": "slim",
    }


def test_manufacturer_feed_is_a_second_view_of_the_same_article(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    feed = write(tmp_path / "maker.csv", MANUFACTURER)

    ingest(lambda c: ingest_items(c, feed, "shop", view="manufacturer"))

    with engine.connect() as connection:
        views = connection.execute(
            select(ArticleAttributes.view, Article.name)
            .join(Article)
            .where(Article.external_id == "A1")
            .order_by(ArticleAttributes.view)
        ).all()
    # The manufacturer feed has no names: the retailer's name is kept.
    assert [tuple(v) for v in views] == [("manufacturer", "Slim jeans"), ("retailer", "Slim jeans")]


def test_a_run_knows_which_articles_it_added_or_changed(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    first = ingest(lambda c: ingest_items(c, items, "shop"))
    renamed = ITEMS.replace("B1,Oxford shirt", "B1,Oxford Shirt")  # the name only
    recoloured = ITEMS.replace(
        "A2,Slim jeans,Denim > Jeans,Black", "A2,Slim jeans,Denim > Jeans,Ink"
    )
    feeds = [write(tmp_path / f"{n}.csv", text) for n, text in enumerate((renamed, recoloured))]
    maker = write(tmp_path / "maker.csv", MANUFACTURER)

    again = ingest(lambda c: ingest_items(c, items, "shop"))
    name, colour = (ingest(lambda c, f=f: ingest_items(c, f, "shop")) for f in feeds)
    second_view = ingest(lambda c: ingest_items(c, maker, "shop", view="manufacturer"))

    with engine.connect() as connection:
        ids = {e: pk for e, pk in connection.execute(select(Article.external_id, Article.id))}
    assert first.changed_articles == {ids["A1"], ids["A2"], ids["B1"]}
    assert again.changed_articles == set() and again.written == 0
    assert name.changed_articles == {ids["B1"]}
    assert colour.changed_articles == {ids["A2"], ids["B1"]}  # B1's name is back: a change
    assert second_view.changed_articles == {ids["A1"]}


def test_item_photos_by_id(ingest: Ingest, engine: Engine, items: Path, tmp_path: Path) -> None:
    photo(tmp_path / "img" / "A1.jpg")
    photo(tmp_path / "img" / "B1.png")
    photo(tmp_path / "img" / "ZZ.png")

    report = ingest(lambda c: ingest_items(c, items, "shop", images=tmp_path / "img"))

    assert count(engine, ProductImage) == 2
    assert [b.problem for b in report.bad_rows] == ["no article 'ZZ' in the catalogue"]


def test_interactions_with_types_quantities_and_event_ids(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    events = write(
        tmp_path / "events.csv",
        """\
user_id,item_id,timestamp,event_type,quantity,event_id
u1,A1,2024-03-01T10:00:00Z,view,,e1
u1,A1,2024-03-01T10:05:00+01:00,purchase,2,e2
u2,B1,2024-03-02,cart,,
u2,B1,2024-03-02,cart,,
u3,A2,,,,
""",
    )

    first = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))
    again = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))

    assert first.counts("events").written == 5
    assert again.written == 0
    with engine.connect() as connection:
        rows = connection.execute(
            select(Event.event_type, Event.quantity, Event.occurred_at).order_by(Event.id)
        ).all()
    assert [(r[0], r[1]) for r in rows] == [
        ("view", 1),
        ("purchase", 2),
        ("cart", 1),
        ("cart", 1),
        ("purchase", 1),
    ]
    assert rows[1][2].isoformat() == "2024-03-01T09:05:00"  # converted to UTC


def test_epoch_timestamps_are_stored_as_the_same_moments_as_iso_ones(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    epoch = write(
        tmp_path / "epoch.csv",
        "user_id,item_id,timestamp\nu1,A1,1600000000\nu1,A2,1600000000500\nu2,B1,20200914\n",
    )

    report = ingest(lambda c: ingest_generic_interactions(c, epoch, "shop"))

    assert report.bad_row_count == 0
    with engine.connect() as connection:
        times = connection.execute(select(Event.occurred_at).order_by(Event.id)).scalars().all()
    assert [t.isoformat() for t in times] == [
        "2020-09-13T12:26:40",
        "2020-09-13T12:26:40.500000",
        "2020-09-14T00:00:00",
    ]


def test_integer_epoch_columns_of_parquet_files_are_times(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    path = tmp_path / "events.parquet"
    table = {"user_id": ["u1", "u2"], "item_id": ["A1", "B1"], "timestamp": [1_600_000_000] * 2}
    pq.write_table(pa.table(table), path)

    report = ingest(lambda c: ingest_generic_interactions(c, path, "shop"))

    assert report.bad_row_count == 0
    with engine.connect() as connection:
        times = connection.execute(select(Event.occurred_at)).scalars().all()
    assert [t.isoformat() for t in times] == ["2020-09-13T12:26:40"] * 2


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_and_semicolon_separated_files_are_read_like_csv(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path, separator: str
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    rows = ["user_id,item_id,timestamp,quantity", "u1,A1,2024-01-01,2", "u2,B1,2024-01-02,1"]
    events = write(tmp_path / "e.txt", "".join(r.replace(",", separator) + "\n" for r in rows))

    report = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))

    assert report.bad_row_count == 0 and report.counts("events").written == 2
    with engine.connect() as connection:
        stored = connection.execute(select(Event.quantity).order_by(Event.id)).scalars().all()
    assert stored == [2, 1]


def test_resent_event_id_is_recognised_even_if_other_fields_changed(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    one = write(tmp_path / "a.csv", "user_id,item_id,event_id,timestamp\nu1,A1,e1,2024-01-01\n")
    two = write(tmp_path / "b.csv", "user_id,item_id,event_id,timestamp\nu1,A1,e1,2024-01-02\n")

    ingest(lambda c: ingest_generic_interactions(c, one, "shop"))
    ingest(lambda c: ingest_generic_interactions(c, two, "shop"))

    assert count(engine, Event) == 1


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "u1,A1,2024-01-01,bought,1",
            "event type 'bought' is not one of cart, purchase, return, view",
        ),
        ("u1,A1,2024-01-01,view,0", "quantity 0 is outside 1..10000"),
        ("u1,A1,2024-01-01,view,two", "quantity 'two' is not a whole number"),
        ("u1,,2024-01-01,view,1", "missing article id"),
        ("u1,A1,yesterday,view,1", "timestamp 'yesterday' is not ISO 8601 nor a Unix epoch"),
    ],
)
def test_bad_interaction_rows(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path, row: str, problem: str
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    events = write(tmp_path / "e.csv", f"user_id,item_id,timestamp,event_type,quantity\n{row}\n")

    report = ingest(lambda c: ingest_generic_interactions(c, events, "shop"))

    assert [str(b) for b in report.bad_rows] == [f"{events}, line 2: {problem}"] or (
        problem in report.bad_rows[0].problem
    )
    assert count(engine, Event) == 0


def test_customers_keep_attributes_and_update_them(
    ingest: Ingest, engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path / "c.csv", "user_id,age,segment\nu1,31,gold\nu2,,\nu1,40,x\nu3,200,\n")

    report = ingest(lambda c: ingest_generic_customers(c, path))
    write(path, "user_id,age,segment\nu1,32,gold\n")
    ingest(lambda c: ingest_generic_customers(c, path))

    assert [b.problem for b in report.bad_rows] == [
        "duplicate user_id 'u1' (first on line 2)",
        "age 200 is not an age in years",
    ]
    with engine.connect() as connection:
        attributes = {
            row.external_id: row.attributes
            for row in connection.execute(select(Customer.external_id, Customer.attributes))
        }
    assert attributes == {"u1": {"age": "32", "segment": "gold"}, "u2": {}}


def test_strict_interactions_failure_leaves_store_unchanged(
    ingest: Ingest, engine: Engine, items: Path, tmp_path: Path
) -> None:
    ingest(lambda c: ingest_items(c, items, "shop"))
    before = snapshot(engine)
    events = write(tmp_path / "e.csv", "user_id,item_id\n" + "u1,A1\n" * 5 + "u1,NOPE\n")

    with pytest.raises(Exception, match="line 7: unknown article 'NOPE'"):
        ingest(lambda c: ingest_generic_interactions(c, events, "shop"), strict=True)

    assert snapshot(engine) == before
