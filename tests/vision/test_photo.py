"""Input validation of untrusted photos."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vision.photo import as_rgb


def test_layouts_and_dtypes_are_normalised() -> None:
    gray = np.full((20, 30), 128, np.uint8)
    assert as_rgb(gray).shape == (20, 30, 3)
    assert as_rgb(gray[..., None]).shape == (20, 30, 3)
    assert as_rgb(np.full((20, 30, 3), 0.5)).max() == 128
    assert as_rgb(np.full((20, 30, 3), 200, np.int64)).max() == 200


def test_transparency_is_composited_on_white() -> None:
    rgba = np.zeros((20, 20, 4), np.uint8)  # fully transparent black
    assert (as_rgb(rgba) == 255).all()
    assert (as_rgb(Image.fromarray(rgba, "RGBA")) == 255).all()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((0, 10, 3), np.uint8), "empty"),
        (np.zeros((1, 1, 3), np.uint8), "outside"),
        (np.zeros((10, 10, 5), np.uint8), "expected an"),
        (np.full((10, 10, 3), -1.0), r"\[0, 1\]"),
        (np.full((10, 10, 3), 300, np.int32), r"\[0, 255\]"),
        (np.full((10, 10, 3), np.inf), "NaN or infinite"),
        (Image.new("RGB", (1, 1)), "outside"),
        (b"jpeg bytes", "PIL image or a numpy array"),
    ],
)
def test_unusable_input_raises_value_error(bad: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        as_rgb(bad)  # type: ignore[arg-type]
