"""Pattern detection on synthetic garments."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synthetic_photos import SyntheticPhotos

from vision.pattern import detect_pattern

NAVY = (31, 42, 82)
WHITE = (246, 246, 244)
RED = (196, 30, 45)


def test_solid(synth: type[SyntheticPhotos]) -> None:
    pattern = detect_pattern(synth.draw_photo(synth.shirt_mask(), NAVY))
    assert pattern.label == "solid"
    assert 0.0 <= pattern.score <= 1.0


@pytest.mark.parametrize("period", [16, 24, 32])
def test_horizontal_stripes(synth: type[SyntheticPhotos], period: int) -> None:
    assert (
        detect_pattern(
            synth.draw_photo(synth.shirt_mask(), synth.stripes(NAVY, WHITE, period))
        ).label
        == "striped"
    )


def test_vertical_stripes(synth: type[SyntheticPhotos]) -> None:
    photo = (
        synth.draw_photo(synth.shirt_mask(), synth.stripes(RED, WHITE)).transpose(1, 0, 2).copy()
    )
    pattern = detect_pattern(photo)
    assert pattern.label == "striped"


def test_checks(synth: type[SyntheticPhotos]) -> None:
    assert (
        detect_pattern(synth.draw_photo(synth.shirt_mask(), synth.checks(RED, NAVY))).label
        == "checked"
    )


def test_dots(synth: type[SyntheticPhotos]) -> None:
    assert (
        detect_pattern(synth.draw_photo(synth.shirt_mask(), synth.dots(NAVY, WHITE))).label
        == "dotted"
    )


def test_print(synth: type[SyntheticPhotos]) -> None:
    generator = np.random.default_rng(3)

    def fill(mask: np.ndarray) -> np.ndarray:
        # A floral-like print: random blobs of three colours at many sizes and angles.
        image = np.empty((*mask.shape, 3), np.uint8)
        image[:] = (240, 230, 200)
        for _ in range(60):
            centre = tuple(int(v) for v in generator.integers(0, 224, 2))
            axes = tuple(int(v) for v in generator.integers(3, 14, 2))
            colour = [(200, 40, 90), (40, 120, 60), (230, 150, 30)][int(generator.integers(3))]
            cv2.ellipse(image, centre, axes, float(generator.uniform(0, 180)), 0, 360, colour, -1)
        return image

    assert detect_pattern(synth.draw_photo(synth.shirt_mask(), fill)).label == "printed"
