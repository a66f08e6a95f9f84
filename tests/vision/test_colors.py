"""Colour extraction on synthetic product photos with known colours."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from synthetic_photos import SyntheticPhotos

from vision.colors import extract_colors, isolate_garment

NAVY = (31, 42, 82)
WHITE = (246, 246, 244)
RED = (196, 30, 45)


def test_solid_navy_on_white(synth: type[SyntheticPhotos]) -> None:
    colors = extract_colors(synth.draw_photo(synth.shirt_mask(), NAVY))
    top = colors[0]
    assert top.basic == "blue"
    assert "blue" in top.name and ("dark" in top.name or "deep" in top.name)
    assert top.share == pytest.approx(1.0, abs=0.05)
    assert top.retailer_name in {
        "navy",
        "navy blue",
        "dark navy",
        "dark navy blue",
        "midnight blue",
    }
    assert sum(c.share for c in colors) == pytest.approx(1.0)


def test_white_garment_on_white_background(synth: type[SyntheticPhotos]) -> None:
    mask = synth.shirt_mask()
    photo = synth.draw_photo(mask, WHITE, background=(255, 255, 255))
    garment = isolate_garment(photo)
    # The mask is the garment, not the whole frame.
    assert 0.3 < garment.mask.mean() < 0.7
    colors = extract_colors(photo)
    assert colors[0].basic == "white"
    assert colors[0].share > 0.8


def test_white_garment_on_light_grey_background(synth: type[SyntheticPhotos]) -> None:
    photo = synth.draw_photo(synth.shirt_mask(), WHITE, background=(228, 228, 226))
    garment = isolate_garment(photo)
    assert 0.3 < garment.mask.mean() < 0.7
    assert extract_colors(photo)[0].basic == "white"


def test_red_garment_on_grey_background(synth: type[SyntheticPhotos]) -> None:
    colors = extract_colors(synth.draw_photo(synth.shirt_mask(), RED, background=(215, 215, 215)))
    assert colors[0].basic == "red"
    assert colors[0].share > 0.9


def test_garment_touching_the_border(synth: type[SyntheticPhotos]) -> None:
    mask = synth.shirt_mask(offset=(0, 40), scale=1.3)  # runs off the bottom and sides
    assert mask[-1].any()
    colors = extract_colors(synth.draw_photo(mask, (30, 110, 50)))
    assert colors[0].basic == "green"
    assert colors[0].share > 0.9


def test_striped_garment_has_two_colours_in_proportion(synth: type[SyntheticPhotos]) -> None:
    colors = extract_colors(synth.draw_photo(synth.shirt_mask(), synth.stripes(NAVY, WHITE)))
    basics: dict[str, float] = {}
    for color in colors:  # anti-aliased stripe edges may form a small third colour
        basics[color.basic] = basics.get(color.basic, 0.0) + color.share
    assert {"blue", "white"} <= set(basics)
    assert basics["blue"] == pytest.approx(0.5, abs=0.12)
    assert basics["white"] == pytest.approx(0.5, abs=0.12)
    assert basics["blue"] + basics["white"] > 0.85


def test_unequal_stripes_shares_follow_areas(synth: type[SyntheticPhotos]) -> None:
    def fill(mask: np.ndarray) -> np.ndarray:
        image = np.empty((*mask.shape, 3), np.uint8)
        image[:] = RED
        image[(np.arange(mask.shape[0]) % 32) < 8] = (20, 20, 20)  # a quarter black
        return image

    colors = extract_colors(synth.draw_photo(synth.shirt_mask(), fill))
    shares: dict[str, float] = {}
    for color in colors:
        shares[color.basic] = shares.get(color.basic, 0.0) + color.share
    assert colors[0].basic == "red"
    assert shares["red"] == pytest.approx(0.75, abs=0.1)
    assert shares["black"] == pytest.approx(0.25, abs=0.1)


def test_checked_garment_reports_both_colours(synth: type[SyntheticPhotos]) -> None:
    colors = extract_colors(
        synth.draw_photo(synth.shirt_mask(), synth.checks(RED, (250, 250, 250)))
    )
    assert {"red", "white"} <= {c.basic for c in colors[:3]}


def test_max_colors_and_ordering(synth: type[SyntheticPhotos]) -> None:
    photo = synth.draw_photo(synth.shirt_mask(), synth.checks(RED, NAVY))
    colors = extract_colors(photo, max_colors=1)
    assert len(colors) == 1 and colors[0].share == pytest.approx(1.0)
    colors = extract_colors(photo)
    assert [c.share for c in colors] == sorted((c.share for c in colors), reverse=True)
    with pytest.raises(ValueError, match="max_colors"):
        extract_colors(photo, max_colors=0)


def test_accepts_pil_images_of_any_mode(synth: type[SyntheticPhotos]) -> None:
    photo = synth.draw_photo(synth.shirt_mask(), NAVY)
    for mode in ("RGB", "RGBA", "L", "P"):
        image = Image.fromarray(photo).convert(mode)
        assert extract_colors(image)[0].basic in {"blue", "black", "gray"}


def test_is_deterministic(synth: type[SyntheticPhotos]) -> None:
    photo = synth.draw_photo(synth.shirt_mask(), synth.checks(RED, NAVY))
    assert extract_colors(photo) == extract_colors(photo)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        np.zeros((5, 200, 3), np.uint8),
        np.zeros((50, 50, 2), np.uint8),
        np.full((50, 50, 3), np.nan),
        np.full((50, 50, 3), 7.0),
        np.zeros((50, 50, 3), np.complex128),
        "not an image",
    ],
)
def test_unusable_input_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        extract_colors(bad)  # type: ignore[arg-type]


def test_blank_and_noise_images_do_not_crash(rng: np.random.Generator) -> None:
    assert extract_colors(np.full((64, 64, 3), 255, np.uint8))[0].basic == "white"
    assert extract_colors(np.zeros((64, 64, 3), np.uint8))[0].basic == "black"
    noise = rng.integers(0, 256, (80, 60, 3), dtype=np.uint8)
    colors = extract_colors(noise)
    assert 1 <= len(colors) <= 5
    assert sum(c.share for c in colors) == pytest.approx(1.0)
