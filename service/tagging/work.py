"""The per-photo work of tagging, run in worker processes: decode, colours, squared pixels.

Colour extraction is the slow part (≈70 photos/s per core), so it runs in a process pool beside
the net, which tags whole batches at once in the parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from service.tagging.results import VisionColour
from vision.color_namer import DEFAULT_MODEL
from vision.colors import ColorExtractionConfig, garment_colors, isolate_garment
from vision.tagger.images import ImageError, read_image, square
from vision.texture import texture_features


@dataclass(frozen=True, slots=True)
class PhotoWork:
    """What the workers found in one photo, or why it failed."""

    path: Path
    pixels: NDArray[np.uint8] | None
    colours: tuple[VisionColour, ...]
    error: str | None
    texture: NDArray[np.float32] | None = None  # when the tagger's few-shot probes read it


def init_worker() -> None:
    """One thread per worker process: OpenCV's own pool would oversubscribe the cores."""
    cv2.setNumThreads(1)


def analyse(
    path: Path, size: int, namer: Path | None = DEFAULT_MODEL, texture: bool = False
) -> PhotoWork:
    """Decode a photo, extract its colours (the dominant one's basic term by the colour namer
    at ``namer``), its garment's texture descriptor when ``texture`` (few-shot probes read it)
    and square it to ``size`` pixels; never raises on a bad file.
    """
    try:
        rgb = read_image(path)
        config = ColorExtractionConfig(namer_model=namer)
        garment = isolate_garment(rgb, config)
        found = garment_colors(garment, config=config)
        colours = tuple(VisionColour(c.hex, c.lab, c.share, c.name, c.hue, c.basic) for c in found)
        described = texture_features(rgb, garment.mask) if texture else None
        return PhotoWork(path, square(rgb, size), colours, None, described)
    except (ImageError, ValueError) as exc:
        return PhotoWork(path, None, (), str(exc) or type(exc).__name__)


def analyse_at(size: int, namer: Path | None = DEFAULT_MODEL, texture: bool = False) -> _Analyser:
    """A picklable ``analyse`` bound to ``size``, the colour namer and the texture choice."""
    return _Analyser(size, namer, texture)


@dataclass(frozen=True, slots=True)
class _Analyser:
    size: int
    namer: Path | None
    texture: bool = False

    def __call__(self, path: Path) -> PhotoWork:
        return analyse(path, self.size, self.namer, self.texture)
