"""A texture descriptor of the garment at the photo's own resolution, for few-shot values.

The tagger's backbone sees photos squared to 64 px, where stripes, checks, a denim twill or a
melange knit are mostly gone; a value learnt from a few dozen photos on its embedding alone
does not carry to new photos. This descriptor measures what those values are made of on the
garment's pixels, at up to 256 px on the long side (the shared photos are 160 × 240 and
224 × 224, so at their own resolution):

- **Oriented band energy** (a Gabor bank: 5 wavelengths, 3-21 px, × 6 orientations): per
  wavelength, the energy relative to the garment's contrast, how concentrated it is in one
  orientation (stripes), and the energy at right angles to the strongest orientation (checks);
  and how the energy spreads over the wavelengths (fine knit vs bold print).
- **Local binary patterns** (uniform, 8 neighbours at radius 1 and 16 at radius 2): the
  micro-texture of twill, melange and lace.
- **Periodicity**: the peak-to-mean ratio and the angular concentration of the power spectrum of
  three 48 px patches down the garment's centre line (a repeating print has sharp peaks).
- **Colour**: the garment's CIELAB mean, spread and lightness percentiles (denim is blue-grey
  and mottled).

Everything is relative to the garment's own contrast and size, so the same garment photographed
darker or larger gives nearly the same descriptor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray
from skimage.feature import local_binary_pattern

from vision.colorspace import srgb8_to_lab
from vision.segmentation import BoolArray

WAVELENGTHS = (3.0, 5.0, 8.0, 13.0, 21.0)
ORIENTATIONS = 6
_LBP = ((8, 1), (16, 2))
_PATCH = 24  # half side of the spectrum patches


def _feature_names() -> tuple[str, ...]:
    names = ["contrast"]
    for wavelength in WAVELENGTHS:
        w = f"gabor{wavelength:g}"
        names += [f"{w}_energy", f"{w}_top", f"{w}_second", f"{w}_least", f"{w}_anisotropy"]
        names.append(f"{w}_orthogonal")
    names += [f"gabor{wavelength:g}_share" for wavelength in WAVELENGTHS]
    for points, radius in _LBP:
        names += [f"lbp{points}r{radius}_{b}" for b in range(points + 2)]
    names += ["spectrum_peak_mean", "spectrum_peak_max", "spectrum_angular", "spectrum_orthogonal"]
    names += ["lab_l", "lab_a", "lab_b", "lab_l_sd", "lab_a_sd", "lab_b_sd"]
    names += ["lightness_p10", "lightness_p50", "lightness_p90"]
    return tuple(names)


#: The descriptor's entries, in order.
TEXTURE_FEATURES = _feature_names()


@dataclass(frozen=True, slots=True)
class TextureConfig:
    """Settings of :func:`texture_features`.

    Attributes:
        max_side: Photos larger than this (long side, px) are shrunk first.
        erode: Pixels eroded off the garment mask's edge (the outline is not texture).
        min_pixels: Below this many garment pixels the whole photo is used.
    """

    max_side: int = 256
    erode: int = 3
    min_pixels: int = 200


@lru_cache(maxsize=1)
def _gabor_bank() -> tuple[NDArray[np.float32], ...]:
    kernels = []
    for wavelength in WAVELENGTHS:
        side = int(wavelength * 2.5) | 1
        for theta in np.arange(ORIENTATIONS) * np.pi / ORIENTATIONS:
            kernel = cv2.getGaborKernel((side, side), wavelength * 0.5, theta, wavelength, 0.6, 0)
            kernel -= kernel.mean()  # no response to flat colour
            kernels.append((kernel / np.abs(kernel).sum()).astype(np.float32))
    return tuple(kernels)


def texture_features(
    rgb: NDArray[np.uint8], mask: BoolArray | None = None, config: TextureConfig | None = None
) -> NDArray[np.float32]:
    """The texture descriptor (:data:`TEXTURE_FEATURES`) of the garment in a photo.

    Args:
        rgb: The photo, ``(H, W, 3)`` ``uint8``, at any resolution.
        mask: The garment's mask at any resolution (resized to the photo's); the whole photo
            when None.
        config: Settings; defaults to :class:`TextureConfig`.

    Returns:
        ``float32`` array of ``len(TEXTURE_FEATURES)`` finite values.
    """
    cfg = config or TextureConfig()
    h, w = rgb.shape[:2]
    scale = min(1.0, cfg.max_side / max(h, w))
    if scale < 1.0:
        size = (max(8, round(w * scale)), max(8, round(h * scale)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), np.uint8)
    garment = _garment(rgb.shape[:2], mask, cfg)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    contrast = float(gray[garment].std()) + 1e-3
    values: list[float] = [contrast]
    values += _band_energy(gray, garment, contrast)
    values += _binary_patterns(gray, garment)
    values += _periodicity(gray, garment)
    lab = srgb8_to_lab(rgb)[garment]
    values += [*lab.mean(0), *lab.std(0), *np.percentile(lab[:, 0], [10, 50, 90])]
    return np.nan_to_num(np.asarray(values, np.float32), nan=0.0, posinf=0.0, neginf=0.0)


def _garment(shape: tuple[int, int], mask: BoolArray | None, cfg: TextureConfig) -> BoolArray:
    h, w = shape
    if mask is None:
        return np.ones((h, w), bool)
    resized = cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    if cfg.erode > 0:
        kernel = np.ones((2 * cfg.erode + 1, 2 * cfg.erode + 1), np.uint8)
        resized = cv2.erode(resized, kernel)
    garment = resized > 0
    return garment if garment.sum() >= cfg.min_pixels else np.ones((h, w), bool)


def _band_energy(gray: NDArray[np.float32], garment: BoolArray, contrast: float) -> list[float]:
    energy = np.array(
        [np.abs(cv2.filter2D(gray, cv2.CV_32F, k)[garment]).mean() for k in _gabor_bank()]
    ).reshape(len(WAVELENGTHS), ORIENTATIONS)
    values: list[float] = []
    for row in energy:
        total = row.sum() + 1e-9
        shares = np.sort(row / total)
        strongest = int(np.argmax(row))
        across = row[(strongest + ORIENTATIONS // 2) % ORIENTATIONS] / (row[strongest] + 1e-9)
        values += [total / contrast, shares[-1], shares[-2], shares[0]]
        values += [shares[-1] / (shares[0] + 1e-6), across]
    values += list(energy.sum(1) / (energy.sum() + 1e-9))
    return values


def _binary_patterns(gray: NDArray[np.float32], garment: BoolArray) -> list[float]:
    image = (gray * 255).astype(np.uint8)
    values: list[float] = []
    for points, radius in _LBP:
        codes = local_binary_pattern(image, points, radius, "uniform")  # type: ignore[no-untyped-call]
        codes = codes[garment].astype(np.int64)
        histogram = np.bincount(codes, minlength=points + 2)[: points + 2].astype(np.float64)
        values += list(histogram / max(1.0, histogram.sum()))
    return values


def _periodicity(gray: NDArray[np.float32], garment: BoolArray) -> list[float]:
    rows, cols = np.nonzero(garment)
    top, bottom = np.percentile(rows, [10, 90]).astype(int)
    centre = int(np.median(cols))
    peaks, angular, across = [], [], []
    for row in np.linspace(top, bottom, 3).astype(int):
        y0, x0 = max(0, row - _PATCH), max(0, centre - _PATCH)
        patch = gray[y0 : y0 + 2 * _PATCH, x0 : x0 + 2 * _PATCH]
        if min(patch.shape) < 16:
            continue
        window = np.outer(np.hanning(patch.shape[0]), np.hanning(patch.shape[1]))
        power = np.abs(np.fft.fftshift(np.fft.fft2((patch - patch.mean()) * window))) ** 2
        ph, pw = power.shape
        ys, xs = np.mgrid[0:ph, 0:pw]
        radius = np.hypot(ys - ph / 2, xs - pw / 2)
        angle = np.mod(np.arctan2(ys - ph / 2, xs - pw / 2), np.pi)
        band = (radius >= 3) & (radius < min(ph, pw) / 2)
        peaks.append(power[band].max() / (power[band].mean() + 1e-9))
        sectors = np.array(
            [
                power[band & (angle >= t) & (angle < t + np.pi / 8)].sum()
                for t in np.arange(8) * np.pi / 8
            ]
        )
        sectors /= sectors.sum() + 1e-9
        strongest = int(np.argmax(sectors))
        angular.append(sectors[strongest])
        across.append(sectors[(strongest + 4) % 8] / (sectors[strongest] + 1e-9))
    if not peaks:
        return [0.0, 0.0, 0.0, 0.0]
    return [
        float(np.mean(peaks)),
        float(np.max(peaks)),
        float(np.mean(angular)),
        float(np.mean(across)),
    ]


def garment_texture(
    rgb: NDArray[np.uint8], config: TextureConfig | None = None
) -> NDArray[np.float32]:
    """:func:`texture_features` of the garment the colour pipeline isolates in ``rgb``."""
    from vision.colors import isolate_garment  # colours do not need textures: keep it one-way

    return texture_features(rgb, isolate_garment(rgb).mask, config)
