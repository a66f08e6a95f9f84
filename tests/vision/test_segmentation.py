"""Garment masks on synthetic photos: backgrounds, white on white, border contact."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic_photos import SyntheticPhotos

from vision.colors import isolate_garment
from vision.segmentation import (
    SegmentationConfig,
    garment_mask_working,
    to_working_resolution,
)


def _iou(found: np.ndarray, truth: np.ndarray) -> float:
    return float((found & truth).sum() / (found | truth).sum())


def _truth_at_working_size(mask: np.ndarray) -> np.ndarray:
    rgb = np.repeat(mask[..., None].astype(np.uint8) * 255, 3, axis=2)
    return to_working_resolution(rgb)[..., 0] > 127


@pytest.mark.parametrize(
    ("garment", "background"),
    [
        ((31, 42, 82), (255, 255, 255)),  # navy on white
        ((246, 246, 244), (255, 255, 255)),  # white on white
        ((246, 246, 244), (230, 230, 228)),  # white on light grey
        ((120, 120, 120), (225, 225, 225)),  # grey on grey
        ((236, 214, 190), (250, 250, 250)),  # beige on white
    ],
)
def test_mask_matches_the_drawn_garment(
    synth: type[SyntheticPhotos], garment: tuple[int, int, int], background: tuple[int, int, int]
) -> None:
    mask = synth.shirt_mask()
    found = isolate_garment(synth.draw_photo(mask, garment, background=background)).mask
    assert _iou(found, _truth_at_working_size(mask)) > 0.85


def test_mask_with_a_shadow_and_a_gradient_backdrop(synth: type[SyntheticPhotos]) -> None:
    mask = synth.shirt_mask()
    photo = synth.draw_photo(mask, (150, 30, 40), background=(238, 238, 238)).astype(np.float64)
    photo *= np.linspace(0.94, 1.0, photo.shape[0])[:, None, None]  # studio fall-off
    shadow = np.roll(mask, (6, 6), axis=(0, 1)) & ~mask
    photo[shadow] *= 0.85
    found = isolate_garment(np.clip(photo, 0, 255).astype(np.uint8)).mask
    assert _iou(found, _truth_at_working_size(mask)) > 0.8


def test_garment_touching_the_border(synth: type[SyntheticPhotos]) -> None:
    mask = synth.shirt_mask(offset=(0, 40), scale=1.3)
    found = isolate_garment(synth.draw_photo(mask, (30, 110, 50))).mask
    assert _iou(found, _truth_at_working_size(mask)) > 0.85


def test_flood_only_configuration_works(synth: type[SyntheticPhotos]) -> None:
    mask = synth.shirt_mask()
    rgb = to_working_resolution(synth.draw_photo(mask, (31, 42, 82)))
    found = garment_mask_working(rgb, SegmentationConfig(grabcut_iterations=0))
    assert _iou(found, _truth_at_working_size(mask)) > 0.85


def test_blank_image_falls_back_to_the_centre() -> None:
    found = garment_mask_working(np.full((64, 64, 3), 250, np.uint8))
    assert found[32, 32] and not found[0, 0]


def test_too_small_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="too small"):
        garment_mask_working(np.zeros((4, 4, 3), np.uint8))


def test_working_resolution_keeps_aspect_and_never_upscales() -> None:
    assert to_working_resolution(np.zeros((240, 160, 3), np.uint8)).shape == (96, 64, 3)
    assert to_working_resolution(np.zeros((40, 30, 3), np.uint8)).shape == (40, 30, 3)
