"""Myntra "Fashion Product Images" format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_samples import count, photo, write
from sqlalchemy import Engine

from service.ingest import IngestReport, ingest_myntra
from service.store import Article, ProductImage, Style

Ingest = Callable[..., IngestReport]

STYLES = """\
id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName
15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt
39386,Men,Apparel,Bottomwear,Jeans,Blue,Summer,2012,Casual,Peter England Men Party Blue Jeans
59263,Women,Accessories,Watches,Watches,Silver,Winter,2016,Casual,Titan Women Silver Watch
"""


def test_products_and_photos(ingest: Ingest, engine: Engine, tmp_path: Path) -> None:
    write(
        tmp_path / "styles.csv",
        STYLES + "12345,Men,Apparel,Topwear,Shirts,Red,Fall,soon,Casual,X\n",
    )
    photo(tmp_path / "images" / "15970.jpg")

    report = ingest(lambda c: ingest_myntra(c, tmp_path))

    assert count(engine, Article) == 3
    assert count(engine, Style) == 3  # every Myntra product is its own style
    assert count(engine, ProductImage) == 1
    assert [b.problem for b in report.bad_rows] == ["year 'soon' is not a whole number"]


@pytest.mark.realdata
def test_shared_myntra_data(ingest: Ingest, engine: Engine, shared_data: Path) -> None:
    report = ingest(lambda c: ingest_myntra(c, shared_data / "myntra"), chunk_rows=20_000)

    assert count(engine, Article) + report.counts("articles").skipped == 44_446
    assert count(engine, ProductImage) == 9_583
