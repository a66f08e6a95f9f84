from __future__ import annotations

import numpy as np
import pytest

from kg.colour import delta_e_2000, hex_to_lab
from kg.palette import load_palette

# Sharma, Wu & Dalal (2005), table 1: pairs 1, 3, 17 (neutral) and 25.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
]


@pytest.mark.parametrize(("first", "second", "expected"), SHARMA)
def test_ciede2000_matches_the_published_test_data(
    first: tuple[float, ...], second: tuple[float, ...], expected: float
) -> None:
    got = delta_e_2000(np.array(first), np.array([second]))[0]
    assert got == pytest.approx(expected, abs=1e-4)


def test_srgb_white_is_lab_white() -> None:
    assert hex_to_lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)


def test_the_palette_has_267_iscc_nbs_colours_and_their_basic_terms() -> None:
    palette = load_palette()
    assert len(palette.iris) == 267
    index = palette.index_of_name("dark blue")
    assert index is not None and palette.basics[index].endswith("/basic/blue")
    nearest, distance = palette.nearest(tuple(palette.labs[index]))
    assert nearest == index
    assert distance == pytest.approx(0.0)
