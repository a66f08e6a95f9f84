from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine

from service.analytics.pictures import SwatchRow, Tile, photo, photo_grid, swatches
from service.store import Article, ProductImage, Style, session_factory


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture
def shop(engine: Engine, tmp_path: Path) -> Engine:
    """One article with a red photo, one without a photo."""
    path = tmp_path / "red.jpg"
    Image.new("RGB", (20, 30), (220, 0, 0)).save(path)
    with session_factory(engine)() as session:
        style = Style(catalogue="t", style_code="S1")
        red = Article(external_id="A1", style=style)
        session.add_all([style, red, Article(external_id="A2", style=style)])
        session.flush()
        session.add(
            ProductImage(
                article_id=red.id,
                path=str(path),
                width=20,
                height=30,
                byte_size=path.stat().st_size,
            )
        )
        session.commit()
    return engine


def test_photo_reads_the_stored_file(shop: Engine) -> None:
    pixels = photo(shop, "A1")
    assert pixels is not None and pixels.shape == (30, 20, 3)
    assert pixels[15, 10, 0] > 200 and pixels[15, 10, 1] < 30


def test_photo_of_an_article_without_one_is_none(shop: Engine) -> None:
    assert photo(shop, "A2") is None
    assert photo(shop, "missing") is None


def test_photo_grid_shows_photos_and_placeholders(shop: Engine) -> None:
    fig = photo_grid(shop, [Tile("A1", "red one"), Tile("A2", "no photo")], columns=3)
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in titled] == ["red one", "no photo"]
    assert len(titled[0].images) == 1 and not titled[1].images
    assert len(fig.axes) == 3


def test_swatches_draw_one_patch_per_named_colour() -> None:
    rows = [SwatchRow("A1", [("black", "#000000"), ("dark blue", "#1f2a44")])]
    fig = swatches(rows, headers=["retailer", "vision"])
    colours = [tuple(np.round(np.asarray(p.get_facecolor())[:3], 2)) for p in fig.axes[0].patches]
    assert colours[0] == (0.0, 0.0, 0.0)
    assert len(colours) == 2
