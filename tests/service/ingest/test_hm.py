"""H&M Kaggle format: counts, quantities, idempotency and bad rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_samples import HM_ARTICLES, count, snapshot, write
from sqlalchemy import Engine, select

from service.errors import MissingFileError, SchemaError, StrictModeError
from service.ingest import IngestReport, ingest_hm
from service.store import Article, ArticleAttributes, Customer, Event, ProductImage, Style

Ingest = Callable[..., IngestReport]


def test_stores_every_part_of_the_folder(ingest: Ingest, engine: Engine, hm_folder: Path) -> None:
    report = ingest(lambda c: ingest_hm(c, hm_folder))

    assert report.bad_row_count == 0
    assert count(engine, Style) == 2
    assert count(engine, Article) == 3
    assert count(engine, ArticleAttributes) == 3
    assert count(engine, ProductImage) == 2
    # c3 appears only in transactions: it is created from them.
    assert count(engine, Customer) == 3
    assert count(engine, Event) == 5


def test_identical_rows_are_two_purchases(ingest: Ingest, engine: Engine, hm_folder: Path) -> None:
    ingest(lambda c: ingest_hm(c, hm_folder))

    with engine.connect() as connection:
        rows = connection.execute(
            select(Event.quantity, Event.price, Event.channel)
            .join(Article, Article.id == Event.article_id)
            .where(Article.external_id == "0110065001")
        ).all()
    assert [tuple(r) for r in rows] == [(1, 0.0305, "1"), (1, 0.0305, "1")]


def test_reingesting_adds_nothing(ingest: Ingest, engine: Engine, hm_folder: Path) -> None:
    ingest(lambda c: ingest_hm(c, hm_folder))
    before = snapshot(engine)

    again = ingest(lambda c: ingest_hm(c, hm_folder), chunk_rows=3)

    assert again.written == 0
    assert snapshot(engine) == before


def test_changed_feed_values_update_the_raw_record(
    ingest: Ingest, engine: Engine, hm_folder: Path
) -> None:
    ingest(lambda c: ingest_hm(c, hm_folder))
    write(
        hm_folder / "articles.csv",
        HM_ARTICLES.replace("Strap top,Vest top,White", "Strap top v2,Vest top,Off White"),
    )

    report = ingest(lambda c: ingest_hm(c, hm_folder))

    assert report.counts("articles").written == 1
    assert report.counts("article_attributes").written == 1
    with engine.connect() as connection:
        data = connection.execute(
            select(ArticleAttributes.data).join(Article).where(Article.external_id == "0108775044")
        ).scalar_one()
    assert data["colour_group_name"] == "Off White"


def test_article_ids_without_leading_zero_are_padded(
    ingest: Ingest, engine: Engine, hm_folder: Path
) -> None:
    ingest(lambda c: ingest_hm(c, hm_folder))

    with engine.connect() as connection:
        ids = set(connection.execute(select(Article.external_id)).scalars())
    assert ids == {"0108775015", "0108775044", "0110065001"}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2020-09-04,c1,0999999001,0.01,2", "unknown article '0999999001'"),
        ("2020-13-45,c1,0108775015,0.01,2", "timestamp '2020-13-45' is not ISO 8601"),
        ("2020-09-04,c1,0108775015,cheap,2", "price 'cheap' is not a number"),
        ("2020-09-04,c1,0108775015,-1,2", "price '-1' is negative"),
        ("2020-09-04,,0108775015,0.01,2", "missing customer id"),
        ("2020-09-04,c1,0108775015,0.01", "expected 5 fields, found 4"),
    ],
)
def test_bad_transactions_are_skipped_with_file_and_line(
    ingest: Ingest, engine: Engine, hm_folder: Path, line: str, problem: str
) -> None:
    path = hm_folder / "transactions_train.csv"
    path.write_text(path.read_text() + line + "\n")

    report = ingest(lambda c: ingest_hm(c, hm_folder))

    assert report.bad_row_count == 1
    assert str(report.bad_rows[0]).startswith(f"{path}, line 7: ")
    assert problem in report.bad_rows[0].problem
    assert count(engine, Event) == 5


def test_non_utf8_row_is_bad_and_the_rest_goes_in(
    ingest: Ingest, engine: Engine, hm_folder: Path
) -> None:
    path = hm_folder / "transactions_train.csv"
    path.write_bytes(path.read_bytes() + "2020-09-04,c\xe9,0108775015,0.01,2\n".encode("latin-1"))

    report = ingest(lambda c: ingest_hm(c, hm_folder))

    assert [str(b) for b in report.bad_rows] == [
        f"{path}, line 7: not valid UTF-8 (byte 0xe9 at column 13)"
    ]
    assert count(engine, Event) == 5


def test_duplicate_and_mistyped_articles_are_bad(
    ingest: Ingest, engine: Engine, hm_folder: Path
) -> None:
    path = hm_folder / "articles.csv"
    path.write_text(
        HM_ARTICLES
        + "0108775015,108775,Strap top,Vest top,Black,Solid\n"
        + "0200000001,notanumber,Top,Top,Red,Solid\n"
        + "12345678901,108775,Too long,Top,Red,Solid\n"
    )

    report = ingest(lambda c: ingest_hm(c, hm_folder))

    problems = [b.problem for b in report.bad_rows]
    assert problems == [
        "duplicate article_id '0108775015' (first on line 2)",
        "product_code 'notanumber' is not a whole number",
        "article_id '12345678901': an H&M article id is a number of at most 10 digits",
    ]
    assert count(engine, Article) == 3


def test_missing_column_names_the_file_and_column(ingest: Ingest, hm_folder: Path) -> None:
    write(hm_folder / "transactions_train.csv", "t_dat,customer_id,price\n2020-09-01,c1,0.1\n")

    with pytest.raises(
        SchemaError,
        match=r"transactions_train.csv: missing required column\(s\) "
        r"article_id",
    ):
        ingest(lambda c: ingest_hm(c, hm_folder))


def test_failed_strict_run_leaves_the_store_as_it_was(
    ingest: Ingest, engine: Engine, hm_folder: Path
) -> None:
    ingest(lambda c: ingest_hm(c, hm_folder))
    before = snapshot(engine)
    path = hm_folder / "transactions_train.csv"
    path.write_text(
        path.read_text() + "2020-09-05,c9,0108775044,0.02,2\n" + "2020-09-05,c9,0999999001,0.02,2\n"
    )

    with pytest.raises(StrictModeError, match=r"line 8: unknown article"):
        ingest(lambda c: ingest_hm(c, hm_folder), strict=True)

    assert snapshot(engine) == before


def test_missing_articles_file_is_a_clear_error(ingest: Ingest, tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match=r"no articles\.parquet or articles\.csv"):
        ingest(lambda c: ingest_hm(c, tmp_path))


def test_corrupt_photo_is_skipped(ingest: Ingest, engine: Engine, hm_folder: Path) -> None:
    (hm_folder / "images" / "010" / "0108775044.jpg").write_bytes(b"not a jpeg")

    report = ingest(lambda c: ingest_hm(c, hm_folder))

    assert report.counts("product_images").skipped == 1
    assert "not a readable image" in report.bad_rows[0].problem
    assert count(engine, ProductImage) == 2


@pytest.mark.realdata
def test_shared_hm_data(ingest: Ingest, engine: Engine, shared_data: Path) -> None:
    folder = shared_data / "hm"

    first = ingest(lambda c: ingest_hm(c, folder), chunk_rows=50_000)
    second = ingest(lambda c: ingest_hm(c, folder), chunk_rows=50_000)

    assert first.bad_row_count == 0
    assert count(engine, Article) == 105_542
    assert count(engine, Event) == 271_973
    assert count(engine, ProductImage) == 6_000
    assert second.written == 0
    assert count(engine, Event) == 271_973
