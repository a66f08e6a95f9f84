"""The bundled ISCC-NBS taxonomy, its basic terms and the retailer-facing names."""

from __future__ import annotations

import pytest

from vision.color_taxonomy import (
    BASIC_TERMS,
    HUE_TO_BASIC,
    PHOTO_NEUTRAL_BOUNDS,
    hue_of_name,
    load_taxonomy,
    munsell_to_lab,
    name_color,
    retailer_color,
)
from vision.colorspace import delta_e_2000, hex_to_lab


def test_taxonomy_has_267_colours_each_with_a_basic_term() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.colors) == 267
    assert len({c.name for c in taxonomy.colors}) == 267
    assert {c.basic for c in taxonomy.colors} == set(BASIC_TERMS)
    assert set(HUE_TO_BASIC.values()) == set(BASIC_TERMS)


@pytest.mark.parametrize(
    ("name", "hue", "basic"),
    [
        ("dark grayish blue", "blue", "blue"),
        ("yellowish white", "white", "white"),
        ("dark grayish yellowish brown", "yellowish brown", "brown"),
        ("vivid purplish red", "purplish red", "red"),
        ("strong yellowish green", "yellowish green", "green"),
        ("light olive gray", "gray", "gray"),
        ("olive black", "black", "black"),
        ("deep yellowish pink", "yellowish pink", "pink"),
    ],
)
def test_fine_names_resolve_to_hue_and_basic_term(name: str, hue: str, basic: str) -> None:
    (color,) = [c for c in load_taxonomy().colors if c.name == name]
    assert (color.hue, color.basic) == (hue, basic)


def test_every_centroid_names_itself() -> None:
    for color in load_taxonomy().colors:
        named = name_color(color.lab)
        assert named.name == color.name or named.basic == color.basic
        assert named.delta_e < 1.0 or named.basic == color.basic


def test_unknown_hue_is_rejected() -> None:
    with pytest.raises(ValueError, match="no ISCC-NBS hue"):
        hue_of_name("ultraviolet")


@pytest.mark.parametrize(
    ("name", "basics"),
    [
        ("navy", {"blue"}),
        ("taupe", {"brown", "gray"}),
        ("wine", {"red", "purple"}),
        ("beige", {"brown"}),
        ("teal", {"blue", "green"}),
        ("burgundy", {"red"}),
        ("lavender", {"purple"}),
        ("mustard", {"yellow"}),
    ],
)
def test_retailer_names_resolve_to_sensible_basic_terms(name: str, basics: set[str]) -> None:
    color = retailer_color(name)
    assert color.basic in basics
    assert color.delta_e < 10.0


def test_retailer_names_come_from_both_sources() -> None:
    assert retailer_color("Navy").source == "centore"  # Centore wins over XKCD's "navy"
    assert retailer_color("cloudy blue").source == "xkcd"
    with pytest.raises(KeyError, match="unknown colour name"):
        retailer_color("not a colour")


def test_munsell_conversion_is_close_for_known_values() -> None:
    # Munsell N 5 has L* ≈ 51; 5PB 3/10 is a strong blue; 5R 4/14 a vivid red.
    assert munsell_to_lab("5PB 5/0")[0] == pytest.approx(51.0, abs=1.0)
    assert name_color(munsell_to_lab("5PB 3/10")).basic == "blue"
    assert name_color(munsell_to_lab("5R 4/14")).basic == "red"
    assert name_color(munsell_to_lab("5Y 8.5/10")).basic == "yellow"
    with pytest.raises(ValueError, match="Munsell"):
        munsell_to_lab("N 5/")


def test_near_neutrals_get_neutral_names() -> None:
    charcoal = hex_to_lab("#343837")  # slightly green-tinted; nearest centroid is chromatic
    assert name_color(charcoal).basic in {"gray", "black"}
    photo_black = load_taxonomy().name_many([[30.0, 0.5, -1.0]], PHOTO_NEUTRAL_BOUNDS)[0]
    assert photo_black.basic == "black"


def test_name_many_agrees_with_name() -> None:
    labs = [hex_to_lab(h) for h in ("#1f2a44", "#c41e3a", "#f2f3f4", "#7b3f00")]
    many = load_taxonomy().name_many(labs)
    assert many == [name_color(lab) for lab in labs]
    assert float(delta_e_2000(labs[0], labs[0])) == 0.0
