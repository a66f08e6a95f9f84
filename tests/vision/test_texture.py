"""The garment texture descriptor: what stripes, checks and plain cloth look like to it."""

from __future__ import annotations

import numpy as np
import pytest

from vision.texture import TEXTURE_FEATURES, garment_texture, texture_features

INDEX = {name: i for i, name in enumerate(TEXTURE_FEATURES)}


def garment(cloth: np.ndarray) -> np.ndarray:
    """A 160 × 240 studio photo: the cloth (a 100 × 160 patch) on a white backdrop."""
    photo = np.full((240, 160, 3), 250, np.uint8)
    photo[40:200, 30:130] = cloth
    return photo


def stripes(period: int = 8, vertical: bool = False, dark: int = 40) -> np.ndarray:
    ys, xs = np.mgrid[0:160, 0:100]
    on = ((xs if vertical else ys) // (period // 2)) % 2 == 0
    cloth = np.where(on, dark, 200).astype(np.uint8)
    return np.repeat(cloth[:, :, None], 3, axis=2)


def checks(period: int = 8) -> np.ndarray:
    ys, xs = np.mgrid[0:160, 0:100]
    value = 60 + 70 * ((ys // (period // 2)) % 2) + 70 * ((xs // (period // 2)) % 2)
    return np.repeat(value.astype(np.uint8)[:, :, None], 3, axis=2)


def plain(rng: np.random.Generator) -> np.ndarray:
    return np.clip(rng.normal(120, 3, (160, 100, 3)), 0, 255).astype(np.uint8)


def test_the_descriptor_is_finite_and_named() -> None:
    features = garment_texture(garment(stripes()))
    assert features.shape == (len(TEXTURE_FEATURES),) and features.dtype == np.float32
    assert np.isfinite(features).all()
    assert len(set(TEXTURE_FEATURES)) == len(TEXTURE_FEATURES)


def test_stripes_concentrate_their_energy_in_one_orientation() -> None:
    rng = np.random.default_rng(0)
    striped = garment_texture(garment(stripes(8)))
    solid = garment_texture(garment(plain(rng)))
    # an 8 px period falls between the 5 and 13 px wavelengths: the 8 px band responds
    assert striped[INDEX["gabor8_top"]] > 0.5 > solid[INDEX["gabor8_top"]]
    assert striped[INDEX["spectrum_peak_max"]] > 3 * solid[INDEX["spectrum_peak_max"]]
    assert striped[INDEX["spectrum_angular"]] > solid[INDEX["spectrum_angular"]]


def test_checks_have_energy_across_the_strongest_orientation_and_stripes_do_not() -> None:
    checked = garment_texture(garment(checks(8)))
    striped = garment_texture(garment(stripes(8)))
    assert checked[INDEX["gabor8_orthogonal"]] > 0.5 > striped[INDEX["gabor8_orthogonal"]]


def test_the_orientation_of_stripes_does_not_matter() -> None:
    across = garment_texture(garment(stripes(8, vertical=False)))
    down = garment_texture(garment(stripes(8, vertical=True)))
    assert across[INDEX["gabor8_top"]] == pytest.approx(down[INDEX["gabor8_top"]], abs=0.05)


def test_darker_light_changes_energy_relative_to_contrast_little() -> None:
    bright = garment(stripes(8, dark=40))
    dim = (bright.astype(np.float64) * 0.6).astype(np.uint8)
    a, b = texture_features(bright), texture_features(dim)
    band = INDEX["gabor8_energy"]
    assert a[band] == pytest.approx(b[band], rel=0.15)


def test_a_tiny_photo_and_an_empty_mask_still_give_a_descriptor() -> None:
    tiny = np.full((12, 10, 3), 128, np.uint8)
    assert np.isfinite(texture_features(tiny, np.zeros((12, 10), bool))).all()
