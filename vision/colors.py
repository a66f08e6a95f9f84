"""Semantic colours of a product photo: what colours the garment is, in words and numbers.

``extract_colors`` runs the whole pipeline::

    photo ─▶ working resolution ─▶ garment mask ─▶ CIELAB pixels ─▶ palette ─▶ names

Running a colour library on the raw photo mostly returns the backdrop, so the garment is isolated
first (:mod:`vision.segmentation`); its pixels are clustered (:mod:`vision.palette`) and each
cluster centre is named against the ISCC-NBS taxonomy (:mod:`vision.color_taxonomy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.color_namer import DEFAULT_MODEL, BasicDecision, color_features, load_namer
from vision.color_taxonomy import PHOTO_NEUTRAL_BOUNDS, BasicTerm, load_taxonomy
from vision.colorspace import FloatArray, lab_to_hex, srgb8_to_lab
from vision.palette import Palette, PaletteConfig, build_palette
from vision.photo import PhotoInput, as_rgb
from vision.segmentation import (
    BoolArray,
    SegmentationConfig,
    garment_mask_working,
    to_working_resolution,
)
from vision.skin import skin_mask


@dataclass(frozen=True, slots=True)
class SemanticColor:
    """One colour of a garment.

    Attributes:
        name: ISCC-NBS fine name, e.g. ``"dark grayish blue"``.
        hue: ISCC-NBS hue name, e.g. ``"blue"``.
        basic: One of the 11 basic colour terms.
        hex: Representative sRGB colour ``"#rrggbb"``.
        lab: Representative CIELAB (D65) colour.
        share: Fraction of the garment's pixels in this colour; shares of one photo sum to 1.
        retailer_name: Nearest retailer-facing name (Centore or XKCD), e.g. ``"navy"``.
        delta_e: CIEDE2000 distance from ``lab`` to the ISCC-NBS centroid named ``name``.
    """

    name: str
    hue: str
    basic: BasicTerm
    hex: str
    lab: tuple[float, float, float]
    share: float
    retailer_name: str
    delta_e: float


@dataclass(frozen=True, slots=True)
class ColorExtractionConfig:
    """Settings of :func:`extract_colors`.

    Attributes:
        segmentation: Garment-mask settings.
        palette: Clustering settings (``palette.max_colors`` is overridden by ``max_colors``).
        erode_mask: Erode the mask by one pixel before sampling colours when enough pixels
            remain, so that pixels mixed with the backdrop at the silhouette are not counted.
        namer_model: The learned colour namer that decides the dominant colour's basic term
            (:mod:`vision.color_namer`); ``None``, or a path that does not exist: the
            ISCC-NBS table's term.
        namer_reach: The namer renames the dominant colour only to a basic term with an
            ISCC-NBS centroid within this CIEDE2000 distance of it, so that a fine name and
            its basic term never contradict each other (a "pale pink" is never "black").
    """

    segmentation: SegmentationConfig = field(default_factory=SegmentationConfig)
    palette: PaletteConfig = field(default_factory=PaletteConfig)
    erode_mask: bool = True
    centre_sigma: float = 0.3
    skin_weight: float = 0.0
    max_skin_fraction: float = 0.4
    namer_model: Path | None = DEFAULT_MODEL
    namer_reach: float = 20.0


@dataclass(frozen=True, slots=True)
class GarmentPixels:
    """A photo reduced to what the colour and pattern analyses need.

    Attributes:
        rgb: Photo at working resolution, ``(H, W, 3)`` ``uint8``.
        lab: The same in CIELAB, ``(H, W, 3)``.
        mask: Garment mask, ``(H, W)``.
        sample: Pixels whose colours are measured (the mask, eroded where possible).
    """

    rgb: NDArray[np.uint8]
    lab: FloatArray
    mask: BoolArray
    sample: BoolArray


def isolate_garment(
    image: PhotoInput, config: ColorExtractionConfig | None = None
) -> GarmentPixels:
    """Validate a photo, shrink it to working resolution and find the garment.

    Raises:
        ValueError: If the image is unusable (see :func:`vision.photo.as_rgb`).
    """
    cfg = config or ColorExtractionConfig()
    rgb = to_working_resolution(as_rgb(image))
    mask = garment_mask_working(rgb, cfg.segmentation)
    sample = mask
    if cfg.erode_mask:
        eroded = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        if eroded.sum() >= max(16, 0.3 * mask.sum()):
            sample = np.asarray(eroded)
    return GarmentPixels(rgb=rgb, lab=srgb8_to_lab(rgb), mask=mask, sample=sample)


def name_palette(palette: Palette) -> list[SemanticColor]:
    """Attach ISCC-NBS, basic and retailer names to every colour of a palette."""
    taxonomy = load_taxonomy()
    names = taxonomy.name_many(palette.centers, PHOTO_NEUTRAL_BOUNDS)
    colors = []
    for center, share, color_name in zip(palette.centers, palette.shares, names, strict=True):
        colors.append(
            SemanticColor(
                name=color_name.name,
                hue=color_name.hue,
                basic=color_name.basic,
                hex=lab_to_hex(center),
                lab=(float(center[0]), float(center[1]), float(center[2])),
                share=float(share),
                retailer_name=taxonomy.nearest_retailer(center).name,
                delta_e=color_name.delta_e,
            )
        )
    return colors


def garment_palette(
    garment: GarmentPixels, max_colors: int = 5, config: ColorExtractionConfig | None = None
) -> Palette:
    """Cluster the sampled garment pixels into at most ``max_colors`` colours."""
    cfg = config or ColorExtractionConfig()
    palette_cfg = PaletteConfig(
        initial_clusters=max(cfg.palette.initial_clusters, max_colors),
        merge_delta_e=cfg.palette.merge_delta_e,
        lightness_weight=cfg.palette.lightness_weight,
        min_share=cfg.palette.min_share,
        max_colors=max_colors,
        iterations=cfg.palette.iterations,
        seed=cfg.palette.seed,
        fit_pixels=cfg.palette.fit_pixels,
    )
    return build_palette(garment.lab[garment.sample], palette_cfg, pixel_weights(garment, cfg))


def pixel_weights(garment: GarmentPixels, config: ColorExtractionConfig) -> FloatArray:
    """Importance of each sampled pixel for the palette."""
    h, w = garment.mask.shape
    weights = np.ones((h, w))
    if config.centre_sigma > 0:
        ys, xs = np.mgrid[0:h, 0:w]
        dy = (ys - (h - 1) / 2) / (config.centre_sigma * h)
        dx = (xs - (w - 1) / 2) / (config.centre_sigma * w)
        weights *= np.exp(-0.5 * (dx**2 + dy**2))
    if config.skin_weight < 1.0:
        skin = skin_mask(garment.lab) & garment.sample
        if skin.sum() < config.max_skin_fraction * garment.sample.sum():
            weights[skin] *= config.skin_weight
    sampled = weights[garment.sample]
    return sampled if sampled.sum() > 0 else np.ones_like(sampled)


def extract_colors(
    image: PhotoInput, max_colors: int = 5, config: ColorExtractionConfig | None = None
) -> list[SemanticColor]:
    """Colours of the garment in a product photo, largest share first.

    Args:
        image: Product photo as a PIL image or an RGB(A) numpy array (see
            :func:`vision.photo.as_rgb`); the garment should stand on a plain, light backdrop.
        max_colors: Report at most this many colours (1..10).
        config: Pipeline settings; defaults to :class:`ColorExtractionConfig`.

    Returns:
        One :class:`SemanticColor` per colour, shares summing to 1. The first is the dominant
        colour.

    Raises:
        ValueError: If the image is unusable or ``max_colors`` is out of range.
    """
    if not 1 <= max_colors <= 10:
        raise ValueError(f"max_colors must be in 1..10, got {max_colors}")
    cfg = config or ColorExtractionConfig()
    return garment_colors(isolate_garment(image, cfg), max_colors, cfg)


def garment_colors(
    garment: GarmentPixels, max_colors: int = 5, config: ColorExtractionConfig | None = None
) -> list[SemanticColor]:
    """:func:`extract_colors` on a garment already isolated (its other analyses share it)."""
    cfg = config or ColorExtractionConfig()
    palette = garment_palette(garment, max_colors, cfg)
    return learned_basic(garment, palette, name_palette(palette), cfg)


def learned_basic(
    garment: GarmentPixels,
    palette: Palette,
    colors: list[SemanticColor],
    config: ColorExtractionConfig,
) -> list[SemanticColor]:
    """The colours, with the dominant one's basic term decided by the learned namer (when
    one is installed and sure; the ISCC-NBS table's term otherwise).
    """
    namer = load_namer(config.namer_model) if config.namer_model is not None else None
    if namer is None or not colors:
        return colors
    basics = [c.basic for c in colors]
    features = color_features(
        garment.lab, garment.mask, garment.sample, palette.centers, palette.shares, basics
    )
    top = colors[0]
    term = served_term(top.lab, top.basic, namer.decide(features, top.basic), config.namer_reach)
    return colors if term == top.basic else [replace(top, basic=term), *colors[1:]]


def served_term(
    lab: tuple[float, float, float] | FloatArray,
    table_term: BasicTerm,
    decision: BasicDecision,
    reach: float,
) -> BasicTerm:
    """The basic term the dominant colour ``lab`` is given: the namer's, where that colour
    could be called so (a charcoal black, a navy black), else the table's. A white check's
    white stays white when the garment's term is its red.
    """
    if decision.term == table_term:
        return table_term
    if load_taxonomy().distance_to_term(lab, decision.term) > reach:
        return table_term
    return decision.term
