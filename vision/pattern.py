"""Pattern of a garment: solid, striped, checked, dotted or printed.

A feature for the attribute model, computed from the masked garment at working resolution with no
learning:

1. **Texture energy.** The colour gradient (Sobel on L*, a* and b*, combined) inside the eroded
   garment mask; the silhouette is eroded away so the outline does not count as pattern. A garment
   whose mean gradient is small is *solid* (folds and shading change slowly).
2. **Dots.** The pixels outside the garment's main colour are split into connected components;
   many small, compact, similar-sized blobs make *dotted*.
3. **Orientation.** A magnitude-weighted histogram of gradient orientations (mod 180°). Energy
   concentrated around one orientation means *striped*; around two orientations 90° apart,
   *checked*.
4. Anything else with texture is *printed* (florals, graphics, camouflage, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from vision.colors import ColorExtractionConfig, GarmentPixels, garment_palette, isolate_garment
from vision.colorspace import FloatArray
from vision.palette import Palette
from vision.photo import PhotoInput

PatternLabel = Literal["solid", "striped", "checked", "dotted", "printed"]


@dataclass(frozen=True, slots=True)
class PatternConfig:
    """Thresholds of :func:`classify_pattern`.

    Attributes:
        solid_energy: Mean colour-gradient magnitude (ΔE*ab per pixel) below which a garment is
            solid.
        band_degrees: Half-width of an orientation band.
        stripe_share: Share of gradient energy in one band above which the pattern is striped.
        check_share: Share in two perpendicular bands above which it is checked.
        min_second_band: Minimum share of the weaker band of a check.
        min_dots: Fewest blobs that make a dotted pattern.
        dot_share: Share of the off-colour pixels that must lie in dot-like blobs.
    """

    solid_energy: float = 4.0
    band_degrees: float = 15.0
    stripe_share: float = 0.55
    check_share: float = 0.6
    min_second_band: float = 0.2
    min_dots: int = 5
    dot_share: float = 0.6


@dataclass(frozen=True, slots=True)
class Pattern:
    """Detected pattern.

    Attributes:
        label: One of solid, striped, checked, dotted, printed.
        score: Confidence-like strength of the evidence for ``label``, in [0, 1].
        energy: Mean colour-gradient magnitude inside the garment (ΔE*ab per pixel).
        orientation_degrees: Dominant gradient orientation, mod 180° (stripes run perpendicular).
    """

    label: PatternLabel
    score: float
    energy: float
    orientation_degrees: float


def _interior(mask: np.ndarray) -> np.ndarray:
    eroded = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2) > 0
    return eroded if eroded.sum() >= 16 else mask


def _gradients(lab: FloatArray) -> tuple[FloatArray, FloatArray]:
    lab32 = lab.astype(np.float32)
    gx = cv2.Sobel(lab32, cv2.CV_32F, 1, 0, ksize=3) / 8.0  # (H, W, 3), ΔE per pixel
    gy = cv2.Sobel(lab32, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    # Colour structure tensor (Di Zenzo): orientation and magnitude of the multi-channel gradient.
    jxx = (gx * gx).sum(-1).astype(np.float64)
    jyy = (gy * gy).sum(-1).astype(np.float64)
    jxy = (gx * gy).sum(-1).astype(np.float64)
    magnitude = np.sqrt(np.maximum(0.5 * (jxx + jyy + np.hypot(jxx - jyy, 2 * jxy)), 0.0))
    orientation = (0.5 * np.degrees(np.arctan2(2 * jxy, jxx - jyy))) % 180.0
    return magnitude, orientation


def _band_share(orientation: FloatArray, weight: FloatArray, centre: float, half: float) -> float:
    diff = np.abs((orientation - centre + 90.0) % 180.0 - 90.0)
    return float(weight[diff <= half].sum() / max(weight.sum(), 1e-12))


def _dot_evidence(garment: GarmentPixels, palette: Palette, config: PatternConfig) -> float:
    if len(palette.shares) < 2:
        return 0.0
    off_colour = np.zeros(garment.mask.shape, dtype=np.uint8)
    off_colour[garment.sample] = palette.labels != 0
    off_colour &= _interior(garment.mask).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(off_colour, connectivity=8)
    if count <= 1 or off_colour.sum() == 0:
        return 0.0
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    widths = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    heights = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    max_area = 0.02 * garment.mask.sum()
    compact = (
        (areas >= 2)
        & (areas <= max_area)
        & (np.minimum(widths, heights) / np.maximum(widths, heights) >= 0.5)
        & (areas / (widths * heights) >= 0.45)
    )
    if compact.sum() < config.min_dots:
        return 0.0
    return float(areas[compact].sum() / areas.sum())


def classify_pattern(
    garment: GarmentPixels, palette: Palette, config: PatternConfig | None = None
) -> Pattern:
    """Classify the pattern of an isolated garment.

    Args:
        garment: Output of :func:`vision.colors.isolate_garment`.
        palette: Palette of ``garment`` (its labels index ``garment.sample`` pixels).
        config: Thresholds; defaults to :class:`PatternConfig`.

    Returns:
        The pattern with its evidence.
    """
    cfg = config or PatternConfig()
    interior = _interior(garment.mask)
    magnitude, orientation = _gradients(garment.lab)
    weight = magnitude[interior]
    energy = float(weight.mean())
    weight2 = weight**2  # squared: strong pattern edges, not noise, decide the orientation
    angles = orientation[interior]
    histogram = np.bincount((angles // 5).astype(int) % 36, weight2, minlength=36)
    dominant = float(np.argmax(histogram) * 5 + 2.5)
    first = _band_share(angles, weight2, dominant, cfg.band_degrees)
    second = _band_share(angles, weight2, (dominant + 90.0) % 180.0, cfg.band_degrees)
    if energy < cfg.solid_energy:
        return Pattern("solid", 1.0 - energy / cfg.solid_energy, energy, dominant)
    dots = _dot_evidence(garment, palette, cfg)
    if dots >= cfg.dot_share and first < cfg.stripe_share:
        return Pattern("dotted", dots, energy, dominant)
    if first + second >= cfg.check_share and second >= cfg.min_second_band:
        return Pattern("checked", min(1.0, first + second), energy, dominant)
    if first >= cfg.stripe_share:
        return Pattern("striped", first, energy, dominant)
    return Pattern("printed", 1.0 - max(first + second, dots), energy, dominant)


def detect_pattern(
    image: PhotoInput,
    config: PatternConfig | None = None,
    extraction: ColorExtractionConfig | None = None,
) -> Pattern:
    """Pattern of the garment in a product photo (isolates the garment first).

    Raises:
        ValueError: If the image is unusable (see :func:`vision.photo.as_rgb`).
    """
    garment = isolate_garment(image, extraction)
    return classify_pattern(garment, garment_palette(garment, 5, extraction), config)
