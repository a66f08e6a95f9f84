"""Reading untrusted image files for the tagger, and squaring photos to the net's input size.

:func:`read_image` is strict on purpose: a file that is not a plain 8-bit RGB or grayscale image
is refused with a reason instead of being guessed at. CMYK files without a colour profile convert
to misleading RGB, 16-bit files need a tone mapping, and alpha cut-outs have no backdrop: each
would give colours the shop never showed. Decompression bombs are refused from the header,
before any pixel is decoded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

#: PIL modes accepted as they are (8-bit RGB, 8-bit grayscale) or via a lossless palette lookup.
ACCEPTED_MODES = {"RGB": "RGB", "L": "L", "P": "palette"}


class ImageError(ValueError):
    """An image file that cannot be tagged; the message says why."""


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """What :func:`read_image` accepts.

    Attributes:
        min_side: Smallest width or height in pixels.
        max_pixels: Largest width × height; larger headers are refused undecoded.
    """

    min_side: int = 32
    max_pixels: int = 40_000_000


def _check_header(image: Image.Image, limits: ImageLimits) -> None:
    width, height = image.size
    if width * height > limits.max_pixels:
        raise ImageError(f"image of {width}x{height} px is too large (decompression-bomb guard)")
    if min(width, height) < limits.min_side:
        raise ImageError(f"image of {width}x{height} px is too small (< {limits.min_side} px)")
    if image.mode not in ACCEPTED_MODES:
        raise ImageError(f"unsupported image mode {image.mode} (need 8-bit RGB or grayscale)")
    if image.mode == "P" and "transparency" in image.info:
        raise ImageError("image has transparency (alpha channel)")


def read_image(path: Path, limits: ImageLimits | None = None) -> NDArray[np.uint8]:
    """Decode an image file into an ``(H, W, 3)`` ``uint8`` RGB array.

    Raises:
        ImageError: If the file is missing, not an image, corrupt or truncated, too small or too
            large, or not 8-bit RGB / grayscale (CMYK, 16-bit, alpha...).
    """
    lim = limits or ImageLimits()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                _check_header(image, lim)
                image.load()
                return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"image is too large (decompression-bomb guard): {exc}") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"not a readable image: {exc}") from exc


def square(rgb: NDArray[np.uint8], size: int) -> NDArray[np.uint8]:
    """Pad a photo to a square on white (the usual product backdrop) and resize it.

    Padding instead of cropping keeps the whole garment: a crop would cut the hem of a dress
    in portrait photos, which is exactly what tells it from a top.
    """
    height, width = rgb.shape[:2]
    side = max(height, width)
    canvas = np.full((side, side, 3), 255, dtype=np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    canvas[top : top + height, left : left + width] = rgb
    resized = Image.fromarray(canvas).resize(
        (size, size), Image.Resampling.BILINEAR, reducing_gap=2.0
    )
    return np.asarray(resized, dtype=np.uint8)
