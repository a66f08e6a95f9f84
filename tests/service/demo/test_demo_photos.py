from __future__ import annotations

import numpy as np
import pytest
from demo_world import World
from PIL import Image

from service.demo.catalogue import build_catalogue
from service.demo.photos import photo_path, photo_spec
from service.demo.render import PhotoSpec, render


def _pixels(world: World, article_id: str) -> np.ndarray:
    with Image.open(photo_path(world.path / "images", article_id)) as image:
        assert image.format == "JPEG"
        assert image.size == world.config.image_size
        return np.asarray(image.convert("RGB"), dtype=float)


def _border(pixels: np.ndarray, width: int = 3) -> np.ndarray:
    edges = (pixels[:width], pixels[-width:], pixels[:, :width], pixels[:, -width:])
    return np.concatenate([e.reshape(-1, 3) for e in edges])


def test_every_article_has_a_photo_on_a_light_backdrop(world: World) -> None:
    articles = world.rows("ground_truth/articles.csv")
    assert world.summary.images == len(articles)
    assert len(list((world.path / "images").glob("*.jpg"))) == len(articles)
    for row in articles:
        border = _border(_pixels(world, row["article_id"]))
        assert (border.mean(axis=1) > 200).mean() > 0.95, row["article_id"]


def test_white_garments_stand_out_from_the_white_backdrop(world: World) -> None:
    whites = [r for r in world.rows("ground_truth/articles.csv") if r["basic_colour"] == "white"]
    assert len(whites) >= 5
    for row in whites:
        pixels = _pixels(world, row["article_id"])
        backdrop = np.median(_border(pixels), axis=0)
        differs = np.abs(pixels - backdrop).max(axis=2) > 12
        assert differs.mean() > 0.03, row["article_id"]  # rim, shading and folds show the shape


def test_solid_garments_are_photographed_in_their_colour(world: World) -> None:
    catalogue = build_catalogue(world.config)
    solids = [a for a in catalogue.articles if a.style.pattern == "solid"]
    assert len(solids) >= 20
    for article in solids:
        fabric = render(photo_spec(world.config, article), world.config.image_size).body > 0.99
        mean = _pixels(world, article.article_id)[fabric].mean(axis=0)
        assert np.abs(mean - np.array(article.colour.rgb)).max() < 15, article.article_id


def test_patterned_garments_show_their_second_colour(world: World) -> None:
    catalogue = build_catalogue(world.config)
    patterned = [a for a in catalogue.articles if a.pattern_colour is not None]
    assert patterned
    for article in patterned:
        assert article.pattern_colour is not None
        fabric = render(photo_spec(world.config, article), world.config.image_size).body > 0.99
        pixels = _pixels(world, article.article_id)[fabric]
        to_second = np.abs(pixels - np.array(article.pattern_colour.rgb)).max(axis=1)
        assert (to_second < 40).mean() > 0.015, article.article_id


def test_shading_gives_a_garment_more_than_one_value(world: World) -> None:
    article = next(a for a in build_catalogue(world.config).articles if a.style.pattern == "solid")
    fabric = render(photo_spec(world.config, article), world.config.image_size).body > 0.99
    assert _pixels(world, article.article_id)[fabric].std(axis=0).max() > 2


def _cover(category: str, sleeve: str, neckline: str, x: float, y: float) -> float:
    spec = PhotoSpec(category, sleeve, neckline, "solid", "cotton", (30, 40, 60), None, (1,), (2,))
    body = render(spec, (128, 192)).body
    return float(
        body[int(y * 192) - 3 : int(y * 192) + 3, int(x * 128) - 3 : int(x * 128) + 3].mean()
    )


@pytest.mark.parametrize(
    ("sleeve", "shoulder", "short_sleeve", "forearm"),
    [
        ("long", True, False, True),
        ("short", True, True, False),
        ("sleeveless", False, False, False),
    ],
)
def test_sleeves_are_drawn_as_the_attribute_says(
    sleeve: str, shoulder: bool, short_sleeve: bool, forearm: bool
) -> None:
    assert (_cover("t-shirt", sleeve, "round", 0.74, 0.21) > 0.5) is shoulder
    assert (_cover("t-shirt", sleeve, "round", 0.82, 0.3) > 0.5) is short_sleeve
    assert (_cover("t-shirt", sleeve, "round", 0.81, 0.66) > 0.5) is forearm


def test_a_v_neck_opens_deeper_than_a_round_neck() -> None:
    # Through the opening shows the darker inside of the garment, not its lit front.
    assert _cover("t-shirt", "short", "round", 0.5, 0.21) > 0.5
    assert _cover("t-shirt", "short", "v-neck", 0.5, 0.21) < 0.1
