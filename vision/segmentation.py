"""Garment masks for product photos: separate the garment from a white or light-grey backdrop.

Product photos are shot on a plain, light background that fills the image border. The mask is
found in three steps, all at a reduced working resolution (about 96 px on the long side):

1. **Background model.** The border ring votes for the backdrop colour; a plane
   ``c(x, y) = c₀ + c₁x + c₂y`` is fitted per CIELAB channel to the light, low-chroma border
   pixels, which follows the vignetting and gradients of studio lighting. Border pixels far from
   that model belong to a garment that touches the edge and are not used.
2. **Flood from the border.** Pixels within a small CIELAB distance of the model and off any
   edge are "background-like"; those connected to the border are background. Everything the
   flood cannot reach is a garment candidate. Edges are what make white-on-white work: a white
   shirt on a white backdrop differs by a faint outline and shading, and the closed outline stops
   the flood, so the shirt's interior survives as foreground even though its colour is the
   background's.
3. **GrabCut refinement.** OpenCV's GrabCut, seeded with sure/probable labels from step 2, fixes
   the boundary, soft shadows and background seen through gaps. When the seeds are degenerate or
   GrabCut returns an implausible mask (almost nothing, or almost everything), the flood mask
   from step 2 is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.colorspace import FloatArray, srgb8_to_lab

BoolArray = NDArray[np.bool_]

#: Long side, in pixels, of the working resolution.
WORKING_SIZE = 96
_MIN_SIDE = 8  # below this there is no border ring and no interior to speak of


@dataclass(frozen=True, slots=True)
class SegmentationConfig:
    """Tuning knobs of :func:`garment_mask`.

    Attributes:
        border: Width in working-resolution pixels of the ring that defines the background.
        background_tolerance: CIELAB distance (ΔE*ab) below which a pixel matches the backdrop.
        foreground_distance: ΔE*ab above which a pixel is surely not backdrop.
        backdrop_min_lightness: Border pixels darker than this L* are not taken as backdrop.
        backdrop_max_chroma: Border pixels more chromatic than this C*ab are not backdrop.
        grabcut_iterations: GrabCut iterations; 0 keeps the flood mask.
        min_fraction: A mask covering less than this fraction of the image is implausible.
        max_fraction: A mask covering more than this fraction of the image is implausible.
    """

    border: int = 2
    background_tolerance: float = 5.0
    foreground_distance: float = 14.0
    backdrop_min_lightness: float = 60.0
    backdrop_max_chroma: float = 12.0
    grabcut_iterations: int = 1
    min_fraction: float = 0.01
    max_fraction: float = 0.97
    min_kept_by_grabcut: float = 0.6


def to_working_resolution(rgb: NDArray[np.uint8], size: int = WORKING_SIZE) -> NDArray[np.uint8]:
    """Shrink an RGB image so its long side is at most ``size`` (area averaging, no upscaling)."""
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    if scale >= 1.0:
        return rgb
    new_size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(cv2.resize(rgb, new_size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _border_ring(shape: tuple[int, int], width: int) -> BoolArray:
    ring = np.zeros(shape, dtype=bool)
    ring[:width, :] = ring[-width:, :] = True
    ring[:, :width] = ring[:, -width:] = True
    return ring


def background_model(lab: FloatArray, config: SegmentationConfig) -> FloatArray:
    """Per-pixel CIELAB colour the backdrop would have, fitted to the border.

    Args:
        lab: Image in CIELAB, shape ``(H, W, 3)``.
        config: Segmentation settings.

    Returns:
        Background estimate, shape ``(H, W, 3)``.
    """
    h, w = lab.shape[:2]
    ring = _border_ring((h, w), config.border)
    ys, xs = np.nonzero(ring)
    samples = lab[ys, xs]
    chroma = np.hypot(samples[:, 1], samples[:, 2])
    backdrop = (samples[:, 0] >= config.backdrop_min_lightness) & (
        chroma <= config.backdrop_max_chroma
    )
    # A garment crossing the border must not drag the estimate, hence the median and the vote.
    if backdrop.sum() < 0.25 * len(samples):
        backdrop = np.ones(len(samples), dtype=bool)
    median = np.median(samples[backdrop], axis=0)
    inliers = backdrop & (
        np.linalg.norm(samples - median, axis=1) < 3 * config.background_tolerance
    )
    if inliers.sum() < 12:
        return np.broadcast_to(median, lab.shape).copy()
    # Plane fit c0 + c1 x + c2 y per channel, coordinates scaled to [0, 1].
    design = np.column_stack([np.ones(inliers.sum()), xs[inliers] / w, ys[inliers] / h])
    coeffs, *_ = np.linalg.lstsq(design, samples[inliers], rcond=None)  # (3, 3)
    grid_y, grid_x = np.mgrid[0:h, 0:w]
    full = np.stack([np.ones((h, w)), grid_x / w, grid_y / h], axis=-1)
    model: FloatArray = full @ coeffs
    return model


def _edges(rgb: NDArray[np.uint8]) -> BoolArray:
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # Low thresholds: the outline of a white garment on white is only a few grey levels deep.
    edges = cv2.Canny(gray, 10, 30, L2gradient=True) > 0
    closed = cv2.morphologyEx(
        edges.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8), iterations=1
    )
    return np.asarray(closed > 0)


def _flood_background(background_like: BoolArray, border: int) -> BoolArray:
    count, labels = cv2.connectedComponents(background_like.astype(np.uint8), connectivity=4)
    if count <= 1:
        return np.zeros_like(background_like)
    ring = _border_ring(background_like.shape[:2], border)
    touching = np.unique(labels[ring & background_like])
    return np.isin(labels, touching[touching > 0])


def _grabcut(
    rgb: NDArray[np.uint8],
    flood_fg: BoolArray,
    sure_bg: BoolArray,
    sure_fg: BoolArray,
    iterations: int,
) -> BoolArray | None:
    seeds = np.where(flood_fg, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    seeds[sure_bg] = cv2.GC_BGD
    seeds[sure_fg] = cv2.GC_FGD
    has_fg = bool(np.any((seeds == cv2.GC_FGD) | (seeds == cv2.GC_PR_FGD)))
    has_bg = bool(np.any((seeds == cv2.GC_BGD) | (seeds == cv2.GC_PR_BGD)))
    if not (has_fg and has_bg):
        return None
    bgd_model = np.zeros((1, 65), np.float64)
    fgd_model = np.zeros((1, 65), np.float64)
    # GrabCut seeds its colour models with OpenCV's global RNG; reseed so masks are reproducible.
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(
            np.ascontiguousarray(rgb[..., ::-1]),
            seeds,
            (0, 0, 0, 0),  # no rectangle: initialised from the seed mask
            bgd_model,
            fgd_model,
            iterations,
            cv2.GC_INIT_WITH_MASK,
        )
    except cv2.error:
        # GrabCut refuses some degenerate colour models (e.g. too few distinct pixels).
        return None
    return np.asarray((seeds == cv2.GC_FGD) | (seeds == cv2.GC_PR_FGD))


def _central_fallback(shape: tuple[int, int]) -> BoolArray:
    # Product photos centre the product; with no usable cue, the central ellipse is the best bet.
    h, w = shape
    grid_y, grid_x = np.mgrid[0:h, 0:w]
    return np.asarray(
        ((grid_y - (h - 1) / 2) / (0.4 * h)) ** 2 + ((grid_x - (w - 1) / 2) / (0.4 * w)) ** 2 <= 1.0
    )


def garment_mask_working(
    rgb: NDArray[np.uint8], config: SegmentationConfig | None = None
) -> BoolArray:
    """Garment mask of an RGB image already at working resolution.

    Args:
        rgb: ``uint8`` image, shape ``(H, W, 3)``, both sides at least 8 px.
        config: Segmentation settings; defaults to :class:`SegmentationConfig`.

    Returns:
        Boolean mask, shape ``(H, W)``, True on the garment. Never empty.

    Raises:
        ValueError: If the image is too small to have a border and an interior.
    """
    cfg = config or SegmentationConfig()
    h, w = rgb.shape[:2]
    if min(h, w) < _MIN_SIDE:
        raise ValueError(f"image of {w}×{h} px is too small to segment (need ≥ {_MIN_SIDE} px)")
    lab = srgb8_to_lab(rgb)
    distance = np.linalg.norm(lab - background_model(lab, cfg), axis=-1)
    edges = _edges(rgb)
    background_like = (distance < cfg.background_tolerance) & ~edges
    flood_bg = _flood_background(background_like, cfg.border)
    flood_fg = ~flood_bg
    fraction = flood_fg.mean()
    if fraction < cfg.min_fraction:
        # Nothing stands out from the backdrop: take whatever differs at all before giving up.
        flood_fg = distance >= cfg.background_tolerance / 2
        if flood_fg.mean() < cfg.min_fraction:
            return _central_fallback((h, w))
    if cfg.grabcut_iterations <= 0:
        return flood_fg
    kernel = np.ones((3, 3), np.uint8)
    sure_bg = cv2.erode(flood_bg.astype(np.uint8), kernel, iterations=2) > 0
    sure_bg &= distance < cfg.background_tolerance
    sure_fg = cv2.erode(flood_fg.astype(np.uint8), kernel, iterations=1) > 0
    sure_fg &= distance > cfg.foreground_distance
    refined = _grabcut(rgb, flood_fg, sure_bg, sure_fg, cfg.grabcut_iterations)
    if refined is None or not cfg.min_fraction <= refined.mean() <= cfg.max_fraction:
        return flood_fg
    if refined.sum() < cfg.min_kept_by_grabcut * flood_fg.sum():
        # GrabCut separates by colour, so it discards a white garment on white wholesale even
        # though the flood found its closed outline; trust the outline then.
        return flood_fg
    return refined
